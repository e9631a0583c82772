"""The saved-notebook snapshot: every series, decimated to a bounded number of points."""

from __future__ import annotations

import numpy as np
import pytest

from livefeed._core.decimate import decimate
from livefeed._core.pipeline import ChartSpec, Pipeline
from livefeed._snapshot import SNAPSHOT_POINTS, snapshot_trait


def test_the_snapshot_holds_at_most_two_thousand_points_per_series() -> None:
    assert SNAPSHOT_POINTS == 2000  # the README promises it


@pytest.mark.parametrize(
    "n", [2001, 2002, 2999, 3000, 3001, 3998, 4001, 5003, 9999, 10_007, 99_991, 1_000_003]
)
@pytest.mark.parametrize("with_gaps", [False, True])
def test_decimate_never_returns_more_than_the_limit(n: int, with_gaps: bool) -> None:
    rng = np.random.default_rng(n)
    x = np.arange(n, dtype=np.float64)
    y = rng.normal(size=n)
    if with_gaps:
        y[rng.integers(0, n, n // 10)] = np.nan
    dx, dy = decimate(x, y, SNAPSHOT_POINTS)
    assert len(dx) == len(dy) <= SNAPSHOT_POINTS
    assert len(dx) >= SNAPSHOT_POINTS // 3  # and it is not wasteful
    assert np.all(np.diff(dx) > 0)  # x order kept, no point twice


@pytest.mark.parametrize("limit", [3, 4, 5, 10, 99, 500])
def test_small_limits(limit: int) -> None:
    x = np.arange(1000, dtype=np.float64)
    y = np.where(x % 17 == 0, np.nan, np.cos(x))
    assert len(decimate(x, y, limit)[0]) <= limit
    with pytest.raises(ValueError):
        decimate(x, y, 2)


def test_every_bucket_keeps_its_extremes_next_to_its_gaps() -> None:
    n = 100_000
    x = np.arange(n, dtype=np.float64)
    y = np.sin(x / 500)
    peaks = {5_000: 50.0, 40_001: -60.0, 77_777: 70.0}
    for at, value in peaks.items():
        y[at] = value
        y[at + 1] = np.nan  # a gap right beside each peak
    y[60_000:60_100] = np.nan  # and a long gap
    dx, dy = decimate(x, y, SNAPSHOT_POINTS)
    for at, value in peaks.items():
        kept = dy[dx == at]
        assert kept.tolist() == [value]
        assert np.isnan(dy[(dx > at) & (dx < at + 40)]).any()  # the gap beside it shows
    assert np.isnan(dy[(dx >= 60_000) & (dx < 60_100)]).any()
    assert dy[np.isfinite(dy)].max() == 70.0
    assert dy[np.isfinite(dy)].min() == -60.0


def test_the_bucket_extremes_are_the_true_ones() -> None:
    x = np.arange(12.0)
    y = np.array([5, np.nan, 1, 9, 2, 2, np.nan, np.nan, 4, 3, 8, 0], dtype=np.float64)
    dx, dy = decimate(x, y, 9)  # three buckets of four points
    # Per bucket: the least, the greatest and the first NaN, in x order.
    assert dx.tolist() == [1, 2, 3, 4, 6, 10, 11]
    assert np.array_equal(dy, [np.nan, 1, 9, 2, np.nan, 8, 0], equal_nan=True)


def test_a_bucket_of_nothing_but_gaps_keeps_one() -> None:
    x = np.arange(9.0)
    y = np.array([1, 2, 3, np.nan, np.nan, np.nan, 4, 5, 6])
    dx, dy = decimate(x, y, 8)  # two buckets of five, then four
    assert len(dx) <= 8
    assert np.isnan(dy).sum() >= 1


def test_the_snapshot_decimates_every_series() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t", group_by="s", window=20_000))
    n = 10_000
    p.feed_columns(
        {
            "t": np.arange(2 * n, dtype=np.float64),
            "s": np.array(["a", "b"] * n),
            "v": np.arange(2.0 * n),
        },
        0,
    )
    snap = snapshot_trait(p.snapshot(SNAPSHOT_POINTS))
    assert [count for _, count in snap["segments"]] == [
        len(decimate(*p.rings[i].columns()[:2], SNAPSHOT_POINTS)[0]) for i in range(2)
    ]
    assert all(count <= SNAPSHOT_POINTS for _, count in snap["segments"])
    x = np.frombuffer(snap["x"], "<f8")
    assert len(x) == sum(count for _, count in snap["segments"])
