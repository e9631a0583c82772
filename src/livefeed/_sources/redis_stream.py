"""Redis streams: a feed that reads one (`RedisSource`) and the bridge's writer of one
(`RedisPublisher`).

Reading, `Feed("redis://host:6379/0", stream="trades", history=...)`:

- The history asked for comes first: the last N entries (`history=N`), or those stored since a
  time (`history=` a datetime or a timedelta). Without history the feed starts after the entry
  that was last when it first connected.
- Then it follows the stream live, with a blocking XREAD from the last entry it saw. After a lost
  connection, a broker restart included, it reads on from that entry: every entry the broker
  kept arrives once, in the stream's order, none twice and none skipped.
- Each entry is one frame for the feed's decoder. An entry whose only field is `data` (beside,
  optionally, the `seq` the bridge adds) gives that value, as bytes. Any other entry gives a JSON
  object of its fields with the values as text (`XADD trades * price 101.5 qty 3` gives
  `{"price":"101.5","qty":"3"}`), which the "json" decoder reads and a chart draws as numbers.
- An entry's arrival time is the time the broker stored it (the milliseconds of its id), so a
  history drawn against arrival time is spread as it was written, not piled up at the moment it
  was read. An id that is not a plausible time (one given explicitly, such as 1-1) arrives now.
- Status: connecting → live; a lost connection is "reconnecting" until it is live again,
  retried with backoff (`reconnect=False`: "error", and the feed ends). A broker never reached
  is "error" with the time of the next attempt. A refused password, or a key that holds
  something other than a stream, is "error" for good, with the reason in `last_error`.
- No credential of the URL shows in the name, a status, a note or a repr.

Writing, `livefeed bridge ws://... "redis://host:6379/0?stream=trades"`: see `RedisPublisher`.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Coroutine, Iterable
from contextlib import suppress
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import (
    AuthenticationError,
    AuthorizationError,
    ClusterDownError,
    NoPermissionError,
    RedisError,
    ResponseError,
    TryAgainError,
)

from .._chartdata import CONNECTION, Status
from .._core.decode import Decoder, DecoderFactory, Frame
from .._redact import Redactor, public_url
from .base import INTERNAL, Sink, TaskSource
from .broker import BrokerHistory, Keep, PublishError
from .websocket import Backoff, Reconnect

# Entries asked for per command: a page of history, or what one XREAD may return.
PAGE = 1_000
# How long one XREAD waits for new entries. Bounded, so that a connection that died without a
# word (a cable pulled) is noticed by the socket timeout, which allows for one such wait.
BLOCK_MS = 1_000
# A connection that stayed up this long was healthy: the next failure starts the backoff afresh.
_HEALTHY_SECONDS = 10.0
# The largest sequence part of a stream id: the id just before "5-0" is "4-<this>".
_MAX_SEQ = 2**64 - 1
# Ids whose time part is earlier than this (2000-01-01, in ms) were not made by the broker's
# clock; their entries arrive "now" rather than in 1970.
_PLAUSIBLE_MS = 946_684_800_000
# Server errors that say "later" rather than "never".
_TRANSIENT = ("BUSY", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN")


class _Final(Exception):
    """A failure that no retry mends (the broker refused the password, the key is no stream)."""


def _client(url: str, open_timeout: float) -> Redis:
    """A client of `url` that tries each command once: the reconnect loop, with its backoff and
    its status, is the caller's. RESP2, so that replies have the same shape on every server."""
    return Redis.from_url(
        url,
        socket_connect_timeout=open_timeout,
        socket_timeout=BLOCK_MS / 1000 + open_timeout,
        retry=Retry(NoBackoff(), 0),
        protocol=2,
    )


