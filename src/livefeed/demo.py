"""A built-in WebSocket data source for demos, notebooks and tests.

The server listens on ``127.0.0.1`` by default and offers two feeds:

``/ticker``
    A simulated market ticker. Every tick, each of the symbols ``ACME``, ``BETA``, ``GAMMA`` and
    ``DELTA`` sends one text message holding one JSON object::

        {"ts": 1764000000000, "symbol": "ACME", "price": 101.52, "volume": 300}

    ``ts`` is epoch milliseconds; ``price`` follows a bounded random walk rounded to cents;
    ``volume`` is a positive multiple of 100.

``/sensors``
    A sensor feed. Every tick, each of the sensors ``boiler``, ``chiller``, ``greenhouse`` and
    ``server_room`` sends::

        {"ts": 1764000000000, "sensor": "boiler", "temperature": 71.3, "pressure": 1.921,
         "humidity": 40.1}

    The signals are slow waves with smooth noise on top, so they look like real readings.

Both paths take an optional query ``?rate=N``: ticks per second, so messages per second per symbol
or sensor (default 10, at most 1000). Any other path is refused during the opening handshake with
HTTP 404, a malformed rate with HTTP 400.

History
    ``GET /ticker/history`` and ``GET /sensors/history`` (plain HTTP, no WebSocket) answer with a
    JSON array of past messages of that feed, in the same shape as the live ones: one per second
    per symbol or sensor over the last ``?seconds=N`` seconds (default 300, at most
    :data:`MAX_HISTORY_SECONDS`), the newest one second ago. The past is made up backwards from
    the live values, so history and live join without a jump.

A client may send ``{"subscribe": ["ACME", "BETA"]}`` at any time to receive only those names
(matched case-insensitively; unknown names are ignored; ``null`` means all again). Nothing is
acknowledged. A bare JSON list or a comma-separated string of names works too. A subscription
sent right after connecting applies from the first message: the server waits up to
:data:`SUBSCRIBE_GRACE` seconds for a client's first message before it starts streaming.

Timing and determinism
    Clients of the same path and rate share one simulation, as they would share a real feed: they
    see the same values with the same timestamps, so several charts of one dashboard agree. A
    simulation starts when its first client connects and pauses while nobody reads it. With a
    ``seed``, its values (everything except ``ts``) are a function of the seed alone, so the first
    client of a fresh server sees the same sequence on every run. Timestamps follow the tick
    schedule (epoch milliseconds at the moment the tick was due): within a stream they never
    decrease, and per symbol or sensor they strictly increase.

Use :class:`DemoServer` inside a running event loop, or :func:`serve_in_thread` from synchronous
code (tests, notebooks, the ``livefeed demo`` command).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import random
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from ._serving import ServerThread

__all__ = [
    "DEFAULT_RATE",
    "MAX_HISTORY_SECONDS",
    "MAX_RATE",
    "PATHS",
    "SENSORS",
    "SUBSCRIBE_GRACE",
    "SYMBOLS",
    "DemoHandle",
    "DemoServer",
    "serve_in_thread",
]

SYMBOLS: tuple[str, ...] = ("ACME", "BETA", "GAMMA", "DELTA")
"""Ticker symbols, in the order each tick sends them."""

SENSORS: tuple[str, ...] = ("boiler", "chiller", "greenhouse", "server_room")
"""Sensor names, in the order each tick sends them."""

PATHS: tuple[str, ...] = ("/ticker", "/sensors")
"""The paths the server accepts."""

DEFAULT_RATE = 10.0
"""Ticks per second (messages per second per symbol or sensor) without ``?rate=``."""

MAX_RATE = 1000.0
"""The largest accepted ``?rate=``: at most one tick per millisecond keeps timestamps distinct."""

MAX_HISTORY_SECONDS = 3600
"""The longest past that ``GET /<feed>/history?seconds=N`` gives."""

SUBSCRIBE_GRACE = 0.3
"""Seconds a new connection waits for a first client message before streaming starts."""

# Pacing: a connection wakes at most this often and sends every tick that fell due meanwhile,
# so high rates cost one sleep per burst rather than one per message.
_BURST_INTERVAL = 0.02

# A simulation that would have to generate more than this many seconds of backlog was simply not
# read for a while (no clients, or one stuck client): it resumes from "now" instead.
_MAX_CATCHUP_SECONDS = 1.0

# Ticks kept for readers that fell slightly behind; older ones are dropped for slow clients.
_HISTORY_SECONDS = 2.0

_JsonValue = str | int | float
_Tick = list[tuple[str, str]]  # (name, JSON text) per symbol or sensor


# --------------------------------------------------------------------------------------------
# Simulations: pure functions of their random generator, stepped once per tick.
# --------------------------------------------------------------------------------------------


class _Ticker:
    """Mean-reverting geometric random walks, one per symbol."""

    names = SYMBOLS
    key = "symbol"
    # (starting price, per-tick volatility): different scales make the chart more interesting.
    _PROFILE: ClassVar[dict[str, tuple[float, float]]] = {
        "ACME": (100.0, 0.0015),
        "BETA": (50.0, 0.0025),
        "GAMMA": (250.0, 0.0010),
        "DELTA": (20.0, 0.0035),
    }
    # Pull towards the starting price, weak enough to look like a walk but keeping the price in a
    # plausible band however long the demo runs.
    _REVERSION = 0.0005

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._anchor = {name: math.log(self._PROFILE[name][0]) for name in self.names}
        self._log_price = {name: a + rng.gauss(0.0, 0.02) for name, a in self._anchor.items()}

    def step(self) -> list[tuple[str, dict[str, _JsonValue]]]:
        rng = self._rng
        out: list[tuple[str, dict[str, _JsonValue]]] = []
        for name in self.names:
            vol = self._PROFILE[name][1]
            x = self._log_price[name]
            x += self._REVERSION * (self._anchor[name] - x) + vol * rng.gauss(0.0, 1.0)
            self._log_price[name] = x
            # Mostly small lots with the occasional block trade.
            lots = rng.randint(1, 20) if rng.random() < 0.95 else rng.randint(50, 200)
            out.append((name, {"price": round(math.exp(x), 2), "volume": 100 * lots}))
        return out

    def past(
        self, rng: random.Random, seconds: int
    ) -> list[list[tuple[str, dict[str, _JsonValue]]]]:
        """One reading per second per symbol for the `seconds` before now, oldest first: the walk
        run backwards from the current prices (a second holds many ticks: wider steps)."""
        log_price = dict(self._log_price)
        steps: list[list[tuple[str, dict[str, _JsonValue]]]] = []
        for _ in range(seconds):
            out: list[tuple[str, dict[str, _JsonValue]]] = []
            for name in self.names:
                vol = self._PROFILE[name][1] * 3.0
                x = log_price[name]
                x += self._REVERSION * (self._anchor[name] - x) + vol * rng.gauss(0.0, 1.0)
                log_price[name] = x
                volume = 100 * rng.randint(1, 20)
                out.append((name, {"price": round(math.exp(x), 2), "volume": volume}))
            steps.append(out)
        steps.reverse()
        return steps


@dataclass(frozen=True)
class _Signal:
    """A slow sine wave plus AR(1) noise, rounded for display."""

    mean: float
    amplitude: float
    period: float  # seconds of simulated time
    noise: float  # standard deviation of the smooth noise
    digits: int
    low: float = -math.inf
    high: float = math.inf


class _Sensors:
    """Smooth noisy readings, one set per sensor."""

    names = SENSORS
    key = "sensor"
    _PROFILE: ClassVar[dict[str, dict[str, _Signal]]] = {
        "boiler": {
            "temperature": _Signal(71.0, 4.0, 60.0, 0.6, 1),
            "pressure": _Signal(1.9, 0.12, 45.0, 0.02, 3),
            "humidity": _Signal(35.0, 3.0, 90.0, 0.8, 1, 0.0, 100.0),
        },
        "chiller": {
            "temperature": _Signal(7.0, 1.5, 40.0, 0.3, 1),
            "pressure": _Signal(2.4, 0.08, 30.0, 0.015, 3),
            "humidity": _Signal(55.0, 5.0, 120.0, 1.0, 1, 0.0, 100.0),
        },
        "greenhouse": {
            "temperature": _Signal(24.0, 3.0, 80.0, 0.4, 1),
            "pressure": _Signal(1.013, 0.004, 150.0, 0.001, 3),
            "humidity": _Signal(70.0, 8.0, 70.0, 1.5, 1, 0.0, 100.0),
        },
        "server_room": {
            "temperature": _Signal(21.0, 1.0, 50.0, 0.2, 1),
            "pressure": _Signal(1.013, 0.002, 200.0, 0.0005, 3),
            "humidity": _Signal(45.0, 2.0, 100.0, 0.5, 1, 0.0, 100.0),
        },
    }
    # AR(1) coefficient of the noise per tick: close to 1 keeps it smooth.
    _SMOOTHING = 0.95

    def __init__(self, rng: random.Random, rate: float) -> None:
        self._rng = rng
        self._dt = 1.0 / rate
        self._tick = 0
        self._phase = {
            (name, field): rng.uniform(0.0, 2.0 * math.pi)
            for name, fields in self._PROFILE.items()
            for field in fields
        }
        self._noise = dict.fromkeys(self._phase, 0.0)

    def step(self) -> list[tuple[str, dict[str, _JsonValue]]]:
        rng = self._rng
        t = self._tick * self._dt  # simulated time, so the values do not depend on the clock
        self._tick += 1
        # Scale the innovation so the noise keeps the profile's standard deviation.
        innovation = math.sqrt(1.0 - self._SMOOTHING**2)
        out: list[tuple[str, dict[str, _JsonValue]]] = []
        for name in self.names:
            reading: dict[str, _JsonValue] = {}
            for field, sig in self._PROFILE[name].items():
                n = self._SMOOTHING * self._noise[name, field]
                n += innovation * rng.gauss(0.0, sig.noise)
                self._noise[name, field] = n
                wave = sig.amplitude * math.sin(
                    2.0 * math.pi * t / sig.period + self._phase[name, field]
                )
                value = min(max(sig.mean + wave + n, sig.low), sig.high)
                reading[field] = round(value, sig.digits)
            out.append((name, reading))
        return out

    def past(
        self, rng: random.Random, seconds: int
    ) -> list[list[tuple[str, dict[str, _JsonValue]]]]:
        """One reading per second per sensor for the `seconds` before now, oldest first: the
        same waves at earlier simulated times, with fresh noise."""
        now = self._tick * self._dt
        steps: list[list[tuple[str, dict[str, _JsonValue]]]] = []
        for back in range(seconds, 0, -1):
            t = now - back
            out: list[tuple[str, dict[str, _JsonValue]]] = []
            for name in self.names:
                reading: dict[str, _JsonValue] = {}
                for field, sig in self._PROFILE[name].items():
                    wave = sig.amplitude * math.sin(
                        2.0 * math.pi * t / sig.period + self._phase[name, field]
                    )
                    value = sig.mean + wave + rng.gauss(0.0, sig.noise / 2)
                    reading[field] = round(min(max(value, sig.low), sig.high), sig.digits)
                out.append((name, reading))
            steps.append(out)
        return steps


class _Feed:
    """One simulation at one rate, shared by every client of its path and rate.

    Ticks are generated on demand, when some reader asks for the ticks due by now, and kept for
    ``_HISTORY_SECONDS`` so that each reader can follow at its own pace with its own cursor.
    Tick ``i`` is due at ``t0 + i / rate`` on the event loop's clock; its timestamp is the
    matching wall-clock time.
    """

    def __init__(self, path: str, rate: float, seed: int | None) -> None:
        # A string seed is hashed deterministically (unlike hash()), so runs repeat exactly.
        rng = random.Random(f"livefeed-demo:{seed}:{path}") if seed is not None else random.Random()
        self.rate = rate
        self._seed = seed
        self._path = path
        self.names: tuple[str, ...]
        self._key: str
        self._sim: _Ticker | _Sensors
        if path == "/ticker":
            self._sim = _Ticker(rng)
        else:
            self._sim = _Sensors(rng, rate)
        self.names = self._sim.names
        self._key = self._sim.key
        self._history: deque[tuple[int, _Tick]] = deque(maxlen=int(rate * _HISTORY_SECONDS) + 8)
        self._next = 0  # index of the next tick to generate
        self._t0: float | None = None  # loop time at which tick 0 was due
        self._wall0_ms = 0  # epoch milliseconds at which tick 0 was due

    def due_time(self, index: int) -> float:
        """Loop time at which tick ``index`` is (or was) due."""
        assert self._t0 is not None
        return self._t0 + index / self.rate

    def advance(self, now: float) -> None:
        """Generate every tick due by loop time ``now``."""
        if self._t0 is None:
            self._t0 = now
            self._wall0_ms = int(time.time() * 1000)
        due = math.floor((now - self._t0) * self.rate) + 1  # ticks 0 .. due-1 are due
        if due - self._next > self.rate * _MAX_CATCHUP_SECONDS + 1:
            # Nobody read for a while: pause the simulated clock rather than fast-forward.
            shift = now - self.due_time(self._next)
            self._t0 += shift
            self._wall0_ms += round(shift * 1000)
            due = self._next + 1
        while self._next < due:
            i = self._next
            # Integer milliseconds from the tick index: with rate <= 1000 consecutive ticks are at
            # least 1 ms apart, so timestamps per name strictly increase.
            ts = self._wall0_ms + math.floor(i * 1000 / self.rate + 1e-6)
            tick = [
                (name, json.dumps({"ts": ts, self._key: name, **values}, separators=(",", ":")))
                for name, values in self._sim.step()
            ]
            self._history.append((i, tick))
            self._next += 1

    def past(self, seconds: int) -> list[dict[str, _JsonValue]]:
        """The messages of the `seconds` before now, one per second per name, oldest first (see
        the module's "History")."""
        end_ms = int(time.time() * 1000)
        rng = random.Random()  # the past is not part of a seeded run: it depends on the clock
        records: list[dict[str, _JsonValue]] = []
        for back, step in zip(range(seconds, 0, -1), self._sim.past(rng, seconds), strict=True):
            ts = end_ms - back * 1000
            records.extend({"ts": ts, self._key: name, **values} for name, values in step)
        return records

    def latest(self) -> int:
        """Index of the newest generated tick (where a newly joined reader starts)."""
        return self._next - 1

    def since(self, cursor: int) -> tuple[list[_Tick], int]:
        """Ticks from index ``cursor`` on, and the cursor to use next time.

        A reader so far behind that its ticks were dropped continues with the oldest one kept.
        """
        if not self._history:
            return [], cursor
        oldest = self._history[0][0]
        start = max(cursor - oldest, 0)
        ticks = [tick for _, tick in itertools.islice(self._history, start, None)]
        return ticks, self._next


# --------------------------------------------------------------------------------------------
# Requests and subscriptions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Route:
    path: str
    rate: float


def _route(target: str) -> _Route | str:
    """Parse a request target into a route, or return why it is not acceptable (HTTP 400)."""
    parts = urlsplit(target)
    query = parse_qs(parts.query, keep_blank_values=True)
    rate = DEFAULT_RATE
    if "rate" in query:
        text = query["rate"][-1]
        try:
            rate = float(text)
        except ValueError:
            return f"rate must be a number, not {text!r}"
        if not (0.0 < rate <= MAX_RATE):  # also rejects nan
            return f"rate must be > 0 and <= {MAX_RATE:g} messages per second, not {text}"
    return _Route(parts.path, rate)


def _parse_subscription(message: str | bytes, names: Iterable[str]) -> set[str] | bool | None:
    """Interpret a client message as a subscription.

    Returns the set of chosen canonical names, ``None`` for "all names", or ``False`` when the
    message is not a subscription (it is then ignored).
    """
    if isinstance(message, bytes):
        return False
    try:
        data: object = json.loads(message)
    except ValueError:
        data = message  # a bare "ACME,BETA"
    if isinstance(data, dict):
        if "subscribe" not in data:
            return False
        data = data["subscribe"]
    if data is None:
        return None
    if isinstance(data, str):
        wanted = [part.strip() for part in data.split(",")]
    elif isinstance(data, list) and all(isinstance(item, str) for item in data):
        wanted = [str(item) for item in data]
    else:
        return False
    canonical = {name.casefold(): name for name in names}
    return {canonical[w.casefold()] for w in wanted if w.casefold() in canonical}


class _Subscription:
    """The names one connection wants; updated by its reader task."""

    def __init__(self) -> None:
        self.names: set[str] | None = None  # None: all
        self.first_message = asyncio.Event()


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class DemoServer:
    """The demo WebSocket server, for use inside a running asyncio event loop.

    ``DemoServer(host, port, seed=...)`` does nothing until :meth:`start`; port 0 picks a free
    port, readable from :attr:`port` once started. :meth:`stop` closes every connection (close
    code 1001) and returns when all handlers have finished. A server starts at most once.

    Counters (:meth:`sent`, :meth:`connections`) are plain integers updated on the server's event
    loop; reading them from another thread is safe and gives a recent value.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, seed: int | None = None) -> None:
        self.host = host
        self.seed = seed
        self._requested_port = port
        self._server: Server | None = None
        self._port: int | None = None
        self._feeds: dict[tuple[str, float], _Feed] = {}
        self._clients: set[ServerConnection] = set()
        self._sent = dict.fromkeys(PATHS, 0)
        self._connections = dict.fromkeys(PATHS, 0)

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start listening. Raises :class:`OSError` if the address cannot be bound (port taken).

        Raises :class:`RuntimeError` if the server was started before.
        """
        if self._server is not None:
            raise RuntimeError("DemoServer already started")
        server = await serve(
            self._handle,
            self.host,
            self._requested_port,
            process_request=self._process_request,
        )
        self._server = server
        self._port = next(iter(server.sockets)).getsockname()[1]

    async def stop(self) -> None:
        """Close all connections and stop listening. Safe to call more than once."""
        server = self._server
        if server is None:
            return
        server.close()
        await server.wait_closed()

    async def __aenter__(self) -> DemoServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def disconnect_all(self, code: int = 1012, reason: str = "demo restart") -> None:
        """Close every current client connection but keep listening (to exercise reconnects).

        The default close code 1012 means "service restart": clients are expected to come back.
        """
        clients = list(self._clients)
        await asyncio.gather(*(ws.close(code, reason) for ws in clients), return_exceptions=True)

    # -- addresses and counters ---------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port actually listened on. Raises :class:`RuntimeError` before :meth:`start`."""
        if self._port is None:
            raise RuntimeError("DemoServer not started")
        return self._port

    def url(self, path: str = "") -> str:
        """``ws://HOST:PORT/path`` for this server (``path`` may omit its leading slash).

        A wildcard host (``0.0.0.0``, ``::``) is given as ``127.0.0.1``, where it is reachable.
        """
        return _url(self.host, self.port, path)

    def sent(self, path: str) -> int:
        """Messages sent so far on ``path`` (``"ticker"`` or ``"/ticker"``), all clients."""
        return self._sent[_normalize_path(path)]

    def connections(self, path: str) -> int:
        """WebSocket connections accepted so far on ``path``, open or not."""
        return self._connections[_normalize_path(path)]

    # -- handshake and streaming --------------------------------------------------------------

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        route = _route(request.path)
        if isinstance(route, str):
            return connection.respond(400, route + "\n")
        if route.path.endswith("/history") and route.path.removesuffix("/history") in PATHS:
            return self._history(request.path, route)
        if route.path not in PATHS:
            known = ", ".join(PATHS)
            return connection.respond(404, f"Unknown path {route.path!r}; try one of {known}\n")
        return None

    def _history(self, target: str, route: _Route) -> Response:
        """The answer to ``GET /<feed>/history?seconds=N``: a JSON array (see the module)."""
        query = parse_qs(urlsplit(target).query)
        text = query.get("seconds", ["300"])[-1]
        if not text.isdigit() or not 0 < int(text) <= MAX_HISTORY_SECONDS:
            refusal = (
                f"seconds must be a whole number from 1 to {MAX_HISTORY_SECONDS}, not {text!r}"
            )
            return Response(
                400, "Bad Request", Headers([("Content-Type", "text/plain")]), refusal.encode()
            )
        path = route.path.removesuffix("/history")
        feed = self._feeds.get((path, route.rate))
        if feed is None:
            feed = self._feeds[path, route.rate] = _Feed(path, route.rate, self.seed)
        body = json.dumps(feed.past(int(text)), separators=(",", ":")).encode()
        headers = Headers(
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return Response(200, "OK", headers, body)

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None  # the handshake is complete when the handler runs
        route = _route(ws.request.path)
        assert isinstance(route, _Route)  # _process_request refused anything else
        self._connections[route.path] += 1
        self._clients.add(ws)
        feed = self._feeds.get((route.path, route.rate))
        if feed is None:
            feed = self._feeds[route.path, route.rate] = _Feed(route.path, route.rate, self.seed)
        subscription = _Subscription()
        reader = asyncio.create_task(self._read(ws, feed, subscription))
        try:
            # Give a client that subscribes right away the chance to do so before the first tick.
            first = asyncio.ensure_future(subscription.first_message.wait())
            await asyncio.wait(
                {first, reader}, timeout=SUBSCRIBE_GRACE, return_when=asyncio.FIRST_COMPLETED
            )
            first.cancel()
            if reader.done():
                return  # closed during the grace period
            await self._stream(ws, feed, route.path, subscription, reader)
        except ConnectionClosed:
            pass  # the client left, or stop() closed the connection
        finally:
            self._clients.discard(ws)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _read(self, ws: ServerConnection, feed: _Feed, subscription: _Subscription) -> None:
        """Apply subscriptions until the connection closes."""
        with contextlib.suppress(ConnectionClosed):
            async for message in ws:
                choice = _parse_subscription(message, feed.names)
                if choice is not False:
                    subscription.names = choice if isinstance(choice, set) else None
                subscription.first_message.set()

    async def _stream(
        self,
        ws: ServerConnection,
        feed: _Feed,
        path: str,
        subscription: _Subscription,
        reader: asyncio.Task[None],
    ) -> None:
        loop = asyncio.get_running_loop()
        feed.advance(loop.time())
        cursor = feed.latest()  # start with the current tick: a fresh feed starts at tick 0
        last_wake = loop.time()
        while True:
            feed.advance(loop.time())
            ticks, cursor = feed.since(cursor)
            for tick in ticks:
                wanted = subscription.names
                for name, text in tick:
                    if wanted is None or name in wanted:
                        await ws.send(text)
                        self._sent[path] += 1
            now = loop.time()
            wake = max(feed.due_time(cursor), last_wake + _BURST_INTERVAL)
            # Sleep by waiting on the reader: it finishes when the connection closes, which ends
            # this loop at once instead of after the next send fails.
            await asyncio.wait({reader}, timeout=max(wake - now, 0.0))
            if reader.done():
                return
            last_wake = loop.time()


def _normalize_path(path: str) -> str:
    normalized = path if path.startswith("/") else "/" + path
    if normalized not in PATHS:
        raise KeyError(f"unknown demo path {path!r}; known paths: {', '.join(PATHS)}")
    return normalized


def _url(host: str, port: int, path: str) -> str:
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if path and not path.startswith("/"):
        path = "/" + path
    return f"ws://{host}:{port}{path}"


# --------------------------------------------------------------------------------------------
# Running in a background thread
# --------------------------------------------------------------------------------------------


class DemoHandle(ServerThread[DemoServer]):
    """A :class:`DemoServer` running on its own event loop in a daemon thread.

    Made by :func:`serve_in_thread`. :meth:`stop` closes the connections, stops the loop and
    joins the thread; it is idempotent, and also runs when a ``with`` block exits.
    """

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        """The port actually listened on."""
        return self.server.port

    def url(self, path: str = "") -> str:
        """``ws://HOST:PORT/path``; see :meth:`DemoServer.url`."""
        return self.server.url(path)

    def sent(self, path: str) -> int:
        """Messages sent so far on ``path``; see :meth:`DemoServer.sent`."""
        return self.server.sent(path)

    def connections(self, path: str) -> int:
        """Connections accepted so far on ``path``; see :meth:`DemoServer.connections`."""
        return self.server.connections(path)

    def disconnect_all(self, timeout: float = 10.0) -> None:
        """Close all current client connections, keep serving; see
        :meth:`DemoServer.disconnect_all`."""
        self.run(self.server.disconnect_all(), timeout)

    def __repr__(self) -> str:
        state = "running" if self.alive else "stopped"
        return f"<DemoHandle {self.server.host}:{self.server._port} {state}>"


def serve_in_thread(
    host: str = "127.0.0.1", port: int = 0, *, seed: int | None = None
) -> DemoHandle:
    """Start a :class:`DemoServer` in a new daemon thread and return once it listens.

    Errors from starting (such as :class:`OSError` when the port is taken) are raised here, in the
    caller's thread. The thread is a daemon so that a forgotten handle never keeps the
    interpreter alive; call :meth:`DemoHandle.stop` (or use ``with``) to shut down cleanly.
    """
    return DemoHandle(DemoServer(host, port, seed=seed), "livefeed-demo")
