"""What the browser benchmarks share: a JupyterLab in headless Chromium, a timed feed, a probe in
the page, and the three charts under test (livefeed, bqplot, plotly) fed the same way.

The lab, the browser and the notebook come from the tests' harness (`tests.support`); the charts
compared are in contenders.py, Chrome's profilers in profiler.py.

The probe, installed in the page before a chart is created, records:
- every animation frame (requestAnimationFrame), for frames per second;
- every long task (PerformanceObserver "longtask": main-thread tasks over 50 ms);
- every redraw of each chart: when its DOM changed, and the newest x it then showed.

Times are epoch milliseconds on the machine's clock, as the feed's x values are (the feed puts its
send time in x), so "how old is the newest point drawn" is a subtraction. The page's clock is
aligned to the wall clock once per case (performance.now() plus an offset read from Date.now()).
"""

from __future__ import annotations

import json
import queue
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from playwright.sync_api import Browser, Page, sync_playwright
from tests.support.browser import (
    CHROMIUM_ARGS,
    VIEWPORT,
    chromium_executable,
    chromium_missing,
    install_helpers,
)
from tests.support.env import livefeed_pythonpath
from tests.support.jupyter import LabServer, start_lab
from tests.support.notebook import Notebook, open_notebook

from .contenders import CHART_CODE, KERNEL_SETUP, VIEWS, missing_libraries
from .processes import ServerProcess
from .profiler import cpu_profile

NOTEBOOK = "bench.ipynb"
DRAIN_TIMEOUT = 15.0  # seconds a chart gets, after the feed stops, to draw its last point
SETTLE_TIMEOUT = 60.0  # seconds the page gets to become idle again before the next case


# --------------------------------------------------------------------------------------------
# The feed process
# --------------------------------------------------------------------------------------------


class Feed(ServerProcess):
    """`stream_server.py` in its own process; collects the events it prints."""

    def __init__(self) -> None:
        super().__init__("bench.stream_server")
        self._done: dict[str, dict[str, Any]] = {}
        self._started: dict[str, dict[str, Any]] = {}

    def url(
        self,
        key: str,
        per_message: int,
        rate: float,
        seconds: float,
        prefill: int = 0,
        groups: int = 0,
        spacing_ms: float | None = None,
    ) -> str:
        """The stream's URL; `spacing_ms`: how far apart the prefilled points are (the
        stream server's default when None)."""
        query = f"key={key}&prefill={prefill}&record=1&groups={groups}"
        if spacing_ms is not None:
            query += f"&spacing={spacing_ms:g}"
        return f"ws://127.0.0.1:{self.port}/stream/{per_message}/{rate:g}/{seconds:g}?{query}"

    def wait_done(self, keys: Sequence[str], timeout: float) -> dict[str, dict[str, Any]]:
        """The "done" events of `keys` (their "start" events are kept under "started")."""
        deadline = time.monotonic() + timeout
        while not all(k in self._done for k in keys):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                missing = [k for k in keys if k not in self._done]
                raise TimeoutError(f"streams never finished: {missing}")
            try:
                event = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            target = self._done if event["event"] == "done" else self._started
            target[event["key"]] = event
        return {k: self._done.pop(k) for k in keys}


