"""Reading the `window` option: a number of points, or a span of time bounded by a number of
points."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest

from livefeed._core.pipeline import MAX_WINDOW, ChartSpec
from livefeed._core.window import DEFAULT_MAX_POINTS, parse_window


def test_the_default_bound_of_a_time_window() -> None:
    assert DEFAULT_MAX_POINTS == 100_000


@pytest.mark.parametrize(
    ("window", "span_ms"),
    [
        ("500ms", 500.0),
        ("30s", 30_000.0),
        ("10min", 600_000.0),
        ("10m", 600_000.0),
        ("2h", 7_200_000.0),
        ("1d", 86_400_000.0),
        ("1D", 86_400_000.0),
        ("1w", 604_800_000.0),
        ("1.5h", 5_400_000.0),
        ("1 day 2 hours", 93_600_000.0),
        ("1d2h", 93_600_000.0),
        (" 5s ", 5000.0),
        ("PT10M", 600_000.0),
        ("250us", 0.25),
        (timedelta(minutes=10), 600_000.0),
        (timedelta(microseconds=1500), 1.5),
        (pd.Timedelta("1500ns"), 0.0015),
        (np.timedelta64(3, "s"), 3000.0),
        (np.timedelta64(2, "D"), 172_800_000.0),
    ],
)
def test_a_time_span_is_read_in_milliseconds(window: object, span_ms: float) -> None:
    assert parse_window(window) == (DEFAULT_MAX_POINTS, span_ms)


def test_a_span_longer_than_pandas_can_hold_is_read_from_a_timedelta() -> None:
    # 10,000 years: beyond pandas' 292, harmless here (the whole window, in effect).
    assert parse_window(timedelta(days=3_652_500)) == (DEFAULT_MAX_POINTS, 3.15576e14)


def test_old_unit_letters_are_read_without_a_warning(recwarn: pytest.WarningsRecorder) -> None:
    spans = [parse_window(text)[1] for text in ("1d", "1H", "1S")]
    assert spans == [86_400_000.0, 3_600_000.0, 1000.0]
    assert [str(w.message) for w in recwarn] == []


def test_max_points_bounds_a_time_window() -> None:
    assert parse_window("10min", 500) == (500, 600_000.0)
    assert parse_window("10min", np.int64(7)) == (7, 600_000.0)
    assert parse_window("1s", MAX_WINDOW) == (MAX_WINDOW, 1000.0)


@pytest.mark.parametrize("window", [1, 10_000, MAX_WINDOW, np.int32(50)])
def test_an_int_is_a_number_of_points(window: Any) -> None:
    assert parse_window(window) == (int(window), None)


def test_max_points_with_a_number_of_points_is_refused() -> None:
    with pytest.raises(ValueError, match="max_points bounds a time window only"):
        parse_window(10_000, 500)


@pytest.mark.parametrize(
    ("window", "max_points", "error", "message"),
    [
        (0, None, ValueError, "from 1 to"),
        (MAX_WINDOW + 1, None, ValueError, "from 1 to"),
        (-3, None, ValueError, "from 1 to"),
        ("10min", 0, ValueError, "max_points must be from 1 to"),
        ("10min", MAX_WINDOW + 1, ValueError, "max_points must be from 1 to"),
        ("10min", 5.0, TypeError, "max_points must be a whole number"),
        ("10min", True, TypeError, "max_points must be a whole number"),
        ("0s", None, ValueError, "positive span"),
        ("-5s", None, ValueError, "positive span"),
        (timedelta(0), None, ValueError, "positive span"),
        (timedelta(seconds=-1), None, ValueError, "positive span"),
        (np.timedelta64(0, "s"), None, ValueError, "positive span"),
        ("nat", None, ValueError, "NaT"),
        ("", None, ValueError, "NaT"),
        (pd.NaT, None, ValueError, "NaT"),
        (np.timedelta64("NaT", "s"), None, ValueError, "NaT"),
        (np.timedelta64(2, "M"), None, ValueError, "not a fixed span"),
        ("soon", None, ValueError, "not a time span pandas can read"),
        ("10M", None, ValueError, "not a time span pandas can read"),
        ("10", None, ValueError, "has no unit"),
        ("1.5", None, ValueError, "has no unit"),
        ("100000000days", None, ValueError, "not a time span pandas can read"),
        (True, None, TypeError, "number of points"),
        (False, None, TypeError, "number of points"),
        (10.0, None, TypeError, "number of points"),
        (None, None, TypeError, "number of points"),
        ([5], None, TypeError, "number of points"),
    ],
)
def test_bad_windows_are_refused_with_a_clear_message(
    window: object, max_points: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        parse_window(window, max_points)


def test_chart_spec_takes_a_time_window() -> None:
    points, span_ms = parse_window("10min", 500)
    spec = ChartSpec(y=("v",), x="t", window=points, span_ms=span_ms)
    assert (spec.window, spec.span_ms) == (500, 600_000.0)
    # A time window reads x as times from the start: numbers as epoch times.
    assert spec.x_type == "time"
    assert ChartSpec(y=("v",), x="t", x_type="time", span_ms=1).span_ms == 1.0
    assert ChartSpec(y=("v",)).span_ms is None
    assert ChartSpec(y=("v",), x="t").x_type == "auto"


def test_a_time_window_needs_a_time_axis() -> None:
    with pytest.raises(ValueError, match="a time window needs a time axis"):
        ChartSpec(y=("v",), x="t", x_type="number", span_ms=1000.0)


@pytest.mark.parametrize(
    ("span_ms", "error"),
    [
        (0.0, ValueError),
        (-1.0, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (True, TypeError),
        ("10min", TypeError),
    ],
)
def test_chart_spec_refuses_a_bad_span(span_ms: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="span_ms"):
        ChartSpec(y=("v",), span_ms=span_ms)
