"""`LiveChart`: the widget, a thin layer between a `ChartData` and the browser."""

from __future__ import annotations

import inspect
import os
import ssl as ssl_module
import time
import uuid
import weakref
from collections import deque
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import anywidget
import traitlets

from ._alerting import Callback, alert_runner
from ._chartdata import ChartData, Status
from ._core.alerts import Alert, Crossing
from ._core.coerce import XKind
from ._core.decode import UserFunction
from ._core.pipeline import INTERNAL, ChartSpec
from ._core.window import parse_window
from ._direct import BROWSER, POINTS_EVERY_S, check_source, direct_config, read_points
from ._export import standalone_page, write_page
from ._feed import (
    Feed,
    History,
    Transform,
    check_connection_options,
    ssl_context,
    subscribe_text,
)
from ._orphans import current_cell
from ._outbox import ChartState, Outbox, TokenBucket
from ._redact import public_url
from ._runtime import get_runtime
from ._snapshot import SNAPSHOT_POINTS, snapshot_trait
from ._sources import PushSource, Reconnect
from ._style import (
    CANDLES,
    YScale,
    axis_labels,
    check_color,
    check_kind,
    check_number,
    check_tz,
    check_y_range_scale,
    check_y_scale,
    label_text,
    parse_bar,
    parse_follow,
    parse_y_range,
    series_style,
    series_styles,
    styles_for_kind,
    x_position,
)
from ._wire import encode, is_sync_request

if TYPE_CHECKING:
    import pandas as pd

_STATIC = Path(__file__).parent / "static"

ALERT_ERROR = "alert_error"  # the error kind of an alert callback that raised
PNG_ERROR = "png_error"  # the error kind of a PNG that could not be saved

MAX_MARKERS = 100
"""Alert crossings the page marks on the chart: the newest ones."""

MARKER_PERIOD = 0.25
"""Seconds between two updates of the page's alert markers: a series that hovers about its
threshold and crosses it at every point costs the page four messages a second, not thirty."""


# What push() takes (see `_rows.prepare_rows`): a dict (one row), a list of dicts, a dict of
# equal-length columns (lists, numpy arrays, Series), or a DataFrame.
Rows = Union[Mapping[str, Any], Sequence[Mapping[str, Any]], "pd.DataFrame"]


def _asset(name: str) -> str | Path:
    """A built front-end file: its text, or its path when hot reload is on.

    anywidget watches a file given as a path and keeps every widget instance referenced from the
    file's change signal, so charts could never be garbage-collected: only development (with
    ANYWIDGET_HMR=1) pays that price.
    """
    path = _STATIC / name
    if os.environ.get("ANYWIDGET_HMR"):
        return path
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ImportError(
            f"livefeed's front end is not built ({path} is missing): run npm run build"
        ) from None


