"""Pausing, zooming and reading a live chart, as a user does with the mouse and from Python.

One notebook session: a ticker chart fed by the demo source (four symbols, so four series) and a
chart fed by ``push()`` with known values, for reading values exactly.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from ..support.browser import screenshot
from ..support.charts import TIMEOUT, count, named_chart_view, value_range, wait_for_more_points
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook
from ..support.waiting import wait_for

pytestmark = pytest.mark.e2e

PUSHED_POINTS = 100  # per series of the pushed chart: x = 0..99


# The cells of the notebook these tests share, after the PRELUDE.
CELLS = [
    'ticker = LiveChart(f"{URL}/ticker?rate=20", x="ts", y="price", group_by="symbol",'
    ' title="Ticker")\nticker',
    'pushed = LiveChart(x="step", y="loss", group_by="run", title="Pushed")\n'
    "pushed.push([{'step': i, 'loss': 2.0 * i, 'run': 'a'} for i in range(100)])\n"
    "pushed.push([{'step': i, 'loss': 3.0 * i + 0.5, 'run': 'b'} for i in range(100)])\n"
    "pushed",
]


@pytest.fixture(scope="module")
def notebook(page: Page, lab_server: LabServer) -> Iterator[Notebook]:
    with running_notebook(
        page, lab_server, "controls.ipynb", CELLS, closing="ticker.stop(); pushed.close()"
    ) as notebook:
        yield notebook


def _view(notebook: Notebook, name: str) -> Locator:
    view = named_chart_view(notebook, name)
    wait_for(lambda: count(view, "points") > 0, timeout=TIMEOUT, what=f"{name} to draw")
    return view


@pytest.fixture(scope="module")
def ticker(notebook: Notebook) -> Locator:
    return _view(notebook, "ticker")


@pytest.fixture(scope="module")
def pushed(notebook: Notebook) -> Locator:
    return _view(notebook, "pushed")


def _kernel_points(notebook: Notebook) -> int:
    return int(notebook.evaluate('ticker.stats["points"]'))


def _assert_frozen_while_data_arrives(notebook: Notebook, view: Locator) -> None:
    """While paused, nothing is drawn although the kernel and the view's buffers keep filling."""
    points, frames = count(view, "points"), count(view, "frames")
    received = count(view, "received")
    in_kernel = _kernel_points(notebook)
    wait_for(
        lambda: _kernel_points(notebook) > in_kernel + 20,
        timeout=TIMEOUT,
        what="the kernel to receive more points while paused",
    )
    wait_for(
        lambda: count(view, "received") > received,
        timeout=TIMEOUT,
        what="the paused view to keep receiving batches",
    )
    assert (count(view, "points"), count(view, "frames")) == (points, frames), (
        "the paused chart drew"
    )


def _assert_catches_up_at_once(notebook: Notebook, view: Locator, resume: str) -> None:
    """The first frame after resuming shows at least everything the kernel held before it."""
    frames = count(view, "frames")
    held = int(notebook.evaluate("len(ticker.data)"))
    if resume == "python":
        notebook.run_cell("ticker.resume()")
    else:
        view.get_by_role("button", name="Resume").click()
    # Running a cell scrolls the notebook (the more cells the checks above ran, the further),
    # and a view out of sight draws nothing: look at it, as the user who resumes it does. The
    # attributes come with a frame, so the first frame drawn resumed is the one that says so.
    view.scroll_into_view_if_needed()
    wait_for(
        lambda: (
            count(view, "frames") > frames and view.get_attribute("data-livefeed-paused") == "false"
        ),
        timeout=TIMEOUT,
        what="a frame drawn resumed",
    )
    assert count(view, "points") >= held, (
        f"the first frame after resuming showed {count(view, 'points')} points, "
        f"the kernel held {held} before"
    )
    assert view.get_attribute("data-livefeed-paused") == "false"


def test_pause_and_resume_from_python(notebook: Notebook, ticker: Locator) -> None:
    notebook.run_cell("ticker.pause()")
    wait_for(
        lambda: ticker.get_attribute("data-livefeed-paused") == "true",
        timeout=TIMEOUT,
        what="the view to pause",
    )
    expect(ticker.get_by_role("button", name="Resume")).to_be_visible()
    _assert_frozen_while_data_arrives(notebook, ticker)
    _assert_catches_up_at_once(notebook, ticker, "python")
    # And it goes on drawing.
    ticker.scroll_into_view_if_needed()
    wait_for_more_points(ticker, what="the resumed chart")


