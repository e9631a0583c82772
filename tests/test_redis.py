"""Redis streams: `Feed("redis://...", stream=...)` and the bridge's `RedisPublisher`, against a
real redis-server (with an append-only file) on 127.0.0.1.

What is checked: entries reach the charts in the stream's order, history (last N, since a time)
joins the live entries with no gap and no repeat, every entry the broker kept arrives once
across a broker restart, failures say what they are without the password, and the publisher
creates, trims and never stores a batch twice.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from livefeed import Feed, LiveChart
from livefeed._sources.broker import Keep, PublishError
from livefeed._sources.redis_stream import RedisPublisher, RedisSource, redis_target

from .support.brokers import RedisServer
from .support.waiting import wait_for

FAST = {"backoff": 0.02, "max_backoff": 0.1}
PASSWORD = "s3cret-Pa55word"


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A plain client of the test's server, trying each command once."""
    with connect(redis_server.url()) as made:
        yield made


def connect(url: str, **options: Any) -> redis.Redis:
    return redis.Redis.from_url(url, retry=Retry(NoBackoff(), 0), **options)


class Seen:
    """A transform that notes the `n` of every record, in the order the feed decoded them."""

    def __init__(self) -> None:
        self.numbers: list[int] = []

    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        self.numbers.append(int(record["n"]))
        return record


def reading(feeds: list[Feed], url: str, stream: str = "s", **options: Any) -> tuple[Feed, Seen]:
    seen = Seen()
    feed = Feed(url, stream=stream, transform=seen, **FAST, **options)
    feeds.append(feed)
    return feed, seen


def add_numbers(client: redis.Redis, numbers: range, stream: str = "s") -> None:
    with client.pipeline(transaction=False) as pipe:
        for n in numbers:
            pipe.xadd(stream, {"data": orjson.dumps({"n": n})})
        pipe.execute()


def kept(client: redis.Redis, stream: str = "s") -> list[int]:
    """The `n` of every entry the server holds, in the stream's order."""
    return [int(orjson.loads(f[b"data"])["n"]) for _, f in client.xrange(stream)]


def finished(feed: Feed) -> bool:
    """Whether the feed's reader has ended (it will not retry)."""
    source = feed._source
    assert isinstance(source, RedisSource)
    return source._task is not None and source._task.done()


# -- reading ---------------------------------------------------------------------------------------


