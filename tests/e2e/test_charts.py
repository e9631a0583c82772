"""Chart kinds, axes, following and zooming, linked charts, the legend, annotations, alerts and
export, in JupyterLab.

The kinds are told apart by the pixels they paint: the same points drawn as a line, steps, dots,
an area or bars light different probe points of the plot, each found from the ranges the view
publishes. Everything else is read from the views' data attributes and from the kernel.
"""

from __future__ import annotations

import base64
import json
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page

from ..support.charts import (
    TIMEOUT,
    count,
    named_chart_view,
    readings_while_running,
    value_range,
    wait_for_points,
)
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook
from ..support.waiting import wait_for

pytestmark = pytest.mark.e2e

KINDS = ("line", "step", "scatter", "area", "bars")

# The points every kind chart draws: 2, 8, 2, 8... at t = 0..20.
POINTS = "{'t': list(range(21)), 'v': [2.0 if i % 2 == 0 else 8.0 for i in range(21)]}"

# Probe points (t, v), between and on the points: (10.5, 5) lies on the line from (10, 2) to
# (11, 8); (10.5, 2) on the step that holds 2 until t = 11; (11, 5) halfway up the bar (and the
# step's rise) at t = 11, which a line only touches at its end; (11, 8) is a point itself.
PROBES = [(10.5, 5.0), (10.5, 2.0), (11.0, 5.0), (11.0, 8.0)]
PAINTED = {
    "line": [True, False, False, True],
    "step": [False, True, True, True],
    "scatter": [False, False, False, True],
    "area": [True, True, True, True],
    "bars": [False, False, True, True],
}

CELLS = [
    "import time\nfrom livefeed import link\nfired = []",
    *(
        f'{kind} = LiveChart(None, x="t", y="v", kind="{kind}", x_type="number", height=200)\n'
        f"{kind}.push({POINTS})\n{kind}"
        for kind in KINDS
    ),
    # Two axes of very different values; the volume is drawn as bars on the right.
    'axes = LiveChart(None, x="t", y=["price", "volume"], x_type="number", height=200,'
    ' series={"volume": {"axis": "right", "kind": "bars"}})\n'
    "axes.push({'t': list(range(50)), 'price': [100 + i % 7 for i in range(50)],"
    " 'volume': [5000 + 100 * (i % 5) for i in range(50)]})\naxes",
    'logged = LiveChart(None, x="t", y="v", x_type="number", y_scale="log", height=200)\n'
    "logged.push({'t': [0, 1, 2, 3, 4], 'v': [1, 10, 0, 1000, -5]})\nlogged",
    'fixed = LiveChart(None, x="t", y="v", x_type="number", y_range=(0, 50), height=200)\n'
    "fixed.push({'t': list(range(10)), 'v': [float(i) for i in range(10)]})\nfixed",
    # Two linked charts: the first follows the newest 10 points of its 100.
    'left = LiveChart(None, x="t", y="v", x_type="number", follow=10, height=160)\n'
    "left.push({'t': list(range(100)), 'v': [float(i % 9) for i in range(100)]})\nleft",
    'right = LiveChart(None, x="t", y="w", x_type="number", height=160)\n'
    "right.push({'t': list(range(100)), 'w': [float(i % 4) for i in range(100)]})\n"
    "group = link(left, right)\nright",
    'noted = LiveChart(None, x="t", y="v", x_type="number", height=200, title="noted")\n'
    "noted.push({'t': list(range(30)), 'v': [float(i) for i in range(30)]})\n"
    'noted.hline(20, label="limit", color="crimson")\nnoted.vline(5, label="start")\n'
    'noted.mark(12, "deploy")\nnoted',
    'alarmed = LiveChart(None, x="t", y="v", x_type="number", height=200)\n'
    'alarmed.alert("v", above=100, callback=fired.append)\nalarmed',
    'zoned = LiveChart(None, x="t", y="v", tz="Asia/Tokyo", height=200)\n'
    "zoned.push({'t': pd.date_range('2026-01-01T00:00Z', periods=11, freq='1s'),"
    " 'v': [float(i) for i in range(11)]})\nzoned",
]

