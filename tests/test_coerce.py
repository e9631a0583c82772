"""Numbers and times from JSON values."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from livefeed._core.coerce import (
    BAD_TIME,
    NON_FINITE,
    NOT_A_NUMBER,
    NULL_VALUE,
    ValueProblem,
    XAxis,
    parse_iso,
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


# -- values as people have them -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (np.float64(1.5), 1.5),
        (np.float32(1.5), 1.5),
        (np.float16(2.5), 2.5),
        (np.int8(-3), -3.0),
        (np.int16(300), 300.0),
        (np.int32(-70_000), -70_000.0),
        (np.int64(2**40), float(2**40)),
        (np.uint8(255), 255.0),
        (np.uint16(65_535), 65_535.0),
        (np.uint32(2**32 - 1), float(2**32 - 1)),
        (np.uint64(2**64 - 1), float(2**64 - 1)),
        (np.bool_(True), 1.0),
        (np.array(4.25), 4.25),
        (np.array(7, dtype=np.int16), 7.0),
        (Decimal("101.25"), 101.25),
        (Fraction(3, 4), 0.75),
    ],
)
def test_numeric_values_from_python(value: object, expected: float) -> None:
    assert to_number(value) == expected
    assert XAxis("number").convert(value) == expected


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (np.float64("nan"), NON_FINITE),
        (np.float32("inf"), NON_FINITE),
        (np.array(np.nan), NON_FINITE),
        (Decimal("NaN"), NON_FINITE),
        (Decimal("sNaN"), NON_FINITE),
        (Decimal("1e400"), NON_FINITE),
        (10**400, NON_FINITE),
        (-(10**400), NON_FINITE),
        (Fraction(10**400, 3), NON_FINITE),
        (pd.NA, NULL_VALUE),
        (pd.NaT, NULL_VALUE),
        (np.datetime64("NaT", "ms"), NULL_VALUE),
    ],
)
def test_missing_and_non_finite_python_values_are_gaps(value: object, kind: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        to_number(value)
    assert (caught.value.kind, caught.value.gap) == (kind, True)
    assert len(str(caught.value)) < 100


def test_an_integer_too_large_for_a_float_says_so() -> None:
    with pytest.raises(ValueProblem, match="an integer of 401 digits is too large for a float"):
        to_number(10**400)
    with pytest.raises(ValueProblem, match="too large for a float") as caught:
        XAxis().convert(10**400)
    assert caught.value.gap is False  # an x cannot be a gap
    with pytest.raises(ValueProblem):
        to_number(10**5000)  # too long even to print


@pytest.mark.parametrize(
    "value",
    [
        datetime(2025, 1, 1),
        date(2025, 1, 1),
        np.datetime64("2025-01-01"),
        timedelta(seconds=1),
        np.timedelta64(5, "s"),
        np.array([1.0, 2.0]),
        1 + 2j,
        [[[[[[[[1]]]]]]]],
        [10**5000],
    ],
)
def test_values_that_are_not_numbers(value: object) -> None:
    with pytest.raises(ValueProblem) as caught:
        to_number(value)
    assert (caught.value.kind, caught.value.gap) == (NOT_A_NUMBER, False)
    assert len(str(caught.value)) < 100


@pytest.mark.parametrize(
    "value",
    [
        datetime(2025, 11, 24, 16),  # naive: UTC
        datetime(2025, 11, 24, 17, tzinfo=timezone(timedelta(hours=1))),
        np.datetime64("2025-11-24T16:00:00"),
        np.datetime64("2025-11-24T16:00:00.000", "ms"),
        np.datetime64("2025-11-24T16:00:00.000000000", "ns"),
        np.datetime64(MS // 10, "10ms"),
        np.array(np.datetime64("2025-11-24T16:00", "m")),
        pd.Timestamp("2025-11-24T16:00:00"),  # naive: UTC
        pd.Timestamp("2025-11-24T11:00:00", tz="America/New_York"),
    ],
)
def test_time_objects_make_a_time_axis(value: object) -> None:
    axis = XAxis()
    assert axis.convert(value) == MS
    assert axis.kind == "time"
    assert axis.convert(MS + 5) == MS + 5  # later numbers: epoch milliseconds by magnitude


def test_time_objects_keep_their_precision() -> None:
    axis = XAxis()
    assert axis.convert(pd.Timestamp("2025-11-24T16:00:00.123456789Z")) == MS + 123.456789
    assert axis.convert(np.datetime64("2025-11-24T16:00:00.000001500", "ns")) == MS + 0.0015
    assert axis.convert(datetime(2025, 11, 24, 16, 0, 0, 250, tzinfo=timezone.utc)) == MS + 0.25


def test_days_months_and_years() -> None:
    axis = XAxis()
    assert axis.convert(date(2025, 11, 24)) == MS - 16 * 3_600_000
    assert axis.convert(np.datetime64("2025-11", "M")) == axis.convert(date(2025, 11, 1))
    assert axis.convert(np.datetime64("2025", "Y")) == axis.convert(date(2025, 1, 1))


@pytest.mark.parametrize("value", [np.datetime64("NaT", "ms"), pd.NaT, None, float("nan")])
def test_missing_times_are_dropped(value: object) -> None:
    axis = XAxis()
    with pytest.raises(ValueProblem) as caught:
        axis.convert(value)
    assert caught.value.gap is False
    assert caught.value.kind in (NULL_VALUE, NON_FINITE)
    assert axis.kind == "auto"  # nothing decided


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2025, 11, 24, 16, tzinfo=timezone.utc),
        date(2025, 11, 24),
        np.datetime64("2025-11-24T16:00:00"),
        pd.Timestamp("2025-11-24T16:00:00Z"),
        "2025-11-24T16:00:00Z",
    ],
)
def test_a_numeric_axis_refuses_times(moment: object) -> None:
    forced = XAxis("number")
    decided = XAxis()
    decided.convert(3)
    for axis in (forced, decided):
        with pytest.raises(ValueProblem) as caught:
            axis.convert(moment)
        assert caught.value.kind == NOT_A_NUMBER
        assert axis.kind == "number"


def test_a_time_axis_refuses_what_no_date_can_hold() -> None:
    axis = XAxis()
    axis.convert(1_764_000_000)  # epoch seconds
    for far in (1e300, -1e15, 1e308):
        with pytest.raises(ValueProblem) as caught:
            axis.convert(far)
        assert caught.value.kind == BAD_TIME
    assert axis.convert(1_764_000_001) == MS + 1000


# -- ISO-8601 as feeds send it, on every Python version -------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-11-24T16:00:00Z", MS),
        ("2025-11-24T16:00:00z", MS),
        ("2025-11-24T16:00:00+00:00", MS),
        ("2025-11-24T16:00:00+0000", MS),
        ("2025-11-24T17:00:00+01", MS),
        ("2025-11-24T11:30:00-04:30", MS),
        ("2025-11-24 16:00:00Z", MS),
        ("2025-11-24T16:00Z", MS),
        ("2025-11-24T16:00:00.5Z", MS + 500),
        ("2025-11-24T16:00:00.12Z", MS + 120),
        ("2025-11-24T16:00:00.123Z", MS + 123),
        ("2025-11-24T16:00:00.1234Z", MS + 123.4),
        ("2025-11-24T16:00:00.12345Z", MS + 123.45),
        ("2025-11-24T16:00:00.123456Z", MS + 123.456),
        ("2025-11-24T16:00:00.1234567Z", MS + 123.456),  # a datetime keeps microseconds
        ("2025-11-24T16:00:00.123456789Z", MS + 123.456),
        ("2025-11-24T16:00:00,5Z", MS + 500),
        ("2025-11-24T16:00:00.123456789+00:00", MS + 123.456),
        ("2025-11-24T16:00:00.1", MS + 100),  # no zone: UTC
        ("2025-11-24", MS - 16 * 3_600_000),
        (" 2025-11-24T16:00:00Z\n", MS),
    ],
)
def test_iso_times_as_feeds_send_them(text: str, expected: float) -> None:
    assert parse_iso(text) == pytest.approx(expected, abs=1e-6)
    axis = XAxis()
    assert axis.convert(text) == pytest.approx(expected, abs=1e-6)
    assert axis.kind == "time"


@pytest.mark.parametrize(
    "text",
    [
        "2025-02-30T00:00:00Z",
        "2025-11-24T25:00:00Z",
        "2025-11-24T16:00:00+24:00",
        "24/11/2025",
        "",
    ],
)
def test_bad_iso_times(text: str) -> None:
    axis = XAxis()
    with pytest.raises(ValueProblem) as caught:
        axis.convert(text)
    assert caught.value.kind == BAD_TIME
    assert axis.kind == "auto"  # a string that is no time does not decide the axis
