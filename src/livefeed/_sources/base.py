"""The seam for where records come from.

A source feeds one `Sink` and keeps the sink's status up to date; its owner only starts and stops
it. A sink is a shared `Feed` (which decodes once and hands the records to every chart of it) or
one chart's `ChartData`. A new kind of source (a replay, a message broker) is one new module here
implementing `Source`, plus its tests.
"""

from __future__ import annotations

from typing import Protocol

from .._chartdata import Status
from .._core.decode import Decoder, Frame
from .._redact import Redactor
from .._runtime import Runtime


class Sink(Protocol):
    """What a source feeds. Every method may be called from any thread and never raises."""

    @property
    def redactor(self) -> Redactor:
        """Masks the credentials of this sink's connection in any text."""

    @property
    def status(self) -> Status:
        """The status last set."""

    def ingest(self, frame: Frame, decoder: Decoder, at: float | None = None) -> None:
        """Take one frame, read by `decoder`; `at` is its arrival time (epoch seconds), None
        for now. A replay passes the recorded time, so that arrival-time x values come back."""

    def note(self, kind: str, message: str) -> None:
        """Count a problem met outside decoding (a connection error), shown as the last error."""

    def set_status(self, status: Status, retry_at: float | None = None) -> None:
        """What the source is doing; `retry_at` is the `time.monotonic()` of the next attempt."""

    def count_reconnect(self) -> None:
        """Count one more connection attempt after the first."""


class Source(Protocol):
    """Where records come from: started once, stopped once (stopping twice is harmless)."""

    @property
    def name(self) -> str:
        """What the page shows as the chart's source; never holds a credential."""

    def start(self, runtime: Runtime, sink: Sink) -> None:
        """Begin feeding `sink`; returns at once. Work that waits runs on `runtime`'s loop."""

    def stop(self) -> None:
        """End the feed and return once it has ended (a connection sends its close frame).

        Called from any thread but the runtime's loop thread.
        """

    def stop_soon(self) -> None:
        """Ask the feed to end without waiting: safe from any thread, and from a finaliser."""
