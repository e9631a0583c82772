"""Finding a chart's view in a notebook and reading what it drew.

A LiveChart view writes what its last frame drew into `data-livefeed-*` attributes of its root
element (`.livefeed`): points, frames, last x, ranges, connection state. These helpers find that
element through the notebook's outputs and read or wait on those attributes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from playwright.sync_api import Locator, Page, expect

from .notebook import CELL_TIMEOUT, Notebook
from .waiting import wait_for

# What the tests give a chart's view to appear, draw or catch up; a ceiling, never a speed.
TIMEOUT = 60.0


def chart_timings(page: Page) -> list[dict[str, float | None]]:
    """For each chart view that appeared since the page loaded: ``appeared`` and ``filled``
    (milliseconds, page clock; ``filled`` is None until the kernel's data arrived)."""
    return list(
        page.evaluate(
            "() => window.__e2e.charts"
            "  .filter((c) => c.el.isConnected)"
            "  .map((c) => ({appeared: c.appeared, filled: c.filled}))"
        )
    )


def widget_view(notebook: Notebook, model_id: str) -> Locator:
    """The first rendered view of widget ``model_id``: found through the output that shows it.

    Going through the notebook's outputs, not the DOM order, picks the right chart when a
    notebook shows several.
    """
    found = notebook.page.evaluate(
        """([path, modelId]) => {
          const panel = window.__e2e.panel(path);
          for (const cell of panel.content.widgets) {
            if (cell.model.type !== 'code') continue;
            for (const o of cell.model.outputs.toJSON()) {
              const view = o.data && o.data['application/vnd.jupyter.widget-view+json'];
              if (view && view.model_id === modelId) {
                cell.node.dataset.e2eWidget = modelId;
                return true;
              }
            }
          }
          return false;
        }""",
        [notebook.path, model_id],
    )
    if not found:
        raise AssertionError(f"no output of {notebook.path} shows widget {model_id}")
    return notebook.page.locator(f'[data-e2e-widget="{model_id}"]')


def chart_view(notebook: Notebook, model_id: str, *, timeout: float = TIMEOUT) -> Locator:
    """The ``.livefeed`` element of the first view of LiveChart ``model_id``, once it is visible.

    The output that shows the widget must hold exactly one chart view (Playwright's strict mode).
    """
    view = widget_view(notebook, model_id).locator(".livefeed")
    expect(view).to_be_visible(timeout=timeout * 1000)
    return view


def named_chart_view(notebook: Notebook, name: str, *, timeout: float = TIMEOUT) -> Locator:
    """``chart_view`` of the LiveChart the kernel holds in the variable ``name``."""
    return chart_view(notebook, notebook.evaluate(f"{name}.model_id"), timeout=timeout)


def count(view: Locator, name: str) -> int:
    """An integer ``data-livefeed-<name>`` attribute of a chart view."""
    value = view.get_attribute(f"data-livefeed-{name}")
    assert value is not None, f"the chart has no data-livefeed-{name} attribute"
    return int(value)


def wait_for_more_points(
    view: Locator, *, timeout: float = TIMEOUT, what: str = "the chart"
) -> int:
    """Wait until ``view`` holds more points than it does now; returns how many it then holds."""
    points = count(view, "points")
    return wait_for(
        lambda: n if (n := count(view, "points")) > points else None,
        timeout=timeout,
        what=lambda: f"{what} to hold more than {points} points (still {count(view, 'points')})",
    )


def wait_for_points(
    view: Locator, expected: int, *, timeout: float = TIMEOUT, what: str = "the chart"
) -> None:
    """Wait until ``view`` holds exactly ``expected`` points; on timeout, say how many it holds."""
    wait_for(
        lambda: count(view, "points") == expected,
        timeout=timeout,
        what=lambda: (
            f"{what} to show {expected} points (it shows {count(view, 'points')}; "
            + ", ".join(
                f"{name} {view.get_attribute('data-livefeed-' + name)}"
                for name in ("seq", "received", "syncing", "gaps", "status", "connected")
            )
            + ")"
        ),
    )


def read_views(page: Page, views: Sequence[Locator]) -> list[dict[str, str]]:
    """The ``data-livefeed-*`` attributes of each view, without the prefix, all read in one go.

    One script reads them all between two frames, so views drawn by the same frame are seen in
    the same state.
    """
    handles = [view.element_handle() for view in views]
    return list(
        page.evaluate(
            """(els) => els.map((el) => Object.fromEntries(
                [...el.attributes]
                  .filter((a) => a.name.startsWith('data-livefeed-'))
                  .map((a) => [a.name.slice('data-livefeed-'.length), a.value])))""",
            handles,
        )
    )


def readings_while_running(
    notebook: Notebook,
    cell_id: str,
    views: Sequence[Locator],
    *,
    run: str,
    done: str | None = None,
    interval: float = 0.25,
    timeout: float = CELL_TIMEOUT,
    keep_in_sight: bool = False,
) -> list[list[dict[str, str]]]:
    """Read the views' attributes (see ``read_views``) again and again until cell ``cell_id``
    ends, and return the readings made while it certainly still ran: those after which its run
    ``run`` had not finished, nor (when ``done`` is given, the last thing the cell prints) its
    output shown ``done``.

    With ``keep_in_sight``, the first view is scrolled back into sight before each reading, as
    a user watching it would: running a cell scrolls the notebook to that cell, at a moment of
    JupyterLab's choosing, and a view out of sight draws nothing (only its counts go on).
    """
    readings: list[list[dict[str, str]]] = []
    deadline = time.monotonic() + timeout
    while True:
        if keep_in_sight:
            views[0].scroll_into_view_if_needed()
        reading = read_views(notebook.page, views)
        if notebook.run_done(run) or (done is not None and done in notebook.output_text(cell_id)):
            return readings
        readings.append(reading)
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for the cell to end")
        time.sleep(interval)


def value_range(view: Locator, name: str) -> tuple[float, float]:
    """A ``data-livefeed-<name>`` attribute holding "min max"."""
    value = view.get_attribute(f"data-livefeed-{name}")
    assert value, f"the chart has no data-livefeed-{name} attribute"
    low, high = (float(part) for part in value.split())
    return low, high
