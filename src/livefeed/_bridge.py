"""`livefeed bridge`: one WebSocket feed published into a message broker, for many readers.

The bridge is the WebSocket client of a feed (reconnects, subscribe, decoding, a transform) with
a broker where the charts would be: each decoded record becomes one message, a JSON object, on
a NATS JetStream subject or a Redis stream. Many notebooks then read the broker, with its
history, and the upstream service sees one connection.

Contract:
- Records are published in the order they were decoded, each once: a publish the broker does not
  confirm is sent again after a pause until it is (the publisher drops repeats), so a broker
  restart delays messages and loses none.
- Records wait in memory while the broker cannot take them, `MAX_PENDING` at most; beyond that
  new records are dropped and counted (`dropped`, and the error kind `bridge_overflow`).
- `stop()` (SIGTERM, Ctrl-C) closes the upstream connection first, then publishes every record
  already read before returning: nothing in flight is lost. A second signal ends the bridge
  without waiting, saying how many records were left unpublished.
- `stats()` (JSON on `--stats-port`) counts messages, records, published, pending, dropped,
  publish failures, errors by kind, reconnects, with every credential masked.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

import orjson

from ._chartdata import CONNECTION, Status
from ._core.decode import Decoder, DecoderFactory, Frame, Record, decoder_factory
from ._core.pipeline import INTERNAL
from ._core.transform import apply_transform
from ._redact import Redactor, public_url
from ._sources.broker import (
    NATS_SCHEMES,
    REDIS_SCHEMES,
    Keep,
    Publisher,
    PublishError,
    import_client,
)
from ._sources.websocket import Backoff, ConnectOptions, stream

# Records kept while the broker cannot take them; at about 100 bytes each, 100 MB at most.
MAX_PENDING = 1_000_000
# Records per publish: large enough that a broker round trip is shared by many records.
BATCH = 1_000
# The pause before a publish is tried again, doubling up to the second figure.
RETRY_BACKOFF = (0.2, 5.0)

OVERFLOW = "bridge_overflow"  # a record dropped because MAX_PENDING were waiting
PUBLISH_ERROR = "publish_error"  # the broker did not confirm a publish (it is sent again)


def publisher_for(target: str, *, creds: str | None = None) -> Publisher:
    """The publisher of a `nats://host:4222/subject` or `redis://host:6379/0?stream=name` target;
    `creds` is a NATS credentials file.

    Raises ValueError for a target that names no subject or stream, or another scheme, or
    `creds` with a Redis target; FileNotFoundError for a `creds` file that is not there; and
    ImportError naming the extra to install when the broker's client is missing.
    """
    scheme = urlsplit(target).scheme
    if scheme in NATS_SCHEMES:
        if creds is not None and not os.path.isfile(creds):
            raise FileNotFoundError(f"--creds names no file: {creds!r}")
        import_client("nats", "nats")
        from ._sources.nats_stream import NatsPublisher

        server, subject = nats_target(target)
        return NatsPublisher(server, subject, creds=creds)
    if creds is not None:
        raise ValueError("--creds is a NATS credentials file; a redis:// target takes a password")
    if scheme in REDIS_SCHEMES:
        import_client("redis", "redis")
        from ._sources.redis_stream import RedisPublisher, redis_target

        server, name = redis_target(target)
        return RedisPublisher(server, name)
    raise ValueError(
        "the bridge publishes to nats://host:4222/subject or redis://host:6379/0?stream=name, "
        f"not {public_url(target)!r}"
    )


def nats_target(target: str) -> tuple[str, str]:
    """`nats://user:pass@host:4222/trades.btc` → ("nats://user:pass@host:4222", "trades.btc")."""
    parts = urlsplit(target)
    subject = parts.path.lstrip("/")
    if not subject or "/" in subject:
        raise ValueError(
            f"name one subject after the server: nats://host:4222/trades, not {public_url(target)}"
        )
    return f"{parts.scheme}://{parts.netloc}", subject


def record_bytes(record: Record) -> bytes:
    """One record as the JSON object published for it. NaN and infinities become null (JSON has
    no spelling for them, and a chart draws null as a gap); numpy values become numbers, and
    anything else JSON cannot hold becomes its text."""
    return orjson.dumps(record, default=str, option=orjson.OPT_SERIALIZE_NUMPY)


class BridgeSink:
    """The sink of the upstream connection: decodes, transforms and queues records as bytes.

    Runs on the bridge's loop only (frames, status); `stats` may be read from any thread.
    """

    def __init__(
        self, redactor: Redactor, transform: Callable[[Record], Any] | None, max_pending: int
    ) -> None:
        self._redactor = redactor
        self._transform = transform
        self.max_pending = max_pending
        self.pending: deque[bytes] = deque()
        self.wake = asyncio.Event()
        self.status: Status = "connecting"
        self.messages = 0
        self.records = 0
        self.dropped = 0
        self.reconnects = 0
        self.error_kinds: Counter[str] = Counter()
        self.last_error = ""

    @property
    def redactor(self) -> Redactor:
        return self._redactor

    def ingest(self, frame: Frame, decoder: Decoder, at: float | None = None) -> None:
        self.messages += 1
        try:
            records, problems = decoder.decode(frame)
        except Exception as error:  # decoders never raise; one that does is a bug of ours
            self.note(INTERNAL, f"internal error decoding: {error!r}")
            return
        if self._transform is not None and records:
            records, more = apply_transform(self._transform, records)
            problems = [*problems, *more]
        for problem in problems:
            self.note(problem.kind, problem.message)
        for record in records:
            if len(self.pending) >= self.max_pending:
                self.dropped += 1
                self.note(OVERFLOW, f"{self.max_pending:,} records wait for the broker: dropped")
                continue
            try:
                payload = record_bytes(record)
            except (TypeError, orjson.JSONEncodeError) as error:
                self.note(INTERNAL, f"a record cannot be written as JSON: {error}")
                continue
            self.pending.append(payload)
            self.records += 1
        self.wake.set()

    def note(self, kind: str, message: str) -> None:
        self.error_kinds[kind] += 1
        self.last_error = self._redactor.redact(message)

    def set_status(self, status: Status, retry_at: float | None = None) -> None:
        self.status = status

    def count_reconnect(self) -> None:
        self.reconnects += 1


class Bridge:
    """Reads `upstream` (a ws:// or wss:// feed) and publishes its records with `publisher`.

    `run()` does the work on the calling event loop until `stop()`; `stats()` is safe from any
    thread. See the module's docstring for what is promised.
    """

    def __init__(
        self,
        upstream: str,
        publisher: Publisher,
        *,
        keep: Keep | None = None,
        subscribe: str | None = None,
        decode: str | Callable[..., Any] = "json",
        transform: Callable[[Record], Any] | None = None,
        max_pending: int = MAX_PENDING,
    ) -> None:
        if urlsplit(upstream).scheme not in ("ws", "wss"):
            raise ValueError(
                f"the bridge reads a ws:// or wss:// feed, not {public_url(upstream)!r}"
            )
        self.upstream = public_url(upstream)
        self.publisher = publisher
        self.keep = keep or Keep()
        self._sink = BridgeSink(Redactor(upstream), transform, max_pending)
        make_decoder: DecoderFactory = decoder_factory(decode)
        self._options = ConnectOptions(
            url=upstream, decoder=make_decoder, reconnect="always", on_open=self._opened
        )
        self._subscribe = subscribe
        self.published = 0
        self.publish_failures = 0
        self.broker_status = "connecting"
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self.started_at = time.time()

    async def _opened(self, websocket: Any) -> None:
        if self._subscribe is not None:
            await websocket.send(self._subscribe)

    async def run(self, ready: Callable[[], None] | None = None) -> None:
        """Connect to the broker (retrying until it answers), then read and publish until
        `stop()`, then publish what was read and close. `ready` is called once the broker has
        the stream and the upstream connection is being opened."""
        self._loop = asyncio.get_running_loop()
        self._stop = stop = asyncio.Event()
        backoff = Backoff(*RETRY_BACKOFF)
        while True:
            try:
                await self.publisher.open(self.keep)
                break
            except PublishError as error:
                self._sink.note(CONNECTION, f"cannot open {self.publisher.name}: {error}")
                self.broker_status = "error"
                try:
                    await asyncio.wait_for(stop.wait(), backoff.next_delay())
                    return  # stopped before the broker ever answered: nothing was read
                except asyncio.TimeoutError:
                    continue
        self.broker_status = "live"
        reading = asyncio.create_task(stream(self._sink, self._options), name="bridge upstream")
        publishing = asyncio.create_task(self._publish_all(stop), name="bridge publish")
        if ready is not None:
            ready()
        try:
            await stop.wait()
        finally:
            # Upstream first, so nothing more arrives; then the records already read go out.
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)
            self._sink.wake.set()
            try:
                await publishing
            finally:
                await self.publisher.close()
                self.broker_status = "closed"

    async def _publish_all(self, stop: asyncio.Event) -> None:
        """Publish pending records in batches, in order, until stopped and nothing is pending."""
        sink = self._sink
        pending = sink.pending
        backoff = Backoff(*RETRY_BACKOFF)
        while True:
            if not pending:
                if stop.is_set():
                    return
                sink.wake.clear()
                await sink.wake.wait()
                continue
            batch = list(islice(pending, BATCH))
            try:
                await self.publisher.publish(self.published, batch)
            except PublishError as error:
                self.publish_failures += 1
                self.broker_status = "reconnecting"
                sink.note(PUBLISH_ERROR, f"{self.publisher.name}: {error}")
                await asyncio.sleep(backoff.next_delay())
                continue
            for _ in batch:
                pending.popleft()
            self.published += len(batch)
            self.broker_status = "live"
            backoff.reset()

    def stop(self) -> None:
        """Ask `run()` to end once every record read is published; safe from any thread."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stop.set)

    def stats(self) -> dict[str, Any]:
        """The bridge's counters, credentials masked."""
        sink = self._sink
        return {
            "upstream": self.upstream,
            "broker": self.publisher.name,
            "upstream_status": sink.status,
            "broker_status": self.broker_status,
            "messages": sink.messages,
            "records": sink.records,
            "published": self.published,
            "pending": len(sink.pending),
            "dropped": sink.dropped,
            "publish_failures": self.publish_failures,
            "reconnects": sink.reconnects,
            "errors": sum(sink.error_kinds.values()),
            "error_kinds": dict(sink.error_kinds),
            "last_error": sink.last_error,
            "uptime": round(time.time() - self.started_at, 1),
        }


async def serve_stats(bridge: Bridge, host: str, port: int) -> asyncio.Server:
    """An HTTP server answering every GET with `bridge.stats()` as JSON (port 0: a free one)."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            # The request line and headers; what they ask does not matter, the answer is one.
            while await reader.readline() not in (b"\r\n", b"\n", b""):
                pass
            body = orjson.dumps(bridge.stats())
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + body)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # a client that went away gets no answer
        finally:
            writer.close()

    return await asyncio.start_server(answer, host, port)
