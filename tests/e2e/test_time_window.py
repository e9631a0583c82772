"""A time window in the browser: each series keeps the points of its last span, as in Python.

The chart is fed by push() with irregular timestamps; the view must draw exactly the points the
kernel keeps, and its x extent must fit within the span.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from ..support.charts import named_chart_view, wait_for_points
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook

pytestmark = pytest.mark.e2e

BASE = 1_764_000_000_000  # epoch ms
OFFSETS = [0, 1000, 1500, 7000, 7200, 12_000]  # ms; a 5 s window keeps the last three

CELLS = [
    'chart = LiveChart(None, x="t", y="v", window="5s", height=200)\nchart',
    f"chart.push([{{'t': {BASE} + dt, 'v': i}} for i, dt in enumerate({OFFSETS})])",
]


@pytest.fixture(scope="module")
def notebook(page: Page, lab_server: LabServer) -> Iterator[Notebook]:
    with running_notebook(
        page, lab_server, "time_window.ipynb", CELLS, closing="chart.stop()"
    ) as nb:
        yield nb


def test_the_view_draws_only_the_last_span(notebook: Notebook) -> None:
    view = named_chart_view(notebook, "chart")
    wait_for_points(view, 3, what="the view of a 5 s window")
    kept = notebook.evaluate("[int(x.timestamp() * 1000) for x in chart.data['x']]")
    assert kept == str([BASE + 7000, BASE + 7200, BASE + 12_000])
    assert view.get_attribute("data-livefeed-last-x") == str(BASE + 12_000)
    low, high = (float(v) for v in (view.get_attribute("data-livefeed-x-range") or "").split())
    assert low >= BASE + 7000 - 1 and high <= BASE + 12_000 + 1


def test_a_point_older_than_the_span_is_not_drawn(notebook: Notebook) -> None:
    view = named_chart_view(notebook, "chart")
    notebook.run_cell(
        f"chart.push([{{'t': {BASE} + 3000, 'v': 9}}, {{'t': {BASE} + 13_000, 'v': 10}}])"
    )
    # 13 s is the newest now: only 12 and 13 s are within 5 s of it; 3 s never was.
    wait_for_points(view, 2, what="the view after the newest point moved the window")
    assert view.get_attribute("data-livefeed-last-x") == str(BASE + 13_000)
    assert notebook.evaluate("len(chart.data)") == "2"
