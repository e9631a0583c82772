"""The seam for where a chart's records come from.

A source feeds one `ChartData` (the pipeline behind its lock) and keeps its status up to date;
the widget only starts and stops it. A new kind of source (a replay, a message broker) is one new
module here implementing `Source`, plus its tests.
"""

from __future__ import annotations

from typing import Protocol

from .._chartdata import ChartData
from .._runtime import Runtime


class Source(Protocol):
    """Where records come from: started once, stopped once (stopping twice is harmless)."""

    @property
    def name(self) -> str:
        """What the page shows as the chart's source; never holds a credential."""

    def start(self, runtime: Runtime, feed: ChartData) -> None:
        """Begin feeding `feed`; returns at once. Work that waits runs on `runtime`'s loop."""

    def stop(self) -> None:
        """End the feed and return once it has ended (a connection sends its close frame).

        Called from any thread but the runtime's loop thread.
        """

    def stop_soon(self) -> None:
        """Ask the feed to end without waiting: safe from any thread, and from a finaliser."""
