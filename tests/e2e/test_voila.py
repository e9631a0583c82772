"""The sensor dashboard served by Voilà (``voila notebooks/sensors.ipynb``): the notebook runs in a
kernel of Voilà's, its code hidden, and the charts on the served page draw live points.

Voilà is a front end of its own (its page loads the widget manager and the charts' module from the
kernel's comm), so it gets a server of its own and a page of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from livefeed.demo import SENSORS

from ..support.apps import WebApp
from ..support.browser import VIEWPORT, ConsoleRecorder, PageProblem, screenshot
from ..support.charts import TIMEOUT, count, wait_for_more_points
from ..support.voila import start_voila
from ..support.waiting import wait_for
from .conftest import app_env, app_notebook

pytestmark = pytest.mark.e2e

CHARTS = 4  # sensors.ipynb: three quantities, and the greenhouse alone

# Console errors Voilà's own page logs with any notebook, as (text, where), each with why it is
# harmless.
HARMLESS = [
    # Voilà loads the lab extensions installed beside it, and Notebook 7's (installed for the
    # other tests) asks for a module Voilà's page does not share.
    (
        re.compile(
            r"Error: The getter for the shared module is not a function\..*RUNTIME-012.*"
            r"@jupyter-notebook/.*",
            re.DOTALL,
        ),
        re.compile(r".*"),
    ),
    # Voilà's page takes its icon font from a CDN, which this machine cannot reach.
    (
        re.compile(r"Failed to load resource: net::ERR_NAME_NOT_RESOLVED"),
        re.compile(r"https://cdn\.jsdelivr\.net/npm/@fortawesome/.*"),
    ),
]


def _harmless(problem: PageProblem) -> bool:
    return any(
        text.fullmatch(problem.text) and where.fullmatch(problem.where) for text, where in HARMLESS
    )


@pytest.fixture(scope="module")
def voila(
    tmp_path_factory: pytest.TempPathFactory,
    artifacts_dir: Path,
    demo_source: Any,
    pytestconfig: pytest.Config,
    chromium_path: str,  # without a browser, skip before starting a server
) -> Iterator[WebApp]:
    work_dir = tmp_path_factory.mktemp("voila")
    notebook = app_notebook(pytestconfig, work_dir, "sensors.ipynb")
    log_path = artifacts_dir / "voila.log"
    server = start_voila(notebook, work_dir=work_dir, log_path=log_path, env=app_env(demo_source))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def dashboard(browser: Browser, voila: WebApp, artifacts_dir: Path) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    console = ConsoleRecorder()
    console.attach(page)
    try:
        # Voilà answers once the whole notebook has run, the charts included.
        page.goto(voila.url, timeout=TIMEOUT * 1000 * 3)
        yield page
    finally:
        (artifacts_dir / "console-voila.log").write_text("\n".join(console.messages) + "\n")
        context.close()
    bad = [p for p in console.problems if not _harmless(p)]
    assert not bad, "browser errors on the Voilà page:\n" + "\n".join(map(str, bad))


def test_voila_serves_the_sensor_dashboard_live(dashboard: Page, artifacts_dir: Path) -> None:
    views = dashboard.locator(".livefeed")
    expect(views).to_have_count(CHARTS, timeout=TIMEOUT * 1000)
    # Every chart draws points, and more as the feed goes on.
    for k in range(CHARTS):
        view = views.nth(k)
        wait_for(lambda v=view: count(v, "points") > 0, timeout=TIMEOUT, what="the first points")
        wait_for_more_points(view)
        assert view.get_attribute("data-livefeed-status") == "live"
        assert view.get_attribute("data-livefeed-kernel") == "ok"
    # One line per sensor in each quantity's chart, named in its legend.
    names = views.first.locator(".livefeed-legend-name")
    expect(names).to_have_text(list(SENSORS), timeout=TIMEOUT * 1000)
    # The notebook's table of latest readings came from chart.data, in the kernel Voilà runs.
    table = dashboard.locator(".jp-OutputArea-output table").first
    for sensor in SENSORS:
        expect(table).to_contain_text(sensor)
    # Voilà shows outputs only: the notebook's code is not on the page.
    expect(dashboard.get_by_text("LiveChart(", exact=False)).to_have_count(0)
    screenshot(dashboard.locator("body"), artifacts_dir / "voila-sensors.png")
