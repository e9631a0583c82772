"""What the data path hands out for the browser: a `Batch` of new points or of the whole window,
and a `Snapshot` of everything held, decimated, for saved notebooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .ring import F64

PointsKind = Literal["batch", "reset"]

# A series named: (id, name), or (id, family name, role) in a candle chart.
SeriesEntry = tuple[int, str] | tuple[int, str, str]
# A run of one series' points: (id, count), or (id, count, 1) when the first point replaces the
# series' newest point in the browser (see docs/protocol.md, "Candle charts").
Segment = tuple[int, int] | tuple[int, int, int]


@dataclass(frozen=True)
class Batch:
    """Points for the browser: `segments` (series id, count) split the concatenated `x` and `y`.

    A "batch" holds only points the browser has not been sent yet, and names in `series` only the
    series it introduces; a "reset" holds the whole window and names every series.
    """

    kind: PointsKind
    seq: int
    series: list[SeriesEntry]
    segments: list[Segment]
    x: F64
    y: F64
    coalesced: int = 0
    points: int = field(init=False)

    def __post_init__(self) -> None:
        if len(self.x) != len(self.y) or sum(s[1] for s in self.segments) != len(self.x):
            raise ValueError("segments must add up to the lengths of x and y")
        object.__setattr__(self, "points", len(self.x))


@dataclass(frozen=True)
class Snapshot:
    """Every series held, each decimated (see `decimate`), as of batch number `seq`.

    `series` names every series; `segments` (series id, count) split the concatenated `x` and
    `y`, in series order. Nothing in it is marked as sent.
    """

    seq: int
    series: list[SeriesEntry]
    segments: list[Segment]
    x: F64
    y: F64
