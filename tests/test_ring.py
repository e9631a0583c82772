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

    def keep_span(self, span: float) -> None:
        """Keep the points of x at least the greatest x minus `span` (the browser's rule)."""
        if self.x:
            first = next(i for i, x in enumerate(self.x) if x >= self.x[-1] - span)
            self.x, self.y = self.x[first:], self.y[first:]


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


# -- time window ---------------------------------------------------------------------------------

# Irregular times in ms: 0, 1 s, 1.5 s, 7 s, 7.2 s, 12 s (the browser's tests use the same).
TIMES = [0.0, 1000.0, 1500.0, 7000.0, 7200.0, 12000.0]


def test_a_span_keeps_the_points_within_it_of_the_greatest_x() -> None:
    ring = SeriesRing(100, span=5000.0)
    for order, t in enumerate(TIMES):
        assert ring.append(t, t / 1000, order)
    x, y, _ = ring.columns()
    assert x.tolist() == [7000, 7200, 12000]
    assert y.tolist() == [7, 7.2, 12]
    assert len(ring) == 3
    assert ring.cut == 0


@pytest.mark.parametrize("how", ["append", "list", "array", "array in order", "shuffled"])
def test_a_span_holds_the_same_points_however_they_are_given(how: str) -> None:
    ring = SeriesRing(100, span=5000.0)
    orders = list(range(len(TIMES)))
    if how == "append":
        for order, t in zip(orders, TIMES, strict=True):
            ring.append(t, t, order)
    elif how == "list":
        assert ring.extend(TIMES, TIMES, orders) == 0
    elif how == "array":
        ring.extend(np.array(TIMES), np.array(TIMES), np.array(orders))
    elif how == "array in order":
        ring.extend_arrays(np.array(TIMES), np.array(TIMES), np.array(orders), True)
    else:
        shuffled = [3, 0, 5, 1, 4, 2]
        x = np.array(TIMES)[shuffled]
        ring.extend(x, x, np.array(shuffled))
    assert held(ring) == [7000, 7200, 12000]
    x_sent, _, coalesced = ring.take_unsent()
    assert x_sent.tolist() == [7000, 7200, 12000]
    assert coalesced == 3  # points that left before they were ever handed out


def test_a_point_exactly_the_span_below_the_greatest_x_stays() -> None:
    ring = SeriesRing(10, span=4000.0)
    ring.extend([1000.0, 1999.0, 2000.0, 6000.0], [0.0] * 4, [0, 1, 2, 3])
    assert held(ring) == [2000, 6000]


def test_capacity_cuts_points_still_inside_the_span() -> None:
    """One point at a time: 1500 pushes 0 out of a ring of 2 while 0 is inside the span (cut);
    7000 makes every earlier point leave by time; 12000 pushes 7000 out at the very edge of the
    span (x = 12000 - 5000 is still inside: cut)."""
    ring = SeriesRing(2, span=5000.0)
    for order, x in enumerate(TIMES):
        assert ring.append(x, x, order)
    assert held(ring) == [7200, 12000]
    assert ring.cut == 2
    ring = SeriesRing(2, span=5000.0)  # all in one call: only 7000 is cut
    assert ring.extend(TIMES, TIMES, list(range(6))) == 0
    assert held(ring) == [7200, 12000]
    assert ring.cut == 1


def test_a_late_point_inside_the_span_that_finds_no_room_is_cut_not_too_old() -> None:
    ring = SeriesRing(2, span=5000.0)
    ring.extend([7200.0, 12000.0], [0.0, 0.0], [0, 1])
    ring.take_unsent()
    assert ring.append(7100.0, 0.0, 2)  # below the oldest of a full ring, inside the span
    assert ring.cut == 1
    assert ring.append(100.0, 0.0, 3)  # below the span: gone, and not cut
    assert ring.extend(np.array([50.0, 7150.0]), np.zeros(2), np.array([4, 5])) == 0
    assert ring.cut == 2
    assert held(ring) == [7200, 12000]


def test_a_span_counts_points_that_never_got_in_as_coalesced() -> None:
    ring = SeriesRing(2, span=5000.0)
    ring.extend([7200.0, 12000.0], [0.0, 0.0], [0, 1])
    ring.take_unsent()
    assert ring.append(7100.0, 0.0, 2)  # no room
    assert ring.append(100.0, 0.0, 3)  # below the span
    ring.extend(np.array([50.0, 7150.0]), np.zeros(2), np.array([4, 5]))
    x_sent, _, coalesced = ring.take_unsent()
    assert (x_sent.tolist(), coalesced) == ([], 4)


def test_a_new_greatest_x_far_ahead_empties_the_ring_before_it_enters() -> None:
    ring = SeriesRing(3, span=10.0)
    ring.extend([1.0, 2.0, 3.0], [0.0] * 3, [0, 1, 2])
    ring.append(100.0, 0.0, 3)
    assert held(ring) == [100]
    ring.append(95.0, 0.0, 4)  # late but inside the span
    ring.append(101.0, 0.0, 5)
    assert held(ring) == [95, 100, 101]
    assert ring.cut == 0


def test_a_span_through_staging_chunks() -> None:
    ring = SeriesRing(10_000, span=4_999.0)
    fill(ring, 0, 25_000)
    x, y, _ = ring.columns()
    assert x.tolist() == list(range(20_000, 25_000))
    assert np.array_equal(y, x * 10)
    assert ring.cut == 0
    small = SeriesRing(3_000, span=4_999.0)  # the span holds 5,000 points, the ring 3,000
    fill(small, 0, 25_000)
    assert held(small) == list(range(22_000, 25_000))
    # Every point that left was pushed out by the 3,000th after it, less than 5,000 ms later.
    assert small.cut == 25_000 - 3_000