# Whether a probe point is painted in the series' colour (blue, the palette's first), within
# 2 CSS pixels: grid lines are grey, and the area's fill is the same blue, translucent.
PROBE_JS = r"""([root, probes]) => {
  const canvas = root.querySelector('.livefeed-plot canvas');
  const over = root.querySelector('.u-over').getBoundingClientRect();
  const box = canvas.getBoundingClientRect();
  const ratio = canvas.width / box.width;
  const [x0, x1] = root.dataset.livefeedXRange.split(' ').map(Number);
  const [y0, y1] = root.dataset.livefeedYRange.split(' ').map(Number);
  const ctx = canvas.getContext('2d');
  return probes.map(([x, y]) => {
    const px = (over.left - box.left + (x - x0) / (x1 - x0) * over.width) * ratio;
    const py = (over.top - box.top + (y1 - y) / (y1 - y0) * over.height) * ratio;
    const r = Math.round(2 * ratio);
    const side = 2 * r + 1;
    const data = ctx.getImageData(Math.round(px) - r, Math.round(py) - r, side, side).data;
    for (let i = 0; i < data.length; i += 4) {
      const [red, green, blue, alpha] = data.slice(i, i + 4);
      if (alpha > 30 && blue > red + 60 && blue > green + 30) return true;
    }
    return false;
  });
}"""


@pytest.fixture(scope="module")
def notebook(page: Page, lab_server: LabServer, save_widget_state: None) -> Iterator[Notebook]:
    names = ", ".join(
        [*KINDS, "axes", "logged", "fixed", "left", "right", "noted", "alarmed", "zoned"]
    )
    closing = f"for c in [{names}]: c.stop()"
    with running_notebook(page, lab_server, "charts.ipynb", CELLS, closing=closing) as nb:
        yield nb


def _drawn(notebook: Notebook, name: str, points: int) -> Locator:
    view = named_chart_view(notebook, name)
    wait_for_points(view, points, what=f"the {name} chart")
    view.scroll_into_view_if_needed()
    # A view out of sight draws nothing: wait for a frame drawn in sight (its attributes).
    wait_for(
        lambda: view.get_attribute("data-livefeed-annotations") is not None,
        what=f"the {name} chart drawn in sight",
    )
    return view


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_paints_its_own_shape(page: Page, notebook: Notebook, kind: str) -> None:
    view = _drawn(notebook, kind, 21)
    painted = page.evaluate(PROBE_JS, [view.element_handle(), PROBES])
    assert painted == PAINTED[kind], f"{kind}: probes {PROBES} painted {painted}"


def test_a_right_axis_has_its_own_range(notebook: Notebook) -> None:
    view = _drawn(notebook, "axes", 100)
    low, high = value_range(view, "y-range")
    assert 95 < low <= 100 and 106 <= high < 112, (low, high)
    low2, high2 = value_range(view, "y2-range")
    assert 4900 < low2 <= 5000 and 5400 <= high2 < 5500, (low2, high2)
    # Each axis names the field drawn on it.
    assert json.loads(view.get_attribute("data-livefeed-y-labels") or "") == ["price", "volume"]


def test_a_log_scale_is_positive_and_counts_what_it_cannot_draw(notebook: Notebook) -> None:
    view = _drawn(notebook, "logged", 5)
    low, high = value_range(view, "y-range")
    assert 0 < low < 1 and 1000 < high < 2000, (low, high)
    assert notebook.evaluate("logged.stats['log_gaps']") == "2"


def test_a_fixed_range_holds_whatever_the_data(notebook: Notebook) -> None:
    view = _drawn(notebook, "fixed", 10)
    assert value_range(view, "y-range") == (0.0, 50.0)
    notebook.run_cell("fixed.y_range = (None, 5)")
    wait_for(lambda: value_range(view, "y-range")[1] == 5.0, what="the new fixed top")
    assert value_range(view, "y-range")[0] < 0


