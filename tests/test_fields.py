"""Field paths into nested records."""

from __future__ import annotations

import pytest

from livefeed._core.fields import MISSING, compile_path


def test_plain_key() -> None:
    assert compile_path("p")({"p": 1}) == 1
    assert compile_path("p")({"q": 1}) is MISSING


def test_null_is_not_missing() -> None:
    assert compile_path("p")({"p": None}) is None


def test_dotted_path() -> None:
    get = compile_path("data.p")
    assert get({"data": {"p": "101.5"}}) == "101.5"
    assert get({"data": {}}) is MISSING
    assert get({"data": 3}) is MISSING
    assert get({}) is MISSING


def test_list_index_in_path() -> None:
    get = compile_path("bids.0.price")
    assert get({"bids": [{"price": 5}, {"price": 4}]}) == 5
    assert get({"bids": []}) is MISSING


def test_exact_key_with_dots_wins() -> None:
    assert compile_path("a.b")({"a.b": 1, "a": {"b": 2}}) == 1


def test_empty_name_is_refused() -> None:
    with pytest.raises(ValueError):
        compile_path("")


def test_nested_mappings_and_tuples_from_python() -> None:
    from types import MappingProxyType

    get = compile_path("data.levels.1")
    assert get({"data": MappingProxyType({"levels": (5, 6)})}) == 6
    assert get({"data": {"levels": (5,)}}) is MISSING


def test_a_segment_of_non_ascii_digits_is_a_key_not_an_index() -> None:
    # "²".isdigit() is true, but int("²") raises: such a segment must never index a list.
    get = compile_path("a.²")
    assert get({"a": [1, 2, 3]}) is MISSING
    assert get({"a": {"²": 4}}) == 4


def test_leading_zeros_index_a_list() -> None:
    assert compile_path("a.01")({"a": [1, 2]}) == 2
