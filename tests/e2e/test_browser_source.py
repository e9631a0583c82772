"""A chart whose page reads its feed itself (``source="browser"``): no kernel in the path.

The page opens the WebSocket to the demo source and draws what it reads while a cell sleeps,
after the kernel restarts, and after it is shut down; while the kernel is there and idle, the
page's points reach ``chart.data``. A page saved with ``save(..., live=True)``, of such a chart
or of one the kernel feeds, opened from its file, goes on from the saved window with live points.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page

from livefeed.demo import SYMBOLS

from ..support.charts import (
    TIMEOUT,
    count,
    named_chart_view,
    readings_while_running,
    wait_for_more_points,
)
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook
from ..support.waiting import wait_for

pytestmark = pytest.mark.e2e

CELLS = [
    'direct = LiveChart(f"{URL}/ticker?rate=20", x="ts", y="price", group_by="symbol",'
    ' source="browser", title="Read by the page")\ndirect',
    'fed = LiveChart(f"{URL}/ticker?rate=20", x="ts", y="price", group_by="symbol",'
    ' title="Fed by the kernel")\nfed',
]

SLEEP = """\
import time

print("sleeping", flush=True)
time.sleep(10)
print("done")
"""


@pytest.fixture(scope="module")
def notebook(page: Page, lab_server: LabServer) -> Iterator[Notebook]:
    # The chart's page connection outlives the kernel: the tests below end it themselves.
    with running_notebook(page, lab_server, "direct.ipynb", CELLS) as notebook:
        yield notebook


@pytest.fixture(scope="module")
def view(notebook: Notebook) -> Locator:
    found = named_chart_view(notebook, "direct")
    wait_for(lambda: count(found, "points") > 0, timeout=TIMEOUT, what="the first points")
    return found


def _points(reading: list[dict[str, str]]) -> int:
    return int(reading[0]["points"])


def test_the_page_draws_its_feed_while_a_cell_sleeps(notebook: Notebook, view: Locator) -> None:
    cell_id, run = notebook.start_cell(SLEEP)
    readings = readings_while_running(
        notebook, cell_id, [view], run=run, done="done", keep_in_sight=True
    )
    notebook.wait_run(run)
    points = [_points(r) for r in readings]
    # Read over the ten seconds: the count grew all along, not once at the end.
    assert len(points) >= 10, points
    assert points[-1] > points[0], points
    halves = points[: len(points) // 2], points[len(points) // 2 :]
    assert max(halves[0]) > min(halves[0]) and max(halves[1]) > min(halves[1]), points
    assert readings[-1][0]["status"] == "live"


def test_the_page_points_reach_chart_data(notebook: Notebook, view: Locator) -> None:
    def held() -> dict[str, object] | None:
        facts = json.loads(
            notebook.run_cell(
                "import json\n"
                "d = direct.data\n"
                "print(json.dumps({'rows': len(d), 'series': sorted(map(str, d.series.unique())),"
                " 'status': direct.status, 'messages': direct.stats['messages'],"
                " 'kind': direct.x_kind}))"
            )
        )
        # x_kind is a synced trait, set at the chart's next send tick after the first points
        # land in chart.data: read together, they may be a tick apart.
        ready = facts["rows"] > 0 and len(facts["series"]) == len(SYMBOLS)
        return facts if ready and facts["kind"] != "auto" else None

    facts = wait_for(held, timeout=TIMEOUT, what="the page's points in chart.data")
    assert facts["series"] == sorted(SYMBOLS)
    assert facts["status"] == "live"
    assert facts["kind"] == "time"
    assert int(str(facts["messages"])) > 0  # the page's count of feed messages


@pytest.mark.parametrize("name", ["direct", "fed"])
def test_a_saved_live_page_goes_on_from_its_window_opened_from_a_file(
    page: Page, notebook: Notebook, lab_server: LabServer, view: Locator, name: str
) -> None:
    wait_for(lambda: count(named_chart_view(notebook, name), "points") > 0, what="points")
    path = lab_server.root_dir / f"{name}-live.html"
    saved = int(
        notebook.run_cell(f"{name}.save({str(path)!r}, live=True)\nprint(len({name}.data))")
    )
    offline = page.context.new_page()
    try:
        offline.goto(path.as_uri())
        live = offline.locator(".livefeed")
        # It starts from the window it was saved with, then adds what it reads.
        wait_for(lambda: count(live, "points") >= saved > 0, what="the saved window")
        wait_for_more_points(live)
        wait_for_more_points(live)
        assert live.get_attribute("data-livefeed-status") == "live"
        assert "saved page" not in live.locator(".livefeed-badge").inner_text()
        # Its own reading joins the saved series by name: one series per symbol, no more.
        names = live.locator(".livefeed-legend-name").all_inner_texts()
        assert sorted(names) == sorted(SYMBOLS)
    finally:
        offline.close()


def test_the_page_keeps_drawing_after_a_kernel_restart(notebook: Notebook, view: Locator) -> None:
    notebook.restart_kernel()
    view.scroll_into_view_if_needed()
    wait_for_more_points(view)
    wait_for_more_points(view)
    assert view.get_attribute("data-livefeed-status") == "live"
    assert view.get_attribute("data-livefeed-kernel") == "restarted"
    # The badge says what the chart does: live, not "kernel restarted" (its feed is its own).
    badge = view.locator(".livefeed-badge").inner_text()
    assert badge.startswith("live") and "restarted" not in badge, badge


def test_the_page_keeps_drawing_after_the_kernel_is_shut_down(
    notebook: Notebook, view: Locator
) -> None:
    notebook.shutdown_kernel()
    view.scroll_into_view_if_needed()
    wait_for_more_points(view)
    wait_for_more_points(view)
    assert view.get_attribute("data-livefeed-status") == "live"
    badge = view.locator(".livefeed-badge").inner_text()
    assert badge.startswith("live") and "not connected" not in badge, badge
