"""A bounded columnar buffer for one series: the `capacity` points of greatest x, sorted by x."""

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
    )

    def __init__(self, capacity: int) -> None:
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"capacity must be an int of at least 1, not {capacity!r}")
        self.capacity = capacity
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

    def __len__(self) -> int:
        return min(self.capacity, self._end - self._start + len(self._stage_x))

    def append(self, x: float, y: float, order: int) -> bool:
        """Add one point; False when it is refused as too old (the ring is full and x is below
        the oldest x it holds)."""
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
        ring was full before the call. `in_order` says whether x is known to be sorted already
        (and free of NaN), which saves a pass over it; None has it checked.
        """
        n = len(x)
        if not n == len(y) == len(order):
            raise ValueError("x, y and order must have equal lengths")
        if n == 0:
            return 0
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
        return self.extend_arrays(
            xs, np.asarray(y, np.float64), np.asarray(order, np.int64), in_order
        )

    def extend_arrays(self, x: F64, y: F64, order: I64, in_order: bool) -> int:
        """`extend` for float64 and int64 arrays of equal lengths (at least one point), with
        `in_order` telling whether x is sorted and free of NaN: the pipeline's columnar paths
        know both already."""
        if in_order and x[0] >= self._last_x:
            self._commit()
            self._unsent += len(x)
            self._write_tail(x, y, order)
            self._last_x = float(x[-1])
            return 0
        if np.isnan(x).any():
            raise ValueError("x must not be NaN")
        return self._merge(x, y, order, in_order)

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
