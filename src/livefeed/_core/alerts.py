"""Alerts: thresholds on a series, and the crossings new points make of them.

Plain code, called by the pipeline with each series' new points in arrival order. An alert fires
on a crossing, not on every point beyond its threshold: a point above `above` fires when the
point before it (of that series, since the alert was made) was not above; likewise below `below`.
The first point seen counts as a crossing when it is beyond. NaN points are gaps: they neither
fire nor rearm.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

Side = Literal["above", "below"]

MAX_PENDING: Final = 1000
"""Crossings kept until taken; beyond that the oldest go, counted in `Alerts.dropped`."""


@dataclass(frozen=True)
class Alert:
    """Fire when series `series` goes above `above` or below `below` (either may be None)."""

    id: int
    series: str
    above: float | None
    below: float | None


@dataclass(frozen=True)
class Crossing:
    """A point that crossed an alert's threshold."""

    alert: int
    series: str
    x: float
    y: float
    side: Side
    threshold: float


@dataclass
class _Watch:
    alert: Alert
    beyond: dict[Side, bool] = field(default_factory=lambda: {"above": False, "below": False})


class Alerts:
    """The alerts of one chart, by series name, and the crossings not taken yet."""

    def __init__(self) -> None:
        self._watches: dict[str, list[_Watch]] = {}
        self.pending: deque[Crossing] = deque()
        self.dropped = 0
        self.fired = 0

    def add(self, alert: Alert) -> None:
        self._watches.setdefault(alert.series, []).append(_Watch(alert))

    def remove(self, alert_id: int) -> bool:
        """Forget an alert; False when there is none of that id."""
        for name, watches in self._watches.items():
            kept = [watch for watch in watches if watch.alert.id != alert_id]
            if len(kept) != len(watches):
                if kept:
                    self._watches[name] = kept
                else:
                    del self._watches[name]
                return True
        return False

    def watching(self, series: str) -> bool:
        return series in self._watches

    def check(
        self,
        series: str,
        x: Sequence[float] | npt.NDArray[np.float64],
        y: Sequence[float] | npt.NDArray[np.float64],
    ) -> None:
        """Look at new points of `series`, in arrival order, for crossings."""
        watches = self._watches.get(series)
        if not watches:
            return
        for watch in watches:
            alert = watch.alert
            for side, threshold in (("above", alert.above), ("below", alert.below)):
                if threshold is not None:
                    self._check_side(watch, side, threshold, x, y)  # type: ignore[arg-type]

    def _check_side(
        self,
        watch: _Watch,
        side: Side,
        threshold: float,
        x: Sequence[float] | npt.NDArray[np.float64],
        y: Sequence[float] | npt.NDArray[np.float64],
    ) -> None:
        beyond = watch.beyond[side]
        above = side == "above"
        for xi, yi in zip(x, y, strict=True):
            if math.isnan(yi):
                continue
            now = yi > threshold if above else yi < threshold
            if now and not beyond:
                alert = watch.alert
                crossing = Crossing(alert.id, alert.series, float(xi), float(yi), side, threshold)
                self._fire(crossing)
            beyond = now
        watch.beyond[side] = beyond

    def _fire(self, crossing: Crossing) -> None:
        self.fired += 1
        if len(self.pending) >= MAX_PENDING:
            self.pending.popleft()
            self.dropped += 1
        self.pending.append(crossing)

    def take(self) -> list[Crossing]:
        """The crossings since the last call, oldest first."""
        taken = list(self.pending)
        self.pending.clear()
        return taken
