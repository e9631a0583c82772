"""LiveChart in a real Jupyter kernel: what it puts on IOPub is exactly what the protocol promises.

A real `websockets` server in this process feeds charts created in a real ipykernel; the tests read
the kernel's IOPub channel the way the notebook server does and decode the custom messages by
docs/protocol.md. Timeouts here only stop a broken run from hanging; nothing asserts a speed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from .support.feeds import numbered_points, point_value
from .support.kernels import REPLY_TIMEOUT, IOPubRecorder, Kernel
from .support.servers import FeedServer
from .support.waiting import wait_for

pytestmark = pytest.mark.kernel


# jupyter_server drops comm messages beyond 1000/s per kernel; livefeed promises < 500/s.
KERNEL_MESSAGE_LIMIT = 500


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    """`numbered_points` on 127.0.0.1, in a thread of this process."""
    with FeedServer(numbered_points, compression=None, ping_interval=None) as server:
        yield server


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

    wait_for(lambda: received() >= SENT, REPLY_TIMEOUT, what=f"{SENT} points on IOPub")
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
    wait_for(
        lambda: len(points_of(kernel.iopub, comm_id)) > len(batches), REPLY_TIMEOUT, what="reset"
    )
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
    wait_for(
        lambda: len(points_of(kernel.iopub, comm_id)) > len(batches) + 1,
        REPLY_TIMEOUT,
        what="batch",
    )
    after = points_of(kernel.iopub, comm_id)[len(batches) + 1]
    assert (after.kind, after.seq, after.series) == ("batch", reset.seq + 1, [])
    assert (after.x.tolist(), after.y.tolist()) == ([float(SENT)], [point_value(SENT)])

    kernel.run("chart.close()")


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
    kernel.run("for c in charts: c.close()")

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
