"""Wire cost: what a chart fed 10,000 points a second puts on the way to the browser.

A real ipykernel runs the widget; this process reads the kernel's IOPub socket as jupyter_server
does, and sizes every comm_msg of the widget as jupyter_server's v1 kernel websocket protocol frames
it for the browser (headers, content, binary buffers, offsets, plus the websocket frame header).
Per widget: comm messages per second, bytes per new point, and bytes per point over the 16 bytes
of the point's own two float64 values.

Two widgets, measured one after the other in the same kernel, from the same paced feed:
- `livefeed`: `LiveChart` with its default window (10,000 points).
- `naive`: an anywidget that holds its window (1,000 points, ten times smaller, which only flatters
  it) in a synced `traitlets.List` of [x, y] pairs and re-sends it whole on every feed message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
from tests.support.kernels import Kernel, Recorded, running_kernel

POINTS_PER_SECOND = 10_000
POINTS_PER_MESSAGE = 100  # the feed sends 100 messages a second
VALUE_BYTES = 16  # x and y, float64 each
TARGET_RATIO = 1.2
LIVEFEED_WINDOW = 10_000
NAIVE_WINDOW = 1_000

NAIVE_WIDGET = '''
import asyncio, json, threading
import anywidget, traitlets
from websockets.asyncio.client import connect

class NaiveChart(anywidget.AnyWidget):
    """The whole window in a synced List trait, re-sent on every feed message."""

    _esm = "export default { render() {} }"
    points = traitlets.List().tag(sync=True)

    def __init__(self, url, window):
        super().__init__()
        self.window = window
        self.running = True
        threading.Thread(target=asyncio.run, args=(self._run(url),), daemon=True).start()

    async def _run(self, url):
        async with connect(url) as ws:
            async for message in ws:
                if not self.running:
                    break
                rows = json.loads(message)
                rows = rows if isinstance(rows, list) else [rows]
                self.points = (self.points + [[r["ts"], r["v"]] for r in rows])[-self.window:]
'''


def websocket_frame_header(length: int) -> int:
    """Bytes of an unmasked websocket frame header (server to browser) for a payload."""
    return 2 if length < 126 else 4 if length < 65536 else 10


@dataclass
class Sized:
    """One comm_msg as it left the kernel: its decoded form and its size for the browser."""

    message: dict[str, Any]
    wire_bytes: int
    buffer_bytes: int
    sent_at: float  # the kernel's own clock (header date), seconds since the epoch


def size_of(record: Recorded) -> Sized:
    """`record` as jupyter_server frames it for the browser (v1 kernel websocket protocol)."""
    # frames[0] is the signature, which jupyter_server strips before the browser.
    framed = serialize_msg_to_ws_v1(record.frames[1:], "iopub")  # type: ignore[no-untyped-call]
    payload = len(framed)
    return Sized(
        message=record.message,
        wire_bytes=payload + websocket_frame_header(payload),
        buffer_bytes=sum(len(b) for b in record.frames[5:]),
        sent_at=record.sent_at,
    )


def messages_of(
    k: Kernel, comm_id: str, start: float = 0.0, end: float = float("inf")
) -> list[Sized]:
    """The comm's messages the kernel sent within [start, end), kernel clock, sized."""
    return [
        size_of(r)
        for r in k.iopub.records()
        if r.message["content"]["comm_id"] == comm_id and start <= r.sent_at < end
    ]


def _kernel_now(k: Kernel) -> float:
    return float(k.run("", now="__import__('time').time()")["now"])


def _new_points_livefeed(messages: list[Sized]) -> int:
    points = 0
    for sized in messages:
        data = sized.message["content"]["data"]
        if data["method"] == "custom" and data["content"]["type"] == "batch":
            points += sum(n for _, n in data["content"]["segments"])
    return points


def _new_points_naive(before: list[Sized], during: list[Sized]) -> int:
    """Points of the window not seen in any earlier update (x grows by one per point)."""
    seen = float("-inf")
    points = 0
    for counted, messages in ((False, before), (True, during)):
        for sized in messages:
            window = sized.message["content"]["data"].get("state", {}).get("points")
            if not window:
                continue
            fresh = sum(1 for x, _ in window if x > seen)
            seen = max(seen, window[-1][0])
            if counted:
                points += fresh
    return points


def _summary(messages: list[Sized], points: int, seconds: float, window: int) -> dict[str, Any]:
    wire = sum(m.wire_bytes for m in messages)
    buffers = sum(m.buffer_bytes for m in messages)
    if points == 0:
        raise RuntimeError("no points reached the wire during the measurement")
    by_kind: dict[str, dict[str, int]] = {}
    for m in messages:
        data = m.message["content"]["data"]
        if data["method"] == "custom":
            kind = str(data["content"].get("type"))
        else:  # a trait update: name it by the traits it carries
            kind = "+".join(sorted(data.get("state", {}))) or data["method"]
        entry = by_kind.setdefault(kind, {"messages": 0, "wire_bytes": 0})
        entry["messages"] += 1
        entry["wire_bytes"] += m.wire_bytes
    return {
        "window": window,
        "messages": len(messages),
        "points": points,
        "messages_per_second": len(messages) / seconds,
        "points_per_second": points / seconds,
        "wire_bytes": wire,
        "bytes_per_point": wire / points,
        "ratio_to_values": wire / points / VALUE_BYTES,
        "overhead_bytes_per_message": (wire - buffers) / len(messages),
        "by_kind": by_kind,
    }


def run(port: int, seconds: float, warmup: float) -> dict[str, Any]:
    """Both widgets, each fed for `warmup` + `seconds`, measured over the last `seconds`."""
    url = f"ws://127.0.0.1:{port}/paced/{POINTS_PER_MESSAGE}/{POINTS_PER_SECOND}"
    with running_kernel() as k:
        k.run(NAIVE_WIDGET)
        lf_id = k.run(
            f"from livefeed import LiveChart\n"
            f"chart = LiveChart({url!r}, x='ts', y='v', window={LIVEFEED_WINDOW})",
            comm_id="chart.model_id",
        )["comm_id"]
        time.sleep(warmup)
        start = _kernel_now(k)
        time.sleep(seconds)
        end = _kernel_now(k)
        k.run("chart.close()")
        lf_messages = messages_of(k, lf_id, start, end)
        livefeed = _summary(
            lf_messages, _new_points_livefeed(lf_messages), end - start, LIVEFEED_WINDOW
        )

        naive_id = k.run(f"naive = NaiveChart({url!r}, {NAIVE_WINDOW})", comm_id="naive.model_id")[
            "comm_id"
        ]
        time.sleep(warmup)
        start = _kernel_now(k)
        time.sleep(seconds)
        end = _kernel_now(k)
        k.run("naive.running = False; naive.close()")
        naive_all = messages_of(k, naive_id)
        naive_during = [m for m in naive_all if start <= m.sent_at < end]
        naive_before = [m for m in naive_all if m.sent_at < start]
        naive = _summary(
            naive_during, _new_points_naive(naive_before, naive_during), end - start, NAIVE_WINDOW
        )
    return {
        "feed_points_per_second": POINTS_PER_SECOND,
        "feed_points_per_message": POINTS_PER_MESSAGE,
        "seconds": seconds,
        "value_bytes_per_point": VALUE_BYTES,
        "target_ratio": TARGET_RATIO,
        "livefeed": livefeed,
        "naive": naive,
        "met": livefeed["ratio_to_values"] <= TARGET_RATIO,
    }
