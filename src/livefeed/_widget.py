"""`LiveChart`: the widget, a thin layer between a `ChartData` and the browser."""

from __future__ import annotations

import inspect
import json
import os
import ssl as ssl_module
import time
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union
from urllib.parse import urlsplit

import anywidget
import traitlets

from ._chartdata import ChartData, Status
from ._core.coerce import XKind
from ._core.decode import UserFunction, decoder_factory
from ._core.pipeline import INTERNAL, ChartSpec
from ._orphans import current_cell
from ._outbox import ChartState, Outbox, TokenBucket
from ._redact import Redactor, public_url
from ._runtime import get_runtime
from ._snapshot import SNAPSHOT_POINTS, snapshot_trait
from ._sources import ConnectOptions, PushSource, Reconnect, Source, WebSocketSource
from ._wire import encode, is_sync_request

if TYPE_CHECKING:
    import pandas as pd

_STATIC = Path(__file__).parent / "static"


# What push() takes (see `_rows.prepare_rows`): a dict (one row), a list of dicts, a dict of
# equal-length columns (lists, numpy arrays, Series), or a DataFrame.
Rows = Union[Mapping[str, Any], Sequence[Mapping[str, Any]], "pd.DataFrame"]


def _ssl_context(
    ssl: ssl_module.SSLContext | str | Path | None, url: str
) -> ssl_module.SSLContext | None:
    if ssl is None:
        return None
    if urlsplit(url).scheme != "wss":
        raise ValueError("ssl= applies to wss:// URLs only; this URL is not encrypted")
    if isinstance(ssl, ssl_module.SSLContext):
        return ssl
    if not isinstance(ssl, (str, Path)):
        raise TypeError(f"ssl= takes an ssl.SSLContext or a CA file, not {type(ssl).__name__}")
    return ssl_module.create_default_context(cafile=str(ssl))


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
    """A chart of a live feed: connects to a WebSocket URL and draws every point it sends.

    Each message (a JSON object, an array of objects, or newline-delimited objects) gives one point
    per `y` field per object: `x` is a field (numbers, numeric strings, epoch s/ms/µs/ns or ISO-8601
    times) or arrival time when None; `group_by` makes one series per distinct value of a field.
    Field names may be dotted paths into nested JSON. `window` bounds the points kept per series, in
    Python and in the browser. With `url=None` the chart is fed only by `push()`.

    `decoder` reads the frames: "json" (the default, as above), "ndjson" (frames are pieces of one
    newline-delimited stream; a record split across frames is joined), or a function
    `frame -> dict | list[dict]` for any other format (a binary frame comes as bytes); what the
    function raises is counted as `decode_error`. Each connection gets a fresh decoder.

    Connection: `subscribe` (a str, or anything JSON-serialisable) is sent after every connect;
    `headers` go with the handshake and never reach the browser or a saved notebook. `reconnect`
    (True, False or "always", which also reconnects after a normal close) with exponential backoff
    from `backoff` to `max_backoff` seconds; `ping_interval`/`ping_timeout` detect a dead server;
    `max_size` bounds one message in bytes; `ssl` is an `ssl.SSLContext` or a CA file for `wss://`;
    `open_timeout` bounds each connection attempt in seconds.

    Credentials (the URL's user, password and query, every header value) never reach `stats`,
    the page or a saved notebook: every error text is masked before it is kept.

    When the cell that made a chart runs again and nothing holds the old chart any more (no
    variable, no container), the old chart stops its feed and closes within a few seconds.
    """

    _esm = _asset("widget.js")
    _css = _asset("widget.css")

    source = traitlets.Unicode("").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    height = traitlets.Int(300).tag(sync=True)
    window = traitlets.Int(10_000).tag(sync=True)  # fixed at construction
    x_kind = traitlets.Unicode("auto").tag(sync=True)
    x_label = traitlets.Unicode("").tag(sync=True)
    y_label = traitlets.Unicode("").tag(sync=True)
    feed_status = traitlets.Unicode("closed").tag(sync=True)
    feed_stats = traitlets.Dict().tag(sync=True)
    paused = traitlets.Bool(False).tag(sync=True)
    snapshot = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        url: str | None = None,
        *,
        y: str | Sequence[str] = "value",
        x: str | None = None,
        group_by: str | None = None,
        window: int = 10_000,
        title: str = "",
        height: int = 300,
        x_type: XKind = "auto",
        subscribe: object = None,
        headers: Mapping[str, str] | None = None,
        reconnect: Reconnect = True,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        ping_interval: float | None = 20.0,
        ping_timeout: float | None = 20.0,
        max_size: int | None = 4 * 2**20,
        ssl: ssl_module.SSLContext | str | Path | None = None,
        open_timeout: float = 10.0,
        decoder: str | UserFunction = "json",
        **unknown: object,
    ) -> None:
        if unknown:
            valid = ", ".join(sorted(_PARAMETERS))
            raise TypeError(
                f"LiveChart() got unexpected keyword argument(s) {', '.join(sorted(unknown))}; "
                f"valid ones are: url, {valid}"
            )
        _check_options(
            url,
            x_type=x_type,
            reconnect=reconnect,
            backoff=backoff,
            max_backoff=max_backoff,
            ping_interval=ping_interval,
            ping_timeout=ping_timeout,
            max_size=max_size,
            open_timeout=open_timeout,
            height=height,
        )
        make_decoder = decoder_factory(decoder)  # an unknown name raises here, naming the known
        y_fields = (y,) if isinstance(y, str) else tuple(y)
        spec = ChartSpec(y=y_fields, x=x, group_by=group_by, window=window, x_type=x_type)
        self._data = feed = ChartData(spec, Redactor(url, headers))
        ssl_context = _ssl_context(ssl, url or "")
        super().__init__(
            source="" if url is None else public_url(url),
            title=title,
            height=height,
            window=spec.window,
            x_kind=feed.x_kind,
            x_label=x or "time",
            y_label=", ".join(y_fields),
        )
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
        source: Source = PushSource()
        if url is not None:
            source = WebSocketSource(
                ConnectOptions(
                    url=url,
                    headers=dict(headers) if headers else None,
                    subscribe=_subscribe_text(subscribe),
                    reconnect=reconnect,
                    backoff=backoff,
                    max_backoff=max_backoff,
                    ping_interval=ping_interval,
                    ping_timeout=ping_timeout,
                    max_size=max_size,
                    ssl=ssl_context,
                    open_timeout=open_timeout,
                    decoder=make_decoder,
                )
            )
        self._source = source
        source.start(runtime, feed)
        # A chart that is garbage-collected must not leave its connection behind.
        weakref.finalize(self, source.stop_soon)
        runtime.add(self)

    @traitlets.validate("window")
    def _window_is_fixed(self, proposal: dict[str, Any]) -> int:
        # Python's rings are sized when the chart is made; a view must never hold another size.
        value = int(proposal["value"])
        if value != self._data.spec.window:
            raise traitlets.TraitError("window is fixed when the chart is made: make a new chart")
        return value

    # -- what users call ---------------------------------------------------------------------

    @property
    def status(self) -> Status:
        """One of connecting, live, reconnecting, closed, error (see `stats["last_error"]`)."""
        return self._data.status

    @property
    def stats(self) -> dict[str, Any]:
        """Counters of everything received: messages, points, errors (and `error_kinds`),
        reconnects, last_error, coalesced, and `rate`, messages per second lately."""
        stats = self._data.stats()
        stats["rate"] = self._rate
        return stats

    @property
    def data(self) -> pd.DataFrame:
        """The points the window holds: columns `x`, `series`, `value`.

        Rows are sorted by x; rows of equal x by series (in the order the series appeared), then
        by arrival. `x` is a UTC datetime column on a time axis, float otherwise; NaN values are
        gaps.
        """
        import pandas as pd

        x, series, y, names, is_time = self._data.columns()
        x_column: Any = x
        if is_time:
            # Through microseconds: pandas' own ms conversion overflows past the year 2262.
            x_column = pd.DatetimeIndex((x * 1000).astype("datetime64[us]")).tz_localize("UTC")
        labels = pd.Categorical.from_codes(series, categories=pd.Index(names, dtype=object))
        frame: pd.DataFrame = pd.DataFrame({"x": x_column, "series": labels, "value": y})
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
        self._data.push(rows)

    def pause(self) -> None:
        """Freeze the drawing in every view; data keeps arriving and counting."""
        self._runtime.run_sync(lambda: setattr(self, "paused", True))

    def resume(self) -> None:
        """Draw again, catching up at once."""
        self._runtime.run_sync(lambda: setattr(self, "paused", False))

    def stop(self) -> None:
        """End the feed and keep the picture: a connection leaves with a close frame, every view
        keeps showing the last data, and a notebook saved now carries it. `push()` then raises.
        """
        self._closed = True
        self._source.stop()
        self._data.set_status("closed")
        # The periodic snapshot may be seconds old; a notebook saved (or executed by nbconvert)
        # right after stop() must carry the final data.
        self._runtime.run_sync(self._refresh_snapshot)

    def close(self) -> None:
        """End the chart, as `Widget.close()` ends any widget: its feed stops, its views go away
        and its memory is freed. `Widget.close_all()` ends livefeed charts the same way. To stop
        the feed and keep the picture, use `stop()`.
        """
        if getattr(self, "_source", None) is None:  # __init__ failed before the chart existed
            super().close()
            return
        if not self._closed:
            self.stop()
        self._runtime.run_sync(self._close_widget)

    def __del__(self) -> None:
        # ipywidgets closes a widget when it is collected; never block on the loop here.
        source = getattr(self, "_source", None)  # absent if __init__ failed early
        if source is not None:
            source.stop_soon()
        super().close()

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
        self._source.stop_soon()
        self._data.set_status("closed")
        self._close_widget()

    def __repr__(self) -> str:
        return f"<LiveChart {self.source or 'push()'} {self.status}>"

    # -- the pump, on the background loop ----------------------------------------------------

    def pump(self, budget: TokenBucket, now: float) -> None:
        """Send what the send policy (`_outbox`) says is due, paying with `budget`."""
        if self.comm is None:
            return
        feed = self._data
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
        messages = self._data.messages
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

    def _on_view_message(self, _widget: object, content: object, _buffers: object) -> None:
        # Runs on the kernel's shell thread: only raise a flag; the pump answers on its own thread.
        if is_sync_request(content):
            self._reset_wanted = True


