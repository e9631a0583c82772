"""The "json" decoder, frame by frame: bytes and text in, records and problems out."""

from __future__ import annotations

import pytest

from livefeed._core.decode import BINARY_FRAME, NOT_AN_OBJECT, NOT_JSON, decode_json


def test_one_object() -> None:
    records, problems = decode_json('{"a": 1}')
    assert records == [{"a": 1}]
    assert problems == []


def test_array_of_objects() -> None:
    records, problems = decode_json('[{"a": 1}, {"a": 2}]')
    assert records == [{"a": 1}, {"a": 2}]
    assert problems == []


def test_newline_delimited_objects() -> None:
    records, problems = decode_json('{"a": 1}\n{"a": 2}\r\n\n{"a": 3}\n')
    assert records == [{"a": 1}, {"a": 2}, {"a": 3}]
    assert problems == []


def test_binary_frame_holding_json_is_accepted() -> None:
    records, problems = decode_json(b'{"a": 1}')
    assert records == [{"a": 1}]
    assert problems == []


def test_nan_and_infinity_tokens_parse() -> None:
    records, _ = decode_json('{"a": NaN, "b": Infinity}')
    assert records[0]["a"] != records[0]["a"]
    assert records[0]["b"] == float("inf")


def test_not_json_is_a_problem_with_an_excerpt() -> None:
    records, problems = decode_json("hello world")
    assert records == []
    assert [p.kind for p in problems] == [NOT_JSON]
    assert "'hello world'" in problems[0].message


def test_bad_line_of_ndjson_keeps_the_good_ones() -> None:
    records, problems = decode_json('{"a": 1}\n{"a": \n{"a": 3}')
    assert records == [{"a": 1}, {"a": 3}]
    assert [p.kind for p in problems] == [NOT_JSON]


def test_array_items_that_are_not_objects_are_counted() -> None:
    records, problems = decode_json('[{"a": 1}, 2, "x"]')
    assert records == [{"a": 1}]
    assert [p.kind for p in problems] == [NOT_AN_OBJECT]
    assert "2 item(s)" in problems[0].message


@pytest.mark.parametrize("raw", ["3", '"text"', "null", "true"])
def test_scalars_are_not_objects(raw: str) -> None:
    records, problems = decode_json(raw)
    assert records == []
    assert [p.kind for p in problems] == [NOT_AN_OBJECT]


def test_binary_frame_that_is_not_text() -> None:
    records, problems = decode_json(b"\xff\xfe\x00\x01")
    assert records == []
    assert [p.kind for p in problems] == [BINARY_FRAME]
    assert "4 bytes" in problems[0].message


def test_long_garbage_is_shortened_in_the_message() -> None:
    _, problems = decode_json("x" * 10_000)
    assert len(problems[0].message) < 200


def test_integers_beyond_64_bits_are_read() -> None:
    huge = "1" + "0" * 400
    records, problems = decode_json(f'{{"a": {huge}, "b": [{huge}]}}'.encode())
    assert records == [{"a": 10**400, "b": [10**400]}]
    assert problems == []


def test_an_integer_too_long_to_read_is_not_json() -> None:
    records, problems = decode_json('{"a": ' + "1" * 5000 + "}")
    assert records == []
    assert [p.kind for p in problems] == [NOT_JSON]
    assert len(problems[0].message) < 300


def test_deep_nesting_is_not_json() -> None:
    records, problems = decode_json("[" * 100_000 + "]" * 100_000)
    assert records == []
    assert [p.kind for p in problems] == [NOT_JSON]


@pytest.mark.parametrize("raw", [bytearray(b'{"a": 1}'), memoryview(b'{"a": 1}')])
def test_other_bytes_like_frames(raw: bytearray | memoryview) -> None:
    assert decode_json(raw) == ([{"a": 1}], [])  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", [None, 42, {"a": 1}])
def test_what_is_no_frame_at_all_is_a_problem(raw: object) -> None:
    records, problems = decode_json(raw)  # type: ignore[arg-type]
    assert records == []
    assert [p.kind for p in problems] == [NOT_JSON]


def test_ndjson_lines_end_only_at_newlines() -> None:
    # U+2028 and U+0085 may sit in JSON strings as they are; splitlines() would cut there.
    records, problems = decode_json('{"a": "x\u2028y"}\n{"a": "p\x85q"}')
    assert records == [{"a": "x\u2028y"}, {"a": "p\x85q"}]
    assert problems == []
