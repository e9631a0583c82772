"""Turning values into float64 numbers, and x values into numbers or epoch milliseconds.

Pure functions and one small stateful class (`XAxis`); nothing here touches a socket or a widget.
Values come from JSON (numbers, strings, null) or from Python (`push()`): numpy scalars and 0-d
arrays, `decimal.Decimal`, `fractions.Fraction`, and for x also `datetime`, `date`,
`numpy.datetime64` and `pandas.Timestamp` (pandas is never imported here: its values are
recognised by what they are).
"""

from __future__ import annotations

import math
import numbers
import re
import reprlib
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final, Literal

import numpy as np

XKind = Literal["auto", "time", "number"]

# Problem kinds, as they are counted in `stats["error_kinds"]`.
NOT_A_NUMBER = "not_a_number"
NULL_VALUE = "null_value"
NON_FINITE = "non_finite"
BAD_TIME = "bad_time"

# A time axis holds epoch milliseconds within the range of a JavaScript Date (±100,000,000 days,
# about ±275,000 years): the browser cannot place anything beyond it.
TIME_LIMIT_MS: Final = 8.64e15
_FLOAT_MAX: Final = sys.float_info.max


class ValueProblem(ValueError):
    """A value that cannot be drawn as given.

    `kind` names the problem for the statistics. When `gap` is true the point is still kept, drawn
    as a gap (its y is NaN): nulls and NaN/Infinity mean "no value here", not "no point here".
    """

    def __init__(self, kind: str, message: str, *, gap: bool = False) -> None:
        super().__init__(message)
        self.kind = kind
        self.gap = gap


_REPR = reprlib.Repr()
_REPR.maxlevel = 2  # nested JSON may be thousands of levels deep: never repr all of it
_REPR.maxstring = 40
_REPR.maxother = 40
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4


def _excerpt(value: object, limit: int = 40) -> str:
    """A short, safe description of `value` for an error message; never raises."""
    if isinstance(value, int) and value.bit_length() > 64:
        # repr() of an int of more than 4,300 digits raises, and a long one says nothing useful.
        return f"an integer of {_digits(value):,} digits"
    try:
        text = _REPR.repr(value)
    except Exception:  # a broken __repr__, or an int too long to print inside a container
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _digits(value: int) -> int:
    return max(1, int(abs(value).bit_length() * math.log10(2)) + 1)


def _too_large(value: object) -> ValueProblem:
    # A float cannot hold it: it is infinite as a float, like the JSON number 1e400 is.
    return ValueProblem(
        NON_FINITE, f"{_excerpt(value)} is too large for a float (drawn as a gap)", gap=True
    )


def to_number(value: object) -> float:
    """Return `value` as a finite float.

    Numbers (and booleans, as 0 and 1) pass through, as do numpy numeric scalars and 0-d arrays,
    `Decimal` and `Fraction`; strings that spell a number (`"101.50"`, as many exchanges send
    prices) are parsed. Raises `ValueProblem` with `gap=True` for null (also pandas' NA and NaT),
    NaN, infinities and numbers too large for a float, and with `gap=False` for anything else
    (text, objects, lists, times and durations).
    """
    kind = type(value)
    if kind is float or kind is int or kind is bool:
        try:
            number = float(value)  # type: ignore[arg-type]
        except OverflowError:  # an int of more than about 309 digits
            raise _too_large(value) from None
    elif kind is str:
        try:
            number = float(value)  # type: ignore[arg-type]
        except ValueError:
            raise ValueProblem(NOT_A_NUMBER, f"{_excerpt(value)} is not a number") from None
    elif value is None:
        raise ValueProblem(NULL_VALUE, "null value (drawn as a gap)", gap=True)
    else:
        number = _other_number(value)
    if not math.isfinite(number):
        raise ValueProblem(
            NON_FINITE, f"{_excerpt(value)} is not finite (drawn as a gap)", gap=True
        )
    return number


