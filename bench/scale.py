"""Scale: how livefeed's figures move as the window grows and as charts multiply.

- Window: one chart, windows of 1k, 10k, 100k and 1M points, full from the start (the feed sends
  that many older points first), then 2,000 points/s (200 messages/s of 10 points).
- Charts: 1, 10 and 50 charts in one notebook cell, 5,000-point windows, each with its own
  connection at 500 points/s (50 messages/s of 10 points): 25,000 points/s for 50 charts.

Same measures as browser.py (fps, long tasks, redraws per chart per second, lag, latency) plus the
CPU share of the kernel, jupyter_server and the browser. Ratios are against the smallest
configuration of the same run. The largest of each is run once more under Chrome's sampling
profiler (through a CDP session), which says where the page's main thread spends its time.

Dashboards: the 10- and 50-chart loads are what a dashboard is, 200 points/s for each chart, shown
one under the other as `display(*charts)` shows them (about three fit on the screen). A page of
50 charts takes several seconds to be made and shown, so frames are counted from the 8th second of
an 18-second stream: the figures are the dashboard's steady state. bqplot and plotly's FigureWidget
run the 10-chart load too, in the same run. Targets: 10 charts >= 58 fps, 50 charts >= 45 fps,
a 1,000,000-point window >= 55 fps.

Many series: one chart of 500 series (`group_by`), 200 points each, fed 2,000 points/s in all,
against the same 55 fps a single chart must keep. Its history is as far apart as its live points,
so that the window spans from the start the time it keeps.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .browser import FPS_TARGET, LAG_TARGET_MS, fmt, met
from .browser_harness import Load, Session, run_case

# Frames per second a dashboard must keep: by number of charts, and for one chart of the
# largest window.
DASHBOARD_FPS = {10: 58.0, 50: 45.0}
LARGEST_WINDOW_FPS = 55.0
CONTENDERS = ("bqplot", "plotly")  # also run at 10 charts
CONTENDED_CHARTS = 10
MANY_SERIES = 500  # series of the one-chart case with many series


def series_load(smoke: bool) -> Load:
    """One chart of many series, 200 points each, prefilled."""
    if smoke:
        return Load(10, 20, 2.0, 50, prefill=20 * 50, groups=20)
    return Load(
        10,
        200,
        18.0,
        200,
        prefill=MANY_SERIES * 200,
        groups=MANY_SERIES,
        warmup_buckets=8,
        prefill_at_live_rate=True,
    )


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
        Load(10, 20, 18.0, 5_000, charts=n, prefill=5_000, height=200, warmup_buckets=8)
        for n in (1, CONTENDED_CHARTS, 50)
    ]
    return windows, charts, 3.0


def run(s: Session, smoke: bool) -> dict[str, Any]:
    windows, charts, profile_seconds = plan(smoke)
    by_window = [_entry(load, run_case(s, "livefeed", load)) for load in windows]
    by_charts = [_entry(load, run_case(s, "livefeed", load)) for load in charts]
    _add_ratios(by_window)
    _add_ratios(by_charts)
    contended = next((load for load in charts if load.charts == CONTENDED_CHARTS), charts[-1])
    many = series_load(smoke)
    by_series = _entry(many, run_case(s, "livefeed", many))
    contenders = {
        library: _entry(contended, run_case(s, library, contended)) for library in CONTENDERS
    }
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
        "by_series": by_series,
        "dashboards": [
            *dashboards(by_window, by_charts, contenders, contended.charts),
            _dashboard_row(f"1 chart, {many.groups} series", by_series, "livefeed", FPS_TARGET),
        ],
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
        "series": max(1, load.groups),
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


def dashboards(
    by_window: list[dict[str, Any]],
    by_charts: list[dict[str, Any]],
    contenders: dict[str, dict[str, Any]],
    contended: int,
) -> list[dict[str, Any]]:
    """The dashboard figures against their targets, with the contenders (run at `contended`
    charts) beside livefeed."""
    rows = []
    largest = by_window[-1]
    rows.append(
        _dashboard_row(
            f"1 chart, {largest['window']:,}-point window", largest, "livefeed", LARGEST_WINDOW_FPS
        )
    )
    for e in by_charts:
        if e["charts"] < 2:
            continue
        target = DASHBOARD_FPS.get(int(e["charts"]), FPS_TARGET)
        rows.append(_dashboard_row(f"{e['charts']} charts", e, "livefeed", target))
        if e["charts"] == contended:
            for library, c in contenders.items():
                rows.append(_dashboard_row(f"{e['charts']} charts", c, library, target))
    return rows


def _dashboard_row(case: str, e: dict[str, Any], library: str, target: float) -> dict[str, Any]:
    fps = e["fps_median"]
    return {
        "case": case,
        "library": library,
        "points_per_second": e["points_per_second"],
        "fps_median": fps,
        "longtasks": e["longtasks"],
        "lag_ms": e["lag_ms"],
        "target_fps": target,
        "met": fps is not None and fps >= target,
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
    rows += [
        "",
        "Dashboards (steady state; lag over the charts in sight):",
        "",
        "| case | chart | points/s (all charts) | fps | long tasks | lag ms | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for d in section.get("dashboards", []):
        lag = fmt(d["lag_ms"]) if d["lag_ms"] is not None else "not caught up in 15 s"
        mark = "✔" if d["met"] else "✘"
        rows.append(
            f"| {d['case']} | {d['library']} | {d['points_per_second']:,.0f} "
            f"| {fmt(d['fps_median'], 1)} | {d['longtasks']} | {lag} "
            f"| >= {d['target_fps']:g} fps {mark} |"
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


def main() -> None:
    """Run this section alone and print its table: `python -m bench.scale [--smoke]`."""
    import sys

    from .browser_harness import session

    with session() as s:
        print(markdown(run(s, "--smoke" in sys.argv[1:])))


if __name__ == "__main__":
    main()
