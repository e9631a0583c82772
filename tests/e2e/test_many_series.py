"""A chart of many series in JupyterLab: its lines live on a layer that moves with the x axis
while a cell feeds it, and what it draws that way is the picture drawn in full.

The view's `data-livefeed-layer` attribute counts the frames that drew the layer in full and the
frames that moved it ("full moved"); the picture is read from the plot's canvas.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect

from ..support.charts import TIMEOUT, readings_while_running
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook
from ..support.waiting import wait_for

pytestmark = pytest.mark.e2e

SERIES = 60  # above LAYER_MIN_SERIES (js/strip.js)
WINDOW = 200

# Shown and fed in one cell: ten points per series per push, random values, the x axis
# following the newest.
FEED = f"""\
import time
import numpy as np

many = LiveChart(None, x="t", y="v", group_by="g", x_type="number", window={WINDOW}, height=240)
display(many)
rng = np.random.default_rng(5)
names = [f"s{{k}}" for k in range({SERIES})]
for step in range(60):
    t = np.arange(step * 10, step * 10 + 10, dtype=float)
    values = rng.normal(0, 1, {SERIES} * 10)
    many.push({{"t": np.repeat(t, {SERIES}), "g": names * 10, "v": values}})
    time.sleep(0.08)
time.sleep(1)
print("fed")
"""


@pytest.fixture(scope="module")
def notebook(page: Page, lab_server: LabServer) -> Iterator[Notebook]:
    # Each test's chart, stopped if that test ran.
    closing = "for name in ('many', 'legend'):\n    name in globals() and globals()[name].stop()"
    with running_notebook(page, lab_server, "many.ipynb", [], closing=closing) as nb:
        yield nb


def _ink(view: Locator) -> np.ndarray:
    """Which pixels of the plot's canvas hold something drawn (a boolean image)."""
    width, height, mask = view.evaluate(
        """(root) => {
          const c = root.querySelector('.livefeed-plot canvas');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let mask = '';
          for (let i = 3; i < d.length; i += 4) mask += d[i] > 64 ? '1' : '0';
          return [c.width, c.height, mask];
        }"""
    )
    return np.frombuffer(mask.encode(), dtype=np.uint8).reshape(height, width) == ord("1")


def _covered(ink: np.ndarray, by: np.ndarray, reach: int = 2) -> float:
    """The share of `ink`'s pixels with a pixel of `by` at most `reach` pixels away."""
    near = np.zeros_like(by)
    h, w = by.shape
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            near[max(0, dy) : h + min(0, dy), max(0, dx) : w + min(0, dx)] |= by[
                max(0, -dy) : h + min(0, -dy), max(0, -dx) : w + min(0, -dx)
            ]
    return float((ink & near).sum() / max(1, ink.sum()))


def test_many_lines_move_on_their_layer_and_draw_what_a_full_picture_draws(
    notebook: Notebook,
) -> None:
    cell_id, run = notebook.start_cell(FEED)
    view = notebook.cell(cell_id).locator(".livefeed")
    expect(view).to_be_visible(timeout=TIMEOUT * 1000)
    readings = readings_while_running(
        notebook, cell_id, [view], run=run, done="fed", keep_in_sight=True
    )
    layers = [tuple(map(int, r[0]["layer"].split())) for r in readings if r[0].get("layer")]
    assert layers, f"no frame drew a layer while the cell ran: {readings[-1:]}"
    full, moved = layers[-1]
    # Most frames moved the layer and drew only the new segments.
    assert moved > full >= 1, layers
    notebook.wait_run(run)
    wait_for(
        lambda: view.get_attribute("data-livefeed-points") == str(SERIES * WINDOW),
        what="every series' window",
    )
    view.scroll_into_view_if_needed()
    moved_picture = _ink(view)
    frames = int(view.get_attribute("data-livefeed-frames") or "0")
    # The same width as the default: a new plot, drawn in full, of the same picture.
    notebook.run_cell('many.style("s0", width=1)')
    view.scroll_into_view_if_needed()
    wait_for(
        lambda: (
            int(view.get_attribute("data-livefeed-frames") or "0") > frames
            and (view.get_attribute("data-livefeed-layer") or "").startswith("1 ")
        ),
        what="a plot drawn anew",
    )
    full_picture = _ink(view)
    assert moved_picture.sum() > 0.05 * moved_picture.size  # lines, not an empty plot
    # Every line drawn on the moved layer is within 2 pixels of one drawn in full, and back.
    assert _covered(moved_picture, full_picture) > 0.99
    assert _covered(full_picture, moved_picture) > 0.99


def _legend_values(view: Locator) -> dict[str, str]:
    names = view.locator(".livefeed-legend-name").all_inner_texts()
    values = view.locator(".livefeed-legend-value").all_inner_texts()
    return dict(zip(names, values, strict=True))


def _matches(shown: str, value: float) -> bool:
    try:
        return abs(float(shown) - value) <= 1e-5 * max(1.0, abs(value))
    except ValueError:  # the dash of no value
        return False


def test_legend_entries_scrolled_into_sight_show_their_latest_values(
    notebook: Notebook,
) -> None:
    # Fed, then read back from the kernel: each series' latest value.
    notebook.run_cell(FEED.replace("time.sleep(0.08)", "").replace("many", "legend"))
    latest = json.loads(
        notebook.run_cell(
            "import json\n"
            "print(json.dumps(legend.data.groupby('series', observed=True)['value'].last()"
            ".to_dict()))"
        )
    )
    assert len(latest) == SERIES
    view = notebook.cell(notebook.cell_ids()[-2]).locator(".livefeed")
    view.scroll_into_view_if_needed()
    entries = view.locator(".livefeed-legend-item")
    last = entries.nth(SERIES - 1)
    # The legend scrolls: the last entry starts out of its sight, and comes into it.
    assert not _in_legend_sight(view, SERIES - 1)
    last.scroll_into_view_if_needed()
    wait_for(lambda: _in_legend_sight(view, SERIES - 1), what="the last entry in sight")
    wait_for(
        lambda: _matches(_legend_values(view)[f"s{SERIES - 1}"], latest[f"s{SERIES - 1}"]),
        what="the last entry's latest value",
    )
    first = entries.nth(0)
    first.scroll_into_view_if_needed()
    wait_for(lambda: _matches(_legend_values(view)["s0"], latest["s0"]), what="s0's latest value")


def _in_legend_sight(view: Locator, k: int) -> bool:
    """Whether the legend's k-th entry is inside the legend's scrolled box."""
    return bool(
        view.evaluate(
            """(root, k) => {
              const legend = root.querySelector('.livefeed-legend');
              const item = legend.querySelectorAll('.livefeed-legend-item')[k];
              const a = legend.getBoundingClientRect(), b = item.getBoundingClientRect();
              return b.bottom > a.top && b.top < a.bottom;
            }""",
            k,
        )
    )