def test_pause_and_resume_with_the_button(notebook: Notebook, ticker: Locator) -> None:
    ticker.get_by_role("button", name="Pause").click()
    # The button answers at once; the attributes come with the frame that draws the still picture.
    expect(ticker.get_by_role("button", name="Resume")).to_be_visible()
    wait_for(
        lambda: ticker.get_attribute("data-livefeed-paused") == "true",
        timeout=TIMEOUT,
        what="the view to draw paused",
    )
    # The button tells the kernel too, so every view and Python agree.
    wait_for(
        lambda: notebook.evaluate("ticker.paused") == "True",
        timeout=TIMEOUT,
        what="the kernel to see the pause",
    )
    _assert_frozen_while_data_arrives(notebook, ticker)
    _assert_catches_up_at_once(notebook, ticker, "button")
    wait_for(
        lambda: notebook.evaluate("ticker.paused") == "False",
        timeout=TIMEOUT,
        what="the kernel to see the resume",
    )


def _drag(page: Page, view: Locator, start: float, end: float) -> None:
    """Drag across the plot from ``start`` to ``end`` (fractions of its width)."""
    view.scroll_into_view_if_needed()
    box = view.locator(".u-over").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * start, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end, y, steps=8)
    page.mouse.up()


def _following(view: Locator) -> str | None:
    return view.get_attribute("data-livefeed-following")


def _assert_y_fits_the_visible_points(notebook: Notebook, view: Locator) -> None:
    x_low, x_high = value_range(view, "x-range")
    y_low, y_high = value_range(view, "y-range")
    # The chart leaves 5 % above and below: take it off to get the extent of the drawn points.
    span = (y_high - y_low) / 1.1
    drawn_low, drawn_high = y_low + 0.05 * span, y_high - 0.05 * span
    # A point within a millisecond of either edge may fall either side of it once the kernel's
    # datetimes are turned back into milliseconds: bound the drawn extent by the extents of the
    # range shrunk and grown by that much.
    inner = notebook.evaluate(f"y_extent(ticker, {x_low + 1}, {x_high - 1})")
    outer = notebook.evaluate(f"y_extent(ticker, {x_low - 1}, {x_high + 1})")
    inner_low, inner_high = (float(v) for v in inner.split())
    outer_low, outer_high = (float(v) for v in outer.split())
    tolerance = 1e-9 * max(1.0, abs(outer_high))
    assert outer_low - tolerance <= drawn_low <= inner_low + tolerance
    assert inner_high - tolerance <= drawn_high <= outer_high + tolerance


def test_drag_zooms_and_double_click_follows_again(
    page: Page, notebook: Notebook, ticker: Locator, artifacts_dir: Path
) -> None:
    # Some seconds of data, so that a third of the plot holds a few seconds.
    wait_for(lambda: count(ticker, "points") > 400, timeout=TIMEOUT, what="400 points")
    assert _following(ticker) == "true"
    full_low, full_high = value_range(ticker, "y-range")
    _drag(page, ticker, 0.3, 0.55)
    wait_for(lambda: _following(ticker) == "false", timeout=TIMEOUT, what="a zoom")
    x_low, x_high = value_range(ticker, "x-range")
    frames = count(ticker, "frames")
    # The zoomed range stays put while new points arrive to its right.
    wait_for(lambda: count(ticker, "frames") > frames + 5, timeout=TIMEOUT, what="frames")
    assert value_range(ticker, "x-range") == (x_low, x_high)
    _assert_y_fits_the_visible_points(notebook, ticker)
    zoom_low, zoom_high = value_range(ticker, "y-range")
    assert full_low <= zoom_low and zoom_high <= full_high
    expect(ticker.get_by_role("button", name="Follow")).to_be_enabled()
    screenshot(ticker, artifacts_dir / "controls-zoomed.png")

    ticker.locator(".u-over").dblclick()
    wait_for(lambda: _following(ticker) == "true", timeout=TIMEOUT, what="following")
    # Following again: the x range reaches the newest point as it moves on.
    wait_for(
        lambda: value_range(ticker, "x-range")[1] > x_high,
        timeout=TIMEOUT,
        what="the x range to move on",
    )
    expect(ticker.get_by_role("button", name="Follow")).to_be_disabled()


# A drag across the plot made by events dispatched in one task, the attributes read in that same
# task (before any frame can run) and again after the next frames.
DRAG_AND_READ = """async (root) => {
  const read = () => ({
    following: root.getAttribute('data-livefeed-following'),
    xRange: root.getAttribute('data-livefeed-x-range'),
  });
  const over = root.querySelector('.u-over');
  const box = over.getBoundingClientRect();
  let x = 0;
  const at = (type, f) => {
    const to = box.left + box.width * f;
    over.dispatchEvent(new MouseEvent(type, {
      bubbles: true, cancelable: true, button: 0, view: window,
      clientX: to, clientY: box.top + box.height / 2, movementX: to - x, movementY: 0,
    }));
    x = to;
  };
  const before = read();
  at('mousedown', 0.3);
  at('mousemove', 0.4);
  at('mousemove', 0.55);
  at('mouseup', 0.55);
  const during = read();
  // The Follow button says at once that the drag zoomed (the picture waits for a frame).
  const zoomed = [...root.querySelectorAll('button')].some(
    (b) => b.textContent === 'Follow' && !b.disabled);
  // Frames until one writes the zoom: the next, unless the page is slow to give one.
  let frames = 0;
  while (read().following !== 'false' && frames < 120) {
    await new Promise((r) => requestAnimationFrame(r));
    frames += 1;
  }
  return { before, during, zoomed, frames, after: read() };
}"""


