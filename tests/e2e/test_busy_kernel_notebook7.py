"""In Notebook 7 too, a chart fed by its own running cell draws while the cell runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook
from .busy import check_push_loop_draws_while_it_runs
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
def notebook(notebook7_server: LabServer, page: Page) -> Iterator[Notebook]:
    # The server comes first so that it stops after the page has closed.
    with running_notebook(page, notebook7_server, "busy7.ipynb", [], app="notebook") as notebook:
        assert "/notebooks/" in page.url  # Notebook 7's own page, not JupyterLab's
        yield notebook


def test_a_chart_fed_by_its_own_cell_draws_while_the_cell_runs(notebook: Notebook) -> None:
    check_push_loop_draws_while_it_runs(notebook, "Notebook 7")
