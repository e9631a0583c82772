"""A WebSocket feed for the benchmarks, run as its own process so that it never shares a CPU
core's interpreter (or its GIL) with the client being measured.

    python -m bench.feed_server            # prints "PORT <n>" once listening on 127.0.0.1

Paths (P = points per message):
  /burst/<P>/<messages>   that many messages as fast as the socket takes them, then a normal close
  /paced/<P>/<points/s>   messages at that many points per second until the client leaves

Message i holds points i*P .. i*P+P-1, each `{"ts": <epoch ms>, "v": <float>}`: one object when P is
1, a JSON array otherwise. A burst is framed once, ahead of time, and written to the socket in one
piece, so the server costs next to nothing per message and cannot be what limits a client.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode

from .processes import serve_until_stdin_closes

T0_MS = 1_700_000_000_000  # x values are epoch milliseconds, as most feeds send them


def point(i: int) -> dict[str, float | int]:
    return {"ts": T0_MS + i, "v": round(100.0 + 10.0 * math.sin(i / 50.0), 6)}


def message_text(index: int, per_message: int) -> str:
    """The text of message `index` of a feed with `per_message` points per message."""
    first = index * per_message
    if per_message == 1:
        return json.dumps(point(first), separators=(",", ":"))
    points = [point(first + k) for k in range(per_message)]
    return json.dumps(points, separators=(",", ":"))


def framed_burst(per_message: int, messages: int) -> bytes:
    """`messages` unmasked text frames, as a server puts them on the wire."""
    return b"".join(
        Frame(Opcode.TEXT, message_text(i, per_message).encode()).serialize(
            mask=False, extensions=[]
        )
        for i in range(messages)
    )


class Feeds:
    """The connection handler of this server (`handle`), with the bursts it has framed so far."""

    def __init__(self) -> None:
        self._bursts: dict[tuple[int, int], bytes] = {}

    async def handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        parts = ws.request.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] not in ("burst", "paced"):
            await ws.close(1008, f"unknown path {ws.request.path}")
            return
        per_message, amount = int(parts[1]), int(parts[2])
        if parts[0] == "burst":
            await self._burst(ws, per_message, amount)
        else:
            await self._paced(ws, per_message, amount)

    async def _burst(self, ws: ServerConnection, per_message: int, messages: int) -> None:
        key = (per_message, messages)
        if key not in self._bursts:
            self._bursts[key] = framed_burst(per_message, messages)
        # Pre-framed data goes straight to the transport; the close frame that websockets sends
        # next queues behind it, so the client still sees a clean close after the last message.
        ws.transport.write(self._bursts[key])
        await ws.close()

    @staticmethod
    async def _paced(ws: ServerConnection, per_message: int, points_per_second: int) -> None:
        interval = per_message / points_per_second
        start = time.monotonic()
        index = 0
        with contextlib.suppress(ConnectionClosed):  # the client leaving ends the feed
            while True:
                # Catch up after a late wake-up rather than drift: the rate is what is measured.
                due = start + index * interval
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                await ws.send(message_text(index, per_message))
                index += 1


def main() -> None:
    serve_until_stdin_closes(Feeds().handle, compression=None, ping_interval=None, max_queue=None)


if __name__ == "__main__":
    main()
