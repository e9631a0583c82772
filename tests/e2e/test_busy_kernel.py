"""Charts draw while a cell runs: nothing a view draws waits for the kernel to answer it.

Messages from the page to the kernel wait while a cell runs, while the kernel's messages (sent
from its background thread) keep coming. So a view must draw every batch as it arrives, from the
moment it appears: a chart shown by the running cell itself, a chart shown again by a cell that
then runs long, and a chart that lost batches on the way while a cell runs. Every check reads what
the views drew before the running cell ended.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from ..support.charts import (
    TIMEOUT,
    count,
    named_chart_view,
    readings_while_running,
    wait_for_points,
)
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook
from ..support.waiting import wait_for
from .busy import check_push_loop_draws_while_it_runs, drawn

pytestmark = pytest.mark.e2e

# More points than the saved snapshot keeps per series (2000): a view that started from the
# snapshot would show fewer than the chart holds.
QUIET_POINTS = 5000

CELLS = [
    'ticker = LiveChart(f"{URL}/ticker?rate=20", x="ts", y="price", group_by="symbol",'
    ' title="Ticker")\nticker',
    'quiet = LiveChart(x="step", y="loss", title="Finished run")\n'
    f"quiet.push([{{'step': i, 'loss': (i % 97) / 97}} for i in range({QUIET_POINTS})])\n"
    "quiet",
]


@pytest.fixture(scope="module")
def notebook(page: Page, lab_server: LabServer) -> Iterator[Notebook]:
    with running_notebook(
        page, lab_server, "busy.ipynb", CELLS, closing="ticker.stop(); quiet.close()"
    ) as notebook:
        yield notebook


def test_a_chart_fed_by_its_own_cell_draws_while_the_cell_runs(notebook: Notebook) -> None:
    check_push_loop_draws_while_it_runs(notebook, "JupyterLab")


SHOW_AGAIN = """\
import time

display(quiet)
display(ticker)
print("shown", flush=True)
time.sleep(12)
print("done")
"""


def test_a_chart_shown_again_while_a_cell_runs_draws_at_once(notebook: Notebook) -> None:
    first_quiet = named_chart_view(notebook, "quiet")
    first_ticker = named_chart_view(notebook, "ticker")
    wait_for_points(first_quiet, QUIET_POINTS, what="the first view of the quiet chart")
    wait_for(lambda: count(first_ticker, "points") > 0, timeout=TIMEOUT, what="the ticker")

    cell_id, run = notebook.start_cell(SHOW_AGAIN)
    again = notebook.cell(cell_id).locator(".livefeed")
    expect(again).to_have_count(2, timeout=TIMEOUT * 1000)
    views = [first_quiet, again.nth(0), first_ticker, again.nth(1)]
    readings = readings_while_running(notebook, cell_id, views, run=run, done="done")
    notebook.wait_run(run)

    # Readings once the new views had drawn a frame (the first comes with the next animation frame).
    drawing = [r for r in readings if int(r[1]["frames"]) > 0 and int(r[3]["frames"]) > 0]
    print(
        "second views while the cell ran (quiet points, ticker points first/new): "
        f"{[(int(r[1]['points']), int(r[2]['points']), int(r[3]['points'])) for r in drawing]}"
    )
    assert len(drawing) >= 4, f"too few readings while the cell ran: {readings}"
    for old_quiet, new_quiet, _, _ in drawing:
        # The very points of the first view: the whole window, not the saved snapshot.
        for name in ("points", "last-x", "x-range", "y-range"):
            assert new_quiet.get(name) == old_quiet.get(name), (name, new_quiet, old_quiet)
    ticker_history = [drawn(r[3]) for r in drawing]
    assert all(points > 0 for points, _ in ticker_history), ticker_history
    assert ticker_history[-1][1] > ticker_history[0][1], (
        f"the new ticker view stood still while the cell ran: {ticker_history}"
    )
    # Both views of the ticker draw from the same data: seen at the same frame, they agree.
    assert any(drawn(r[2]) == drawn(r[3]) for r in drawing), [
        (drawn(r[2]), drawn(r[3])) for r in drawing
    ]


# A burst of widget messages past the server's IOPub rate limit (1000 messages/s over 3 s): the
# server drops every message for seconds, the ticker's batches among them. It drops the cell's
# own output too, so the cell prints many lines after the burst (one gets through once the limit
# has recovered), and the test tells the cell's end by its reply, which no limit drops.
FLOOD = """\
import time

import ipywidgets

flood = ipywidgets.IntText()
for i in range(10000):
    flood.value = i
time.sleep(5)
for k in range(30):
    print("after the burst", k, flush=True)
    time.sleep(0.5)
"""


def _gaps(view: Locator) -> int:
    """Sequence gaps the view's chart has seen."""
    return int(view.get_attribute("data-livefeed-gaps") or 0)


def test_a_chart_that_lost_batches_draws_on_while_a_cell_runs(notebook: Notebook) -> None:
    view = named_chart_view(notebook, "ticker")
    gaps_before = _gaps(view)
    cell_id, run = notebook.start_cell(FLOOD)
    wait_for(
        lambda: "after the burst" in notebook.output_text(cell_id),
        timeout=TIMEOUT,
        what="the burst of messages to end",
    )
    readings = [r[0] for r in readings_while_running(notebook, cell_id, [view], run=run)]
    notebook.wait_run(run)

    history = [drawn(r) for r in readings]
    print(f"after lost batches, while the cell ran: (points, last x) {history}")
    print(f"gaps seen: {[r.get('gaps') for r in readings]}")
    print(f"sync awaiting its reset: {[r.get('syncing') for r in readings]}")
    assert len(readings) >= 4, f"too few readings while the cell ran: {readings}"
    assert history[-1][1] > history[0][1], f"the chart stood still after the gap: {history}"
    # Batches were lost on the way and the view noticed (else this test tests nothing), and it
    # went on drawing after it noticed.
    noticed = [i for i, r in enumerate(readings) if int(r.get("gaps", "0")) > gaps_before]
    assert noticed, f"no gap was seen: {readings[-1]}"
    after = history[noticed[0] :]
    assert len(after) >= 2 and after[-1][1] > after[0][1], f"stood still after the gap: {after}"
    # Once the cell has ended the kernel answers the view's sync: it holds the whole window.
    notebook.run_cell("flood.close(); ticker.stop()")
    held = int(notebook.evaluate("len(ticker.data)"))
    wait_for_points(view, held, what="the ticker once its sync was answered")
    assert view.get_attribute("data-livefeed-syncing") == "false"
