"""Soak: a real kernel streams a fast feed into a chart for minutes; once the window is full, the
kernel's memory must stay flat.

    python -m bench.soak                 # 3 minutes at 50,000 points/s into a 100,000-point window
    python -m bench.soak --seconds 20    # shorter
    python -m bench.soak --smoke         # a few seconds, to check that it still runs

The feed server (bench/feed_server.py) runs in its own process, the chart in a real ipykernel, and
this process samples the kernel's resident memory once a second while reading IOPub as a browser's
server would. Memory is judged only after the window has filled and a settling period has passed:
from then on every point that arrives pushes an old one out, so a leak shows as a slope.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil
from tests.support.kernels import running_kernel

from .processes import ServerProcess

HERE = Path(__file__).parent

MB = 2**20
FLAT_LIMIT_MB = 10.0  # growth over the measured span that still counts as flat (allocator noise)


def soak(port: int, seconds: float, rate: int, window: int, per_message: int) -> dict[str, Any]:
    """Stream for `seconds`; return the memory samples and what they say."""
    url = f"ws://127.0.0.1:{port}/paced/{per_message}/{rate}"
    samples: list[tuple[float, float, int]] = []  # seconds, RSS in MB, points received
    with running_kernel() as k:
        pid = int(k.run("import os", pid="os.getpid()")["pid"])
        process = psutil.Process(pid)
        k.run(
            "from livefeed import LiveChart\n"
            f"chart = LiveChart({url!r}, x='ts', y='v', window={window})"
        )
        start = time.monotonic()
        while (elapsed := time.monotonic() - start) < seconds:
            time.sleep(1.0)
            points = int(k.run("", points="chart.stats['points']")["points"])
            samples.append((elapsed, process.memory_info().rss / MB, points))
        stats = k.run("chart.stop()", stats="chart.stats")["stats"]
    return _judge(samples, window, stats)


def _judge(
    samples: list[tuple[float, float, int]], window: int, stats: dict[str, Any]
) -> dict[str, Any]:
    full = next((i for i, (_, _, points) in enumerate(samples) if points >= window), None)
    result: dict[str, Any] = {
        "points": stats["points"],
        "errors": stats["errors"],
        "seconds": samples[-1][0] if samples else 0.0,
        "rss_mb": [round(rss, 1) for _, rss, _ in samples],
    }
    if full is None or len(samples) - full < 4:
        result["judged"] = False
        result["reason"] = "the window did not fill early enough to judge"
        return result
    # Skip a settling period after the window filled: the allocator takes a while to reach its
    # steady state (arenas, numpy's cached blocks, the staging lists).
    settled = samples[full + max(2, (len(samples) - full) // 4) :]
    t = np.array([s[0] for s in settled])
    rss = np.array([s[1] for s in settled])
    slope_per_minute = float(np.polyfit(t, rss, 1)[0] * 60.0) if len(settled) > 2 else 0.0
    growth = float(rss[-1] - rss[0])
    result.update(
        judged=True,
        window_full_after_s=round(samples[full][0], 1),
        judged_span_s=round(float(t[-1] - t[0]), 1),
        rss_start_mb=round(float(rss[0]), 1),
        rss_end_mb=round(float(rss[-1]), 1),
        rss_max_mb=round(float(rss.max()), 1),
        growth_mb=round(growth, 1),
        slope_mb_per_minute=round(slope_per_minute, 2),
        flat=abs(growth) <= FLAT_LIMIT_MB,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--rate", type=int, default=50_000, help="points per second")
    parser.add_argument("--window", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="a few seconds with a small window")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seconds, args.rate, args.window = 6.0, 5_000, 2_000
    with ServerProcess("bench.feed_server") as feed:
        result = soak(feed.port, args.seconds, args.rate, args.window, per_message=100)
    out = HERE / "results" / "soak.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    summary = {k: v for k, v in result.items() if k != "rss_mb"}
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
