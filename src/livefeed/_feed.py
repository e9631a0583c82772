"""`Feed`: one connection to a data source, shared by any number of charts.

A `Feed` holds the connection (reconnects, subscribe, headers, decoding, a transform, history on
every connect, recording). Each frame is decoded and transformed once, on the background loop,
and the records go to every chart of the feed; each chart reads its own fields from them.
`LiveChart(url, ...)` makes a feed of its own; `LiveChart(feed, ...)` shares one.

The feed's working part (`_Hub`, the sink its source feeds) holds no reference to the `Feed`
object a user holds, so a feed nothing refers to any more can be collected, and its finaliser
closes the connection.
"""

from __future__ import annotations

import asyncio
import json
import ssl as ssl_module
import threading
import time
import weakref
from collections import Counter, deque
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection
from websockets.protocol import State

from ._chartdata import HISTORY_ERROR, ChartData, Status
from ._core.decode import Decoder, Frame, Problem, Record, UserFunction, decoder_factory
from ._core.pipeline import INTERNAL
from ._core.transform import apply_transform
from ._orphans import current_cell
from ._recording import Recorder
from ._redact import Redactor, public_url
from ._runtime import Runtime, get_runtime
from ._sources import ConnectOptions, Reconnect, Source, WebSocketSource
from ._sources.broker import BROKER_SCHEMES, broker_history
from ._sources.broker_feed import broker_source
from ._sources.replay import ReplaySource

Transform = Callable[[Record], Any]  # record -> record | list of records | None
History = Callable[[], Any]  # () -> records, a dict of columns or a DataFrame

RECORD_ERROR = "record_error"  # the recording cannot be written (the feed goes on without it)

# Records of the latest messages that a chart attached later still gets: a feed connects when
# it is made, often a cell before its charts exist, and a chart should not start blank. Counted
# in records, not messages: the memory they hold is what must stay bounded.
RECENT_RECORDS = 10_000

# How often a recording is written out while frames arrive seldom: the promise is that a crash
# loses at most the last second.
_RECORD_FLUSH_SECONDS = 0.5


