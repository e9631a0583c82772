"""Chrome's profilers, for the scale benchmark: where a page's main thread spends its time.

Two views of the same seconds: V8's sampling profiler (self time by JavaScript function and by
source) and a Chrome trace (self time by kind of work: script, style, layout, paint, garbage
collection...), which sees the rendering work that the JavaScript profiler only calls "(program)".
"""

from __future__ import annotations

import json
import time
from typing import Any

from playwright.sync_api import Browser, Page

TRACE_CATEGORIES = ["devtools.timeline", "v8.execute", "disabled-by-default-devtools.timeline"]


def cpu_profile(browser: Browser, page: Page, seconds: float, top: int = 12) -> dict[str, Any]:
    """Watch the page's main thread for `seconds`, two ways at once: the V8 sampling profiler
    (self time by JavaScript function and by source) and a Chrome trace (self time by kind of
    work: script, style, layout, paint, garbage collection...), which sees the rendering work
    that the JavaScript profiler only calls "(program)"."""
    cdp = page.context.new_cdp_session(page)
    try:
        browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 500})
        cdp.send("Profiler.start")
        time.sleep(seconds)
        profile = cdp.send("Profiler.stop")["profile"]
        cdp.send("Profiler.disable")
        trace = browser.stop_tracing()
    finally:
        cdp.detach()
    nodes = {n["id"]: n for n in profile["nodes"]}
    self_ms: dict[int, float] = {}
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        self_ms[node_id] = self_ms.get(node_id, 0.0) + delta / 1000.0
    total = sum(self_ms.values()) or 1.0
    by_function: dict[str, float] = {}
    by_source: dict[str, float] = {}
    for node_id, ms in self_ms.items():
        frame = nodes[node_id]["callFrame"]
        name = frame["functionName"] or "(anonymous)"
        source = _source(frame["url"], name)
        label = f"{name} [{source}:{frame['lineNumber'] + 1}:{frame['columnNumber'] + 1}]"
        if frame["url"] == "":
            label = name
        by_function[label] = by_function.get(label, 0.0) + ms
        by_source[source] = by_source.get(source, 0.0) + ms

    def share(d: dict[str, float]) -> list[list[Any]]:
        ranked = sorted(d.items(), key=lambda kv: -kv[1])[:top]
        return [[k, round(100.0 * v / total, 1)] for k, v in ranked]

    return {
        "seconds": seconds,
        "by_source": share(by_source),
        "by_function": share(by_function),
        "by_work": trace_work(trace, top),
    }


def trace_work(trace: bytes, top: int) -> list[list[Any]]:
    """Self time of each kind of trace event on the busiest renderer main thread, as a share of
    the traced time ("idle" is what no event covers)."""
    data = json.loads(trace)
    events = data["traceEvents"] if isinstance(data, dict) else data
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
    }
    threads: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for e in events:
        key = (e.get("pid"), e.get("tid"))
        if e.get("ph") == "X" and key in mains and "dur" in e:
            threads.setdefault(key, []).append(e)  # type: ignore[arg-type]
    if not threads:
        return []
    busiest = max(threads.values(), key=lambda evs: sum(e["dur"] for e in evs))
    busiest.sort(key=lambda e: (e["ts"], -e["dur"]))
    span = max(e["ts"] + e["dur"] for e in busiest) - busiest[0]["ts"]
    self_us: dict[str, float] = {}
    stack: list[tuple[float, str]] = []  # (end, name) of the enclosing events
    covered = 0.0
    for e in busiest:
        while stack and stack[-1][0] <= e["ts"]:
            stack.pop()
        if stack:  # a child: its time is not its parent's own
            parent = stack[-1][1]
            self_us[parent] = self_us.get(parent, 0.0) - e["dur"]
        else:
            covered += e["dur"]
        self_us[e["name"]] = self_us.get(e["name"], 0.0) + e["dur"]
        stack.append((e["ts"] + e["dur"], e["name"]))
    self_us["idle"] = max(0.0, span - covered)
    ranked = sorted(self_us.items(), key=lambda kv: -kv[1])[:top]
    return [[name, round(100.0 * us / max(span, 1.0), 1)] for name, us in ranked]


def _source(url: str, name: str) -> str:
    """A short name for where code comes from."""
    if not url:
        return name if name.startswith("(") else "native"
    if url.startswith("blob:") or url.startswith("data:"):
        return "widget bundle (anywidget ESM)"
    tail = url.split("?")[0].rsplit("/", 1)[-1]
    if "plotly" in url:
        return f"plotly: {tail}"
    if "bqplot" in url:
        return f"bqplot: {tail}"
    return tail or url
