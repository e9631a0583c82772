"""A timed WebSocket feed for the browser benchmarks, run as its own process.

    python -m bench.stream_server      # prints "PORT <n>", then one JSON line per finished stream

Path: /stream/<P>/<messages per second>/<seconds>?key=<name>&prefill=<points>&record=1&groups=<G>

Every message is a JSON array of P points `{"ts": <epoch ms>, "v": <float>}` (one object when P
is 1); with `groups`, each point also has `"g"`, the name of one of G series, taken in turn. The
x value is the server's send time: the last point of a message carries the wall-clock time at
which the message was sent, and the others are spread evenly back to the previous send, so x
grows steadily and the browser can tell how old the newest point it draws is (both ends read the
same machine clock). `prefill` points, older than the stream, are sent at once first, so a large
window is full from the start. After `seconds` the stream stops sending but keeps the connection
open, and this line is printed:

    {"event": "done", "key": ..., "start_ms": ..., "end_ms": ..., "messages": ..., "points": ...,
     "last_x": ..., "send_x": [...] (with record=1: the x of the last point of each message)}

A `{"event": "start", "key": ..., "start_ms": ...}` line is printed when a stream starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from .processes import report, serve_until_stdin_closes

PREFILL_CHUNK = 2_000  # points per prefill message: large messages, few of them
PREFILL_SPACING_MS = 0.05  # prefilled points are this far apart (unless the URL says), all
# before the stream starts


def value(i: int) -> float:
    """A wave with a little structure, so a chart has something to draw."""
    return round(100.0 + 10.0 * math.sin(i / 200.0) + 2.0 * math.sin(i / 7.0), 4)


def points_text(xs: list[float], first: int, groups: int = 0) -> str:
    rows: list[dict[str, float | str]] = [
        {"ts": x, "v": value(first + k)} for k, x in enumerate(xs)
    ]
    if groups:
        for k, row in enumerate(rows):
            row["g"] = f"s{(first + k) % groups}"
    return json.dumps(rows[0] if len(rows) == 1 else rows, separators=(",", ":"))


async def stream(ws: ServerConnection) -> None:
    assert ws.request is not None
    parts = urlsplit(ws.request.path)
    fields = parts.path.strip("/").split("/")
    if len(fields) != 4 or fields[0] != "stream":
        await ws.close(1008, f"unknown path {parts.path}")
        return
    per_message, rate, seconds = int(fields[1]), float(fields[2]), float(fields[3])
    query = parse_qs(parts.query)
    key = query.get("key", [parts.path])[0]
    prefill = int(query.get("prefill", ["0"])[0])
    record = query.get("record", ["0"])[0] == "1"
    groups = int(query.get("groups", ["0"])[0])
    spacing = float(query.get("spacing", [str(PREFILL_SPACING_MS)])[0])
    interval = 1.0 / rate
    with contextlib.suppress(ConnectionClosed):  # the client leaving ends the stream
        start_ms = time.time() * 1000.0
        index = 0
        if prefill:
            base = start_ms - prefill * spacing
            for first in range(0, prefill, PREFILL_CHUNK):
                count = min(PREFILL_CHUNK, prefill - first)
                xs = [base + (first + k) * spacing for k in range(count)]
                await ws.send(points_text(xs, index, groups))
                index += count
        report({"event": "start", "key": key, "start_ms": start_ms})
        started = time.monotonic()
        previous_x = time.time() * 1000.0 - interval * 1000.0
        sent = 0
        send_x: list[float] = []
        while True:
            due = started + sent * interval
            if due - started >= seconds:
                break
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            # Catch up after a late wake-up rather than drift: the rate is part of the load.
            now_x = max(time.time() * 1000.0, previous_x + 1e-3)
            step = (now_x - previous_x) / per_message
            xs = [previous_x + step * (k + 1) for k in range(per_message)]
            xs[-1] = now_x
            await ws.send(points_text(xs, index, groups))
            index += per_message
            previous_x = now_x
            sent += 1
            if record:
                send_x.append(now_x)
        report(
            {
                "event": "done",
                "key": key,
                "start_ms": start_ms,
                "end_ms": time.time() * 1000.0,
                "messages": sent,
                "points": sent * per_message,
                "prefill": prefill,
                "last_x": previous_x,
                "send_x": send_x,
            }
        )
        await ws.wait_closed()


def main() -> None:
    serve_until_stdin_closes(stream, compression=None, ping_interval=None, max_size=None)


if __name__ == "__main__":
    main()
