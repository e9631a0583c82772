"""NATS: a feed that reads a subject (`NatsSource`), and the bridge's writer (`NatsPublisher`).

Reading. Each NATS message is one frame, read by the feed's decoder. When a JetStream stream
stores the subject, the feed reads through the stream: the history asked for (the last N
messages, or those stored since a time), then every later message, in the stream's order, each
once. It remembers the stream sequence of the last message it read, and after any reconnect
(a broker restart included) it reads again from the next one: nothing the broker stored is
lost (unless the stream's own limits removed it first, which is noted) or repeated. When no
stream stores the subject, the feed subscribes with core NATS: live
messages only, and those published while it is disconnected are lost (NATS keeps nothing).

Writing. `NatsPublisher` stores each payload in a JetStream stream (creating one when no stream
stores the subject), under a message id made of a per-publisher random run id and the bridge's
number of the payload, so that the bridge's retry of a batch stores nothing twice.

Every failure is counted in the feed's statistics with a message that holds no credential; none
is raised out of the reading task. A publisher raises `PublishError`, whose message holds no
credential either.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Coroutine
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import orjson
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.errors import AuthorizationError, SlowConsumerError
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import NotFoundError, ServiceUnavailableError

from .._chartdata import CONNECTION, HISTORY_ERROR, Status
from .._core.decode import Decoder, DecoderFactory
from .._redact import Redactor, public_url
from .base import INTERNAL, Sink, TaskSource
from .broker import BrokerHistory, Keep, PublishError
from .websocket import Backoff

# How often the client pings an idle server, and how many unanswered pings mean the connection
# is dead: the same 20 s as a WebSocket feed, rather than nats-py's 2 minutes.
_PING_INTERVAL = 20
_MAX_OUTSTANDING_PINGS = 2
# At most one "messages dropped" note per this many seconds: a reader that cannot keep up gets
# one error per dropped message from nats-py, and a note for each would slow it down further.
_SLOW_NOTE_SECONDS = 1.0
# How long a probe consumer (used to find where the last N messages start) may outlive us if
# deleting it fails: the server removes it then.
_PROBE_LIFETIME = 30.0

# What a broken connection, a timeout or a refusing server raise from nats-py.
_FAILURES = (NatsError, OSError, asyncio.TimeoutError)


def check_port(url: str) -> None:
    """Raise ValueError (in the user's cell) for a URL whose port is not a number: nats-py would
    only say "invalid connect url option", on every attempt."""
    try:
        _ = urlsplit(url).port  # raises for "host:abc" and ports past 65535
    except ValueError:
        raise ValueError(f"the port of {public_url(url)} is not a number from 0 to 65535") from None


def describe(error: BaseException) -> str:
    """A short text for an error of nats-py or of the socket (not yet redacted)."""
    if isinstance(error, asyncio.TimeoutError) and not str(error):
        return "no answer in time"
    return str(error) or type(error).__name__


def _refused(error: BaseException) -> bool:
    """Whether `error` is the server refusing our credentials (which retrying cannot fix).

    nats-py raises `AuthorizationError` in some paths and a plain `Error` carrying the server's
    "-ERR 'Authorization Violation'" (or "Authentication Expired", ...) in others.
    """
    if isinstance(error, AuthorizationError):
        return True
    text = str(error).lower()
    return isinstance(error, NatsError) and ("authorization" in text or "authentication" in text)


# -- reading -------------------------------------------------------------------------------------


class _Link:
    """What nats-py's callbacks tell the reading task about one client connection.

    The callbacks only record and signal: they run inside nats-py's own tasks (the reconnect
    task among them), where a request to the server or closing the client would deadlock or
    cancel nats-py's work.
    """

    def __init__(self, sink: Sink, public: str) -> None:
        self.sink = sink
        self.public = public
        self.connected = False  # until then errors are kept for the one note of the attempt
        self.closing = False  # we close it ourselves: say nothing more about it
        self.closed = False
        self.last_error: BaseException | None = None
        self.refusal: str | None = None  # the server refused our credentials: final
        self.generation = 0  # one more per reconnect: a JetStream reader resubscribes
        self.changed = asyncio.Event()
        self._dropped = 0
        self._dropped_noted_at = 0.0

    @property
    def ended(self) -> bool:
        return self.closed or self.refusal is not None

    async def on_error(self, error: Exception) -> None:
        if self.closing:
            return
        if _refused(error):  # noted once, by the reading task, which then stops
            self.refusal = f"the server at {self.public} refused the credentials: {describe(error)}"
            self.changed.set()
            return
        if not self.connected:
            self.last_error = error
            return
        if isinstance(error, SlowConsumerError):
            self._note_dropped()
            return
        if isinstance(error, OSError):
            self.sink.note(CONNECTION, f"cannot reach {self.public}: {describe(error)}")
        else:
            self.sink.note(CONNECTION, describe(error))

    def _note_dropped(self) -> None:
        self._dropped += 1
        now = time.monotonic()
        if now - self._dropped_noted_at >= _SLOW_NOTE_SECONDS:
            self.sink.note(
                CONNECTION,
                f"messages arrive faster than they are read: {self._dropped} dropped",
            )
            self._dropped = 0
            self._dropped_noted_at = now

    async def on_disconnected(self) -> None:
        if self.connected and not self.closing:
            self.sink.set_status("reconnecting")

    async def on_reconnected(self) -> None:
        if self.closing:
            return
        self.sink.count_reconnect()
        self.sink.set_status("live")
        self.generation += 1
        self.changed.set()

    async def on_closed(self) -> None:
        self.closed = True
        self.changed.set()

    async def wait(self, generation: int, timeout: float | None = None) -> None:
        """Return once the connection ended or reconnected after `generation`, or on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.ended and self.generation == generation:
            # No await between the check and the clear: a callback cannot slip in between.
            self.changed.clear()
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)