class LiveChart(anywidget.AnyWidget):
    """A chart of a live feed: draws every point its source sends.

    The source is a WebSocket URL (the chart then has a `Feed` of its own), a `Feed` shared with
    other charts (one upstream connection for all of them), or None: the chart is then fed only
    by `push()`. `push()` works on every chart, to add history before or after live points.

    Each record gives one point per `y` field: `x` is a field (numbers, numeric strings, epoch
    s/ms/µs/ns or ISO-8601 times) or arrival time when None; `group_by` makes one series per
    distinct value of a field. Field names may be dotted paths into nested JSON.

    `window` bounds what each series keeps, in Python and in the browser: a number of points
    (an int), or a time span on a time axis (`"10min"`, `"30s"`, `"2h"`, or a `timedelta`): each
    series then keeps the points with x ≥ (its newest x - the span), at most `max_points` of them
    (default 100,000; points the bound drops before their time is up are counted in
    `stats["cut"]`). A time window makes the x axis a time axis; with `x_type="number"` it is a
    ValueError.

    `kind="candles"` with `bar=` (a time span such as `"1min"`, or a number on a number axis)
    builds open/high/low/close bars from the ticks of the one `y` field, in the kernel, and
    `volume=` names a field summed per bar beside them. Bars are aligned to whole multiples of
    `bar` since the epoch, equal to pandas' `resample(bar, origin="epoch").ohlc()`; the newest
    bar changes in place as ticks arrive; a tick for an older bar (history pushed after live
    data) joins it, and only a tick older than the window keeps is refused and counted as
    `too_old`. `window` then counts bars, and `data` has one row per bar.

    With a URL, every option of `Feed` may be given here too (`decode`, `transform`, `subscribe`,
    `headers`, `history`, `record`, `reconnect`, `backoff`, `max_backoff`, `ping_interval`,
    `ping_timeout`, `max_size`, `ssl`, `open_timeout`: see `Feed`); with a `Feed` they belong to
    the feed, and giving one here is a TypeError.

    Credentials (the URL's user, password and query, every header value) never reach `stats`,
    the page or a saved notebook: every error text is masked before it is kept.

    `source="browser"` makes the page open the WebSocket itself (with a ws:// or wss:// URL): the
    chart then stays live with the kernel busy, restarted or gone, and the page sends its points
    back for `data` while the kernel is idle (see `_direct`). The URL is then in the page's
    state; `headers` and the options a page cannot honour are refused (ValueError), and so are
    `push()` (RuntimeError) and candles.

    When the cell that made a chart runs again and nothing holds the old chart any more (no
    variable, no container), the old chart stops and closes within a few seconds; a feed of its
    own closes with it, a shared feed goes on.
    """

    _esm = _asset("widget.js")
    _css = _asset("widget.css")

    source = traitlets.Unicode("").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    height = traitlets.Int(300).tag(sync=True)
    window = traitlets.Int(10_000).tag(sync=True)  # points per series; fixed at construction
    window_span_ms = traitlets.Float(0.0).tag(sync=True)  # a time window's span; 0: none
    x_kind = traitlets.Unicode("auto").tag(sync=True)
    x_label = traitlets.Unicode("").tag(sync=True)
    y_label = traitlets.Unicode("").tag(sync=True)  # the left axis': its y fields
    y2_label = traitlets.Unicode("").tag(sync=True)  # the right axis': its y fields, volume
    feed_status = traitlets.Unicode("closed").tag(sync=True)
    feed_stats = traitlets.Dict().tag(sync=True)
    paused = traitlets.Bool(False).tag(sync=True)
    snapshot = traitlets.Dict().tag(sync=True)
    # How the chart looks (see `_style`). Set through the properties and methods below, which
    # check values in the caller's thread and write on the loop thread, the one thread that
    # writes this widget's traits.
    _kind = traitlets.Unicode("line").tag(sync=True)
    _series = traitlets.Dict().tag(sync=True)
    _y_scale = traitlets.Unicode("linear").tag(sync=True)
    _y_range: traitlets.List[float | None] = traitlets.List().tag(sync=True)
    _annotations: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    _follow = traitlets.Dict().tag(sync=True)
    _link = traitlets.Unicode("").tag(sync=True)  # a link group shared by linked charts
    _alerts_fired: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    _tz = traitlets.Unicode("local").tag(sync=True)
    _bar_ms = traitlets.Float(0.0).tag(sync=True)  # a candle chart's bar width; 0: not one
    # A chart whose page reads the feed itself: what it reads (see _direct); {} for none.
    _direct = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        url: str | Feed | None = None,
        *,
        y: str | Sequence[str] = "value",
        x: str | None = None,
        group_by: str | None = None,
        window: int | str | timedelta = 10_000,
        max_points: int | None = None,
        title: str = "",
        height: int = 300,
        x_type: XKind = "auto",
        kind: str = "line",
        bar: str | timedelta | float | None = None,
        volume: str | None = None,
        series: Mapping[str, Mapping[str, Any]] | None = None,
        y_scale: YScale = "linear",
        y_range: tuple[float | None, float | None] | None = None,
        follow: int | str | timedelta | None = None,
        tz: str = "local",
        subscribe: object = None,
        headers: Mapping[str, str] | None = None,
        decode: str | UserFunction = "json",
        transform: Transform | None = None,
        history: History | None = None,
        record: str | Path | None = None,
        reconnect: Reconnect = True,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        ping_interval: float | None = 20.0,
        ping_timeout: float | None = 20.0,
        max_size: int | None = 4 * 2**20,
        ssl: ssl_module.SSLContext | str | Path | None = None,
        open_timeout: float = 10.0,
        source: str = "kernel",
        **unknown: object,
    ) -> None:
        if unknown:
            valid = ", ".join(sorted(_PARAMETERS))
            raise TypeError(
                f"LiveChart() got unexpected keyword argument(s) {', '.join(sorted(unknown))}; "
                f"valid ones are: url, {valid}"
            )
        connection = {
            "subscribe": subscribe,
            "headers": headers,
            "decode": decode,
            "transform": transform,
            "history": history,
            "record": record,
            "reconnect": reconnect,
            "backoff": backoff,
            "max_backoff": max_backoff,
            "ping_interval": ping_interval,
            "ping_timeout": ping_timeout,
            "max_size": max_size,
            "ssl": ssl,
            "open_timeout": open_timeout,
        }
        given = [name for name, value in connection.items() if value != _DEFAULTS[name]]
        if x_type not in ("auto", "time", "number"):
            raise ValueError(f"x_type must be 'auto', 'time' or 'number', not {x_type!r}")
        if type(height) is not int or height < 1:
            raise ValueError(f"height must be a positive number of pixels, not {height!r}")
        if kind != CANDLES:
            kind = check_kind(kind)
        bar_width, x_type = parse_bar(kind, bar, volume, x_type)
        styles = styles_for_kind(kind, series_styles(series))
        scale = check_y_scale(y_scale)
        bounds = parse_y_range(y_range)
        check_y_range_scale(bounds, scale)
        following = parse_follow(follow)
        zone = check_tz(tz)
        if "ms" in following and x_type == "number":
            raise ValueError("follow is a time span, but x_type='number': give a number of points")
        y_fields = (y,) if isinstance(y, str) else tuple(y)
        points, span_ms = parse_window(window, max_points)
        # What the page reads when it opens the feed itself: for source="browser", and for a
        # page saved with save(..., live=True).
        page_fields: dict[str, Any] = {
            "x": x,
            "y": y_fields,
            "group_by": group_by,
            "x_type": x_type,
            "subscribe": subscribe_text(subscribe),
            "decode": decode,
            "reconnect": reconnect,
            "backoff": backoff,
            "max_backoff": max_backoff,
        }
        direct: dict[str, Any] = {}
        if check_source(source) == BROWSER:
            if kind == CANDLES:
                raise ValueError(
                    'kind="candles" cannot go with source="browser": bars are built in the kernel'
                )
            direct = direct_config(url, given, **page_fields)
        # A kernel-fed chart's live page reads this chart's own feed, when a page can read it
        # (else why not).
        live_page: dict[str, Any] | str = direct or _live_page(
            url, given, candles=kind == CANDLES, **page_fields
        )
        spec = ChartSpec(
            y=y_fields,
            x=x,
            group_by=group_by,
            window=points,
            x_type=x_type,
            span_ms=span_ms,
            log_y=scale == "log",
            bar=bar_width,
            volume=volume,
        )
        if direct:
            # The page reads the records; the kernel gets its points back as columns x, series,
            # value (the series named by the page), which is also the shape of `data`.
            spec = ChartSpec(
                y=("value",),
                x="x",
                group_by="series",
                window=spec.window,
                x_type=x_type,
                span_ms=spec.span_ms,
                log_y=spec.log_y,
            )
        # A URL's feed checks its options itself; without one they are still checked, so that
        # a wrong value is named as such rather than as an option given in the wrong place.
        if not isinstance(url, str) or direct:
            check_connection_options(
                reconnect=reconnect,
                backoff=backoff,
                max_backoff=max_backoff,
                ping_interval=ping_interval,
                ping_timeout=ping_timeout,
                max_size=max_size,
                open_timeout=open_timeout,
            )
            ssl_context(ssl, "")
        if url is not None and not isinstance(url, (str, Feed)):
            raise TypeError(
                f"url must be a ws:// or wss:// URL, a Feed, or None, not {type(url).__name__}"
            )
        feed: Feed | None
        if direct:
            feed, owns_feed = None, False
        elif isinstance(url, Feed):
            if given:
                raise TypeError(
                    f"{', '.join(given)}: connection options belong to the Feed; "
                    "give them to Feed(...) rather than to a chart of it"
                )
            if url.closed:
                raise ValueError("this Feed is closed: make a new Feed")
            feed, owns_feed = url, False
        elif url is None:
            if given:
                raise TypeError(
                    f"{', '.join(given)}: connection options need a URL; "
                    "a chart without one is fed by push()"
                )
            feed, owns_feed = None, False
        else:
            feed = Feed(url, _start_on_attach=True, **connection)  # type: ignore[arg-type]
            owns_feed = True
        self._data = data = ChartData(spec)
        self._y_fields, self._volume = y_fields, volume
        labels = axis_labels(y_fields, styles, volume)
        super().__init__(
            source=public_url(direct["url"]) if direct else "" if feed is None else feed.url,
            _direct=direct,
            title=title,
            height=height,
            window=spec.window,
            window_span_ms=spec.span_ms or 0.0,
            x_kind=data.x_kind,
            x_label=x or "time",
            y_label=labels[0],
            y2_label=labels[1],
            _kind=kind,
            _series=styles,
            _y_scale=scale,
            _y_range=bounds,
            _follow=following,
            _tz=zone,
            _bar_ms=bar_width or 0.0,
        )
        self._next_annotation = 1
        self._next_alert = 1
        self._alerts: dict[int, tuple[Alert, Callback | None]] = {}
        self._markers: deque[dict[str, Any]] = deque(maxlen=MAX_MARKERS)
        self._markers_changed = False
        self._markers_sent = 0.0
        # Views open per page (pages say so as views come and go), and the PNGs asked of them.
        self._views: dict[str, int] = {}
        self._pictures: dict[int, Path] = {}
        self._next_picture = 1
        self._closed = False
        # The cell that made this chart: when it runs again, an unheld chart is stopped.
        self._cell = current_cell()
        self._reset_wanted = False
        self._outbox = Outbox()
        self._last_stats: tuple[float, int] = (time.monotonic(), 0)
        self._snapshot_seq = -1
        self._rate = 0.0
        self.on_msg(self._on_view_message)
        self._runtime = runtime = get_runtime()
        self._feed = feed
        self._owns_feed = owns_feed
        self._push_source: PushSource | None = None
        # Browser-direct mode: the page that sends points back, when it last did, its counts.
        self._browser = bool(direct)
        self._live_page = live_page
        self._points_page: tuple[str, float] | None = None
        self._page_stats: dict[str, Any] = {}
        if direct:
            data.set_status("connecting")
        elif feed is None:
            self._push_source = PushSource()
            self._push_source.start(runtime, data)
        else:
            feed.attach(data)
        # A chart that is garbage-collected must not leave its records flowing (nor, when the
        # feed is its own, its connection open). The finaliser holds the feed, not the chart.
        # The feed is held weakly there: a finaliser's arguments live until the chart is
        # collected, and a shared feed must not look held (see `_orphans`) by a chart gone.
        weakref.finalize(
            self, _let_go, None if feed is None else weakref.ref(feed), data, owns_feed
        )
        runtime.add(self)

    @traitlets.validate("window")
    def _window_is_fixed(self, proposal: dict[str, Any]) -> int:
        # Python's rings are sized when the chart is made; a view must never hold another size.
        value = int(proposal["value"])
        if value != self._data.spec.window:
            raise traitlets.TraitError("window is fixed when the chart is made: make a new chart")
        return value

    @traitlets.validate("_y_scale")
    def _y_scale_is_fixed(self, proposal: dict[str, Any]) -> str:
        # The pipeline counts log gaps from the chart's making on: a later scale would miscount.
        value = str(proposal["value"])
        if value != ("log" if self._data.spec.log_y else "linear"):
            raise traitlets.TraitError("y_scale is fixed when the chart is made: make a new chart")
        return value

    # -- what users call ---------------------------------------------------------------------

    @property
    def status(self) -> Status:
        """One of connecting, live, reconnecting, closed, error (see `stats["last_error"]`)."""
        return self._data.status

    @property
    def stats(self) -> dict[str, Any]:
        """Counters of everything received: messages, points, errors (and `error_kinds`),
        reconnects, last_error, coalesced, cut (see `window`), and `rate`, messages per second
        lately."""
        stats = self._data.stats()
        # Browser-direct: what the page counted of its feed (the kernel's counts are of the
        # page's messages of points, which say nothing of the feed).
        stats.update(self._page_stats)
        stats["rate"] = self._rate
        return stats

    @property
    def data(self) -> pd.DataFrame:
        """The points the window holds: columns `x`, `series`, `value`.

        Rows are sorted by x; rows of equal x by series (in the order the series appeared), then
        by arrival. `x` is a UTC datetime column on a time axis, float otherwise; NaN values are
        gaps.

        A candle chart has one row per bar instead: `x` (the bar's start), `series`, `open`,
        `high`, `low`, `close`, and `volume` when the chart was given `volume=` (NaN for a bar
        without one). Rows are sorted by x, then by series.
        """
        import pandas as pd

        if self._kind == CANDLES:
            bar_x, families, codes, table = self._data.bars()
            bars: pd.DataFrame = pd.DataFrame(
                {
                    "x": _x_column(bar_x, self._data.x_kind == "time"),
                    "series": pd.Categorical.from_codes(
                        codes, categories=pd.Index(families, dtype=object)
                    ),
                    **table,
                }
            )
            return bars
        x, series, y, names, is_time = self._data.columns()
        labels = pd.Categorical.from_codes(series, categories=pd.Index(names, dtype=object))
        frame: pd.DataFrame = pd.DataFrame(
            {"x": _x_column(x, is_time), "series": labels, "value": y}
        )
        return frame

    def push(self, rows: Rows) -> None:
        """Feed rows from Python: a dict (one row), a list of dicts, a dict of equal-length
        columns (lists, numpy arrays, pandas Series) or a DataFrame, whose index is the x when
        `x` names it. Values may be numpy scalars, Decimal, datetimes and the like.

        They go through the same path as messages from the socket; problems with values are
        counted in `stats`. Raises TypeError or ValueError for what cannot be read as rows
        (e.g. columns of unequal lengths), and RuntimeError once the chart is stopped or closed.
        """
        if self._closed:
            raise RuntimeError(
                "push() on a stopped chart: stop() or close() ended its feed; "
                "make a new LiveChart to draw more"
            )
        if self._browser:
            raise RuntimeError(
                'push() on a chart with source="browser": its page reads the feed and holds the '
                "points; push to a chart of its own (LiveChart() with no URL)"
            )
        self._data.push(rows)

    # -- how it looks --------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """How series are drawn unless their own style says otherwise: "line", "step",
        "scatter", "area" or "bars". Settable; every view redraws at once."""
        return self._kind

    @kind.setter
    def kind(self, kind: str) -> None:
        if CANDLES in (kind, self._kind):
            raise ValueError(
                'a candle chart holds bars, other charts points: kind="candles" is chosen when '
                "the chart is made (with bar=), and kept"
            )
        value = check_kind(kind)
        self._write("_kind", value)

    @property
    def series(self) -> dict[str, dict[str, Any]]:
        """Per-series styles, by series name (as the legend shows it): a copy. Assigning
        replaces them all; `style()` changes one series."""
        return {name: dict(options) for name, options in self._series.items()}

    @series.setter
    def series(self, series: Mapping[str, Mapping[str, Any]] | None) -> None:
        self._write("_series", styles_for_kind(self._kind, series_styles(series)))

    def style(self, name: str, **options: Any) -> None:
        """Change series `name`'s style: `color`, `width`, `dash`, `axis` ("left" or "right"),
        `visible`, `kind`; options not given keep their value. The series need not exist yet."""
        if not isinstance(name, str):
            raise TypeError(f"a series name is a string, not {name!r}")
        changed = styles_for_kind(self._kind, {name: series_style(name, options)})[name]

        def merge() -> None:
            styles = self.series
            styles[name] = {**styles.get(name, {}), **changed}
            self._series = styles

        self._runtime.run_sync(merge)

    @property
    def y_scale(self) -> str:
        """ "linear" or "log" (values ≤ 0 are gaps there, counted in `stats["log_gaps"]`);
        fixed when the chart is made."""
        return self._y_scale

    @property
    def y_range(self) -> tuple[float | None, float | None] | None:
        """The fixed y range (low, high), either side None for automatic; None when both are.
        Settable."""
        bounds = self._y_range
        return None if not bounds else (bounds[0], bounds[1])

    @y_range.setter
    def y_range(self, value: tuple[float | None, float | None] | None) -> None:
        bounds = parse_y_range(value)
        check_y_range_scale(bounds, check_y_scale(self._y_scale))
        self._write("_y_range", bounds)

    @property
    def follow(self) -> dict[str, float]:
        """What following views show: `{}` (the whole window), `{"points": n}` or `{"ms": span}`.
        Settable with what `follow=` takes."""
        return dict(self._follow)

    @follow.setter
    def follow(self, follow: int | str | timedelta | None) -> None:
        following = parse_follow(follow)
        if "ms" in following and self.x_kind == "number":
            raise ValueError("follow is a time span, but the x axis holds numbers")
        self._write("_follow", following)

    @property
    def tz(self) -> str:
        """The zone of the time axis' labels and the legend's times: "local" (the browser's, the
        default), "UTC" or an IANA name. Settable. `data` is always in UTC."""
        return self._tz

    @tz.setter
    def tz(self, tz: str) -> None:
        self._write("_tz", check_tz(tz))

    @property
    def annotations(self) -> list[dict[str, Any]]:
        """The annotations drawn on the chart (copies), each with its `id`."""
        return [dict(item) for item in self._annotations]

    def hline(self, y: float, label: str = "", color: str = "") -> int:
        """Draw a horizontal line at `y` (on the left axis), with an optional label. Returns
        its id, for `remove_annotation`. Kept in the chart's state: it survives a page reload
        and is in a notebook saved with widget state."""
        value = x_position(y)
        if value[1]:
            raise TypeError(f"hline takes a y value (a number), not a time: {y!r}")
        return self._annotate(
            {"type": "hline", "y": value[0], "label": label_text(label, "label")}, color
        )

    def vline(self, x: object, label: str = "", color: str = "") -> int:
        """Draw a vertical line at `x`: a number, or on a time axis a `datetime`, a pandas
        `Timestamp`, a `numpy.datetime64` or an ISO-8601 string (a number is then epoch
        milliseconds). Returns its id."""
        at, _ = x_position(x)
        item = {"type": "vline", "x": at, "label": label_text(label, "label")}
        return self._annotate(item, color)

    def mark(self, x: object, text: str, color: str = "") -> int:
        """Put a marker with `text` at the top of the plot at `x` (as for `vline`). Returns its
        id."""
        at, _ = x_position(x)
        return self._annotate({"type": "mark", "x": at, "text": label_text(text, "text")}, color)

    def remove_annotation(self, annotation: int) -> None:
        """Remove the annotation of that id; KeyError if the chart has none of that id."""

        def remove() -> None:
            kept = [item for item in self._annotations if item["id"] != annotation]
            if len(kept) == len(self._annotations):
                raise KeyError(f"this chart has no annotation of id {annotation!r}")
            self._annotations = kept

        self._runtime.run_sync(remove)

    def clear_annotations(self) -> None:
        """Remove every annotation."""
        self._write("_annotations", [])

    def _annotate(self, item: dict[str, Any], color: str) -> int:
        item["color"] = check_color(color)

        def add() -> int:
            item["id"] = number = self._next_annotation
            self._next_annotation += 1
            self._annotations = [*self._annotations, item]
            return number

        return self._runtime.run_sync(add)

    # -- alerts --------------------------------------------------------------------------------

    def alert(
        self,
        series: str,
        above: float | None = None,
        below: float | None = None,
        callback: Callback | None = None,
    ) -> int:
        """Watch `series` (its name as the legend shows it) for a new point going above `above`
        or below `below`. On each crossing (a point beyond the threshold after one that was not;
        the first point counts when it is beyond) the views mark the point, the badge counts it
        (`stats["alerts"]`), and `callback(event)` runs.

        The callback runs on the thread named "livefeed-alerts", one callback at a time, within
        about a tick of the runtime (1/30 s) after the point arrived; it must be quick, as later
        callbacks wait for it. `event` holds `alert` (this id), `series`, `x` (a UTC datetime
        on a time axis, else a float), `y`, `side` ("above" or "below") and `threshold`. A
        callback that raises is counted as an `alert_error`; the feed and the alerts go on.
        History (`history=`, `push_history`) fires no alert. Returns the alert's id.
        """
        if not isinstance(series, str):
            raise TypeError(f"series must be a series name (a string), not {series!r}")
        bounds = [
            None if v is None else check_number(v, name)
            for v, name in ((above, "above"), (below, "below"))
        ]
        if bounds[0] is None and bounds[1] is None:
            raise ValueError("alert() needs a threshold: give above=, below= or both")
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable, not {callback!r}")
        number = self._next_alert
        self._next_alert += 1
        alert = Alert(number, series, bounds[0], bounds[1])
        self._alerts[number] = (alert, callback)
        self._data.add_alert(alert)
        return number

    def remove_alert(self, alert: int) -> None:
        """Stop the alert of that id; KeyError if the chart has none of that id."""
        if self._alerts.pop(alert, None) is None:
            raise KeyError(f"this chart has no alert of id {alert!r}")
        self._data.remove_alert(alert)

    @property
    def alerts(self) -> list[dict[str, Any]]:
        """The alerts watching this chart's series: id, series, above, below."""
        return [
            {"id": a.id, "series": a.series, "above": a.above, "below": a.below}
            for a, _ in self._alerts.values()
        ]

    def _take_crossings(self, now: float) -> None:
        """Hand new crossings to their callbacks, and mark them in the page (throttled)."""
        crossings = self._data.take_crossings()
        is_time = self._data.x_kind == "time"
        runner = alert_runner()
        for crossing in crossings:
            self._markers.append(_marker(crossing))
            entry = self._alerts.get(crossing.alert)
            callback = None if entry is None else entry[1]
            if callback is not None:
                runner.submit(callback, _event(crossing, is_time), self._callback_failed)
        self._markers_changed = self._markers_changed or bool(crossings)
        if self._markers_changed and now - self._markers_sent >= MARKER_PERIOD:
            self._markers_changed = False
            self._markers_sent = now
            self._alerts_fired = list(self._markers)

    def _callback_failed(self, error: BaseException) -> None:
        self._data.note(ALERT_ERROR, f"an alert callback raised {type(error).__name__}: {error}")

    # -- export --------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str], *, live: bool = False) -> Path:
        """Save the chart as a standalone HTML page (`.html`): every point of its current
        window, drawn by the same front end, with its styles and annotations. The page needs
        no server, kernel or network: open it from the file. Returns the path written.

        With `live=True` the page also opens the chart's feed itself and goes on drawing from the
        window it starts with, with no Jupyter at all (only the feed's network). The feed's URL
        (its token too) is then in the file; a chart whose feed a page cannot read (headers,
        another decoder, a transform, a shared `Feed`, `push()` only, candles) raises ValueError.

        A `.png` is the picture a view of the chart draws, made by the page: the chart must be
        shown somewhere (a ValueError says so otherwise). The page answers at once, but the
        kernel reads its answer only once the running cell has ended, so the file appears then:
        in the next cell, not in this one. A picture the page could not make is counted as
        `png_error` in `stats`, with the page's reason in `stats["last_error"]`.
        """
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix == ".png":
            if live:
                raise ValueError("live=True makes a live .html page; a .png is a picture")
            return self._ask_picture(target)
        if live and isinstance(self._live_page, str):
            raise ValueError(f"save(..., live=True): {self._live_page}")
        if suffix not in (".html", ".htm"):
            raise ValueError(
                f"save() writes .html pages and .png pictures, not "
                f"{suffix or 'files without a suffix'}"
            )
        state = {
            name: value
            for name, value in self.get_state().items()
            if name not in ("_esm", "_css", "layout", "_dom_classes")
        }
        # The whole window, not the decimated snapshot kept for saved notebooks.
        state["snapshot"] = snapshot_trait(self._data.snapshot(self._data.spec.window))
        # Not a trait: the page's badge says when it was saved, instead of "not connected".
        state["_saved_at"] = time.time() * 1000.0
        # A live page reads the feed; any other page does not, whatever the chart does.
        state["_direct"] = self._live_page if live else {}
        page = standalone_page(
            state, _text(_asset("widget.js")), _text(_asset("widget.css")), self.title
        )
        write_page(target, page)
        return target

    def _ask_picture(self, target: Path) -> Path:
        if not any(self._views.values()):
            raise ValueError(
                "no view of this chart is open, and a PNG is what a view draws: show the chart "
                "(put it last in a cell, or display(chart)) and save again, or save an .html page"
            )
        if not target.parent.is_dir():
            raise FileNotFoundError(f"no folder {target.parent} to save {target.name} in")
        request = self._next_picture
        self._next_picture += 1
        self._pictures[request] = target
        self._runtime.run_sync(lambda: self.send({"type": "png", "id": request}))
        return target

    def _take_picture(self, content: dict[str, Any], buffers: object) -> None:
        """The page's answer to a PNG request: the picture's bytes, or why there are none."""
        target = self._pictures.pop(int(content.get("id", -1)), None)
        if target is None:
            return  # not asked, or answered already (two pages of one kernel)
        error = content.get("error")
        data = buffers[0] if isinstance(buffers, list) and buffers else None
        if error is None and data is not None:
            try:
                target.write_bytes(bytes(data))
                return
            except OSError as failure:
                error = f"cannot write {target.name}: {failure.strerror or failure}"
        self._data.note(
            PNG_ERROR, f"{target.name} not saved: {error or 'the page sent no picture'}"
        )

    def unlink(self) -> None:
        """Take this chart out of its `link` group: its x axis moves on its own again."""
        self._write("_link", "")

    @traitlets.observe("_series")
    def _label_axes(self, change: Mapping[str, Any]) -> None:
        # A field moved to the other axis takes its name there.
        self.y_label, self.y2_label = axis_labels(self._y_fields, change["new"], self._volume)

    def _write(self, trait: str, value: object) -> None:
        self._runtime.run_sync(lambda: setattr(self, trait, value))

    def pause(self) -> None:
        """Freeze the drawing in every view; data keeps arriving and counting."""
        self._runtime.run_sync(lambda: setattr(self, "paused", True))

    def resume(self) -> None:
        """Draw again, catching up at once."""
        self._runtime.run_sync(lambda: setattr(self, "paused", False))

    def stop(self) -> None:
        """Take no more data and keep the picture: the chart's own feed ends (its connection
        leaves with a close frame), a shared `Feed` goes on for its other charts; every view
        keeps showing the last data, and a notebook saved now carries it. `push()` then raises.
        """
        self._closed = True
        self._let_go(wait=True)
        self._data.set_status("closed")
        if self._direct:
            self._direct = {}  # the page closes its connection
        # The periodic snapshot may be seconds old; a notebook saved (or executed by nbconvert)
        # right after stop() must carry the final data.
        self._runtime.run_sync(self._refresh_snapshot)

    def close(self) -> None:
        """End the chart, as `Widget.close()` ends any widget: it takes no more data (as with
        `stop()`), its views go away and its memory is freed. `Widget.close_all()` ends
        livefeed charts the same way. To keep the picture, use `stop()`.
        """
        if getattr(self, "_data", None) is None:  # __init__ failed before the chart existed
            super().close()
            return
        if not self._closed:
            self.stop()
        self._runtime.run_sync(self._close_widget)

    def __del__(self) -> None:
        # ipywidgets closes a widget when it is collected; never block on the loop here.
        if getattr(self, "_data", None) is not None:  # absent if __init__ failed early
            self._let_go(wait=False)
        super().close()

    @property
    def feed(self) -> Feed | None:
        """The feed this chart draws (its own when made with a URL), or None for push() only."""
        return self._feed

    def _let_go(self, wait: bool) -> None:
        """Take no more records: leave a shared feed, end a feed of its own (waiting for its
        close frame when `wait`, which must then not run on the loop thread)."""
        feed = self._feed
        if feed is None:
            if self._push_source is not None:
                self._push_source.stop_soon()
            return
        feed.detach(self._data)
        if self._owns_feed:
            if wait:
                feed.close()
            else:
                feed.close_soon()

    def _close_widget(self) -> None:
        self._runtime.discard(self)
        super().close()

    @property
    def cell(self) -> str | None:
        """The cell that made this chart, when made in a notebook."""
        return self._cell

    def stop_orphan(self) -> None:
        """Stop the feed and close the widget of a chart nothing holds; on the loop thread.

        Its cell ran again, so its view is gone from the page; the widget is closed too, so that
        its memory goes with it.
        """
        self._closed = True
        self._let_go(wait=False)
        self._data.set_status("closed")
        self._close_widget()

    def __repr__(self) -> str:
        return f"<LiveChart {self.source or 'push()'} {self.status}>"

    # -- the pump, on the background loop ----------------------------------------------------

    def pump(self, budget: TokenBucket, now: float) -> None:
        """Send what the send policy (`_outbox`) says is due, paying with `budget`."""
        if self.comm is None:
            return
        self._take_crossings(now)
        feed = self._data
        if self._browser:
            # The page holds its points: none go back to it. Taken all the same, so that the
            # snapshot (for saved notebooks) follows what arrived.
            feed.take_batch()
            self._reset_wanted = False
        state = ChartState(
            reset_wanted=self._reset_wanted,
            has_points=feed.has_unsent(),
            status_changed=feed.status != self.feed_status,
            kind_changed=feed.x_kind != self.x_kind,
            # A batch or reset went out since the last snapshot was made.
            data_changed=feed.seq != self._snapshot_seq,
        )
        for action in self._outbox.plan(now, state, budget):
            if action == "reset":
                self._reset_wanted = False
                self.send(*encode(feed.take_reset()))
            elif action == "batch":
                batch = feed.take_batch()
                if batch is not None:
                    self.send(*encode(batch))
            elif action == "status":
                self.feed_status = feed.status
            elif action == "x_kind":
                self.x_kind = feed.x_kind
            elif action == "stats":
                self._refresh_stats(now)
            elif action == "snapshot":
                self._refresh_snapshot()

    def _refresh_stats(self, now: float) -> None:
        then, messages_then = self._last_stats
        messages = (
            int(self._page_stats.get("messages", 0)) if self._browser else self._data.messages
        )
        self._rate = round((messages - messages_then) / max(now - then, 1e-6), 1)
        self._last_stats = (now, messages)
        stats = self.stats
        if stats != self.feed_stats:
            self.feed_stats = stats

    def _refresh_snapshot(self) -> None:
        snapshot = self._data.snapshot(SNAPSHOT_POINTS)
        self._snapshot_seq = snapshot.seq
        self.snapshot = snapshot_trait(snapshot)

    def pump_failed(self, error: BaseException) -> None:
        self._data.note(INTERNAL, f"internal error while sending to the browser: {error!r}")

    def _on_view_message(self, _widget: object, content: object, buffers: object) -> None:
        # Runs on the kernel's shell thread: only raise a flag; the pump answers on its own thread.
        if is_sync_request(content):
            self._reset_wanted = True
            return
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "views":
            count = content.get("count")
            if isinstance(count, int) and count >= 0:
                self._views[str(content.get("page"))] = count
        elif kind == "png":
            self._take_picture(content, buffers)
        elif kind == "points" and self._browser:
            self._take_points(content, buffers)

    def _take_points(self, content: dict[str, Any], buffers: object) -> None:
        """The points a browser-direct chart's page read (see `_direct`), on the shell thread.

        One page at a time is heard: two pages showing the chart would give every point twice.
        Another page is heard once the first has sent nothing for `PAGE_SILENT_S`.
        """
        page, at = str(content.get("page")), time.monotonic()
        if self._points_page is not None:
            heard, last = self._points_page
            if page != heard and at - last < PAGE_SILENT_S:
                return
        self._points_page = (page, at)
        try:
            points = read_points(content, buffers if isinstance(buffers, list) else [])
        except ValueError as error:  # a page of another version, or a bug of ours
            self._data.note(INTERNAL, f"internal error: a page sent {error}")
            return
        if not self._closed:
            self._data.push(points.columns)
            self._data.set_status(points.status)  # type: ignore[arg-type]
        self._page_stats = points.stats


