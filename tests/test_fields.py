"""Field paths into nested records."""

from __future__ import annotations

import pytest

from livefeed._fields import MISSING, compile_path


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
