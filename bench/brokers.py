"""Brokers: a feed through NATS JetStream and Redis Streams against the direct WebSocket feed.

Real `nats-server -js` and `redis-server` (tests/support/brokers.py) on 127.0.0.1, the feed
server of `bench.feed_server` in its own process, one point per message as the bridge
publishes them. Three measures, each broker against a baseline of the same run:

- `bridge`: `livefeed bridge` (its own process, as it runs in service) reads a burst of
  `messages` from the feed server and publishes them; records per second from its start to
  the last one the broker confirmed (its counters polled over HTTP every 20 ms), against a
  chart reading the same burst straight from the WebSocket feed.
- `chart`: points per second one chart takes in from the broker (`Feed(..., history=N)`
  reading the N messages the bridge stored), from the moment the feed is made (so connecting
  and fetching the history count) to its last message, against the same chart on the direct
  WebSocket feed (`bench.ingest.livefeed`, first message to last), rounds interleaved.
- `cpu`: the broker process's CPU seconds (user + system, from psutil) per 100,000 points,
  while the bridge publishes and while `readers` charts (1, then 4, each its own connection in
  this process) read the stored messages: how the broker's cost grows with its readers.

    python -m bench.brokers            # prints the figures (about a minute)
    python -m bench.brokers --smoke    # a tiny load: checks that it runs, figures meaningless
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
from tests.support.brokers import BridgeProcess, BrokerProcess, NatsServer, RedisServer

from . import ingest
from .processes import ServerProcess

BROKERS = ("nats", "redis")
READERS = (1, 4)
POLL = 0.02  # seconds between two reads of the bridge's counters
HANG_TIMEOUT = 300.0


@contextmanager
def broker(name: str, folder: Path) -> Iterator[tuple[BrokerProcess, str, Callable[..., Any]]]:
    """A started broker, the bridge's target on it, and a maker of a reading Feed."""
    from livefeed import Feed

    if name == "nats":
        with NatsServer(folder / "nats") as nats:
            url = nats.url()  # type: ignore[attr-defined]

            def nats_feed(history: int) -> Feed:
                return Feed(url, subject="bench.points", history=history)

            yield nats, f"{url}/bench.points", nats_feed
    else:
        with RedisServer(folder / "redis") as redis:
            url = redis.url()  # type: ignore[attr-defined]

            def redis_feed(history: int) -> Feed:
                return Feed(url, stream="bench", history=history)

            yield redis, f"{url}?stream=bench", redis_feed


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def bridge_rate(port: int, target: str, messages: int) -> float:
    """Records per second `livefeed bridge` publishes, from its first line to the last ack."""
    upstream = f"ws://127.0.0.1:{port}/{ingest.Load(1, messages).path()}"
    with BridgeProcess(upstream, target) as bridge:
        started = time.perf_counter()
        deadline = time.monotonic() + HANG_TIMEOUT
        while (published := bridge.stats()["published"]) < messages:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bridge published {published} of {messages}")
            time.sleep(POLL)
        elapsed = time.perf_counter() - started
        stats = bridge.stats()
        code, _, err = bridge.stop()
    if code != 0 or stats["errors"]:
        raise RuntimeError(f"the bridge failed: {stats} {err}")
    return messages / elapsed


def chart_rates(make_feed: Callable[[int], Any], messages: int, readers: int) -> list[float]:
    """Points per second each of `readers` charts takes in reading `messages` stored ones, from
    the moment its feed is made: a broker source may fetch a whole history before handing any
    of it over, so its first message is no fair start."""
    from livefeed import LiveChart

    started = time.perf_counter()
    feeds = [make_feed(messages) for _ in range(readers)]
    charts = [
        LiveChart(feed, x="ts", y="v", window=ingest.LIVEFEED_WINDOW, x_type="number")
        for feed in feeds
    ]
    lasts: list[float | None] = [None] * readers
    deadline = time.monotonic() + HANG_TIMEOUT
    try:
        while any(last is None for last in lasts):
            if time.monotonic() > deadline:
                raise TimeoutError(f"charts read {[c._data.messages for c in charts]}")
            now = time.perf_counter()
            for k, chart in enumerate(charts):
                if lasts[k] is None and chart._data.messages >= messages:
                    lasts[k] = now
            time.sleep(0.0005)
        for chart in charts:
            if chart.stats["errors"] or chart.stats["points"] != messages:
                raise RuntimeError(f"a chart took {chart.stats}")
    finally:
        for chart in charts:
            chart.close()
        for feed in feeds:
            feed.close()
    return [messages / (last - started) for last in lasts]  # type: ignore[operator]


