"""LiveChart in a real Jupyter kernel: what it puts on IOPub is exactly what the protocol promises.

A real `websockets` server in this process feeds charts created in a real ipykernel; the tests read
the kernel's IOPub channel the way the notebook server does and decode the custom messages by
docs/protocol.md. Timeouts here only stop a broken run from hanging; nothing asserts a speed.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.server import Server, ServerConnection, serve

from .kernels import REPLY_TIMEOUT, IOPubRecorder, Kernel

pytestmark = pytest.mark.kernel


# jupyter_server drops comm messages beyond 1000/s per kernel; livefeed promises < 500/s.
KERNEL_MESSAGE_LIMIT = 500


# --------------------------------------------------------------------------------------------
# The feed: a real WebSocket server on 127.0.0.1, port 0, in a thread of this process
# --------------------------------------------------------------------------------------------


def point_message(i: int) -> str:
    """Message `i` of every feed here: one point, x a plain number (so the axis is numeric)."""
    return json.dumps({"ts": i, "v": point_value(i)})


def point_value(i: int) -> float:
    # Distinct from x, so a test would notice x and y buffers swapped.
    return i * 0.25 - 7.0


class FeedServer:
    """Serves `/count/<n>` (n one-point messages, then stays open until the client leaves) and
    `/stream/<rate>` (about `rate` one-point messages per second for as long as the client stays).
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._server: Server | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="feed-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(REPLY_TIMEOUT) or self._server is None:
            raise RuntimeError("the test feed server did not start")
        self.port: int = self._server.sockets[0].getsockname()[1]

    def url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}/{path}"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self._ready.set()
        self.loop.run_forever()

    async def _start(self) -> None:
        self._server = await serve(
            self._handle, "127.0.0.1", 0, compression=None, ping_interval=None
        )

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        kind, _, number = ws.request.path.strip("/").partition("/")
        if kind == "count":
            for i in range(int(number)):
                await ws.send(point_message(i))
            await ws.wait_closed()
        elif kind == "stream":
            await self._stream(ws, float(number))
        else:
            await ws.close(1008, f"unknown path {ws.request.path}")

    @staticmethod
    async def _stream(ws: ServerConnection, rate: float) -> None:
        # Sends in small bursts every tick: steady enough, and cheap for 20 connections at once.
        tick = 0.02
        per_tick = max(1, round(rate * tick))
        i = 0
        while ws.state.name == "OPEN":
            for _ in range(per_tick):
                await ws.send(point_message(i))
                i += 1
            await asyncio.sleep(tick)

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(REPLY_TIMEOUT)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(REPLY_TIMEOUT)
        self.loop.close()


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    try:
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------------------------
# Decoding by docs/protocol.md
# --------------------------------------------------------------------------------------------


@dataclass
class Points:
    kind: str
    seq: int
    series: list[list[Any]]
    segments: list[list[int]]
    x: np.ndarray[Any, np.dtype[np.float64]]
    y: np.ndarray[Any, np.dtype[np.float64]]
    buffer_bytes: int


def decode(message: dict[str, Any]) -> Points:
    content = message["content"]["data"]["content"]
    buffers = message["buffers"]
    assert len(buffers) == 2, f"expected x and y buffers, got {len(buffers)}"
    x = np.frombuffer(bytes(buffers[0]), dtype="<f8")
    y = np.frombuffer(bytes(buffers[1]), dtype="<f8")
    segments = [list(s) for s in content["segments"]]
    assert sum(n for _, n in segments) == len(x) == len(y)
    return Points(
        kind=content["type"],
        seq=content["seq"],
        series=[list(s) for s in content["series"]],
        segments=segments,
        x=x,
        y=y,
        buffer_bytes=sum(len(b) for b in buffers),
    )


def points_of(recorder: IOPubRecorder, comm_id: str) -> list[Points]:
    return [decode(m) for m in recorder.custom(comm_id)]


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------

SENT = 20_000


