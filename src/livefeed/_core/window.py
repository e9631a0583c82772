"""What a chart keeps per series: a number of points, or a span of time bounded by a number of
points.

`parse_window` reads what a user gives as `window`: an int is a point count (the `window` points
of greatest x); a time span (a pandas-style string such as "500ms", "30s", "10min", "2h", "1d", or a
`datetime.timedelta`) keeps the points within that span of the newest x of their series, at most
`max_points` of them. pandas is imported only to read a string.
"""

from __future__ import annotations

import numbers
import re
from datetime import timedelta
from typing import Final

import numpy as np

from .coerce import _UNIT_MS, _is_missing
from .pipeline import MAX_WINDOW

# The memory bound per series of a time window when none is given: 100,000 points of x, y and
# arrival order take 2.4 MB per series (3.6 MB with the ring's spare room).
DEFAULT_MAX_POINTS: Final = 100_000

# A number alone: pandas would read "10" as 10 nanoseconds, which nobody means by a window.
_BARE_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
# Single-letter units pandas 3 still reads but warns about (and pandas 4 will refuse): "1d" and "1w"
# mean days and weeks, "1H" hours, "1S" seconds; they are spelled as pandas wants them.
_OLD_UNITS = re.compile(r"(?<=[\d.])(\s*)([dwHS])(?![A-Za-z])")
_UNIT_SPELLING: Final = {"d": "D", "w": "W", "H": "h", "S": "s"}


def parse_window(window: object, max_points: object = None) -> tuple[int, float | None]:
    """Read a `window` option: returns (points kept per series at most, span in ms or None).

    - An int (any integral number but bool) is a point count from 1 to `MAX_WINDOW`: returns
      `(window, None)`. `max_points` must then be None, since the count is the bound already.
    - A str is a time span as `pandas.Timedelta` reads it ("500ms", "30s", "10min", "2h", "1d",
      "1 day 2 hours", "PT10M"); a `datetime.timedelta` (a `pandas.Timedelta` too) or a
      `numpy.timedelta64` is one as well. Returns `(max_points, span in milliseconds)`:
      `max_points` (default `DEFAULT_MAX_POINTS`, an int from 1 to `MAX_WINDOW`) bounds the memory
      each series may take, whatever the span.

    Raises TypeError for a bool, a float or anything else that is neither a count nor a span, and
    for a `max_points` that is not an int; ValueError for a count or `max_points` out of range, a
    `max_points` given with a count, and a span that is unreadable, without a unit, zero,
    negative or NaT.
    """
    if isinstance(window, bool):
        raise TypeError(
            f"window must be a number of points (an int) or a time span ('10min', a timedelta), "
            f"not {window!r}"
        )
    # numpy counts a timedelta64 as an integer: it is a span all the same.
    if isinstance(window, numbers.Integral) and not isinstance(window, np.timedelta64):
        if max_points is not None:
            raise ValueError(
                f"max_points bounds a time window only: window={int(window):,} is a number of "
                "points already, and is itself the bound (give window as a time span, such as "
                "'10min', to use max_points)"
            )
        return _points("window", window), None
    span = span_ms(window)
    limit = DEFAULT_MAX_POINTS if max_points is None else _points("max_points", max_points)
    return limit, span


def _points(role: str, value: object) -> int:
    if isinstance(value, (bool, np.timedelta64)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{role} must be a whole number of points (an int), not {value!r}")
    count = int(value)
    if not 1 <= count <= MAX_WINDOW:
        raise ValueError(
            f"{role} must be from 1 to {MAX_WINDOW:,} points per series, not {count:,}"
        )
    return count


def span_ms(window: object, role: str = "window") -> float:
    """Milliseconds of a time span given as text, a timedelta or a numpy timedelta64.

    Raises TypeError or ValueError as `parse_window` does, naming the option `role`.
    """
    if isinstance(window, str):
        ms = _text_ms(window, role)
    elif isinstance(window, timedelta):
        nanoseconds = getattr(window, "value", None)  # a pandas Timedelta keeps nanoseconds
        if type(window) is not timedelta and isinstance(nanoseconds, int):
            ms = nanoseconds / 1_000_000
        else:  # exact to the microsecond, and free of pandas' 292-year limit
            ms = (window.days * 86_400 + window.seconds) * 1000 + window.microseconds / 1000
    elif isinstance(window, np.timedelta64):
        ms = _timedelta64_ms(window, role)
    elif _is_missing(window):
        raise ValueError(f"{role} is {window!r}: a time {role} needs a span of time")
    else:
        raise TypeError(
            f"{role} must be a number of points (an int) or a time span (a str such as '10min', "
            f"or a timedelta), not {window!r}"
        )
    if not ms > 0:  # NaN fails too
        raise ValueError(f"{role} must be a positive span of time, not {window!r}")
    return ms


def _timedelta64_ms(span: np.timedelta64, role: str) -> float:
    if np.isnat(span):
        raise ValueError(f"{role} is NaT: a time {role} needs a span of time")
    unit, step = np.datetime_data(span.dtype)
    scale = _UNIT_MS.get(unit)
    if scale is None:  # months and years are not fixed lengths of time
        raise ValueError(f"{role}={span!r} is not a fixed span of time: give days or smaller")
    multiplier, divisor = scale
    return int(span.astype(np.int64)) * step * multiplier / divisor


def _text_ms(text: str, role: str) -> float:
    if _BARE_NUMBER.fullmatch(text):
        raise ValueError(
            f"{role}={text!r} has no unit: give a time span with one ('{text.strip()}s', "
            f"'{text.strip()}min') or an int for a number of points"
        )
    import pandas as pd

    spelled = _OLD_UNITS.sub(lambda m: m.group(1) + _UNIT_SPELLING[m.group(2)], text)
    try:
        span = pd.Timedelta(spelled)
    except (ValueError, OverflowError) as error:  # OutOfBoundsTimedelta is a ValueError
        raise ValueError(
            f"{role}={text!r} is not a time span pandas can read ({error}); "
            "examples: '500ms', '30s', '10min', '2h', '1d'"
        ) from None
    if span is pd.NaT or not isinstance(span, pd.Timedelta):
        raise ValueError(f"{role}={text!r} is not a time span (it reads as NaT)")
    return span.value / 1_000_000