_PARAMETERS = tuple(
    name
    for name in inspect.signature(LiveChart.__init__).parameters
    if name not in ("self", "url", "unknown")
)


def _check_options(
    url: str | None,
    *,
    x_type: object,
    reconnect: object,
    backoff: object,
    max_backoff: object,
    ping_interval: object,
    ping_timeout: object,
    max_size: object,
    open_timeout: object,
    height: object,
) -> None:
    """Raise in the user's cell for options that would otherwise fail later, in the background."""
    if url is not None:
        if not isinstance(url, str):
            raise TypeError(f"url must be a ws:// or wss:// URL or None, not {type(url).__name__}")
        if urlsplit(url).scheme not in ("ws", "wss"):
            # The URL itself is not repeated: it may hold a password.
            raise ValueError(f"url must start with ws:// or wss://, not {public_url(url)!r}")
    if x_type not in ("auto", "time", "number"):
        raise ValueError(f"x_type must be 'auto', 'time' or 'number', not {x_type!r}")
    if reconnect not in (True, False, "always") or type(reconnect) not in (bool, str):
        raise ValueError(f"reconnect must be True, False or 'always', not {reconnect!r}")
    for name, value, optional in (
        ("backoff", backoff, False),
        ("max_backoff", max_backoff, False),
        ("open_timeout", open_timeout, False),
        ("ping_interval", ping_interval, True),
        ("ping_timeout", ping_timeout, True),
    ):
        if value is None and optional:
            continue
        if type(value) not in (int, float) or not 0 < value < float("inf"):  # type: ignore[operator]
            allowed = "a positive number of seconds" + (" or None" if optional else "")
            raise ValueError(f"{name} must be {allowed}, not {value!r}")
    if max_backoff < backoff:  # type: ignore[operator]
        raise ValueError(f"max_backoff ({max_backoff}) must be at least backoff ({backoff})")
    if max_size is not None and (type(max_size) is not int or max_size < 1):
        raise ValueError(f"max_size must be a positive number of bytes or None, not {max_size!r}")
    if type(height) is not int or height < 1:
        raise ValueError(f"height must be a positive number of pixels, not {height!r}")


def _subscribe_text(subscribe: object) -> str | None:
    if subscribe is None or isinstance(subscribe, str):
        return subscribe
    return json.dumps(subscribe)