# A page that sent no points for this long gives way to another (see `_take_points`): a few
# times the page's period, so that a busy page is not mistaken for a gone one.
PAGE_SILENT_S = 10 * POINTS_EVERY_S

_PARAMETERS = tuple(
    name
    for name in inspect.signature(LiveChart.__init__).parameters
    if name not in ("self", "url", "unknown")
)
_DEFAULTS = {
    name: parameter.default
    for name, parameter in inspect.signature(LiveChart.__init__).parameters.items()
}


def _live_page(
    url: object, given: Sequence[str], *, candles: bool, **fields: Any
) -> dict[str, Any] | str:
    """What a live saved page of a kernel-fed chart reads (see `save`), or why it cannot."""
    if not isinstance(url, str):
        return "the page needs a feed of the chart's own: " + (
            "a chart fed by push() has none" if url is None else "this chart shares a Feed"
        )
    if candles:
        return "candles are built in the kernel; a page cannot build them"
    try:
        return direct_config(url, given, **fields)
    except ValueError as error:
        return str(error).replace('source="browser"', "a live page")


def _text(asset: str | Path) -> str:
    return asset.read_text(encoding="utf-8") if isinstance(asset, Path) else asset


def _x_column(x: Any, is_time: bool) -> Any:
    """x as `data` gives it: UTC datetimes on a time axis, the floats otherwise."""
    if not is_time:
        return x
    import pandas as pd

    # Through microseconds: pandas' own ms conversion overflows past the year 2262.
    return pd.DatetimeIndex((x * 1000).astype("datetime64[us]")).tz_localize("UTC")


