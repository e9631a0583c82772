"""The data path without I/O: records → fields → per-series rings → batches.

`Pipeline` is plain code with no socket, thread or widget in it: decoded records (with the
problems their decoding met) or columns go in, arrays and `Batch`es come out. Decoding is not
done here, so that its owner can decode outside its lock (`feed` is a shortcut that decodes one
frame as the "json" decoder does). It is not thread-safe; its owner serialises calls.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from .alerts import Alerts
from .bars import OHLC, BarRing
from .batch import Batch, Segment, SeriesEntry, Snapshot
from .coerce import (
    BAD_TIME,
    NON_FINITE,
    NOT_A_NUMBER,
    NULL_VALUE,
    ValueProblem,
    XAxis,
    XKind,
    _excerpt,
    datetime64_unit_ms,
    to_number,
)
from .decimate import decimate
from .decode import (
    BINARY_FRAME,
    DECODE_ERROR,
    NOT_AN_OBJECT,
    NOT_JSON,
    TOO_LARGE,
    Frame,
    Problem,
    Record,
    decode_json,
)
from .fields import MISSING, compile_path
from .ring import F64, I64, SeriesRing
from .rows import as_column

MISSING_FIELD = "missing_field"
TOO_OLD = "too_old"  # a point below the oldest x of a full window
BAD_COLUMNS = "bad_columns"  # columns of unequal lengths or of more than one dimension
INTERNAL = "internal"  # a bug of ours, caught so that one message never ends a feed

# Every kind of problem the pipeline counts in `error_kinds`.
ERROR_KINDS: Final = frozenset(
    {
        NOT_JSON,
        NOT_AN_OBJECT,
        BINARY_FRAME,
        DECODE_ERROR,
        TOO_LARGE,
        NOT_A_NUMBER,
        NULL_VALUE,
        NON_FINITE,
        BAD_TIME,
        MISSING_FIELD,
        TOO_OLD,
        BAD_COLUMNS,
        INTERNAL,
    }
)

# Points per series. A full window of this size takes 360 MB: x, y and arrival order, 8 bytes
# each, in a buffer half as large again (see SeriesRing).
MAX_WINDOW: Final = 10_000_000
_LABEL_LIMIT = 200  # characters of a series name shown in the legend
# Lists of at least this many records are read column by column when their shape allows.
_COLUMNAR_MIN = 8
_NAN = math.nan
# What JSON gives and np.fromiter reads as float() would (numeric strings included).
_PLAIN_TYPES = frozenset({float, int, bool, str})
_NUMERIC_KINDS = "biuf"  # numpy dtype kinds read as float64


def _check_name(role: str, name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{role} must be a field name (a str), not {name!r}")
    if not name:
        raise ValueError(f"{role}: a field name cannot be empty")
    return name


@dataclass(frozen=True)
class ChartSpec:
    """What to read from each record and how much to keep; checked when made.

    `y` names one or more distinct fields (dotted paths allowed; a single str is one field); `x`
    names the x field, or is None for arrival time; `group_by` names a field whose distinct values
    make separate series. `x_type` is "auto", "time" or "number".

    `window` bounds the points kept per series: an int from 1 to `MAX_WINDOW`. Without `span_ms`
    it is the window itself, the `window` points of greatest x. `span_ms` (a positive number of
    milliseconds, or None) makes a time window: each series keeps its points whose x is at least
    its greatest x minus `span_ms`, `window` of them at most (see `window.parse_window`, which
    reads both from what a user gives). A time window needs a time axis: with `span_ms`,
    `x_type="number"` is refused and "auto" is made "time", so that numbers are read as epoch
    times from the first on (seconds, milliseconds... by their magnitude) and x is in
    milliseconds like the span.

    `log_y` says the chart draws y on a log scale, where values ≤ 0 have no place: they are kept
    (the data stays what was sent) and counted in `Pipeline.log_gaps`.

    `bar` (a positive number of x units, milliseconds on a time axis; None for none) makes a
    candle chart: the one y field's values are ticks, folded into open/high/low/close bars of that
    width (see `bars.BarRing`), and `window` and `span_ms` count bars. `volume` names a field
    whose values are summed per bar beside them; it needs `bar`.
    """

    y: tuple[str, ...]
    x: str | None = None
    group_by: str | None = None
    window: int = 10_000
    x_type: XKind = "auto"
    span_ms: float | None = None
    log_y: bool = False
    bar: float | None = None
    volume: str | None = None

    def __post_init__(self) -> None:
        y: object = self.y
        fields = (y,) if isinstance(y, str) else y
        if not isinstance(fields, Iterable):
            raise TypeError(f"y must be a field name or a list of them, not {y!r}")
        fields = tuple(_check_name("y", name) for name in fields)
        if not fields:
            raise ValueError("y must name at least one field")
        repeated = sorted({name for name in fields if fields.count(name) > 1})
        if repeated:
            raise ValueError(f"y names {repeated[0]!r} more than once: each y field is one series")
        object.__setattr__(self, "y", fields)
        if self.x is not None:
            _check_name("x", self.x)
        if self.group_by is not None:
            _check_name("group_by", self.group_by)
        self._check_bars(fields)
        window: object = self.window
        if isinstance(window, bool) or not isinstance(window, numbers.Integral):
            raise TypeError(f"window must be a whole number of points (an int), not {window!r}")
        window = int(window)
        if not 1 <= window <= MAX_WINDOW:
            raise ValueError(
                f"window must be from 1 to {MAX_WINDOW:,} points per series, not {window:,}"
            )
        object.__setattr__(self, "window", window)
        if self.x_type not in ("auto", "time", "number"):
            raise ValueError(f"x_type must be 'auto', 'time' or 'number', not {self.x_type!r}")
        span: object = self.span_ms
        if span is None:
            return
        if isinstance(span, bool) or not isinstance(span, numbers.Real):
            raise TypeError(f"span_ms must be a number of milliseconds or None, not {span!r}")
        span = float(span)
        if not 0 < span < math.inf:  # NaN fails too
            raise ValueError(
                f"span_ms must be a positive, finite number of milliseconds, not {span}"
            )
        object.__setattr__(self, "span_ms", span)
        if self.x_type == "number":
            raise ValueError(
                "a time window needs a time axis: x_type='number' cannot go with a span of time "
                "(give window as a number of points, or x_type='time' or 'auto')"
            )
        # Decided now rather than by the first x value, which might be a small number.
        object.__setattr__(self, "x_type", "time")

    def _check_bars(self, fields: tuple[str, ...]) -> None:
        bar: object = self.bar
        if bar is None:
            if self.volume is not None:
                raise ValueError("volume= belongs to candles: give bar= as well")
            return
        if isinstance(bar, bool) or not isinstance(bar, numbers.Real):
            raise TypeError(f"bar must be a number of x units, not {bar!r}")
        if not 0 < float(bar) < math.inf:
            raise ValueError(f"bar must be a positive, finite width, not {bar}")
        object.__setattr__(self, "bar", float(bar))
        if len(fields) != 1:
            raise ValueError(
                f"candles are built from one field of prices: y names {len(fields)} "
                "(use group_by= for one candle series per instrument)"
            )
        if self.volume is not None:
            _check_name("volume", self.volume)
            if self.volume in fields or self.volume == self.x:
                raise ValueError(f"volume names {self.volume!r}, which is already x or y")

    @property
    def candles(self) -> bool:
        """Whether this chart builds bars from ticks (`bar` is given)."""
        return self.bar is not None


class Pipeline:
    """Turns messages into points held per series, and hands out what the browser has not seen.

    Counters (`messages`, `points`, `error_kinds`, `last_error`) describe everything fed so far.
    `feed`, `feed_decoded`, `feed_records` and `feed_columns` never raise, and each counts one
    message: every problem is counted by kind in `error_kinds` (see `ERROR_KINDS`), and the next
    message is taken as usual.

    Each series holds its `window` points of greatest x, sorted by x. The points of one message
    are placed together: a point whose x is below the oldest x of a series that held a full window
    before the message is dropped and counted as `too_old`; points of one message that push each
    other out count as coalesced.

    With a time window (`spec.span_ms`), each series holds, after every message, its points whose
    x is at least its greatest x minus the span, the `window` of greatest x among them at most
    (see `SeriesRing`). Points that fall out of the span are no problem: nothing is counted but
    `coalesced`, for those that fell out before they were handed out (a point given already
    outside the span among them). Nothing is `too_old`. Points inside the span that `window`
    left no room for are counted in `cut`. The browser applies the same rule to what it is
    handed, so batches and resets carry no word of the points that leave.
    """

    def __init__(self, spec: ChartSpec) -> None:
        self.spec = spec
        self.x_axis = XAxis("time" if spec.x is None else spec.x_type)
        self._x_get = None if spec.x is None else compile_path(spec.x)
        self._group_get = None if spec.group_by is None else compile_path(spec.group_by)
        y_fields = [*spec.y] if spec.volume is None else [*spec.y, spec.volume]
        # The fields read as y: the y fields, and a candle chart's volume field.
        self._y_fields = tuple(y_fields)
        self._y_gets = [(name, compile_path(name)) for name in y_fields]
        fields = y_fields if spec.x is None else [spec.x, *y_fields]
        self._columnar = spec.group_by is None and not any("." in name for name in fields)
        self._series_ids: dict[tuple[str, str], int] = {}
        self._labels: set[str] = set()
        self.names: list[str] = []
        self.rings: list[SeriesRing | BarRing] = []
        # Series whose points no alert reads (the volumes of a candle chart).
        self._unwatched: set[int] = set()
        self._announced = 0  # series ids below this were named in a batch or reset already
        self._order = 0
        # While history is taken: per series (by id), the x at or below which points are skipped.
        self._floors: list[float] | None = None
        self.seq = 0
        self.messages = 0
        self.points = 0
        self.coalesced = 0
        self.log_gaps = 0  # points with y ≤ 0 taken for a log scale, which draws them as gaps
        # The chart's alerts (see alerts.py), made with the first one; history never fires them.
        self.alerts: Alerts | None = None
        self.error_kinds: Counter[str] = Counter()
        self.last_error = ""

    @property
    def errors(self) -> int:
        """Problems met so far, of every kind."""
        return sum(self.error_kinds.values())

    @property
    def cut(self) -> int:
        """Points of a time window dropped by its `window` bound (the most points per series)
        before they were older than the span; always 0 for a window of a number of points."""
        return sum(ring.cut for ring in self.rings)

    def note(self, kind: str, message: str, count: int = 1) -> None:
        """Count a problem (`count` times) and make it the last error shown to the user."""
        self.error_kinds[kind] += count
        self.last_error = message

    def _internal(self, error: Exception) -> None:
        try:
            text = str(error)
        except Exception:
            text = ""
        if len(text) > 200:
            text = text[:199] + "…"
        self.note(INTERNAL, f"internal error: {type(error).__name__}: {text}")

    # -- input ---------------------------------------------------------------------------------

    def feed(self, raw: Frame, now_ms: float) -> None:
        """Take one frame as the "json" decoder reads it (see `decode_json`); `now_ms` is its
        arrival time (the x when x is omitted). The same as `decode_json` then `feed_decoded`."""
        try:
            records, problems = decode_json(raw)
        except Exception as error:  # a bug of ours: counted, and the feed goes on
            self.messages += 1
            self._internal(error)
            return
        self.feed_decoded(records, problems, now_ms, True)

    def feed_decoded(
        self, records: list[Record], problems: list[Problem], now_ms: float, json_values: bool
    ) -> None:
        """Take what a decoder read in one frame: its records, and the problems it met (counted
        here); counts as one message, whether it holds records or not.

        `json_values` promises that the records' values are only what JSON gives (dict, list,
        str, int, float, bool, None), so that long lists may be read column by column without
        checking each value's type (see `Decoder`). Items that are not mappings are counted as
        `not_an_object`.
        """
        self.messages += 1
        try:
            if problems:  # seldom: no loop to set up for every message
                for problem in problems:
                    self.note(problem.kind, problem.message)
            self._ingest(records, now_ms, json_values)
        except Exception as error:  # a bug of ours: counted, and the feed goes on
            self._internal(error)

    def feed_history(
        self, rows: list[Mapping[str, Any]] | Mapping[str, npt.ArrayLike], now_ms: float
    ) -> None:
        """Take history: rows as `prepare_rows` gives them (records, or equal-length columns);
        counts as one message. A point at or below the greatest x its series held before is
        skipped quietly: history fetched again after a reconnect fills the gap, and repeats
        nothing."""
        self._floors = [ring.newest_x for ring in self.rings]
        try:
            if isinstance(rows, Mapping):
                self.feed_columns(rows, now_ms)
            else:
                self.feed_records(rows, now_ms)
        finally:
            self._floors = None

    def feed_records(self, records: Iterable[Mapping[str, Any]], now_ms: float) -> None:
        """Take records already decoded (rows pushed from Python); counts as one message.

        Items that are not mappings are counted as `not_an_object`.
        """
        self.messages += 1
        try:
            rows = records if type(records) is list else list(records)
            self._ingest(rows, now_ms, False)
        except Exception as error:
            self._internal(error)

    def feed_columns(self, columns: Mapping[str, npt.ArrayLike], now_ms: float) -> None:
        """Take equal-length columns (as `prepare_rows` gives them); counts as one message.

        Row i of every column is one record. Numeric columns (bool, int, float; datetime64 for x)
        are read at once: NaN and infinite y values are gaps, counted as `non_finite`; rows whose
        x is NaN, infinite or NaT are dropped and counted. The group_by column may hold anything
        (text usually). An x or y column of other values (objects, text) sends the rows through
        the record path, as does a dotted field name that is not a column. A missing x, y or
        group_by column is counted as `missing_field` once per row, as for records; columns of
        unequal lengths are counted once as `bad_columns` and nothing is taken.
        """
        self.messages += 1
        try:
            self._ingest_column_batch(columns, now_ms)
        except Exception as error:
            self._internal(error)

    # -- records -------------------------------------------------------------------------------

    def _ingest(self, records: list[Any], now_ms: float, json_values: bool) -> None:
        if (
            self._columnar
            and len(records) >= _COLUMNAR_MIN
            and self._ingest_columns(records, now_ms, json_values)
        ):
            return
        # One record is placed point by point; several are gathered per series and placed
        # together, as one arrival (see the class docstring).
        pending: dict[int, tuple[list[float], list[float], list[int]]] | None = (
            None if len(records) == 1 else {}
        )
        x_get = self._x_get
        group_get = self._group_get
        convert_x = self.x_axis.convert
        rings = self.rings
        for record in records:
            if type(record) is not dict and not isinstance(record, Mapping):
                self.note(
                    NOT_AN_OBJECT,
                    f"a {type(record).__name__} is not a record (a mapping of fields to values)",
                )
                continue
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
                group = raw_group if type(raw_group) is str else _group_text(raw_group)
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
                if self._floors is not None and _below_floor(self._floors, series, x):
                    continue
                if pending is None:
                    if rings[series].append(x, y, self._order):
                        self.points += 1
                        if y <= 0 and self.spec.log_y:
                            self.log_gaps += 1
                        if (
                            self.alerts is not None
                            and self._floors is None
                            and series not in self._unwatched
                        ):
                            self.alerts.check(self.names[series], (x,), (y,))
                    else:
                        self._too_old(series, 1)
                else:
                    entry = pending.get(series)
                    if entry is None:
                        entry = pending[series] = ([], [], [])
                    entry[0].append(x)
                    entry[1].append(y)
                    entry[2].append(self._order)
                self._order += 1
        if pending:
            for series, (xs, ys, orders) in pending.items():
                self._place(series, xs, ys, orders)

    def _place(
        self,
        series: int,
        x: F64 | list[float],
        y: F64 | list[float],
        order: I64 | list[int],
        in_order: bool | None = None,
    ) -> None:
        floors = self._floors
        if floors is not None and series < len(floors):
            kept = np.asarray(x, dtype=np.float64) > floors[series]
            if not kept.all():
                x = np.asarray(x, dtype=np.float64)[kept]
                y = np.asarray(y, dtype=np.float64)[kept]
                order = np.asarray(order, dtype=np.int64)[kept]
                in_order = bool(in_order)  # a subset of points in x order stays in order
        ring = self.rings[series]
        if self.alerts is not None and floors is None and series not in self._unwatched:
            self.alerts.check(self.names[series], x, y)
        if self.spec.log_y:
            self.log_gaps += int(np.count_nonzero(np.asarray(y, dtype=np.float64) <= 0))
        if in_order is None:
            refused = ring.extend(x, y, order)
        else:  # arrays from a columnar path, which checked the order of x already
            refused = ring.extend_arrays(x, y, order, in_order)  # type: ignore[arg-type]
        self.points += len(x) - refused
        if refused:
            self._too_old(series, refused)

    def _too_old(self, series: int, count: int) -> None:
        window = self.spec.window
        if self.spec.bar is not None:
            what = "a tick" if count == 1 else f"{count:,} ticks"
            self.note(
                TOO_OLD,
                f"series {self.names[series]!r}: {what} for a bar older than the window keeps "
                f"(window={window:,} bars) dropped",
                count,
            )
            return
        what = "a point" if count == 1 else f"{count:,} points"
        self.note(
            TOO_OLD,
            f"series {self.names[series]!r}: {what} older than the oldest of the {window:,} "
            f"points it holds (window={window:,}) dropped",
            count,
        )

    def _ingest_columns(self, records: list[Any], now_ms: float, json_values: bool) -> bool:
        """Take a list of plain records column by column, or return False to leave them alone.

        Only for the common shape (flat field names, no group_by, an x axis already decided) and
        only when every value is a finite number (or numeric text) and every x is in range:
        anything unusual (a missing field, a null, a string that is not a number, NaN, a Python
        object) makes the whole list go through the per-record path, which counts and describes
        each problem. Nothing is stored before every column is read.
        """
        factor = self.x_axis.factor
        x_name = self.spec.x
        if x_name is not None and factor is None:
            return False
        n = len(records)
        try:
            if x_name is None:
                x = np.full(n, now_ms)
                raw_columns = []
            else:
                raw_x = [record[x_name] for record in records]
                raw_columns = [raw_x]
            raw_ys = [[record[name] for record in records] for name in self._y_fields]
            raw_columns.extend(raw_ys)
            # np.fromiter turns a numpy datetime64 (and other objects) into a number of its own
            # making: only values JSON can give are read here.
            if not json_values and not all(set(map(type, c)) <= _PLAIN_TYPES for c in raw_columns):
                return False
            if x_name is not None:
                x = np.fromiter(raw_x, np.float64, n)
                if factor != 1.0:
                    x *= factor
            ys = [np.fromiter(column, np.float64, n) for column in raw_ys]
        except (KeyError, TypeError, ValueError, OverflowError):
            return False
        # One sum per column finds any NaN or infinity (they make the sum non-finite). Infinities
        # of both signs, or finite values that add up past the float range, make numpy warn:
        # silenced, since a non-finite sum only sends the list the per-record way.
        with np.errstate(invalid="ignore", over="ignore"):
            if not all(math.isfinite(column.sum()) for column in ys):
                return False
        # Sorted x (the usual case) has its extremes at its ends; any NaN breaks the order.
        in_order = n == 1 or bool((x[1:] >= x[:-1]).all())
        low, high = (x[0], x[-1]) if in_order else (x.min(), x.max())
        limit = self.x_axis.limit  # NaN fails both comparisons, infinities one of them
        if not (low >= -limit and high <= limit):
            return False
        step = len(ys)
        for offset, (name, y) in enumerate(zip(self._y_fields, ys, strict=True)):
            key = ("", name)
            series = self._series_ids.get(key)
            if series is None:
                series = self._add_series(key)
            # The same arrival order the per-record path gives: record by record, field by field.
            order = np.arange(self._order + offset, self._order + n * step, step, dtype=np.int64)
            self._place(series, x, y, order, in_order)
        self._order += n * step
        return True

    def _missing(self, name: str | None, record: Mapping[str, Any]) -> None:
        fields = ", ".join(_field_name(key) for key in list(record)[:8])
        self.note(
            MISSING_FIELD, f"missing field {name!r} (the message has: {fields or 'no fields'})"
        )

    # -- columns -------------------------------------------------------------------------------

    def _ingest_column_batch(self, columns: Mapping[str, npt.ArrayLike], now_ms: float) -> None:
        if not isinstance(columns, Mapping):
            self.note(
                BAD_COLUMNS,
                f"columns must be a mapping of names to arrays, not a {type(columns).__name__}",
            )
            return
        try:
            arrays = {name: as_column(name, values) for name, values in columns.items()}
        except (TypeError, ValueError) as error:
            self.note(BAD_COLUMNS, str(error))
            return
        lengths = {name: len(array) for name, array in arrays.items()}
        if len(set(lengths.values())) > 1:
            described = ", ".join(f"{name!r} has {n:,}" for name, n in lengths.items())
            self.note(BAD_COLUMNS, f"columns of unequal lengths: {described}")
            return
        spec = self.spec
        needed = [name for name in (spec.x, spec.group_by, *self._y_fields) if name is not None]
        readable = {name: _NUMERIC_KINDS for name in self._y_fields}
        if spec.x is not None:
            readable[spec.x] = _NUMERIC_KINDS + "M"
        if any(name not in arrays and "." in name for name in needed) or any(
            name in arrays and arrays[name].dtype.kind not in kinds
            for name, kinds in readable.items()
        ):
            # Values to read one by one (objects, text, times as y), or a path into nested
            # values: row by row, as records.
            self._ingest(_records_of(arrays), now_ms, False)
            return
        n = next(iter(lengths.values()), 0)
        if n == 0:
            return
        if spec.x is None:
            x = np.full(n, float(now_ms))
            valid = None
        elif spec.x not in arrays:
            self._missing_column(spec.x, arrays, n)
            return
        else:
            x, valid = self._x_column(arrays[spec.x])
        rows: npt.NDArray[np.intp] | None = None
        if valid is not None and not valid.all():
            rows = np.flatnonzero(valid)
            x = x[rows]
        count = len(x)
        if not count:
            return
        groups: list[str] = [""]
        splits: list[npt.NDArray[np.intp] | None] = [None]
        if spec.group_by is not None:
            if spec.group_by not in arrays:
                self._missing_column(spec.group_by, arrays, count)
                return
            column = arrays[spec.group_by]
            groups, indices = _split_groups(column if rows is None else column[rows])
            splits = list(indices)
        ys: list[tuple[str, F64]] = []
        for name in self._y_fields:
            if name not in arrays:
                self._missing_column(name, arrays, count)
                continue
            column = arrays[name]
            y = (column if rows is None else column[rows]).astype(np.float64)
            gaps = ~np.isfinite(y)
            bad = int(np.count_nonzero(gaps))
            if bad:
                y[gaps] = _NAN
                self.note(
                    NON_FINITE, f"{name}: {bad:,} value(s) NaN or infinite (drawn as gaps)", bad
                )
            ys.append((name, y))
        if not ys:
            return
        step = len(ys)
        base = self._order
        for group, members in zip(groups, splits, strict=True):
            for offset, (name, y) in enumerate(ys):
                key = (group, name)
                series = self._series_ids.get(key)
                if series is None:
                    series = self._add_series(key)
                # The arrival order of the record path: row by row, then field by field.
                if members is None:
                    order = np.arange(base + offset, base + count * step, step, dtype=np.int64)
                    self._place(series, x, y, order)
                else:
                    order = base + members.astype(np.int64) * step + offset
                    self._place(series, x[members], y[members], order)
        self._order = base + count * step

    def _x_column(self, column: npt.NDArray[Any]) -> tuple[F64, npt.NDArray[np.bool_]]:
        """x values of a numeric or datetime64 column, and which rows can be placed; the others
        are counted by kind, as the record path would."""
        axis = self.x_axis
        n = len(column)
        if column.dtype.kind == "M":
            nat = np.isnat(column)
            count = int(np.count_nonzero(nat))
            if count:
                self.note(NULL_VALUE, f"x: {count:,} NaT value(s): those points are dropped", count)
            times = ~nat
            if axis.kind == "number":
                refused = int(np.count_nonzero(times))
                if refused:
                    self.note(
                        NOT_A_NUMBER,
                        f"x: {refused:,} time(s), but the x axis is numeric "
                        "(set by x_type='number' or by the first x value)",
                        refused,
                    )
                return np.zeros(n), np.zeros(n, dtype=bool)
            if count < n:
                axis.take_time()  # the first time decides an undecided axis
            ms = _datetime64_column_ms(column)
            return ms, self._in_range(ms, times)
        values = column.astype(np.float64)
        finite = np.isfinite(values)
        count = n - int(np.count_nonzero(finite))
        if count:
            self.note(NON_FINITE, f"x: {count:,} value(s) NaN or infinite: dropped", count)
        if not finite.any():
            return values, finite
        factor = axis.decide(float(values[int(np.argmax(finite))]))
        if factor != 1.0:
            values *= factor
        return values, self._in_range(values, finite)

    def _in_range(self, x: F64, usable: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        limit = self.x_axis.limit
        outside = usable & ~(np.abs(x) <= limit)
        count = int(np.count_nonzero(outside))
        if count:
            self.note(
                BAD_TIME,
                f"x: {count:,} value(s) outside the dates a chart can show: dropped",
                count,
            )
            return usable & ~outside
        return usable

    def _missing_column(self, name: str, arrays: Mapping[str, Any], count: int) -> None:
        fields = ", ".join(list(arrays)[:8])
        self.note(
            MISSING_FIELD,
            f"missing field {name!r} (the columns are: {fields or 'none'})",
            count,
        )

    # -- series --------------------------------------------------------------------------------

    def _add_series(self, key: tuple[str, str]) -> int:
        group, name = key
        spec = self.spec
        if spec.bar is not None:
            return self._add_bars(group, name, spec.bar)
        if self._group_get is None:
            label = name
        elif len(self._y_gets) == 1:
            label = group
        else:
            label = f"{group} {name}"
        label = self._unique(_displayable(label))
        self._series_ids[key] = len(self.rings)
        self.names.append(label)
        self.rings.append(SeriesRing(spec.window, spec.span_ms))
        return len(self.rings) - 1

    def _add_bars(self, group: str, name: str, bar: float) -> int:
        """A candle chart's series: the bars of the prices of `group` (named after the group, or
        the y field without group_by), or their volumes, which share that name: one family."""
        spec = self.spec
        price = spec.y[0]
        if name == price:
            label = self._unique(_displayable(group if self._group_get is not None else price))
            ring = BarRing(spec.window, spec.span_ms, bar=bar, aggregate="ohlc")
        else:  # the volume: its family's prices come first, so that they are named first
            prices = self._series_ids.get((group, price))
            if prices is None:
                prices = self._add_bars(group, price, bar)
            label = self.names[prices]
            ring = BarRing(spec.window, spec.span_ms, bar=bar, aggregate="sum")
            self._unwatched.add(len(self.rings))
        self._series_ids[(group, name)] = len(self.rings)
        self.names.append(label)
        self.rings.append(ring)
        return len(self.rings) - 1

    def _unique(self, label: str) -> str:
        """`label`, or `label (2)`, `label (3)`...: the first not taken (a legend needs distinct
        names, and so do the categories of `chart.data`)."""
        unique = label
        suffix = 2
        while unique in self._labels:
            unique = f"{label} ({suffix})"
            suffix += 1
        self._labels.add(unique)
        return unique

    # -- output --------------------------------------------------------------------------------

    def take_batch(self) -> Batch | None:
        """The points not handed out yet, as the next batch; None when there are none.

        Each series' segment is sorted by x; its points may land anywhere among those the browser
        holds (a late point), and the browser merges them in. A candle chart hands out bars
        instead (see `_take_bars`).
        """
        if self.spec.bar is not None:
            return self._take_bars(reset=False)
        segments: list[Segment] = []
        xs: list[F64] = []
        ys: list[F64] = []
        coalesced = 0
        for series, ring in enumerate(self._point_rings()):
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
        if self.spec.bar is not None:
            reset = self._take_bars(reset=True)
            assert reset is not None
            return reset
        segments: list[Segment] = []
        xs: list[F64] = []
        ys: list[F64] = []
        for series, ring in enumerate(self._point_rings()):
            x, y, _ = ring.columns()
            ring.mark_sent()
            segments.append((series, len(x)))
            xs.append(x)
            ys.append(y)
        self.seq += 1
        every_series = self._announce(range(len(self.rings)))
        return Batch("reset", self.seq, every_series, segments, _join(xs), _join(ys))

    def _announce(self, ids: Sequence[int]) -> list[SeriesEntry]:
        self._announced = len(self.rings)
        if self.spec.bar is not None:
            return [entry for series in ids for entry in self._bar_entries(series)]
        return [(series, self.names[series]) for series in ids]

    def _point_rings(self) -> list[SeriesRing]:
        """The rings of a chart of points (every chart but a candle chart)."""
        return self.rings  # type: ignore[return-value]

    def _bar_rings(self) -> list[BarRing]:
        """The rings of a candle chart."""
        return self.rings  # type: ignore[return-value]

    def _bar_entries(self, series: int) -> list[SeriesEntry]:
        """The wire series of one bar series: its roles, each with an id of its own."""
        name = self.names[series]
        if self._bar_rings()[series].aggregate == "sum":
            return [(bar_id(series, 0), name, "volume")]
        return [(bar_id(series, k), name, role) for k, role in enumerate(OHLC)]

    def _take_bars(self, reset: bool) -> Batch | None:
        """A candle chart's batch (the bars added or changed since the last one; None when
        there are none) or reset (every bar held). Each series of bars is sent as one wire series
        per role, with the same x (see docs/protocol.md, "Candle charts")."""
        segments: list[Segment] = []
        xs: list[F64] = []
        ys: list[F64] = []
        coalesced = 0
        # A bar older than the newest changed: the protocol updates only a series' last point
        # in place, so every bar goes again.
        reset = reset or any(ring.rewritten for ring in self._bar_rings())
        for series, ring in enumerate(self._bar_rings()):
            if reset:
                x, columns = ring.bars()
                ring.mark_sent()
                replace = False
            elif not ring.unsent:
                continue
            else:
                x, columns, replace = ring.take_changes()
            coalesced += ring.coalesced
            ring.coalesced = 0
            if not len(x) and not reset:
                continue
            for k, column in enumerate(columns):
                segment: Segment = (bar_id(series, k), len(x))
                segments.append((*segment, 1) if replace else segment)
                xs.append(x)
                ys.append(column)
        self.coalesced += coalesced
        if not segments and not reset:
            return None
        self.seq += 1
        if reset:
            return Batch(
                "reset",
                self.seq,
                self._announce(range(len(self.rings))),
                segments,
                _join(xs),
                _join(ys),
            )
        named = self._announce(range(self._announced, len(self.rings)))
        return Batch("batch", self.seq, named, segments, _join(xs), _join(ys), coalesced)

    def has_unsent(self) -> bool:
        """Whether some series holds points not handed out yet."""
        return any(ring.unsent for ring in self.rings)

    def snapshot(self, limit: int) -> Snapshot:
        """Every series held, each decimated to at most `limit` points (see `decimate`); nothing
        is marked as sent. `limit` must be at least 3. A candle chart keeps the newest `limit`
        bars of each series instead: decimation would keep different bars for each role."""
        segments: list[Segment] = []
        xs: list[F64] = []
        ys: list[F64] = []
        if self.spec.bar is not None:
            for series, bars in enumerate(self._bar_rings()):
                x, columns = bars.bars()
                for k, column in enumerate(columns):
                    segments.append((bar_id(series, k), len(x[-limit:])))
                    xs.append(x[-limit:])
                    ys.append(column[-limit:])
            entries = [
                entry for series in range(len(self.rings)) for entry in self._bar_entries(series)
            ]
            return Snapshot(self.seq, entries, segments, _join(xs), _join(ys))
        for series, ring in enumerate(self._point_rings()):
            x, y, _ = ring.columns()
            x, y = decimate(x, y, limit)
            segments.append((series, len(x)))
            xs.append(x)
            ys.append(y)
        series_names: list[SeriesEntry] = list(enumerate(self.names))
        return Snapshot(self.seq, series_names, segments, _join(xs), _join(ys))

    def columns(self) -> tuple[F64, I64, F64]:
        """Everything held: x, series id and y, one row per point.

        Rows are sorted by x; rows of equal x by series id, then by arrival. A candle chart gives
        its bars' closes (see `bars` for the whole bars).
        """
        if self.spec.bar is not None:
            parts = [(x, columns[-1]) for x, columns in (r.bars() for r in self._bar_rings())]
        else:
            parts = [ring.columns()[:2] for ring in self._point_rings()]
        if not parts:
            return np.empty(0, np.float64), np.empty(0, np.int64), np.empty(0, np.float64)
        x = _join([p[0] for p in parts])
        y = _join([p[1] for p in parts])
        series = np.repeat(np.arange(len(parts), dtype=np.int64), [len(p[0]) for p in parts])
        if len(parts) == 1:
            return x, series, y
        # Each series is sorted by x already (ties by arrival), and they are concatenated in
        # series order: a stable sort on x alone gives the documented order.
        by_x = np.argsort(x, kind="stable")
        return x[by_x], series[by_x], y[by_x]

    def bars(self) -> tuple[F64, list[str], I64, dict[str, F64]]:
        """A candle chart's bars, one row per bar: x (the bar's start), the family names, each
        row's family (an index into those names), and the columns open, high, low, close (and
        volume, when the chart sums one: NaN where a bar had no volume). Rows are sorted by x,
        then by family in the order families appeared. Raises ValueError on other charts."""
        if self.spec.bar is None:
            raise ValueError("only a candle chart has bars")
        rings = self._bar_rings()
        volumes = {
            self.names[series]: ring.bars()
            for series, ring in enumerate(rings)
            if ring.aggregate == "sum"
        }
        families: list[str] = []
        xs: list[F64] = []
        columns: dict[str, list[F64]] = {role: [] for role in OHLC}
        if self.spec.volume is not None:
            columns["volume"] = []
        for series, ring in enumerate(rings):
            if ring.aggregate != "ohlc":
                continue
            name = self.names[series]
            x, ohlc = ring.bars()
            families.append(name)
            xs.append(x)
            for role, column in zip(OHLC, ohlc, strict=True):
                columns[role].append(column)
            if "volume" in columns:
                columns["volume"].append(_aligned(x, volumes.get(name)))
        codes = np.repeat(np.arange(len(xs), dtype=np.int64), [len(x) for x in xs])
        x = _join(xs)
        table = {role: _join(parts) for role, parts in columns.items()}
        if len(xs) > 1:
            by_x = np.argsort(x, kind="stable")
            x, codes = x[by_x], codes[by_x]
            table = {role: column[by_x] for role, column in table.items()}
        return x, families, codes, table


def _aligned(x: F64, bars: tuple[F64, list[F64]] | None) -> F64:
    """The values of `bars` (x, [values]) at each x of `x`, NaN where it has none."""
    out = np.full(len(x), _NAN)
    if bars is None or not len(bars[0]):
        return out
    bar_x, (values,) = bars
    at = np.searchsorted(bar_x, x)
    inside = at < len(bar_x)
    hit = np.zeros(len(x), dtype=bool)
    hit[inside] = bar_x[at[inside]] == x[inside]
    out[hit] = values[at[hit]]
    return out


def bar_id(series: int, role: int) -> int:
    """The wire id of role `role` (0 to 3: open, high, low, close; 0 for a volume) of bar series
    `series`: every series has room for four, so ids stay stable as series appear."""
    return series * 4 + role


def _join(parts: list[F64]) -> F64:
    if not parts:
        return np.empty(0, np.float64)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _field_name(key: object) -> str:
    text = key if isinstance(key, str) else _excerpt(key)
    return text if len(text) <= 40 else text[:39] + "…"


def _group_text(value: object) -> str:
    """The series name part of a group value that is not a str (as `str()` gives it)."""
    try:
        return str(value)
    except Exception:  # an int too long to print, a broken __str__
        return _excerpt(value)


def _displayable(label: str) -> str:
    """A label that can travel as UTF-8 and fits a legend."""
    if len(label) > _LABEL_LIMIT:
        label = label[: _LABEL_LIMIT - 1] + "…"
    try:
        label.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON text may spell as \\ud800
        label = label.encode("utf-8", "replace").decode("utf-8")
    return label


def _records_of(arrays: Mapping[str, npt.NDArray[Any]]) -> list[dict[str, Any]]:
    """The rows of equal-length columns as records (values as the record path meets them)."""
    if not arrays:
        return []
    names = list(arrays)
    # tolist() gives Python scalars, except that it would turn datetime64 values into bare ints.
    values = [
        column.tolist() if column.dtype.kind in "biufO" else list(column)
        for column in arrays.values()
    ]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def _datetime64_column_ms(column: npt.NDArray[np.datetime64]) -> F64:
    """Epoch milliseconds of a datetime64 column, as `datetime64_ms` gives them one by one."""
    scale = datetime64_unit_ms(column.dtype)
    if scale is None:  # years or months
        column = column.astype("datetime64[D]")
        scale = datetime64_unit_ms(column.dtype)
        assert scale is not None
    multiplier, divisor = scale
    counts = column.view(np.int64)
    if divisor == 1:
        return counts.astype(np.float64) * multiplier
    if multiplier != 1:
        counts = counts * multiplier
    whole, part = np.divmod(counts, divisor)
    return whole.astype(np.float64) + part.astype(np.float64) / divisor


def _split_groups(column: npt.NDArray[Any]) -> tuple[list[str], list[npt.NDArray[np.intp]]]:
    """The group names in order of first appearance, and the row indices of each."""
    if column.dtype.kind in "biu":
        unique, first, inverse = np.unique(column, return_index=True, return_inverse=True)
        by_first = np.argsort(first)
        rank = np.empty(len(unique), np.intp)
        rank[by_first] = np.arange(len(unique))
        codes = rank[inverse.reshape(-1)]
        names = [_group_text(value) for value in unique[by_first].tolist()]
    else:  # floats (0.0 and -0.0 are distinct names), objects, times: name by name
        index: dict[str, int] = {}
        values = column.tolist() if column.dtype.kind in "fO" else list(column)
        codes = np.fromiter(
            (index.setdefault(v if type(v) is str else _group_text(v), len(index)) for v in values),
            np.intp,
            len(values),
        )
        names = list(index)
    by_code = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(names)))[:-1]
    return names, np.split(by_code, bounds)


def _below_floor(floors: list[float], series: int, x: float) -> bool:
    """Whether history skips a point: its series held an x at least as great already."""
    return series < len(floors) and x <= floors[series]