def test_follow_shows_the_newest_points_and_linked_charts_move_together(
    page: Page, notebook: Notebook
) -> None:
    left = _drawn(notebook, "left", 100)
    right = _drawn(notebook, "right", 100)
    assert value_range(left, "x-range") == (90.0, 99.0)
    assert value_range(right, "x-range") == (0.0, 99.0)
    # The wheel zooms in on the left chart: both show its range, neither follows.
    box = left.locator(".u-over").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -120)
    wait_for(lambda: left.get_attribute("data-livefeed-following") == "false", what="the zoom")
    zoomed = value_range(left, "x-range")
    assert zoomed[1] - zoomed[0] < 9
    wait_for(lambda: value_range(right, "x-range") == zoomed, what="the linked chart's range")
    assert right.get_attribute("data-livefeed-following") == "false"
    # Zooming out as far as it goes shows the whole window, which the left chart does not
    # follow: it holds still there, until a double-click follows again, in both.
    for _ in range(12):
        page.mouse.wheel(0, 120)
    wait_for(lambda: value_range(left, "x-range") == (0.0, 99.0), what="the whole window")
    wait_for(lambda: value_range(right, "x-range") == (0.0, 99.0), what="the right chart")
    assert left.get_attribute("data-livefeed-following") == "false"
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for(lambda: value_range(left, "x-range") == (90.0, 99.0), what="following again")
    wait_for(lambda: right.get_attribute("data-livefeed-following") == "true", what="linked")