class _Hub:
    """The sink of a feed's source: decodes once, counts, records, and hands out to the charts.

    Called on the runtime's loop (frames, status) and from any thread (attach, detach, stats).
    """

    def __init__(
        self,
        redactor: Redactor,
        transform: Transform | None,
        recorder: Recorder | None,
    ) -> None:
        self._redactor = redactor
        self._transform = transform
        self.recorder = recorder
        self._lock = threading.Lock()
        # Replaced, never changed in place: a frame goes to the charts of one moment without a lock.
        self.charts: tuple[ChartData, ...] = ()
        # Messages (records, problems, json_values, at) and connection problems (a Problem).
        self._recent: deque[tuple[list[Record], list[Problem], bool, float] | Problem] = deque()
        self._recent_records = 0
        self.status: Status = "closed"
        self.retry_at: float | None = None
        self.messages = 0
        self.records = 0
        self.reconnects = 0
        self.error_kinds: Counter[str] = Counter()
        self.last_error = ""
        self.websocket: ClientConnection | None = None
        # The last history fetched, for charts attached after it came (a feed connects when it
        # is made, often before its charts exist).
        self.history: object = None

    @property
    def redactor(self) -> Redactor:
        return self._redactor

    def attach(self, chart: ChartData) -> None:
        """Hand `chart` every later message, and at once the last history and the recent
        messages (`RECENT_RECORDS` records at most): a chart made after its feed started starts
        complete."""
        unreadable = None
        with self._lock:
            # All in one locked step with `_deliver`, history first: each message reaches the
            # chart exactly once, either from here or from `_deliver`, and no live point can
            # come before the history (which skips what a series already holds).
            if self.history is not None:
                unreadable = _history_into(chart, self.history)
            for event in self._recent:
                if isinstance(event, Problem):
                    chart.note(event.kind, event.message)
                else:
                    chart.take(*event)
            self.charts = (*self.charts, chart)
            chart.set_status(self.status, self.retry_at)
            chart.reconnects += self.reconnects
        if unreadable is not None:
            self.note(HISTORY_ERROR, unreadable)

    def give_history(self, rows: object) -> None:
        """Hand history rows to every chart; rows that cannot be read are counted, not raised."""
        self.history = rows
        for chart in self.charts:
            unreadable = _history_into(chart, rows)
            if unreadable is not None:
                self.note(HISTORY_ERROR, unreadable)
                return

    def detach(self, chart: ChartData) -> None:
        with self._lock:
            self.charts = tuple(c for c in self.charts if c is not chart)

    # -- the sink --------------------------------------------------------------------------------

    def ingest(self, frame: Frame, decoder: Decoder, at: float | None = None) -> None:
        if at is None:
            # One arrival time for the recording and every chart, read once: arrival-time x
            # values of a replay, or of a chart attached later, equal those drawn live.
            at = time.time()
        recorder = self.recorder
        if recorder is not None:
            try:
                recorder.write(frame, at)
            except (OSError, ValueError) as error:  # a full disk, or closed by close() just now
                if not recorder.closed or isinstance(error, OSError):
                    self.note(RECORD_ERROR, f"cannot write the recording: {error}")
        try:
            records, problems = decoder.decode(frame)
        except Exception as error:  # decoders never raise; one that does is a bug of ours
            records, problems = [], [Problem(INTERNAL, f"internal error decoding: {error!r}")]
        json_values = decoder.json_values
        if self._transform is not None and records:
            records, more = apply_transform(self._transform, records)
            if more:
                problems = [*problems, *more]
            json_values = False  # a transform may give any Python value
        self._deliver(records, problems, json_values, at)

    def _deliver(
        self, records: list[Record], problems: list[Problem], json_values: bool, at: float
    ) -> None:
        with self._lock:
            self.messages += 1
            self.records += len(records)
            for problem in problems:
                self.error_kinds[problem.kind] += 1
                self.last_error = problem.message
            self._keep_recent(records, problems, json_values, at)
            charts = self.charts
        for chart in charts:
            # Each chart reads the same records; pipelines never change the records they read.
            chart.take(records, problems, json_values, at)

    def _keep_recent(
        self, records: list[Record], problems: list[Problem], json_values: bool, at: float
    ) -> None:
        """Keep the latest messages, `RECENT_RECORDS` records at most (a message without records,
        and a connection problem, count as one); under the lock."""
        recent = self._recent
        weight = max(1, len(records))
        if weight > RECENT_RECORDS:
            recent.clear()  # one message larger than the bound: nothing older fits with it
            self._recent_records = 0
            return
        self._keep((records, problems, json_values, at), weight)

    def _keep(
        self, event: tuple[list[Record], list[Problem], bool, float] | Problem, weight: int
    ) -> None:
        recent = self._recent
        recent.append(event)
        self._recent_records += weight
        while self._recent_records > RECENT_RECORDS:
            gone = recent.popleft()
            self._recent_records -= 1 if isinstance(gone, Problem) else max(1, len(gone[0]))

    def note(self, kind: str, message: str) -> None:
        message = self._redactor.redact(message)
        with self._lock:
            self.error_kinds[kind] += 1
            self.last_error = message
            self._keep(Problem(kind, message), 1)  # a chart attached later shows it too
            charts = self.charts
        for chart in charts:
            chart.note(kind, message)

    def set_status(self, status: Status, retry_at: float | None = None) -> None:
        with self._lock:  # with attach(): a chart attached now ends with this status
            self.status = status
            self.retry_at = retry_at
            for chart in self.charts:
                chart.set_status(status, retry_at)

    def count_reconnect(self) -> None:
        with self._lock:
            self.reconnects += 1
            for chart in self.charts:
                chart.count_reconnect()

    def stats(self) -> dict[str, Any]:
        with self._lock:
            retry_in = None
            if self.retry_at is not None:
                retry_in = round(max(0.0, self.retry_at - time.monotonic()), 1)
            return {
                "messages": self.messages,
                "records": self.records,
                "errors": sum(self.error_kinds.values()),
                "error_kinds": dict(self.error_kinds),
                "last_error": self.last_error,
                "reconnects": self.reconnects,
                "retry_in": retry_in,
                "charts": len(self.charts),
                "recorded": 0 if self.recorder is None else self.recorder.frames,
            }


