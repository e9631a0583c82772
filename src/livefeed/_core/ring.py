"""A bounded columnar buffer for one series: the `capacity` points of greatest x, sorted by x,
optionally only those within a span of the greatest x (a time window)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import islice
from operator import le

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

# Points appended in x order go to plain lists first (a list append costs a fraction of a numpy
# item write) and move into the arrays in chunks of this size, or sooner when someone reads.
_STAGE_CHUNK = 4096
# Points a time window looks at one by one for those leaving, before it searches (see `_expire`).
_EXPIRE_STEPS = 8


def _empty() -> tuple[F64, F64]:
    return np.empty(0, np.float64), np.empty(0, np.float64)


class SeriesRing:
    """The `capacity` points of greatest x of one series, sorted by x, ties in arrival order.

    Each point is (x, y, order): `order` is its arrival number, which must grow from call to call
    (the pipeline numbers every point it places). x must not be NaN.

    A point with x at or above the greatest x held (the usual case: data arrives in x order) is
    appended at no sorting cost. Anything else is merged into place: one point by a binary search
    and a shift, a chunk by a stable merge. When the ring is full, a point whose x is below the
    oldest x it holds is refused ("too old"); otherwise the point of least x leaves to make room.
    A call is one arrival: the points of one `extend` are placed together, so that those among
    them that do not stay were pushed out by the others (coalesced), not refused.

    Besides what it holds, the ring tracks which of its points have not been handed out by
    `take_unsent` yet, so that only new points travel to the browser (wherever they landed).
    Points pushed out before they were ever handed out are counted as coalesced: they were in the
    window, but no view needs them any more. Not thread-safe: one owner at a time.

    With a `span` (a time window: x in milliseconds, span in milliseconds) the ring holds, after
    every call, the points whose x is at least its greatest x minus `span`, and `capacity` of them
    at most: the points of greatest x among those. The greatest x is that of every point placed
    so far (it never leaves), so the rule depends only on the points given, not on when they were
    given or read: a browser that gets the points handed out and applies the same rule holds the
    same points. Points below the span leave silently: it is what the window is for. A point
    given below the span of the call's greatest x is not placed; like a point that left before it
    was handed out, it is counted as coalesced (never as too old: with a span, `append` and
    `extend` refuse nothing). Points that leave because `capacity` is reached while still inside
    the span (or that find no room when given) are counted in `cut`: the span asked for them,
    memory did not allow them.

    Storage is a linear buffer with room to spare at the end: the held points sit in
    `[_start, _end)`, leaving ones advance `_start`, and the points are moved back to the front
    only when the end is reached, so every point is copied a bounded number of times.
    """

    __slots__ = (
        "_end",
        "_last_x",
        "_o",
        "_sent_order",
        "_stage_limit",
        "_stage_o",
        "_stage_x",
        "_stage_y",
        "_start",
        "_tail",
        "_unsent",
        "_x",
        "_y",
        "capacity",
        "cut",
        "span",
    )

    def __init__(self, capacity: int, span: float | None = None) -> None:
        """`capacity`: the most points held (an int of at least 1). `span`: None for a ring of
        the `capacity` points of greatest x; a positive finite number for a time window."""
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"capacity must be an int of at least 1, not {capacity!r}")
        if span is not None:
            if isinstance(span, bool) or not isinstance(span, (int, float)):
                raise ValueError(f"span must be a positive number or None, not {span!r}")
            span = float(span)
            if not 0 < span < math.inf:  # NaN fails too
                raise ValueError(f"span must be a positive, finite number, not {span!r}")
        self.capacity = capacity
        self.span = span
        # Points that left (or found no room) because of `capacity` while inside the span.
        self.cut = 0
        # Spare room of half the capacity: on average a point is moved back to the front twice.
        size = capacity + max(min(capacity, _STAGE_CHUNK), capacity // 2)
        # np.empty reserves address space; memory is only used where points are written.
        self._x: F64 = np.empty(size, np.float64)
        self._y: F64 = np.empty(size, np.float64)
        self._o: I64 = np.empty(size, np.int64)
        self._start = 0
        self._end = 0
        self._last_x = -math.inf  # the greatest x held, staged points included
        self._sent_order = -1  # points with a greater order have not been handed out
        # The newest `_tail` committed positions hold every committed point not handed out yet.
        self._tail = 0
        self._unsent = 0  # points added since the last take_unsent, held or not
        self._stage_limit = min(_STAGE_CHUNK, capacity)
        self._stage_x: list[float] = []
        self._stage_y: list[float] = []
        self._stage_o: list[int] = []

    @property
    def newest_x(self) -> float:
        """The greatest x held (-inf when empty): it never leaves, whatever the window."""
        return self._last_x

    def __len__(self) -> int:
        return min(self.capacity, self._end - self._start + len(self._stage_x))

    def append(self, x: float, y: float, order: int) -> bool:
        """Add one point; False when it is refused as too old (the ring is full and x is below
        the oldest x it holds). With a span, always True (see the class docstring)."""
        span = self.span
        if span is not None:
            self._append_spanned(x, y, order, span)
            return True
        if x >= self._last_x:  # in x order: no sorting, no numpy
            self._stage_x.append(x)
            self._stage_y.append(y)
            self._stage_o.append(order)
            self._last_x = x
            self._unsent += 1
            if len(self._stage_x) >= self._stage_limit:
                self._commit()
            return True
        return self._insert(x, y, order)

    def extend(
        self,
        x: F64 | Sequence[float],
        y: F64 | Sequence[float],
        order: I64 | Sequence[int],
        in_order: bool | None = None,
    ) -> int:
        """Add many points (equal lengths, in arrival order) as one arrival.

        Returns how many were refused as too old: those with x below the oldest x held, when the
        ring was full before the call (never any with a span). `in_order` says whether x is known
        to be sorted already (and free of NaN), which saves a pass over it; None has it checked.
        """
        n = len(x)
        if not n == len(y) == len(order):
            raise ValueError("x, y and order must have equal lengths")
        if n == 0:
            return 0
        if self.span is not None:
            self._extend_spanned(x, y, order, in_order)
            return 0
        return self._extend(x, y, order, in_order)

    def _extend(
        self,
        x: F64 | Sequence[float],
        y: F64 | Sequence[float],
        order: I64 | Sequence[int],
        in_order: bool | None,
    ) -> int:
        """`extend` without a span, for at least one point."""
        n = len(x)
        if isinstance(x, list) and isinstance(y, list) and isinstance(order, list):
            if x[0] >= self._last_x and all(map(le, x, islice(x, 1, None))):
                # In x order, from the per-record path: staged like single appends.
                self._stage_x.extend(x)
                self._stage_y.extend(y)
                self._stage_o.extend(order)
                self._last_x = x[-1]
                self._unsent += n
                if len(self._stage_x) >= self._stage_limit:
                    self._commit()
                return 0
            if n == 1:
                return 0 if self._insert(x[0], y[0], order[0]) else 1
        xs = np.asarray(x, np.float64)
        if in_order is None:
            # Any NaN makes a comparison false: a chunk that passes both tests holds none.
            in_order = n == 1 or bool((xs[1:] >= xs[:-1]).all())
        return self._extend_arrays(
            xs, np.asarray(y, np.float64), np.asarray(order, np.int64), in_order
        )

    def extend_arrays(self, x: F64, y: F64, order: I64, in_order: bool) -> int:
        """`extend` for float64 and int64 arrays of equal lengths (at least one point), with
        `in_order` telling whether x is sorted and free of NaN: the pipeline's columnar paths
        know both already."""
        if self.span is not None:
            self._extend_spanned(x, y, order, in_order)
            return 0
        return self._extend_arrays(x, y, order, in_order)

    def _extend_arrays(self, x: F64, y: F64, order: I64, in_order: bool) -> int:
        """`extend_arrays` without a span."""
        if in_order and x[0] >= self._last_x:
            self._commit()
            self._unsent += len(x)
            self._write_tail(x, y, order)
            self._last_x = float(x[-1])
            return 0
        if np.isnan(x).any():
            raise ValueError("x must not be NaN")
        return self._merge(x, y, order, in_order)

    # -- time window ---------------------------------------------------------------------------
    #
    # A call with a span goes in three steps. With `threshold` the greatest x after the call
    # minus the span: the held points below it leave; the given points below it are not placed;
    # the rest are placed as without a span, which keeps the `capacity` points of greatest x.
    # Every point that takes part in that last step is inside the span, so those it leaves out
    # are exactly the ones `capacity` cut: how many points inside the span there were, minus
    # `capacity`.

    def _append_spanned(self, x: float, y: float, order: int, span: float) -> None:
        stage_x = self._stage_x
        if x >= self._last_x:  # in x order, the usual case: staged, as without a span
            threshold = x - span
            start, end = self._start, self._end
            if end > start:
                xs = self._x
                if xs.item(start) >= threshold:
                    held = end - start + len(stage_x)
                elif end - start > 1 and xs.item(start + 1) >= threshold:
                    # Data at an even pace: one point leaves as one comes.
                    start += 1
                    self._start = start
                    if self._tail > end - start:
                        self._tail = end - start
                    held = end - start + len(stage_x)
                else:
                    held = self._expire(threshold)
            elif stage_x and stage_x[0] < threshold:
                held = self._expire(threshold)
            else:
                held = len(stage_x)
            stage_x.append(x)
            self._stage_y.append(y)
            self._stage_o.append(order)
            self._last_x = x
            self._unsent += 1
            if held >= self.capacity:  # the oldest leaves, inside the span
                self.cut += held + 1 - self.capacity
                start, end = self._start, self._end  # `_expire` may have committed the stage
                if end > start:  # the usual case of `_bound`, done here
                    self._start = start = start + 1
                    if self._tail > end - start:
                        self._tail = end - start
                else:
                    self._bound()
            if len(stage_x) >= self._stage_limit:
                self._commit()
            return
        if x != x:
            raise ValueError("x must not be NaN")
        # Below the greatest x: the span did not move, and everything held is inside it.
        if x < self._last_x - span:  # below the span: gone at once
            self._unsent += 1
            return
        held = self._end - self._start + len(stage_x)
        if not self._insert(x, y, order):
            self._unsent += 1  # found no room: it left at once
        if held >= self.capacity:
            self.cut += held + 1 - self.capacity

    def _extend_spanned(
        self,
        x: F64 | Sequence[float],
        y: F64 | Sequence[float],
        order: I64 | Sequence[int],
        in_order: bool | None,
    ) -> None:
        span = self.span
        assert span is not None
        xs = np.asarray(x, np.float64)
        n = len(xs)
        # A caller that says the chunk is in order promises it holds no NaN.
        if not in_order and np.isnan(xs).any():
            raise ValueError("x must not be NaN")
        if in_order is None:
            in_order = bool((xs[1:] >= xs[:-1]).all())
        top = float(xs[-1] if in_order else xs.max())
        threshold = max(self._last_x, top) - span
        held = self._expire(threshold)
        if in_order:
            first = int(np.searchsorted(xs, threshold, side="left"))
            kept = n - first
            if first and kept:
                x = xs[first:]
                y = np.asarray(y, np.float64)[first:]
                order = np.asarray(order, np.int64)[first:]
        else:
            inside = xs >= threshold
            kept = int(np.count_nonzero(inside))
            if kept < n:  # the mask keeps the arrival order of those that stay
                x = xs[inside]
                y = np.asarray(y, np.float64)[inside]
                order = np.asarray(order, np.int64)[inside]
        self._unsent += n - kept  # below the span: gone at once, never handed out
        if not kept:
            return
        refused = self._extend(x, y, order, in_order)
        self._unsent += refused  # found no room: they left at once
        self._bound()
        if held + kept > self.capacity:
            self.cut += held + kept - self.capacity

    def _expire(self, threshold: float) -> int:
        """Let the held points with x below `threshold` leave; returns how many are held.

        Staged points are never below committed ones (only points in x order are staged, and
        every other way in commits the stage first), so the points leaving are a prefix of the
        committed ones, then of the staged ones.
        """
        stage = self._stage_x
        if stage and stage[0] < threshold:
            # Every committed point leaves, and staged ones too: they are committed first rather
            # than cut from the front of the lists (a copy of each list every time). The stage
            # is so committed at most once per renewal of every point it held.
            self._commit()
        start, end = self._start, self._end
        if end > start:
            xs = self._x
            if xs.item(start) < threshold:
                # Data arriving at an even pace lets about one point go per point coming: a
                # few steps find them sooner than a search; a gap in the data takes the search.
                stop = min(end, start + _EXPIRE_STEPS)
                start += 1
                while start < stop and xs.item(start) < threshold:
                    start += 1
                if start == stop < end:
                    start += int(np.searchsorted(xs[start:end], threshold, side="left"))
                self._start = start
                self._tail = min(self._tail, end - start)
        held = end - start + len(stage)
        if not held:
            self._last_x = -math.inf
        return held

    def _bound(self) -> None:
        """Let the oldest points leave until at most `capacity` are held, staged ones included.

        Without a span the staged points push the oldest committed ones out only when they are
        committed (`__len__` counts as if they had); a span needs the points held to be exactly
        those counted, so that the next call's `cut` counts each point once.
        """
        committed = self._end - self._start
        over = committed + len(self._stage_x) - self.capacity
        if over <= 0:
            return
        if over <= committed:
            self._start += over
            self._tail = min(self._tail, committed - over)
        else:
            self._commit()  # which keeps the newest `capacity` of its own

    # -- storage -------------------------------------------------------------------------------

    def _commit(self) -> None:
        if not self._stage_x:
            return
        x = np.array(self._stage_x, np.float64)
        y = np.array(self._stage_y, np.float64)
        order = np.array(self._stage_o, np.int64)
        self._stage_x.clear()
        self._stage_y.clear()
        self._stage_o.clear()
        self._write_tail(x, y, order)

    def _compact(self) -> None:
        """Move the held points to the front of the buffer."""
        start, end = self._start, self._end
        if start:
            n = end - start
            # numpy copes with overlapping source and destination.
            self._x[:n] = self._x[start:end]
            self._y[:n] = self._y[start:end]
            self._o[:n] = self._o[start:end]
            self._start, self._end = 0, n

    def _write_tail(self, x: F64, y: F64, order: I64) -> None:
        """Append points whose x are sorted and at or above every x held."""
        n = len(x)
        capacity = self.capacity
        if n >= capacity:  # only the newest `capacity` survive: write them from the start
            self._x[:capacity] = x[n - capacity :]
            self._y[:capacity] = y[n - capacity :]
            self._o[:capacity] = order[n - capacity :]
            self._start, self._end = 0, capacity
            self._tail = capacity
            return
        self._start += max(0, self._end - self._start + n - capacity)  # the oldest leave
        if self._end + n > len(self._x):
            self._compact()
        end = self._end
        self._x[end : end + n] = x
        self._y[end : end + n] = y
        self._o[end : end + n] = order
        self._end = end + n
        self._tail = min(self._tail + n, self._end - self._start)

    def _insert(self, x: float, y: float, order: int) -> bool:
        """Place one point below the greatest x held, keeping x sorted."""
        if x != x:
            raise ValueError("x must not be NaN")
        self._commit()
        start, end = self._start, self._end
        xs, ys, os = self._x, self._y, self._o
        # After the points of equal x: they arrived earlier.
        pos = start + int(np.searchsorted(xs[start:end], x, side="right"))
        if end - start == self.capacity:
            if pos == start:
                return False  # below everything held in a full ring: too old
            # The oldest point leaves; the ones before `pos` move one place to the front.
            xs[start : pos - 1] = xs[start + 1 : pos]
            ys[start : pos - 1] = ys[start + 1 : pos]
            os[start : pos - 1] = os[start + 1 : pos]
            pos -= 1
        elif start > 0 and (pos - start < end - pos or end == len(xs)):
            # Room at the front and fewer points to move there.
            xs[start - 1 : pos - 1] = xs[start:pos]
            ys[start - 1 : pos - 1] = ys[start:pos]
            os[start - 1 : pos - 1] = os[start:pos]
            self._start = start - 1
            pos -= 1
        else:  # end < len(xs) here: the ring is not full and holds at most `capacity - 1`
            xs[pos + 1 : end + 1] = xs[pos:end]
            ys[pos + 1 : end + 1] = ys[pos:end]
            os[pos + 1 : end + 1] = os[pos:end]
            end += 1
            self._end = end
        xs[pos] = x
        ys[pos] = y
        os[pos] = order
        self._unsent += 1
        self._tail = min(max(self._tail + 1, end - pos), end - self._start)
        return True

    def _merge(self, x: F64, y: F64, order: I64, in_order: bool) -> int:
        """Merge a chunk into place; returns how many of its points were too old."""
        self._commit()
        if not in_order:  # stable: points of equal x stay in arrival order
            by_x = np.argsort(x, kind="stable")
            x, y, order = x[by_x], y[by_x], order[by_x]
        capacity = self.capacity
        start, end = self._start, self._end
        held = end - start
        hx = self._x[start:end]
        too_old = 0
        if held == capacity:
            too_old = int(np.searchsorted(x, hx[0], side="left"))
            x, y, order = x[too_old:], y[too_old:], order[too_old:]
        m = len(x)
        self._unsent += m
        if m == 0:
            return too_old
        if m > capacity:  # the chunk's own newest push out its oldest: coalesced
            x, y, order = x[m - capacity :], y[m - capacity :], order[m - capacity :]
            m = capacity
        # Held points up to the first new x stay where they are; the rest merge with the chunk,
        # held points first among equal x (they arrived earlier).
        p0 = int(np.searchsorted(hx, x[0], side="right"))
        rest = held - p0
        total = rest + m
        new_at = np.arange(m) + np.searchsorted(hx[p0:], x, side="right")
        old_at = np.ones(total, dtype=bool)
        old_at[new_at] = False
        merged_x = np.empty(total, np.float64)
        merged_y = np.empty(total, np.float64)
        merged_o = np.empty(total, np.int64)
        merged_x[new_at] = x
        merged_y[new_at] = y
        merged_o[new_at] = order
        merged_x[old_at] = hx[p0:]
        merged_y[old_at] = self._y[start + p0 : end]
        merged_o[old_at] = self._o[start + p0 : end]
        evict = max(0, p0 + total - capacity)
        if evict < p0:  # part of the untouched prefix stays
            start += evict
            if start + (p0 - evict) + total > len(self._x):
                self._start, self._end = start, start + (p0 - evict)
                self._compact()
                start = self._start
            at = start + (p0 - evict)
            first_new = at + int(new_at[0])
            skip = 0
        else:
            skip = evict - p0
            start = at = 0
            first_new = max(0, int(new_at[0]) - skip)
        self._x[at : at + total - skip] = merged_x[skip:]
        self._y[at : at + total - skip] = merged_y[skip:]
        self._o[at : at + total - skip] = merged_o[skip:]
        end = at + total - skip
        self._start, self._end = start, end
        self._last_x = float(self._x[end - 1])
        self._tail = min(max(self._tail + m, end - first_new), end - start)
        return too_old

    # -- reading -------------------------------------------------------------------------------

    def columns(self) -> tuple[F64, F64, I64]:
        """Copies of everything held: x, y and arrival order, sorted by x (ties by arrival)."""
        self._commit()
        window = slice(self._start, self._end)
        return self._x[window].copy(), self._y[window].copy(), self._o[window].copy()

    @property
    def unsent(self) -> int:
        """Points added since the last `take_unsent`, whether or not they are still held."""
        return self._unsent

    def take_unsent(self) -> tuple[F64, F64, int]:
        """The points added since the last call that are still held, and how many were coalesced.

        Returns copies of x and y sorted by x (ties by arrival) and the number of points added
        since the last call that had already been pushed out of the window. The points need not
        be the newest x: a late point lands inside the series, and is handed out all the same.
        """
        self._commit()
        unsent, self._unsent = self._unsent, 0
        tail, self._tail = self._tail, 0
        if not unsent or not tail:
            return (*_empty(), unsent)
        end = self._end
        region = slice(end - tail, end)
        orders = self._o[region]
        new = orders > self._sent_order
        count = int(np.count_nonzero(new))
        self._sent_order = max(self._sent_order, int(orders.max()))
        if count == tail:  # the usual case: the new points are the newest x
            return self._x[region].copy(), self._y[region].copy(), unsent - count
        return self._x[region][new], self._y[region][new], unsent - count

    def mark_sent(self) -> None:
        """Forget which points are new: everything held counts as handed out."""
        self._commit()
        if self._end > self._start:
            held = self._o[self._start : self._end]
            self._sent_order = max(self._sent_order, int(held.max()))
        self._unsent = 0
        self._tail = 0
