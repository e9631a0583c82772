"""The seam for where records come from.

A source feeds one `Sink` and keeps the sink's status up to date; its owner only starts and stops
it. A sink is a shared `Feed` (which decodes once and hands the records to every chart of it) or
one chart's `ChartData`. A new kind of source (a replay, a message broker) is one new module here
implementing `Source`, plus its tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from contextlib import suppress
from typing import Any, Protocol

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


INTERNAL = "internal"  # the error kind of a bug of ours


class TaskSource:
    """A source that is one task on the runtime's loop (`run(sink)`), cancelled to stop.

    Holds no reference to a chart or a `Feed`, so that one nothing holds can be collected, and
    its finaliser can stop this source. What the task raises (a bug of ours) is counted and
    shown as status "error" rather than lost.
    """

    name = ""
    _doing = "the source"  # for error messages: "internal error in the connection"

    def __init__(self) -> None:
        self._runtime: Runtime | None = None
        self._task: asyncio.Task[None] | None = None

    def run(self, sink: Sink) -> Coroutine[Any, Any, None]:
        """The task's work: feed `sink` until done or cancelled."""
        raise NotImplementedError

    def start(self, runtime: Runtime, sink: Sink) -> None:
        sink.set_status("connecting")
        self._runtime = runtime
        self._task = runtime.run_sync(lambda: self._create_task(runtime, sink))

    def _create_task(self, runtime: Runtime, sink: Sink) -> asyncio.Task[None]:
        task = runtime.loop.create_task(self.run(sink), name=f"livefeed {self.name}")

        def finished(task: asyncio.Task[None]) -> None:
            if task.cancelled():
                return
            error = task.exception()
            if error is not None:  # a bug of ours: make it visible rather than lose it
                sink.note(INTERNAL, f"internal error in {self._doing}: {error!r}")
                sink.set_status("error")

        task.add_done_callback(finished)
        return task

    def stop(self) -> None:
        task, runtime = self._task, self._runtime
        if task is None or runtime is None or task.done():
            return
        if runtime.on_loop_thread():
            task.cancel()
            return
        runtime.submit(_cancel_and_wait(task)).result(timeout=10)

    def stop_soon(self) -> None:
        task, runtime = self._task, self._runtime
        if task is None or runtime is None or runtime.loop.is_closed():
            return
        with suppress(RuntimeError):  # the loop closed in between: it stops nothing any more
            runtime.loop.call_soon_threadsafe(task.cancel)


async def _cancel_and_wait(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.wait([task])