def test_live_entries_reach_the_chart_in_order(
    redis_server: RedisServer, client: redis.Redis, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    add_numbers(client, range(-5, 0))  # before the feed: without history= it starts after these
    feed, seen = reading(feeds, redis_server.url())
    chart = LiveChart(feed, y="n")
    charts.append(chart)
    wait_for(lambda: feed.status == "live", what="live")
    add_numbers(client, range(50))
    wait_for(lambda: chart.stats["points"] == 50, what=lambda: f"50 points, {chart.stats}")
    assert seen.numbers == list(range(50))
    assert chart.data["value"].tolist() == [float(n) for n in range(50)]
    assert feed.url == f"redis://127.0.0.1:{redis_server.port}/0 s"
    assert chart.source == feed.url
    assert feed.stats["errors"] == 0 and feed.stats["messages"] == 50


def test_a_stream_made_after_the_feed_started_is_read_from_its_first_entry(
    redis_server: RedisServer, client: redis.Redis, feeds: list[Feed]
) -> None:
    feed, seen = reading(feeds, redis_server.url(), stream="later")
    wait_for(lambda: feed.status == "live", what="live")
    add_numbers(client, range(10), stream="later")
    wait_for(lambda: seen.numbers == list(range(10)), what=lambda: f"0..9, {seen.numbers}")


@pytest.mark.parametrize(("stored", "last"), [(1_000, 300), (2_500, 1_300)])
def test_history_of_the_last_entries_joins_the_live_ones_without_gap_or_repeat(
    redis_server: RedisServer, client: redis.Redis, feeds: list[Feed], stored: int, last: int
) -> None:
    add_numbers(client, range(stored))
    feed, seen = reading(feeds, redis_server.url(), history=last)
    # Added while the feed reads its history: each lands before or after the seam, never on it.
    add_numbers(client, range(stored, stored + 200))
    wait_for(lambda: feed.status == "live", what="live")
    add_numbers(client, range(stored + 200, stored + 300))
    end = stored + 300
    wait_for(lambda: seen.numbers[-1:] == [end - 1], what=lambda: f"{end - 1}, {seen.numbers[-3:]}")
    start = seen.numbers[0]
    assert seen.numbers == list(range(start, end))
    # The history is the last `last` entries of the moment it was read.
    assert stored - last <= start <= stored + 200 - last


def test_history_since_a_time_then_live(
    redis_server: RedisServer,
    client: redis.Redis,
    feeds: list[Feed],
    charts: list[LiveChart],
) -> None:
    # Entries one millisecond apart, a minute ago: more than one page of history.
    base = int(time.time() * 1000) - 60_000
    with client.pipeline(transaction=False) as pipe:
        for n in range(2_500):
            pipe.xadd("s", {"data": orjson.dumps({"n": n})}, id=f"{base + n}-0")
        pipe.execute()
    since = datetime.fromtimestamp((base + 100) / 1000, tz=timezone.utc)
    feed, seen = reading(feeds, redis_server.url(), history=since)
    chart = LiveChart(feed, y="n")
    charts.append(chart)
    wait_for(lambda: feed.status == "live", what="live")
    add_numbers(client, range(2_500, 2_510))
    wait_for(lambda: seen.numbers[-1:] == [2_509], what=lambda: f"2509, {seen.numbers[-3:]}")
    assert seen.numbers == list(range(100, 2_510))
    # Arrival time is when the broker stored the entry: the history is drawn where it belongs.
    assert chart.data["x"].iloc[0] == pd.Timestamp(base + 100, unit="ms", tz="UTC")


def test_history_of_a_missing_stream_waits_for_its_first_entry(
    redis_server: RedisServer, client: redis.Redis, feeds: list[Feed]
) -> None:
    feed, seen = reading(feeds, redis_server.url(), history=100)
    wait_for(lambda: feed.status == "live", what="live")
    add_numbers(client, range(3))
    wait_for(lambda: seen.numbers == [0, 1, 2], what=lambda: f"0..2, {seen.numbers}")


def test_entries_of_several_fields_chart_as_numbers(
    redis_server: RedisServer, client: redis.Redis, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    feed = Feed(redis_server.url(), stream="trades", history=10, **FAST)
    feeds.append(feed)
    client.xadd("trades", {"price": "101.5", "qty": "3"})
    client.xadd("trades", {"price": "102", "qty": "1", "side": "buy"})
    price = LiveChart(feed, y="price")
    both = LiveChart(feed, y=["price", "qty"])
    charts.extend([price, both])
    wait_for(lambda: feed.status == "live", what="live")
    client.xadd("trades", {"price": "99.25", "qty": "7"})
    wait_for(lambda: price.stats["points"] == 3, what=lambda: f"3 points, {price.stats}")
    assert price.data["value"].tolist() == [101.5, 102.0, 99.25]
    assert price.data["value"].dtype == float
    wait_for(lambda: both.stats["points"] == 6, what=lambda: f"6 points, {both.stats}")
    qty = both.data[both.data["series"] == "qty"]["value"].tolist()
    assert qty == [3.0, 1.0, 7.0]
    assert feed.stats["errors"] == 0


def test_a_malformed_entry_is_counted_and_the_stream_goes_on(
    redis_server: RedisServer, client: redis.Redis, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    feed, seen = reading(feeds, redis_server.url())
    chart = LiveChart(feed, y="n")
    charts.append(chart)
    wait_for(lambda: feed.status == "live", what="live")
    add_numbers(client, range(3))
    client.xadd("s", {"data": b"{not json"})
    client.xadd("s", {"data": b"\xff\xfe binary"})
    add_numbers(client, range(3, 6))
    wait_for(lambda: chart.stats["points"] == 6, what=lambda: f"6 points, {chart.stats}")
    assert seen.numbers == list(range(6))
    # A Redis value is bytes, whatever it holds: what the decoder cannot read is a binary frame.
    assert feed.stats["error_kinds"] == {"binary_frame": 2}
    assert feed.status == "live"


def test_a_broker_restart_loses_nothing_it_kept(
    redis_server: RedisServer, feeds: list[Feed]
) -> None:
    writer = Writer(redis_server.url())
    feed, seen = reading(feeds, redis_server.url())
    wait_for(lambda: feed.status == "live", what="live")
    with writer:
        wait_for(lambda: len(seen.numbers) >= 50, what=lambda: f"50 entries, {feed.stats}")
        redis_server.restart()
        after = writer.written
        wait_for(lambda: writer.written >= after + 50, what="writes after the restart")
    wait_for(lambda: feed.status == "live", what=lambda: f"live again, {feed.stats}")
    # The writer is done: the reader ends with exactly what the broker kept.
    with connect(redis_server.url()) as client:
        expected = kept(client)
    wait_for(
        lambda: seen.numbers[-1:] == expected[-1:],
        what=lambda: f"the last entry {expected[-1:]}, {seen.numbers[-3:]}",
    )
    assert seen.numbers == expected
    assert len(set(seen.numbers)) == len(seen.numbers)
    assert feed.stats["reconnects"] >= 1
    assert feed.stats["error_kinds"].get("connection", 0) >= 1


class Writer:
    """Adds entries from a thread of its own until stopped, each attempt with a new number (a
    write that failed may still have been stored), retrying while the broker is away."""

    def __init__(self, url: str) -> None:
        self._client = connect(url, socket_timeout=2, socket_connect_timeout=2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="redis writer", daemon=True)
        self.written = 0

    def _run(self) -> None:
        number = 0
        while not self._stop.is_set():
            try:
                self._client.xadd("s", {"data": orjson.dumps({"n": number})})
                self.written += 1
            except redis.RedisError:
                self._stop.wait(0.02)  # the broker is restarting: try again shortly
            number += 1
            self._stop.wait(0.001)  # a steady trickle, not a flood

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self._client.close()


def test_a_stopped_broker_is_reconnecting_until_it_is_back(
    redis_server: RedisServer, client: redis.Redis, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    feed, seen = reading(feeds, redis_server.url())
    chart = LiveChart(feed, y="n")
    charts.append(chart)
    wait_for(lambda: feed.status == "live", what="live")
    add_numbers(client, range(3))
    wait_for(lambda: len(seen.numbers) == 3, what="3 entries")
    redis_server.stop()
    wait_for(lambda: feed.status == "reconnecting", what=lambda: f"reconnecting, {feed.stats}")
    assert chart.status == "reconnecting"
    # The loss, or (once a retry has begun) the refused connect: each names the public URL.
    public = f"redis://127.0.0.1:{redis_server.port}/0"
    assert feed.stats["last_error"].startswith(
        (f"lost the connection to {public}: ", f"cannot connect to {public}: ")
    )
    wait_for(lambda: feed.stats["reconnects"] >= 2, what="attempts while the broker is away")
    assert feed.status == "reconnecting"  # not "error": it was live, and is retried
    redis_server.start()
    wait_for(lambda: feed.status == "live", what=lambda: f"live again, {feed.stats}")
    with connect(redis_server.url()) as again:
        add_numbers(again, range(3, 6))
    wait_for(lambda: seen.numbers == list(range(6)), what=lambda: f"0..5, {seen.numbers}")


def test_an_unreachable_broker_is_an_error_that_is_retried(
    redis_server: RedisServer, feeds: list[Feed]
) -> None:
    redis_server.stop()
    feed, _ = reading(feeds, redis_server.url())
    wait_for(lambda: feed.stats["reconnects"] >= 2, what=lambda: f"retries, {feed.stats}")
    assert feed.status == "error"
    assert feed.stats["last_error"].startswith(f"cannot connect to {redis_server.url()}: ")
    feed.close()
    assert feed.status == "closed"
    assert finished(feed)


def test_reconnect_false_ends_the_feed_at_the_first_lost_connection(
    redis_server: RedisServer, feeds: list[Feed]
) -> None:
    feed, _ = reading(feeds, redis_server.url(), reconnect=False)
    wait_for(lambda: feed.status == "live", what="live")
    redis_server.stop()
    wait_for(lambda: finished(feed), what="the reader's end")
    assert feed.status == "error" and feed.stats["reconnects"] == 0


def test_a_wrong_password_is_a_final_error_that_never_shows_the_password(
    tmp_path: Path, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    with RedisServer(tmp_path, options=("--requirepass", PASSWORD)) as server:
        wrong = "Wr0ng-Passw0rd"
        feed, _ = reading(feeds, server.url(password=wrong))
        chart = LiveChart(feed, y="n")
        charts.append(chart)
        wait_for(lambda: finished(feed), what="the reader's end")
        assert feed.status == "error" and chart.status == "error"
        last_error = feed.stats["last_error"]
        assert last_error.startswith(f"redis://127.0.0.1:{server.port}/0 refused the credentials")
        assert feed.stats["reconnects"] == 0
        for shown in (str(feed.stats), feed.url, repr(feed._source), str(chart.stats)):
            assert wrong not in shown

        missing, _ = reading(feeds, server.url())
        wait_for(lambda: finished(missing), what="the reader's end")
        assert missing.status == "error"
        assert "asks for a password" in missing.stats["last_error"]

        right, seen = reading(feeds, server.url(password=PASSWORD))
        wait_for(lambda: right.status == "live", what="live with the right password")
        with connect(server.url(password=PASSWORD)) as writer:
            add_numbers(writer, range(2))
        wait_for(lambda: seen.numbers == [0, 1], what="entries")
        assert PASSWORD not in str(right.stats) + right.url + repr(right._source)


def test_a_key_that_is_not_a_stream_is_a_clear_final_error(
    redis_server: RedisServer, client: redis.Redis, feeds: list[Feed]
) -> None:
    client.set("prices", "42")
    feed, _ = reading(feeds, redis_server.url(), stream="prices")
    wait_for(lambda: finished(feed), what="the reader's end")
    assert feed.status == "error"
    assert feed.stats["last_error"] == (
        f"the key 'prices' on redis://127.0.0.1:{redis_server.port}/0 holds a string, not a stream"
    )


# -- the bridge's publisher ------------------------------------------------------------------------


def payloads(numbers: range) -> list[bytes]:
    return [orjson.dumps({"n": n}) for n in numbers]


def seqs(client: redis.Redis, stream: str = "s") -> list[int]:
    return [int(f[b"seq"]) for _, f in client.xrange(stream) if b"seq" in f]


def published(url: str, keep: Keep, work: Callable[[RedisPublisher], Any]) -> None:
    """Open a publisher of `url`'s stream "s", run `work(publisher)` (a coroutine), close."""

    async def main() -> None:
        publisher = RedisPublisher(url, "s")
        await publisher.open(keep)
        try:
            await work(publisher)
        finally:
            await publisher.close()

    asyncio.run(main())


def test_redis_target_reads_the_stream_off_the_url() -> None:
    assert redis_target("redis://:pw@host:6380/2?stream=trades") == (
        "redis://:pw@host:6380/2",
        "trades",
    )
    assert redis_target("rediss://host/0?ssl_cert_reqs=none&stream=a.b") == (
        "rediss://host/0?ssl_cert_reqs=none",
        "a.b",
    )
    with pytest.raises(ValueError, match=r"\?stream=trades") as error:
        redis_target("redis://:pw-secret@host:6379/0")
    assert "pw-secret" not in str(error.value)
    publisher = RedisPublisher(*redis_target("redis://:pw-secret@host:6379/0?stream=t"))
    assert publisher.name == "redis://host:6379/0 t"
    assert "pw-secret" not in repr(publisher)


def test_open_creates_the_stream_and_charts_read_what_is_published(
    redis_server: RedisServer, client: redis.Redis, feeds: list[Feed]
) -> None:
    async def work(publisher: RedisPublisher) -> None:
        assert client.type("s") == b"stream" and client.xlen("s") == 0
        assert client.xinfo_groups("s") == []  # the group that made it is gone
        await publisher.publish(0, payloads(range(5)))

    published(redis_server.url(), Keep(), work)
    assert seqs(client) == [0, 1, 2, 3, 4]
    # An entry of `data` and `seq` is one frame: the published JSON object.
    feed, seen = reading(feeds, redis_server.url(), history=10)
    wait_for(lambda: seen.numbers == [0, 1, 2, 3, 4], what=lambda: f"0..4, {seen.numbers}")
    assert feed.stats["errors"] == 0


def test_open_refuses_a_key_that_is_not_a_stream(
    redis_server: RedisServer, client: redis.Redis
) -> None:
    client.set("s", "x")
    with pytest.raises(PublishError, match="holds a string, not a stream"):
        published(redis_server.url(), Keep(), lambda publisher: asyncio.sleep(0))


def test_the_stream_is_trimmed_exactly_to_a_count(
    redis_server: RedisServer, client: redis.Redis
) -> None:
    async def work(publisher: RedisPublisher) -> None:
        for first in range(0, 250, 50):
            await publisher.publish(first, payloads(range(first, first + 50)))
            assert client.xlen("s") <= 100

    published(redis_server.url(), Keep(messages=100), work)
    assert seqs(client) == list(range(150, 250))


def test_the_stream_is_trimmed_to_a_time(redis_server: RedisServer, client: redis.Redis) -> None:
    an_hour_ago = int(time.time() * 1000) - 3_600_000
    for n in range(5):
        client.xadd("s", {"data": b"{}", "seq": n}, id=f"{an_hour_ago + n}-0")

    async def work(publisher: RedisPublisher) -> None:
        await publisher.publish(0, payloads(range(3)))

    published(redis_server.url(), Keep(seconds=60), work)
    assert client.xlen("s") == 3 and seqs(client) == [0, 1, 2]


def test_a_repeated_batch_stores_only_what_is_new(
    redis_server: RedisServer, client: redis.Redis
) -> None:
    async def work(publisher: RedisPublisher) -> None:
        await publisher.publish(0, payloads(range(3)))
        await publisher.publish(0, payloads(range(5)))  # the same first again, two more
        await publisher.publish(5, payloads(range(5, 7)))
        client.xadd("s", {"other": "writer"})  # another writer's entry in between
        await publisher.publish(5, payloads(range(5, 8)))

    published(redis_server.url(), Keep(), work)
    assert seqs(client)[:7] == list(range(7))
    assert [int(f[b"seq"]) for _, f in client.xrange("s") if b"seq" in f] == list(range(8))


def test_a_batch_stored_without_its_answer_is_not_stored_again(tmp_path: Path) -> None:
    # The broker sleeps while the batch waits in its socket, the publisher gives up waiting for
    # the answer (PublishError), and then the broker wakes and stores the batch all the same.
    options = ("--enable-debug-command", "yes")
    with RedisServer(tmp_path, options=options) as server, connect(server.url()) as client:

        def sleep_broker() -> None:
            with connect(server.url()) as sleeper:
                sleeper.execute_command("DEBUG", "SLEEP", "1.5")

        def asleep() -> bool:
            with connect(server.url(), socket_timeout=0.05) as probe:
                try:
                    probe.ping()
                except redis.TimeoutError:
                    return True
                return False

        async def work(publisher: RedisPublisher) -> None:
            await publisher.publish(0, payloads(range(2)))  # connected before the broker sleeps
            sleeper = threading.Thread(target=sleep_broker)
            sleeper.start()
            wait_for(asleep, what="the broker asleep")
            with pytest.raises(PublishError):
                await publisher.publish(2, payloads(range(2, 4)))
            sleeper.join()
            assert seqs(client) == [0, 1, 2, 3]  # stored, though unconfirmed
            await publisher.publish(2, payloads(range(2, 5)))

        # The answer is awaited 0.3 s: much less than the broker's sleep.
        published(server.url() + "?socket_timeout=0.3", Keep(), work)
        assert seqs(client) == [0, 1, 2, 3, 4]


def test_a_publish_to_a_stopped_broker_fails_without_the_password_and_is_retried(
    tmp_path: Path,
) -> None:
    with RedisServer(tmp_path, options=("--requirepass", PASSWORD)) as server:
        url = server.url(password=PASSWORD)

        async def work(publisher: RedisPublisher) -> None:
            await publisher.publish(0, payloads(range(2)))
            server.stop()
            with pytest.raises(PublishError) as error:
                await publisher.publish(2, payloads(range(2, 4)))
            assert PASSWORD not in str(error.value)
            assert PASSWORD not in publisher.name + repr(publisher)
            server.start()
            await publisher.publish(2, payloads(range(2, 4)))
            await publisher.publish(4, payloads(range(4, 5)))

        published(url, Keep(), work)
        with connect(url) as client:
            assert seqs(client) == [0, 1, 2, 3, 4]


def test_an_option_of_the_url_that_redis_cannot_use_fails_in_the_cell() -> None:
    with pytest.raises(ValueError, match="bogus") as error:
        Feed("redis://:pw-secret@127.0.0.1:1/0?bogus=1", stream="s")
    assert "pw-secret" not in str(error.value)
