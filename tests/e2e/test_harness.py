"""Self-test of the end-to-end harness with a plain ipywidgets notebook.

When the quickstart test fails, this one tells whether the harness (server, browser, widget
manager, cell running) works at all, independently of livefeed.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ..support.jupyter import LabServer
from ..support.notebook import open_notebook, write_notebook

pytestmark = pytest.mark.e2e


def test_widget_renders_and_cells_run(page: Page, lab_server: LabServer) -> None:
    path = write_notebook(
        lab_server.root_dir,
        "harness.ipynb",
        ["import ipywidgets as w\nslider = w.IntSlider(value=7)\nslider"],
    )
    notebook = open_notebook(page, lab_server, path)
    notebook.run_all()
    assert notebook.error_outputs() == []

    # The widget manager extension loaded and rendered the kernel's widget.
    expect(page.locator(".widget-slider").first).to_be_visible(timeout=30_000)

    # A cell added afterwards sees the same kernel state and its output is readable.
    assert notebook.run_cell("print(slider.value * 6)").strip() == "42"
    notebook.shutdown_kernel()
