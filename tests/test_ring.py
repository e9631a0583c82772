"""The per-series ring buffer: bounded, ordered, and tracking what was handed out."""

from __future__ import annotations

import numpy as np
import pytest

from livefeed._core.ring import SeriesRing


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


# -- sorted by x ---------------------------------------------------------------------------------


def held(ring: SeriesRing) -> list[float]:
    return ring.columns()[0].tolist()


def test_points_out_of_order_are_held_sorted_by_x() -> None:
    ring = SeriesRing(10)
    for order, x in enumerate([5.0, 1.0, 9.0, 3.0]):
        assert ring.append(x, x * 10, order)
    x, y, order = ring.columns()
    assert x.tolist() == [1, 3, 5, 9]
    assert y.tolist() == [10, 30, 50, 90]
    assert order.tolist() == [1, 3, 0, 2]


def test_equal_x_keep_arrival_order() -> None:
    ring = SeriesRing(10)
    for order, (x, y) in enumerate([(2, 1), (1, 2), (2, 3), (1, 4), (2, 5)]):
        ring.append(float(x), float(y), order)
    x, y, _ = ring.columns()
    assert x.tolist() == [1, 1, 2, 2, 2]
    assert y.tolist() == [2, 4, 1, 3, 5]


def test_a_chunk_out_of_order_is_merged_as_one_arrival() -> None:
    ring = SeriesRing(2)
    x = np.array([5.0, 1.0, 9.0, 3.0])
    assert ring.extend(x, x, np.arange(4)) == 0  # nothing held before: nothing too old
    assert held(ring) == [5, 9]
    x, _, coalesced = ring.take_unsent()
    assert x.tolist() == [5, 9]
    assert coalesced == 2  # 1 and 3 were pushed out by the others of the same chunk


def test_the_window_keeps_the_greatest_x() -> None:
    ring = SeriesRing(3)
    fill(ring, 10, 13)  # full: 10, 11, 12
    assert ring.append(11.5, 0, 13)  # above the oldest: the oldest (10) leaves
    assert held(ring) == [11, 11.5, 12]
    assert ring.append(11.0, 0, 14)  # equal to the oldest: it arrived later, so it stays
    assert held(ring) == [11, 11.5, 12]
    assert ring.columns()[2].tolist() == [14, 13, 12]
    assert not ring.append(10.5, 0, 15)  # below the oldest of a full window: too old
    assert held(ring) == [11, 11.5, 12]
    assert ring.unsent == 5  # the refused point is not counted as added


def test_history_after_live_data_into_a_full_ring_is_too_old() -> None:
    ring = SeriesRing(4)
    fill(ring, 100, 104)
    ring.take_unsent()
    history = np.arange(90, 100, dtype=np.float64)
    assert ring.extend(history, history, np.arange(200, 210)) == 10
    assert held(ring) == [100, 101, 102, 103]
    x, _, coalesced = ring.take_unsent()
    assert (x.tolist(), coalesced) == ([], 0)


def test_history_after_live_data_into_a_ring_with_room_is_merged_in() -> None:
    ring = SeriesRing(6)
    fill(ring, 100, 103)
    ring.take_unsent()
    history = np.arange(95, 100, dtype=np.float64)
    assert ring.extend(history, history * 10, np.arange(200, 205)) == 0
    assert held(ring) == [97, 98, 99, 100, 101, 102]
    x, y, coalesced = ring.take_unsent()
    assert x.tolist() == [97, 98, 99]  # only what the browser has not had, sorted by x
    assert y.tolist() == [970, 980, 990]
    assert coalesced == 2  # 95 and 96 did not fit


def test_a_late_point_in_the_middle_is_handed_out_once() -> None:
    ring = SeriesRing(100)
    fill(ring, 0, 10)
    ring.take_unsent()
    ring.append(4.5, -1, 10)
    fill(ring, 10, 12)
    x, y, coalesced = ring.take_unsent()
    assert x.tolist() == [4.5, 10, 11]
    assert y.tolist() == [-1, 100, 110]
    assert coalesced == 0
    assert ring.take_unsent()[0].tolist() == []