class Feed:
    """One connection to a data source (a WebSocket, or a NATS or Redis broker), shared by any
    number of charts.

    `LiveChart(feed, x=..., y=...)` charts it; any number of charts on one feed open one upstream
    connection, and each frame is decoded (and transformed) once for all of them. The connection
    opens when the feed is made and lives until `close()` (closing a chart never closes a feed it
    shares), or until nothing refers to the feed any more.

    - `decode`: how frames become records: "json" (the default: an object, an array of objects,
      or newline-delimited objects per frame), "ndjson", "msgpack", "gzip+json", "deflate+json",
      or a function `frame -> record | list of records | dict of columns | ndarray` (a binary
      frame comes as bytes). What a decoder raises is counted as `decode_error`.
    - `transform`: a function `record -> record | list of records | None`, run on every decoded
      record; None drops the record quietly (the way to skip control messages and heartbeats).
      What it raises is counted as `transform_error`, with its message, and the feed goes on. It
      runs on livefeed's background thread, once per record: keep it quick, and do not block.
    - `subscribe`: a str, or anything JSON-serialisable, sent after every connect; assigning
      `feed.subscribe` changes it and sends it now when the feed is live.
    - `history`: a function `() -> records | dict of columns | DataFrame`, run (in a worker
      thread) on every connect before any live message is drawn: for sources with a history
      endpoint. Each chart keeps from it only points newer than the newest it holds per series,
      so a reconnect fills the gap without repeating points. What it raises is counted as
      `history_error`.
    - `record`: a path: every frame received is appended, with its arrival time, to a recording
      (see `Feed.replay`). Nothing secret is written: the URL is kept without its credentials.
    - Connection: `headers` (sent with the handshake; never shown, synced or saved), `reconnect`
      (True, False or "always"), `backoff`/`max_backoff` seconds, `ping_interval`/
      `ping_timeout`, `max_size` bytes per message, `ssl` (an `ssl.SSLContext` or a CA file,
      for wss://), `open_timeout` seconds per attempt.
    - Brokers (`pip install livefeed[nats]` or `[redis]`): `Feed("nats://host:4222",
      subject="trades.>")` reads a NATS subject (wildcards allowed), `Feed("redis://host:6379/0",
      stream="trades")` a Redis stream; each message is one frame. Their `history` is a count of
      messages, a `datetime` or a `timedelta` (what the broker kept: the last N, or since then),
      followed by the live messages with no gap and no repeat. Credentials go in the URL, or
      `creds` names a NATS credentials file. `backoff`, `max_backoff` and `open_timeout` apply;
      `reconnect` applies to Redis (nats-py always reconnects); `subscribe`, `headers` and `ssl`
      are refused.

    Raises ValueError or TypeError at once for options that could only fail later, and
    ImportError naming the extra to install when a broker's client library is missing.
    """

    def __init__(
        self,
        url: str,
        *,
        subscribe: object = None,
        headers: Mapping[str, str] | None = None,
        decode: str | UserFunction = "json",
        transform: Transform | None = None,
        history: History | int | datetime | timedelta | None = None,
        record: str | Path | None = None,
        subject: str | None = None,
        stream: str | None = None,
        creds: str | Path | None = None,
        reconnect: Reconnect = True,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        ping_interval: float | None = 20.0,
        ping_timeout: float | None = 20.0,
        max_size: int | None = 4 * 2**20,
        ssl: ssl_module.SSLContext | str | Path | None = None,
        open_timeout: float = 10.0,
        _start_on_attach: bool = False,
    ) -> None:
        # `_start_on_attach`: a chart's own feed connects once the chart is attached, so that a
        # burst arriving while the widget is made is not cut to the RECENT_RECORDS kept for
        # charts that come later.
        check_url(url)
        scheme = urlsplit(url).scheme
        check_connection_options(
            reconnect=reconnect,
            backoff=backoff,
            max_backoff=max_backoff,
            ping_interval=ping_interval,
            ping_timeout=ping_timeout,
            max_size=max_size,
            open_timeout=open_timeout,
        )
        make_decoder = decoder_factory(decode)  # an unknown name raises here, naming the known
        _check_callable("transform", transform)
        if scheme in BROKER_SCHEMES:
            broker_only = {"subscribe": subscribe, "headers": headers, "ssl": ssl}
            given = [name for name, value in broker_only.items() if value is not None]
            if given:
                raise ValueError(f"{', '.join(given)}= apply to ws:// and wss:// feeds only")
            source = broker_source(
                url,
                subject=subject,
                stream=stream,
                creds=creds,
                history=broker_history(history, time.time()),
                decoder=make_decoder,
                reconnect=reconnect,
                backoff=backoff,
                max_backoff=max_backoff,
                open_timeout=open_timeout,
            )
            self._subscribe = None
            self._history = None
            self.url = source.name
            recorder = None if record is None else Recorder(record, source=self.url)
            self._hub = _Hub(Redactor(url, None), transform, recorder)
            self._start(source, now=not _start_on_attach)
            return
        for name, value in (("subject", subject), ("stream", stream), ("creds", creds)):
            if value is not None:
                raise ValueError(f"{name}= applies to nats:// and redis:// feeds only")
        _check_callable("history", history)
        self._subscribe = subscribe_text(subscribe)
        self._history = cast("History | None", history)
        self.url = public_url(url)
        options = ConnectOptions(
            url=url,
            headers=dict(headers) if headers else None,
            reconnect=reconnect,
            backoff=backoff,
            max_backoff=max_backoff,
            ping_interval=ping_interval,
            ping_timeout=ping_timeout,
            max_size=max_size,
            ssl=ssl_context(ssl, url),
            open_timeout=open_timeout,
            decoder=make_decoder,
            on_open=self._opened_hook(),
        )
        recorder = None if record is None else Recorder(record, source=self.url)
        self._hub = _Hub(Redactor(url, headers), transform, recorder)
        self._start(WebSocketSource(options), now=not _start_on_attach)

    @classmethod
    def replay(
        cls,
        path: str | Path,
        *,
        speed: float | None = 1.0,
        decode: str | UserFunction = "json",
        transform: Transform | None = None,
    ) -> Feed:
        """A feed that plays a recording made with `record=` back through the same decoding
        and transform: frame by frame, at the recorded pace times `speed` (None: as fast as
        possible), each with its recorded arrival time. It starts playing when its first chart
        is made, so that chart sees every frame; its status is "closed" once all is played.
        Charts of it end with the same `data` as the charts of the recorded feed.
        """
        if speed is not None and (type(speed) not in (int, float) or not 0 < speed < float("inf")):
            raise ValueError(f"speed must be a positive number or None, not {speed!r}")
        make_decoder = decoder_factory(decode)
        _check_callable("transform", transform)
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no recording at {path}")
        feed = cls.__new__(cls)
        feed._subscribe = None
        feed._history = None
        feed.url = f"replay of {path.name}"
        feed._hub = _Hub(Redactor(None), transform, None)
        feed._start(ReplaySource(path, speed=speed, decoder=make_decoder), now=False)
        return feed

    def _start(self, source: Source, now: bool = True) -> None:
        """Start `source` now, or (`now=False`) when the first chart attaches."""
        self._source = source
        self._closed = False
        self._runtime: Runtime = get_runtime()
        self._waiting = not now
        if now:
            source.start(self._runtime, self._hub)
        # The cell that made this feed: when it runs again, an unheld feed is closed.
        self._cell = current_cell()
        self._runtime.watch(self)
        hub = self._hub
        if hub.recorder is not None:
            self._runtime.call_soon(_keep_flushing, self._runtime, weakref.ref(hub))
        # A feed nothing refers to must not leave its connection behind.
        weakref.finalize(self, _finish, source, hub, self._runtime)

    def _opened_hook(self) -> Callable[[ClientConnection], Any]:
        # Holds the feed weakly: the connection's task must not keep the feed alive.
        handle = weakref.ref(self)

        async def opened(websocket: ClientConnection) -> None:
            feed = handle()
            if feed is not None:
                await feed._on_open(websocket)

        return opened

    async def _on_open(self, websocket: ClientConnection) -> None:
        """On every connect, before live messages are read: subscribe, then fetch history."""
        hub = self._hub
        hub.websocket = websocket
        if self._subscribe is not None:
            await websocket.send(self._subscribe)
        history = self._history
        if history is None:
            return
        try:
            rows = await asyncio.to_thread(history)
        except Exception as error:
            hub.note(HISTORY_ERROR, f"the history function raised {error!r}")
            return
        hub.give_history(rows)

    # -- what users call -------------------------------------------------------------------------

    @property
    def status(self) -> Status:
        """One of connecting, live, reconnecting, closed, error (see `stats["last_error"]`)."""
        return self._hub.status

    @property
    def stats(self) -> dict[str, Any]:
        """Counters of the connection: messages (frames), records (after decode and transform),
        errors and `error_kinds` (decoding, transform, history and connection problems),
        last_error (credentials masked), reconnects, retry_in, charts (how many charts draw it),
        recorded (frames written to the recording)."""
        return self._hub.stats()

    @property
    def subscribe(self) -> str | None:
        """The text sent after every connect (None: nothing). Assigning it changes what is sent
        on every later connect and sends it now when the feed is live; a value that is not a
        str is sent as JSON."""
        return self._subscribe

    @subscribe.setter
    def subscribe(self, value: object) -> None:
        text = subscribe_text(value)
        self._subscribe = text
        if text is not None and self._hub.status == "live":
            self.send(text)

    def send(self, message: object) -> None:
        """Send `message` on the live connection: a str or bytes as it is, anything else as JSON.

        Raises RuntimeError when the feed is not connected (it is not kept for later: use
        `subscribe` for what must be sent on every connect).
        """
        payload: str | bytes = message if isinstance(message, (str, bytes)) else json.dumps(message)
        websocket = self._hub.websocket
        if self._closed or websocket is None or websocket.state is not State.OPEN:
            raise RuntimeError(f"the feed is not connected (status {self.status!r}): not sent")
        self._runtime.submit(websocket.send(payload)).result(timeout=10)

    def close(self) -> None:
        """Close the connection (with a close frame) and the recording. Charts of the feed keep
        their picture and say "closed"."""
        if self._closed:
            return
        self._closed = True
        self._source.stop()
        self._hub.set_status("closed")
        if self._hub.recorder is not None:
            self._hub.recorder.close()

    def close_soon(self) -> None:
        """Ask the feed to close without waiting: safe from any thread, a finaliser included."""
        if self._closed:
            return
        self._closed = True
        self._source.stop_soon()
        self._hub.set_status("closed")
        recorder = self._hub.recorder
        if recorder is not None:
            # On the loop, after the connection stopped reading: writes happen there only.
            self._runtime.call_soon(recorder.close)

    @property
    def cell(self) -> str | None:
        """The cell that made this feed, when made in a notebook."""
        return self._cell

    def stop_orphan(self) -> None:
        """Close a feed nothing holds any more (its cell ran again); on the loop thread."""
        self.close_soon()

    @property
    def closed(self) -> bool:
        """Whether `close()` ended the feed."""
        return self._closed

    def attach(self, chart: ChartData) -> None:
        """Hand every later record to `chart` (used by `LiveChart`)."""
        self._hub.attach(chart)
        if self._waiting and not self._closed:
            self._waiting = False
            self._source.start(self._runtime, self._hub)

    def detach(self, chart: ChartData) -> None:
        """Stop handing records to `chart`."""
        self._hub.detach(chart)

    def __repr__(self) -> str:
        return f"<Feed {self.url} {self.status}>"


