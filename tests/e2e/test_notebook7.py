"""The quickstart in Notebook 7 (``jupyter notebook``): the same widget, another front end.

Notebook 7 is built from JupyterLab's components with its own shell and one document per page,
so it gets a server of its own; the harness drives it the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ..support.browser import screenshot
from ..support.charts import TIMEOUT, count, named_chart_view, wait_for_more_points, wait_for_points
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, open_notebook
from ..support.waiting import wait_for
from .conftest import serve_notebooks

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def notebook7_server(
    pytestconfig: pytest.Config,
    tmp_path_factory: pytest.TempPathFactory,
    artifacts_dir: Path,
    demo_source: Any,
    chromium_path: str,  # without a browser, skip before starting a server
) -> Iterator[LabServer]:
    with serve_notebooks(
        pytestconfig, tmp_path_factory, artifacts_dir, demo_source, app="notebook"
    ) as server:
        yield server


@pytest.fixture(scope="module")
def quickstart(notebook7_server: LabServer, page: Page) -> Iterator[Notebook]:
    # The server comes first so that it stops after the page has closed.
    notebook = open_notebook(page, notebook7_server, "quickstart.ipynb", app="notebook")
    # Notebook 7's own page, not JupyterLab's.
    expect(page.locator("#main-panel, .jp-NotebookPanel").first).to_be_visible()
    assert "/notebooks/" in page.url
    notebook.run_all()
    assert notebook.error_outputs() == []
    yield notebook
    notebook.run_cell("chart.stop()")
    notebook.shutdown_kernel()


def test_quickstart_chart_appears_and_grows(
    quickstart: Notebook, demo_source: Any, artifacts_dir: Path
) -> None:
    view = named_chart_view(quickstart, "chart")
    wait_for(lambda: count(view, "points") > 0, timeout=TIMEOUT, what="the first points")
    wait_for_more_points(view)
    assert view.get_attribute("data-livefeed-status") == "live"
    assert view.get_attribute("data-livefeed-kernel") == "ok"

    quickstart.run_cell("chart.stop()")
    held = int(quickstart.evaluate("len(chart.data)"))
    wait_for_points(view, held)
    screenshot(view, artifacts_dir / "notebook7-quickstart.png")
