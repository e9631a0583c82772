"""What the tests of charts drawn while a cell runs share: the training-loop cell and its check.

A training loop is the cell that shows a chart and then pushes to it until it ends, so every
point is drawn while the kernel is busy with that very cell. The check runs in JupyterLab and in
Notebook 7 alike.
"""

from __future__ import annotations

from playwright.sync_api import expect

from ..support.charts import TIMEOUT, readings_while_running, wait_for_points
from ..support.notebook import Notebook

STEPS = 200  # ~14 s of pushes, 70 ms apart

# Its last line is the marker that the cell has ended.
PUSH_LOOP = f"""\
import time

loss = LiveChart(None, x="step", y="loss", title="Training loop")
display(loss)
for step in range({STEPS}):
    loss.push({{"step": step, "loss": 1 / (1 + step)}})
    time.sleep(0.07)
print("loop done")
"""


def drawn(reading: dict[str, str]) -> tuple[int, float]:
    """(points drawn, newest x drawn) of one view's reading; x is -inf before any point."""
    return int(reading.get("points", "0")), float(reading.get("last-x", "-inf"))


def check_push_loop_draws_while_it_runs(notebook: Notebook, where: str) -> None:
    """Run the training loop and check that its chart draws and grows before the cell ends."""
    cell_id, run = notebook.start_cell(PUSH_LOOP)
    view = notebook.cell(cell_id).locator(".livefeed")
    expect(view).to_be_visible(timeout=TIMEOUT * 1000)
    readings = [
        r[0] for r in readings_while_running(notebook, cell_id, [view], run=run, done="loop done")
    ]
    notebook.wait_run(run)

    history = [drawn(r) for r in readings]
    print(f"{where}: (points, last x) drawn while the push loop ran: {history}")
    assert len(readings) >= 4, f"too few readings while the loop ran to judge: {readings}"
    with_points = [h for h in history if h[0] > 0]
    assert with_points, f"nothing was drawn while the loop ran: {readings[-1]}"
    (first_points, first_x), (last_points, last_x) = with_points[0], with_points[-1]
    assert last_points > first_points and last_x > first_x, (
        f"the chart did not grow while the loop ran: {history}"
    )
    # A kernel busy with the very cell that feeds the chart is no reason to call it gone.
    assert all(r["connected"] == "true" for r in readings), [r["connected"] for r in readings]
    wait_for_points(view, STEPS, what="the chart after the loop")
    notebook.run_cell("loss.stop()")
