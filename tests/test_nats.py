"""NATS feeds and the bridge's NATS publisher, against a real `nats-server -js` on 127.0.0.1.

A feed reads a subject: through its JetStream stream when one stores it (history, then live,
each message once, across a broker restart too), else with core NATS (live only). The
publisher stores the bridge's payloads in order, each once, however often a batch is retried.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import nats
import nkeys
import pytest
from nats.aio.client import Client
from nats.js.api import DeliverPolicy

from livefeed import Feed, LiveChart
from livefeed._sources.broker import Keep, PublishError
from livefeed._sources.nats_stream import NatsPublisher, nats_target, stream_name

from .support.brokers import NatsServer, free_port
from .support.nats_accounts import Operator, new_key
from .support.waiting import wait_for

T = TypeVar("T")

FAST: dict[str, Any] = {"backoff": 0.05, "max_backoff": 0.2}
PASSWORD = "s3cret-pa55"
TOKEN = "t0ken-abc-987"


@pytest.fixture(autouse=True)
def _capture_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    with caplog.at_level(logging.DEBUG):
        yield


# -- a client of the test's own ------------------------------------------------------------------


def with_client(url: str, work: Callable[[Client], Awaitable[T]]) -> T:
    """Run `work` with a client of its own on a loop of its own."""

    async def main() -> T:
        client = await nats.connect(url)
        try:
            return await work(client)
        finally:
            await client.close()

    return asyncio.run(main())


def add_stream(url: str, name: str, subjects: list[str]) -> None:
    async def work(client: Client) -> None:
        await client.jetstream().add_stream(name=name, subjects=subjects)

    with_client(url, work)


def row(i: int) -> bytes:
    return json.dumps({"i": i}).encode()


def publish(url: str, messages: list[tuple[str, bytes]], *, stored: bool = True) -> None:
    """Publish `messages` (subject, payload) in order: each confirmed by JetStream when
    `stored`, else with core NATS (flushed to the server before returning)."""

    async def work(client: Client) -> None:
        js = client.jetstream()
        for subject, payload in messages:
            if stored:
                await js.publish(subject, payload)
            else:
                await client.publish(subject, payload)
        await client.flush()

    with_client(url, work)


def numbered(numbers: range, subjects: tuple[str, ...] = ("t.a", "t.b")) -> list[tuple[str, bytes]]:
    """Messages {"i": n}, spread over `subjects` in turn."""
    return [(subjects[n % len(subjects)], row(n)) for n in numbers]


def stored_numbers(url: str, stream: str, subject: str) -> list[int]:
    """The "i" of every message `stream` holds for `subject`, in the stream's order."""

    async def work(client: Client) -> list[int]:
        js = client.jetstream()
        info = await js.stream_info(stream, subjects_filter=subject)
        count = sum((info.state.subjects or {}).values())
        sub = await js.subscribe(
            subject, stream=stream, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL
        )
        found = [json.loads((await sub.next_msg(timeout=10)).data)["i"] for _ in range(count)]
        await sub.unsubscribe()
        return found

    return with_client(url, work)


def stream_config(url: str, stream: str) -> Any:
    async def work(client: Client) -> Any:
        return (await client.jetstream().stream_info(stream)).config

    return with_client(url, work)


# -- charts of a feed ----------------------------------------------------------------------------


