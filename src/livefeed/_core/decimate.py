"""Min/max decimation: a long series cut down to a bounded number of points that keep its shape.

Each bucket of consecutive points keeps its least and greatest values (its envelope: peaks stay
visible) and its first gap, so a picture drawn from the result looks like one drawn from all.
"""

from __future__ import annotations

import numpy as np

from .ring import F64


def decimate(x: F64, y: F64, limit: int) -> tuple[F64, F64]:
    """At most `limit` points of (x, y), keeping each bucket's envelope and its gaps.

    The points are cut into buckets of consecutive points; each bucket keeps the point of its
    least and of its greatest finite y, and its first NaN if it has one (so a gap stays visible),
    in their order: x order is kept. There are at most `limit // 3` buckets when y holds a NaN,
    `limit // 2` otherwise. Series of at most `limit` points come back as they are. `limit` must
    be at least 3.
    """
    n = len(x)
    if n <= limit:
        return x, y
    if limit < 3:
        raise ValueError(f"limit must be at least 3 points, not {limit}")
    has_gaps = bool(np.isnan(y).any())
    size = -(-n // (limit // (3 if has_gaps else 2)))  # points per bucket, rounded up
    buckets = -(-n // size)
    pad = buckets * size - n
    finite = np.isfinite(y)
    # Padding and non-finite values never win: +inf for the least, -inf for the greatest.
    low_from = np.concatenate((np.where(finite, y, np.inf), np.full(pad, np.inf)))
    high_from = np.concatenate((np.where(finite, y, -np.inf), np.full(pad, -np.inf)))
    gaps = np.concatenate((np.isnan(y), np.zeros(pad, dtype=bool)))
    starts = np.arange(buckets) * size
    low = starts + np.argmin(low_from.reshape(buckets, size), axis=1)
    high = starts + np.argmax(high_from.reshape(buckets, size), axis=1)
    gap = starts + np.argmax(gaps.reshape(buckets, size), axis=1)  # the first NaN, if any
    keep = np.unique(
        np.concatenate(
            (low[low_from[low] < np.inf], high[high_from[high] > -np.inf], gap[gaps[gap]])
        )
    )
    return x[keep], y[keep]