@dataclass
class _Position:
    """Where reading a stream goes on from. `next_seq` is the stream sequence to read next;
    None before the first message of a `since` history (which reads from the time again)."""

    stream: str | None = None
    next_seq: int | None = None
    started: bool = False
    noted_no_stream: bool = False


class NatsSource(TaskSource):
    """A NATS feed: one task on the runtime's loop that connects, subscribes and reads.

    The stream read is the first one whose subjects overlap `subject` (as JetStream names it):
    a wildcard subject spread over several streams is read from one of them only.

    Status goes connecting → live → (reconnecting → live)* → closed, or error:
    - A first connect that fails is noted and tried again after a growing delay (status "error"
      with `retry_at`, as a WebSocket feed). After it, nats-py reconnects on its own, without
      limit, every `backoff` seconds; each reconnect is counted.
    - Credentials the server refuses (at the first connect or at a reconnect) end the feed with
      status "error" and one note saying so: they will not be accepted on a retry either.
    - A JetStream subject is read from the stream sequence after the last one read, after every
      reconnect: across a broker restart nothing it stored is lost or repeated.
    """

    _doing = "the NATS connection"

    def __init__(
        self,
        url: str,
        *,
        subject: str,
        history: BrokerHistory,
        decoder: DecoderFactory,
        creds: str | None,
        backoff: float,
        max_backoff: float,
        open_timeout: float,
    ) -> None:
        super().__init__()
        check_port(url)
        self._url = url
        self.subject = subject
        self.history = history
        self.decoder = decoder
        self._creds = creds
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.open_timeout = open_timeout
        self._public = public_url(url)
        self.name = f"{self._public} {subject}"

    def run(self, sink: Sink) -> Coroutine[Any, Any, None]:
        return self._run(sink)

    async def _run(self, sink: Sink) -> None:
        backoff = Backoff(self.backoff, self.max_backoff)
        position = _Position()  # kept across connections: a new one reads on from it
        first = True
        try:
            while True:
                sink.set_status("connecting" if first else "reconnecting")
                first = False
                link = _Link(sink, self._public)
                client = await self._connect(link)
                if client is not None:
                    backoff.reset()
                    try:
                        await self._read(client, link, sink, position)
                    finally:
                        await _close(client, link)
                if link.refusal is not None:
                    sink.note(CONNECTION, link.refusal)
                    sink.set_status("error")
                    return
                delay = backoff.next_delay()
                # A client that was connected was closed by nats-py (it reconnects without limit,
                # so this is rare): a new one reads on from `position`. One that never connected
                # is an error (its reason noted) that is retried all the same.
                waiting: Status = "reconnecting" if link.connected else "error"
                sink.set_status(waiting, retry_at=time.monotonic() + delay)
                await asyncio.sleep(delay)
                sink.count_reconnect()
        except asyncio.CancelledError:
            sink.set_status("closed")
            raise
        except _Final as final:
            sink.note(CONNECTION, final.message)
            sink.set_status("error")

    async def _connect(self, link: _Link) -> Client | None:
        """One first-connect attempt: the client, or None (the failure noted, unless final)."""
        client = Client()
        try:
            await client.connect(
                self._url,
                error_cb=link.on_error,
                disconnected_cb=link.on_disconnected,
                reconnected_cb=link.on_reconnected,
                closed_cb=link.on_closed,
                name="livefeed",
                user_credentials=self._creds,
                connect_timeout=self.open_timeout,  # type: ignore[arg-type]  # a float works
                reconnect_time_wait=self.backoff,  # type: ignore[arg-type]
                # nats-py's first connect retries without end when reconnecting is unlimited
                # (and even when reconnecting is off): with 1 it gives up after two tries, so
                # that the failure is seen, noted and retried here with a growing delay.
                max_reconnect_attempts=1,
                ping_interval=_PING_INTERVAL,
                max_outstanding_pings=_MAX_OUTSTANDING_PINGS,
            )
        except ImportError as error:
            await _close(client, link)
            raise _Final(
                f"creds= needs the package that reads NATS credentials files ({error.name}): "
                "pip install 'livefeed[nats]'"
            ) from None
        except Exception as error:  # connect raises many kinds: each is a failed attempt
            await _close(client, link)
            if link.refusal is None:
                reason = describe(link.last_error or error)
                link.sink.note(CONNECTION, f"cannot connect to {self._public}: {reason}")
            return None
        # Connected: from now on nats-py reconnects by itself, without limit. The option is read
        # at each reconnect, and connect() takes no separate limit for its first attempt.
        client.options["max_reconnect_attempts"] = -1
        link.connected = True
        return client

    async def _read(self, client: Client, link: _Link, sink: Sink, position: _Position) -> None:
        """Subscribe and feed `sink` until the connection ends or is refused.

        A JetStream subscription is made again after each reconnect, from `position`; a core
        NATS subscription is replayed by nats-py itself.
        """
        reader = _Reader(self, client, sink, position)
        setup = Backoff(self.backoff, self.max_backoff)
        try:
            while not link.ended:
                generation = link.generation
                try:
                    await reader.subscribe()
                except _FAILURES as error:
                    if link.ended:
                        return
                    sink.note(CONNECTION, f"cannot read {self.subject!r}: {describe(error)}")
                    delay = setup.next_delay()
                    sink.set_status("error", retry_at=time.monotonic() + delay)
                    await link.wait(generation, delay)
                    continue
                setup.reset()
                sink.set_status("live")
                await link.wait(generation)
                while reader.core and not link.ended:
                    # nats-py subscribes again by itself after a reconnect: nothing to do.
                    await link.wait(link.generation)
        finally:
            # Also when cancelled: a JetStream subscription's heartbeat and flow-control tasks
            # end with it, rather than linger past the connection.
            await reader.unsubscribe()


