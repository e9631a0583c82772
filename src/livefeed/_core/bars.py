"""Bars built from ticks: the series of a candle chart.

A `BarRing` stands where a `SeriesRing` stands for other charts: the pipeline places a series'
points in it the same way (`append`, `extend`, `extend_arrays`), and it folds them into bars of
width `bar`, aligned to whole multiples of `bar` from x = 0 (the epoch, on a time axis): a tick at
x belongs to the bar that starts at `floor(x / bar) * bar`. An "ohlc" ring keeps, per bar, the
open (value of the tick of least x), high, low and close (value of the tick of greatest x; ties
by arrival); a "sum" ring keeps the sum of the values (a volume). NaN values are gaps: they are
taken (and counted by the pipeline) but change no bar, and a bar of NaN ticks only is NaN.

Live ticks change the newest bar, or start a newer one. A tick for an older bar (history pushed
after live data, a late message) is folded into that bar, or into a new bar put in its place
among those held, and the ring is then `rewritten`: the browser must be sent every bar again,
since the wire protocol updates only a series' last point in place. A tick that has no room is
refused, as a `SeriesRing` refuses a point older than its window: its bar would be older than the
oldest bar of a full ring, or older than the span allows. Whatever order the ticks of one bar
come in, the bar is the same, and it equals what
`pandas.Series.resample(bar, origin="epoch").ohlc()` (or `.sum()`) gives for the same ticks.

The ring holds the `capacity` newest bars; with a `span`, only those whose x is at least the
newest bar's x minus `span` (the time-window rule, applied to bars). It tracks what was handed
out: `take_changes` gives the bars added since, and the newest bar handed out before when it
changed since (flagged, so that the browser replaces it rather than adding it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from .ring import F64, I64

Aggregate = Literal["ohlc", "sum"]

# Columns of an "ohlc" ring, in the order `bars` and `take_changes` give them.
OHLC = ("open", "high", "low", "close")

# Fewer ticks than this in one call are folded one by one; more, a bar at a time.
_VECTOR_MIN = 16


class _Folded(NamedTuple):
    """Ticks folded into bars: per bar, its start, the x of its first and last number (NaN for a
    bar of gaps only), how many ticks it took, and its columns (open, high, low, close; or
    the sum)."""

    starts: F64
    first: F64
    last: F64
    ticks: npt.NDArray[np.int64]
    columns: list[F64]


def _fold(xs: F64, ys: F64, starts: F64, aggregate: Aggregate) -> _Folded:
    """Fold ticks sorted by x (ties in arrival order) into their bars, a numpy pass per column."""
    firsts = np.flatnonzero(np.r_[True, starts[1:] != starts[:-1]])
    valid = ~np.isnan(ys)
    # Per bar, the index of its first and last number (-1 for a bar of gaps only).
    numbered = np.flatnonzero(valid)
    bar_of = np.searchsorted(firsts, numbered, side="right") - 1
    first_num = np.full(len(firsts), -1)
    last_num = np.full(len(firsts), -1)
    first_num[bar_of[::-1]] = numbered[::-1]  # the last write wins: the first number
    last_num[bar_of] = numbered
    gaps_only = first_num < 0
    first = np.where(gaps_only, np.nan, xs[first_num])
    last = np.where(gaps_only, np.nan, xs[last_num])
    ticks = np.diff(np.r_[firsts, len(xs)]).astype(np.int64)
    if aggregate == "sum":
        sums = np.add.reduceat(np.where(valid, ys, 0.0), firsts)
        columns = [np.where(gaps_only, np.nan, sums)]
    else:
        with np.errstate(invalid="ignore"):
            columns = [
                np.where(gaps_only, np.nan, ys[first_num]),
                np.fmax.reduceat(ys, firsts),
                np.fmin.reduceat(ys, firsts),
                np.where(gaps_only, np.nan, ys[last_num]),
            ]
    return _Folded(starts[firsts], first, last, ticks, columns)


class BarRing:
    """The newest bars of one series, built from its ticks (see the module docstring).

    `capacity` bounds the bars held (an int of at least 1); `span` (a positive number or None)
    is a time window over bar x values; `bar` is the bar width in x units; `aggregate` is "ohlc"
    or "sum". Not thread-safe: one owner at a time.
    """

    __slots__ = (
        "_changed",
        "_cols",
        "_end",
        "_first",
        "_last",
        "_last_x",
        "_newest_bar",
        "_sent_x",
        "_start",
        "_x",
        "aggregate",
        "bar",
        "capacity",
        "coalesced",
        "cut",
        "rewritten",
        "span",
        "unsent",
    )

    def __init__(
        self,
        capacity: int,
        span: float | None = None,
        *,
        bar: float,
        aggregate: Aggregate = "ohlc",
    ) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"capacity must be an int of at least 1, not {capacity!r}")
        if not (isinstance(bar, (int, float)) and not isinstance(bar, bool) and 0 < bar < math.inf):
            raise ValueError(f"bar must be a positive, finite number, not {bar!r}")
        if aggregate not in ("ohlc", "sum"):
            raise ValueError(f"aggregate must be 'ohlc' or 'sum', not {aggregate!r}")
        self.capacity = capacity
        self.span = None if span is None else float(span)
        self.bar = float(bar)
        self.aggregate: Aggregate = aggregate
        self.cut = 0  # bars that `capacity` pushed out while inside the span
        self.coalesced = 0  # bars that left before they were ever handed out
        # Room for twice the capacity (at most 4096 bars more): rarely moved back to the front.
        size = capacity + min(capacity, 4096)
        self._x: F64 = np.empty(size, np.float64)
        self._cols: list[F64] = [
            np.empty(size, np.float64) for _ in (OHLC if aggregate == "ohlc" else ("sum",))
        ]
        # Per bar, the least and greatest x of its ticks with a number (set by its first number):
        # which tick opens it and which closes it, when more ticks come for it.
        self._first: F64 = np.empty(size, np.float64)
        self._last: F64 = np.empty(size, np.float64)
        self._start = 0
        self._end = 0
        self._newest_bar = -math.inf  # x of the newest bar ever made (it may have left)
        self._last_x = -math.inf  # greatest tick x ever taken
        self._sent_x = -math.inf  # x of the newest bar handed out
        self._changed = False  # the newest bar handed out changed since
        self.rewritten = False  # a bar older than the newest changed or came: send them all
        self.unsent = 0  # ticks taken since the last `take_changes`

    # -- what the pipeline reads of a ring ---------------------------------------------------

    @property
    def newest_x(self) -> float:
        """The greatest tick x taken (-inf before the first): history at or below it is skipped."""
        return self._last_x

    def __len__(self) -> int:
        return self._end - self._start

    # -- ticks in ------------------------------------------------------------------------------

    def append(self, x: float, y: float, order: int = 0) -> bool:
        """Fold one tick into its bar; False when it has no room (see the module docstring)."""
        if x != x:
            raise ValueError("x must not be NaN")
        start = math.floor(x / self.bar) * self.bar
        newest = self._newest_bar
        if start < newest:
            late = np.array([x, y, start], np.float64)
            return self._fold_late(late[0:1], late[1:2], late[2:3]) == 0
        if start > newest:
            self._open_bar(start)
        if x > self._last_x:
            self._last_x = x
        if y == y:  # NaN is a gap: taken, but it changes no bar
            self._merge(x, y, y, y, y, x)
        self.unsent += 1
        return True

    def extend(
        self,
        x: F64 | Sequence[float],
        y: F64 | Sequence[float],
        order: I64 | Sequence[int] | None = None,
        in_order: bool | None = None,
    ) -> int:
        """Fold many ticks as one arrival, in x order (ties in the order given). Returns how many
        were refused for want of room (see the module docstring). `in_order` says whether x is
        known to be sorted; None has it checked."""
        xs = np.asarray(x, np.float64)
        ys = np.asarray(y, np.float64)
        if len(xs) != len(ys):
            raise ValueError("x and y must have equal lengths")
        if np.isnan(xs).any():
            raise ValueError("x must not be NaN")
        if in_order is None:
            in_order = len(xs) < 2 or bool((xs[1:] >= xs[:-1]).all())
        if not in_order:
            by_x = np.argsort(xs, kind="stable")
            xs, ys = xs[by_x], ys[by_x]
        if len(xs) < _VECTOR_MIN:
            refused = 0
            for xi, yi in zip(xs.tolist(), ys.tolist(), strict=True):
                if not self.append(xi, yi):
                    refused += 1
            return refused
        return self._extend_sorted(xs, ys)

    def extend_arrays(self, x: F64, y: F64, order: I64, in_order: bool) -> int:
        """`extend` for the pipeline's columnar path (float64 arrays of equal lengths)."""
        return self.extend(x, y, order, in_order)

    def _extend_sorted(self, xs: F64, ys: F64) -> int:
        """`extend` for x sorted: the bars tick by tick would give, with a numpy pass per bar
        column rather than a Python step per tick."""
        starts = np.floor(xs / self.bar) * self.bar
        late = int(np.searchsorted(starts, self._newest_bar, side="left"))
        refused = self._fold_late(xs[:late], ys[:late], starts[:late]) if late else 0
        xs, ys, starts = xs[late:], ys[late:], starts[late:]
        if not len(xs):
            return refused
        self.unsent += len(xs)
        self._last_x = max(self._last_x, float(xs[-1]))
        bars = _fold(xs, ys, starts, self.aggregate)
        for b, start in enumerate(bars.starts.tolist()):
            if start > self._newest_bar:
                self._open_bar(start)
            if bars.first[b] != bars.first[b]:  # a bar of gaps only
                continue
            values = [float(column[b]) for column in bars.columns]
            open_, high, low, close = values * 4 if len(values) == 1 else values  # a sum: 1
            self._merge(float(bars.first[b]), open_, high, low, close, float(bars.last[b]))
        return refused

    def _fold_late(self, xs: F64, ys: F64, starts: F64) -> int:
        """Fold ticks (x sorted) for bars older than the newest into the bars held, in one
        merge; returns how many ticks were refused for want of room."""
        bars = _fold(xs, ys, starts, self.aggregate)
        held_x = self._x[self._start : self._end]
        at = np.searchsorted(held_x, bars.starts)
        found = at < len(held_x)
        found[found] = held_x[at[found]] == bars.starts[found]
        # A bar not held yet needs room: inside the span of the newest, and among the newest
        # `capacity` of the bars held and those new.
        fits = ~found
        if self.span is not None:
            fits &= bars.starts >= self._newest_bar - self.span
        kept = len(held_x) + int(fits.sum())
        if kept > self.capacity:
            every = np.sort(np.concatenate([held_x, bars.starts[fits]]))
            fits &= bars.starts >= every[kept - self.capacity]
        taken = found | fits
        refused = int(bars.ticks[~taken].sum())
        if taken.any():
            self.rewritten = True
            self.unsent += int(bars.ticks[taken].sum())
        numbered = found & (bars.first == bars.first)
        self._combine(self._start + at[numbered], bars, numbered)
        if fits.any():
            self._insert(bars, fits)
        return refused

    def _combine(
        self, rows: npt.NDArray[np.intp], bars: _Folded, pick: npt.NDArray[np.bool_]
    ) -> None:
        """Fold folded bars `bars[pick]` into the held bars at `rows` (the same starts)."""
        first, last = bars.first[pick], bars.last[pick]
        columns = [c[pick] for c in bars.columns]
        held_first, held_last = self._first[rows], self._last[rows]
        empty = held_first != held_first  # a held bar of gaps only: the new numbers make it
        opens = empty | (first < held_first)  # equal x: the earlier arrival opened it
        closes = empty | (last >= held_last)  # equal x: the later arrival closes it
        self._first[rows] = np.where(opens, first, held_first)
        self._last[rows] = np.where(closes, last, held_last)
        if self.aggregate == "sum":
            (total,) = self._cols
            total[rows] = np.where(empty, columns[0], total[rows] + columns[0])
            return
        opens_col, highs, lows, closes_col = self._cols
        opens_col[rows] = np.where(opens, columns[0], opens_col[rows])
        highs[rows] = np.where(empty, columns[1], np.fmax(highs[rows], columns[1]))
        lows[rows] = np.where(empty, columns[2], np.fmin(lows[rows], columns[2]))
        closes_col[rows] = np.where(closes, columns[3], closes_col[rows])

    def _insert(self, bars: _Folded, pick: npt.NDArray[np.bool_]) -> None:
        """Put the folded bars `bars[pick]` (none of them held, none older than the bars that
        stay) among those held, in x order; the oldest held bars go when that passes the
        capacity."""
        held = slice(self._start, self._end)
        merged = [
            np.concatenate((mine[held], new[pick]))
            for mine, new in zip(
                self._arrays(),
                (bars.starts, bars.first, bars.last, *bars.columns),
                strict=True,
            )
        ]
        order = np.argsort(merged[0], kind="stable")
        over = len(order) - self.capacity
        if over > 0:
            leaving = merged[0][order[:over]]
            self.coalesced += int(np.count_nonzero(leaving > self._sent_x))
            if self.span is not None:
                self.cut += over
            order = order[over:]
        n = len(order)
        for target, values in zip(self._arrays(), merged, strict=True):
            target[:n] = values[order]
        self._start, self._end = 0, n

    def _arrays(self) -> tuple[F64, ...]:
        """Every per-bar array, each indexed the same way: x, first and last tick x, columns."""
        return (self._x, self._first, self._last, *self._cols)

    def _merge(
        self, first_x: float, open_: float, high: float, low: float, close: float, last_x: float
    ) -> None:
        """Fold ticks of the newest bar into it: their first number `open_` (at `first_x`), their
        extremes, and their last number `close` (at `last_x`). For a sum, all four are the sum."""
        i = self._end - 1
        if self._x[i] == self._sent_x:
            self._changed = True
        cols = self._cols
        firsts, lasts = self._first, self._last
        if firsts[i] != firsts[i]:  # the bar's first numbers
            for column, value in zip(cols, (open_, high, low, close), strict=False):
                column[i] = value
            firsts[i], lasts[i] = first_x, last_x
            return
        opens_bar = first_x < firsts[i]  # earlier than the bar's first tick: they open it
        closes_bar = last_x >= lasts[i]  # equal x: the later arrival closes the bar
        if opens_bar:
            firsts[i] = first_x
        if closes_bar:
            lasts[i] = last_x
        if self.aggregate == "sum":
            cols[0][i] += close
            return
        opens, highs, lows, closes = cols
        if high > highs[i]:
            highs[i] = high
        if low < lows[i]:
            lows[i] = low
        if opens_bar:
            opens[i] = open_
        if closes_bar:
            closes[i] = close

    def _open_bar(self, start: float) -> None:
        """Start a new newest bar at `start` (NaN until a number comes), letting old ones go."""
        if self._end == len(self._x):
            self._compact()
        end = self._end
        self._x[end] = start
        for column in (self._first, self._last, *self._cols):
            column[end] = math.nan
        self._end = end + 1
        self._newest_bar = start
        if self.span is not None:
            self._expire(start - self.span)
        over = self._end - self._start - self.capacity
        if over > 0:
            if self.span is not None:
                self.cut += over
            self._leave(over)

    def _expire(self, threshold: float) -> None:
        xs = self._x
        start = self._start
        while start < self._end and xs[start] < threshold:
            start += 1
        self._leave(start - self._start)

    def _leave(self, count: int) -> None:
        """The `count` oldest bars leave: those never handed out are counted as coalesced."""
        if count:
            leaving = self._x[self._start : self._start + count]
            self.coalesced += int(np.count_nonzero(leaving > self._sent_x))
            self._start += count

    def _compact(self) -> None:
        start, end = self._start, self._end
        n = end - start
        for column in self._arrays():
            column[:n] = column[start:end]
        self._start, self._end = 0, n

    # -- bars out ------------------------------------------------------------------------------

    def bars(self) -> tuple[F64, list[F64]]:
        """Copies of the bars held: x (bar starts, ascending) and the columns (open, high, low,
        close; or the sum)."""
        held = slice(self._start, self._end)
        return self._x[held].copy(), [column[held].copy() for column in self._cols]

    def take_changes(self) -> tuple[F64, list[F64], bool]:
        """The bars to hand out: x, the columns, and whether the first of them is the newest bar
        handed out before, changed since (the browser replaces it in place). Afterwards
        everything held counts as handed out."""
        self.unsent = 0
        xs = self._x[self._start : self._end]
        first = int(np.searchsorted(xs, self._sent_x, side="left"))
        replace = self._changed and first < len(xs) and xs[first] == self._sent_x
        if not replace:
            first = int(np.searchsorted(xs, self._sent_x, side="right"))
        self._mark_sent()
        held = slice(self._start + first, self._end)
        return self._x[held].copy(), [column[held].copy() for column in self._cols], replace

    def mark_sent(self) -> None:
        """Everything held counts as handed out (after a reset)."""
        self.unsent = 0
        self._mark_sent()

    def _mark_sent(self) -> None:
        if self._end > self._start:
            self._sent_x = max(self._sent_x, float(self._x[self._end - 1]))
        self._changed = False
        self.rewritten = False
