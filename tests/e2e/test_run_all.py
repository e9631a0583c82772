"""Run All with a long cell after a chart: the chart draws while the long cell runs.

The chart's cell ends at once and the next cell keeps the kernel busy; the chart's feed (a real
WebSocket source, read on the kernel's background thread) goes on sending, and its view must draw
that from the moment it appears, although the kernel answers nothing from the page until the
long cell ends.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ..support.charts import TIMEOUT, readings_while_running, wait_for_points
from ..support.jupyter import LabServer
from ..support.notebook import PRELUDE, open_notebook, write_notebook
from ..support.waiting import wait_for
from .busy import drawn

pytestmark = pytest.mark.e2e

CELLS = [
    PRELUDE,
    'sensors = LiveChart(f"{URL}/sensors", x="ts", y="temperature", group_by="sensor")\nsensors',
    'import time\nprint("sleeping", flush=True)\ntime.sleep(20)\nprint("awake")',
]


def test_run_all_draws_a_chart_while_a_later_cell_runs(page: Page, lab_server: LabServer) -> None:
    path = write_notebook(lab_server.root_dir, "run-all.ipynb", CELLS)
    notebook = open_notebook(page, lab_server, path)
    run = notebook.start_all()
    _, chart_cell, sleep_cell = notebook.cell_ids()
    view = notebook.cell(chart_cell).locator(".livefeed")
    expect(view).to_be_visible(timeout=TIMEOUT * 1000)
    wait_for(
        lambda: "sleeping" in notebook.output_text(sleep_cell),
        timeout=TIMEOUT,
        what="the long cell to start",
    )
    readings = [
        r[0] for r in readings_while_running(notebook, sleep_cell, [view], run=run, done="awake")
    ]
    notebook.wait_run(run)

    history = [drawn(r) for r in readings]
    print(f"Run All: (points, last x) drawn while the long cell ran: {history}")
    assert len(readings) >= 4, f"too few readings while the long cell ran: {readings}"
    with_points = [h for h in history if h[0] > 0]
    assert with_points, f"nothing was drawn while the long cell ran: {readings[-1]}"
    assert with_points[-1][1] > with_points[0][1], f"the chart stood still: {history}"
    assert all(r["connected"] == "true" for r in readings), [r["connected"] for r in readings]

    notebook.run_cell("sensors.stop()")
    held = int(notebook.evaluate("len(sensors.data)"))
    wait_for_points(view, held, what="the chart once closed")
    notebook.shutdown_kernel()