def test_span_must_be_a_positive_number() -> None:
    for span in (0.0, -1.0, float("nan"), float("inf"), True, "5s"):
        with pytest.raises(ValueError, match="span"):
            SeriesRing(3, span=span)  # type: ignore[arg-type]
    assert SeriesRing(3, span=2).span == 2.0


def test_nan_x_is_refused_with_a_span() -> None:
    ring = SeriesRing(5, span=10.0)
    fill(ring, 0, 3)
    with pytest.raises(ValueError):
        ring.append(float("nan"), 0, 3)
    for x in ([1.0, float("nan")], [float("nan")], np.array([np.nan, 5.0])):
        with pytest.raises(ValueError):
            ring.extend(x, [0.0] * len(x), list(range(3, 3 + len(x))))
    assert held(ring) == [0, 1, 2]


class SpanModel:
    """A time-windowed ring by its definition: per call, with T the greatest x given so far minus
    the span, the points (held or given) of x ≥ T, and the `capacity` greatest of them by (x,
    arrival); `cut` adds how many of those did not fit."""

    def __init__(self, capacity: int, span: float) -> None:
        self.capacity = capacity
        self.span = span
        self.top = -np.inf
        self.held: list[tuple[float, int, float]] = []  # (x, order, y)
        self.cut = 0

    def call(self, points: list[tuple[float, int, float]]) -> None:
        self.top = max(self.top, *(x for x, _, _ in points))
        threshold = self.top - self.span
        inside = sorted(p for p in [*self.held, *points] if p[0] >= threshold)
        self.cut += max(0, len(inside) - self.capacity)
        self.held = inside[-self.capacity :]


@pytest.mark.parametrize("seed", range(40))
def test_a_span_matches_its_definition_and_what_is_handed_out_rebuilds_it(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Small rings commit their stage at once; larger ones hold staged and committed points.
    capacity = int(rng.integers(1, 30) if seed % 2 else rng.integers(30, 300))
    span = float(rng.choice([0.5, 3.0, 10.0, 40.0]))
    ring = SeriesRing(capacity, span=span)
    model = SpanModel(capacity, span)
    viewer = Viewer(capacity)
    order = 0
    top = 0.0
    added = handed = coalesced = 0
    for _ in range(300):
        action = rng.random()
        if action < 0.7:
            n = 1 if action < 0.45 else int(rng.integers(1, 3 * capacity + 2))
            steps = rng.normal(0.5, 4.0 if rng.random() < 0.5 else 0.5, n)
            if rng.random() < 0.1:
                steps[0] += 2 * span  # a gap in the data: most of what is held leaves at once
            x = np.round(top + np.cumsum(steps))
            if rng.random() < 0.3:
                x = rng.permutation(x)
            top = max(top, float(x.max()))
            orders = np.arange(order, order + n)
            order += n
            ys = orders.astype(np.float64)
            model.call(list(zip(x.tolist(), orders.tolist(), ys.tolist(), strict=True)))
            how = rng.integers(0, 4)
            if n == 1 and how == 0:
                assert ring.append(float(x[0]), float(orders[0]), int(orders[0]))
            elif how <= 1:
                assert ring.extend(x.tolist(), orders.astype(float).tolist(), orders.tolist()) == 0
            elif how == 2 or not bool(np.all(np.diff(x) >= 0)):
                assert ring.extend(x, orders.astype(np.float64), orders) == 0
            else:
                assert ring.extend_arrays(x, orders.astype(np.float64), orders, True) == 0
            added += n
        elif action < 0.95:
            x_sent, y_sent, skipped = ring.take_unsent()
            viewer.merge(x_sent, y_sent)
            viewer.keep_span(span)
            handed += len(x_sent)
            coalesced += skipped
            assert viewer.x == held(ring)
            assert viewer.y == ring.columns()[1].tolist()
            assert handed + coalesced == added
        else:
            x_all, y_all, _ = ring.columns()
            ring.mark_sent()
            viewer.x, viewer.y = x_all.tolist(), y_all.tolist()
            handed = coalesced = added = 0
        assert len(ring) == len(model.held)
        assert ring.cut == model.cut
        if rng.random() < 0.2:  # reading commits the stage: not after every call
            x_held, y_held, o_held = ring.columns()
            assert [(x, o) for x, o, _ in model.held] == list(
                zip(x_held.tolist(), o_held.tolist(), strict=True)
            )
            assert y_held.tolist() == [y for _, _, y in model.held]


def test_a_span_lets_committed_and_staged_points_go_together() -> None:
    ring = SeriesRing(100, span=5.0)
    ring.extend(np.arange(10.0), np.zeros(10), np.arange(10))  # committed: 5 to 9 stay
    for i in range(10, 14):
        ring.append(float(i), 0.0, i)  # staged
    assert held(ring) == [8, 9, 10, 11, 12, 13]
    ring.append(20.0, 0.0, 14)  # every committed point leaves, and the staged below 15
    assert held(ring) == [20]
    ring.extend([24.0, 26.0], [0.0, 0.0], [15, 16])
    assert held(ring) == [24, 26]
    assert len(ring) == 2