PROBE_JS = r"""
(spec) => {
  const old = window.__bench;
  if (old) old.stop();
  // Epoch ms from the monotonic clock: Date.now() is whole milliseconds, so take the median
  // of many readings of the offset between the two clocks.
  const offsets = [];
  for (let i = 0; i < 200; i++) offsets.push(Date.now() - performance.now());
  offsets.sort((a, b) => a - b);
  const offset = offsets[100] + 0.5;
  const now = () => performance.now() + offset;
  const read = new Function('el', spec.read);
  const st = { frames: [], longtasks: [], views: [], stopped: false, observers: [] };
  const attach = () => {
    if (st.views.length >= spec.expected) return;
    const found = document.querySelectorAll(spec.selector);
    for (const el of found) {
      if (st.views.some((v) => v.el === el)) continue;
      const view = { el, records: [] };
      const note = () => {
        const [x, n] = read(el);
        view.records.push([now(), x, n]);
      };
      const mo = new MutationObserver(note);
      if (spec.watch === 'attributes') {
        mo.observe(el, { attributes: true, attributeFilter: ['data-livefeed-frames'] });
      } else {
        mo.observe(el, { attributes: true, childList: true, subtree: true });
      }
      st.observers.push(mo);
      st.views.push(view);
      note();
    }
  };
  const tick = () => {
    if (st.stopped) return;
    st.frames.push(now());
    attach();
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const po = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) st.longtasks.push([e.startTime + offset, e.duration]);
  });
  po.observe({ type: 'longtask' });
  st.observers.push(po);
  st.stop = () => {
    st.stopped = true;
    for (const o of st.observers) o.disconnect();
  };
  // What each chart holds now, drawn or not (a livefeed chart out of sight still says what
  // it would show): whether the page has caught up with the feed.
  st.latest = () => st.views.map((v) => read(v.el)[0]);
  st.collect = () => ({
    frames: st.frames,
    longtasks: st.longtasks,
    views: st.views.map((v) => v.records),
  });
  window.__bench = st;
  return offset;
}
"""

IDLE_FPS_JS = """
(ms) => new Promise((resolve) => {
  let n = 0;
  const t0 = performance.now();
  const tick = () => {
    n += 1;
    if (performance.now() - t0 < ms) requestAnimationFrame(tick);
    else resolve(n * 1000 / (performance.now() - t0));
  };
  requestAnimationFrame(tick);
})
"""


# --------------------------------------------------------------------------------------------
# The session
# --------------------------------------------------------------------------------------------


@dataclass
class Session:
    lab: LabServer
    browser: Browser
    page: Page
    notebook: Notebook
    feed: Feed
    idle_fps: float = 0.0
    _cases: int = field(default=0, init=False)

    def next_key(self, label: str) -> str:
        self._cases += 1
        return f"{label}-{self._cases}"

    def clear_cells(self) -> None:
        """Delete every cell: the next chart is then the first thing in the notebook, on screen."""
        self.page.evaluate(
            "(path) => { const nb = window.__e2e.panel(path).content;"
            "nb.model.sharedModel.deleteCellRange(0, nb.model.cells.length); }",
            self.notebook.path,
        )

    def reload(self) -> None:
        """Load the notebook page again (same kernel): drops whatever the page was busy with."""
        self.notebook = open_notebook(self.page, self.lab, NOTEBOOK)

    def processes(self) -> dict[str, list[psutil.Process]]:
        """The processes whose CPU time is worth knowing, by role."""
        lab = psutil.Process(self.lab.process.pid)
        kernels = [p for p in lab.children(recursive=True) if "ipykernel" in " ".join(_cmdline(p))]
        browser = [
            p for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("chrom")
        ]
        return {
            "kernel": kernels,
            "jupyter_server": [lab],
            "browser": browser,
            "feed": [psutil.Process(self.feed.process.pid)],
        }


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []


