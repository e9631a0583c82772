"""Ingest: how many points per second the kernel side takes in from a WebSocket feed.

The feed is `feed_server.py` in its own process, sending a pre-framed burst as fast as the socket
takes it. Four clients read the same burst, one after another, in this process:

- `raw_socket`: a plain TCP socket that only counts bytes: what the server and the loopback deliver.
  When the baseline comes close to it, the server (not the client) is the limit, and we say so.
- `receive_only`: a `websockets` client that discards each message: websockets' own cost.
- `baseline`: a `websockets` client that parses each message with `json.loads` and nothing else:
  the practical limit of a Python feed client.
- `livefeed`: a `LiveChart` (connection, decoding, fields, ring buffers, and its pump taking batches
  for the browser), as a user creates it.

Each rate is points per second from the first message received to the last one processed.
"""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import time
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import connect

CLIENTS = ("raw_socket", "receive_only", "baseline", "livefeed")
CLOSE_FRAME = b"\x88\x02\x03\xe8"  # the server's close frame: code 1000, no reason
LIVEFEED_WINDOW = 100_000  # large enough that every point is batched for the browser, none dropped
HANG_TIMEOUT = 300.0  # seconds; only stops a broken run


@dataclass(frozen=True)
class Load:
    points_per_message: int
    messages: int

    @property
    def points(self) -> int:
        return self.points_per_message * self.messages

    def path(self) -> str:
        return f"burst/{self.points_per_message}/{self.messages}"


def raw_socket(port: int, load: Load) -> float:
    """Points per second a bare TCP reader gets from the server: the delivery limit."""
    with socket.create_connection(("127.0.0.1", port), timeout=HANG_TIMEOUT) as sock:
        request = (
            f"GET /{load.path()} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        )
        sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:  # the handshake response comes before any message
            chunk = sock.recv(4096)
            if not chunk:
                raise RuntimeError("the feed server closed during the handshake")
            head += chunk
        tail = head.partition(b"\r\n\r\n")[2][-4:]
        started = time.perf_counter()
        buffer = bytearray(1 << 20)
        while tail != CLOSE_FRAME:
            n = sock.recv_into(buffer)
            if n == 0:
                raise RuntimeError("the feed server closed before the end of the burst")
            tail = (tail + bytes(buffer[max(0, n - 4) : n]))[-4:]
        elapsed = time.perf_counter() - started
        # Answer the close (a masked frame, zero mask) so the server finishes cleanly.
        sock.sendall(b"\x88\x82\x00\x00\x00\x00\x03\xe8")
    return load.points / elapsed


async def _websockets_client(url: str, load: Load, parse: bool) -> float:
    received = 0
    first = last = 0.0
    async with connect(url, max_size=None, compression=None) as ws:
        async for message in ws:
            if parse:
                json.loads(message)
            received += 1
            if received == 1:
                first = time.perf_counter()
            last = time.perf_counter()
    if received != load.messages:
        raise RuntimeError(f"received {received} of {load.messages} messages")
    return (load.messages - 1) * load.points_per_message / (last - first)


def receive_only(port: int, load: Load) -> float:
    """Points per second a websockets client gets when it only receives."""
    url = f"ws://127.0.0.1:{port}/{load.path()}"
    return asyncio.run(asyncio.wait_for(_websockets_client(url, load, False), HANG_TIMEOUT))


def baseline(port: int, load: Load) -> float:
    """Points per second a websockets client gets when it parses each message with json.loads."""
    url = f"ws://127.0.0.1:{port}/{load.path()}"
    return asyncio.run(asyncio.wait_for(_websockets_client(url, load, True), HANG_TIMEOUT))


def livefeed(port: int, load: Load) -> float:
    """Points per second a LiveChart takes in, decodes and buffers.

    The chart runs on livefeed's own background thread; this thread watches its message counter.
    Polling every millisecond or so blurs each end by about that much, which is well under 1 % of
    a full-size run.
    """
    from livefeed import LiveChart

    chart = LiveChart(f"ws://127.0.0.1:{port}/{load.path()}", x="ts", y="v", window=LIVEFEED_WINDOW)
    feed = chart._data  # its message counter is read without a lock: cheap enough to poll
    deadline = time.monotonic() + HANG_TIMEOUT
    try:
        while feed.messages == 0:
            _check(chart, deadline)
            time.sleep(0.0005)
        first = time.perf_counter()
        first_count = feed.messages
        while feed.messages < load.messages:
            _check(chart, deadline)
            time.sleep(0.001)
        last = time.perf_counter()
        stats = chart.stats
    finally:
        chart.close()
    if stats["errors"] or stats["points"] != load.points:
        raise RuntimeError(f"livefeed took {stats['points']} of {load.points} points: {stats}")
    return float((load.messages - first_count) * load.points_per_message / (last - first))


def _check(chart: Any, deadline: float) -> None:
    if time.monotonic() > deadline:
        raise TimeoutError(f"livefeed ingest did not finish: {chart.stats}")
    if chart.status == "error":
        raise RuntimeError(f"livefeed connection failed: {chart.stats['last_error']}")


MEASURE = {
    "raw_socket": raw_socket,
    "receive_only": receive_only,
    "baseline": baseline,
    "livefeed": livefeed,
}


def run(port: int, load: Load, repeats: int) -> dict[str, Any]:
    """Every client `repeats` times, interleaved so that a noisy moment hits all of them alike.

    Reports each client's runs and median (points/s), the ratio livefeed/baseline of the medians
    and of each round, and whether the baseline came within 20 % of what the server delivers.
    """
    runs: dict[str, list[float]] = {name: [] for name in CLIENTS}
    raw_socket(port, load)  # untimed: the server frames the burst on first use
    for _ in range(repeats):
        for name in CLIENTS:
            runs[name].append(MEASURE[name](port, load))
    median = {name: statistics.median(values) for name, values in runs.items()}
    return {
        "points_per_message": load.points_per_message,
        "messages": load.messages,
        "points": load.points,
        "repeats": repeats,
        "runs": runs,
        "median": median,
        "ratio": median["livefeed"] / median["baseline"],
        "round_ratios": [
            lf / base for lf, base in zip(runs["livefeed"], runs["baseline"], strict=True)
        ],
        "server_bound": median["baseline"] >= 0.8 * median["raw_socket"],
    }
