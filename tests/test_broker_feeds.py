"""A broker feed is a feed like any other: its messages go through the same transform, error
counting, recording and replay as a WebSocket feed's, on real nats-server and redis-server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from livefeed import Feed, LiveChart

from .support.brokers import NatsServer, RedisServer
from .support.waiting import wait_for

GOOD = 30


@dataclass
class Broker:
    make_feed: Callable[..., Feed]  # Feed(url, subject= or stream=, **options)
    publish: Callable[[list[bytes]], None]  # stores the payloads, in order


def messages() -> list[bytes]:
    """Good messages with an odd one among them: one that is not JSON."""
    out = [json.dumps({"t": i, "v": i * 2.5, "g": "ab"[i % 2]}).encode() for i in range(GOOD)]
    out.insert(GOOD // 2, b"not json at all")
    return out


@pytest.fixture(params=["nats", "redis"])
def broker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Broker]:
    if request.param == "nats":
        with NatsServer(tmp_path / "nats") as server:
            url = server.url()  # type: ignore[attr-defined]

            def publish_nats(payloads: list[bytes]) -> None:
                async def go() -> None:
                    import nats

                    connection = await nats.connect(url)
                    js = connection.jetstream()
                    await js.add_stream(name="ODD", subjects=["odd.>"])
                    for payload in payloads:
                        await js.publish("odd.points", payload)
                    await connection.close()

                asyncio.run(go())

            def nats_feed(**options: object) -> Feed:
                return Feed(url, subject="odd.>", **options)  # type: ignore[arg-type]

            yield Broker(nats_feed, publish_nats)
    else:
        with RedisServer(tmp_path / "redis") as server:
            url = server.url()  # type: ignore[attr-defined]

            def publish_redis(payloads: list[bytes]) -> None:
                import redis

                client = redis.Redis.from_url(url)
                for payload in payloads:
                    client.xadd("odd", {"data": payload})
                client.close()

            def redis_feed(**options: object) -> Feed:
                return Feed(url, stream="odd", **options)  # type: ignore[arg-type]

            yield Broker(redis_feed, publish_redis)


def test_transform_errors_recording_and_replay_work_on_a_broker_feed(
    broker: Broker, tmp_path: Path, charts: list[LiveChart]
) -> None:
    path = tmp_path / "broker.lfrec"
    broker.publish(messages())
    feed = broker.make_feed(
        history=len(messages()), record=path, transform=lambda r: {**r, "v": -r["v"]}
    )
    chart = LiveChart(feed, x="t", y="v", group_by="g", x_type="number")
    charts.append(chart)
    wait_for(
        lambda: feed.stats["recorded"] == len(messages()) and chart.stats["points"] == GOOD,
        what=lambda: str(feed.stats),
    )
    feed.close()
    data = chart.data
    assert sorted(data["x"].tolist()) == list(range(GOOD))
    assert sorted(data["value"].tolist()) == sorted(-i * 2.5 for i in range(GOOD))
    assert feed.stats["errors"] == 1  # the odd message, counted, and the feed went on
    replayed = Feed.replay(path, speed=None, transform=lambda r: {**r, "v": -r["v"]})
    replay = LiveChart(replayed, x="t", y="v", group_by="g", x_type="number")
    charts.append(replay)
    wait_for(lambda: replayed.status == "closed", what="the replay's end")
    pd.testing.assert_frame_equal(
        replay.data.reset_index(drop=True), chart.data.reset_index(drop=True)
    )
    assert replayed.stats["error_kinds"] == feed.stats["error_kinds"]
