"""The quickstart notebook, run as a user would: real JupyterLab, headless Chromium, demo feed.

The tests share one notebook session and run in file order: the chart appears and fills, it
keeps drawing while the kernel is busy, a view displayed later catches up, and once the chart is
closed every view shows exactly what the kernel holds.
The view publishes what it drew as ``data-livefeed-points`` (points held, all series) and
``data-livefeed-frames`` (frames drawn) on its ``.livefeed`` element.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from ..support.browser import screenshot
from ..support.charts import count, wait_for_points, widget_view
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, open_notebook
from ..support.waiting import wait_for

pytestmark = pytest.mark.e2e

NOTEBOOK = "quickstart.ipynb"
CHART = "chart"  # the quickstart's LiveChart variable

# Ceilings against hangs only; no test asserts how fast anything happens.
APPEAR_TIMEOUT = 60.0
GROW_TIMEOUT = 60.0
SETTLE_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def quickstart(page: Page, lab_server: LabServer) -> Iterator[Notebook]:
    # ``page`` comes first so that, without a browser, the tests skip before a server starts.
    if not (lab_server.root_dir / NOTEBOOK).is_file():
        pytest.fail(f"notebooks/{NOTEBOOK} is missing")
    notebook = open_notebook(page, lab_server, NOTEBOOK)
    notebook.run_all()
    assert notebook.error_outputs() == [], "the quickstart raised"
    yield notebook
    notebook.shutdown_kernel()


@pytest.fixture(scope="module")
def chart_view(quickstart: Notebook) -> Locator:
    """The ``.livefeed`` element of the quickstart's chart, once rendered."""
    model_id = quickstart.evaluate(f"{CHART}.model_id")
    view = widget_view(quickstart, model_id).locator(".livefeed").first
    expect(view).to_be_visible(timeout=APPEAR_TIMEOUT * 1000)
    return view


@pytest.fixture(scope="module")
def second_view(quickstart: Notebook, chart_view: Locator) -> Locator:
    """A second view of the same chart, displayed while the feed runs."""
    cell_id, run = quickstart.start_cell(CHART)
    quickstart.wait_run(run)
    view = quickstart.cell(cell_id).locator(".livefeed").first
    expect(view).to_be_visible(timeout=APPEAR_TIMEOUT * 1000)
    return view


def test_chart_appears_and_fills(chart_view: Locator, demo_source: Any) -> None:
    view = chart_view
    # The notebook reached our demo server, not some other feed.
    assert demo_source.sent("/ticker") > 0
    wait_for(
        lambda: count(view, "points") > 0,
        timeout=GROW_TIMEOUT,
        what="the chart to draw its first points",
    )
    first = count(view, "points")
    wait_for(
        lambda: count(view, "points") > first,
        timeout=GROW_TIMEOUT,
        what=lambda: f"more points than {first} (still {count(view, 'points')})",
    )


def test_view_shows_the_live_status(quickstart: Notebook, chart_view: Locator) -> None:
    status = quickstart.evaluate(f"{CHART}.status")
    assert status == "live"
    wait_for(
        lambda: chart_view.get_attribute("data-livefeed-status") == status,
        timeout=SETTLE_TIMEOUT,
        what=lambda: (
            f"the view to show status {status!r} "
            f"(it shows {chart_view.get_attribute('data-livefeed-status')!r})"
        ),
    )


def test_chart_draws_while_a_cell_runs(quickstart: Notebook, chart_view: Locator) -> None:
    view = chart_view
    view.scroll_into_view_if_needed()
    cell_id, run = quickstart.start_cell(
        'import time\nprint("sleeping", flush=True)\ntime.sleep(5)\nprint("awake")'
    )
    wait_for(
        lambda: "sleeping" in quickstart.output_text(cell_id),
        timeout=SETTLE_TIMEOUT,
        what="the sleeping cell to start",
    )
    # Keep only the samples taken while the cell was certainly still asleep: "awake" not yet out
    # after the sample was read.
    samples: list[tuple[int, int]] = []
    while True:
        sample = (count(view, "points"), count(view, "frames"))
        if "awake" in quickstart.output_text(cell_id):
            break
        samples.append(sample)
        time.sleep(0.5)
    quickstart.wait_run(run)

    assert len(samples) >= 2, f"too few samples during the sleep to judge: {samples}"
    (points_0, frames_0), (points_n, frames_n) = samples[0], samples[-1]
    assert points_n > points_0 or frames_n > frames_0, (
        f"the chart stood still while the kernel slept (points, frames): {samples}"
    )


def test_a_view_shown_later_gets_the_whole_window(
    chart_view: Locator, second_view: Locator
) -> None:
    # Custom messages reach only existing views; a new one must be sent what came before.
    before = count(chart_view, "points")
    wait_for(
        lambda: count(second_view, "points") >= before,
        timeout=SETTLE_TIMEOUT,
        what=lambda: (
            f"the new view to hold the {before} points the first one had "
            f"(it holds {count(second_view, 'points')})"
        ),
    )


def test_closed_chart_shows_what_the_kernel_holds(
    quickstart: Notebook, chart_view: Locator, second_view: Locator, artifacts_dir: Path
) -> None:
    view = chart_view
    quickstart.run_cell(f"{CHART}.stop()")

    # After close no more points arrive; what the kernel holds is then final.
    held = int(quickstart.evaluate(f"len({CHART}.data)"))
    assert held > 0, "the kernel holds no data at all"
    wait_for_points(view, held, timeout=SETTLE_TIMEOUT)
    wait_for_points(second_view, held, timeout=SETTLE_TIMEOUT, what="the second view")
    # Still equal after a moment more: the kernel sent nothing after close.
    again = int(quickstart.evaluate(f"len({CHART}.data)"))
    assert again == held == count(view, "points") == count(second_view, "points")

    shot = screenshot(view, artifacts_dir / "quickstart.png")
    assert shot.stat().st_size > 0


def test_view_shows_the_closed_status(quickstart: Notebook, chart_view: Locator) -> None:
    # Runs after the chart was closed above.
    assert quickstart.evaluate(f"{CHART}.status") == "closed"
    wait_for(
        lambda: chart_view.get_attribute("data-livefeed-status") == "closed",
        timeout=SETTLE_TIMEOUT,
        what=lambda: (
            "the view to show status 'closed' "
            f"(it shows {chart_view.get_attribute('data-livefeed-status')!r})"
        ),
    )
