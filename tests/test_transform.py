"""Transforms: records in, records and problems out, the way a feed reshapes what a decoder gives
(envelopes unwrapped, fields computed, control messages dropped) before a chart reads it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import pytest

from livefeed._core.decode import Record, decode_json
from livefeed._core.transform import TRANSFORM_ERROR, apply_transform


def unwrap(record: Record) -> list[Record] | None:
    """A typical exchange's envelope: trades under "data", with a mid price computed; the
    subscription reply and heartbeats carry no "data" and are dropped."""
    if "data" not in record:
        return None
    return [
        {"t": trade["ts"], "mid": (trade["bid"] + trade["ask"]) / 2, "sym": record["sym"]}
        for trade in record["data"]
    ]


def test_an_envelope_is_unwrapped_into_its_records_with_a_computed_field() -> None:
    frame = (
        '{"op": "subscribed", "channel": "trades"}\n'
        '{"sym": "BTC", "data": [{"ts": 1, "bid": 99, "ask": 101},'
        ' {"ts": 2, "bid": 100, "ask": 104}]}\n'
        '{"op": "ping"}\n'
        '{"sym": "ETH", "data": [{"ts": 3, "bid": 9, "ask": 10}]}'
    )
    decoded, problems = decode_json(frame)
    assert problems == []
    assert apply_transform(unwrap, decoded) == (
        [
            {"t": 1, "mid": 100.0, "sym": "BTC"},
            {"t": 2, "mid": 102.0, "sym": "BTC"},
            {"t": 3, "mid": 9.5, "sym": "ETH"},
        ],
        [],  # the control messages dropped by None are not problems
    )


def test_returning_none_filters_records_quietly() -> None:
    records = [{"sym": "BTC", "p": 1}, {"sym": "ETH", "p": 2}, {"sym": "BTC", "p": 3}]
    assert apply_transform(lambda r: r if r["sym"] == "BTC" else None, records) == (
        [{"sym": "BTC", "p": 1}, {"sym": "BTC", "p": 3}],
        [],
    )
    assert apply_transform(lambda r: None, records) == ([], [])


def test_what_the_transform_raises_is_counted_and_the_next_records_go_on() -> None:
    def scale(record: Record) -> Record:
        return {"t": record["t"], "v": 100 / record["v"]}

    records = [{"t": 1, "v": 4}, {"t": 2, "v": 0}, {"t": 3}, {"t": 4, "v": 5}]
    out, problems = apply_transform(scale, records)
    assert out == [{"t": 1, "v": 25.0}, {"t": 4, "v": 20.0}]
    assert [p.kind for p in problems] == [TRANSFORM_ERROR, TRANSFORM_ERROR]
    assert problems[0].message == "the transform raised ZeroDivisionError: division by zero"
    assert problems[1].message == "the transform raised KeyError: 'v'"


def test_a_long_exception_text_is_cut_short() -> None:
    def fail(record: Record) -> Record:
        raise ValueError("x" * 10_000)

    _, [problem] = apply_transform(fail, [{"v": 1}])
    assert problem.message.startswith("the transform raised ValueError: xxx")
    assert len(problem.message) < 300


def test_an_exception_from_a_library_is_named_with_its_module() -> None:
    import json

    def parse(record: Record) -> Record:
        return {"v": json.loads(record["raw"])}

    _, [problem] = apply_transform(parse, [{"raw": "{"}])
    assert problem.message.startswith("the transform raised json.decoder.JSONDecodeError: ")


@pytest.mark.parametrize(
    ("returned", "name"),
    [("text", "str"), (3.5, "float"), ({1, 2}, "set"), (iter([{"v": 1}]), "list_iterator")],
)
def test_a_wrong_return_type_is_counted_naming_it(returned: object, name: str) -> None:
    records = [{"v": 1}, {"v": 2}]
    out, problems = apply_transform(lambda r: returned if r["v"] == 1 else r, records)
    assert out == [{"v": 2}]  # the record after it goes on
    assert [p.kind for p in problems] == [TRANSFORM_ERROR]
    assert f"returned a {name}," in problems[0].message


def test_list_items_that_are_not_mappings_are_counted_and_the_mappings_kept() -> None:
    out, problems = apply_transform(lambda r: [{"v": 1}, "x", None, {"v": 2}], [{"v": 0}])
    assert out == [{"v": 1}, {"v": 2}]
    assert [p.kind for p in problems] == [TRANSFORM_ERROR]
    assert "2 of the 4 item(s)" in problems[0].message


@pytest.mark.parametrize(
    "returned",
    [OrderedDict(v=1), MappingProxyType({"v": 1}), ({"v": 1},), [MappingProxyType({"v": 1})]],
    ids=["ordered-dict", "mapping-proxy", "tuple", "list-of-proxies"],
)
def test_mappings_and_tuples_become_plain_dicts(returned: object) -> None:
    out, problems = apply_transform(lambda r: returned, [{"v": 0}])
    assert (out, problems) == ([{"v": 1}], [])
    assert all(type(record) is dict for record in out)


def test_a_mapping_that_cannot_be_read_is_counted_whole() -> None:
    class Broken(Mapping[str, Any]):
        def __getitem__(self, key: str) -> Any:
            raise KeyError("gone")

        def __iter__(self) -> Iterator[str]:
            return iter(["v"])

        def __len__(self) -> int:
            return 1

    def half_broken(record: Record) -> Any:
        return [{"v": 1}, Broken()] if record["v"] == 0 else record

    out, problems = apply_transform(half_broken, [{"v": 0}, {"v": 2}])
    # A result is used whole or not at all: its good first item is not kept either.
    assert out == [{"v": 2}]
    assert [p.kind for p in problems] == [TRANSFORM_ERROR]
    assert "KeyError" in problems[0].message


def test_order_is_kept_across_kept_dropped_and_expanded_records() -> None:
    def spread(record: Record) -> Any:
        n = record["n"]
        if n % 3 == 0:
            return None
        if n % 3 == 1:
            return record
        return [{"n": n, "part": 1}, {"n": n, "part": 2}]

    out, problems = apply_transform(spread, [{"n": n} for n in range(7)])
    assert problems == []
    assert out == [
        {"n": 1},
        {"n": 2, "part": 1},
        {"n": 2, "part": 2},
        {"n": 4},
        {"n": 5, "part": 1},
        {"n": 5, "part": 2},
    ]


def test_records_are_passed_as_they_are() -> None:
    record = {"v": 1}
    out, _ = apply_transform(lambda r: r, [record])
    assert out[0] is record  # no copy: a transform may change a record and return it
    assert apply_transform(lambda r: r, []) == ([], [])