class Watched:
    """A feed, a chart of its "i" values, and every "i" in the order the feed read them."""

    def __init__(
        self, feeds: list[Feed], charts: list[LiveChart], url: str, **options: Any
    ) -> None:
        self.seen: list[int] = []

        def note(record: dict[str, Any]) -> dict[str, Any]:
            self.seen.append(record["i"])
            return record

        self.feed = Feed(url, transform=note, **FAST, **options)
        feeds.append(self.feed)
        self.chart = LiveChart(self.feed, y="i")
        charts.append(self.chart)

    def values(self) -> list[int]:
        return [int(v) for v in self.chart.data["value"]]

    def wait_live(self) -> None:
        wait_for(lambda: self.feed.status == "live", what=lambda: f"live: {self.feed.stats}")

    def wait_seen(self, count: int) -> None:
        wait_for(
            lambda: len(self.seen) >= count,
            what=lambda: f"{count} records, have {len(self.seen)}: {self.feed.stats}",
        )

    def wait_refused(self) -> None:
        """Wait for the feed to end on the server's refusal of its credentials. The server may
        reset the connection before its refusal is read: such an attempt is retried like any
        connection lost, until the refusal is seen, which ends the feed."""
        wait_for(
            lambda: (
                self.feed.status == "error"
                and "refused the credentials" in self.feed.stats["last_error"]
            ),
            what=lambda: f"the refusal: {self.feed.stats}",
        )
        wait_for(lambda: self.chart.feed_stats.get("last_error"), what="the synced error")

    def shown(self, caplog: pytest.LogCaptureFixture) -> dict[str, str]:
        """Everything a user may see of the feed and its chart, by where it is shown."""
        return {
            "feed stats": json.dumps(self.feed.stats),
            "chart stats": json.dumps(self.chart.stats),
            "repr": repr(self.feed) + repr(self.chart),
            "widget state": json.dumps(self.chart.get_state(), default=repr),
            "log": "\n".join(r.getMessage() for r in caplog.records),
        }


# -- reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("stored", [False, True], ids=["core", "jetstream"])
def test_live_messages_on_a_wildcard_subject_reach_the_chart_in_order(
    nats_server: NatsServer, feeds: list[Feed], charts: list[LiveChart], stored: bool
) -> None:
    url = nats_server.url()
    if stored:
        add_stream(url, "T", ["t.>"])
    watched = Watched(feeds, charts, url, subject="t.>")
    assert watched.feed.url == f"{url} t.>"
    watched.wait_live()
    publish(url, [("u.a", row(-1))], stored=False)  # another subject: not read
    publish(url, numbered(range(200)), stored=stored)
    watched.wait_seen(200)
    assert watched.seen == list(range(200))  # in order, each once, nothing of "u.a"
    assert watched.values() == list(range(200))
    assert watched.feed.stats["errors"] == 0, watched.feed.stats
    watched.feed.close()
    assert watched.feed.status == "closed" and watched.chart.status == "closed"


@pytest.mark.parametrize("others", [False, True], ids=["subject-only", "among-other-subjects"])
def test_history_of_the_last_messages_then_live_without_gap_or_repeat(
    nats_server: NatsServer, feeds: list[Feed], charts: list[LiveChart], others: bool
) -> None:
    url = nats_server.url()
    add_stream(url, "T", ["t.>", "other"])
    messages: list[tuple[str, bytes]] = []
    for subject, payload in numbered(range(1000)):
        messages.append((subject, payload))
        if others:  # the start of the last 300 is then searched for, not computed
            messages.append(("other", row(-1)))
    publish(url, messages)
    watched = Watched(feeds, charts, url, subject="t.>", history=300)
    watched.wait_seen(300)
    watched.wait_live()
    publish(url, [("t.a", row(n)) for n in range(10_000, 10_200)])
    watched.wait_seen(500)
    assert watched.seen == [*range(700, 1000), *range(10_000, 10_200)]
    assert watched.values() == watched.seen
    assert watched.feed.stats["errors"] == 0, watched.feed.stats


