"""The whole data path without I/O: messages in, points held and batches out."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd
import pytest

from livefeed._core.batch import Batch
from livefeed._core.pipeline import (
    ERROR_KINDS,
    INTERNAL,
    MAX_WINDOW,
    ChartSpec,
    Pipeline,
)

MS = 1_764_000_000_000


def ticker(window: int = 100) -> Pipeline:
    return Pipeline(ChartSpec(y=("price",), x="ts", group_by="symbol", window=window))


def message(ts: int, price: object, symbol: str = "ACME") -> str:
    return json.dumps({"ts": ts, "price": price, "symbol": symbol})


def test_group_by_makes_one_series_per_value() -> None:
    p = ticker()
    p.feed(message(MS, 1, "ACME"), 0)
    p.feed(message(MS + 1, 2, "BETA"), 0)
    p.feed(message(MS + 2, 3, "ACME"), 0)
    assert p.names == ["ACME", "BETA"]
    x, series, y = p.columns()
    assert x.tolist() == [MS, MS + 1, MS + 2]
    assert series.tolist() == [0, 1, 0]
    assert y.tolist() == [1, 2, 3]
    assert (p.messages, p.points, p.errors) == (3, 3, 0)
    assert p.x_axis.kind == "time"


def test_several_y_fields_and_dotted_paths() -> None:
    p = Pipeline(ChartSpec(y=("data.bid", "data.ask"), x="t"))
    p.feed('{"t": 1, "data": {"bid": "1.5", "ask": 2}}', 0)
    assert p.names == ["data.bid", "data.ask"]
    assert p.columns()[2].tolist() == [1.5, 2.0]
    assert p.x_axis.kind == "number"


def test_group_by_with_several_y_fields_names_both() -> None:
    p = Pipeline(ChartSpec(y=("bid", "ask"), x="t", group_by="s"))
    p.feed('{"t": 1, "s": "X", "bid": 1, "ask": 2}', 0)
    assert p.names == ["X bid", "X ask"]


def test_arrival_time_when_x_is_omitted() -> None:
    p = Pipeline(ChartSpec(y=("v",)))
    p.feed('{"v": 1}', MS)
    p.feed('[{"v": 2}, {"v": 3}]', MS + 5)
    assert p.columns()[0].tolist() == [MS, MS + 5, MS + 5]
    assert p.x_axis.kind == "time"


def test_bad_input_is_counted_and_the_stream_goes_on() -> None:
    p = ticker()
    p.feed(message(MS, 1), 0)
    p.feed("{not json", 0)
    p.feed('{"ts": 5, "symbol": "ACME"}', 0)  # no price
    p.feed(message(MS + 1, "n/a"), 0)
    p.feed('{"price": 3, "symbol": "ACME"}', 0)  # no ts
    p.feed(message(MS + 2, 2), 0)
    assert p.error_kinds == {"not_json": 1, "missing_field": 2, "not_a_number": 1}
    assert "'ts'" in p.last_error and "price" in p.last_error
    assert p.columns()[2].tolist() == [1, 2]
    assert p.messages == 6


def test_missing_group_field_is_counted() -> None:
    p = ticker()
    p.feed('{"ts": 1, "price": 2}', 0)
    assert p.error_kinds == {"missing_field": 1}
    assert "'symbol'" in p.last_error


def test_null_and_non_finite_values_are_gaps() -> None:
    p = ticker()
    p.feed(message(MS, None), 0)
    p.feed('{"ts": 1764000000001, "price": NaN, "symbol": "ACME"}', 0)
    p.feed(message(MS + 2, 5), 0)
    y = p.columns()[2]
    assert math.isnan(y[0]) and math.isnan(y[1]) and y[2] == 5
    assert p.error_kinds == {"null_value": 1, "non_finite": 1}
    assert p.points == 3


def test_batches_carry_only_new_points_once() -> None:
    p = ticker()
    for i in range(3):
        p.feed(message(MS + i, i, "A" if i % 2 else "B"), 0)
    first = p.take_batch()
    assert first is not None
    assert first.seq == 1
    assert first.series == [(0, "B"), (1, "A")]
    assert first.segments == [(0, 2), (1, 1)]
    assert first.x.tolist() == [MS, MS + 2, MS + 1]
    assert first.y.tolist() == [0, 2, 1]
    assert p.take_batch() is None
    p.feed(message(MS + 3, 3, "C"), 0)
    second = p.take_batch()
    assert second is not None
    assert (second.seq, second.series, second.segments) == (2, [(2, "C")], [(2, 1)])


def test_reset_holds_the_window_and_is_a_sequence_point() -> None:
    p = ticker(window=3)
    for i in range(5):
        p.feed(message(MS + i, i), 0)
    p.take_batch()
    p.feed(message(MS + 5, 5), 0)
    reset = p.take_reset()
    assert reset.kind == "reset"
    assert reset.seq == 2
    assert reset.series == [(0, "ACME")]
    assert reset.y.tolist() == [3, 4, 5]
    assert p.take_batch() is None  # the reset already carried the unsent point
    p.feed(message(MS + 6, 6), 0)
    batch = p.take_batch()
    assert batch is not None and batch.seq == 3 and batch.y.tolist() == [6]


def test_reset_of_an_empty_chart() -> None:
    reset = ticker().take_reset()
    assert (reset.seq, reset.series, reset.segments, reset.points) == (1, [], [], 0)


def test_window_bounds_memory_and_counts_coalesced_points() -> None:
    p = ticker(window=10)
    for i in range(1000):
        p.feed(message(MS + i, i), 0)
    batch = p.take_batch()
    assert batch is not None
    assert batch.y.tolist() == list(range(990, 1000))
    assert batch.coalesced == 990
    assert p.coalesced == 990
    assert len(p.columns()[0]) == 10


def test_feed_records_from_python() -> None:
    p = Pipeline(ChartSpec(y=("loss",), x="step"))
    p.feed_records([{"step": i, "loss": 1 / (i + 1)} for i in range(4)], 0)
    assert p.messages == 1
    assert np.allclose(p.columns()[2], [1, 0.5, 1 / 3, 0.25])


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"y": ()}, ValueError, "y must name"),
        ({"y": ("v",), "window": 0}, ValueError, "window"),
        ({"y": ("v",), "window": -5}, ValueError, "window"),
        ({"y": ("v",), "window": 10.0}, TypeError, "window must be a whole number"),
        ({"y": ("v",), "window": True}, TypeError, "window"),
        ({"y": ("v",), "window": "100"}, TypeError, "window"),
        ({"y": ("v",), "window": MAX_WINDOW + 1}, ValueError, "10,000,000"),
        ({"y": ("v", "v")}, ValueError, "'v' more than once"),
        ({"y": ("v", "")}, ValueError, "empty"),
        ({"y": ("v",), "x": ""}, ValueError, "empty"),
        ({"y": ("v",), "group_by": ""}, ValueError, "empty"),
        ({"y": ("v", 3)}, TypeError, "field name"),
        ({"y": ("v",), "x_type": "date"}, ValueError, "x_type"),
    ],
)
def test_spec_is_checked(kwargs: dict[str, object], error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        ChartSpec(**kwargs)  # type: ignore[arg-type]


def test_the_largest_window_is_ten_million_points() -> None:
    assert MAX_WINDOW == 10_000_000  # the README promises it
    assert ChartSpec(y=("v",), window=10_000_000).window == 10_000_000
    assert ChartSpec(y=("v",), window=np.int64(5)).window == 5
    assert type(ChartSpec(y=("v",), window=np.int64(5)).window) is int


def test_a_single_y_name_is_one_field() -> None:
    assert ChartSpec(y="price").y == ("price",)  # type: ignore[arg-type]


def per_record(spec: ChartSpec, messages: list[str]) -> Pipeline:
    """The same messages fed one record per message: never the columnar path."""
    p = Pipeline(spec)
    for raw in messages:
        for record in json.loads(raw):
            p.feed(json.dumps(record), 0)
    return p


@pytest.mark.parametrize(
    "rows",
    [
        [{"t": i, "a": i * 0.5, "b": str(i)} for i in range(50)],
        [{"t": 1_764_000_000 + i, "a": -i, "b": True} for i in range(50)],  # epoch seconds
        [{"t": i, "a": None if i == 20 else i, "b": i} for i in range(50)],  # a gap
        [{"t": i, "a": i, "b": "n/a" if i == 7 else i} for i in range(50)],  # not a number
        [{"t": i, "a": i, **({} if i == 9 else {"b": i})} for i in range(50)],  # missing field
        [{"t": "2025-11-24T16:00:00Z" if i == 30 else i, "a": i, "b": i} for i in range(50)],
    ],
)
def test_lists_of_records_give_the_same_result_as_one_record_at_a_time(
    rows: list[dict[str, object]],
) -> None:
    spec = ChartSpec(y=("a", "b"), x="t", window=40)
    # The first message decides the x axis; the later, longer lists may take the columnar path.
    messages = [json.dumps(rows[:1]), json.dumps(rows[1:25]), json.dumps(rows[25:])]
    together = Pipeline(spec)
    for raw in messages:
        together.feed(raw, 0)
    alone = per_record(spec, messages)
    for left, right in zip(together.columns(), alone.columns(), strict=True):
        assert np.array_equal(left, right, equal_nan=True)
    assert together.names == alone.names
    assert together.points == alone.points
    assert together.error_kinds == alone.error_kinds
    assert together.last_error == alone.last_error
    batch = together.take_batch()
    assert batch is not None and batch.points == len(together.columns()[0])


def test_arrival_time_for_a_list_of_records() -> None:
    p = Pipeline(ChartSpec(y=("v",)))
    p.feed(json.dumps([{"v": i} for i in range(20)]), MS)
    x, _, y = p.columns()
    assert x.tolist() == [MS] * 20
    assert y.tolist() == list(range(20))


def test_columnar_path_takes_only_clean_lists() -> None:
    p = Pipeline(ChartSpec(y=("a",), x="t"))
    assert not p._ingest_columns([{"t": 1, "a": 1}] * 8, 0, True)  # x axis not decided yet
    p.feed('{"t": 1, "a": 1}', 0)
    assert p._ingest_columns([{"t": i, "a": i} for i in range(8)], 0, True)
    assert not p._ingest_columns([{"t": i, "a": None} for i in range(8)], 0, True)
    assert not p._ingest_columns([{"t": i} for i in range(8)], 0, True)
    assert p.points == 9
    grouped = Pipeline(ChartSpec(y=("a",), x="t", group_by="g"))
    assert not grouped._columnar


# -- one message never ends a feed -------------------------------------------------------------

HUGE = "1" + "0" * 400  # an integer no float can hold


def test_an_integer_too_large_for_a_float_is_counted_and_the_feed_goes_on() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t"))
    p.feed('{"t": 1, "v": 1}', 0)
    p.feed(f'{{"t": 2, "v": {HUGE}}}', 0)  # y: a gap, like 1e400
    p.feed(f'{{"t": {HUGE}, "v": 3}}', 0)  # x: the point cannot be placed
    p.feed(f'[{{"t": 4, "v": -{HUGE}}}, {{"t": 5, "v": 5}}]', 0)
    p.feed('{"t": 6, "v": 6}', 0)
    assert p.error_kinds == {"non_finite": 3}
    assert "too large for a float" in p.last_error or "400 digits" in p.last_error
    x, _, y = p.columns()
    assert x.tolist() == [1, 2, 4, 5, 6]
    assert np.isnan(y[[1, 2]]).all() and y[[0, 3, 4]].tolist() == [1, 5, 6]
    assert p.messages == 5


def test_a_huge_integer_in_a_list_of_records_takes_the_record_path() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t"))
    p.feed('{"t": 0, "v": 0}', 0)
    rows = ",".join(f'{{"t": {i}, "v": {HUGE if i == 5 else i}}}' for i in range(1, 20))
    p.feed(f"[{rows}]", 0)
    assert p.error_kinds == {"non_finite": 1}
    assert p.points == 20


class _BrokenRecord(Mapping[str, Any]):
    """A mapping whose every read fails: a stand-in for a bug in the data path."""

    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("cannot read " + key)

    def __iter__(self) -> Iterator[str]:
        return iter(["t"])

    def __len__(self) -> int:
        return 1

    def get(self, key: str, default: Any = None) -> Any:
        raise RuntimeError("cannot read " + key)


def test_an_unexpected_error_is_counted_as_internal_and_the_feed_goes_on() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t"))
    p.feed_records([{"t": 1, "v": 1}, _BrokenRecord()], 0)
    assert p.error_kinds == {INTERNAL: 1}
    assert p.last_error == "internal error: RuntimeError: cannot read t"

    def rows() -> Iterator[dict[str, int]]:
        yield {"t": 2, "v": 2}
        raise KeyError("the source failed")

    p.feed_records(rows(), 0)
    assert p.error_kinds == {INTERNAL: 2}
    assert p.last_error == "internal error: KeyError: 'the source failed'"
    p.feed_records([{"t": 3, "v": 3}], 0)
    assert p.columns()[0].tolist() == [3]
    assert p.messages == 3


def test_items_that_are_not_records_are_counted() -> None:
    p = Pipeline(ChartSpec(y=("v",)))
    p.feed_records([{"v": 1}, 3, "text", None, {"v": 2}], 0)  # type: ignore[list-item]
    assert p.error_kinds == {"not_an_object": 3}
    assert p.points == 2


def test_field_names_that_are_not_text_do_not_break_the_message() -> None:
    p = Pipeline(ChartSpec(y=("v",)))
    p.feed_records([{1: 2, (3, 4): 5}], 0)  # type: ignore[dict-item]
    assert p.error_kinds == {"missing_field": 1}
    assert "1, (3, 4)" in p.last_error


def test_a_group_value_that_cannot_be_printed_still_names_a_series() -> None:
    p = Pipeline(ChartSpec(y=("v",), group_by="g"))
    p.feed_records([{"g": 10**5000, "v": 1}], 0)
    assert p.points == 1 and p.errors == 0
    assert p.names == ["an integer of 5,001 digits"]


def test_a_lone_surrogate_in_a_group_value_gives_a_name_that_can_travel() -> None:
    p = Pipeline(ChartSpec(y=("v",), group_by="g"))
    p.feed(r'{"g": "a\ud800b", "v": 1}', 0)  # JSON may spell half of a UTF-16 pair
    assert p.points == 1
    assert p.names == ["a?b"]
    assert json.dumps(p.names, ensure_ascii=False).encode("utf-8")


# -- series labels ------------------------------------------------------------------------------


def test_series_labels_are_unique() -> None:
    p = Pipeline(ChartSpec(y=("c", "b c"), x="t", group_by="g"))
    p.feed_records(
        [{"t": 1, "g": "a b", "c": 1, "b c": 2}, {"t": 2, "g": "a", "c": 3, "b c": 4}], 0
    )
    assert p.names == ["a b c", "a b b c", "a c", "a b c (2)"]
    _, series, _ = p.columns()
    # What chart.data builds: categories must be distinct.
    frame = pd.Categorical.from_codes(series, categories=pd.Index(p.names, dtype=object))
    assert list(frame) == ["a b c", "a b b c", "a c", "a b c (2)"]


# -- time values on a numeric axis ----------------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2025, 11, 24, 16, tzinfo=timezone.utc),
        np.datetime64("2025-11-24T16:00:00"),
        pd.Timestamp("2025-11-24T16:00:00Z"),
    ],
)
@pytest.mark.parametrize("x_type", ["number", "auto"])
def test_a_numeric_axis_refuses_times_and_stays_numeric(moment: object, x_type: str) -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t", x_type=x_type))  # type: ignore[arg-type]
    p.feed_records([{"t": 3, "v": 1}], 0)  # auto: a small number decides a numeric axis
    p.feed_records([{"t": moment, "v": 2}], 0)
    p.feed_records([{"t": 4, "v": 3}], 0)
    assert p.x_axis.kind == "number"
    assert p.error_kinds == {"not_a_number": 1}
    assert "numeric" in p.last_error
    assert p.columns()[0].tolist() == [3, 4]


def test_a_time_axis_given_numbers_behaves_as_before() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t", x_type="time"))
    p.feed_records([{"t": 5, "v": 1}, {"t": MS, "v": 2}], 0)
    assert p.columns()[0].tolist() == [5, MS]
    assert p.x_axis.kind == "time"


# -- x order ------------------------------------------------------------------------------------


def test_rows_pushed_out_of_order_are_held_in_x_order() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="x"))
    p.feed_records([{"x": 5, "v": 50}, {"x": 1, "v": 10}, {"x": 9, "v": 90}, {"x": 3, "v": 30}], 0)
    x, _, y = p.columns()
    assert x.tolist() == [1, 3, 5, 9]
    assert y.tolist() == [10, 30, 50, 90]
    batch = p.take_batch()
    assert batch is not None and batch.x.tolist() == [1, 3, 5, 9]


def test_bytes_in_out_of_order_give_sorted_arrays_out() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="x"))
    for raw in [
        b'{"x": 5, "v": 50}',
        b'{"x": 1, "v": 10}',
        b'{"x": 9, "v": 90}',
        b'{"x": 3, "v": 3}',
    ]:
        p.feed(raw, 0)
    assert p.columns()[0].tolist() == [1, 3, 5, 9]
    batch = p.take_batch()
    assert batch is not None and batch.x.tolist() == [1, 3, 5, 9]


def test_history_pushed_after_live_data() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t", window=5))
    p.feed_records([{"t": t, "v": t} for t in (10, 11, 12)], 0)
    assert p.take_batch() is not None
    p.feed_records([{"t": t, "v": t} for t in range(20)][:10], 0)  # not full: merged in
    x, _, _ = p.columns()
    assert x.tolist() == [8, 9, 10, 11, 12]
    batch = p.take_batch()
    assert batch is not None and batch.x.tolist() == [8, 9]
    assert batch.coalesced == 8
    p.feed_records([{"t": t, "v": t} for t in range(5)], 0)  # full now: too old
    assert p.error_kinds == {"too_old": 5}
    assert "series 'v'" in p.last_error and "window=5" in p.last_error
    assert p.points == 13
    assert p.take_batch() is None


def test_a_late_single_point_is_too_old_for_a_full_window() -> None:
    p = ticker(window=3)
    for i in range(3):
        p.feed(message(MS + i, i), 0)
    p.feed(message(MS - 1, -1), 0)
    assert p.error_kinds == {"too_old": 1}
    assert "'ACME'" in p.last_error and "3 points" in p.last_error


def test_columns_are_sorted_by_x_then_series_then_arrival() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t", group_by="s"))
    p.feed_records(
        [
            {"t": 2, "s": "b", "v": 1},
            {"t": 1, "s": "a", "v": 2},
            {"t": 2, "s": "a", "v": 3},
            {"t": 1, "s": "b", "v": 4},
            {"t": 2, "s": "b", "v": 5},
        ],
        0,
    )
    x, series, y = p.columns()
    assert x.tolist() == [1, 1, 2, 2, 2]
    assert p.names == ["b", "a"]
    assert series.tolist() == [0, 1, 0, 0, 1]
    assert y.tolist() == [4, 2, 1, 5, 3]


class BrowserModel:
    """What a view holds after the batches and resets it was sent, as docs/protocol.md says:
    per series, points sorted by x; a batch's segment (sorted by x) is merged in, a given point
    after held points of equal x, and the `window` points of greatest x are kept; with a time
    window, of those only the ones of x at least the greatest x minus the span."""

    def __init__(self, window: int, span_ms: float | None = None) -> None:
        self.window = window
        self.span_ms = span_ms
        self.seq = 0
        self.names: dict[int, str] = {}
        self.x: dict[int, list[float]] = {}
        self.y: dict[int, list[float]] = {}

    def apply(self, batch: Batch) -> None:
        assert batch.seq == self.seq + 1
        self.seq = batch.seq
        assert sum(n for _, n in batch.segments) == len(batch.x) == len(batch.y)
        if batch.kind == "reset":
            self.x, self.y = {}, {}
            assert [sid for sid, _ in batch.series] == list(range(len(batch.series)))
        for sid, name in batch.series:
            self.names[sid] = name
        at = 0
        for sid, n in batch.segments:
            assert sid in self.names, "a series is named before or with its first points"
            x = batch.x[at : at + n].tolist()
            y = batch.y[at : at + n].tolist()
            at += n
            assert x == sorted(x), "each segment is sorted by x"
            points = sorted(
                [
                    *zip(self.x.get(sid, []), self.y.get(sid, []), strict=True),
                    *zip(x, y, strict=True),
                ],
                key=lambda point: point[0],
            )[-self.window :]
            if self.span_ms is not None and points:
                threshold = points[-1][0] - self.span_ms
                points = [point for point in points if point[0] >= threshold]
            self.x[sid] = [p[0] for p in points]
            self.y[sid] = [p[1] for p in points]

    def check(self, p: Pipeline) -> None:
        """Holds exactly what the pipeline holds."""
        for sid, ring in enumerate(p.rings):
            x, y, _ = ring.columns()
            assert self.x.get(sid, []) == x.tolist()
            assert np.array_equal(np.array(self.y.get(sid, []), np.float64), y, equal_nan=True)


@pytest.mark.parametrize("span_ms", [None, 5.0, 20.0])
@pytest.mark.parametrize("seed", range(12))
def test_batches_and_resets_rebuild_what_the_pipeline_holds(
    seed: int, span_ms: float | None
) -> None:
    rng = np.random.default_rng(seed)
    window = int(rng.integers(1, 12))
    spec = ChartSpec(y=("v", "w"), x="t", group_by="g", window=window, span_ms=span_ms)
    p = Pipeline(spec)
    view = BrowserModel(window, span_ms)
    for _ in range(120):
        action = rng.random()
        if action < 0.6:
            n = int(rng.integers(1, 3 * window + 2))
            rows = [
                {"t": int(rng.integers(0, 60)), "g": "ab"[int(rng.integers(0, 2))], "v": i, "w": -i}
                for i in range(n)
            ]
            if rng.random() < 0.3:
                rows[0]["v"] = None  # a gap travels too
            p.feed(json.dumps(rows if n > 1 else rows[0]), 0)
        elif action < 0.9:
            batch = p.take_batch()
            if batch is not None:
                view.apply(batch)
                view.check(p)
        else:
            view.apply(p.take_reset())
            view.check(p)
    batch = p.take_batch()
    if batch is not None:
        view.apply(batch)
    view.check(p)
    assert set(p.error_kinds) <= ERROR_KINDS - {INTERNAL}


# -- columns pushed from Python -------------------------------------------------------------------


def test_feed_columns_of_numbers() -> None:
    p = Pipeline(ChartSpec(y=("a", "b"), x="t", window=100))
    t = np.arange(MS, MS + 5, dtype=np.int64)
    p.feed_columns({"t": t, "a": np.arange(5.0), "b": np.array([1, 2, 3, 4, 5], np.int32)}, 0)
    assert p.messages == 1 and p.points == 10 and p.errors == 0
    assert p.x_axis.kind == "time"
    x, series, y = p.columns()
    assert x.tolist() == [MS, MS, MS + 1, MS + 1, MS + 2, MS + 2, MS + 3, MS + 3, MS + 4, MS + 4]
    assert series.tolist() == [0, 1] * 5
    assert y.tolist() == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5]


def test_feed_columns_keeps_nan_and_infinity_as_counted_gaps() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t"))
    p.feed_columns({"t": np.arange(4.0), "v": np.array([1.0, np.nan, np.inf, 4.0])}, 0)
    assert p.error_kinds == {"non_finite": 2}
    y = p.columns()[2]
    assert np.isnan(y[1]) and np.isnan(y[2]) and y[[0, 3]].tolist() == [1, 4]
    assert p.points == 4


def test_feed_columns_drops_rows_whose_x_cannot_be_placed() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t"))
    p.feed_columns({"t": np.array([1.0, np.nan, 3.0, -np.inf]), "v": np.arange(4.0)}, 0)
    assert p.error_kinds == {"non_finite": 2}
    assert p.columns()[0].tolist() == [1, 3]


def test_feed_columns_reads_datetime64_x_of_any_unit() -> None:
    for unit in ("s", "ms", "us", "ns"):
        p = Pipeline(ChartSpec(y=("v",), x="t"))
        t = np.array(["2025-11-24T16:00:00", "NaT", "2025-11-24T16:00:01"], f"datetime64[{unit}]")
        p.feed_columns({"t": t, "v": np.arange(3.0)}, 0)
        assert p.x_axis.kind == "time"
        assert p.columns()[0].tolist() == [MS, MS + 1000]
        assert p.error_kinds == {"null_value": 1}


def test_feed_columns_refuses_times_on_a_numeric_axis() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t", x_type="number"))
    p.feed_columns({"t": np.array(["2025-11-24"], "datetime64[D]"), "v": [1.0]}, 0)
    assert p.error_kinds == {"not_a_number": 1}
    assert p.x_axis.kind == "number"


def test_feed_columns_counts_a_missing_column_once_per_row() -> None:
    p = Pipeline(ChartSpec(y=("a", "b"), x="t"))
    p.feed_columns({"t": np.arange(3.0), "a": np.arange(3.0)}, 0)
    assert p.error_kinds == {"missing_field": 3}
    assert "'b'" in p.last_error
    p.feed_columns({"a": np.arange(4.0)}, 0)
    assert p.error_kinds == {"missing_field": 7}
    assert p.points == 3


def test_feed_columns_of_unequal_lengths_is_counted() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t"))
    p.feed_columns({"t": np.arange(3.0), "v": np.arange(2.0)}, 0)
    assert p.error_kinds == {"bad_columns": 1}
    assert "3" in p.last_error and "2" in p.last_error
    p.feed_columns({"t": np.zeros((2, 2)), "v": np.arange(2.0)}, 0)
    assert p.error_kinds == {"bad_columns": 2}
    assert p.points == 0


def rows_of(columns: dict[str, Any]) -> list[dict[str, Any]]:
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


@pytest.mark.parametrize(
    "columns",
    [
        {"t": [3, 1, 2, 5, 4] * 4, "g": ["a", "b"] * 10, "v": np.arange(20.0)},
        {"t": np.arange(20), "g": np.array([3, 1, 3, 2] * 5), "v": np.arange(20) % 7 == 0},
        {"t": np.arange(20.0), "g": np.array([0.0, -0.0] * 10), "v": np.arange(20.0)},
        {"t": np.arange(20.0), "g": [None, "x", 1, 1.0] * 5, "v": [1.5, None, "2", "n/a"] * 5},
        {"t": [1.0, np.nan] * 10, "g": ["a"] * 20, "v": [np.inf, 1.0] * 10},
        {"t": np.arange(20.0), "v": np.arange(20.0)},  # no group column: missing
        {"g": ["a"] * 20, "v": np.arange(20.0)},  # no x column: missing
    ],
)
@pytest.mark.parametrize("window", [3, 100])
def test_feed_columns_gives_what_the_same_records_give(
    columns: dict[str, Any], window: int
) -> None:
    spec = ChartSpec(y=("v",), x="t", group_by="g", window=window)
    by_columns = Pipeline(spec)
    by_columns.feed_columns(columns, 0)
    by_records = Pipeline(spec)
    records = rows_of({name: list(values) for name, values in columns.items()})
    by_records.feed_records(records, 0)
    assert by_columns.names == by_records.names
    for left, right in zip(by_columns.columns(), by_records.columns(), strict=True):
        assert np.array_equal(left, right, equal_nan=True)
    assert by_columns.error_kinds == by_records.error_kinds
    assert by_columns.points == by_records.points
    assert by_columns.messages == by_records.messages == 1
    left_batch, right_batch = by_columns.take_batch(), by_records.take_batch()
    assert (left_batch is None) == (right_batch is None)
    if left_batch is not None and right_batch is not None:
        assert left_batch.segments == right_batch.segments
        assert left_batch.coalesced == right_batch.coalesced


def test_feed_columns_with_arrival_time() -> None:
    p = Pipeline(ChartSpec(y=("v",)))
    p.feed_columns({"v": np.arange(3.0)}, MS)
    assert p.columns()[0].tolist() == [MS] * 3


def test_feed_columns_with_a_dotted_name_reads_nested_values() -> None:
    p = Pipeline(ChartSpec(y=("d.p",), x="t"))
    p.feed_columns({"t": np.arange(2.0), "d": np.array([{"p": 1}, {"p": 2}], dtype=object)}, 0)
    assert p.columns()[2].tolist() == [1, 2]


# -- time windows ---------------------------------------------------------------------------------

# Irregular times: 0, 1 s, 1.5 s, 7 s, 7.2 s, 12 s after MS (the browser's tests use the same).
OFFSETS = [0, 1000, 1500, 7000, 7200, 12000]


def time_window(window: int = 100, span_ms: float = 5000.0, **options: Any) -> Pipeline:
    return Pipeline(ChartSpec(y=("v",), x="t", window=window, span_ms=span_ms, **options))


def held_x(p: Pipeline) -> list[list[float]]:
    return [[x - MS for x in ring.columns()[0].tolist()] for ring in p.rings]


def test_a_time_window_keeps_each_series_within_the_span_of_its_own_newest_point() -> None:
    p = time_window(group_by="g")
    for offset in OFFSETS:
        p.feed_records([{"t": MS + offset, "v": offset, "g": "a"}], 0)
    for offset in [0, 1000, 1500, 4000]:  # b's newest is 4 s: all of b is within 5 s of it
        p.feed_records([{"t": MS + offset, "v": offset, "g": "b"}], 0)
    assert held_x(p) == [[7000, 7200, 12000], [0, 1000, 1500, 4000]]
    assert (p.points, p.errors, p.cut) == (10, 0, 0)
    batch = p.take_batch()
    assert batch is not None
    assert batch.segments == [(0, 3), (1, 4)]
    assert batch.coalesced == p.coalesced == 3  # a's first three left before any batch


@pytest.mark.parametrize("how", ["one by one", "one message", "json", "columns", "shuffled"])
def test_a_time_window_holds_the_same_points_however_they_come(how: str) -> None:
    p = time_window()
    rows = [{"t": MS + offset, "v": offset} for offset in OFFSETS]
    expected = [7000, 7200, 12000]
    if how == "one by one":
        for row in rows:
            p.feed_records([row], 0)
    elif how == "one message":
        p.feed_records(rows, 0)
    elif how == "json":
        p.feed(json.dumps(rows * 2), 0)  # long enough for the columnar path
        expected = [7000, 7000, 7200, 7200, 12000, 12000]
    elif how == "columns":
        p.feed_columns({"t": np.array(OFFSETS) + MS, "v": np.array(OFFSETS)}, 0)
    else:
        p.feed_records([rows[i] for i in (4, 0, 5, 2, 3, 1)], 0)
    assert held_x(p) == [expected]
    assert p.errors == 0


def test_a_time_window_reads_numbers_as_epoch_times() -> None:
    p = time_window()
    assert p.x_axis.kind == "time"
    seconds = MS / 1000
    for offset in OFFSETS:
        p.feed_records([{"t": seconds + offset / 1000, "v": 1}], 0)
    assert held_x(p) == [[7000, 7200, 12000]]


def test_a_time_window_of_arrival_times() -> None:
    p = Pipeline(ChartSpec(y=("v",), window=100, span_ms=5000.0))
    for offset in OFFSETS:
        p.feed_records([{"v": 1}], float(MS + offset))
    assert held_x(p) == [[7000, 7200, 12000]]


def test_the_point_bound_of_a_time_window_cuts_points_inside_the_span() -> None:
    p = time_window(window=2)
    for offset in OFFSETS:
        p.feed_records([{"t": MS + offset, "v": offset}], 0)
    # 1500 pushed 0 out while 0 was inside the span; 12000 pushed 7000 out (at its very edge).
    assert held_x(p) == [[7200, 12000]]
    assert (p.cut, p.points, p.errors) == (2, 6, 0)
    assert "too_old" not in p.error_kinds
    batch = p.take_batch()
    assert batch is not None
    assert (batch.x.tolist(), p.coalesced) == ([MS + 7200, MS + 12000], 4)


def test_a_late_point_below_a_full_time_window_is_cut_or_let_go_never_too_old() -> None:
    p = time_window(window=2)
    p.feed_records([{"t": MS + 7200, "v": 1}, {"t": MS + 12000, "v": 2}], 0)
    p.feed_records([{"t": MS + 7100, "v": 3}], 0)  # inside the span, no room: cut
    p.feed_records([{"t": MS + 100, "v": 4}], 0)  # outside the span: let go
    assert held_x(p) == [[7200, 12000]]
    assert (p.cut, p.points, p.errors) == (1, 4, 0)


def test_a_count_window_cuts_nothing() -> None:
    p = ticker(window=2)
    for i in range(10):
        p.feed(message(MS + i, i), 0)
    assert p.cut == 0
    assert p.rings[0].span is None


def test_resets_and_snapshots_of_a_time_window_hold_only_the_span() -> None:
    p = time_window(group_by="g")
    p.feed_records([{"t": MS + offset, "v": 1, "g": "a"} for offset in OFFSETS], 0)
    reset = p.take_reset()
    assert (reset.x - MS).tolist() == [7000, 7200, 12000]
    snapshot = p.snapshot(100)
    assert (snapshot.x - MS).tolist() == [7000, 7200, 12000]
    x, _, _ = p.columns()
    assert (x - MS).tolist() == [7000, 7200, 12000]
    p.feed_records([{"t": MS + 16000, "v": 1, "g": "a"}], 0)
    batch = p.take_batch()
    assert batch is not None
    assert (batch.x - MS).tolist() == [16000]  # the browser lets 7000 and 7200 go itself
    view = BrowserModel(100, 5000.0)
    view.seq = reset.seq - 1
    view.apply(reset)
    view.apply(batch)
    view.check(p)


def test_a_long_list_with_infinities_of_both_signs_is_read_without_a_warning() -> None:
    # Their sum is NaN, which numpy warns about (an error under the test settings).
    p = Pipeline(ChartSpec(y=("v",), x="t"))
    rows = [{"t": i, "v": v} for i, v in enumerate([0.0] * 9 + [math.inf, -math.inf])]
    p.feed_records(rows, 0)
    assert p.error_kinds == {"non_finite": 2}
    assert p.points == 11


def held(pipeline: Pipeline) -> dict[str, list[float]]:
    """The x values each series holds, by series name."""
    x, series, _ = pipeline.columns()
    found: dict[str, list[float]] = {name: [] for name in pipeline.names}
    for value, sid in zip(x.tolist(), series.tolist(), strict=True):
        found[pipeline.names[sid]].append(value)
    return found


@pytest.mark.parametrize("as_columns", [False, True], ids=["records", "columns"])
def test_history_skips_what_each_series_holds_already(as_columns: bool) -> None:
    pipeline = Pipeline(ChartSpec(y=("v",), x="t", group_by="g", x_type="number"))
    pipeline.feed_records([{"t": 10, "g": "a", "v": 1}, {"t": 5, "g": "b", "v": 1}], 0.0)
    history: list[dict[str, Any]] = [
        {"t": t, "g": g, "v": 0}
        for g, ts in (("a", (8, 10, 11)), ("b", (4, 6, 7)), ("c", (1, 2)))
        for t in ts
    ]
    rows: Any = history
    if as_columns:
        rows = {key: np.array([row[key] for row in history]) for key in ("t", "g", "v")}
    pipeline.feed_history(rows, 0.0)
    assert held(pipeline) == {"a": [10.0, 11.0], "b": [5.0, 6.0, 7.0], "c": [1.0, 2.0]}
    assert pipeline.errors == 0  # skipped quietly
    # Afterwards, live points are taken whatever their x, as always.
    pipeline.feed_records([{"t": 3, "g": "a", "v": 1}], 0.0)
    assert held(pipeline)["a"] == [3.0, 10.0, 11.0]
