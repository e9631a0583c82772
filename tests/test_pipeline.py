"""The whole data path without I/O: messages in, points held and batches out."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from livefeed._pipeline import ChartSpec, Pipeline

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
    ("kwargs", "error"), [({"y": ()}, "y must name"), ({"y": ("v",), "window": 0}, "window")]
)
def test_spec_is_checked(kwargs: dict[str, object], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        ChartSpec(**kwargs)  # type: ignore[arg-type]


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
    assert not p._ingest_columns([{"t": 1, "a": 1}] * 8, 0)  # x axis not decided yet
    p.feed('{"t": 1, "a": 1}', 0)
    assert p._ingest_columns([{"t": i, "a": i} for i in range(8)], 0)
    assert not p._ingest_columns([{"t": i, "a": None} for i in range(8)], 0)
    assert not p._ingest_columns([{"t": i} for i in range(8)], 0)
    assert p.points == 9
    grouped = Pipeline(ChartSpec(y=("a",), x="t", group_by="g"))
    assert not grouped._columnar