def _other_number(value: object) -> float:
    """The slow path of `to_number`: everything that is not exactly a float, int, bool or str."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return to_number(value[()])
        raise ValueProblem(NOT_A_NUMBER, f"an array of shape {value.shape} is not a number")
    if _is_missing(value):
        raise ValueProblem(NULL_VALUE, f"{_excerpt(value)}: no value (drawn as a gap)", gap=True)
    if isinstance(value, (datetime, date, np.datetime64)):
        raise ValueProblem(NOT_A_NUMBER, f"{_excerpt(value)} is a time, not a number")
    if isinstance(value, (timedelta, np.timedelta64)):  # numpy counts a timedelta64 as an integer
        raise ValueProblem(NOT_A_NUMBER, f"{_excerpt(value)} is a duration, not a number")
    if isinstance(value, str):  # a subclass of str
        return to_number(str(value))
    if isinstance(value, Decimal) and value.is_nan():
        return math.nan  # float() refuses a signalling NaN; it is a gap like any NaN
    if isinstance(value, (numbers.Real, Decimal, np.bool_)):
        try:
            return float(value)
        except OverflowError:  # a huge Fraction
            raise _too_large(value) from None
        except (TypeError, ValueError):
            pass
    raise ValueProblem(NOT_A_NUMBER, f"{_excerpt(value)} is not a number")


def _is_missing(value: object) -> bool:
    """pandas' NA and NaT, and numpy's NaT: the missing values of frames and time columns."""
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(value))
    name = type(value).__name__
    return (name == "NAType" or name == "NaTType") and type(value).__module__.startswith("pandas")


# Magnitudes of epoch timestamps today, per unit, and the factor that turns each into milliseconds.
# Seconds since 1973 start at 1e8; anything that fits none of the ranges is a plain number.
_EPOCH_UNITS: tuple[tuple[float, float, float], ...] = (
    (1e8, 1e10, 1e3),  # seconds
    (1e11, 1e13, 1.0),  # milliseconds
    (1e14, 1e16, 1e-3),  # microseconds
    (1e17, 1e19, 1e-6),  # nanoseconds
)


def epoch_factor(number: float) -> float | None:
    """The factor turning `number` into epoch milliseconds; None if it does not look like a time."""
    magnitude = abs(number)
    for low, high, factor in _EPOCH_UNITS:
        if low <= magnitude < high:
            return factor
    return None


_EPOCH = datetime(1970, 1, 1)

# ISO-8601 in the extended format feeds send: a date, optionally a time with 1 to 9 fractional
# digits, optionally Z or an offset (+01:00, +0100, +01). Python 3.10's fromisoformat refuses Z,
# fractions of other than 3 or 6 digits and offsets without a colon, so these are parsed here.
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r" ?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?"
)
# From 3.11 on, fromisoformat reads all of the above (and more), several times faster.
_FROMISO_FIRST = sys.version_info >= (3, 11)


def datetime_ms(moment: datetime) -> float:
    """Epoch milliseconds of a datetime, exactly to the microsecond; a naive one is taken as UTC.

    A `pandas.Timestamp` keeps its nanoseconds.
    """
    stamp = getattr(moment, "asm8", None)  # a pandas Timestamp: its UTC datetime64
    if isinstance(stamp, np.datetime64):
        return datetime64_ms(stamp)
    delta = moment.replace(tzinfo=None) - _EPOCH
    offset = moment.utcoffset()
    if offset is not None:
        delta -= offset
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds / 1000


# Per numpy datetime unit: (multiplier, divisor) turning a count of the unit into milliseconds.
# Integer arithmetic and one true division keep results exact where a float can hold them.
_UNIT_MS: Final[dict[str, tuple[int, int]]] = {
    "W": (604_800_000, 1),
    "D": (86_400_000, 1),
    "h": (3_600_000, 1),
    "m": (60_000, 1),
    "s": (1000, 1),
    "ms": (1, 1),
    "us": (1, 1000),
    "ns": (1, 1_000_000),
    "ps": (1, 10**9),
    "fs": (1, 10**12),
    "as": (1, 10**15),
}


def datetime64_unit_ms(dtype: np.dtype[np.datetime64]) -> tuple[int, int] | None:
    """(multiplier, divisor) from a count of `dtype`'s unit to milliseconds; None for Y and M."""
    unit, step = np.datetime_data(dtype)
    scale = _UNIT_MS.get(unit)
    return None if scale is None else (scale[0] * step, scale[1])