def _history_into(chart: ChartData, rows: object) -> str | None:
    """Give `chart` history rows; what makes them unreadable, or None."""
    try:
        chart.push_history(rows)
    except (TypeError, ValueError) as error:
        return f"history cannot be read as rows: {error}"
    return None


def _finish(source: Source, hub: _Hub, runtime: Runtime) -> None:
    source.stop_soon()
    if hub.recorder is not None and not runtime.loop.is_closed():
        runtime.call_soon(hub.recorder.close)


def _keep_flushing(runtime: Runtime, hub_ref: weakref.ref[_Hub]) -> None:
    """Write a recording out at least every `_RECORD_FLUSH_SECONDS`, until its feed is gone."""
    hub = hub_ref()
    if hub is None or hub.recorder is None or hub.recorder.closed:
        return
    try:
        hub.recorder.flush()
    except OSError as error:
        hub.note(RECORD_ERROR, f"cannot write the recording: {error}")
    runtime.loop.call_later(_RECORD_FLUSH_SECONDS, _keep_flushing, runtime, hub_ref)


def _check_callable(name: str, value: object) -> None:
    if value is not None and not callable(value):
        raise TypeError(f"{name}= takes a function, not {type(value).__name__}")


def check_url(url: object) -> None:
    """Raise for a URL that is not a str of a scheme livefeed reads (without repeating it: it
    may hold a password)."""
    known = "ws://, wss://, nats:// or redis://"
    if not isinstance(url, str):
        raise TypeError(f"url must be a {known} URL, not {type(url).__name__}")
    if urlsplit(url).scheme not in ("ws", "wss", *BROKER_SCHEMES):
        raise ValueError(f"url must start with {known}, not {public_url(url)!r}")


def check_connection_options(
    *,
    reconnect: object,
    backoff: object,
    max_backoff: object,
    ping_interval: object,
    ping_timeout: object,
    max_size: object,
    open_timeout: object,
) -> None:
    """Raise in the user's cell for options that would otherwise fail later, in the background."""
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


def ssl_context(
    ssl: ssl_module.SSLContext | str | Path | None, url: str
) -> ssl_module.SSLContext | None:
    """The TLS context for `ssl=`: None (websockets' verifying default), a context, or a CA file."""
    if ssl is None:
        return None
    if urlsplit(url).scheme != "wss":
        raise ValueError("ssl= applies to wss:// URLs only; this URL is not encrypted")
    if isinstance(ssl, ssl_module.SSLContext):
        return ssl
    if not isinstance(ssl, (str, Path)):
        raise TypeError(f"ssl= takes an ssl.SSLContext or a CA file, not {type(ssl).__name__}")
    return ssl_module.create_default_context(cafile=str(ssl))


def subscribe_text(subscribe: object) -> str | None:
    """What `subscribe=` sends: a str as it is, anything else as JSON, None for nothing."""
    if subscribe is None or isinstance(subscribe, str):
        return subscribe
    return json.dumps(subscribe)