def test_history_of_fewer_messages_than_asked_reads_them_all(
    nats_server: NatsServer, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    url = nats_server.url()
    add_stream(url, "T", ["t.>"])
    publish(url, numbered(range(40)))
    watched = Watched(feeds, charts, url, subject="t.>", history=1000)
    watched.wait_seen(40)
    watched.wait_live()
    publish(url, numbered(range(40, 50)))
    watched.wait_seen(50)
    assert watched.seen == list(range(50))


def test_history_since_a_time(
    nats_server: NatsServer, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    url = nats_server.url()
    add_stream(url, "T", ["t.>"])
    publish(url, numbered(range(100)))

    async def last_time(client: Client) -> datetime:
        message = await client.jetstream().get_last_msg("T", "t.>")
        assert message.time is not None
        return message.time

    # Just after the last message stored so far; the next ones are stored later still.
    since = with_client(url, last_time) + timedelta(milliseconds=1)
    wait_for(lambda: datetime.now(timezone.utc) > since + timedelta(milliseconds=50))
    publish(url, numbered(range(100, 150)))
    by_datetime = Watched(feeds, charts, url, subject="t.>", history=since)
    span = datetime.now(timezone.utc) - since
    by_span = Watched(feeds, charts, url, subject="t.>", history=span)
    for watched in (by_datetime, by_span):
        watched.wait_seen(50)
        watched.wait_live()
    publish(url, numbered(range(150, 160)))
    for watched in (by_datetime, by_span):
        watched.wait_seen(60)
        assert watched.seen == list(range(100, 160))


def test_a_malformed_message_is_counted_and_the_stream_goes_on(
    nats_server: NatsServer, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    url = nats_server.url()
    add_stream(url, "T", ["t.>"])
    watched = Watched(feeds, charts, url, subject="t.>")
    watched.wait_live()
    publish(url, [*numbered(range(5)), ("t.a", b"{not json"), *numbered(range(5, 10))])
    watched.wait_seen(10)
    assert watched.seen == list(range(10))
    wait_for(lambda: watched.feed.stats["messages"] == 11)
    stats = watched.feed.stats
    # Counted once, under the kind the "json" decoder gives a payload (bytes) that is not JSON.
    assert stats["errors"] == 1 and "not JSON" in stats["last_error"], stats
    assert watched.feed.status == "live"


def test_no_stream_means_live_only_with_one_history_error(
    nats_server: NatsServer, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    url = nats_server.url()
    publish(url, numbered(range(20)), stored=False)  # nobody keeps these
    watched = Watched(feeds, charts, url, subject="t.>", history=100)
    watched.wait_live()
    publish(url, numbered(range(20, 30)), stored=False)
    watched.wait_seen(10)
    assert watched.seen == list(range(20, 30))
    stats = watched.feed.stats
    assert stats["error_kinds"] == {"history_error": 1}, stats
    assert "no JetStream stream stores 't.>'" in stats["last_error"]
    assert "live messages only" in stats["last_error"]


@pytest.mark.parametrize("how", ["terminate", "kill"])
def test_a_broker_restart_loses_nothing_the_broker_stored(
    nats_server: NatsServer, feeds: list[Feed], charts: list[LiveChart], how: str
) -> None:
    url = nats_server.url()
    publisher = Bridge(url, "r.x")
    try:
        assert publisher.opened.wait(timeout=30), "the publisher did not open"
        watched = Watched(feeds, charts, url, subject="r.>")
        watched.wait_live()
        publisher.go.set()
        wait_for(lambda: publisher.confirmed >= 300, what="300 messages confirmed")
        # While the bridge publishes: SIGTERM lets the server finish, SIGKILL does not.
        if how == "kill":
            assert nats_server.process is not None
            nats_server.process.kill()
            nats_server.process.wait(timeout=10)
            nats_server.start()
        else:
            nats_server.restart()
        after = publisher.confirmed
        wait_for(lambda: publisher.confirmed >= after + 300, what="300 more messages confirmed")
    finally:
        publisher.stop()
    stored = stored_numbers(url, stream_name("r.x"), "r.x")
    # The bridge's retries stored each message once, in order.
    assert stored == sorted(set(stored))
    if how == "terminate":
        assert stored == list(range(len(stored))) and len(stored) >= publisher.confirmed
    watched.wait_seen(len(stored))
    assert watched.seen == stored
    assert watched.values() == stored
    stats = watched.feed.stats
    assert stats["reconnects"] >= 1 and watched.feed.status == "live", stats


def test_a_feed_connects_once_the_server_is_up(
    tmp_path_factory: pytest.TempPathFactory, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    server = NatsServer(tmp_path_factory.mktemp("nats"))  # its port chosen, not started yet
    watched = Watched(feeds, charts, server.url(), subject="t.>")
    wait_for(lambda: watched.feed.stats["errors"] >= 1, what="a failed first connect")
    assert watched.feed.status in ("error", "connecting", "reconnecting")
    assert "cannot connect to nats://127.0.0.1" in watched.feed.stats["last_error"]
    with server:
        watched.wait_live()
        publish(server.url(), numbered(range(10)), stored=False)
        watched.wait_seen(10)
        assert watched.seen == list(range(10))
        assert watched.feed.stats["reconnects"] >= 1


def test_a_long_outage_is_waited_out(
    nats_server: NatsServer, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    url = nats_server.url()
    watched = Watched(feeds, charts, url, subject="t.>")
    watched.wait_live()
    nats_server.stop()
    # Many more failed attempts than the one retry of a first connect: reconnecting has no limit.
    wait_for(lambda: watched.feed.stats["errors"] >= 8, what="failed reconnects")
    assert watched.feed.status == "reconnecting"
    nats_server.start()
    watched.wait_live()
    publish(url, numbered(range(10)), stored=False)
    watched.wait_seen(10)
    assert watched.seen == list(range(10)) and watched.feed.stats["reconnects"] == 1


def test_closing_the_feed_closes_its_connection(
    tmp_path_factory: pytest.TempPathFactory, feeds: list[Feed], charts: list[LiveChart]
) -> None:
    monitor = free_port()
    server = NatsServer(tmp_path_factory.mktemp("nats"), options=("-m", str(monitor)))
    server.start()
    try:
        add_stream(server.url(), "T", ["t.>"])

        def clients() -> list[str]:
            with urllib.request.urlopen(f"http://127.0.0.1:{monitor}/connz") as answer:
                return [c.get("name", "") for c in json.load(answer)["connections"]]

        watched = Watched(feeds, charts, server.url(), subject="t.>")
        watched.wait_live()
        assert clients() == ["livefeed"]
        watched.feed.close()
        assert watched.feed.status == "closed"
        wait_for(lambda: clients() == [], what=lambda: f"no client left: {clients()}")
    finally:
        server.stop()


# -- credentials ---------------------------------------------------------------------------------

AUTH = {
    "password": (("--user", "alice", "--pass", PASSWORD), f"alice:{PASSWORD}", "alice:wr0ng-pass"),
    "token": (("--auth", TOKEN), TOKEN, "wr0ng-t0ken"),
}


@pytest.fixture(params=sorted(AUTH))
def auth_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[NatsServer, str, str]]:
    """A server that wants credentials, the right ones and wrong ones."""
    options, right, wrong = AUTH[request.param]
    server = NatsServer(tmp_path_factory.mktemp("nats"), options=options)
    server.start()
    try:
        yield server, right, wrong
    finally:
        server.stop()


def test_credentials_in_the_url_are_used(
    auth_server: tuple[NatsServer, str, str], feeds: list[Feed], charts: list[LiveChart]
) -> None:
    server, right, _ = auth_server
    watched = Watched(feeds, charts, server.url(right), subject="t.>")
    watched.wait_live()
    publish(server.url(right), numbered(range(10)), stored=False)
    watched.wait_seen(10)
    assert watched.seen == list(range(10))
    assert watched.feed.url == f"{server.url()} t.>"


def test_refused_credentials_end_the_feed_and_never_show(
    auth_server: tuple[NatsServer, str, str],
    feeds: list[Feed],
    charts: list[LiveChart],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, right, wrong = auth_server
    watched = Watched(feeds, charts, server.url(wrong), subject="t.>")
    watched.wait_refused()
    stats = watched.feed.stats
    assert "Authorization Violation" in stats["last_error"]
    assert set(stats["error_kinds"]) == {"connection"}, stats
    secrets = {wrong.rpartition(":")[2], right.rpartition(":")[2]}
    for where, text in watched.shown(caplog).items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} is in the {where}: {text}"


# -- a credentials file --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def operator_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[NatsServer, Operator, Path]]:
    """A server in operator mode: it lets in only users whose JWT an account it knows signed."""
    folder = tmp_path_factory.mktemp("nats-operator")
    operator = Operator()
    server = NatsServer(folder, options=("-c", str(operator.server_config(folder))))
    server.start()
    try:
        yield server, operator, folder
    finally:
        server.stop()


def publish_as(url: str, creds: Path, subject: str, numbers: range, stream: str = "") -> None:
    """Publish {"i": n} for `numbers` as the user of `creds`, after making `stream` if named."""

    async def main() -> None:
        client = await nats.connect(url, user_credentials=str(creds))
        try:
            js = client.jetstream()
            if stream:
                await js.add_stream(name=stream, subjects=[subject])
            for n in numbers:
                await js.publish(subject, row(n))
        finally:
            await client.close()

    asyncio.run(main())


def test_a_credentials_file_reads_history_then_live(
    operator_server: tuple[NatsServer, Operator, Path],
    feeds: list[Feed],
    charts: list[LiveChart],
) -> None:
    server, operator, folder = operator_server
    writer, _ = operator.user_creds(folder, "writer")
    analyst, _ = operator.user_creds(folder, "analyst")
    publish_as(server.url(), writer, "c.a", range(10), stream="CREDS")
    watched = Watched(feeds, charts, server.url(), subject="c.>", creds=analyst, history=5)
    watched.wait_live()
    publish_as(server.url(), writer, "c.a", range(10, 15))
    watched.wait_seen(10)
    assert watched.seen == list(range(5, 15))
    assert watched.values() == list(range(5, 15))


def test_a_refused_credentials_file_ends_the_feed_and_its_seed_never_shows(
    operator_server: tuple[NatsServer, Operator, Path],
    feeds: list[Feed],
    charts: list[LiveChart],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, operator, folder = operator_server
    # A user of an account that the server was never told of.
    stranger, seed = operator.user_creds(
        folder, "stranger", account=new_key(nkeys.PREFIX_BYTE_ACCOUNT)
    )
    watched = Watched(feeds, charts, server.url(), subject="c.>", creds=stranger)
    watched.wait_refused()
    for where, text in watched.shown(caplog).items():
        assert seed not in text, f"the seed is in the {where}: {text}"


def test_a_credentials_file_that_is_not_there_fails_in_the_cell(tmp_path: Path) -> None:
    missing = tmp_path / "nobody.creds"
    with pytest.raises(FileNotFoundError, match="creds= names no file"):
        Feed("nats://127.0.0.1:4222", subject="c.>", creds=missing)


# -- the bridge's publisher ----------------------------------------------------------------------


def publishing(url: str, work: Callable[[NatsPublisher], Awaitable[T]], subject: str = "p.x") -> T:
    async def main() -> T:
        publisher = NatsPublisher(url, subject)
        try:
            return await work(publisher)
        finally:
            await publisher.close()

    return asyncio.run(main())


def test_the_publisher_creates_a_bounded_stream_and_stores_in_order(
    nats_server: NatsServer,
) -> None:
    url = nats_server.url()

    async def work(publisher: NatsPublisher) -> None:
        await publisher.open(Keep(messages=5000))
        await publisher.publish(0, [row(n) for n in range(3000)])
        await publisher.publish(3000, [row(n) for n in range(3000, 3100)])

    publishing(url, work)
    config = stream_config(url, "LIVEFEED_p_x")
    assert config.subjects == ["p.x"] and config.max_msgs == 5000
    assert config.storage == "file" and config.duplicate_window == 120
    assert stored_numbers(url, "LIVEFEED_p_x", "p.x") == list(range(3100))

    async def by_time(publisher: NatsPublisher) -> None:
        await publisher.open(Keep(seconds=60))

    publishing(url, by_time, subject="q.y")
    config = stream_config(url, "LIVEFEED_q_y")
    assert config.max_age == 60 and config.duplicate_window == 60 and config.max_msgs == -1


def test_a_retried_batch_stores_nothing_twice(nats_server: NatsServer) -> None:
    url = nats_server.url()

    async def work(publisher: NatsPublisher) -> None:
        await publisher.open(Keep(messages=1000))
        await publisher.publish(0, [row(n) for n in range(10)])
        await publisher.publish(0, [row(n) for n in range(10)])  # all stored already
        await publisher.publish(5, [row(n) for n in range(5, 15)])  # half stored already

    publishing(url, work)
    assert stored_numbers(url, "LIVEFEED_p_x", "p.x") == list(range(15))


def test_a_deleted_stream_fails_one_publish_and_is_made_again(nats_server: NatsServer) -> None:
    url = nats_server.url()

    async def work(publisher: NatsPublisher) -> str:
        await publisher.open(Keep(messages=1000))
        await publisher.publish(0, [row(n) for n in range(10)])
        other = await nats.connect(url)
        await other.jetstream().delete_stream(publisher.stream)
        await other.close()
        with pytest.raises(PublishError) as failed:
            await publisher.publish(10, [row(n) for n in range(10, 20)])
        await publisher.publish(10, [row(n) for n in range(10, 20)])  # the bridge's retry
        return str(failed.value)

    failure = publishing(url, work)
    assert "no stream stores 'p.x'" in failure
    assert stored_numbers(url, "LIVEFEED_p_x", "p.x") == list(range(10, 20))


def test_the_publisher_leaves_a_stream_that_stores_the_subject(nats_server: NatsServer) -> None:
    url = nats_server.url()
    add_stream(url, "MINE", ["p.>"])

    async def work(publisher: NatsPublisher) -> str:
        await publisher.open(Keep(messages=10))
        await publisher.publish(0, [row(n) for n in range(20)])
        return publisher.stream

    assert publishing(url, work) == "MINE"
    assert stored_numbers(url, "MINE", "p.x") == list(range(20))  # not bounded by keep


def test_the_publisher_names_no_credential(tmp_path_factory: pytest.TempPathFactory) -> None:
    server = NatsServer(
        tmp_path_factory.mktemp("nats"), options=("--user", "alice", "--pass", PASSWORD)
    )
    server.start()
    try:
        right = server.url(f"alice:{PASSWORD}")
        assert NatsPublisher(right, "p.x").name == f"{server.url()} p.x"

        async def stored(publisher: NatsPublisher) -> None:
            await publisher.open(Keep(messages=10))
            await publisher.publish(0, [row(0)])

        publishing(right, stored)

        async def refused(publisher: NatsPublisher) -> None:
            await publisher.open(Keep(messages=10))

        with pytest.raises(PublishError) as refusal:
            publishing(server.url("alice:wr0ng-pass"), refused)
        assert "Authorization Violation" in str(refusal.value)
        assert "wr0ng-pass" not in str(refusal.value)
    finally:
        server.stop()
    nowhere = f"nats://alice:{PASSWORD}@127.0.0.1:{free_port()}"
    with pytest.raises(PublishError) as unreachable:
        publishing(nowhere, refused)
    assert "cannot connect" in str(unreachable.value) and PASSWORD not in str(unreachable.value)


def test_nats_target_splits_the_subject_from_the_url() -> None:
    assert nats_target("nats://u:p@host:4222/trades.btc") == ("nats://u:p@host:4222", "trades.btc")
    assert nats_target("tls://host/a.b") == ("tls://host", "a.b")
    for url in (
        "nats://host:4222",
        "nats://host:4222/",
        "nats://h/a.*",
        "nats://h/a.>",
        "nats://h/a..b",
    ):
        with pytest.raises(ValueError):
            nats_target(url)
    with pytest.raises(ValueError) as error:
        nats_target(f"nats://u:{PASSWORD}@host:4222")
    assert PASSWORD not in str(error.value)
    assert stream_name("trades.btc") == "LIVEFEED_trades_btc"


def test_a_port_that_is_not_a_number_is_refused_at_once() -> None:
    url = f"nats://alice:{PASSWORD}@127.0.0.1:4222x"
    for make in (lambda: Feed(url, subject="t.>"), lambda: NatsPublisher(url, "p.x")):
        with pytest.raises(ValueError, match="is not a number") as error:
            make()
        assert PASSWORD not in str(error.value)


class Bridge:
    """`NatsPublisher` as the bridge drives it, on a thread of its own: batches of 10 numbered
    messages, each batch retried after a pause until it is confirmed."""

    def __init__(self, url: str, subject: str) -> None:
        self.url = url
        self.subject = subject
        self.opened = threading.Event()
        self.go = threading.Event()
        self._stop = threading.Event()
        self.confirmed = 0
        self.failures = 0
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self._thread.start()

    async def _run(self) -> None:
        publisher = NatsPublisher(self.url, self.subject, ack_timeout=2.0)
        await publisher.open(Keep(messages=100_000))
        self.opened.set()
        while not self.go.is_set() and not self._stop.is_set():
            await asyncio.sleep(0.01)
        try:
            while not self._stop.is_set():
                first = self.confirmed
                try:
                    await publisher.publish(first, [row(n) for n in range(first, first + 10)])
                except PublishError:
                    self.failures += 1
                    await asyncio.sleep(0.05)
                    continue
                self.confirmed = first + 10
        finally:
            await publisher.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
