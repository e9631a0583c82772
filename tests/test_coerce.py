"""Numbers and times from JSON values."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from livefeed._coerce import (
    BAD_TIME,
    NON_FINITE,
    NOT_A_NUMBER,
    NULL_VALUE,
    ValueProblem,
    XAxis,
    to_number,
)

MS = 1_764_000_000_000  # 2025-11-24T16:00:00Z


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1.0), (2.5, 2.5), ("101.50", 101.5), (" 7 ", 7.0), (True, 1.0), ("-1e3", -1000.0)],
)
def test_numbers(value: object, expected: float) -> None:
    assert to_number(value) == expected


@pytest.mark.parametrize(
    ("value", "kind", "gap"),
    [
        (None, NULL_VALUE, True),
        (float("nan"), NON_FINITE, True),
        (float("inf"), NON_FINITE, True),
        ("NaN", NON_FINITE, True),
        ("abc", NOT_A_NUMBER, False),
        ([1], NOT_A_NUMBER, False),
        ({"a": 1}, NOT_A_NUMBER, False),
    ],
)
def test_values_that_are_not_drawable(value: object, kind: str, gap: bool) -> None:
    with pytest.raises(ValueProblem) as caught:
        to_number(value)
    assert caught.value.kind == kind
    assert caught.value.gap is gap


@pytest.mark.parametrize(
    "value", [MS / 1000, MS, MS * 1000, MS * 1_000_000, str(MS), "2025-11-24T16:00:00Z"]
)
def test_epoch_units_and_iso_become_milliseconds(value: object) -> None:
    axis = XAxis()
    assert axis.convert(value) == pytest.approx(MS, abs=1e-3)
    assert axis.kind == "time"


def test_iso_without_zone_is_utc_and_with_offset_is_respected() -> None:
    axis = XAxis()
    assert axis.convert("2025-11-24T16:00:00") == MS
    assert axis.convert("2025-11-24T17:00:00+01:00") == MS


def test_datetime_objects() -> None:
    axis = XAxis()
    assert axis.convert(datetime(2025, 11, 24, 16, tzinfo=timezone.utc)) == MS
    assert axis.kind == "time"


def test_unit_is_decided_once() -> None:
    axis = XAxis()
    axis.convert(MS / 1000)  # seconds
    assert axis.convert(MS / 1000 + 1.5) == MS + 1500


def test_small_numbers_make_a_number_axis() -> None:
    axis = XAxis()
    assert axis.convert(3) == 3.0
    assert axis.kind == "number"
    with pytest.raises(ValueProblem) as caught:
        axis.convert("2025-11-24T16:00:00Z")
    assert caught.value.kind == NOT_A_NUMBER


def test_forced_number_axis_keeps_epoch_numbers_as_they_are() -> None:
    axis = XAxis("number")
    assert axis.convert(MS) == MS
    assert axis.kind == "number"


def test_forced_time_axis_takes_unknown_magnitudes_as_milliseconds() -> None:
    axis = XAxis("time")
    assert axis.convert(5) == 5.0


def test_bad_time_string() -> None:
    axis = XAxis()
    with pytest.raises(ValueProblem) as caught:
        axis.convert("yesterday")
    assert caught.value.kind == BAD_TIME


def test_null_x_is_dropped_not_a_gap() -> None:
    with pytest.raises(ValueProblem) as caught:
        XAxis().convert(None)
    # A y without a value is a gap; an x without one cannot be placed at all.
    assert caught.value.gap is False
