"""The charts the browser benchmarks compare, as the kernel code that makes them, and how the
page probe reads what each one drew.

- livefeed: a `LiveChart` on the feed's URL;
- bqplot: a `bqplot.Lines` figure, and plotly: a `go.FigureWidget` line (updated in
  `batch_update`), each fed by a kernel thread that reads the same feed and re-assigns x and y
  with the whole window after every read (`KERNEL_SETUP`).

bqplot and plotly are benchmark-only dependencies (the `bench` extra); `missing_libraries` says
which of them this Python lacks (the kernels run this Python).
"""

from __future__ import annotations

import importlib.util

LIBRARIES = ("livefeed", "bqplot", "plotly")


def missing_libraries() -> list[str]:
    """The compared chart libraries that cannot be imported here."""
    return [name for name in LIBRARIES if importlib.util.find_spec(name) is None]


# The baselines get their data the way a user would write it: a thread reads the same WebSocket
# feed, keeps the window in numpy arrays and hands the whole window to the chart after each read.
# Whatever arrived while the chart was busy is read at once (a slow chart coalesces messages
# instead of queueing them, which favours the baselines).
KERNEL_SETUP = """
import json, threading
import numpy as np
from websockets.sync.client import connect

class WindowFeed:
    def __init__(self, url, window, draw):
        self.running = True
        self.updates = 0
        self.thread = threading.Thread(target=self._run, args=(url, window, draw), daemon=True)
        self.thread.start()

    def _run(self, url, window, draw):
        x = np.empty(0)
        y = np.empty(0)
        with connect(url, max_size=None, compression=None) as ws:
            while self.running:
                try:
                    batch = [ws.recv(timeout=0.2)]
                except TimeoutError:
                    continue
                while True:
                    try:
                        batch.append(ws.recv(timeout=0))
                    except TimeoutError:
                        break
                rows = []
                for message in batch:
                    data = json.loads(message)
                    rows.extend(data if isinstance(data, list) else [data])
                x = np.concatenate([x, np.array([r["ts"] for r in rows], float)])[-window:]
                y = np.concatenate([y, np.array([r["v"] for r in rows], float)])[-window:]
                draw(x, y)
                self.updates += 1

    def stop(self):
        self.running = False
        self.thread.join(10)

charts, feeders = [], []

def bench_cleanup():
    for f in feeders:
        f.stop()
    for c in charts:
        c.close() if hasattr(c, "_data") else c.close()
    charts.clear()
    feeders.clear()
"""

LIVEFEED_CHART = """
from livefeed import LiveChart
for url in {urls!r}:
    charts.append(LiveChart(url, x="ts", y="v", window={window}, height={height}{grouped}))
"""

BQPLOT_CHART = """
import bqplot as bq
def bq_chart(url, window):
    sx, sy = bq.LinearScale(), bq.LinearScale()
    line = bq.Lines(x=np.empty(0), y=np.empty(0), scales={{"x": sx, "y": sy}})
    fig = bq.Figure(
        marks=[line], axes=[bq.Axis(scale=sx), bq.Axis(scale=sy, orientation="vertical")],
        animation_duration=0, layout={{"height": "{height}px", "width": "100%"}},
    )
    def draw(x, y):
        with line.hold_sync():
            line.x = x
            line.y = y
    charts.append(fig)
    feeders.append(WindowFeed(url, window, draw))
for url in {urls!r}:
    bq_chart(url, {window})
"""

PLOTLY_CHART = """
import plotly.graph_objects as go
def plotly_chart(url, window):
    fig = go.FigureWidget(
        data=[go.Scatter(x=[], y=[], mode="lines")], layout={{"height": {height}}}
    )
    trace = fig.data[0]
    def draw(x, y):
        with fig.batch_update():
            trace.x = x
            trace.y = y
    charts.append(fig)
    feeders.append(WindowFeed(url, window, draw))
for url in {urls!r}:
    plotly_chart(url, {window})
"""

CHART_CODE = {"livefeed": LIVEFEED_CHART, "bqplot": BQPLOT_CHART, "plotly": PLOTLY_CHART}

# How the probe finds each chart in the page and reads the newest x it shows.
# - livefeed: the chart's root element, which says what its last frame drew.
# - plotly: the graph div; its _fullData is what the last Plotly redraw used.
# - bqplot: the line's SVG group, whose D3 datum holds the points the last redraw drew.
VIEWS = {
    "livefeed": {
        "selector": ".livefeed",
        "watch": "attributes",
        "read": "const x = Number(el.getAttribute('data-livefeed-last-x'));"
        "return [Number.isFinite(x) ? x : null, Number(el.getAttribute('data-livefeed-points'))];",
    },
    "plotly": {
        "selector": ".js-plotly-plot",
        "watch": "subtree",
        "read": "const t = el._fullData && el._fullData[0]; const x = t && t.x;"
        "return x && x.length ? [Number(x[x.length - 1]), x.length] : [null, 0];",
    },
    "bqplot": {
        "selector": ".bqplot.figure",
        "watch": "subtree",
        "read": "const c = el.querySelector('.curve'); const d = c && c.__data__;"
        "const v = d && d.values;"
        "return v && v.length ? [Number(v[v.length - 1].x), v.length] : [null, 0];",
    },
}
