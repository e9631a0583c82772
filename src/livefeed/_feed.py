"""The thread-safe state of one chart's stream, shared by its connection and its widget.

The connection (on the background loop) and `push()` (on any thread) feed the pipeline through
`Feed`; the widget reads batches and statistics from it. A lock serialises the pipeline.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Literal

from ._core.pipeline import ChartSpec, Pipeline
from ._core.rows import prepare_rows
from ._redact import Redactor

Status = Literal["connecting", "live", "reconnecting", "closed", "error"]

CONNECTION = "connection"  # the error kind of every connection failure


class Feed:
    """A pipeline behind a lock, plus what the connection is doing."""

    def __init__(self, spec: ChartSpec, redactor: Redactor | None = None) -> None:
        self.lock = threading.Lock()
        self.redactor = redactor or Redactor(None)
        self.pipeline = Pipeline(spec)
        self.status: Status = "closed"
        self.retry_at: float | None = None  # time.monotonic() of the next connection attempt
        self.reconnects = 0
        self._clock_x = spec.x is None

    def ingest(self, raw: str | bytes) -> None:
        """Take one WebSocket message."""
        # The clock is read only when arrival time is the x value: it is a cost on every message.
        now_ms = time.time() * 1000.0 if self._clock_x else 0.0
        with self.lock:
            self.pipeline.feed(raw, now_ms)

    def push(self, rows: object) -> None:
        """Take rows given from Python (see `prepare_rows` for the forms accepted).

        Raises TypeError or ValueError, in the caller's thread, for what cannot be read as rows;
        problems with the values themselves are counted like those of any message.
        """
        prepared = prepare_rows(rows, self.pipeline.spec.x)  # outside the lock: may be slow
        now_ms = time.time() * 1000.0
        with self.lock:
            if isinstance(prepared, dict):
                self.pipeline.feed_columns(prepared, now_ms)
            else:
                self.pipeline.feed_records(prepared, now_ms)

    def note(self, kind: str, message: str) -> None:
        """Count a problem met outside the pipeline, and show it as the last error.

        Every connection error comes through here, so this is where credentials are masked.
        """
        message = self.redactor.redact(message)
        with self.lock:
            self.pipeline.note(kind, message)

    def set_status(self, status: Status, retry_at: float | None = None) -> None:
        self.status = status
        self.retry_at = retry_at

    def stats(self) -> dict[str, Any]:
        """Counters as plain JSON-ready values (`rate` is added by the widget, which times them)."""
        with self.lock:
            pipeline = self.pipeline
            retry_in = None
            if self.retry_at is not None:
                retry_in = round(max(0.0, self.retry_at - time.monotonic()), 1)
            return {
                "messages": pipeline.messages,
                "points": pipeline.points,
                "errors": pipeline.errors,
                "error_kinds": dict(pipeline.error_kinds),
                "last_error": pipeline.last_error,
                "reconnects": self.reconnects,
                "coalesced": pipeline.coalesced,
                "retry_in": retry_in,
            }