def test_an_unsent_late_point_pushed_out_is_coalesced() -> None:
    ring = SeriesRing(3)
    fill(ring, 10, 13)
    ring.take_unsent()
    assert ring.append(10.5, 0, 13)  # 10 leaves (sent), 10.5 enters
    fill(ring, 13, 15)  # 10.5 and 11 leave: 10.5 was never sent
    x, _, coalesced = ring.take_unsent()
    assert x.tolist() == [13, 14]
    assert coalesced == 1


def test_in_order_appends_after_a_merge_stay_in_order() -> None:
    ring = SeriesRing(5)
    x = np.array([3.0, 1.0, 2.0])
    ring.extend(x, x, np.arange(3))
    for i in range(3, 9):
        ring.append(float(i), float(i), i)
    assert held(ring) == [4, 5, 6, 7, 8]


def test_nan_x_is_refused() -> None:
    ring = SeriesRing(5)
    fill(ring, 0, 3)
    with pytest.raises(ValueError):
        ring.append(float("nan"), 0, 3)
    with pytest.raises(ValueError):
        ring.extend(np.array([1.0, np.nan]), np.zeros(2), np.arange(3, 5))
    assert held(ring) == [0, 1, 2]


def test_capacity_must_be_an_int() -> None:
    with pytest.raises(ValueError):
        SeriesRing(2.0)  # type: ignore[arg-type]


class Viewer:
    """A view as the protocol describes it: each series sorted by x, batches merged in (a given
    point after held points of equal x), the `capacity` points of greatest x kept."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.x: list[float] = []
        self.y: list[float] = []

    def merge(self, x: np.ndarray, y: np.ndarray) -> None:
        assert np.all(np.diff(x) >= 0), "a segment must be sorted by x"
        points = sorted(
            [*zip(self.x, self.y, strict=True), *zip(x.tolist(), y.tolist(), strict=True)],
            key=lambda point: point[0],
        )[-self.capacity :]
        self.x = [p[0] for p in points]
        self.y = [p[1] for p in points]


@pytest.mark.parametrize("seed", range(40))
def test_what_is_handed_out_rebuilds_the_ring(seed: int) -> None:
    """Random appends, late points, chunks in and out of order, takes and resets: a viewer that
    merges what it is handed always holds exactly what the ring holds."""
    rng = np.random.default_rng(seed)
    capacity = int(rng.integers(1, 30))
    ring = SeriesRing(capacity)
    viewer = Viewer(capacity)
    order = 0
    top = 0.0
    added = handed = coalesced = 0
    for _ in range(200):
        action = rng.random()
        if action < 0.5:
            # Mostly in order, sometimes late, often equal x.
            x = float(round(top + rng.normal(1.0, 3.0)))
            top = max(top, x)
            added += ring.append(x, float(order), order)
            order += 1
        elif action < 0.7:
            n = int(rng.integers(1, 3 * capacity + 2))
            x = np.round(top + np.cumsum(rng.normal(0.5, 2.0, n)))
            if rng.random() < 0.5:
                x = rng.permutation(x)
            top = max(top, float(x.max()))
            orders = np.arange(order, order + n)
            order += n
            added += n - ring.extend(x, orders.astype(np.float64), orders)
        elif action < 0.95:
            x_sent, y_sent, skipped = ring.take_unsent()
            viewer.merge(x_sent, y_sent)
            handed += len(x_sent)
            coalesced += skipped
            assert viewer.x == held(ring)
            assert viewer.y == ring.columns()[1].tolist()
            # Each point placed since the last reset was handed out or coalesced, once.
            assert handed + coalesced == added
        else:
            x_all, y_all, _ = ring.columns()
            ring.mark_sent()
            viewer.x, viewer.y = x_all.tolist(), y_all.tolist()
            handed = coalesced = added = 0  # counts start again from the reset
        x_held = ring.columns()[0]
        assert len(x_held) == len(ring) <= capacity
        assert np.all(np.diff(x_held) >= 0)
    x_sent, y_sent, skipped = ring.take_unsent()
    viewer.merge(x_sent, y_sent)
    assert viewer.x == held(ring)