def datetime64_ms(value: np.datetime64) -> float:
    """Epoch milliseconds of a numpy datetime64 of any unit. Raises `ValueProblem` for NaT."""
    if np.isnat(value):
        raise ValueProblem(NULL_VALUE, "x is NaT (not a time): the point is dropped")
    scale = datetime64_unit_ms(value.dtype)
    if scale is None:  # years and months are not fixed lengths of time: count days instead
        value = value.astype("datetime64[D]")
        scale = _UNIT_MS["D"]
    count = int(value.astype(np.int64))
    return count * scale[0] / scale[1]


def parse_iso(text: str) -> float:
    """Epoch milliseconds of an ISO-8601 string; a time without a zone is taken as UTC.

    Accepted on every Python version: `2026-01-01`, `2026-01-01T12:30`, `...T12:30:05`, 1 to 9
    fractional digits (after `.` or `,`; kept to the microsecond, as datetimes are), a space for
    the `T`, and `Z`, `+01:00`, `+0100` or `+01`. Newer Pythons accept more ISO forms.
    """
    text = text.strip()
    if _FROMISO_FIRST:
        try:
            return datetime_ms(datetime.fromisoformat(text))
        except ValueError:
            pass  # a form only the fields below read, or no time at all
    return datetime_ms(_parse_iso_fields(text))


def _parse_iso_fields(text: str) -> datetime:
    def refuse() -> ValueProblem:
        return ValueProblem(BAD_TIME, f"{_excerpt(text)} is neither a number nor an ISO-8601 time")

    match = _ISO.fullmatch(text)
    if match is None:
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise refuse() from None
    year, month, day, hour, minute, second, fraction, _zulu, sign, off_h, off_m = match.groups()
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
        )
    except ValueError:  # month 13, February 30th, hour 25...
        raise refuse() from None
    if sign:
        hours, minutes = int(off_h), int(off_m or 0)
        if hours > 23 or minutes > 59:
            raise refuse()
        offset = timedelta(hours=hours, minutes=minutes)
        # The wall time minus its offset is UTC; the result stays naive, which means UTC here.
        moment = moment - offset if sign == "+" else moment + offset
    return moment


def _time_ms(value: object) -> float | None:
    """Epoch milliseconds if `value` is a time object; None if it is not one."""
    if isinstance(value, datetime):  # also pandas' Timestamp and NaT
        if _is_missing(value):
            raise ValueProblem(NULL_VALUE, "x is NaT (not a time): the point is dropped")
        return datetime_ms(value)
    if isinstance(value, date):  # a day: its midnight, UTC
        return datetime_ms(datetime(value.year, value.month, value.day))
    if isinstance(value, np.datetime64):
        return datetime64_ms(value)
    return None


