"""What test feeds send: connection handlers for `servers.FeedServer`.

Handlers used by one test file only stay in that file, beside the test that explains them.
"""

from __future__ import annotations

import asyncio
import json
import threading

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed


async def stream_forever(connection: ServerConnection) -> None:
    """Send `{"value": i}` for i = 0, 1, 2, ... about a thousand times a second until closed."""
    i = 0
    while True:
        await connection.send(json.dumps({"value": i}))
        i += 1
        await asyncio.sleep(0.001)


async def value_per_request(connection: ServerConnection) -> None:
    """Send `{"value": 0}` at once, then the next value for each message the client sends, until
    the connection closes: a feed that stays open, quiet, as long as the client stays."""
    i = 0
    while True:
        await connection.send(f'{{"value": {i}}}')
        i += 1
        try:
            await connection.recv()
        except ConnectionClosed:
            return


def point_message(i: int) -> str:
    """Message `i` of `numbered_points`: one point, x a plain number (so the axis is numeric)."""
    return json.dumps({"ts": i, "v": point_value(i)})


def point_value(i: int) -> float:
    """The y of point `i`: distinct from x, so a test would notice x and y buffers swapped."""
    return i * 0.25 - 7.0


async def numbered_points(connection: ServerConnection) -> None:
    """Serves `/count/<n>` (points 0 .. n-1, then stays open until the client leaves) and
    `/stream/<rate>` (about `rate` points a second for as long as the client stays); each
    message is one `point_message`. Any other path is closed with 1008."""
    assert connection.request is not None
    kind, _, number = connection.request.path.strip("/").partition("/")
    if kind == "count":
        for i in range(int(number)):
            await connection.send(point_message(i))
        await connection.wait_closed()
    elif kind == "stream":
        await _stream_points(connection, float(number))
    else:
        await connection.close(1008, f"unknown path {connection.request.path}")


async def _stream_points(connection: ServerConnection, rate: float) -> None:
    # Sends in small bursts every tick: steady enough, and cheap for 20 connections at once.
    tick = 0.02
    per_tick = max(1, round(rate * tick))
    i = 0
    while connection.state.name == "OPEN":
        for _ in range(per_tick):
            await connection.send(point_message(i))
            i += 1
        await asyncio.sleep(tick)


class Gate:
    """Holds a server's sending back until the test has attached its charts: a feed connects
    when it is made, and a chart only sees the frames that arrive after it is attached."""

    def __init__(self) -> None:
        self._open = threading.Event()

    def open(self) -> None:
        self._open.set()

    async def passed(self) -> None:
        await asyncio.to_thread(self._open.wait, 30)