def check_url(url: str) -> None:
    """Raise ValueError, at once, for a URL whose options redis-py cannot use; a retry would
    only meet the same error. Nothing connects."""
    try:
        pool = _client(url, open_timeout=1.0).connection_pool
        # A connection object is made, never opened: it checks the URL's query options.
        pool.make_connection()  # type: ignore[no-untyped-call]
    except (TypeError, ValueError) as error:
        # The message names an option, never its value.
        raise ValueError(f"{public_url(url)}: {error}") from None


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _split_id(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def id_after(entry_id: str) -> str:
    """The smallest id greater than `entry_id` (for paging; Redis 5 has no exclusive ranges)."""
    ms, seq = _split_id(entry_id)
    return f"{ms}-{seq + 1}" if seq < _MAX_SEQ else f"{ms + 1}-0"


def id_before(entry_id: str) -> str | None:
    """The greatest id smaller than `entry_id`, or None below the first possible id."""
    ms, seq = _split_id(entry_id)
    if seq > 0:
        return f"{ms}-{seq - 1}"
    return f"{ms - 1}-{_MAX_SEQ}" if ms > 0 else None


def entry_frame(fields: dict[Any, Any]) -> bytes:
    """The frame of one entry: the value of `data` when that (and the bridge's `seq`) is all it
    holds, else its fields as one JSON object of text values."""
    data = fields.get(b"data")
    if data is not None and (len(fields) == 1 or (len(fields) == 2 and b"seq" in fields)):
        return bytes(data)
    # Text, not numbers guessed from text: the decoder's rules read numbers written as text,
    # and a field that looks numeric by chance ("007") is not changed on the way.
    return orjson.dumps({_text(key): _text(value) for key, value in fields.items()})


def _stored_at(entry_id: str, now: float) -> float | None:
    """When the broker stored an entry (epoch seconds), from its id; None when the id is not a
    time of the broker's clock (explicit small ids, or ids far in the future)."""
    ms = _split_id(entry_id)[0]
    if ms < _PLAUSIBLE_MS or ms > (now + 86_400) * 1000:
        return None
    return ms / 1000


def _entries(reply: Any) -> Iterable[tuple[str, dict[Any, Any]]]:
    """(id, fields) of the entries of an XRANGE, XREVRANGE or one stream of XREAD; an entry the
    broker gives without fields (deleted meanwhile) is left out."""
    for entry_id, fields in reply or ():
        if entry_id is not None and fields is not None:
            yield _text(entry_id), fields


class RedisSource(TaskSource):
    """One Redis stream read into a sink, as the module's docstring describes."""

    _doing = "the Redis reader"

    def __init__(
        self,
        url: str,
        *,
        stream: str,
        history: BrokerHistory,
        decoder: DecoderFactory,
        reconnect: Reconnect | object,
        backoff: float,
        max_backoff: float,
        open_timeout: float,
    ) -> None:
        super().__init__()
        check_url(url)  # in the cell that makes the feed, not later in a retry
        self._url = url
        self.stream = stream
        self.history = history
        self.decoder = decoder
        self.reconnect = reconnect
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.open_timeout = open_timeout
        self._public = public_url(url)
        self.name = f"{self._public} {stream}"
        # The id of the last entry handed to the sink: where reading goes on after a reconnect.
        # None until the first connect has read the history and fixed the starting point.
        self.cursor: str | None = None

    def __repr__(self) -> str:
        return f"RedisSource({self.name!r})"

    def run(self, sink: Sink) -> Coroutine[Any, Any, None]:
        return self._follow(sink)

    async def _follow(self, sink: Sink) -> None:
        """Stay connected until cancelled or a final failure (see the module's docstring)."""
        backoff = Backoff(self.backoff, self.max_backoff)
        first = True
        was_live = False
        try:
            while True:
                sink.set_status("connecting" if first else "reconnecting")
                first = False
                try:
                    connected_at = await self._connect_once(sink)
                except _Final as error:
                    sink.note(CONNECTION, str(error))
                    sink.set_status("error")
                    return
                except Exception as error:  # a bug of ours or of a library: count it, go on
                    sink.note(INTERNAL, f"internal error in the Redis reader: {error!r}")
                    connected_at = None
                if connected_at is not None:
                    was_live = True
                    if time.monotonic() - connected_at >= _HEALTHY_SECONDS:
                        backoff.reset()
                if self.reconnect is False:
                    sink.set_status("error")  # lost, and told not to reconnect
                    return
                delay = backoff.next_delay()
                # A feed that was live is reconnecting for as long as the broker stays away; one
                # never reached is an error (its reason in last_error), retried all the same.
                waiting: Status = "reconnecting" if was_live else "error"
                sink.set_status(waiting, retry_at=time.monotonic() + delay)
                await asyncio.sleep(delay)
                sink.count_reconnect()
        except asyncio.CancelledError:
            sink.set_status("closed")
            raise

    async def _connect_once(self, sink: Sink) -> float | None:
        """One connection's life, until it fails: returns when it went live (None if never).
        Raises `_Final` for a failure no retry mends."""
        connected_at: float | None = None
        client = _client(self._url, self.open_timeout)
        try:
            await client.ping()  # connects and authenticates before anything is read
            decoder = self.decoder()  # one per connection, as a WebSocket feed makes one
            if self.cursor is None:
                await self._read_history(client, sink, decoder)
            # "live" once the starting point is fixed: an entry added from now on is read.
            connected_at = time.monotonic()
            sink.set_status("live")
            await self._read_live(client, sink, decoder)
        except (AuthenticationError, AuthorizationError, NoPermissionError) as error:
            raise _Final(self._refused(error)) from None
        except ResponseError as error:
            if isinstance(error, (TryAgainError, ClusterDownError)) or str(error).startswith(
                _TRANSIENT
            ):
                self._lost(sink, error, connected_at)
                return connected_at
            raise _Final(await self._response_error(client, error)) from None
        except (RedisError, OSError) as error:
            self._lost(sink, error, connected_at)
        finally:
            # Shielded: a cancelled feed still closes its socket, and is not left half-closed.
            await asyncio.shield(client.aclose())
        return connected_at

    def _lost(self, sink: Sink, error: Exception, connected_at: float | None) -> None:
        reason = str(error) or type(error).__name__
        if connected_at is None:
            sink.note(CONNECTION, f"cannot connect to {self._public}: {reason}")
        else:
            sink.note(CONNECTION, f"lost the connection to {self._public}: {reason}")

    def _refused(self, error: RedisError) -> str:
        try:
            password = urlsplit(self._url).password
        except ValueError:
            password = None
        if password is None and "auth" in str(error).lower():
            return (
                f"{self._public} asks for a password: put it in the URL, "
                f"redis://:password@host:port/db ({error})"
            )
        return f"{self._public} refused the credentials of the URL: {error}"

    async def _response_error(self, client: Redis, error: ResponseError) -> str:
        if str(error).startswith("WRONGTYPE"):
            kind = "another type"
            with suppress(RedisError, OSError):  # the message is clear enough without the type
                kind = _text(await client.type(self.stream))
            return f"the key {self.stream!r} on {self._public} holds a {kind}, not a stream"
        return f"{self._public} refused to read the stream {self.stream!r}: {error}"

    async def _read_history(self, client: Redis, sink: Sink, decoder: Decoder) -> None:
        """Read the history asked for and fix the cursor: every later entry is read live."""
        history, stream = self.history, self.stream
        if history.last is not None:
            # Newest first, in pages, so that a long history does not hold the broker in one
            # command; then handed over oldest first.
            newest: list[tuple[str, dict[Any, Any]]] = []
            end: str | None = "+"
            while end is not None and len(newest) < history.last:
                count = min(PAGE, history.last - len(newest))
                page = list(_entries(await client.xrevrange(stream, end, "-", count=count)))
                newest.extend(page)
                if len(page) < count:
                    break
                end = id_before(page[-1][0])
            self.cursor = "0-0"  # an empty stream: from its first entry on
            self._take(sink, decoder, reversed(newest))
        elif history.since is not None:
            ms = max(0, int(history.since * 1000))
            start = f"{ms}-0"
            self.cursor = id_before(start) or "0-0"
            while True:
                page = list(_entries(await client.xrange(stream, start, "+", count=PAGE)))
                self._take(sink, decoder, page)
                if len(page) < PAGE:
                    break
                start = id_after(page[-1][0])
        else:
            # The concrete last id, not "$": what is added between this and the first XREAD, or
            # while a reconnect is under way, must not fall between the two.
            last = list(_entries(await client.xrevrange(stream, "+", "-", count=1)))
            self.cursor = last[0][0] if last else "0-0"

    async def _read_live(self, client: Redis, sink: Sink, decoder: Decoder) -> None:
        """Read what follows the cursor, waiting for more, until the connection fails."""
        stream = self.stream
        while True:
            assert self.cursor is not None
            reply: Any = await client.xread({stream: self.cursor}, count=PAGE, block=BLOCK_MS)
            for _name, entries in reply or ():
                self._take(sink, decoder, _entries(entries))

    def _take(
        self, sink: Sink, decoder: Decoder, entries: Iterable[tuple[str, dict[Any, Any]]]
    ) -> None:
        """Hand `entries` to the sink in order, moving the cursor past each."""
        ingest = sink.ingest
        now = time.time()
        for entry_id, fields in entries:
            try:
                frame: Frame = entry_frame(fields)
                ingest(frame, decoder, _stored_at(entry_id, now))
            except Exception as error:  # one entry must never end the feed
                sink.note(INTERNAL, f"internal error reading entry {entry_id}: {error!r}")
            self.cursor = entry_id


def redis_target(url: str) -> tuple[str, str]:
    """`redis://host:6379/0?stream=trades` → ("redis://host:6379/0", "trades"): the bridge's
    target, split into the server's URL (other query options kept) and the stream's name.
    Raises ValueError when no stream is named."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = [value for key, value in query if key == "stream"]
    if len(names) != 1 or not names[0]:
        raise ValueError(
            "name one stream in the target: redis://host:6379/0?stream=trades, "
            f"not {public_url(url)}"
        )
    rest = urlencode([(key, value) for key, value in query if key != "stream"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)), names[0]


class RedisPublisher:
    """The bridge's writer of one Redis stream (the `Publisher` of `broker.py`).

    - `open(keep)` connects and creates the stream when it is missing, so that readers can
      wait on it; it keeps `keep` for trimming.
    - `publish(first, payloads)` adds each payload as one entry with the fields `data` (the
      payload) and `seq` (its number, `first + i`), all in one MULTI/EXEC transaction: a batch
      is stored whole or not at all, and the stream is trimmed in the same step, exactly, to
      `keep.messages` entries or to those of the last `keep.seconds` (broker's clock).
    - A payload is never stored twice. Those numbered below the last one confirmed are left
      out. After a failure the broker may have stored the batch and lost only its answer: the
      next publish first reads the entries written since the last confirmed one, and leaves
      out the payloads whose `seq` is there.
    - Every failure is a PublishError, its message without the URL's credentials.
    """

    def __init__(self, url: str, stream: str) -> None:
        check_url(url)
        self._url = url
        self.stream = stream
        self._redactor = Redactor(url)
        self.name = f"{public_url(url)} {stream}"
        self._client: Redis | None = None
        self._keep = Keep()
        self._clock_offset_ms = 0  # the broker's clock minus ours
        # The id of the last entry confirmed written (or the stream's last entry at open): a
        # repeated batch can only be found after it.
        self._after = "0-0"
        self._next: int | None = None  # the number that follows the last one confirmed
        self._unsure = False  # a publish failed: the broker may have stored it all the same

    def __repr__(self) -> str:
        return f"RedisPublisher({self.name!r})"

    def _error(self, error: BaseException) -> PublishError:
        reason = str(error) or type(error).__name__
        return PublishError(self._redactor.redact(reason))

    def _connected(self) -> Redis:
        if self._client is None:
            self._client = _client(self._url, open_timeout=10.0)
        return self._client

    async def open(self, keep: Keep) -> None:
        self._keep = keep
        client = self._connected()
        try:
            kind = _text(await client.type(self.stream))
            if kind == "none":
                # A stream with no entries exists only through a consumer group: make one (under
                # a name no one else uses) and drop it in the same transaction.
                group = f"livefeed-create-{secrets.token_hex(8)}"
                async with client.pipeline(transaction=True) as pipe:
                    pipe.xgroup_create(self.stream, group, id="$", mkstream=True)
                    pipe.xgroup_destroy(self.stream, group)
                    await pipe.execute()
            elif kind != "stream":
                raise PublishError(
                    f"the key {self.stream!r} on {public_url(self._url)} holds a {kind}, "
                    "not a stream"
                )
            seconds, micros = await client.time()
            self._clock_offset_ms = int(seconds) * 1000 + int(micros) // 1000 - _now_ms()
            last = list(_entries(await client.xrevrange(self.stream, "+", "-", count=1)))
            self._after = last[0][0] if last else "0-0"
        except (RedisError, OSError, PublishError) as error:
            # Nothing is left open by a failed open: the caller may give up without close().
            await self.close()
            raise error if isinstance(error, PublishError) else self._error(error) from None

    async def publish(self, first: int, payloads: list[bytes]) -> None:
        client = self._connected()
        try:
            stored = 0
            if self._next is not None and first < self._next:
                stored = min(len(payloads), self._next - first)  # confirmed already
            if self._unsure:
                stored = max(stored, await self._stored_since(client, first, len(payloads)))
                self._unsure = False
            payloads = payloads[stored:]
            first += stored
            if payloads:
                async with client.pipeline(transaction=True) as pipe:
                    for number, payload in enumerate(payloads, first):
                        pipe.xadd(self.stream, {"data": payload, "seq": number})
                    self._trim(pipe)
                    ids = await pipe.execute()
                self._after = _text(ids[len(payloads) - 1])
        except (RedisError, OSError) as error:
            self._unsure = True
            raise self._error(error) from None
        except asyncio.CancelledError:
            self._unsure = True  # cancelled mid-transaction: it may have been stored
            raise
        self._next = first + len(payloads)

    def _trim(self, pipe: Any) -> None:
        """Trim in the batch's transaction, exactly: a reader never sees more than `keep`."""
        keep = self._keep
        if keep.messages is not None:
            pipe.xtrim(self.stream, maxlen=keep.messages, approximate=False)
        elif keep.seconds is not None:
            oldest = _now_ms() + self._clock_offset_ms - int(keep.seconds * 1000)
            pipe.xtrim(self.stream, minid=f"{max(0, oldest)}-0", approximate=False)

    async def _stored_since(self, client: Redis, first: int, count: int) -> int:
        """How many of the payloads numbered `first`... are stored already: a batch is stored
        whole or not at all, but trimming may have removed its oldest entries since."""
        newest = first - 1
        start = id_after(self._after)
        while True:
            page = list(_entries(await client.xrange(self.stream, start, "+", count=PAGE)))
            for entry_id, fields in page:
                seq = fields.get(b"seq")
                try:
                    number = int(seq) if seq is not None else None
                except ValueError:
                    number = None  # another writer's field of that name
                if number is not None and first <= number < first + count:
                    newest = max(newest, number)
                    self._after = entry_id
            if len(page) < PAGE:
                return newest + 1 - first
            start = id_after(page[-1][0])

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with suppress(RedisError, OSError):  # a connection that is gone already
                await client.aclose()


def _now_ms() -> int:
    return time.time_ns() // 1_000_000