def test_a_vertical_drag_zooms_y_and_a_double_click_comes_back(
    page: Page, notebook: Notebook
) -> None:
    notebook.run_cell("fixed.y_range = None")
    # After the cell ran (running one scrolls the notebook), so that the pointer can reach it.
    view = _drawn(notebook, "fixed", 10)
    box = view.locator(".u-over").bounding_box()
    assert box is not None
    x = box["x"] + box["width"] / 2
    page.mouse.move(x, box["y"] + box["height"] * 0.25)
    page.mouse.down()
    page.mouse.move(x + 2, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.move(x + 3, box["y"] + box["height"] * 0.75, steps=5)
    page.mouse.up()
    wait_for(lambda: view.get_attribute("data-livefeed-following") == "false", what="the y zoom")
    low, high = value_range(view, "y-range")
    # The middle half of the plot's height, about 2.1 to 6.9 of the padded 0..9.
    assert 1.5 < low < 3 and 6 < high < 7.5, (low, high)
    assert value_range(view, "x-range") == (0.0, 9.0)
    page.mouse.dblclick(x, box["y"] + box["height"] / 2)
    wait_for(lambda: view.get_attribute("data-livefeed-following") == "true", what="following")
    low, high = value_range(view, "y-range")
    assert low < 0 and high > 9


def test_a_legend_click_hides_a_series_and_its_axis_range_follows(notebook: Notebook) -> None:
    view = _drawn(notebook, "axes", 100)
    before = value_range(view, "y-range")
    view.locator(".livefeed-legend-item", has_text="price").click()
    wait_for(lambda: view.get_attribute("data-livefeed-hidden") == '["price"]', what="hidden")
    item = view.locator(".livefeed-legend-item", has_text="price")
    assert item.get_attribute("aria-pressed") == "false"
    # Nothing left on the left axis: it keeps its last range.
    assert value_range(view, "y-range") == before
    item.click()
    wait_for(lambda: view.get_attribute("data-livefeed-hidden") == "[]", what="shown again")
    # Hidden from Python, for every view.
    notebook.run_cell('axes.style("volume", visible=False)')
    wait_for(lambda: view.get_attribute("data-livefeed-hidden") == '["volume"]', what="volume")


def test_annotations_are_drawn_saved_and_come_back_after_a_reload(
    notebook: Notebook, lab_server: LabServer
) -> None:
    view = _drawn(notebook, "noted", 30)
    wait_for(lambda: count(view, "annotations") == 3, what="three annotations")
    notebook.run_cell("noted.remove_annotation(noted.annotations[1]['id'])")
    view = _drawn(notebook, "noted", 30)  # back in sight, where annotations are drawn
    wait_for(lambda: count(view, "annotations") == 2, what="two annotations")
    notebook.save()
    saved = json.loads((lab_server.root_dir / notebook.path).read_text())
    states = saved["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    model_id = notebook.evaluate("noted.model_id")
    kept = states[model_id]["state"]["_annotations"]
    assert [(a["type"], a.get("label") or a.get("text")) for a in kept] == [
        ("hline", "limit"),
        ("mark", "deploy"),
    ]
    notebook.reload()
    view = _drawn(notebook, "noted", 30)
    wait_for(lambda: count(view, "annotations") == 2, timeout=TIMEOUT, what="after the reload")


def test_an_alert_marks_the_point_and_calls_back_while_the_cell_runs(
    notebook: Notebook,
) -> None:
    view = named_chart_view(notebook, "alarmed")
    cell_id, run = notebook.start_cell(
        "for i in range(40):\n"
        "    alarmed.push({'t': i, 'v': 150.0 if i == 20 else 50.0})\n"
        "    time.sleep(0.1)\n"
        "time.sleep(3)\nprint('done', len(fired))"
    )
    readings = readings_while_running(
        notebook, cell_id, [view], run=run, done="done", keep_in_sight=True
    )
    marked = [r[0] for r in readings if r[0].get("alert-markers") == "1"]
    assert marked, f"no marker drawn while the cell ran: {readings[-1:]}"
    assert "⚠ 1 alert" in view.locator(".livefeed-badge").inner_text()
    assert notebook.evaluate("[(e['x'], e['y'], e['side']) for e in fired]") == (
        "[(20.0, 150.0, 'above')]"
    )


def _assert_is_the_canvas(data: bytes, view: Locator) -> None:
    """`data` is a PNG of the view's canvas as it is now."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    canvas = view.evaluate(
        "(root) => { const c = root.querySelector('.livefeed-plot canvas');"
        " return [c.width, c.height, c.toDataURL('image/png')]; }"
    )
    assert (width, height) == (canvas[0], canvas[1])
    # The same encoder on the same pixels: the same bytes.
    assert data == base64.b64decode(canvas[2].split(",", 1)[1])


def test_the_png_button_saves_what_the_canvas_shows(
    page: Page, notebook: Notebook, tmp_path: Path
) -> None:
    view = _drawn(notebook, "bars", 21)
    with page.expect_download() as download_info:
        view.locator(".livefeed-button", has_text="PNG").click()
    download = download_info.value
    assert download.suggested_filename == "livefeed.png"
    saved = tmp_path / "chart.png"
    download.save_as(saved)
    _assert_is_the_canvas(saved.read_bytes(), view)


def test_save_png_from_python_writes_what_the_view_draws(
    notebook: Notebook, lab_server: LabServer
) -> None:
    view = _drawn(notebook, "bars", 21)
    path = lab_server.root_dir / "bars.png"
    # The page answers at once; the kernel reads the answer when the cell has ended.
    notebook.run_cell(f"saved = bars.save({str(path)!r})")
    wait_for(path.exists, what="the PNG written once the cell ended")
    _assert_is_the_canvas(path.read_bytes(), view)
    assert notebook.evaluate("bars.stats['error_kinds']") == "{}"
    # A chart shown nowhere has no picture to give: a clear error in the cell.
    printed = notebook.run_cell(
        "try:\n    LiveChart(None).save('hidden.png')\nexcept ValueError as e:\n    print(e)"
    )
    assert "no view of this chart is open" in printed


def test_a_saved_page_draws_the_window_from_a_file(
    page: Page, notebook: Notebook, lab_server: LabServer
) -> None:
    path = lab_server.root_dir / "noted.html"
    notebook.run_cell(f"noted.save({str(path)!r})")
    offline = page.context.new_page()
    try:
        offline.goto(path.as_uri())
        view = offline.locator(".livefeed")
        wait_for(lambda: view.get_attribute("data-livefeed-points") == "30", what="the points")
        assert view.get_attribute("data-livefeed-last-x") == "29"
        # As many as the chart holds (another test removes one).
        held = notebook.evaluate("len(noted.annotations)")
        assert view.get_attribute("data-livefeed-annotations") == held
        assert offline.locator(".livefeed-title").inner_text() == "noted"
        badge = offline.locator(".livefeed-badge")
        assert "saved page" in badge.inner_text()
        assert "not connected" not in badge.inner_text()
    finally:
        offline.close()


# The x axis of the first seconds of 2026, as uPlot labels seconds: the first tick carries the
# date and the hour (":00 1/1/26 9:00am"), the others only their second (":01").
TOKYO_HOUR = re.compile(r"^:00 1/1/26 9:00am$")
UTC_HOUR = re.compile(r"^:00 1/1/26 12:00am$")


def _all_at(view: Locator, first: re.Pattern[str]) -> bool:
    ticks = json.loads(view.get_attribute("data-livefeed-x-ticks") or "[]")
    return (
        len(ticks) >= 2
        and first.match(ticks[0]) is not None
        and all(re.fullmatch(r":\d\d", t) for t in ticks[1:])
    )


def test_times_read_in_the_zone_asked_for(page: Page, notebook: Notebook) -> None:
    notebook.run_cell('zoned.tz = "Asia/Tokyo"')
    view = _drawn(notebook, "zoned", 11)
    # The axis: the points span 00:00:00 to 00:00:10 UTC, 09:00:00 to 09:00:10 in Tokyo.
    wait_for(
        lambda: _all_at(view, TOKYO_HOUR),
        what=lambda: f"Tokyo ticks, not {view.get_attribute('data-livefeed-x-ticks')}",
    )
    box = view.locator(".u-over").bounding_box()
    assert box is not None
    # The pointer at the plot's right edge: the newest point, 00:00:10 UTC, is 09:00:10 in Tokyo.
    page.mouse.move(box["x"] + box["width"] - 1, box["y"] + box["height"] / 2)
    label = view.locator(".livefeed-legend-x")
    wait_for(lambda: label.inner_text().startswith("at 2026-01-01 09:00:"), what="Tokyo time")
    notebook.run_cell('zoned.tz = "UTC"')
    view = _drawn(notebook, "zoned", 11)
    wait_for(
        lambda: _all_at(view, UTC_HOUR),
        what=lambda: f"UTC ticks, not {view.get_attribute('data-livefeed-x-ticks')}",
    )
    page.mouse.move(box["x"] + 1, box["y"] + box["height"] / 2)
    box = view.locator(".u-over").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] - 1, box["y"] + box["height"] / 2)
    wait_for(lambda: label.inner_text().startswith("at 2026-01-01 00:00:"), what="UTC time")


def test_a_shift_drag_pans_x_and_the_linked_chart_moves_with_it(
    page: Page, notebook: Notebook
) -> None:
    left = _drawn(notebook, "left", 100)
    right = _drawn(notebook, "right", 100)
    left.scroll_into_view_if_needed()
    box = left.locator(".u-over").bounding_box()
    assert box is not None
    middle = box["y"] + box["height"] / 2
    page.mouse.dblclick(box["x"] + box["width"] / 2, middle)  # following, whatever ran before
    wait_for(lambda: value_range(left, "x-range") == (90.0, 99.0), what="following")
    # Dragging the picture right by 40 % of the plot's width shows what lies 40 % of the span
    # (9) earlier, as a map does; the span stays.
    start, end = box["x"] + box["width"] * 0.3, box["x"] + box["width"] * 0.7
    page.keyboard.down("Shift")
    page.mouse.move(start, middle)
    page.mouse.down()
    page.mouse.move(end, middle, steps=8)
    page.mouse.up()
    page.keyboard.up("Shift")
    wait_for(lambda: left.get_attribute("data-livefeed-following") == "false", what="the pan")
    low, high = value_range(left, "x-range")
    assert high - low == pytest.approx(9.0)
    assert low == pytest.approx(86.4, abs=0.3), (low, high)
    wait_for(lambda: value_range(right, "x-range") == (low, high), what="the linked chart")
    page.mouse.dblclick(box["x"] + box["width"] / 2, middle)
    wait_for(lambda: value_range(left, "x-range") == (90.0, 99.0), what="following again")


def test_a_chart_out_of_sight_is_not_drawn_until_it_comes_back(
    page: Page, notebook: Notebook
) -> None:
    first = named_chart_view(notebook, "line")
    # Running a cell scrolls the notebook to its end, far below the first chart.
    notebook.run_cell(
        "line.push({'t': [21, 22], 'v': [2.0, 8.0]})\nzoned.push({'t': "
        "pd.Timestamp('2026-01-01T00:00:11Z'), 'v': 11.0})"
    )
    last = _drawn(notebook, "zoned", 12)
    height = page.viewport_size["height"] if page.viewport_size else 800
    box = first.bounding_box()
    assert box is None or box["y"] + box["height"] < -height, f"still in sight: {box}"
    frames = count(first, "frames")
    # Both pushes went out in the same tick: once the last chart drew its point, the first
    # chart had its own, and drew nothing.
    notebook.run_cell(
        "line.push({'t': 23, 'v': 2.0})\n"
        "zoned.push({'t': pd.Timestamp('2026-01-01T00:00:12Z'), 'v': 12.0})"
    )
    wait_for_points(last, 13, what="the chart in sight")
    assert count(first, "frames") == frames
    first.scroll_into_view_if_needed()
    wait_for(lambda: count(first, "frames") > frames, what="a frame once in sight")
    wait_for_points(first, 24, what="the first chart")
