"""How a chart looks: its kind, per-series styles, the y scale and range, and annotations.

Plain checks and conversions, no widget: each function takes what a user gives, raises
TypeError or ValueError naming the option and what is allowed, and returns the JSON-ready value
the widget syncs to the page (see `docs/protocol.md` for the traits).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal

import numpy as np

from ._core.coerce import ValueProblem, XKind, datetime64_ms, datetime_ms, parse_iso
from ._core.pipeline import MAX_WINDOW
from ._core.window import span_ms

KINDS = ("line", "step", "scatter", "area", "bars")
"""The kinds a chart (or one of its series) can be drawn as; the first is the default."""

CANDLES = "candles"
"""The kind of a chart of bars built from ticks: chosen when the chart is made, with `bar=`."""

YScale = Literal["linear", "log"]
Y_SCALES: tuple[YScale, ...] = ("linear", "log")

AXES = ("left", "right")

# Named dashes, as canvas dash patterns in CSS pixels.
DASHES: dict[str, list[float]] = {"solid": [], "dashed": [6.0, 4.0], "dotted": [1.5, 3.0]}

MAX_WIDTH = 20.0
"""The widest stroke a series may have, in CSS pixels."""

MAX_LABEL = 200
"""Characters kept of an annotation's label or text."""

# A CSS colour as users write them: a hex colour, a name, or a function such as rgb(...) or
# hsl(...). The browser has the last word; this refuses only what could never be one (and
# anything that could break out of a style value).
_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]+|[a-z]+\([0-9a-zA-Z.,%/\s+-]*\)")

_SERIES_OPTIONS = ("color", "width", "dash", "axis", "visible", "kind")


