"""One background thread per process running one asyncio loop, shared by every chart.

The loop owns the WebSocket connections and the pump that sends batches to the browser, so charts
keep streaming while the notebook's main thread runs a cell. Every message the pump sends spends a
token from one bucket shared by all charts: jupyter_server drops comm messages silently beyond
1000 per second for a whole kernel, so the kernel as a whole stays well below that.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import threading
import time
import weakref
from collections.abc import Callable, Coroutine
from typing import Any, Protocol, TypeVar

from ._orphans import on_cell_start, orphans
from ._outbox import FRAME_RATE, TokenBucket, kernel_bucket

log = logging.getLogger("livefeed")

T = TypeVar("T")

# How often charts whose cell ran again are checked for anything still holding them. Each check
# scans the heap, so it runs only while there are such charts.
ORPHAN_CHECK_PERIOD = 2.0


class Orphanable(Protocol):
    """What is stopped when the cell that made it runs again and nothing holds it any more."""

    @property
    def cell(self) -> str | None:
        """The cell that made it (see `_orphans.current_cell`)."""

    def stop_orphan(self) -> None:
        """Stop it: nothing holds it any more; called on the loop thread."""


class Pumped(Protocol):
    """A chart as the pump sees it."""

    def pump(self, budget: TokenBucket, now: float) -> None:
        """Send what is due, spending one token from `budget` per message sent."""

    def pump_failed(self, error: BaseException) -> None:
        """Make an unexpected error in `pump` visible to the user."""

    @property
    def cell(self) -> str | None:
        """The cell that made the chart (see `_orphans.current_cell`)."""

    def stop_orphan(self) -> None:
        """Stop a chart that nothing holds any more; called on the loop thread."""


class Runtime:
    """The shared loop and its thread. Use `get_runtime()`, not the constructor."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.loop.set_exception_handler(self._on_loop_error)
        self.bucket = kernel_bucket(time.monotonic())
        self._charts: weakref.WeakSet[Any] = weakref.WeakSet()
        # Watched for re-runs like charts, never pumped: feeds.
        self._watched: weakref.WeakSet[Any] = weakref.WeakSet()
        # Guards both sets: the shell's thread adds to them and reads them when a cell starts,
        # while the loop's thread reads them too. Reentrant: a finaliser that runs while it is
        # held (a garbage collection) may discard a chart.
        self._watched_lock = threading.RLock()
        # Charts whose cell ran again: stopped as soon as nothing holds them.
        self._candidates: weakref.WeakSet[Any] = weakref.WeakSet()
        self._next_orphan_check = 0.0
        self.orphan_checks = 0  # checks made so far: lets a test wait for one to happen
        self._watching_cells = False
        self._rotation = 0
        self.thread = threading.Thread(target=self._run, name="livefeed", daemon=True)
        self.thread.start()
        self.call_soon(self._start_pump)
        atexit.register(self.shutdown)

    def shutdown(self, timeout: float = 2.0) -> None:
        """Close every connection with a close frame and stop the loop; waits at most `timeout`.

        Runs when the interpreter exits (a kernel shutting down), so that servers see a normal
        close rather than a dropped connection; a server that does not answer cannot delay the
        exit beyond `timeout`.
        """
        if not self.thread.is_alive():
            return

        async def close_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            if tasks:
                await asyncio.wait(tasks, timeout=timeout)

        try:
            self.submit(close_all()).result(timeout + 0.5)
        except (concurrent.futures.TimeoutError, RuntimeError):
            log.warning("livefeed: connections did not close within %s s at exit", timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def _start_pump(self) -> None:
        self._pump_task = self.loop.create_task(self._pump_forever(), name="livefeed-pump")

    def _on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        # Anything that reaches here escaped every handler of ours: say so loudly, never drop it.
        log.error(
            "livefeed background error: %s",
            context.get("message"),
            exc_info=context.get("exception"),
        )

    def on_loop_thread(self) -> bool:
        return threading.current_thread() is self.thread

    def call_soon(self, callback: Callable[..., object], *args: object) -> None:
        """Run `callback(*args)` on the loop thread, soon."""
        self.loop.call_soon_threadsafe(callback, *args)

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule a coroutine on the loop from any thread."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run_sync(self, function: Callable[[], T], timeout: float = 10.0) -> T:
        """Run `function` on the loop thread and wait for its result (directly if already there)."""
        if self.on_loop_thread():
            return function()

        async def call() -> T:
            return function()

        return self.submit(call()).result(timeout)

    def add(self, chart: Pumped) -> None:
        """Pump `chart` until it is garbage-collected or removed."""
        with self._watched_lock:
            self._charts.add(chart)
        self._watch_cells()

    def watch(self, thing: Orphanable) -> None:
        """Stop `thing` once its cell runs again and nothing holds it (see `check_orphans`)."""
        with self._watched_lock:
            self._watched.add(thing)
        self._watch_cells()

    def _watch_cells(self) -> None:
        if not self._watching_cells:
            # Registered from the thread that makes the first chart: the shell's own thread.
            self._watching_cells = on_cell_start(self._cell_starts)

    def _cell_starts(self, cell: str) -> None:
        """Cell `cell` is about to run (called in the shell's thread, before its code runs):
        what its earlier runs made become candidates.

        They are picked here and now, not on the loop: the loop may be busy, and by the time it
        got to them this run would have made charts and feeds of the same cell, which running
        code alone may hold for a while, and which must never be taken for leftovers.
        """
        with self._watched_lock:
            made_before = [t for t in [*self._charts, *self._watched] if t.cell == cell]
        if made_before:
            self.call_soon(self._add_candidates, made_before)

    def _add_candidates(self, things: list[Any]) -> None:
        for thing in things:
            self._candidates.add(thing)
        self._next_orphan_check = 0.0

    def check_orphans(self, now: float) -> None:
        """Stop the candidates that nothing holds any more (see `_orphans`)."""
        if not self._candidates or now < self._next_orphan_check:
            return
        self._next_orphan_check = now + ORPHAN_CHECK_PERIOD
        found = orphans(list(self._candidates))
        self.orphan_checks += 1
        for chart in found:
            self._candidates.discard(chart)
            try:
                chart.stop_orphan()
            except Exception:
                log.exception("livefeed: stopping a chart that nothing holds failed")

    def discard(self, chart: Pumped) -> None:
        with self._watched_lock:
            self._charts.discard(chart)
            self._watched.discard(chart)

    async def _pump_forever(self) -> None:
        period = 1.0 / FRAME_RATE
        while True:
            started = time.monotonic()
            self.pump_once(started)
            self.check_orphans(started)
            await asyncio.sleep(max(0.0, period - (time.monotonic() - started)))

    def pump_once(self, now: float) -> None:
        """One tick: each chart sends what is due while the shared budget lasts.

        Charts take turns at going first, so that when the budget runs short the same charts are
        not always the ones that wait (their points simply travel in the next, larger batch).
        """
        self.bucket.refill(now)
        with self._watched_lock:
            charts = list(self._charts)
        if not charts:
            return
        self._rotation = (self._rotation + 1) % len(charts)
        for chart in charts[self._rotation :] + charts[: self._rotation]:
            if self.bucket.tokens < 1.0:
                break
            try:
                chart.pump(self.bucket, now)
            except Exception as error:  # one chart's failure must not stop the others
                log.exception("livefeed: sending to the browser failed")
                chart.pump_failed(error)


_runtime: Runtime | None = None
_runtime_lock = threading.Lock()


def get_runtime() -> Runtime:
    """The process's runtime, started on first use."""
    global _runtime
    with _runtime_lock:
        if _runtime is None or not _runtime.thread.is_alive():
            _runtime = Runtime()
        return _runtime