def test_a_zoom_changes_the_picture_attributes_together(
    notebook: Notebook, ticker: Locator
) -> None:
    ticker.scroll_into_view_if_needed()
    wait_for(lambda: _following(ticker) == "true", timeout=TIMEOUT, what="following")
    seen = ticker.evaluate(DRAG_AND_READ)
    print(f"attributes before, right after and frames after a drag: {seen}")
    # Until a frame draws the zoom, the attributes describe the picture shown: still following.
    assert seen["during"] == seen["before"], seen
    assert seen["before"]["following"] == "true"
    assert seen["zoomed"], seen  # the drag was a zoom
    # The frame that draws the zoom writes both: not following, and the dragged quarter.
    assert seen["after"]["following"] == "false", seen
    before = [float(v) for v in seen["before"]["xRange"].split()]
    after = [float(v) for v in seen["after"]["xRange"].split()]
    assert after[1] - after[0] < 0.5 * (before[1] - before[0]), seen
    ticker.get_by_role("button", name="Follow").click()
    wait_for(lambda: _following(ticker) == "true", timeout=TIMEOUT, what="following")


def test_follow_button_ends_a_zoom(page: Page, notebook: Notebook, ticker: Locator) -> None:
    _drag(page, ticker, 0.5, 0.8)
    wait_for(lambda: _following(ticker) == "false", timeout=TIMEOUT, what="a zoom")
    _assert_y_fits_the_visible_points(notebook, ticker)
    ticker.get_by_role("button", name="Follow").click()
    wait_for(lambda: _following(ticker) == "true", timeout=TIMEOUT, what="following")
    # While following, the y range fits the whole window.
    frames = count(ticker, "frames")
    wait_for(lambda: count(ticker, "frames") > frames, timeout=TIMEOUT, what="a frame")


def _legend(view: Locator) -> dict[str, str]:
    names = view.locator(".livefeed-legend-name").all_inner_texts()
    values = view.locator(".livefeed-legend-value").all_inner_texts()
    return dict(zip(names, values, strict=True))


def test_legend_shows_each_series_latest_value(pushed: Locator) -> None:
    last = PUSHED_POINTS - 1
    assert _legend(pushed) == {"a": f"{2 * last:g}", "b": f"{3 * last + 0.5:g}"}
    assert pushed.locator(".livefeed-legend-x").inner_text() == ""


def test_hover_shows_the_values_under_the_cursor(page: Page, pushed: Locator) -> None:
    pushed.scroll_into_view_if_needed()
    box = pushed.locator(".u-over").bounding_box()
    assert box is not None
    # x runs from 0 to 99 across the plot's width: aim at 25 and read what the legend says.
    page.mouse.move(box["x"] + box["width"] * 25 / (PUSHED_POINTS - 1), box["y"] + 10)
    label = pushed.locator(".livefeed-legend-x")
    expect(label).to_have_text(re.compile(r"at [\d.]+"), timeout=TIMEOUT * 1000)
    # The label says where the cursor is; the values are those of the nearest points.
    x = round(float(label.inner_text().removeprefix("at ")))
    assert abs(x - 25) <= 1
    assert _legend(pushed) == {"a": f"{2 * x:g}", "b": f"{3 * x + 0.5:g}"}
    # Leaving the plot brings back the latest values.
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] + 200)
    expect(label).to_have_text("", timeout=TIMEOUT * 1000)
    last = PUSHED_POINTS - 1
    assert _legend(pushed)["a"] == f"{2 * last:g}"


def test_badge_shows_status_and_message_rate(
    ticker: Locator, pushed: Locator, artifacts_dir: Path
) -> None:
    badge = ticker.locator(".livefeed-badge")
    facts = re.compile(r"live · (\d+(?:\.\d)?) msg/s · ([\d,]+) points")
    expect(badge).to_contain_text(facts, timeout=TIMEOUT * 1000)
    match = facts.search(badge.inner_text())
    assert match is not None
    assert float(match.group(1)) > 0
    # Nothing is said about errors when there are none.
    assert not ticker.locator(".livefeed-badge-error").is_visible()
    # The legend names every symbol of the demo ticker, each with a number.
    legend = _legend(ticker)
    assert sorted(legend) == ["ACME", "BETA", "DELTA", "GAMMA"]
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in legend.values()), legend
    time.sleep(0.5)  # let the line reach the right edge before the picture
    screenshot(ticker, artifacts_dir / "controls-ticker.png")
