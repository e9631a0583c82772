"""A team on one feed: the bridge publishes a WebSocket feed into a real broker, and real
ipykernel processes chart it from the broker, as analysts' notebooks would.

- Fan-out: five kernels each hold every point, in order, while the upstream counts one
  connection.
- History: a kernel started after 10,000 messages draws them before the live ones, with no gap
  and no duplicate at the seam.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from websockets.asyncio.server import ServerConnection

from .support.brokers import BridgeProcess, BrokerProcess, NatsServer, RedisServer
from .support.feeds import Gate, point_message, point_value
from .support.kernels import Kernel, running_kernel
from .support.servers import FeedServer
from .support.waiting import wait_for

KERNELS = 5
POINTS = 3_000
HISTORY = 10_000
TIMEOUT = 90.0


@dataclass
class Broker:
    server: BrokerProcess
    target: str  # where the bridge publishes
    feed: str  # the Feed(...) a kernel makes, as Python source


@pytest.fixture(params=["nats", "redis"])
def broker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Broker]:
    if request.param == "nats":
        with NatsServer(tmp_path / "nats") as nats:
            url = nats.url()  # type: ignore[attr-defined]
            yield Broker(nats, f"{url}/team.points", f"Feed({url!r}, subject='team.>'{{history}})")
    else:
        with RedisServer(tmp_path / "redis") as redis:
            url = redis.url()  # type: ignore[attr-defined]
            yield Broker(redis, f"{url}?stream=team", f"Feed({url!r}, stream='team'{{history}})")


def chart_in(kernel: Kernel, broker: Broker, history: str = "") -> None:
    feed = broker.feed.format(history=history)
    kernel.run(
        "from livefeed import Feed, LiveChart\n"
        f"feed = {feed}\n"
        "chart = LiveChart(feed, x='ts', y='v', x_type='number', window=50_000)\n"
    )
    wait_for(lambda: kernel.run("", s="feed.status")["s"] == "live", what="the feed live")


def points_in(kernel: Kernel) -> tuple[list[float], list[float]]:
    found = kernel.run("", xs="chart.data['x'].tolist()", ys="chart.data['value'].tolist()")
    return found["xs"], found["ys"]


def test_five_kernels_chart_one_bridged_feed_with_every_point_in_order(broker: Broker) -> None:
    gate = Gate()

    async def held_then_counted(connection: ServerConnection) -> None:
        await gate.passed()  # until every kernel's chart reads the broker
        for i in range(POINTS):
            await connection.send(point_message(i))
        await connection.wait_closed()

    with ExitStack() as stack:
        upstream = stack.enter_context(FeedServer(held_then_counted))
        stack.enter_context(BridgeProcess(upstream.url(), broker.target))
        kernels = [stack.enter_context(running_kernel()) for _ in range(KERNELS)]
        for kernel in kernels:
            chart_in(kernel, broker)
        gate.open()
        for kernel in kernels:
            wait_for(
                lambda kernel=kernel: len(points_in(kernel)[0]) >= POINTS,  # type: ignore[misc]
                timeout=TIMEOUT,
                what="every point in every kernel",
            )
            xs, ys = points_in(kernel)
            assert xs == list(range(POINTS))
            assert ys == [point_value(i) for i in range(POINTS)]
            stats = kernel.run("", s="feed.stats")["s"]
            assert stats["errors"] == 0, stats
        assert upstream.connections == 1


def test_a_kernel_started_late_draws_the_kept_history_then_live_with_no_seam(
    broker: Broker,
) -> None:
    gate = Gate()

    async def history_then_live(connection: ServerConnection) -> None:
        for i in range(HISTORY):
            await connection.send(point_message(i))
        await gate.passed()  # the late kernel reads the broker now
        for i in range(HISTORY, HISTORY + POINTS):
            await connection.send(point_message(i))
            if i % 100 == 0:
                await asyncio.sleep(0.01)  # live, while the history is being read
        await connection.wait_closed()

    with ExitStack() as stack:
        upstream = stack.enter_context(FeedServer(history_then_live))
        bridge = stack.enter_context(BridgeProcess(upstream.url(), broker.target))
        wait_for(lambda: bridge.stats()["published"] == HISTORY, timeout=TIMEOUT, what="history")
        kernel = stack.enter_context(running_kernel())
        chart_in(kernel, broker, history=f", history={HISTORY}")
        gate.open()
        total = HISTORY + POINTS
        wait_for(
            lambda: len(points_in(kernel)[0]) >= total,
            timeout=TIMEOUT,
            what=lambda: f"{len(points_in(kernel)[0])} of {total} points",
        )
        xs, _ = points_in(kernel)
        assert xs == list(range(total))  # history first, then live: no gap, no duplicate