class XAxis:
    """Converts x values, deciding once what the axis is.

    With kind "auto" the first x value decides: an ISO-8601 string, a time object (`datetime`,
    `date`, `numpy.datetime64`, `pandas.Timestamp`) or a number in the range of epoch seconds,
    milliseconds, microseconds or nanoseconds makes a time axis (values become epoch milliseconds,
    with that unit kept for every later number); anything else a plain number axis. `kind` is then
    "time" or "number" for good. A numeric axis refuses times (`not_a_number`): a time never
    switches it. A time axis refuses times outside ±`TIME_LIMIT_MS` (`bad_time`).
    """

    __slots__ = ("_factor", "_limit", "kind")

    def __init__(self, kind: XKind = "auto") -> None:
        self.kind: XKind = kind
        self._factor: float | None = None
        self._limit = TIME_LIMIT_MS if kind == "time" else _FLOAT_MAX

    @property
    def factor(self) -> float | None:
        """What numbers are multiplied by, once the first x value has decided it; else None."""
        return self._factor

    @property
    def limit(self) -> float:
        """The largest magnitude an x value may have on this axis, as converted."""
        return self._limit

    def _set_kind(self, kind: XKind) -> None:
        self.kind = kind
        self._limit = TIME_LIMIT_MS if kind == "time" else _FLOAT_MAX

    def convert(self, value: object) -> float:
        """Return the x value as a float (epoch ms on a time axis). Raises `ValueProblem`.

        An x without a usable value cannot be placed at all: it is never a gap, always dropped.
        """
        kind = type(value)
        if kind is float or kind is int:  # the fast path: most feeds send numbers
            try:
                number = float(value)  # type: ignore[arg-type]
            except OverflowError:
                raise ValueProblem(
                    NON_FINITE, f"x {_excerpt(value)} is too large for a float"
                ) from None
        elif kind is str:
            try:
                number = float(value)  # type: ignore[arg-type]
            except ValueError:
                return self._time_text(value)  # type: ignore[arg-type]
        else:
            return self._convert_other(value)
        factor = self._factor
        if factor is None:
            if not math.isfinite(number):
                raise ValueProblem(NON_FINITE, f"x {_excerpt(value)} is not finite")
            factor = self._decide(number)
        result = number * factor
        limit = self._limit
        if -limit <= result <= limit:  # false for NaN and infinities too
            return result
        raise self._out_of_range(value, number)

    def convert_number(self, number: float, value: object) -> float:
        """The x value of an already parsed `number` (`value` is what was given, for messages)."""
        factor = self._factor
        if factor is None:
            if not math.isfinite(number):
                raise ValueProblem(NON_FINITE, f"x {_excerpt(value)} is not finite")
            factor = self._decide(number)
        result = number * factor
        limit = self._limit
        if -limit <= result <= limit:
            return result
        raise self._out_of_range(value, number)

    def _out_of_range(self, value: object, number: float) -> ValueProblem:
        if not math.isfinite(number):
            return ValueProblem(NON_FINITE, f"x {_excerpt(value)} is not finite")
        return ValueProblem(
            BAD_TIME,
            f"x {_excerpt(value)} is outside the dates a chart can show "
            f"(±{TIME_LIMIT_MS:.3g} ms from 1970)",
        )

    def _time_text(self, text: str) -> float:
        if self.kind == "number":
            raise ValueProblem(
                NOT_A_NUMBER, f"x {_excerpt(text)} is not a number on a numeric axis"
            )
        ms = parse_iso(text)
        self._set_kind("time")
        return self._time_in_range(ms, text)

    def _time_in_range(self, ms: float, value: object) -> float:
        if -TIME_LIMIT_MS <= ms <= TIME_LIMIT_MS:
            return ms
        raise self._out_of_range(value, ms)

    def _convert_other(self, value: object) -> float:
        if isinstance(value, np.ndarray) and value.ndim == 0:
            return self.convert(value[()])
        if value is None:
            raise ValueProblem(NULL_VALUE, "x is null: the point is dropped")
        ms = _time_ms(value)
        if ms is not None:
            if self.kind == "number":
                raise ValueProblem(
                    NOT_A_NUMBER,
                    f"x {_excerpt(value)} is a time, but the x axis is numeric "
                    "(set by x_type='number' or by the first x value)",
                )
            if self.kind == "auto":
                self._set_kind("time")
            return self._time_in_range(ms, value)
        try:
            number = to_number(value)
        except ValueProblem as problem:
            if problem.kind == NULL_VALUE:
                raise ValueProblem(NULL_VALUE, f"x {_excerpt(value)} is missing") from None
            if problem.kind == NON_FINITE:
                raise ValueProblem(NON_FINITE, f"x {_excerpt(value)} is not finite") from None
            raise ValueProblem(problem.kind, f"x: {problem}") from None
        return self.convert_number(number, value)

    def take_time(self) -> bool:
        """Make an undecided axis a time axis (a time value came); False if it is numeric."""
        if self.kind == "auto":
            self._set_kind("time")
        return self.kind == "time"

    def decide(self, number: float) -> float:
        """The factor for numbers, deciding it from `number` (finite) if it is not decided yet."""
        factor = self._factor
        return self._decide(number) if factor is None else factor

    def _decide(self, number: float) -> float:
        guessed = epoch_factor(number)
        if self.kind == "auto":
            self._set_kind("number" if guessed is None else "time")
        if self.kind == "number":
            self._factor = 1.0
        else:
            # A time axis given numbers of no known magnitude takes them as milliseconds.
            self._factor = 1.0 if guessed is None else guessed
        return self._factor