@pytest.mark.timeout(180)
def test_every_point_travels_once_and_sync_resends_the_window(
    kernel: Kernel, feed_server: FeedServer
) -> None:
    comm_id = kernel.run(
        "from livefeed import LiveChart\n"
        f"chart = LiveChart({feed_server.url(f'count/{SENT}')!r}, x='ts', y='v', window=50_000)",
        comm_id="chart.model_id",
    )["comm_id"]

    def received() -> int:
        return sum(len(p.x) for p in points_of(kernel.iopub, comm_id))

    kernel.iopub.wait_for(lambda: received() >= SENT, f"{SENT} points on IOPub")
    time.sleep(0.5)  # anything sent twice would show up now
    batches = points_of(kernel.iopub, comm_id)

    expected_x = np.arange(SENT, dtype=np.float64)
    expected_y = np.array([point_value(i) for i in range(SENT)])
    assert [b.kind for b in batches] == ["batch"] * len(batches)
    assert [b.seq for b in batches] == list(range(1, len(batches) + 1))
    assert batches[0].series == [[0, "v"]]
    assert all(b.series == [] for b in batches[1:]), "a series is named once, when it appears"
    assert all(b.segments == [[0, len(b.x)]] for b in batches)
    np.testing.assert_array_equal(np.concatenate([b.x for b in batches]), expected_x)
    np.testing.assert_array_equal(np.concatenate([b.y for b in batches]), expected_y)

    # The wire cost: exactly the values, 16 bytes a point, in far fewer messages than points.
    # At most 30 batches a second leave a chart, so this holds as long as the kernel takes in more
    # than 300 one-point messages a second, which any machine that runs Jupyter does.
    assert sum(b.buffer_bytes for b in batches) == 16 * SENT
    assert len(batches) <= SENT / 10, f"{len(batches)} messages for {SENT} points"

    stats = kernel.run("", stats="chart.stats")["stats"]
    assert (stats["points"], stats["errors"], stats["coalesced"]) == (SENT, 0, 0)

    # A view asking for the whole window gets it, as the next sequence point.
    kernel.send_to_widget(comm_id, {"type": "sync"})
    kernel.iopub.wait_for(lambda: len(points_of(kernel.iopub, comm_id)) > len(batches), "reset")
    reset = points_of(kernel.iopub, comm_id)[len(batches)]
    assert reset.kind == "reset"
    assert reset.seq == batches[-1].seq + 1
    assert reset.series == [[0, "v"]]
    assert reset.segments == [[0, SENT]]
    np.testing.assert_array_equal(reset.x, expected_x)
    np.testing.assert_array_equal(reset.y, expected_y)
    assert reset.buffer_bytes == 16 * SENT

    # After the reset only newer points travel, continuing the sequence.
    kernel.run(f"chart.push({{'ts': {SENT}, 'v': {point_value(SENT)!r}}})")
    kernel.iopub.wait_for(lambda: len(points_of(kernel.iopub, comm_id)) > len(batches) + 1, "batch")
    after = points_of(kernel.iopub, comm_id)[len(batches) + 1]
    assert (after.kind, after.seq, after.series) == ("batch", reset.seq + 1, [])
    assert (after.x.tolist(), after.y.tolist()) == ([float(SENT)], [point_value(SENT)])

    kernel.run("chart.close(remove=True)")


CHARTS = 20
RATE_PER_CHART = 250  # one-point messages a second to each chart: 5,000 a second in all
MEASURE_SECONDS = 6.0


def max_in_window(times: list[float], width: float) -> int:
    """The most of `times` that fall within any interval [t, t + width)."""
    ordered = sorted(times)
    most = 0
    start = 0
    for end, t in enumerate(ordered):
        while ordered[start] <= t - width:
            start += 1
        most = max(most, end - start + 1)
    return most


@pytest.mark.timeout(180)
def test_twenty_busy_charts_stay_under_the_kernel_message_limit(
    kernel: Kernel, feed_server: FeedServer
) -> None:
    url = feed_server.url(f"stream/{RATE_PER_CHART}")
    comm_ids: list[str] = kernel.run(
        "from livefeed import LiveChart\n"
        f"charts = [LiveChart({url!r}, x='ts', y='v') for _ in range({CHARTS})]",
        ids="[c.model_id for c in charts]",
    )["ids"]
    time.sleep(MEASURE_SECONDS)
    stats = kernel.run("", stats="[c.stats for c in charts]")["stats"]
    kernel.run("for c in charts: c.close(remove=True)")

    # The kernel's own send times (message header dates), over the whole run: every comm_msg
    # counts against jupyter_server's limit, batches and trait updates alike.
    mine = set(comm_ids)
    times = [
        m["header"]["date"].timestamp()
        for m in kernel.iopub.comm_messages()
        if m["content"]["comm_id"] in mine
    ]
    assert len(times) > 0
    # Any one-second window, not just whole-second buckets: the stricter reading of the limit.
    busiest = max_in_window(times, 1.0)
    assert busiest < KERNEL_MESSAGE_LIMIT, f"{busiest} comm messages within one second"

    # Data reached every chart, and the shared budget delayed batches rather than dropping any.
    for comm_id, chart_stats in zip(comm_ids, stats, strict=True):
        batches = points_of(kernel.iopub, comm_id)
        assert batches, f"no points reached chart {comm_id}"
        assert [b.seq for b in batches] == list(range(1, len(batches) + 1))
        assert chart_stats["errors"] == 0
        assert chart_stats["coalesced"] == 0
        assert sum(len(b.x) for b in batches) > 0