def run(smoke: bool, repeats: int) -> dict[str, Any]:
    messages = 2_000 if smoke else 100_000
    results: dict[str, Any] = {"messages": messages, "repeats": repeats}
    with ServerProcess("bench.feed_server") as feed, tempfile.TemporaryDirectory() as folder:
        port = feed.port
        direct = [ingest.livefeed(port, ingest.Load(1, messages)) for _ in range(repeats)]
        results["direct"] = {"runs": direct, "median": statistics.median(direct)}
        for name in BROKERS:
            with broker(name, Path(folder) / name) as (server, target, make_feed):
                process = psutil.Process(server.pid)
                before = cpu_seconds(process)
                bridged = bridge_rate(port, target, messages)
                publish_cpu = cpu_seconds(process) - before
                chart: list[float] = []
                baseline: list[float] = []
                for _ in range(repeats):  # interleaved with the direct feed's rounds
                    chart += chart_rates(make_feed, messages, 1)
                    baseline.append(ingest.livefeed(port, ingest.Load(1, messages)))
                readers: dict[str, Any] = {}
                for count in READERS:
                    before = cpu_seconds(process)
                    rates = chart_rates(make_feed, messages, count)
                    used = cpu_seconds(process) - before
                    readers[str(count)] = {
                        "chart_median": statistics.median(rates),
                        "total": sum(rates),
                        "broker_cpu_per_100k": used / (messages * count) * 100_000,
                    }
                results[name] = {
                    "bridge": bridged,
                    "bridge_ratio": bridged / statistics.median(direct),
                    "chart": {"runs": chart, "median": statistics.median(chart)},
                    "chart_baseline": {"runs": baseline, "median": statistics.median(baseline)},
                    "chart_ratio": statistics.median(chart) / statistics.median(baseline),
                    "publish_cpu_per_100k": publish_cpu / messages * 100_000,
                    "readers": readers,
                }
    return results


def markdown_rows(r: dict[str, Any]) -> list[str]:
    """Rows for the kernel-side table of `bench.run`."""
    rows = []
    for name in BROKERS:
        b = r[name]
        rows.append(
            f"| {name}: one chart reading it, points/s (median of {r['repeats']}) "
            f"| {b['chart']['median']:,.0f} | {b['chart_baseline']['median']:,.0f} "
            f"| {b['chart_ratio']:.2f} | (direct WebSocket feed is the baseline) | - |"
        )
        rows.append(
            f"| {name}: `livefeed bridge`, records/s published "
            f"| {b['bridge']:,.0f} | {r['direct']['median']:,.0f} "
            f"| {b['bridge_ratio']:.2f} | (a chart on the direct feed is the baseline) | - |"
        )
    return rows


def markdown_note(r: dict[str, Any]) -> str:
    parts = []
    for name in BROKERS:
        b = r[name]
        readers = ", ".join(
            f"{count} reader{'s' if count != '1' else ''}: "
            f"{v['broker_cpu_per_100k']:.2f} s per 100k points delivered per reader, "
            f"{v['total']:,.0f} points/s in all"
            for count, v in b["readers"].items()
        )
        parts.append(
            f"{name}: broker CPU {b['publish_cpu_per_100k']:.2f} s per 100k points published; "
            f"{readers}"
        )
    return (
        f"Brokers ({r['messages']:,} one-point messages, `python -m bench.brokers`): "
        + "; ".join(parts)
        + "."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny loads: checks, not figures")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    results = run(args.smoke, 1 if args.smoke else args.repeats)
    print(json.dumps(results, indent=2))
    print("\n".join(markdown_rows(results)))
    print(markdown_note(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
