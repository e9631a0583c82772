"""A bounded columnar buffer for one series: the newest `capacity` points, oldest first."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

# Points are appended to plain lists first (a list append costs a fraction of a numpy item write)
# and moved into the arrays in chunks of this size, or sooner when someone reads.
_STAGE_CHUNK = 4096


class SeriesRing:
    """The newest `capacity` points of one series, as float64 x and y columns plus arrival order.

    Besides what it holds, the ring tracks which of its points have not been handed out by
    `take_unsent` yet, so that only new points travel to the browser. Points pushed out by newer
    ones before they were ever handed out are counted as coalesced: they were in the window, but
    no view needs them any more. Not thread-safe: one owner at a time.
    """

    __slots__ = (
        "_count",
        "_head",
        "_order",
        "_stage_o",
        "_stage_x",
        "_stage_y",
        "_unsent",
        "_x",
        "_y",
        "capacity",
    )

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        self.capacity = capacity
        self._x: F64 = np.empty(capacity, np.float64)
        self._y: F64 = np.empty(capacity, np.float64)
        self._order: I64 = np.empty(capacity, np.int64)
        self._head = 0  # where the next committed point goes
        self._count = 0  # committed points held
        self._unsent = 0  # points appended since the last take_unsent, committed or staged
        self._stage_x: list[float] = []
        self._stage_y: list[float] = []
        self._stage_o: list[int] = []

    def __len__(self) -> int:
        return min(self.capacity, self._count + len(self._stage_x))

    def append(self, x: float, y: float, order: int) -> None:
        """Add one point at the newest end."""
        self._stage_x.append(x)
        self._stage_y.append(y)
        self._stage_o.append(order)
        self._unsent += 1
        if len(self._stage_x) >= min(_STAGE_CHUNK, self.capacity):
            self._commit()

    def extend(self, x: F64, y: F64, order: I64) -> None:
        """Add many points at once (equal lengths), oldest first."""
        if not len(x) == len(y) == len(order):
            raise ValueError("x, y and order must have equal lengths")
        self._commit()
        self._unsent += len(x)
        self._write(x, y, order)

    def _commit(self) -> None:
        if not self._stage_x:
            return
        x = np.array(self._stage_x, np.float64)
        y = np.array(self._stage_y, np.float64)
        order = np.array(self._stage_o, np.int64)
        self._stage_x.clear()
        self._stage_y.clear()
        self._stage_o.clear()
        self._write(x, y, order)

    def _write(self, x: F64, y: F64, order: I64) -> None:
        n = len(x)
        if n >= self.capacity:
            # Only the newest `capacity` points survive: write them from the start.
            self._x[:] = x[n - self.capacity :]
            self._y[:] = y[n - self.capacity :]
            self._order[:] = order[n - self.capacity :]
            self._head = 0
            self._count = self.capacity
            return
        first = min(n, self.capacity - self._head)  # up to the end of the arrays
        head = self._head
        self._x[head : head + first] = x[:first]
        self._y[head : head + first] = y[:first]
        self._order[head : head + first] = order[:first]
        rest = n - first  # wraps around to the start
        if rest:
            self._x[:rest] = x[first:]
            self._y[:rest] = y[first:]
            self._order[:rest] = order[first:]
        self._head = (head + n) % self.capacity
        self._count = min(self.capacity, self._count + n)

    def _last(self, n: int) -> tuple[F64, F64, I64]:
        """Copies of the newest `n` committed points, oldest first."""
        start = (self._head - n) % self.capacity
        if start + n <= self.capacity:
            window = slice(start, start + n)
            return self._x[window].copy(), self._y[window].copy(), self._order[window].copy()
        tail = slice(start, self.capacity)
        head = slice(0, (start + n) - self.capacity)
        return (
            np.concatenate((self._x[tail], self._x[head])),
            np.concatenate((self._y[tail], self._y[head])),
            np.concatenate((self._order[tail], self._order[head])),
        )

    def columns(self) -> tuple[F64, F64, I64]:
        """Copies of everything held: x, y and arrival order, oldest first."""
        self._commit()
        return self._last(self._count)

    @property
    def unsent(self) -> int:
        """Points added since the last `take_unsent`, whether or not they are still held."""
        return self._unsent

    def take_unsent(self) -> tuple[F64, F64, int]:
        """The points added since the last call that are still held, and how many were coalesced.

        Returns copies of x and y, oldest first, and the number of points added since the last call
        that had already been pushed out of the window.
        """
        self._commit()
        sendable = min(self._unsent, self._count)
        coalesced = self._unsent - sendable
        self._unsent = 0
        x, y, _ = self._last(sendable)
        return x, y, coalesced

    def mark_sent(self) -> None:
        """Forget which points are new: everything held counts as handed out."""
        self._unsent = 0
