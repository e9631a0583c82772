"""`livefeed bridge`: a real WebSocket feed published into a real nats-server and redis-server,
the bridge run as users run it, as a command, and stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection

from livefeed import Feed

from .support.brokers import (
    BridgeProcess,
    BrokerProcess,
    NatsServer,
    RedisServer,
    nats_stored,
    redis_stored,
)
from .support.env import livefeed_pythonpath
from .support.feeds import numbered_points, point_message, point_value
from .support.nats_accounts import Operator
from .support.servers import FeedServer
from .support.waiting import wait_for

TIMEOUT = 60.0


@dataclass
class Target:
    """A broker and how the bridge and the test reach one stream of it."""

    server: BrokerProcess
    url: str  # what the bridge publishes to
    stored: Callable[[], list[bytes]]  # every payload the broker keeps, oldest first


@pytest.fixture(params=["nats", "redis"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    if request.param == "nats":
        with NatsServer(tmp_path / "nats") as nats:
            assert isinstance(nats, NatsServer)
            yield Target(
                nats,
                f"{nats.url()}/points.bridged",
                lambda: nats_stored(nats.url(), "points.bridged"),
            )
    else:
        with RedisServer(tmp_path / "redis") as redis:
            assert isinstance(redis, RedisServer)

            def stored() -> list[bytes]:
                return [fields[b"data"] for fields in redis_stored(redis.url(), "points")]

            yield Target(redis, f"{redis.url()}?stream=points", stored)


def test_the_bridge_publishes_every_record_once_in_order(target: Target) -> None:
    with FeedServer(numbered_points) as upstream:
        with BridgeProcess(upstream.url("/count/2000"), target.url, "--keep", "5000") as bridge:
            wait_for(lambda: bridge.stats()["published"] == 2000, what=lambda: str(bridge.stats()))
            stats = bridge.stats()
            code, out, err = bridge.stop()
        assert upstream.connections == 1
    assert code == 0, err
    assert "2,000 records published, none left" in out
    assert stats["records"] == stats["messages"] == 2000
    assert stats["errors"] == 0 and stats["pending"] == 0
    records = [json.loads(payload) for payload in target.stored()]
    assert records == [json.loads(point_message(i)) for i in range(2000)]


def test_a_bridge_stopped_while_the_broker_is_away_publishes_what_it_read_once_back(
    target: Target,
) -> None:
    sent: list[str] = []

    async def steady(connection: ServerConnection) -> None:
        i = 0
        while True:
            message = point_message(i)
            await connection.send(message)
            sent.append(message)
            i += 1
            await asyncio.sleep(0.002)

    with FeedServer(steady) as upstream, BridgeProcess(upstream.url(), target.url) as bridge:
        wait_for(lambda: bridge.stats()["published"] > 100, what=lambda: str(bridge.stats()))
        target.server.stop()
        # Records keep coming and wait: the broker does not confirm them.
        wait_for(
            lambda: bridge.stats()["publish_failures"] > 0 and bridge.stats()["pending"] > 50,
            what=lambda: str(bridge.stats()),
        )
        waiting = bridge.stats()
        assert waiting["broker_status"] == "reconnecting"
        assert waiting["error_kinds"].get("publish_error", 0) > 0
        bridge.terminate()
        # The bridge has closed the upstream connection and still holds what it read.
        wait_for(lambda: upstream.open_now == 0, what="the upstream connection closed")
        target.server.start()
        code, out, err = bridge.stop(timeout=TIMEOUT)
    assert code == 0, err
    stored = target.stored()
    published = int(out.split(" records published")[0].rsplit("\n", 1)[-1].replace(",", ""))
    assert len(stored) == published
    assert published >= waiting["records"]  # what was pending when it was told to stop
    # Every record read is there once, in order: a prefix of what the feed sent.
    assert [payload.decode() for payload in stored] == [
        json.dumps(json.loads(message), separators=(",", ":")) for message in sent[:published]
    ]


async def ten_points(connection: ServerConnection) -> None:
    for i in range(10):
        await connection.send(point_message(i))
    await connection.wait_closed()


def test_the_bridge_counters_never_show_a_credential(tmp_path: Path) -> None:
    with RedisServer(tmp_path / "redis", options=("--requirepass", "s3cret-pass")) as redis:
        assert isinstance(redis, RedisServer)
        good = f"{redis.url(password='s3cret-pass')}?stream=points"
        with FeedServer(ten_points) as upstream:
            feed = upstream.url("/points?token=upstream-t0ken")
            with BridgeProcess(feed, good) as bridge:
                wait_for(lambda: bridge.stats()["published"] == 10, what="10 published")
                text = json.dumps(bridge.stats())
                code, out, err = bridge.stop()
    assert code == 0, err
    for secret in ("s3cret-pass", "upstream-t0ken"):
        assert secret not in text + out + err


def test_the_bridge_publishes_with_a_credentials_file(tmp_path: Path, feeds: list[Feed]) -> None:
    folder = tmp_path / "nats"
    folder.mkdir()
    operator = Operator()
    writer, seed = operator.user_creds(folder, "bridge")
    reader, _ = operator.user_creds(folder, "analyst")
    config = operator.server_config(folder)
    with NatsServer(folder, options=("-c", str(config))) as nats, FeedServer(ten_points) as up:
        target = f"{nats.url()}/points.team"
        with BridgeProcess(up.url(), target, "--creds", str(writer)) as bridge:
            wait_for(lambda: bridge.stats()["published"] == 10, what=lambda: bridge.stats())
            text = json.dumps(bridge.stats())
            code, out, err = bridge.stop()
        assert code == 0, err
        assert seed not in text + out + err
        seen: list[float] = []

        def note(record: dict[str, Any]) -> dict[str, Any]:
            seen.append(record["v"])
            return record

        feeds.append(
            Feed(nats.url(), subject="points.team", creds=reader, history=10, transform=note)
        )
        wait_for(lambda: len(seen) == 10, what=lambda: f"10 records: {feeds[0].stats}")
    assert seen == [point_value(i) for i in range(10)]


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("nats://127.0.0.1:4222/points", "--creds names no file"),
        ("redis://127.0.0.1:6379/0?stream=points", "a redis:// target takes a password"),
    ],
)
def test_the_bridge_refuses_credentials_it_cannot_use(
    tmp_path: Path, target: str, words: str
) -> None:
    done = bridge_command(target, "--creds", str(tmp_path / "nobody.creds"))
    assert done.returncode == 2
    assert words in done.stderr


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("nats://127.0.0.1:4222", "name one subject"),
        ("redis://127.0.0.1:6379/0", "stream="),
        ("http://127.0.0.1:1/x", "nats://host:4222/subject or redis://"),
    ],
)
def test_the_bridge_refuses_a_target_it_cannot_publish_to(target: str, words: str) -> None:
    done = bridge_command(target)
    assert done.returncode == 2
    assert words in done.stderr


def bridge_command(target: str, *options: str) -> subprocess.CompletedProcess[str]:
    """`livefeed bridge` from an upstream nothing serves to `target`, run to its end."""
    return subprocess.run(
        [sys.executable, "-m", "livefeed", "bridge", "ws://127.0.0.1:1/", target, *options],
        capture_output=True,
        text=True,
        env={**os.environ, **livefeed_pythonpath()},
        timeout=TIMEOUT,
    )


def test_keep_reads_counts_and_times() -> None:
    from livefeed._sources.broker import Keep, parse_keep

    assert parse_keep("100000") == Keep(messages=100_000)
    assert parse_keep("90s") == Keep(seconds=90)
    assert parse_keep("15m") == Keep(seconds=900)
    assert parse_keep("24h") == Keep(seconds=86_400)
    assert parse_keep("7d") == Keep(seconds=604_800)
    for wrong in ("0", "-5", "10x", "", "1.5"):
        with pytest.raises(ValueError, match="--keep takes"):
            parse_keep(wrong)


def test_records_wait_for_the_broker_up_to_a_bound_then_are_dropped_and_counted() -> None:
    from livefeed._bridge import MAX_PENDING, OVERFLOW, BridgeSink
    from livefeed._core.decode import JsonDecoder
    from livefeed._redact import Redactor

    # The README promises a million records kept while the broker is away.
    assert MAX_PENDING == 1_000_000
    sink = BridgeSink(Redactor(None), None, max_pending=3)
    sink.ingest('[{"v": 1}, {"v": 2}, {"v": 3}, {"v": 4}]', JsonDecoder())
    sink.ingest('{"v": 5}', JsonDecoder())
    assert [json.loads(p) for p in sink.pending] == [{"v": 1}, {"v": 2}, {"v": 3}]
    assert sink.dropped == 2 and sink.error_kinds[OVERFLOW] == 2
    assert "wait for the broker" in sink.last_error
