"""What a chart does when the page reloads, the kernel restarts, or the kernel is shut down.

Reload: every view comes back with the chart's whole current window about as soon as it appears,
and goes on live. Restart and shutdown: the view keeps its last picture and says plainly that
the kernel is gone. Runs with JupyterLab's default settings (widget state not saved), so the
reloaded views get everything from the live kernel.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from ..support.browser import screenshot
from ..support.charts import (
    TIMEOUT,
    chart_timings,
    count,
    named_chart_view,
    wait_for_more_points,
    wait_for_points,
)
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook
from ..support.waiting import wait_for

pytestmark = pytest.mark.e2e

# The one timing this suite asserts: a reloaded view holds the current window "within a second
# or so" of appearing. Generous for a busy 2-core machine; a lost resync would take forever.
REFILL_WITHIN_MS = 1500.0
CHARTS = ("ticker", "sensors")


# The cells of the notebook these tests share, after the PRELUDE.
CELLS = [
    'ticker = LiveChart(f"{URL}/ticker", x="ts", y="price", group_by="symbol")\nticker',
    'sensors = LiveChart(f"{URL}/sensors", x="ts", y="temperature", group_by="sensor")\nsensors',
]


@pytest.fixture(scope="module")
def notebook(page: Page, lab_server: LabServer) -> Iterator[Notebook]:
    # The tests shut the kernel down themselves at the end.
    with running_notebook(page, lab_server, "reload.ipynb", CELLS) as notebook:
        yield notebook


def _views(notebook: Notebook) -> dict[str, Locator]:
    return {name: named_chart_view(notebook, name) for name in CHARTS}


def _live_chart(notebook: Notebook, name: str) -> Locator:
    """A new chart in a new cell, once it draws."""
    cell_id, run = notebook.start_cell(
        f'{name} = LiveChart(f"{{URL}}/ticker", x="ts", y="price", group_by="symbol")\n{name}'
    )
    notebook.wait_run(run)
    view = notebook.cell(cell_id).locator(".livefeed")
    expect(view).to_be_visible(timeout=TIMEOUT * 1000)
    wait_for(lambda: count(view, "points"), timeout=TIMEOUT, what="points")
    wait_for_more_points(view, what=f"the new chart {name}")
    return view


def test_reload_brings_every_chart_back_at_once(notebook: Notebook) -> None:
    views = _views(notebook)
    for name, view in views.items():
        wait_for(lambda v=view: count(v, "points") > 50, timeout=TIMEOUT, what=name)
    # Without saved widget state, a reloaded page shows outputs only of a saved notebook.
    notebook.save()
    notebook.reload()

    wait_for(
        lambda: (
            len(chart_timings(notebook.page)) == len(CHARTS)
            and all(t["filled"] is not None for t in chart_timings(notebook.page))
        ),
        timeout=TIMEOUT,
        what=lambda: f"both charts to be filled again: {chart_timings(notebook.page)}",
    )
    for timing in chart_timings(notebook.page):
        assert timing["filled"] is not None and timing["appeared"] is not None
        took = timing["filled"] - timing["appeared"]
        print(f"a reloaded view held the kernel's data {took:.0f} ms after it appeared")
        assert took < REFILL_WITHIN_MS, f"a reloaded view took {took:.0f} ms to hold its data"

    # They go on live after the reload.
    views = _views(notebook)
    for name, view in views.items():
        wait_for_more_points(view, what=f"{name} after the reload")
        assert view.get_attribute("data-livefeed-connected") == "true"


def test_reloaded_views_hold_what_the_kernel_holds(notebook: Notebook) -> None:
    views = _views(notebook)
    notebook.run_cell("; ".join(f"{name}.stop()" for name in CHARTS))
    for name, view in views.items():
        held = int(notebook.evaluate(f"len({name}.data)"))
        wait_for_points(view, held, what=name)


def test_kernel_restart_keeps_the_picture_and_says_so(
    notebook: Notebook, artifacts_dir: Path
) -> None:
    view = _live_chart(notebook, "before_restart")
    notebook.restart_kernel()
    badge = view.locator(".livefeed-badge")
    expect(badge).to_contain_text("kernel restarted", timeout=TIMEOUT * 1000)
    expect(badge).to_contain_text(re.compile("showing its last data"))
    assert view.get_attribute("data-livefeed-kernel") == "restarted"
    assert view.get_attribute("data-livefeed-connected") == "false"
    # The last picture stays: same points, and the plot is still there.
    points = count(view, "points")
    assert points > 0
    expect(view.locator("canvas")).to_be_visible()
    notebook.page.wait_for_timeout(1500)
    assert count(view, "points") == points
    screenshot(view, artifacts_dir / "kernel-restarted.png")


def test_kernel_shutdown_keeps_the_picture_and_says_so(
    notebook: Notebook, artifacts_dir: Path
) -> None:
    notebook.run_all()  # the restarted kernel runs the notebook again
    view = _live_chart(notebook, "before_shutdown")
    notebook.shutdown_kernel()
    badge = view.locator(".livefeed-badge")
    expect(badge).to_contain_text("not connected", timeout=TIMEOUT * 1000)
    expect(badge).to_contain_text("showing the last data received")
    assert view.get_attribute("data-livefeed-kernel") == "gone"
    points = count(view, "points")
    assert points > 0
    expect(view.locator("canvas")).to_be_visible()
    # Clicking around a chart whose kernel is gone is harmless (no errors, no sends).
    view.get_by_role("button", name="Pause").click()
    view.get_by_role("button", name="Resume").click()
    notebook.page.wait_for_timeout(1500)
    assert count(view, "points") == points
    screenshot(view, artifacts_dir / "kernel-shut-down.png")
