"""Scale: how livefeed's figures move as the window grows and as charts multiply.

- Window: one chart, windows of 1k, 10k, 100k and 1M points, full from the start (the feed sends
  that many older points first), then 2,000 points/s (200 messages/s of 10 points).
- Charts: 1, 10 and 50 charts in one notebook cell, 5,000-point windows, each with its own
  connection at 500 points/s (50 messages/s of 10 points): 25,000 points/s for 50 charts.

Same measures as browser.py (fps, long tasks, redraws per chart per second, lag, latency) plus the
CPU share of the kernel, jupyter_server and the browser. Ratios are against the smallest
configuration of the same run. The largest of each is run once more under Chrome's sampling
profiler (through a CDP session), which says where the page's main thread spends its time.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .browser import FPS_TARGET, LAG_TARGET_MS, fmt, met
from .browser_harness import Load, Session, run_case


def plan(smoke: bool) -> tuple[list[Load], list[Load], float]:
    """Window loads, chart-count loads, and seconds of profiling."""
    if smoke:
        windows = [Load(10, 20, 2.0, w, prefill=w) for w in (1_000, 10_000)]
        charts = [Load(10, 10, 2.0, 1_000, charts=n, prefill=1_000, height=200) for n in (1, 2)]
        return windows, charts, 1.0
    windows = [
        Load(10, 200, 6.0, w, prefill=w, warmup_buckets=2)
        for w in (1_000, 10_000, 100_000, 1_000_000)
    ]
    charts = [
        Load(10, 50, 6.0, 5_000, charts=n, prefill=5_000, height=200, warmup_buckets=2)
        for n in (1, 10, 50)
    ]
    return windows, charts, 3.0


def run(s: Session, smoke: bool) -> dict[str, Any]:
    windows, charts, profile_seconds = plan(smoke)
    by_window = [_entry(load, run_case(s, "livefeed", load)) for load in windows]
    by_charts = [_entry(load, run_case(s, "livefeed", load)) for load in charts]
    _add_ratios(by_window)
    _add_ratios(by_charts)
    profiles = {}
    for name, load in (("largest window", windows[-1]), ("most charts", charts[-1])):
        shorter = replace(load, seconds=profile_seconds + 3.0)
        r = run_case(s, "livefeed", shorter, profile=profile_seconds)
        profiles[name] = {
            "window": load.window,
            "charts": load.charts,
            "fps_median": r["fps_median"],
            **r["profile"],
        }
    return {
        "by_window": by_window,
        "by_charts": by_charts,
        "profiles": profiles,
        "stops_scaling": {
            "window": _first_miss(by_window, "window"),
            "charts": _first_miss(by_charts, "charts"),
        },
    }


def _entry(load: Load, r: dict[str, Any]) -> dict[str, Any]:
    return {
        "window": load.window,
        "charts": load.charts,
        "points_per_second": load.points_per_second * load.charts,
        "fps_median": r["fps_median"],
        "longtasks": r["longtasks"],
        "longtask_max_ms": r["longtask_max_ms"],
        "redraws_per_second": r["redraws_per_second"],
        "lag_ms": r["lag_ms"],
        "latency_ms": r["latency_ms"],
        "views_drawn": r["views_drawn"],
        "cpu_percent": r["cpu_percent"],
        "met": met(r),
    }


def _add_ratios(entries: list[dict[str, Any]]) -> None:
    base = entries[0]
    for e in entries:
        e["ratio_to_smallest"] = {
            "fps": _div(e["fps_median"], base["fps_median"]),
            "lag": _div(e["lag_ms"], base["lag_ms"]),
            "redraws": _div(e["redraws_per_second"], base["redraws_per_second"]),
        }


def _div(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _first_miss(entries: list[dict[str, Any]], key: str) -> int | None:
    """The smallest configuration that misses a target, or None when all meet them."""
    for e in entries:
        if not all(e["met"].values()):
            return int(e[key])
    return None


def markdown(section: dict[str, Any]) -> str:
    rows = [
        "### Scale: livefeed as the window grows and as charts multiply",
        "",
        "| charts | window | points/s (all charts) | fps (x smallest) | long tasks (max ms) "
        "| redraws/s per chart (x smallest) | lag ms (x smallest) | latency median / p99 ms "
        "| CPU % kernel / server / browser |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for e in section["by_window"] + section["by_charts"]:
        q = e["ratio_to_smallest"]
        cpu = e["cpu_percent"]
        lat = e["latency_ms"]
        lag = fmt(e["lag_ms"]) if e["lag_ms"] is not None else "not drawn in 15 s"
        rows.append(
            f"| {e['charts']} | {e['window']:,} | {e['points_per_second']:,.0f} "
            f"| {fmt(e['fps_median'], 1)} ({fmt(q['fps'], 2)}) "
            f"| {e['longtasks']} ({fmt(e['longtask_max_ms'])}) "
            f"| {fmt(e['redraws_per_second'], 1)} ({fmt(q['redraws'], 2)}) "
            f"| {lag} ({fmt(q['lag'], 2)}) | {fmt(lat['median'])} / {fmt(lat['p99'])} "
            f"| {fmt(cpu['kernel'])} / {fmt(cpu['jupyter_server'])} / {fmt(cpu['browser'])} |"
        )
    stops = section["stops_scaling"]
    rows += [
        "",
        f"First configuration missing a target (fps >= {FPS_TARGET:g}, no long task, lag < "
        f"{LAG_TARGET_MS:g} ms): window {fmt(stops['window'], missing='none')}, charts "
        f"{fmt(stops['charts'], missing='none')}.",
        "",
    ]
    for name, p in section["profiles"].items():
        rows.append(
            f"Profile, {name} ({p['charts']} chart(s), window {p['window']:,}, "
            f"{p['fps_median'] and round(p['fps_median'])} fps), main-thread self time over "
            f"{p['seconds']:g} s:"
        )
        rows.append("")
        rows.append("| work (trace) | share | JS by source | share | JS by function | share |")
        rows.append("| --- | ---: | --- | ---: | --- | ---: |")
        work, sources, functions = p.get("by_work", []), p["by_source"], p["by_function"]
        for i in range(max(len(work), len(sources), len(functions))):
            cells = []
            for column in (work, sources, functions):
                name, value = column[i] if i < len(column) else ("", None)
                cells += [f"`{name}`" if name else "", f"{value}%" if value is not None else ""]
            rows.append("| " + " | ".join(cells) + " |")
        rows.append("")
    return "\n".join(rows)
