"""Hostile text from a feed stays text, and credentials never reach the page or the notebook.

Series names, field values and error messages come from whoever runs the feed; they are shown
with ``textContent`` only. Headers and the URL's query string stay in the kernel: the page gets
the URL without them, so they are neither in its widget state nor in a saved notebook.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, WebSocket, expect

from ..support.browser import screenshot
from ..support.charts import TIMEOUT, count, named_chart_view
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook
from ..support.waiting import wait_for

pytestmark = pytest.mark.e2e

IMG = "<img src=x onerror=window.__pwned=1>"
SCRIPT_VALUE = "<script>window.__pwned=2</script>"
SCRIPT_FIELD = "<script>window.__pwned=3</script>"
# Built in the kernel, so that the cells' own source (sent to the kernel, saved in the notebook)
# never holds the secret itself: only the chart could leak it.
SECRET = "SECRET"
MAKE_SECRET = 'secret = "".join(reversed("TERCES"))'


@pytest.fixture(scope="module")
def frames(page: Page) -> list[str | bytes]:
    """Every WebSocket frame the page sends or receives from now on (the kernel's included)."""
    seen: list[str | bytes] = []

    def keep(payload: str | bytes) -> None:
        seen.append(payload)

    def watch(ws: WebSocket) -> None:
        ws.on("framereceived", keep)
        ws.on("framesent", keep)

    page.on("websocket", watch)
    return seen


# The cells of the notebook these tests share, after the PRELUDE.
CELLS = [
    'hostile = LiveChart(x="t", y="v", group_by="name", title="Hostile feed")\nhostile',
    f"{MAKE_SECRET}\n"
    'private = LiveChart(f"{URL}/ticker?token={secret}", x="ts", y="price",'
    ' group_by="symbol", headers={"Authorization": f"Bearer {secret}"},'
    ' title="Private feed")\n'
    "private",
]


@pytest.fixture(scope="module")
def notebook(
    page: Page, lab_server: LabServer, save_widget_state: None, frames: list[str | bytes]
) -> Iterator[Notebook]:
    with running_notebook(
        page, lab_server, "security.ipynb", CELLS, closing="hostile.close(); private.close()"
    ) as notebook:
        yield notebook


def _assert_nothing_ran(page: Page, view: Locator) -> None:
    assert view.locator("img, script, iframe, object").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_hostile_names_values_and_errors_show_as_text(
    page: Page, notebook: Notebook, artifacts_dir: Path
) -> None:
    view = named_chart_view(notebook, "hostile")
    notebook.run_cell(
        f"hostile.push([{{'t': 1, 'v': 1.0, 'name': {IMG!r}}},"
        f" {{'t': 2, 'v': 2.0, 'name': {IMG!r}}}])"
    )
    expect(view.locator(".livefeed-legend-name")).to_have_text([IMG], timeout=TIMEOUT * 1000)
    _assert_nothing_ran(page, view)

    # A value that is no number: dropped, counted, and quoted in the badge.
    notebook.run_cell(f"hostile.push({{'t': 3, 'v': {SCRIPT_VALUE!r}, 'name': 'ok'}})")
    error = view.locator(".livefeed-badge-error")
    expect(error).to_contain_text(SCRIPT_VALUE, timeout=TIMEOUT * 1000)
    _assert_nothing_ran(page, view)

    # A message whose field names are markup: the missing-field error lists them.
    notebook.run_cell(f"hostile.push({{'t': 4, {SCRIPT_FIELD!r}: 1, 'name': 'ok'}})")
    expect(error).to_contain_text(SCRIPT_FIELD, timeout=TIMEOUT * 1000)
    # The badge cuts a long error to one line; the whole of it is its tooltip.
    assert SCRIPT_FIELD in (error.get_attribute("title") or "")
    _assert_nothing_ran(page, view)
    assert count(view, "points") == 2
    assert notebook.evaluate("hostile.stats['errors']") == "2"
    screenshot(view, artifacts_dir / "security-hostile-text.png")


def test_credentials_stay_in_the_kernel(
    page: Page, notebook: Notebook, lab_server: LabServer, frames: list[str | bytes]
) -> None:
    view = named_chart_view(notebook, "private")
    # The chart did connect with them: the credentials were in use all along.
    wait_for(lambda: count(view, "points") > 0, timeout=TIMEOUT, what="the private feed")
    assert notebook.evaluate("private.status") == "live"
    source = view.locator(".livefeed-source").inner_text()
    assert source.startswith("ws://127.0.0.1:") and source.endswith("/ticker")

    # Not in the page, nor in anything the page exchanged with the server and kernel.
    assert SECRET not in page.content()

    def carrying(text: str) -> list[str | bytes]:
        return [f for f in frames if (text if isinstance(f, str) else text.encode()) in f]

    # The capture works: it saw the cell that builds the secret go to the kernel.
    assert carrying("TERCES")
    leaks = carrying(SECRET)
    assert leaks == [], f"{len(leaks)} WebSocket frames carry the secret: {leaks[:1]!r}"

    # Not in the saved notebook, whose widget state holds the private chart's model.
    notebook.save()
    text = (lab_server.root_dir / notebook.path).read_text()
    assert SECRET not in text
    saved = json.loads(text)["metadata"]["widgets"]
    model_id = notebook.evaluate("private.model_id")
    state = saved["application/vnd.jupyter.widget-state+json"]["state"][model_id]["state"]
    assert state["source"] == source
    # And the page's own copy of the state, which it saved, holds none either.
    in_page = notebook.metadata_json("widgets")
    assert model_id in in_page and SECRET not in in_page
