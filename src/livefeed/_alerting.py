"""Where alert callbacks run: one thread of their own, named `ALERT_THREAD`.

Not the kernel's thread, which may be busy with a cell, and not the background loop, which a slow
callback would stall (and with it every feed). Callbacks run one at a time, in the order their
crossings happened; one that raises is reported to the chart that made it, and the next runs.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

ALERT_THREAD = "livefeed-alerts"

log = logging.getLogger(__name__)

Callback = Callable[[dict[str, Any]], object]
OnError = Callable[[BaseException], None]


class AlertRunner:
    """A queue of callbacks and the daemon thread that runs them (started with the first)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[Callback, dict[str, Any], OnError]] = (
            queue.SimpleQueue()
        )
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, callback: Callback, event: dict[str, Any], on_error: OnError) -> None:
        """Run `callback(event)` soon on the alert thread; `on_error(exception)` if it raises."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=ALERT_THREAD, daemon=True)
                self._thread.start()
        self._queue.put((callback, event, on_error))

    def _run(self) -> None:
        while True:
            callback, event, on_error = self._queue.get()
            try:
                callback(event)
            except Exception as error:
                try:
                    on_error(error)
                except Exception:  # reporting must never end the thread
                    log.exception("livefeed: could not report an alert callback's error")


_runner = AlertRunner()


def alert_runner() -> AlertRunner:
    """The one runner of this process."""
    return _runner
