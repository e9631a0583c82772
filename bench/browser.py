"""Browser: what a streaming chart costs the page, livefeed beside the charts users pick today.

A real JupyterLab in headless Chromium. Each chart gets its own connection to the same timed feed
(`stream_server.py`), which sends for `seconds` and then stops:
- livefeed: a `LiveChart` on that URL;
- bqplot: a `bqplot.Lines` figure, and plotly: a `go.FigureWidget` line (updated in
  `batch_update`), each fed by a kernel thread that reads the same feed and re-assigns x and y
  with the whole window after every read (see `KERNEL_SETUP` in contenders.py).

Loads: 200 messages/s of 10 points (2,000 points/s), then 200 messages/s of 100 points
(20,000 points/s), into windows of 5,000 and 100,000 points. The libraries take turns within each
load, so a noisy moment hits all three alike. Per chart:
- frames per second: requestAnimationFrame callbacks counted per 1-s bucket of the stream, the
  first bucket (the chart's first render) left out; the median of the buckets;
- long tasks: PerformanceObserver "longtask" entries (> 50 ms) during the same buckets;
- lag: from the send time of the feed's last point to the first redraw that shows it. Each chart
  says what its redraw showed: livefeed's root element (data-livefeed-last-x), plotly's graph div
  (`_fullData`, what the last redraw used), bqplot's line group (its D3 datum). A redraw is seen
  by a MutationObserver on the chart's DOM, so its time is when the drawing code finished, a few
  milliseconds before the pixels reach the screen.
"""

from __future__ import annotations

from typing import Any

from .browser_harness import Load, Session, run_case
from .contenders import LIBRARIES

FPS_TARGET = 55.0
LAG_TARGET_MS = 100.0


def loads(smoke: bool) -> list[Load]:
    if smoke:
        return [Load(per_message=10, rate=20, seconds=2.0, window=1_000)]
    return [
        Load(per_message=per_message, rate=200, seconds=10.0, window=window)
        for per_message in (10, 100)
        for window in (5_000, 100_000)
    ]


def run(s: Session, smoke: bool) -> dict[str, Any]:
    cases = []
    for load in loads(smoke):
        results = {library: run_case(s, library, load) for library in LIBRARIES}
        lf = results["livefeed"]
        cases.append(
            {
                "points_per_second": load.points_per_second,
                "points_per_message": load.per_message,
                "messages_per_second": load.rate,
                "window": load.window,
                "seconds": load.seconds,
                "results": results,
                "ratios": {
                    name: _ratios(lf, results[name]) for name in LIBRARIES if name != "livefeed"
                },
                "met": met(lf),
            }
        )
    return {
        "idle_fps": round(s.idle_fps, 1),
        "rate_capped": s.idle_fps < FPS_TARGET,
        "targets": {
            "fps_median": f">= {FPS_TARGET:g}",
            "longtasks": "0",
            "lag_ms": f"< {LAG_TARGET_MS:g}",
        },
        "cases": cases,
    }


def met(r: dict[str, Any]) -> dict[str, bool]:
    lag = r["lag_ms"]
    return {
        "fps": r["fps_median"] is not None and r["fps_median"] >= FPS_TARGET,
        "longtasks": r["longtasks"] == 0,
        "lag": lag is not None and lag < LAG_TARGET_MS,
    }


def _ratios(lf: dict[str, Any], other: dict[str, Any]) -> dict[str, float | None]:
    """livefeed / baseline: above 1 is better for fps, below 1 is better for lag."""
    return {
        "fps": _ratio(lf["fps_median"], other["fps_median"]),
        "lag": _ratio(lf["lag_ms"], other["lag_ms"]),
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt(value: float | None, digits: int = 0, missing: str = "n/a") -> str:
    return missing if value is None else f"{value:,.{digits}f}"


def markdown(section: dict[str, Any]) -> str:
    yes = {True: "yes", False: "**no**"}
    rows = [
        "### Browser: a chart streaming in JupyterLab (headless Chromium)",
        "",
        "| load | window | chart | fps (median) | long tasks > 50 ms (max ms) | redraws/s "
        "| lag after stop, ms | CPU % kernel / server / browser | targets met (fps, tasks, lag) |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for case in section["cases"]:
        load = f"{case['points_per_second']:,.0f} points/s ({case['points_per_message']}/msg)"
        for name, r in case["results"].items():
            cpu = r["cpu_percent"]
            lag = fmt(r["lag_ms"]) if r["lag_ms"] is not None else "not drawn in 15 s"
            if name == "livefeed":
                m = case["met"]
                verdict = ", ".join(yes[m[k]] for k in ("fps", "longtasks", "lag"))
            else:
                ratio = case["ratios"][name]
                verdict = f"livefeed/{name}: fps {fmt(ratio['fps'], 2)}, lag {fmt(ratio['lag'], 3)}"
            rows.append(
                f"| {load} | {case['window']:,} | {name} | {fmt(r['fps_median'], 1)} "
                f"| {r['longtasks']} ({fmt(r['longtask_max_ms'])}) "
                f"| {fmt(r['redraws_per_second'], 1)} | {lag} "
                f"| {fmt(cpu['kernel'])} / {fmt(cpu['jupyter_server'])} / {fmt(cpu['browser'])} "
                f"| {verdict} |"
            )
    cap = (
        f" The environment caps requestAnimationFrame at {section['idle_fps']:.0f} Hz."
        if section["rate_capped"]
        else ""
    )
    rows += [
        "",
        f"Targets for livefeed: fps {section['targets']['fps_median']}, no long task, lag "
        f"{section['targets']['lag_ms']} ms. Idle page: {section['idle_fps']:.1f} fps.{cap} "
        "fps: requestAnimationFrame callbacks per 1-s bucket of the stream, first bucket left "
        "out. Lag: from the send time of the last point to the first redraw showing it, read "
        "from each chart's own state at each DOM change (livefeed: data-livefeed-last-x; plotly: "
        "the graph div's _fullData; bqplot: the line's D3 datum). The baselines are fed by a "
        "kernel thread reading the same feed and re-assigning the whole window after each read. "
        "CPU %: of one core, over the stream.",
        "",
    ]
    return "\n".join(rows)