def _let_go(feed_ref: weakref.ref[Feed] | None, data: ChartData, owns_feed: bool) -> None:
    """The finaliser of a collected chart: never blocks."""
    feed = None if feed_ref is None else feed_ref()
    if feed is not None:
        feed.detach(data)
        if owns_feed:
            feed.close_soon()


def link(*charts: LiveChart) -> str:
    """Link the x axes of `charts` (at least two): zooming, panning or following in one moves
    the others the same way, in every view of the page. A chart is in one group at most: linking
    it again takes it out of its old group. Returns the group's name; `chart.unlink()` undoes it.
    Only x is shared: each chart keeps its own y range.
    """
    if len(charts) < 2:
        raise ValueError(f"link() takes two charts or more, not {len(charts)}")
    for chart in charts:
        if not isinstance(chart, LiveChart):
            raise TypeError(f"link() takes LiveCharts, not {type(chart).__name__}")
    group = uuid.uuid4().hex
    for chart in charts:
        chart._write("_link", group)
    return group


def _marker(crossing: Crossing) -> dict[str, Any]:
    return {
        "alert": crossing.alert,
        "series": crossing.series,
        "x": crossing.x,
        "y": crossing.y,
        "side": crossing.side,
        "threshold": crossing.threshold,
    }


def _event(crossing: Crossing, is_time: bool) -> dict[str, Any]:
    event = _marker(crossing)
    if is_time:
        event["x"] = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=crossing.x)
    return event
