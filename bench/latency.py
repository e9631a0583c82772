"""Latency: from the moment the feed sends a point to the redraw that shows it.

The feed (`stream_server.py`) puts each message's send time (epoch ms, the machine's clock) in the
x of its point, at 1,000 messages/s of 1 point. The page notes, at every redraw of the chart, the
time (epoch ms from the same clock) and the newest x drawn (see browser_harness.py). A message's
latency is the time of the first redraw whose newest x is at least its own. The path measured:
feed → kernel (decode, ring buffer) → pump → IOPub → jupyter_server → browser → next animation
frame. The baselines (bqplot, plotly, fed from a kernel thread) are measured the same way.
"""

from __future__ import annotations

from typing import Any

from .browser import fmt
from .browser_harness import Load, Session, run_case
from .contenders import LIBRARIES

MEDIAN_TARGET_MS = 40.0
P99_TARGET_MS = 100.0


def load(smoke: bool) -> Load:
    if smoke:
        return Load(per_message=1, rate=100, seconds=2.0, window=1_000)
    return Load(per_message=1, rate=1_000, seconds=10.0, window=5_000)


def run(s: Session, smoke: bool) -> dict[str, Any]:
    chosen = load(smoke)
    results = {}
    for library in LIBRARIES:
        r = run_case(s, library, chosen)
        results[library] = {
            **r["latency_ms"],
            "fps_median": r["fps_median"],
            "longtasks": r["longtasks"],
            "sent_messages_per_second": r["sent_messages_per_second"],
            "cpu_percent": r["cpu_percent"],
        }
    lf = results["livefeed"]
    ratios = {}
    for name in LIBRARIES[1:]:
        other = results[name]
        ratios[name] = {
            q: (lf[q] / other[q]) if lf[q] and other[q] else None for q in ("median", "p99")
        }
    return {
        "messages_per_second": chosen.rate,
        "points_per_message": chosen.per_message,
        "window": chosen.window,
        "seconds": chosen.seconds,
        "targets": {"median_ms": f"< {MEDIAN_TARGET_MS:g}", "p99_ms": f"< {P99_TARGET_MS:g}"},
        "results": results,
        "ratios": ratios,
        "met": {
            "median": lf["median"] is not None and lf["median"] < MEDIAN_TARGET_MS,
            "p99": lf["p99"] is not None and lf["p99"] < P99_TARGET_MS,
        },
    }


def markdown(section: dict[str, Any]) -> str:
    yes = {True: "yes", False: "**no**"}
    rows = [
        f"### Latency: send to drawn, {section['messages_per_second']:,} messages/s of "
        f"{section['points_per_message']} point, window {section['window']:,}",
        "",
        "| chart | median ms | p99 ms | messages timed | fps | livefeed / chart (median, p99) "
        "| target met (median, p99) |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for name, r in section["results"].items():
        if name == "livefeed":
            ratio = ""
            verdict = f"{yes[section['met']['median']]}, {yes[section['met']['p99']]}"
        else:
            q = section["ratios"][name]
            ratio = f"{fmt(q['median'], 3)}, {fmt(q['p99'], 3)}"
            verdict = ""
        rows.append(
            f"| {name} | {fmt(r['median'], 1)} | {fmt(r['p99'], 1)} | {r['count']:,} "
            f"| {fmt(r['fps_median'], 1)} | {ratio} | {verdict} |"
        )
    rows += [
        "",
        f"Targets for livefeed: median {section['targets']['median_ms']} ms, p99 "
        f"{section['targets']['p99_ms']} ms. Each message's x is its send time; its latency is "
        "the time of the first redraw whose newest x reaches it (feed, kernel, IOPub, "
        "jupyter_server, browser, animation frame).",
        "",
    ]
    return "\n".join(rows)
