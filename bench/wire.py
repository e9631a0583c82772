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

import ast
import importlib.util
import json
import os
import site
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zmq
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

POINTS_PER_SECOND = 10_000
POINTS_PER_MESSAGE = 100  # the feed sends 100 messages a second
VALUE_BYTES = 16  # x and y, float64 each
TARGET_RATIO = 1.2
LIVEFEED_WINDOW = 10_000
NAIVE_WINDOW = 1_000
TIMEOUT = 90.0  # seconds; only stops a broken run

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


def kernel_env() -> dict[str, str]:
    """This environment, plus a PYTHONPATH to the livefeed this process imports when it is a
    source tree rather than an installed package."""
    env = dict(os.environ)
    spec = importlib.util.find_spec("livefeed")
    if spec is None or not spec.submodule_search_locations:
        return env
    parent = str(Path(next(iter(spec.submodule_search_locations))).resolve().parent)
    if parent not in {str(Path(p).resolve()) for p in site.getsitepackages()}:
        existing = env.get("PYTHONPATH")
        env["PYTHONPATH"] = parent + (os.pathsep + existing if existing else "")
    return env


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


@dataclass
class IOPubSizer:
    """Reads the kernel's IOPub socket on a thread and sizes every comm_msg."""

    client: BlockingKernelClient
    messages: list[Sized] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, name="iopub-sizer", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        session = self.client.session
        sock = self.client.iopub_channel.socket
        assert sock is not None
        while not self._stop.is_set():
            if not sock.poll(200, zmq.POLLIN):
                continue
            frames = sock.recv_multipart(copy=True)
            _, parts = session.feed_identities(frames)
            message = session.deserialize(parts, content=True)
            if message["header"]["msg_type"] != "comm_msg":
                continue
            # parts[0] is the signature, which jupyter_server strips before the browser.
            framed = serialize_msg_to_ws_v1(parts[1:], "iopub")  # type: ignore[no-untyped-call]
            payload = len(framed)
            sized = Sized(
                message=message,
                wire_bytes=payload + websocket_frame_header(payload),
                buffer_bytes=sum(len(b) for b in parts[5:]),
                sent_at=message["header"]["date"].timestamp(),
            )
            with self._lock:
                self.messages.append(sized)

    def of(self, comm_id: str, start: float, end: float) -> list[Sized]:
        """The comm's messages the kernel sent within [start, end), kernel clock."""
        with self._lock:
            return [
                m
                for m in self.messages
                if m.message["content"]["comm_id"] == comm_id and start <= m.sent_at < end
            ]

    def all_of(self, comm_id: str) -> list[Sized]:
        return self.of(comm_id, 0.0, float("inf"))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(TIMEOUT)


@dataclass
class Kernel:
    client: BlockingKernelClient
    iopub: IOPubSizer

    def run(self, code: str, **expressions: str) -> dict[str, Any]:
        """Run `code`; return the JSON values of `expressions`."""
        wrapped = {name: f"__import__('json').dumps({expr})" for name, expr in expressions.items()}
        msg_id = self.client.execute(code, user_expressions=wrapped, allow_stdin=False)
        while True:
            reply = self.client.shell_channel.get_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError("kernel error:\n" + "\n".join(content.get("traceback", [])))
        return {
            name: json.loads(ast.literal_eval(result["data"]["text/plain"]))
            for name, result in content["user_expressions"].items()
        }


@contextmanager
def kernel() -> Iterator[Kernel]:
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env=kernel_env())
    client = manager.blocking_client()
    client.start_channels()
    sizer: IOPubSizer | None = None
    try:
        client.wait_for_ready(timeout=TIMEOUT)
        sizer = IOPubSizer(client)
        yield Kernel(client, sizer)
    finally:
        if sizer is not None:
            sizer.stop()
        client.stop_channels()
        manager.shutdown_kernel(now=True)


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
    with kernel() as k:
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
        k.run("chart.close(remove=True)")
        lf_messages = k.iopub.of(lf_id, start, end)
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
        naive_all = k.iopub.all_of(naive_id)
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