def check_kind(kind: object, role: str = "kind") -> str:
    """The kind's name, or ValueError naming the kinds there are."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"{role} must be one of {', '.join(map(repr, KINDS))}, not {kind!r}")
    return kind


def parse_bar(kind: str, bar: object, volume: object, x_type: XKind) -> tuple[float | None, XKind]:
    """The bar width of a candle chart in x units (None for other kinds) and the x type it
    needs. `bar` is a time span ("1min", "5s", a timedelta: bars of a time axis, which it makes
    "time") or a positive number (bars of a number axis, which it makes "number"). `bar=` and
    `volume=` belong to `kind="candles"`, which needs `bar=`."""
    if kind != CANDLES:
        if bar is not None or volume is not None:
            given = "bar=" if bar is not None else "volume="
            raise ValueError(f'{given} belongs to kind="candles", not kind={kind!r}')
        return None, x_type
    if bar is None:
        raise ValueError('kind="candles" needs bar=, the width of a bar (such as "1min")')
    if isinstance(bar, numbers.Real) and not isinstance(bar, bool):
        width = float(bar)
        if not 0 < width < math.inf:
            raise ValueError(f"bar must be a positive, finite width, not {bar!r}")
        if x_type == "time":
            raise ValueError("bars of a time axis are a span of time: give bar='1min' or such")
        return width, "number"
    width = span_ms(bar, "bar")
    if x_type == "number":
        raise ValueError(f"bar={bar!r} is a span of time, but x_type='number': give a number")
    return width, "time"


def styles_for_kind(kind: str, styles: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """`styles` (checked by `series_styles`), or ValueError when one names a kind on a candle
    chart, whose series are all candles."""
    if kind == CANDLES:
        for name, style in styles.items():
            if "kind" in style:
                raise ValueError(
                    f"series[{name!r}] kind: a candle chart draws every series as candles "
                    "(and their volumes as bars)"
                )
    return styles


def axis_labels(
    fields: Sequence[str], styles: Mapping[str, Mapping[str, Any]], volume: str | None
) -> tuple[str, str]:
    """The labels of the left and right y axes: the `y` fields drawn on each (a field's series
    has the field's name, and its style may put it on the right), and a candle chart's volume
    field on the right, where its bars are drawn."""
    right = [f for f in fields if styles.get(f, {}).get("axis") == "right"]
    left = [f for f in fields if f not in right]
    if volume is not None:
        right.append(volume)
    return ", ".join(left), ", ".join(right)


def check_y_scale(scale: object) -> YScale:
    """'linear' or 'log', or ValueError."""
    if scale == "linear":
        return "linear"
    if scale == "log":
        return "log"
    raise ValueError(f"y_scale must be 'linear' or 'log', not {scale!r}")


def check_color(color: object, role: str = "color") -> str:
    """A CSS colour string (hex, name or rgb()/hsl()...), or "" for the default."""
    if not isinstance(color, str):
        raise TypeError(f"{role} must be a CSS colour string such as '#1f77b4', not {color!r}")
    color = color.strip()
    if color and not _COLOR.fullmatch(color):
        raise ValueError(
            f"{role} {color!r} is not a CSS colour: give a hex colour ('#1f77b4'), a name "
            "('crimson') or a function such as 'rgb(30, 120, 180)'"
        )
    return color


def check_number(value: object, role: str) -> float:
    """A real, finite number as a float, or TypeError/ValueError naming `role`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{role} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{role} must be finite, not {number}")
    return number


def _dash(dash: object, role: str) -> list[float]:
    if isinstance(dash, str):
        if dash not in DASHES:
            raise ValueError(
                f"{role} must be one of {', '.join(map(repr, DASHES))} or a list of lengths, "
                f"not {dash!r}"
            )
        return list(DASHES[dash])
    if not isinstance(dash, (list, tuple)):
        raise TypeError(f"{role} must be a name or a list of lengths in pixels, not {dash!r}")
    lengths = [check_number(length, f"{role} length") for length in dash]
    if any(length < 0 for length in lengths) or (lengths and sum(lengths) == 0):
        raise ValueError(f"{role} lengths must be ≥ 0 and not all 0, not {list(dash)!r}")
    return lengths


def series_style(name: str, options: object) -> dict[str, Any]:
    """One series' style from the options a user gives for it, checked.

    Options (all optional): `color` (CSS colour), `width` (stroke width in pixels, above 0 and at
    most `MAX_WIDTH`), `dash` ("solid", "dashed", "dotted" or a list of lengths), `axis`
    ("left" or "right"), `visible` (bool), `kind` (one of `KINDS`). The result holds only the
    options given, so what is not given stays the chart's default.
    """
    if not isinstance(options, Mapping):
        raise TypeError(
            f"series[{name!r}] must be a dict of options ({', '.join(_SERIES_OPTIONS)}), "
            f"not {options!r}"
        )
    unknown = sorted(str(key) for key in options if key not in _SERIES_OPTIONS)
    if unknown:
        raise ValueError(
            f"series[{name!r}] has unknown option(s) {', '.join(unknown)}; "
            f"valid ones are: {', '.join(_SERIES_OPTIONS)}"
        )
    role = f"series[{name!r}]"
    style: dict[str, Any] = {}
    if "color" in options:
        style["color"] = check_color(options["color"], f"{role} color")
    if "width" in options:
        width = check_number(options["width"], f"{role} width")
        if not 0 < width <= MAX_WIDTH:
            raise ValueError(f"{role} width must be above 0 and at most {MAX_WIDTH:g} pixels")
        style["width"] = width
    if "dash" in options:
        style["dash"] = _dash(options["dash"], f"{role} dash")
    if "axis" in options:
        if options["axis"] not in AXES:
            raise ValueError(f"{role} axis must be 'left' or 'right', not {options['axis']!r}")
        style["axis"] = options["axis"]
    if "visible" in options:
        if not isinstance(options["visible"], (bool, np.bool_)):
            raise TypeError(f"{role} visible must be True or False, not {options['visible']!r}")
        style["visible"] = bool(options["visible"])
    if "kind" in options:
        style["kind"] = check_kind(options["kind"], f"{role} kind")
    return style


def series_styles(series: object) -> dict[str, dict[str, Any]]:
    """The `series=` option checked: a dict from series name (as the legend shows it) to options
    (see `series_style`); None is no styles."""
    if series is None:
        return {}
    if not isinstance(series, Mapping):
        raise TypeError(f"series must be a dict from series name to options, not {series!r}")
    styles: dict[str, dict[str, Any]] = {}
    for name, options in series.items():
        if not isinstance(name, str):
            raise TypeError(f"series names are strings (as the legend shows them), not {name!r}")
        styles[name] = series_style(name, options)
    return styles


def parse_y_range(value: object) -> list[float | None]:
    """The `y_range=` option checked: None (automatic, given as []) or (low, high), where either
    side may be None to leave it automatic. low must be below high."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise TypeError(f"y_range must be None or a pair (low, high), not {value!r}")
    low, high = (None if v is None else check_number(v, "y_range bound") for v in value)
    if low is not None and high is not None and not low < high:
        raise ValueError(f"y_range low must be below high, not ({low:g}, {high:g})")
    return [low, high]


def check_y_range_scale(bounds: list[float | None], scale: YScale) -> None:
    """A fixed bound of a log scale must be above 0."""
    if scale == "log" and any(bound is not None and bound <= 0 for bound in bounds):
        raise ValueError("y_range bounds of a log scale must be above 0")


def x_position(value: object) -> tuple[float, bool]:
    """Where an annotation goes on x: (the x as drawn, whether it was given as a time).

    Times (`datetime`, `date`, `numpy.datetime64`, `pandas.Timestamp`, ISO-8601 text) become
    epoch milliseconds, the unit of time axes; a number is an x in the axis' own units.
    """
    try:
        if isinstance(value, datetime):
            return datetime_ms(value), True
        if isinstance(value, date):
            return datetime_ms(datetime(value.year, value.month, value.day)), True
        if isinstance(value, np.datetime64):
            return datetime64_ms(value), True
        if isinstance(value, str):
            return parse_iso(value), True
    except (ValueProblem, ValueError, OverflowError) as problem:
        raise ValueError(f"x {value!r} is not a time livefeed can place: {problem}") from None
    return check_number(value, "x"), False


def label_text(text: object, role: str) -> str:
    """An annotation's text, cut to `MAX_LABEL` characters."""
    if not isinstance(text, str):
        raise TypeError(f"{role} must be a string, not {text!r}")
    return text[:MAX_LABEL]


def parse_follow(follow: object) -> dict[str, float]:
    """The `follow=` option: what a following view shows of the window.

    None shows the whole window (`{}`); an int, that many of the newest points (`{"points": n}`,
    on any axis: the x range then starts at the n-th newest x of the longest series); a time
    span as `window` takes it ("60s", a timedelta: `{"ms": span}`), the newest span of a time
    axis. Zooming out still reaches the whole window.
    """
    if follow is None:
        return {}
    if isinstance(follow, numbers.Integral) and not isinstance(follow, (bool, np.timedelta64)):
        count = int(follow)
        if not 2 <= count <= MAX_WINDOW:
            raise ValueError(f"follow must be from 2 to {MAX_WINDOW:,} points, not {count:,}")
        return {"points": float(count)}
    if isinstance(follow, bool):
        raise TypeError(f"follow must be a number of points or a time span, not {follow!r}")
    return {"ms": span_ms(follow, "follow")}


def check_tz(tz: object) -> str:
    """The `tz=` option: "local" (the browser's zone), "UTC", or an IANA zone name such as
    "Europe/Paris" (checked against this machine's zone database)."""
    if not isinstance(tz, str) or not tz:
        raise TypeError(f"tz must be 'local', 'UTC' or an IANA zone name, not {tz!r}")
    if tz in ("local", "UTC"):
        return tz
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"tz={tz!r} is not a time zone: give 'local', 'UTC' or an IANA name such as "
            "'Europe/Paris'"
        ) from None
    return tz
