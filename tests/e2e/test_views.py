"""One chart, many views: displayed twice and inside ipywidgets containers, and ten charts at once.

Every view of a chart must show the same points (each got the whole window when it appeared and
every batch after), however it is laid out, including views that render only when their tab or
accordion section is opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from ..support.charts import TIMEOUT, count, wait_for_points
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook
from ..support.waiting import wait_for

pytestmark = pytest.mark.e2e

CELLS = {
    "first": 'chart = LiveChart(f"{URL}/sensors", x="ts", y="temperature", group_by="sensor",'
    ' title="Temperature", height=180)\nchart',
    "again": "chart",
    "boxes": "import ipywidgets as w\n\nw.HBox([w.VBox([chart]), w.VBox([chart])])",
    "tab": 'tab = w.Tab([w.Label("another page"), chart], titles=["other", "chart"])\ntab',
    "accordion": 'accordion = w.Accordion([w.Label("closed"), chart], titles=["other", "chart"])\n'
    "accordion",
}

# Ten charts of a small dashboard: every field of both demo feeds, two feeds at two rates.
DASHBOARD = """\
fields = [
    ("sensors", "temperature", "sensor"), ("sensors", "humidity", "sensor"),
    ("sensors", "pressure", "sensor"), ("ticker", "price", "symbol"),
    ("ticker", "volume", "symbol"),
]
charts = [
    LiveChart(f"{URL}/{path}?rate={rate}", x="ts", y=field, group_by=group,
              title=f"{field} ({rate}/s)", height=170)
    for rate in (5, 10) for path, field, group in fields
]
w.GridBox(charts, layout=w.Layout(grid_template_columns="1fr 1fr", grid_gap="6px"))
"""


@pytest.fixture(scope="module")
def notebook(page: Page, lab_server: LabServer) -> Iterator[Notebook]:
    with running_notebook(
        page,
        lab_server,
        "views.ipynb",
        list(CELLS.values()),
        closing="chart.stop()\nfor c in charts: c.stop()",
    ) as notebook:
        yield notebook


@pytest.fixture(scope="module")
def views(notebook: Notebook) -> dict[str, Locator]:
    """The chart's view in each cell (two in the boxes' cell), keyed by cell."""
    ids = dict(zip(["prelude", *CELLS], notebook.cell_ids(), strict=True))
    found = {name: notebook.cell(ids[name]).locator(".livefeed") for name in CELLS}
    page = notebook.page
    # The tab and the accordion render the chart once their page is opened, as a user does.
    tab_cell = notebook.cell(ids["tab"])
    tab_cell.scroll_into_view_if_needed()
    tab_cell.get_by_role("tab", name="chart").click()
    accordion_cell = notebook.cell(ids["accordion"])
    accordion_cell.scroll_into_view_if_needed()
    accordion_cell.get_by_text("chart", exact=True).click()
    for name, locator in found.items():
        expected = 2 if name == "boxes" else 1
        expect(locator).to_have_count(expected, timeout=TIMEOUT * 1000)
        for view in locator.all():
            view.scroll_into_view_if_needed()
            expect(view).to_be_visible(timeout=TIMEOUT * 1000)
    page.wait_for_timeout(100)
    return {
        f"{name}#{i}": view
        for name, locator in found.items()
        for i, view in enumerate(locator.all())
    }


def test_every_view_draws(views: dict[str, Locator]) -> None:
    for name, view in views.items():
        wait_for(lambda v=view: count(v, "points") > 0, timeout=TIMEOUT, what=name)


def test_ten_charts_all_stay_live(notebook: Notebook, artifacts_dir: Path) -> None:
    cell_id, run = notebook.start_cell(DASHBOARD)
    notebook.wait_run(run)
    grid = notebook.cell(cell_id).locator(".widget-gridbox")
    charts = grid.locator(".livefeed")
    expect(charts).to_have_count(10, timeout=TIMEOUT * 1000)
    grid.scroll_into_view_if_needed()
    for i in range(10):
        wait_for(
            lambda i=i: count(charts.nth(i), "points") > 0,
            timeout=TIMEOUT,
            what=f"chart {i} to draw",
        )
    before = [count(charts.nth(i), "points") for i in range(10)]
    for i in range(10):
        wait_for(
            lambda i=i: count(charts.nth(i), "points") > before[i],
            timeout=TIMEOUT,
            what=f"chart {i} to keep growing",
        )
        assert charts.nth(i).get_attribute("data-livefeed-status") == "live"
    _dashboard_picture(notebook.page, grid, charts, artifacts_dir / "dashboard-light.png")


def _dashboard_picture(page: Page, grid: Locator, charts: Locator, path: Path) -> None:
    """The first four charts of the grid, in a window tall enough to show them whole."""
    page.wait_for_timeout(4000)  # a few seconds of lines for the picture
    size = page.viewport_size
    assert size is not None
    page.set_viewport_size({"width": size["width"], "height": 1600})
    try:
        grid.scroll_into_view_if_needed()
        boxes = [charts.nth(i).bounding_box() for i in range(4)]
        assert all(boxes)
        left = min(b["x"] for b in boxes if b)
        top = min(b["y"] for b in boxes if b)
        right = max(b["x"] + b["width"] for b in boxes if b)
        bottom = max(b["y"] + b["height"] for b in boxes if b)
        clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
        page.screenshot(path=str(path), clip=clip)
    finally:
        page.set_viewport_size(size)


def test_every_view_shows_the_same_points(notebook: Notebook, views: dict[str, Locator]) -> None:
    notebook.run_cell("chart.stop()")
    held = int(notebook.evaluate("len(chart.data)"))
    assert held > 0
    for name, view in views.items():
        wait_for_points(view, held, what=f"the view in {name}")
