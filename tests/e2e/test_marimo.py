"""livefeed in marimo (``notebooks/marimo_live.py``), in the editor (``marimo edit``) and as an
app (``marimo run``): a chart of the demo feed and a chart fed by ``push()`` in a loop draw
while that loop's cell runs, and their badges say they are live.

marimo shows a chart through ``mo.ui.anywidget``: its own widget front end, with no Jupyter
server and no widget manager, so it gets a server and a page of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from ..support.apps import WebApp
from ..support.browser import VIEWPORT, ConsoleRecorder, screenshot
from ..support.charts import TIMEOUT, count, read_views
from ..support.marimo import start_marimo
from ..support.waiting import wait_for
from .conftest import app_env, app_notebook

pytestmark = pytest.mark.e2e

# What the loop's cell shows once it has ended (its code, shown by the editor, has no digits there).
DONE = re.compile(r"\d+ steps pushed")
STEPS = 100  # the loop's pushes, one every 0.1 s


@pytest.fixture(scope="module", params=["edit", "run"])
def marimo(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    artifacts_dir: Path,
    demo_source: Any,
    pytestconfig: pytest.Config,
    chromium_path: str,  # without a browser, skip before starting a server
) -> Iterator[WebApp]:
    mode = str(request.param)
    work_dir = tmp_path_factory.mktemp(f"marimo-{mode}")
    notebook = app_notebook(pytestconfig, work_dir, "marimo_live.py")
    log_path = artifacts_dir / f"marimo-{mode}.log"
    app = start_marimo(
        mode, notebook, work_dir=work_dir, log_path=log_path, env=app_env(demo_source)
    )
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture
def marimo_page(
    browser: Browser, marimo: WebApp, artifacts_dir: Path, request: pytest.FixtureRequest
) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    console = ConsoleRecorder()
    console.attach(page)
    try:
        page.goto(marimo.url, timeout=TIMEOUT * 1000)
        yield page
    finally:
        name = request.node.callspec.id
        (artifacts_dir / f"console-marimo-{name}.log").write_text("\n".join(console.messages))
        context.close()
    assert not console.problems, "browser errors in marimo:\n" + "\n".join(
        map(str, console.problems)
    )


def _charts(page: Page) -> tuple[Locator, Locator]:
    views = page.locator(".livefeed")
    expect(views).to_have_count(2, timeout=TIMEOUT * 1000)
    ticker = page.locator(".livefeed", has_text="Ticker")
    training = page.locator(".livefeed", has_text="Training loss")
    return ticker, training


def test_charts_draw_while_another_cell_runs(
    marimo_page: Page, artifacts_dir: Path, request: pytest.FixtureRequest
) -> None:
    ticker, training = _charts(marimo_page)
    wait_for(lambda: count(training, "points") > 0, timeout=TIMEOUT, what="the first pushes")
    readings = []
    while not marimo_page.get_by_text(DONE).count():
        readings.append(read_views(marimo_page, [ticker, training]))
        marimo_page.wait_for_timeout(250)
    pushed = [int(r[1]["points"]) for r in readings]
    fed = [int(r[0]["points"]) for r in readings]
    # Read over the loop's run: both charts grew all along, not once at its end.
    assert len(readings) >= 8, pushed
    assert pushed == sorted(pushed) and pushed[0] < pushed[-1] <= STEPS, pushed
    assert pushed[len(pushed) // 2] < STEPS, pushed  # half way, the loop still ran
    assert fed[0] < fed[len(fed) // 2] < fed[-1], fed
    wait_for(lambda: count(training, "points") == STEPS, timeout=TIMEOUT, what="every push")
    # The badges tell the truth: live, no "not connected" in a front end without a kernel
    # manager to ask.
    for view in (ticker, training):
        assert view.get_attribute("data-livefeed-connected") == "true"
        expect(view.locator(".livefeed-badge")).not_to_contain_text("not connected")
    assert ticker.get_attribute("data-livefeed-status") == "live"
    screenshot(ticker, artifacts_dir / f"marimo-{request.node.callspec.id}.png")
