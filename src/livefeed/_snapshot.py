"""A small picture of a chart's data for saved notebooks: every series, decimated.

Saved widget state holds traits, not custom messages, so the last data must sit in a trait for a
notebook reopened without a kernel. Min/max decimation keeps each series' envelope (its peaks stay
visible) while bounding the size of what is saved.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._pipeline import Pipeline
from ._ring import F64
from ._wire import le_bytes

SNAPSHOT_POINTS = 2000  # per series


def decimate(x: F64, y: F64, limit: int) -> tuple[F64, F64]:
    """At most about `limit` points of (x, y), keeping the minimum and maximum of each bucket.

    Points stay in their order; NaN gaps survive (a bucket holding one reports it as its min).
    """
    n = len(x)
    if n <= limit:
        return x, y
    buckets = max(1, limit // 2)
    size = n // buckets
    whole = buckets * size
    shaped = y[:whole].reshape(buckets, size)
    starts = np.arange(buckets) * size
    low = starts + np.argmin(shaped, axis=1)
    high = starts + np.argmax(shaped, axis=1)
    keep = np.sort(np.unique(np.concatenate((low, high, np.arange(whole, n)))))
    return x[keep], y[keep]


def build_snapshot(pipeline: Pipeline, limit: int = SNAPSHOT_POINTS) -> dict[str, Any]:
    """The `snapshot` trait's value (see docs/protocol.md); `{}` when nothing is held."""
    if not pipeline.rings:
        return {}
    segments: list[list[int]] = []
    xs: list[F64] = []
    ys: list[F64] = []
    for series, ring in enumerate(pipeline.rings):
        x, y, _ = ring.columns()
        x, y = decimate(x, y, limit)
        segments.append([series, len(x)])
        xs.append(x)
        ys.append(y)
    return {
        "seq": pipeline.seq,
        "series": [[series, name] for series, name in enumerate(pipeline.names)],
        "segments": segments,
        "x": le_bytes(np.concatenate(xs)),
        "y": le_bytes(np.concatenate(ys)),
    }
