"""What push() accepts: rows and columns in, records or equal-length arrays out."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import pytest

from livefeed._core.pipeline import ChartSpec, Pipeline
from livefeed._core.rows import as_column, prepare_rows

MS = 1_764_000_000_000


def test_a_dict_of_scalars_is_one_record() -> None:
    row = {"t": 1, "v": 2.5, "s": "a"}
    assert prepare_rows(row, "t") == [row]


def test_a_dict_with_a_list_among_scalars_is_one_record() -> None:
    # A record may hold lists (reached with dotted paths such as "bids.0").
    row = {"t": 1, "bids": [[101.5, 3]]}
    assert prepare_rows(row, "t") == [row]


def test_lists_and_tuples_of_dicts_are_records() -> None:
    rows = [{"v": 1}, MappingProxyType({"v": 2})]
    assert prepare_rows(rows, None) == rows
    assert prepare_rows(tuple(rows), None) == rows

    def generate() -> Iterator[dict[str, int]]:
        yield {"v": 3}

    assert prepare_rows(generate(), None) == [{"v": 3}]
    assert prepare_rows([], None) == []


def test_a_dict_of_equal_columns_is_a_batch() -> None:
    columns = prepare_rows(
        {
            "t": [1, 2, 3],
            "a": (1.5, 2.5, 3.5),
            "b": np.array([True, False, True]),
            "c": pd.Series([1, 2, 3]),
            "d": range(3),
        },
        "t",
    )
    assert isinstance(columns, dict)
    assert {name: column.dtype.kind for name, column in columns.items()} == {
        "t": "i",
        "a": "f",
        "b": "b",
        "c": "i",
        "d": "i",
    }
    assert columns["a"].tolist() == [1.5, 2.5, 3.5]


def test_columns_of_mixed_values_keep_the_values() -> None:
    columns = prepare_rows(
        {"v": [1, "2", None], "s": ["a", "b", "c"], "n": [[1], [2, 3], []]}, None
    )
    assert isinstance(columns, dict)
    assert columns["v"].dtype == object and columns["v"].tolist() == [1, "2", None]
    assert columns["s"].dtype == object
    assert columns["n"].tolist() == [[1], [2, 3], []]


def test_columns_of_unequal_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="'t' has 3, 'v' has 2"):
        prepare_rows({"t": [1, 2, 3], "v": [1, 2]}, "t")


def test_a_column_of_two_dimensions_is_refused() -> None:
    with pytest.raises(ValueError, match="one-dimensional"):
        prepare_rows({"v": np.zeros((2, 2))}, None)


@pytest.mark.parametrize("rows", [42, "text", b"bytes", None, np.arange(3), [1, 2], [{"v": 1}, 2]])
def test_what_cannot_be_taken_is_a_type_error(rows: object) -> None:
    with pytest.raises(TypeError, match="push\\(\\) takes"):
        prepare_rows(rows, None)


def test_a_dataframe_becomes_columns_with_times_in_utc() -> None:
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2025-11-24T17:00:00+01:00", None], utc=True).tz_convert(
                "Europe/Paris"
            ),
            "naive": pd.to_datetime(["2025-11-24T16:00:00", "2025-11-24T16:00:01"]),
            "n": pd.array([1, None], dtype="Int64"),
            "s": ["a", "b"],
            7: [1.0, 2.0],
        }
    )
    columns = prepare_rows(frame, "when")
    assert isinstance(columns, dict)
    assert list(columns) == ["when", "naive", "n", "s", "7"]
    assert columns["when"].dtype.kind == "M"
    assert columns["when"][0] == np.datetime64("2025-11-24T16:00:00")
    assert np.isnat(columns["when"][1])
    assert columns["naive"].dtype.kind == "M"
    assert columns["n"].dtype == np.float64 and np.isnan(columns["n"][1])
    assert columns["s"].dtype == object


def test_a_dataframe_index_named_x_is_the_x_column() -> None:
    index = pd.DatetimeIndex(["2025-11-24T16:00:00", "2025-11-24T16:00:01"], name="ts")
    frame = pd.DataFrame({"v": [1.0, 2.0]}, index=index)
    columns = prepare_rows(frame, "ts")
    assert isinstance(columns, dict)
    assert list(columns) == ["v", "ts"]
    p = Pipeline(ChartSpec(y=("v",), x="ts"))
    p.feed_columns(columns, 0)
    assert p.columns()[0].tolist() == [MS, MS + 1000]
    # Not named x, or x is a column too: the index is left alone.
    assert list(prepare_rows(frame, "other")) == ["v"]  # type: ignore[arg-type]
    both = frame.assign(ts=[5.0, 6.0])
    assert prepare_rows(both, "ts")["ts"].tolist() == [5.0, 6.0]  # type: ignore[call-overload]


def test_a_level_of_a_multiindex_can_be_the_x() -> None:
    index = pd.MultiIndex.from_tuples([("a", 1), ("a", 2)], names=["sym", "step"])
    columns = prepare_rows(pd.DataFrame({"v": [1.0, 2.0]}, index=index), "step")
    assert columns["step"].tolist() == [1, 2]  # type: ignore[call-overload]


def test_duplicate_dataframe_columns_are_refused() -> None:
    frame = pd.DataFrame([[1, 2]], columns=["v", "v"])
    with pytest.raises(ValueError, match="'v'"):
        prepare_rows(frame, None)


def test_a_series_is_one_record() -> None:
    frame = pd.DataFrame({"t": [1, 2], "v": [1.5, 2.5]})
    assert prepare_rows(frame.iloc[1], "t") == [{"t": 2.0, "v": 2.5}]
    rows = [row for _, row in frame.iterrows()]
    assert prepare_rows(rows, "t") == [{"t": 1.0, "v": 1.5}, {"t": 2.0, "v": 2.5}]


def test_as_column_refuses_a_scalar() -> None:
    with pytest.raises(TypeError):
        as_column("v", 3)


def push(p: Pipeline, rows: Any) -> None:
    """What `chart.push()` does with a pipeline."""
    prepared = prepare_rows(rows, p.spec.x)
    if isinstance(prepared, dict):
        p.feed_columns(prepared, 0)
    else:
        p.feed_records(prepared, 0)


def test_every_form_gives_the_same_points() -> None:
    spec = ChartSpec(y=("a", "b"), x="t", group_by="s", window=10)
    t = [MS + i for i in (3, 1, 2, 0)]
    a = [1.0, None, 3.0, 4.0]
    s = ["x", "y", "x", "y"]
    b = [10, 20, 30, 40]
    records = [
        {"t": t[i], "a": a[i], "b": b[i], "s": s[i]} for i in range(4)
    ]  # one by one, a list, columns, a frame
    forms: list[Any] = [
        records,
        {"t": t, "a": a, "b": b, "s": s},
        {"t": np.array(t), "a": np.array(a, dtype=float), "b": np.array(b), "s": np.array(s)},
        pd.DataFrame({"t": t, "a": a, "b": b, "s": s}),
    ]
    results = []
    for form in forms:
        p = Pipeline(spec)
        push(p, form)
        results.append((p.names, [c.tolist() for c in p.columns()], p.points, p.errors))
    first = results[0]
    assert first[0] == ["x a", "x b", "y a", "y b"]
    for other in results[1:]:
        assert other[0] == first[0]
        assert np.array_equal(np.array(other[1][0]), np.array(first[1][0]))
        assert np.array_equal(np.array(other[1][2]), np.array(first[1][2]), equal_nan=True)
        assert other[2:] == first[2:]