class _Final(Exception):
    """A failure that no retry can mend: the feed ends with status "error"."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def _close(client: Client, link: _Link) -> None:
    """Close `client` quietly; a second cancel of the task does not stop the close."""
    link.closing = True
    with suppress(Exception):
        await asyncio.shield(client.close())


class _Reader:
    """The subscription of one client connection, and the callbacks that feed the sink."""

    def __init__(self, source: NatsSource, client: Client, sink: Sink, position: _Position) -> None:
        self.source = source
        self.client = client
        self.js: JetStreamContext = client.jetstream(timeout=source.open_timeout)
        self.sink = sink
        self.position = position
        # One decoder per connection, made before any message of it is read.
        self.decoder: Decoder = source.decoder()
        self.subscription: Subscription | None = None
        self.core = False

    async def subscribe(self) -> None:
        """Make the subscription: JetStream from `position` when a stream stores the subject,
        else core NATS. Raises a nats-py error when the server does not answer as it should."""
        await self.unsubscribe()
        source, position = self.source, self.position
        stream = await self._stream()
        if stream is None:
            if source.history.wanted and not position.noted_no_stream:
                position.noted_no_stream = True
                self.sink.note(
                    HISTORY_ERROR,
                    f"no JetStream stream stores {source.subject!r}, so there is no history "
                    "to read: showing live messages only",
                )
            self.core = True
            self.subscription = await self.client.subscribe(source.subject, cb=self._core_message)
            return
        self.core = False
        config = await self._start(stream)
        self.subscription = await self.js.subscribe(
            source.subject,
            stream=stream,
            cb=self._stream_message,
            ordered_consumer=True,
            config=config,
        )

    async def _stream(self) -> str | None:
        """The stream that stores the subject, or None (also when JetStream is off)."""
        try:
            return await self.js.find_stream_name_by_subject(self.source.subject)
        except NotFoundError:
            return None
        except ServiceUnavailableError:  # this server or account has no JetStream
            return None

    async def _start(self, stream: str) -> ConsumerConfig:
        """Where the consumer starts: the history asked for on the first read, then the message
        after the last one read."""
        position, history = self.position, self.source.history
        state = (await self.js.stream_info(stream)).state
        if position.stream is not None and position.stream != stream:
            # Another stream's sequences say nothing of where we were: read its new messages.
            self.sink.note(
                CONNECTION,
                f"{self.source.subject!r} is now stored by the stream {stream}, not "
                f"{position.stream}: reading its new messages",
            )
            position.next_seq = state.last_seq + 1
        elif not position.started:
            if history.last is not None:
                position.next_seq = await _start_of_last(
                    self.js,
                    stream,
                    self.source.subject,
                    history.last,
                    state.first_seq,
                    state.last_seq,
                )
            elif history.since is not None:
                position.next_seq = None
            else:
                # Only new messages: "new" pinned to a sequence now, so that a reconnect before
                # the first message still reads on from here rather than from its own "new".
                position.next_seq = state.last_seq + 1
        elif position.next_seq is not None and position.next_seq > state.last_seq + 1:
            # The stream numbers from 1 again: it was deleted and made anew while we were away.
            self.sink.note(
                CONNECTION,
                f"the stream {stream} was made anew: reading it from its first message",
            )
            position.next_seq = state.first_seq
        elif position.next_seq is not None and position.next_seq < state.first_seq:
            self.sink.note(
                CONNECTION,
                f"the stream {stream} removed messages before they were read "
                f"(sequences {position.next_seq} to {state.first_seq - 1}, by its limits)",
            )
        position.stream = stream
        position.started = True
        if position.next_seq is None:
            assert history.since is not None
            return ConsumerConfig(
                deliver_policy=DeliverPolicy.BY_START_TIME,
                opt_start_time=datetime.fromtimestamp(history.since, tz=timezone.utc),
            )
        return ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=max(1, position.next_seq),
        )

    async def unsubscribe(self) -> None:
        subscription, self.subscription = self.subscription, None
        if subscription is not None:
            # Also stops the heartbeat and flow-control tasks of a JetStream subscription.
            with suppress(Exception):
                await subscription.unsubscribe()

    async def _core_message(self, msg: Msg) -> None:
        try:
            self.sink.ingest(msg.data, self.decoder)
        except Exception as error:  # one message must never end the feed
            self.sink.note(INTERNAL, f"internal error reading a message: {error!r}")

    async def _stream_message(self, msg: Msg) -> None:
        try:
            metadata = msg.metadata
            seq = metadata.sequence.stream
            position = self.position
            # A message before the one to read next was read already: an old subscription's
            # last deliveries, or nats-py's own consumer reset, may repeat it.
            if position.next_seq is not None and seq < position.next_seq:
                return
            position.next_seq = seq + 1
            # The broker's time of storing it: history read now keeps its own times.
            self.sink.ingest(msg.data, self.decoder, metadata.timestamp.timestamp())
        except Exception as error:  # one message must never end the feed
            self.sink.note(INTERNAL, f"internal error reading a message: {error!r}")


async def _start_of_last(
    js: JetStreamContext, stream: str, subject: str, count: int, first_seq: int, last_seq: int
) -> int:
    """The stream sequence from which `count` messages of `subject` remain (the stream's first
    when it holds fewer).

    JetStream has no "last N of a subject" start, and a stream may store other subjects among
    them: a consumer's `num_pending` says how many of the subject remain from a sequence, and a
    binary search over sequences finds the start (one probe when the stream holds the subject
    only, the common case).
    """

    async def remaining(seq: int) -> int:
        info = await js.add_consumer(
            stream,
            ConsumerConfig(
                filter_subject=subject,
                deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                opt_start_seq=seq,
                ack_policy=AckPolicy.NONE,
                mem_storage=True,
                inactive_threshold=_PROBE_LIFETIME,
            ),
        )
        with suppress(*_FAILURES):
            await js.delete_consumer(stream, info.name)
        return info.num_pending or 0

    first_seq = max(1, first_seq)
    if last_seq < first_seq:  # empty
        return last_seq + 1
    guess = max(first_seq, last_seq - count + 1)
    if guess == first_seq or await remaining(guess) >= count:
        return guess
    if await remaining(first_seq) <= count:
        return first_seq
    # remaining(low) >= count > remaining(high): find the last sequence with `count` remaining.
    low, high = first_seq, guess
    while high - low > 1:
        middle = (low + high) // 2
        if await remaining(middle) >= count:
            low = middle
        else:
            high = middle
    return low


# -- writing -------------------------------------------------------------------------------------

_WILDCARD = re.compile(r"(^|\.)[*>](\.|$)")
_MSG_ID = "Nats-Msg-Id"
_STATUS = "Status"
_NO_RESPONDERS = "503"
# How long JetStream remembers message ids: a retry of the bridge within it stores nothing twice.
_DUPLICATE_WINDOW = 120.0


def check_subject(subject: str) -> str:
    """`subject` when one can publish to it; ValueError otherwise."""
    if not subject or any(c.isspace() for c in subject) or ".." in subject:
        raise ValueError(f"not a NATS subject to publish to: {subject!r}")
    if subject.startswith(".") or subject.endswith(".") or _WILDCARD.search(subject):
        raise ValueError(f"a subject to publish to has no wildcard nor empty part: {subject!r}")
    return subject


def nats_target(url: str) -> tuple[str, str]:
    """Split `nats://user:pass@host:4222/trades.btc` into the server's URL (credentials kept)
    and the subject. Raises ValueError when the URL names no subject (without repeating the
    URL, which may hold a password)."""
    parts = urlsplit(url)
    subject = unquote(parts.path.lstrip("/"))
    if not subject:
        raise ValueError(
            f"{public_url(url)} names no subject: write it as the path, nats://host:4222/trades.btc"
        )
    return urlunsplit((parts.scheme, parts.netloc, "", "", "")), check_subject(subject)


def stream_name(subject: str) -> str:
    """The name of the stream the bridge makes for `subject`: `LIVEFEED_trades_btc`."""
    return "LIVEFEED_" + re.sub(r"[^A-Za-z0-9_-]", "_", subject)


class _Batch:
    """The confirmations of one `publish` call: index i of the batch is confirmed once."""

    def __init__(self, number: int, first: int, size: int) -> None:
        self.number = number
        self.first = first
        self.size = size
        self.confirmed = bytearray(size)
        self.count = 0
        self.progress = 0  # sends and confirmations: a batch that moves is not timed out
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def confirm(self, index: int) -> None:
        if 0 <= index < self.size and not self.confirmed[index]:
            self.confirmed[index] = 1
            self.count += 1
            self.progress += 1
            if self.count == self.size and not self.done.done():
                self.done.set_result(None)

    def fail(self, error: PublishError) -> None:
        if not self.done.done():
            self.done.set_exception(error)


class NatsPublisher:
    """Writes the bridge's payloads to one subject of a JetStream stream (see `Publisher`).

    Order: a batch is sent, in order, on one connection, and JetStream stores what one
    connection sends in the order it arrives. The connection does not reconnect by itself: when
    it drops, nats-py's unsent buffer goes with it, and the next `publish` connects anew. So a
    failed batch stored a prefix of itself at most: the server received the messages it stored
    before any it did not. (nats-py's own reconnect would send that buffer after reconnecting,
    storing later messages of the batch while an earlier one, lost with the socket, is
    missing.) The edges left: a server that rejects one message and accepts the next (a stream
    limit that discards new messages, a message larger than the stream allows), and message ids
    older than the stream's duplicate window, which a retry would store again.

    One `publish` at a time, as the bridge calls it: confirmations go to the batch in hand.
    """

    def __init__(
        self,
        url: str,
        subject: str,
        *,
        creds: str | None = None,
        ack_timeout: float = 10.0,
        open_timeout: float = 10.0,
    ) -> None:
        check_port(url)
        self._url = url
        self._creds = creds
        self.subject = check_subject(subject)
        self._redactor = Redactor(url)
        self._public = public_url(url)
        self._name = f"{self._public} {subject}"
        self.ack_timeout = ack_timeout
        self.open_timeout = open_timeout
        # Message ids are this run's, so that a new bridge's numbers from 0 are not taken for
        # repeats of an earlier run's still in the duplicate window.
        self.run_id = secrets.token_hex(8)
        self._keep = Keep()
        self._client: Client | None = None
        self._inbox = ""
        self._batch: _Batch | None = None
        self._batches = 0
        self._last_error: BaseException | None = None
        self._refusal: BaseException | None = None
        self.stream = ""

    @property
    def name(self) -> str:
        return self._name

    async def open(self, keep: Keep) -> None:
        """Connect, and create the stream when none stores the subject. Raises PublishError
        when the server cannot be reached or refuses (the message holds no credential)."""
        self._keep = keep
        await self._connected()

    async def publish(self, first: int, payloads: list[bytes]) -> None:
        """Store `payloads` in order, under ids `<run>-<first + i>`; return once all are
        confirmed. Raises PublishError when one is refused, or the connection drops, or nothing
        is confirmed for `ack_timeout` seconds."""
        if not payloads:
            return
        client = await self._connected()
        self._batches += 1
        batch = _Batch(self._batches, first, len(payloads))
        self._batch = batch
        sending = asyncio.ensure_future(self._send(client, batch, payloads))
        try:
            await self._confirmed(batch)
        except PublishError:
            # The next attempt starts on a new connection, and makes the stream again if it
            # was deleted. Messages of this batch the server still reads from the old one do
            # not break the order: the retry sends them in the same order, and each is stored
            # at its first arrival only.
            self._batch = None
            await self._drop()
            raise
        finally:
            self._batch = None
            if not sending.done():
                sending.cancel()
                with suppress(BaseException):
                    await sending
            if not batch.done.done():
                batch.done.cancel()
            elif not batch.done.cancelled():
                batch.done.exception()  # seen: asyncio logs an exception nobody looked at

    async def close(self) -> None:
        """Send what is buffered and close the connection."""
        client, self._client = self._client, None
        if client is not None:
            with suppress(Exception):
                await client.flush(timeout=int(max(1, self.open_timeout)))
            with suppress(Exception):
                await client.close()

    # -- inside ----------------------------------------------------------------------------------

    def _error(self, text: str) -> PublishError:
        return PublishError(self._redactor.redact(f"{self._name}: {text}"))

    async def _connected(self) -> Client:
        client = self._client
        if client is not None and client.is_connected:
            return client
        await self._drop()
        client = Client()
        self._last_error = self._refusal = None
        try:
            await client.connect(
                self._url,
                error_cb=self._on_error,
                closed_cb=self._on_closed,
                name="livefeed bridge",
                user_credentials=self._creds,
                connect_timeout=self.open_timeout,  # type: ignore[arg-type]  # a float works
                reconnect_time_wait=0.1,  # type: ignore[arg-type]
                allow_reconnect=False,  # see the class's docstring: order depends on it
                max_reconnect_attempts=1,  # else nats-py's first connect never gives up
                ping_interval=_PING_INTERVAL,
                max_outstanding_pings=_MAX_OUTSTANDING_PINGS,
            )
        except Exception as error:  # connect raises many kinds: each is a failed attempt
            with suppress(Exception):
                await client.close()
            # A refusal first: the server may reset the next try before its refusal is read.
            reason = describe(self._refusal or self._last_error or error)
            raise self._error(f"cannot connect: {reason}") from None
        self._client = client
        try:
            self.stream = await self._ensure_stream(client.jetstream(timeout=self.open_timeout))
            self._inbox = client.new_inbox()
            await client.subscribe(f"{self._inbox}.>", cb=self._on_ack)
        except ServiceUnavailableError:
            await self._drop()
            raise self._error("the server has no JetStream (nats-server needs -js)") from None
        except _FAILURES as error:
            await self._drop()
            raise self._error(f"cannot prepare the stream: {describe(error)}") from None
        return client

    async def _ensure_stream(self, js: JetStreamContext) -> str:
        """The stream that stores the subject, created (bounded by `keep`) when none does."""
        with suppress(NotFoundError):
            return await js.find_stream_name_by_subject(self.subject)
        keep = self._keep
        window = _DUPLICATE_WINDOW
        if keep.seconds is not None:
            window = min(window, keep.seconds)  # the server wants it no longer than max_age
        config = StreamConfig(
            name=stream_name(self.subject),
            subjects=[self.subject],
            storage=StorageType.FILE,
            max_msgs=keep.messages if keep.messages is not None else -1,
            max_age=keep.seconds if keep.seconds is not None else 0,
            duplicate_window=window,
        )
        try:
            return (await js.add_stream(config)).config.name or stream_name(self.subject)
        except NatsError:
            # Another bridge may have made it in between: use it when it stores the subject.
            with suppress(NotFoundError):
                return await js.find_stream_name_by_subject(self.subject)
            raise

    async def _send(self, client: Client, batch: _Batch, payloads: list[bytes]) -> None:
        prefix = f"{self._inbox}.{batch.number}."
        subject, run_id, first = self.subject, self.run_id, batch.first
        publish = client.publish
        sent = 0
        try:
            # Sent without waiting for each confirmation: the server confirms in order, and
            # `_confirmed` waits for them all together.
            for payload in payloads:
                headers = {_MSG_ID: f"{run_id}-{first + sent}"}
                await publish(subject, payload, reply=f"{prefix}{sent}", headers=headers)
                sent += 1
                batch.progress += 1
        except Exception as error:  # closed, too large, ...: the batch failed
            batch.fail(self._error(f"cannot send message {first + sent}: {describe(error)}"))

    async def _confirmed(self, batch: _Batch) -> None:
        """Return once every message of `batch` is confirmed; raise PublishError when one is
        refused or nothing moves for `ack_timeout` seconds."""
        while True:
            seen = batch.progress
            finished, _ = await asyncio.wait({batch.done}, timeout=self.ack_timeout)
            if finished:
                batch.done.result()  # raises the batch's PublishError
                return
            if batch.progress == seen:
                raise self._error(
                    f"no confirmation for {self.ack_timeout:g} s "
                    f"({batch.count} of {batch.size} messages confirmed)"
                )

    async def _on_ack(self, msg: Msg) -> None:
        batch = self._batch
        number, _, index = msg.subject.rpartition(".")
        if batch is None or number != f"{self._inbox}.{batch.number}":
            return  # a late confirmation of a batch already given up
        try:
            position = int(index)
        except ValueError:
            return
        if msg.headers and msg.headers.get(_STATUS) == _NO_RESPONDERS:
            batch.fail(self._error(f"no stream stores {self.subject!r} any more"))
            return
        try:
            answer = orjson.loads(msg.data)
        except orjson.JSONDecodeError:
            batch.fail(self._error("the server's confirmation cannot be read"))
            return
        error = answer.get("error") if isinstance(answer, dict) else None
        if error is not None:
            text = error.get("description", error) if isinstance(error, dict) else error
            which = batch.first + position
            batch.fail(self._error(f"the server refused message {which}: {text}"))
            return
        batch.confirm(position)

    async def _on_error(self, error: Exception) -> None:
        self._last_error = error
        if _refused(error):
            self._refusal = error

    async def _on_closed(self) -> None:
        batch = self._batch
        if batch is not None:
            reason = f": {describe(self._last_error)}" if self._last_error else ""
            batch.fail(self._error(f"the connection closed{reason}"))

    async def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with suppress(Exception):
                await client.close()
