"""Saved notebooks show each chart's last data once the kernel that made it is gone.

Two ways a notebook gets saved with widget state: JupyterLab with "Save Widget State
Automatically" on, and ``jupyter nbconvert --execute --to notebook``. Either way the chart's
``snapshot`` trait travels in the file's widget-state metadata, and a view opened from it draws
that, while saying that no kernel feeds it.

The notebooks are reopened the way JupyterLab opens them by default, with a fresh kernel that has
not run them. With "No Kernel" JupyterLab renders no saved widget at all, livefeed's or any other:
jupyterlab_widgets 3.0 creates a notebook's widget manager from ``session.kernel.id`` once the
session is ready, which throws without a kernel, so "Loading widget..." stays.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from ..support.browser import screenshot
from ..support.charts import TIMEOUT, chart_view, count, wait_for_points
from ..support.jupyter import LabServer
from ..support.notebook import PRELUDE, Notebook, open_notebook, write_notebook
from ..support.waiting import wait_for

pytestmark = pytest.mark.e2e

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
CHARTS = ("ticker", "sensors")


def livechart_states(path: Path) -> dict[str, dict[str, Any]]:
    """The saved state of every LiveChart model in a notebook file, by model id."""
    notebook = json.loads(path.read_text())
    state = notebook["metadata"]["widgets"][WIDGET_STATE]["state"]
    return {
        model_id: model["state"]
        for model_id, model in state.items()
        if "feed_status" in model["state"]  # a trait only LiveChart has
    }


def _views(notebook: Notebook, model_ids: dict[str, str]) -> dict[str, Locator]:
    return {name: chart_view(notebook, model_id) for name, model_id in model_ids.items()}


def test_saved_notebook_shows_the_last_data_without_a_kernel(
    page: Page, lab_server: LabServer, save_widget_state: None, artifacts_dir: Path
) -> None:
    path = write_notebook(
        lab_server.root_dir,
        "saved.ipynb",
        [
            PRELUDE,
            'ticker = LiveChart(f"{URL}/ticker", x="ts", y="price", group_by="symbol",'
            ' title="Saved ticker")\nticker',
            'sensors = LiveChart(f"{URL}/sensors", x="ts", y="humidity", group_by="sensor",'
            ' title="Saved sensors")\nsensors',
        ],
    )
    notebook = open_notebook(page, lab_server, path)
    notebook.run_all()
    model_ids = {name: notebook.evaluate(f"{name}.model_id") for name in CHARTS}
    views = _views(notebook, model_ids)
    for name, view in views.items():
        wait_for(lambda v=view: count(v, "points") > 100, timeout=TIMEOUT, what=name)
    # close() makes the snapshot final at once, rather than up to 5 s old.
    notebook.run_cell("; ".join(f"{name}.stop()" for name in CHARTS))
    held = {name: int(notebook.evaluate(f"len({name}.data)")) for name in CHARTS}
    notebook.save()
    notebook.shutdown_kernel()

    saved = livechart_states(lab_server.root_dir / path)
    assert set(saved) == set(model_ids.values())
    for name, model_id in model_ids.items():
        snapshot = saved[model_id]["snapshot"]
        # Fewer points than the snapshot's limit per series: it holds every one of them.
        assert sum(n for _, n in snapshot["segments"]) == held[name]

    # A fresh kernel, which never ran these cells: the charts' own kernel is gone.
    notebook = open_notebook(page, lab_server, path)
    views = _views(notebook, model_ids)
    for name, view in views.items():
        wait_for_points(view, held[name], what=f"the reopened {name}")
        badge = view.locator(".livefeed-badge")
        expect(badge).to_contain_text("not connected", timeout=TIMEOUT * 1000)
        expect(badge).to_contain_text("showing the last saved data")
        expect(view.locator("canvas")).to_be_visible()
    screenshot(views["sensors"], artifacts_dir / "saved-reopened.png")
    notebook.shutdown_kernel()


EXECUTED_CELLS = [
    "from livefeed import LiveChart",
    'chart = LiveChart(x="step", y=["loss", "accuracy"], title="Training run")\n'
    "for step in range(300):\n"
    '    chart.push({"step": step, "loss": 1 / (1 + step), "accuracy": step / 300})\n'
    "chart.stop()\n"
    "chart",
]


def _jupyter(server: LabServer, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", *args],
        cwd=server.root_dir,
        env=server.jupyter_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 2,
        check=False,
    )
    assert result.returncode == 0, f"jupyter {args[0]} failed:\n{result.stderr[-3000:]}"


def test_executed_notebook_shows_the_chart_without_a_kernel(
    page: Page, lab_server: LabServer, artifacts_dir: Path
) -> None:
    source = write_notebook(lab_server.root_dir, "to-execute.ipynb", EXECUTED_CELLS)
    executed = "executed.ipynb"
    _jupyter(lab_server, "nbconvert", "--execute", "--to", "notebook", "--output", executed, source)
    # A notebook from elsewhere is untrusted, and JupyterLab then shows widgets as plain text;
    # the user trusts it first, as with any notebook whose output runs code.
    _jupyter(lab_server, "trust", executed)
    saved = livechart_states(lab_server.root_dir / executed)
    assert len(saved) == 1
    (state,) = saved.values()
    assert sum(n for _, n in state["snapshot"]["segments"]) == 600  # 300 steps, 2 series

    notebook = open_notebook(page, lab_server, executed)
    (model_id,) = saved
    view = _views(notebook, {"chart": model_id})["chart"]
    wait_for_points(view, 600, what="the executed chart")
    expect(view.locator(".livefeed-legend-name")).to_have_text(["loss", "accuracy"])
    expect(view.locator(".livefeed-badge")).to_contain_text("showing the last saved data")
    screenshot(view, artifacts_dir / "executed-reopened.png")
    notebook.shutdown_kernel()
