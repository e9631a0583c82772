"""Bars built from ticks: the series of a candle chart.

A `BarRing` stands where a `SeriesRing` stands for other charts: the pipeline places a series'
points in it the same way (`append`, `extend`, `extend_arrays`), and it folds them into bars of
width `bar`, aligned to whole multiples of `bar` from x = 0 (the epoch, on a time axis): a tick at
x belongs to the bar that starts at `floor(x / bar) * bar`. An "ohlc" ring keeps, per bar, the
open (value of the tick of least x), high, low and close (value of the tick of greatest x; ties
by arrival); a "sum" ring keeps the sum of the values (a volume). NaN values are gaps: they are
taken (and counted by the pipeline) but change no bar, and a bar of NaN ticks only is NaN.

Only the newest bar changes: a tick for an older bar comes too late (that bar is final once a
newer one started) and is refused, as a `SeriesRing` refuses a point older than its window.
The ticks of one call are one arrival, taken in x order, so they are never too late for each
other. Whatever order the ticks of one bar come in, the bar is the same, and it equals what
`pandas.Series.resample(bar, origin="epoch").ohlc()` (or `.sum()`) gives for the same ticks.

The ring holds the `capacity` newest bars; with a `span`, only those whose x is at least the
newest bar's x minus `span` (the time-window rule, applied to bars). It tracks what was handed
out: `take_changes` gives the bars added since, and the newest bar handed out before when it
changed since (flagged, so that the browser replaces it rather than adding it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from .ring import F64, I64

Aggregate = Literal["ohlc", "sum"]

# Columns of an "ohlc" ring, in the order `bars` and `take_changes` give them.
OHLC = ("open", "high", "low", "close")

# Fewer ticks than this in one call are folded one by one; more, a bar at a time.
_VECTOR_MIN = 16


class BarRing:
    """The newest bars of one series, built from its ticks (see the module docstring).

    `capacity` bounds the bars held (an int of at least 1); `span` (a positive number or None)
    is a time window over bar x values; `bar` is the bar width in x units; `aggregate` is "ohlc"
    or "sum". Not thread-safe: one owner at a time.
    """

    __slots__ = (
        "_bar_last_x",
        "_changed",
        "_cols",
        "_end",
        "_first_x",
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
        self._start = 0
        self._end = 0
        self._newest_bar = -math.inf  # x of the newest bar ever made (it may have left)
        # Least and greatest tick x with a number in the newest bar (set by its first number).
        self._first_x = math.inf
        self._bar_last_x = -math.inf
        self._last_x = -math.inf  # greatest tick x ever taken
        self._sent_x = -math.inf  # x of the newest bar handed out
        self._changed = False  # the newest bar handed out changed since
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
        """Fold one tick into its bar; False when its bar is older than the newest one."""
        if x != x:
            raise ValueError("x must not be NaN")
        start = math.floor(x / self.bar) * self.bar
        newest = self._newest_bar
        if start < newest:
            return False
        if start > newest:
            self._open_bar(start)
        if x > self._last_x:
            self._last_x = x
        if y == y:  # NaN is a gap: taken, but it changes no bar
            self._merge(x, y, y, y, x, y)
        self.unsent += 1
        return True

    def extend(
        self,
        x: F64 | Sequence[float],
        y: F64 | Sequence[float],
        order: I64 | Sequence[int] | None = None,
        in_order: bool | None = None,
    ) -> int:
        """Fold many ticks as one arrival: in x order (ties in the order given), so that the
        ticks of one message are never too late for each other. Returns how many were refused
        (ticks for a bar older than the newest one before the call). `in_order` says whether x
        is known to be sorted; None has it checked."""
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
        xs, ys, starts = xs[late:], ys[late:], starts[late:]
        n = len(xs)
        if not n:
            return late
        self.unsent += n
        self._last_x = max(self._last_x, float(xs[-1]))
        firsts = np.flatnonzero(np.r_[True, starts[1:] != starts[:-1]])
        valid = ~np.isnan(ys)
        # Per bar, the index of its first and last number (-1 for a bar of gaps only).
        numbered = np.flatnonzero(valid)
        bar_of = np.searchsorted(firsts, numbered, side="right") - 1
        first_num = np.full(len(firsts), -1)
        last_num = np.full(len(firsts), -1)
        first_num[bar_of[::-1]] = numbered[::-1]  # the last write wins: the first number
        last_num[bar_of] = numbered
        if self.aggregate == "sum":
            columns = [np.add.reduceat(np.where(valid, ys, 0.0), firsts)]
        else:
            with np.errstate(invalid="ignore"):
                columns = [
                    ys[first_num],
                    np.fmax.reduceat(ys, firsts),
                    np.fmin.reduceat(ys, firsts),
                    ys[last_num],
                ]
        for b, start in enumerate(starts[firsts].tolist()):
            if start > self._newest_bar:
                self._open_bar(start)
            if first_num[b] < 0:
                continue
            first_x, last_x = float(xs[first_num[b]]), float(xs[last_num[b]])
            if self.aggregate == "sum":
                total = float(columns[0][b])
                self._merge(first_x, total, total, total, last_x, total)
            else:
                open_, high, low, close = (float(column[b]) for column in columns)
                self._merge(first_x, open_, high, low, last_x, close)
        return late

    def _merge(
        self, first_x: float, open_: float, high: float, low: float, last_x: float, close: float
    ) -> None:
        """Fold ticks of the newest bar into it: their first number `open_` (at `first_x`), their
        extremes, and their last number `close` (at `last_x`). For a sum, `close` is their sum."""
        i = self._end - 1
        if self._x[i] == self._sent_x:
            self._changed = True
        cols = self._cols
        if self.aggregate == "sum":
            total = cols[0]
            total[i] = close if total[i] != total[i] else total[i] + close
            return
        opens, highs, lows, closes = cols
        if opens[i] != opens[i]:  # the bar's first numbers
            opens[i], highs[i], lows[i], closes[i] = open_, high, low, close
            self._first_x, self._bar_last_x = first_x, last_x
            return
        if high > highs[i]:
            highs[i] = high
        if low < lows[i]:
            lows[i] = low
        if first_x < self._first_x:  # earlier than the bar's first tick: they open the bar
            self._first_x = first_x
            opens[i] = open_
        if last_x >= self._bar_last_x:  # equal x: the later arrival closes the bar
            self._bar_last_x = last_x
            closes[i] = close

    def _open_bar(self, start: float) -> None:
        """Start a new newest bar at `start` (NaN until a number comes), letting old ones go."""
        if self._end == len(self._x):
            self._compact()
        end = self._end
        self._x[end] = start
        for column in self._cols:
            column[end] = math.nan
        self._end = end + 1
        self._newest_bar = start
        self._first_x = math.inf
        self._bar_last_x = -math.inf
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
        self._x[:n] = self._x[start:end]
        for column in self._cols:
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
