"""Light and dark JupyterLab themes: the chart follows the theme and stays readable in both.

The canvas cannot use CSS variables, so the view reads the theme's colours and redraws when the
theme changes. Checked three ways: the colours the theme gives (computed styles), the contrast
of axis text against the chart's background, and the pixels of the axis labels on the canvas.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page

from ..support.browser import screenshot
from ..support.charts import TIMEOUT, count, named_chart_view, wait_for_more_points
from ..support.jupyter import LabServer
from ..support.notebook import Notebook, running_notebook
from ..support.waiting import wait_for

pytestmark = pytest.mark.e2e

LIGHT = "JupyterLab Light"
DARK = "JupyterLab Dark"

# The colours the chart draws its axes with, resolved by the browser (custom properties alone
# would give their raw text), and how many pixels of the y axis on the canvas are drawn in the
# axis colour (the tick labels and axis title; grid and tick marks have colours of their own).
READ_COLOURS = r"""(root) => {
  const probe = document.createElement('span');
  probe.style.color = 'var(--jp-ui-font-color2)';
  root.append(probe);
  const axis = getComputedStyle(probe).color;
  probe.remove();
  let background = getComputedStyle(root).backgroundColor;
  const canvas = root.querySelector('.livefeed-plot canvas');
  const over = root.querySelector('.u-over');
  const ratio = canvas.width / canvas.getBoundingClientRect().width;
  // The y axis: left of the plotting area, where only tick labels and the axis title are drawn.
  const width = Math.floor((over.getBoundingClientRect().left
    - canvas.getBoundingClientRect().left) * ratio);
  const image = canvas.getContext('2d').getImageData(0, 0, width, canvas.height).data;
  const [r, g, b] = axis.match(/[\d.]+/g).map(Number);
  let n = 0;
  for (let i = 0; i < image.length; i += 4) {
    if (image[i + 3] < 60) continue; // the glyphs' edges blend into nothing
    const d = Math.abs(image[i] - r) + Math.abs(image[i + 1] - g) + Math.abs(image[i + 2] - b);
    if (d < 60) n += 1;
  }
  return { axis, background, glyphPixels: n };
}"""


def _rgba(css: str) -> tuple[float, float, float, float]:
    inner = css[css.index("(") + 1 : css.rindex(")")].replace("/", ",")
    parts = [float(p) for p in inner.replace(",", " ").split()]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of a (possibly translucent) colour over an opaque background."""
    fr, fg, fb, fa = _rgba(foreground)
    br, bg, bb, _ = _rgba(background)
    shown = (fr * fa + br * (1 - fa), fg * fa + bg * (1 - fa), fb * fa + bb * (1 - fa))
    lighter, darker = sorted((_luminance(shown), _luminance((br, bg, bb))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# The cells of the notebook these tests share, after the PRELUDE.
CELLS = [
    'sensors = LiveChart(f"{URL}/sensors?rate=20", x="ts", y="temperature",'
    ' group_by="sensor", title="Sensor temperatures", height=260)\nsensors',
]


@pytest.fixture(scope="module")
def notebook(page: Page, lab_server: LabServer) -> Iterator[Notebook]:
    with running_notebook(
        page, lab_server, "themes.ipynb", CELLS, closing="sensors.stop()"
    ) as notebook:
        yield notebook
        # The theme is a user setting: leave the light one for the modules that follow.
        _set_theme(page, LIGHT)


def _set_theme(page: Page, theme: str) -> None:
    page.evaluate(
        "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme
    )
    light = "true" if theme == LIGHT else "false"
    page.wait_for_function(
        "(light) => document.body.dataset.jpThemeLight === light",
        arg=light,
        timeout=TIMEOUT * 1000,
    )


@pytest.fixture(scope="module")
def chart(notebook: Notebook) -> Locator:
    view = named_chart_view(notebook, "sensors")
    # Some seconds of the slow waves, for a picture worth looking at.
    wait_for(lambda: count(view, "points") > 600, timeout=TIMEOUT, what="600 points")
    return view


def _colours_after_redraw(chart: Locator) -> dict[str, Any]:
    """The colours once frames drawn after the theme change have reached the canvas."""
    frames = count(chart, "frames")
    wait_for(lambda: count(chart, "frames") > frames + 2, timeout=TIMEOUT, what="frames")
    chart.scroll_into_view_if_needed()
    colours: dict[str, Any] = chart.evaluate(READ_COLOURS)
    return colours


def test_light_and_dark_themes_are_both_readable(
    page: Page, chart: Locator, artifacts_dir: Path
) -> None:
    _set_theme(page, LIGHT)
    light = _colours_after_redraw(chart)
    screenshot(chart, artifacts_dir / "theme-light.png")

    _set_theme(page, DARK)
    dark = _colours_after_redraw(chart)
    screenshot(chart, artifacts_dir / "theme-dark.png")

    assert light["axis"] != dark["axis"]
    assert light["background"] != dark["background"]
    for name, colours in (("light", light), ("dark", dark)):
        ratio = contrast(colours["axis"], colours["background"])
        # WCAG AA for normal text.
        assert ratio >= 4.5, f"axis text contrast {ratio:.2f} in the {name} theme: {colours}"
        # The canvas itself was redrawn with the theme's axis colour.
        assert colours["glyphPixels"] > 50, f"no axis text drawn in the {name} theme: {colours}"


def test_switching_back_keeps_drawing(page: Page, chart: Locator) -> None:
    _set_theme(page, LIGHT)
    colours = _colours_after_redraw(chart)
    assert colours["glyphPixels"] > 50, colours
    wait_for_more_points(chart)
