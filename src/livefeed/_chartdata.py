"""The thread-safe state of one chart's stream, shared by its source and its widget.

`ChartData` is the only door to a chart's pipeline: sources (a connection on the background loop,
`push()` on any thread) put records in, the widget takes batches, snapshots and statistics out,
and every one of these goes through a method here that holds the lock for as short a time as it
can. Decoding a frame and preparing pushed rows, which may be slow, happen before the lock is
taken; only the pipeline's own work happens under it.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Literal, NamedTuple

from ._core.alerts import Alert, Alerts, Crossing
from ._core.batch import Batch, Snapshot
from ._core.coerce import XKind
from ._core.decode import Decoder, Frame, Problem, Record
from ._core.pipeline import INTERNAL, ChartSpec, Pipeline
from ._core.ring import F64, I64
from ._core.rows import prepare_rows
from ._redact import Redactor

Status = Literal["connecting", "live", "reconnecting", "closed", "error"]

CONNECTION = "connection"  # the error kind of every connection failure
# The error kind of history that cannot be had: a history function that raised or gave what
# cannot be rows, or a broker that keeps none for the subject.
HISTORY_ERROR = "history_error"


class Columns(NamedTuple):
    """Everything a feed holds, one row per point, as `LiveChart.data` shows it.

    Rows are sorted by x; rows of equal x by series id, then by arrival. `series` holds ids into
    `names`; `is_time` says whether x is epoch milliseconds of a time axis.
    """

    x: F64
    series: I64
    y: F64
    names: list[str]
    is_time: bool


class ChartData:
    """A pipeline behind a lock, plus what the connection is doing.

    Every method may be called from any thread. Counters stay consistent: a frame or a push
    counts as one message, in the same locked step as its points and problems, so `stats()`
    never shows a message without what it brought.
    """

    def __init__(self, spec: ChartSpec, redactor: Redactor | None = None) -> None:
        self.spec = spec
        self._redactor = redactor or Redactor(None)
        self._lock = threading.Lock()
        self._pipeline = Pipeline(spec)
        self.status: Status = "closed"
        self.retry_at: float | None = None  # time.monotonic() of the next connection attempt
        self.reconnects = 0
        self._clock_x = spec.x is None

    # -- in ------------------------------------------------------------------------------------

    @property
    def redactor(self) -> Redactor:
        """Masks the credentials of this chart's connection."""
        return self._redactor

    def ingest(self, frame: Frame, decoder: Decoder, at: float | None = None) -> None:
        """Take one frame of a connection, read by that connection's `decoder`; `at` is its
        arrival time in epoch seconds (None: now).

        The frame is decoded before the lock is taken: a slow decoder holds up neither `push()`
        nor the widget. Its problems are counted, with the message, under the lock.
        """
        try:
            records, problems = decoder.decode(frame)
        except Exception as error:  # decoders never raise; one that does is a bug of ours
            records, problems = [], [Problem(INTERNAL, f"internal error decoding: {error!r}")]
        self.take(records, problems, decoder.json_values, at)

    def take(
        self,
        records: list[Record],
        problems: list[Problem],
        json_values: bool,
        at: float | None = None,
    ) -> None:
        """Take the records and problems of one message, decoded already (a shared feed decodes
        once for all its charts); `json_values` as `Decoder.json_values` says; `at` as in
        `ingest`. Counts one message."""
        # The clock is read only when arrival time is the x value: it is a cost on every message.
        now_ms = 0.0
        if self._clock_x:
            now_ms = (time.time() if at is None else at) * 1000.0
        with self._lock:
            self._pipeline.feed_decoded(records, problems, now_ms, json_values)

    def push(self, rows: object) -> None:
        """Take rows given from Python (see `prepare_rows` for the forms accepted).

        Raises TypeError or ValueError, in the caller's thread, for what cannot be read as rows;
        problems with the values themselves are counted like those of any message.
        """
        prepared = prepare_rows(rows, self.spec.x)  # outside the lock: may be slow
        now_ms = time.time() * 1000.0
        with self._lock:
            if isinstance(prepared, dict):
                self._pipeline.feed_columns(prepared, now_ms)
            else:
                self._pipeline.feed_records(prepared, now_ms)

    def push_history(self, rows: object) -> None:
        """Take rows of history (as `push` does), keeping only points newer than the newest
        point already held in their series: history fetched again after a reconnect fills the
        gap without repeating points. Raises like `push`."""
        prepared = prepare_rows(rows, self.spec.x)  # outside the lock: may be slow
        now_ms = time.time() * 1000.0
        with self._lock:
            self._pipeline.feed_history(prepared, now_ms)

    def note(self, kind: str, message: str) -> None:
        """Count a problem met outside the pipeline, and show it as the last error.

        Every connection error comes through here, so this is where credentials are masked.
        """
        message = self._redactor.redact(message)
        with self._lock:
            self._pipeline.note(kind, message)

    def set_status(self, status: Status, retry_at: float | None = None) -> None:
        self.status = status
        self.retry_at = retry_at

    def count_reconnect(self) -> None:
        self.reconnects += 1

    def add_alert(self, alert: Alert) -> None:
        """Watch new points of `alert.series` for crossings of its thresholds."""
        with self._lock:
            if self._pipeline.alerts is None:
                self._pipeline.alerts = Alerts()
            self._pipeline.alerts.add(alert)

    def remove_alert(self, alert_id: int) -> bool:
        """Stop watching for that alert; False when there is none of that id."""
        with self._lock:
            alerts = self._pipeline.alerts
            return alerts is not None and alerts.remove(alert_id)

    # -- out -----------------------------------------------------------------------------------

    def take_crossings(self) -> list[Crossing]:
        """The alert crossings new points made since the last call, oldest first."""
        with self._lock:
            alerts = self._pipeline.alerts
            return [] if alerts is None else alerts.take()

    def take_batch(self) -> Batch | None:
        """The points not handed out yet, as the next batch; None when there are none."""
        with self._lock:
            return self._pipeline.take_batch()

    def take_reset(self) -> Batch:
        """The whole window of every series; everything held counts as sent afterwards."""
        with self._lock:
            return self._pipeline.take_reset()

    def has_unsent(self) -> bool:
        """Whether points arrived that no batch or reset has handed out yet."""
        with self._lock:
            return self._pipeline.has_unsent()

    def snapshot(self, limit: int) -> Snapshot:
        """Every series, each decimated to at most `limit` points (at least 3), as of now."""
        with self._lock:
            return self._pipeline.snapshot(limit)

    def columns(self) -> Columns:
        """Everything held, one row per point (see `Columns`), read in one locked step."""
        with self._lock:
            pipeline = self._pipeline
            x, series, y = pipeline.columns()
            return Columns(x, series, y, list(pipeline.names), pipeline.x_axis.kind == "time")

    def bars(self) -> tuple[F64, list[str], I64, dict[str, F64]]:
        """A candle chart's bars, one row per bar (see `Pipeline.bars`), read in one locked
        step."""
        with self._lock:
            return self._pipeline.bars()

    @property
    def x_kind(self) -> XKind:
        """The x axis: "auto" until the first x value decides it, then "time" or "number".

        Read without the lock: one attribute, which changes once at most.
        """
        return self._pipeline.x_axis.kind

    @property
    def seq(self) -> int:
        """The number of the last batch or reset handed out (0 before the first)."""
        with self._lock:
            return self._pipeline.seq

    @property
    def messages(self) -> int:
        """Messages taken so far. Read without the lock (one int): cheap enough to poll."""
        return self._pipeline.messages

    def stats(self) -> dict[str, Any]:
        """Counters as plain JSON-ready values (`rate` is added by the widget, which times them)."""
        with self._lock:
            pipeline = self._pipeline
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
                "cut": pipeline.cut,
                "log_gaps": pipeline.log_gaps,
                "alerts": 0 if pipeline.alerts is None else pipeline.alerts.fired,
                "retry_in": retry_in,
            }
