"""The data path without I/O: message → records → fields → per-series rings → batches.

`Pipeline` is plain code with no socket, thread or widget in it: bytes or records go in, arrays and
`Batch`es come out. It is not thread-safe; its owner serialises calls.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._coerce import ValueProblem, XAxis, XKind, to_number
from ._decode import decode_message
from ._fields import MISSING, compile_path
from ._ring import F64, I64, SeriesRing
from ._wire import Batch

MISSING_FIELD = "missing_field"
# Lists of at least this many records are read column by column when their shape allows.
_COLUMNAR_MIN = 8
_NAN = math.nan


@dataclass(frozen=True)
class ChartSpec:
    """What to read from each record and how much to keep.

    `y` names one or more fields (dotted paths allowed); `x` names the x field, or is None for
    arrival time; `group_by` names a field whose distinct values make separate series. `window` is
    the number of points kept per series.
    """

    y: tuple[str, ...]
    x: str | None = None
    group_by: str | None = None
    window: int = 10_000
    x_type: XKind = "auto"

    def __post_init__(self) -> None:
        if not self.y:
            raise ValueError("y must name at least one field")
        if self.window < 1:
            raise ValueError(f"window must be a positive number of points, not {self.window}")


class Pipeline:
    """Turns messages into points held per series, and hands out what the browser has not seen.

    Counters (`messages`, `points`, `error_kinds`, `last_error`) describe everything fed so far.
    """

    def __init__(self, spec: ChartSpec) -> None:
        self.spec = spec
        self.x_axis = XAxis("time" if spec.x is None else spec.x_type)
        self._x_get = None if spec.x is None else compile_path(spec.x)
        self._group_get = None if spec.group_by is None else compile_path(spec.group_by)
        self._y_gets = [(name, compile_path(name)) for name in spec.y]
        fields = [*spec.y] if spec.x is None else [spec.x, *spec.y]
        self._columnar = spec.group_by is None and not any("." in name for name in fields)
        self._series_ids: dict[tuple[str, str], int] = {}
        self.names: list[str] = []
        self.rings: list[SeriesRing] = []
        self._announced = 0  # series ids below this were named in a batch or reset already
        self._order = 0
        self.seq = 0
        self.messages = 0
        self.points = 0
        self.coalesced = 0
        self.error_kinds: Counter[str] = Counter()
        self.last_error = ""

    @property
    def errors(self) -> int:
        """Problems met so far, of every kind."""
        return sum(self.error_kinds.values())

    def note(self, kind: str, message: str) -> None:
        """Count a problem and make it the last error shown to the user."""
        self.error_kinds[kind] += 1
        self.last_error = message

    def feed(self, raw: str | bytes, now_ms: float) -> None:
        """Take one WebSocket message; `now_ms` is its arrival time (the x when x is omitted)."""
        self.messages += 1
        records, problems = decode_message(raw)
        for problem in problems:
            self.note(problem.kind, problem.message)
        self._ingest(records, now_ms)

    def feed_records(self, records: Iterable[Mapping[str, Any]], now_ms: float) -> None:
        """Take records already decoded (rows pushed from Python); counts as one message."""
        self.messages += 1
        self._ingest(records, now_ms)

    def _ingest(self, records: Iterable[Mapping[str, Any]], now_ms: float) -> None:
        if (
            self._columnar
            and isinstance(records, list)
            and len(records) >= _COLUMNAR_MIN
            and self._ingest_columns(records, now_ms)
        ):
            return
        x_get = self._x_get
        group_get = self._group_get
        convert_x = self.x_axis.convert
        for record in records:
            if x_get is None:
                x = now_ms
            else:
                raw_x = x_get(record)
                if raw_x is MISSING:
                    self._missing(self.spec.x, record)
                    continue
                try:
                    x = convert_x(raw_x)
                except ValueProblem as problem:
                    self.note(problem.kind, str(problem))
                    continue
            group = ""
            if group_get is not None:
                raw_group = group_get(record)
                if raw_group is MISSING:
                    self._missing(self.spec.group_by, record)
                    continue
                group = raw_group if type(raw_group) is str else str(raw_group)
            for name, y_get in self._y_gets:
                raw_y = y_get(record)
                if raw_y is MISSING:
                    self._missing(name, record)
                    continue
                try:
                    y = to_number(raw_y)
                except ValueProblem as problem:
                    self.note(problem.kind, f"{name}: {problem}")
                    if not problem.gap:
                        continue
                    y = _NAN
                key = (group, name)
                series = self._series_ids.get(key)
                if series is None:
                    series = self._add_series(key)
                self.rings[series].append(x, y, self._order)
                self._order += 1
                self.points += 1

    def _ingest_columns(self, records: list[Mapping[str, Any]], now_ms: float) -> bool:
        """Take a list of plain records column by column, or return False to leave them alone.

        Only for the common shape (flat field names, no group_by, an x axis already decided) and
        only when every value is a finite number: anything unusual (a missing field, a null, a
        string that is not a number, NaN) makes the whole list go through the per-record path,
        which counts and describes each problem. Nothing is stored before every column is read.
        """
        factor = self.x_axis.factor
        x_name = self.spec.x
        if x_name is not None and factor is None:
            return False
        n = len(records)
        try:
            if x_name is None:
                x = np.full(n, now_ms)
            else:
                x = np.fromiter([record[x_name] for record in records], np.float64, n)
                if factor != 1.0:
                    x *= factor
            ys = [
                np.fromiter([record[name] for record in records], np.float64, n)
                for name in self.spec.y
            ]
        except (KeyError, TypeError, ValueError, OverflowError):
            return False
        # One sum per column finds any NaN or infinity (they make the sum non-finite).
        if not all(math.isfinite(column.sum()) for column in (x, *ys)):
            return False
        step = len(ys)
        for offset, (name, y) in enumerate(zip(self.spec.y, ys, strict=True)):
            key = ("", name)
            series = self._series_ids.get(key)
            if series is None:
                series = self._add_series(key)
            # The same arrival order the per-record path gives: record by record, field by field.
            order = np.arange(self._order + offset, self._order + n * step, step, dtype=np.int64)
            self.rings[series].extend(x, y, order)
        self._order += n * step
        self.points += n * step
        return True

    def _missing(self, name: str | None, record: Mapping[str, Any]) -> None:
        fields = ", ".join(list(record)[:8])
        self.note(
            MISSING_FIELD, f"missing field {name!r} (the message has: {fields or 'no fields'})"
        )

    def _add_series(self, key: tuple[str, str]) -> int:
        group, name = key
        if self._group_get is None:
            label = name
        elif len(self._y_gets) == 1:
            label = group
        else:
            label = f"{group} {name}"
        self._series_ids[key] = len(self.rings)
        self.names.append(label)
        self.rings.append(SeriesRing(self.spec.window))
        return len(self.rings) - 1

    def take_batch(self) -> Batch | None:
        """The points not handed out yet, as the next batch; None when there are none."""
        segments: list[tuple[int, int]] = []
        xs: list[F64] = []
        ys: list[F64] = []
        coalesced = 0
        for series, ring in enumerate(self.rings):
            if not ring.unsent:  # the pump asks 30 times a second; most series are quiet
                continue
            x, y, skipped = ring.take_unsent()
            coalesced += skipped
            if len(x):
                segments.append((series, len(x)))
                xs.append(x)
                ys.append(y)
        self.coalesced += coalesced
        if not segments:
            return None
        self.seq += 1
        new_series = self._announce(range(self._announced, len(self.rings)))
        return Batch("batch", self.seq, new_series, segments, _join(xs), _join(ys), coalesced)

    def take_reset(self) -> Batch:
        """The whole window of every series, as a reset: what a view that appears late starts from.

        Everything held counts as sent afterwards, so the next batch carries only newer points.
        """
        segments: list[tuple[int, int]] = []
        xs: list[F64] = []
        ys: list[F64] = []
        for series, ring in enumerate(self.rings):
            x, y, _ = ring.columns()
            ring.mark_sent()
            segments.append((series, len(x)))
            xs.append(x)
            ys.append(y)
        self.seq += 1
        every_series = self._announce(range(len(self.rings)))
        return Batch("reset", self.seq, every_series, segments, _join(xs), _join(ys))

    def _announce(self, ids: Sequence[int]) -> list[tuple[int, str]]:
        self._announced = len(self.rings)
        return [(series, self.names[series]) for series in ids]

    def columns(self) -> tuple[F64, I64, F64]:
        """Everything held, in arrival order: x, series id and y."""
        parts = [ring.columns() for ring in self.rings]
        if not parts:
            return np.empty(0, np.float64), np.empty(0, np.int64), np.empty(0, np.float64)
        x = _join([p[0] for p in parts])
        y = _join([p[1] for p in parts])
        order = np.concatenate([p[2] for p in parts])
        series = np.repeat(np.arange(len(parts), dtype=np.int64), [len(p[0]) for p in parts])
        by_arrival = np.argsort(order, kind="stable")
        return x[by_arrival], series[by_arrival], y[by_arrival]


def _join(parts: list[F64]) -> F64:
    if not parts:
        return np.empty(0, np.float64)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
