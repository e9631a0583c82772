"""The per-series ring buffer: bounded, ordered, and tracking what was handed out."""

from __future__ import annotations

import numpy as np
import pytest

from livefeed._ring import SeriesRing


def fill(ring: SeriesRing, start: int, stop: int) -> None:
    for i in range(start, stop):
        ring.append(float(i), float(i) * 10, i)


def test_holds_everything_below_capacity() -> None:
    ring = SeriesRing(5)
    fill(ring, 0, 3)
    x, y, order = ring.columns()
    assert x.tolist() == [0, 1, 2]
    assert y.tolist() == [0, 10, 20]
    assert order.tolist() == [0, 1, 2]
    assert len(ring) == 3


@pytest.mark.parametrize("total", [5, 6, 9, 10, 11, 23, 1000])
def test_wraps_around_keeping_the_newest(total: int) -> None:
    ring = SeriesRing(5)
    fill(ring, 0, total)
    x, y, order = ring.columns()
    expected = list(range(max(0, total - 5), total))
    assert x.tolist() == expected
    assert y.tolist() == [v * 10 for v in expected]
    assert order.tolist() == expected
    assert len(ring) == min(5, total)


def test_wraps_across_reads() -> None:
    ring = SeriesRing(4)
    seen: list[float] = []
    for chunk in range(10):
        fill(ring, chunk * 3, chunk * 3 + 3)
        seen = ring.columns()[0].tolist()
        assert seen == list(range(max(0, chunk * 3 + 3 - 4), chunk * 3 + 3))


def test_extend_with_more_than_capacity() -> None:
    ring = SeriesRing(3)
    values = np.arange(10, dtype=np.float64)
    ring.extend(values, values, values.astype(np.int64))
    assert ring.columns()[0].tolist() == [7, 8, 9]
    x, _, coalesced = ring.take_unsent()
    assert x.tolist() == [7, 8, 9]
    assert coalesced == 7


def test_extend_checks_lengths() -> None:
    with pytest.raises(ValueError):
        SeriesRing(3).extend(np.zeros(2), np.zeros(3), np.zeros(2, np.int64))


def test_take_unsent_hands_out_each_point_once() -> None:
    ring = SeriesRing(100)
    fill(ring, 0, 7)
    x, y, coalesced = ring.take_unsent()
    assert x.tolist() == list(range(7))
    assert coalesced == 0
    assert len(ring.take_unsent()[0]) == 0
    fill(ring, 7, 9)
    x, y, _ = ring.take_unsent()
    assert x.tolist() == [7, 8]
    assert y.tolist() == [70, 80]


def test_points_pushed_out_before_sending_are_counted_as_coalesced() -> None:
    ring = SeriesRing(4)
    fill(ring, 0, 2)
    ring.take_unsent()
    fill(ring, 2, 12)
    x, _, coalesced = ring.take_unsent()
    assert x.tolist() == [8, 9, 10, 11]
    assert coalesced == 6


def test_unsent_counts_points_since_the_last_take() -> None:
    ring = SeriesRing(4)
    assert ring.unsent == 0
    fill(ring, 0, 6)
    assert ring.unsent == 6  # two of them already pushed out
    ring.take_unsent()
    assert ring.unsent == 0


def test_mark_sent() -> None:
    ring = SeriesRing(4)
    fill(ring, 0, 3)
    ring.mark_sent()
    assert len(ring.take_unsent()[0]) == 0


def test_results_are_copies() -> None:
    ring = SeriesRing(4)
    fill(ring, 0, 3)
    x, _, _ = ring.columns()
    x[:] = -1
    assert ring.columns()[0].tolist() == [0, 1, 2]


def test_large_stream_through_staging_chunks() -> None:
    ring = SeriesRing(10_000)
    fill(ring, 0, 25_000)
    x, y, _ = ring.columns()
    assert x.tolist() == list(range(15_000, 25_000))
    assert np.array_equal(y, x * 10)


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError):
        SeriesRing(0)