def _cpu_seconds(processes: list[psutil.Process]) -> dict[int, float]:
    """CPU seconds so far of each process still alive, by pid."""
    out = {}
    for p in processes:
        with suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            t = p.cpu_times()
            out[p.pid] = t.user + t.system
    return out


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings by the processes alive at both (Chromium starts
    and ends helper processes: their totals must not count as time spent or given back)."""
    return sum(max(0.0, after[pid] - before[pid]) for pid in before.keys() & after.keys())


@contextmanager
def session(log_dir: Path | None = None) -> Iterator[Session]:
    """JupyterLab, Chromium and the feed, with one notebook open and its kernel set up."""
    missing = chromium_missing()
    if missing is not None:
        raise RuntimeError(missing)
    libraries = missing_libraries()
    if libraries:
        raise RuntimeError(
            f"{' and '.join(libraries)} not installed: the browser benchmarks compare livefeed "
            "with them (pip install -e '.[bench]')"
        )
    with tempfile.TemporaryDirectory(prefix="livefeed-bench-") as tmp:
        work = Path(tmp)
        feed = Feed()
        lab: LabServer | None = None
        try:
            lab = start_lab(
                work_dir=work / "lab",
                log_path=(log_dir or work) / "bench-jupyterlab.log",
                env=livefeed_pythonpath(),
            )
            (lab.root_dir / NOTEBOOK).write_text(json.dumps(_empty_notebook()))
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS
                )
                try:
                    page = browser.new_context(viewport=VIEWPORT).new_page()
                    install_helpers(page)
                    notebook = open_notebook(page, lab, NOTEBOOK)
                    s = Session(lab, browser, page, notebook, feed)
                    s.clear_cells()
                    notebook.run_cell(KERNEL_SETUP)
                    s.idle_fps = float(page.evaluate(IDLE_FPS_JS, 2000))
                    yield s
                    with suppress(Exception):
                        notebook.shutdown_kernel()
                finally:
                    browser.close()
        finally:
            if lab is not None:
                lab.stop()
            feed.close()


def _empty_notebook() -> dict[str, Any]:
    return {
        "cells": [],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


# --------------------------------------------------------------------------------------------
# One case: charts created, fed, drained, measured
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    per_message: int
    rate: float  # messages per second
    seconds: float
    window: int
    charts: int = 1
    prefill: int = 0
    height: int = 300
    warmup_buckets: int = 1  # 1-s buckets left out of the steady state (the first render)
    groups: int = 0  # series per chart, by a group field (livefeed's group_by); 0: one series
    # Prefilled points as far apart as live ones, so the window starts with the x span it keeps
    # (rather than growing from a burst of history into it during the run).
    prefill_at_live_rate: bool = False

    @property
    def points_per_second(self) -> float:
        return self.per_message * self.rate


def run_case(s: Session, library: str, load: Load, *, profile: float = 0.0) -> dict[str, Any]:
    """Create `load.charts` charts of `library`, feed them, and measure the page.

    With `profile` > 0, Chrome's sampling profiler runs for that many seconds in the middle of
    the stream and a summary of where the main thread spent its time is returned too.
    """
    s.clear_cells()
    keys = [s.next_key(library) for _ in range(load.charts)]
    urls = [
        s.feed.url(
            k,
            load.per_message,
            load.rate,
            load.seconds,
            load.prefill,
            load.groups,
            1000.0 / load.points_per_second if load.prefill_at_live_rate else None,
        )
        for k in keys
    ]
    view = VIEWS[library]
    s.page.evaluate(PROBE_JS, {**view, "expected": load.charts})
    procs = s.processes()
    cpu_before = {role: _cpu_seconds(p) for role, p in procs.items()}
    wall_before = time.monotonic()
    if load.groups and library != "livefeed":
        raise ValueError(f"{library} is not measured with grouped series")
    grouped = ', group_by="g"' if load.groups else ""
    code = CHART_CODE[library].format(
        urls=urls, window=load.window, height=load.height, grouped=grouped
    )
    s.notebook.run_cell(code + "\nfrom IPython.display import display\ndisplay(*charts)")
    with suppress(Exception):
        s.page.locator(view["selector"]).first.scroll_into_view_if_needed(timeout=5000)
    profile_summary = None
    if profile > 0:
        time.sleep(min(2.0, load.seconds / 3))
        profile_summary = cpu_profile(s.browser, s.page, profile)
    done = s.feed.wait_done(keys, timeout=load.seconds + 120)
    cpu_after = {role: _cpu_seconds(p) for role, p in procs.items()}
    wall = time.monotonic() - wall_before
    # Wait until every chart has drawn its feed's last point, or the drain timeout.
    targets = [done[k]["last_x"] for k in keys]
    deadline = time.monotonic() + DRAIN_TIMEOUT
    drained = False
    while time.monotonic() < deadline:
        latest = s.page.evaluate("() => window.__bench.latest()")
        if len(latest) == len(targets) and all(
            x is not None and x >= t for x, t in zip(latest, targets, strict=True)
        ):
            drained = True
            break
        time.sleep(0.1)
    time.sleep(0.3)  # a little more, to see the redraws that follow the last point
    data = s.page.evaluate("() => { window.__bench.stop(); return window.__bench.collect(); }")
    if not drained:
        # The page still has a backlog of updates to work through (minutes of it, for a chart
        # sent more than it can draw); it would hold up the next case and every cell run.
        # Loading the page again drops it; the kernel and its charts live on.
        s.reload()
    s.notebook.run_cell("bench_cleanup()")
    s.clear_cells()
    result = summarize(data, [done[k] for k in keys], drained, load.warmup_buckets)
    result["page_reloaded"] = not drained
    result["settle_seconds"] = settle(s)
    result["cpu_percent"] = {
        role: round(100.0 * _cpu_used(cpu_before[role], cpu_after[role]) / wall, 1)
        for role in procs
    }
    if profile_summary is not None:
        result["profile"] = profile_summary
    return result


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def settle(s: Session) -> float:
    """Wait until the page draws frames at its idle rate again (a chart that fell behind may
    still be working through a backlog); returns how long that took."""
    started = time.monotonic()
    while time.monotonic() - started < SETTLE_TIMEOUT:
        if float(s.page.evaluate(IDLE_FPS_JS, 500)) >= 0.9 * s.idle_fps:
            break
    return round(time.monotonic() - started, 1)


def summarize(
    data: dict[str, Any], streams: list[dict[str, Any]], drained: bool, warmup: int = 1
) -> dict[str, Any]:
    """Frames per second, long tasks, redraws, lag and per-message latency from the probe."""
    start = min(e["start_ms"] for e in streams)
    end = max(e["end_ms"] for e in streams)
    frames = [t for t in data["frames"] if start <= t < end]
    buckets = [0] * max(1, int((end - start) // 1000))
    for t in frames:
        i = int((t - start) // 1000)
        if i < len(buckets):
            buckets[i] += 1
    steady = buckets[warmup:] or buckets
    steady_from = start + 1000 * min(warmup, len(buckets) - 1)
    longtasks = [(t, d) for t, d in data["longtasks"] if start <= t < end]
    steady_longtasks = [d for t, d in longtasks if t >= steady_from]
    lags: list[float] = []
    latencies: list[float] = []
    redraws: list[float] = []
    views_drawn = 0
    for records, stream in zip(data["views"], streams, strict=False):
        drawn = [(t, x) for t, x, _ in records if x is not None]
        if drawn:
            views_drawn += 1
        redraws.append(
            sum(1 for t, _ in drawn if steady_from <= t < end) / max(end - steady_from, 1) * 1000
        )
        last = stream["last_x"]
        reached = next((t for t, x in drawn if x >= last), None)
        if reached is not None:
            lags.append(reached - last)
        latencies.extend(_latencies(drawn, stream["send_x"]))
    sent_rate = sum(e["messages"] for e in streams) / max((end - start) / 1000, 1e-9)
    return {
        "fps_median": _median(steady),
        "fps_buckets": buckets,
        "longtasks": len(steady_longtasks),
        "longtask_max_ms": max(steady_longtasks, default=0.0),
        "longtasks_with_startup": len(longtasks),
        "redraws_per_second": _median(redraws),
        # Over the charts that drew the last point: a livefeed chart out of sight draws nothing.
        "lag_ms": max(lags) if lags and drained else None,
        "lag_ms_per_chart": lags,
        "lag_charts": len(lags),
        "drained": drained,
        "latency_ms": {
            "median": _median(latencies),
            "p99": _percentile(latencies, 0.99),
            "count": len(latencies),
        },
        "views": len(data["views"]),
        "views_drawn": views_drawn,
        "sent_messages_per_second": round(sent_rate, 1),
        "streams": len(streams),
    }


def _latencies(drawn: list[tuple[float, float]], send_x: list[float]) -> list[float]:
    """For each message sent, the time from its send until the first redraw showing it."""
    out = []
    i = 0
    for t_send in send_x:  # both are in increasing order
        while i < len(drawn) and drawn[i][1] < t_send:
            i += 1
        if i == len(drawn):
            break
        out.append(drawn[i][0] - t_send)
    return out
