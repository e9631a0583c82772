"""Browser-direct mode (`LiveChart(url, source="browser")`): the page reads the feed itself.

The page opens the WebSocket and reads each frame with the same rules as `_core` (js/rules/,
proven on the shared vectors), so the chart stays live while the kernel is busy, restarted or
gone. The kernel gets the page's points back for `chart.data`: at most one "points" message per
`POINTS_EVERY_S`, holding at most `POINTS_MAX` points (spread evenly over what was new when
there were more), sent while the kernel is idle; with them the page's status and counts.

This module checks what such a chart is given (`direct_config`) and reads the page's messages
(`read_points`); the widget does the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ._core.coerce import XKind

KERNEL: Final = "kernel"
BROWSER: Final = "browser"
SOURCES: Final = (KERNEL, BROWSER)

# The page's points come back at most this often, this many at most per message (js/direct.js
# and js/store.js hold the same numbers; tests check both sides).
POINTS_EVERY_S: Final = 1.0
POINTS_MAX: Final = 20_000

# Decoders a page has: the others need Python (msgpack, inflating) or are Python functions.
PAGE_DECODERS: Final = ("json", "ndjson")
# Options a page honours, besides the fields; every other connection option is refused.
PAGE_OPTIONS: Final = ("subscribe", "decode", "reconnect", "backoff", "max_backoff")


def check_source(source: object) -> str:
    if source not in SOURCES:
        raise ValueError(f"source must be 'kernel' or 'browser', not {source!r}")
    return str(source)


def direct_config(
    url: object,
    given: Sequence[str],
    *,
    x: str | None,
    y: tuple[str, ...],
    group_by: str | None,
    x_type: XKind,
    subscribe: str | None,
    decode: object,
    reconnect: object,
    backoff: float,
    max_backoff: float,
) -> dict[str, Any]:
    """The `_direct` trait of a chart whose page reads `url`; raises for what a page cannot do.

    `given` names the connection options given with other than their defaults; `subscribe` is
    the text sent on every connect (see `_feed.subscribe_text`).
    """
    if not isinstance(url, str) or not url.startswith(("ws://", "wss://")):
        raise ValueError(
            'source="browser" needs a ws:// or wss:// URL: the page opens the connection itself'
        )
    if "headers" in given:
        raise ValueError(
            'headers= cannot go with source="browser": a browser sends no headers of its own on '
            "a WebSocket. Put a short-lived token in the URL instead (the page holds the URL)."
        )
    refused = [name for name in given if name not in PAGE_OPTIONS]
    if refused:
        raise ValueError(
            f'{", ".join(refused)}: not available with source="browser", where the page holds '
            f"the connection (it honours {', '.join(PAGE_OPTIONS)})"
        )
    if decode not in PAGE_DECODERS:
        raise ValueError(
            f'decode={decode!r} cannot go with source="browser": a page reads "json" or "ndjson"'
        )
    if reconnect not in (True, False, "always"):
        raise ValueError(f"reconnect must be True, False or 'always', not {reconnect!r}")
    for name, value in (("backoff", backoff), ("max_backoff", max_backoff)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
    return {
        "url": url,
        "subscribe": subscribe,
        "decode": decode,
        "x": x,
        "y": list(y),
        "group_by": group_by,
        "x_type": x_type,
        "reconnect": reconnect,
        "backoff": float(backoff),
        "max_backoff": float(max_backoff),
    }


@dataclass(frozen=True)
class PagePoints:
    """One "points" message of a page: columns for `ChartData.push`, and the page's feed state."""

    columns: dict[str, npt.NDArray[Any]]
    status: str
    stats: dict[str, Any]


_STATUSES = ("connecting", "live", "reconnecting", "error", "closed")
_STAT_KEYS = ("messages", "points", "errors", "error_kinds", "reconnects", "last_error")


def read_points(content: Mapping[str, Any], buffers: Sequence[Any]) -> PagePoints:
    """The page's "points" message (docs/protocol.md): raises ValueError when it is malformed.

    `names` lists the series; the buffers are x and y (float64) and each point's series index
    (uint32), all of `count` items.
    """
    names = content.get("names")
    count = content.get("count")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError("points: names must be a list of str")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= POINTS_MAX:
        raise ValueError(f"points: count must be from 0 to {POINTS_MAX}")
    if len(buffers) != 3:
        raise ValueError("points: three buffers (x, y, series) expected")
    x, y, series = (
        np.frombuffer(memoryview(buffer).cast("B"), dtype=dtype)
        for buffer, dtype in zip(buffers, ("<f8", "<f8", "<u4"), strict=True)
    )
    if not len(x) == len(y) == len(series) == count:
        raise ValueError("points: buffers of other lengths than count")
    if count and int(series.max()) >= len(names):
        raise ValueError("points: a series index beyond names")
    status = content.get("status")
    stats = content.get("stats")
    if status not in _STATUSES or not isinstance(stats, dict):
        raise ValueError("points: status and stats expected")
    kept = {key: stats[key] for key in _STAT_KEYS if key in stats}
    labels = np.array(names, dtype=object)
    return PagePoints(
        columns={"x": x.copy(), "series": labels[series], "value": y.copy()},
        status=str(status),
        stats=kept,
    )
