"""The WebSocket client loop: connect, feed every message to a `Sink`, reconnect with backoff.

Thin glue over `websockets`: every failure ends up counted in the feed's statistics and named in
its status; none is raised out of the loop. Each connection reads its frames with a decoder of
its own, made when it opens, so that a reconnect starts with no half-read line left over.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl as ssl_module
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
)
from websockets.frames import CloseCode

from .._chartdata import CONNECTION, Status
from .._core.decode import TOO_LARGE, Decoder, DecoderFactory, JsonDecoder
from .._redact import Redactor, public_url
from .base import INTERNAL, Sink, TaskSource

Reconnect = bool | Literal["always"]

# A connection that stayed up this long was healthy: the next failure starts the backoff afresh.
_HEALTHY_SECONDS = 10.0
# HTTP refusals that say "try again later" rather than "you may not".
_RETRYABLE_4XX = {408, 425, 429}


@dataclass(frozen=True)
class ConnectOptions:
    """How to reach the feed. `decoder` makes the decoder of each connection; `on_open` is
    awaited on each connect before any message is read (to subscribe, to fetch history)."""

    url: str
    headers: Mapping[str, str] | None = None
    reconnect: Reconnect = True
    backoff: float = 0.5
    max_backoff: float = 30.0
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0
    max_size: int | None = 4 * 2**20
    ssl: ssl_module.SSLContext | None = None
    open_timeout: float = 10.0
    close_timeout: float = 2.0
    decoder: DecoderFactory = JsonDecoder
    on_open: Callable[[ClientConnection], Awaitable[None]] | None = None


class Backoff:
    """Exponential delays with jitter: about `initial` first, doubling up to `maximum`."""

    def __init__(self, initial: float, maximum: float) -> None:
        self.initial = initial
        self.maximum = maximum
        self.failures = 0

    def next_delay(self) -> float:
        ceiling = min(self.maximum, self.initial * 2.0**self.failures)
        self.failures += 1
        # Jitter spreads the retries of many clients that lost the same server at the same moment.
        return ceiling * random.uniform(0.5, 1.0)

    def reset(self) -> None:
        self.failures = 0


class RedactingLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """websockets' logger, with credentials masked in every line it writes.

    websockets logs each handshake line at DEBUG level, the request line with its query and the
    headers with their keys among them: a user who turns its logging on must not see them.
    """

    def __init__(self, logger: logging.Logger, redactor: Redactor) -> None:
        super().__init__(logger, {})
        self._redactor = redactor

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        if not self.isEnabledFor(level):
            return
        text = str(msg) % args if args else str(msg)
        self.logger.log(level, self._redactor.redact(text), **kwargs)


def describe_close(error: ConnectionClosed, max_size: int | None) -> tuple[str, str]:
    """The error kind and a message for a connection that closed with an error."""
    for frame in (error.sent, error.rcvd):
        if frame is not None and frame.code == CloseCode.MESSAGE_TOO_BIG:
            return TOO_LARGE, (
                f"a message was larger than max_size={max_size} bytes; "
                "pass a larger max_size= to LiveChart to accept it"
            )
    frame = error.rcvd or error.sent
    if frame is None:
        return CONNECTION, "connection lost without a close frame (code 1006)"
    reason = f": {frame.reason}" if frame.reason else ""
    return CONNECTION, f"connection closed with code {frame.code}{reason}"


async def stream(feed: Sink, options: ConnectOptions) -> None:
    """Keep `feed` connected to `options.url` until cancelled or a final failure.

    Status goes connecting → live → (reconnecting → live)* → closed or error. A normal close (1000)
    ends the stream unless `reconnect="always"`; an HTTP 4xx refusal or a certificate failure ends
    it with status "error"; everything else is retried after a backoff, unless `reconnect=False`.
    """
    backoff = Backoff(options.backoff, options.max_backoff)
    first = True
    try:
        while True:
            feed.set_status("connecting" if first else "reconnecting")
            first = False
            try:
                retry, connected_at = await _connect_once(feed, options)
            except Exception as error:  # a bug of ours or of a library: count it, keep trying
                feed.note(INTERNAL, f"internal error in the connection: {error!r}")
                retry, connected_at = True, None
            if connected_at is not None and time.monotonic() - connected_at >= _HEALTHY_SECONDS:
                backoff.reset()
            if not retry or options.reconnect is False:
                if feed.status not in ("error", "closed"):
                    feed.set_status("error")  # lost, and told not to reconnect
                return
            delay = backoff.next_delay()
            # A feed that was live and dropped is reconnecting; one that cannot be reached at all
            # is an error (with its reason in last_error) that is retried all the same.
            waiting: Status = "reconnecting" if connected_at is not None else "error"
            feed.set_status(waiting, retry_at=time.monotonic() + delay)
            await asyncio.sleep(delay)
            feed.count_reconnect()
    except asyncio.CancelledError:
        feed.set_status("closed")
        raise


async def _connect_once(feed: Sink, options: ConnectOptions) -> tuple[bool, float | None]:
    """One connection's life. Returns whether to retry, and when it went live (None if never)."""
    connected_at: float | None = None
    try:
        async with connect(
            options.url,
            additional_headers=options.headers,
            ping_interval=options.ping_interval,
            ping_timeout=options.ping_timeout,
            max_size=options.max_size,
            # websockets makes a verifying default context for wss:// when none is passed.
            **({} if options.ssl is None else {"ssl": options.ssl}),  # type: ignore[arg-type]
            open_timeout=options.open_timeout,
            close_timeout=options.close_timeout,
            logger=RedactingLogger(logging.getLogger("websockets.client"), feed.redactor),
        ) as websocket:
            connected_at = time.monotonic()
            feed.set_status("live")
            try:
                await _receive(feed, options, websocket, options.decoder())
            except asyncio.CancelledError:
                # close() cancels us: leave with a normal close frame, not the 1011 "internal
                # error" that websockets sends when its context exits on an exception.
                await asyncio.shield(websocket.close())
                raise
        code = websocket.close_code
        if code == CloseCode.NORMAL_CLOSURE and options.reconnect != "always":
            feed.set_status("closed")
            return False, connected_at
        if code != CloseCode.NORMAL_CLOSURE:
            reason = f": {websocket.close_reason}" if websocket.close_reason else ""
            feed.note(CONNECTION, f"server closed the connection with code {code}{reason}")
        return True, connected_at
    except InvalidStatus as error:
        status = error.response.status_code
        reason = error.response.reason_phrase
        if 400 <= status < 500 and status not in _RETRYABLE_4XX:
            feed.note(CONNECTION, f"the server refused the connection: HTTP {status} {reason}")
            feed.set_status("error")
            return False, connected_at
        feed.note(CONNECTION, f"the server answered HTTP {status} {reason}")
        return True, connected_at
    except ssl_module.SSLCertVerificationError as error:
        feed.note(CONNECTION, f"certificate not trusted: {error.verify_message}")
        feed.set_status("error")
        return False, connected_at
    except InvalidURI as error:
        feed.note(CONNECTION, f"invalid URL: {error}")
        feed.set_status("error")
        return False, connected_at
    except ConnectionClosed as error:
        kind, message = describe_close(error, options.max_size)
        feed.note(kind, message)
        return True, connected_at
    except (OSError, TimeoutError, asyncio.TimeoutError, InvalidHandshake) as error:
        # asyncio.TimeoutError is not the built-in TimeoutError before Python 3.11: a handshake
        # that times out raises it there.
        reason = str(error) or type(error).__name__
        if isinstance(error, (TimeoutError, asyncio.TimeoutError)):
            reason = f"no answer within open_timeout={options.open_timeout} s"
        feed.note(CONNECTION, f"cannot connect to {public_url(options.url)}: {reason}")
        return True, connected_at


async def _receive(
    feed: Sink, options: ConnectOptions, websocket: ClientConnection, decoder: Decoder
) -> None:
    if options.on_open is not None:
        await options.on_open(websocket)
    ingest = feed.ingest
    # websockets gives a text frame as str and a binary frame as bytes: each reaches the decoder
    # as what it is.
    async for message in websocket:
        try:
            ingest(message, decoder)
        except Exception as error:  # one message must never end the feed
            feed.note(INTERNAL, f"internal error reading a message: {error!r}")


class WebSocketSource(TaskSource):
    """A WebSocket feed: one task on the runtime's loop running `stream` until stopped."""

    _doing = "the connection"

    def __init__(self, options: ConnectOptions) -> None:
        super().__init__()
        self.options = options
        self.name = public_url(options.url)

    def run(self, sink: Sink) -> Coroutine[Any, Any, None]:
        return stream(sink, self.options)
