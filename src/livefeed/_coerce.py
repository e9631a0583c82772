"""Turning JSON values into float64 numbers, and x values into numbers or epoch milliseconds.

Pure functions and one small stateful class (`XAxis`); nothing here touches a socket or a widget.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Literal

XKind = Literal["auto", "time", "number"]

# Problem kinds, as they are counted in `stats["error_kinds"]`.
NOT_A_NUMBER = "not_a_number"
NULL_VALUE = "null_value"
NON_FINITE = "non_finite"
BAD_TIME = "bad_time"


class ValueProblem(ValueError):
    """A value that cannot be drawn as given.

    `kind` names the problem for the statistics. When `gap` is true the point is still kept, drawn
    as a gap (its y is NaN): nulls and NaN/Infinity mean "no value here", not "no point here".
    """

    def __init__(self, kind: str, message: str, *, gap: bool = False) -> None:
        super().__init__(message)
        self.kind = kind
        self.gap = gap


def _excerpt(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_number(value: object) -> float:
    """Return `value` as a finite float.

    Numbers (and booleans, as 0 and 1) pass through; strings that spell a number (`"101.50"`, as
    many exchanges send prices) are parsed. Raises `ValueProblem` with `gap=True` for null, NaN and
    infinities, and with `gap=False` for anything else that is not a number.
    """
    kind = type(value)
    if kind is float or kind is int or kind is bool:
        number = float(value)  # type: ignore[arg-type]
    elif kind is str:
        try:
            number = float(value)  # type: ignore[arg-type]
        except ValueError:
            raise ValueProblem(NOT_A_NUMBER, f"{_excerpt(value)} is not a number") from None
    elif value is None:
        raise ValueProblem(NULL_VALUE, "null value (drawn as a gap)", gap=True)
    else:
        raise ValueProblem(NOT_A_NUMBER, f"{_excerpt(value)} is not a number")
    if not math.isfinite(number):
        raise ValueProblem(
            NON_FINITE, f"{_excerpt(value)} is not finite (drawn as a gap)", gap=True
        )
    return number


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


def parse_iso(text: str) -> float:
    """Epoch milliseconds of an ISO-8601 string; a time without a zone is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueProblem(
            BAD_TIME, f"{_excerpt(text)} is neither a number nor an ISO-8601 time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp() * 1000.0


class XAxis:
    """Converts x values, deciding once what the axis is.

    With kind "auto" the first x value decides: an ISO-8601 string or a number in the range of epoch
    seconds, milliseconds, microseconds or nanoseconds makes a time axis (values become epoch
    milliseconds, with that unit kept for every later value); anything else a plain number axis.
    `kind` is then "time" or "number" for good.
    """

    __slots__ = ("_factor", "kind")

    def __init__(self, kind: XKind = "auto") -> None:
        self.kind: XKind = kind
        self._factor: float | None = None

    @property
    def factor(self) -> float | None:
        """What numbers are multiplied by, once the first x value has decided it; else None."""
        return self._factor

    def convert(self, value: object) -> float:
        """Return the x value as a float (epoch ms on a time axis). Raises `ValueProblem`."""
        if type(value) is str:
            try:
                number = float(value)
            except ValueError:
                if self.kind == "number":
                    raise ValueProblem(
                        NOT_A_NUMBER, f"x {_excerpt(value)} is not a number on a numeric axis"
                    ) from None
                self.kind = "time"
                return parse_iso(value)
        elif isinstance(value, datetime):
            self.kind = "time"  # rows pushed from Python may hold datetimes
            return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp() * 1e3
        else:
            try:
                number = to_number(value)
            except ValueProblem as problem:
                # An x without a value cannot be placed at all: never a gap, always dropped.
                raise ValueProblem(problem.kind, f"x: {problem}") from None
        if not math.isfinite(number):
            raise ValueProblem(NON_FINITE, f"x {_excerpt(value)} is not finite")
        factor = self._factor
        if factor is None:
            factor = self._decide(number)
        return number * factor

    def _decide(self, number: float) -> float:
        guessed = epoch_factor(number)
        if self.kind == "auto":
            self.kind = "number" if guessed is None else "time"
        if self.kind == "number":
            self._factor = 1.0
        else:
            # A time axis given numbers of no known magnitude takes them as milliseconds.
            self._factor = 1.0 if guessed is None else guessed
        return self._factor
