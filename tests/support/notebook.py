"""A notebook open in the browser, driven through JupyterLab's own models and commands.

`write_notebook` writes one (its first cell is usually `PRELUDE`), `open_notebook` opens it and
waits for its kernel, `running_notebook` does both and runs it; `Notebook` adds, runs and reads
cells, and restarts, saves or shuts down its kernel. Works in JupyterLab and in Notebook 7, and
needs the page helpers of `browser.install_helpers`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page

from .jupyter import LabServer
from .waiting import wait_for

# Generous ceilings: they only stop a broken run from hanging, they never measure speed.
KERNEL_READY_TIMEOUT = 90.0
CELL_TIMEOUT = 120.0


@dataclass
class Notebook:
    """One notebook open in JupyterLab, driven through its model and JupyterLab's commands."""

    page: Page
    path: str
    _runs: int = field(default=0, init=False)

    def _js(self, body: str, arg: Any = None) -> Any:
        """Evaluate ``body`` as a function of (h, path, arg), h being the installed helpers."""
        return self.page.evaluate(
            f"([path, arg]) => {{ const h = window.__e2e; return (() => {{ {body} }})(); }}",
            [self.path, arg],
        )

    # -- kernel --------------------------------------------------------------------------------

    def kernel_status(self) -> str:
        return str(
            self._js(
                "const p = h.panel(path);"
                "const k = p && p.sessionContext.session && p.sessionContext.session.kernel;"
                "return k ? k.status : 'none';"
            )
        )

    def wait_kernel_idle(self, timeout: float = KERNEL_READY_TIMEOUT) -> None:
        wait_for(
            lambda: self.kernel_status() == "idle",
            timeout=timeout,
            what=lambda: f"the kernel of {self.path} to be idle (it is {self.kernel_status()})",
        )

    def shutdown_kernel(self, timeout: float = KERNEL_READY_TIMEOUT) -> None:
        """Shut the notebook's kernel down, so it does not run on behind later tests."""
        self._js("h.track('shutdown:' + path, h.panel(path).sessionContext.shutdown());")
        self._wait_run(f"shutdown:{self.path}", timeout)

    def restart_kernel(self, timeout: float = KERNEL_READY_TIMEOUT) -> None:
        """Restart the kernel as the Kernel menu does, without its confirmation dialog."""
        self._runs += 1
        key = f"restart:{self.path}#{self._runs}"
        self._js("h.track(arg, h.panel(path).sessionContext.restartKernel());", key)
        self._wait_run(key, timeout)
        self.wait_kernel_idle(timeout)

    def save(self, timeout: float = CELL_TIMEOUT) -> None:
        """Save the notebook as File > Save does (with widget state, when that setting is on)."""
        self._wait_run(self._start_command("docmanager:save"), timeout)
        wait_for(
            lambda: not self._js("return h.panel(path).context.model.dirty;"),
            timeout=timeout,
            what=f"{self.path} to be saved",
        )

    def reload(self) -> None:
        """Reload the page, as the browser's reload button does, and wait for this notebook."""
        self.page.reload()
        _wait_for_panel(self.page, self.path)
        self.wait_kernel_idle()

    def evaluate(self, expression: str) -> str:
        """The printed value of ``expression``, evaluated in the notebook's kernel."""
        return self.run_cell(f"print({expression})").strip()

    # -- running -------------------------------------------------------------------------------

    def _start_command(self, command: str) -> str:
        """Make this notebook current, start a JupyterLab command on it, and return the run key."""
        self._runs += 1
        key = f"{self.path}#{self._runs}"
        self._js(
            "const app = h.app(); const p = h.panel(path);"
            "app.shell.activateById(p.id);"
            "h.track(arg.key, app.commands.execute(arg.command));",
            {"key": key, "command": command},
        )
        return key

    def _wait_run(self, key: str, timeout: float) -> None:
        def finished() -> dict[str, Any] | None:
            run = self.page.evaluate("(key) => window.__e2e.runs[key]", key)
            return run if run and run["done"] else None

        run = wait_for(finished, timeout=timeout, what=f"run {key} to finish")
        if run["error"]:
            raise AssertionError(f"run {key} failed in the page: {run['error']}")

    def run_all(self, timeout: float = CELL_TIMEOUT) -> None:
        """Run every cell and wait until the last one has finished."""
        self._wait_run(self.start_all(), timeout)

    def start_all(self) -> str:
        """Start running every cell, as Run All does, without waiting; returns the run key."""
        self.wait_kernel_idle()
        return self._start_command("notebook:run-all-cells")

    def add_cell(self, source: str) -> str:
        """Append a code cell with ``source``, select it alone, and return its id."""
        return str(
            self._js(
                "const nb = h.panel(path).content;"
                "const index = nb.model.cells.length;"
                "nb.model.sharedModel.insertCell(index, {cell_type: 'code', source: arg});"
                "nb.activeCellIndex = index; nb.deselectAll();"
                "return nb.widgets[index].model.id;",
                source,
            )
        )

    def start_cell(self, source: str) -> tuple[str, str]:
        """Append a cell and start it without waiting; returns (cell id, run key)."""
        cell_id = self.add_cell(source)
        self.wait_kernel_idle()
        return cell_id, self._start_command("notebook:run-cell")

    def wait_run(self, key: str, timeout: float = CELL_TIMEOUT) -> None:
        self._wait_run(key, timeout)

    def run_done(self, key: str) -> bool:
        """Whether run ``key`` has finished (the kernel's reply came, whatever its output)."""
        return bool(self.page.evaluate("(key) => !!(window.__e2e.runs[key] || {}).done", key))

    def run_cell(self, source: str, timeout: float = CELL_TIMEOUT) -> str:
        """Append a cell, run it to the end, and return its text output."""
        cell_id, key = self.start_cell(source)
        self._wait_run(key, timeout)
        return self.output_text(cell_id)

    # -- reading ---------------------------------------------------------------------------------

    def cell(self, cell_id: str) -> Locator:
        """The cell's element in the page (tagged by id, since cells have no stable selector)."""
        self._js("h.cell(path, arg).node.dataset.e2eCell = arg;", cell_id)
        return self.page.locator(f'[data-e2e-cell="{cell_id}"]')

    def cell_ids(self) -> list[str]:
        """Ids of the notebook's cells, in order."""
        return list(self._js("return h.panel(path).content.widgets.map((c) => c.model.id);"))

    def metadata_json(self, key: str) -> str:
        """The notebook's metadata entry ``key`` as the page holds it, as JSON text."""
        return str(self._js("return JSON.stringify(h.panel(path).model.getMetadata(arg));", key))

    def output_text(self, cell_id: str) -> str:
        """Stream text, text/plain results and error lines of a cell, as the kernel sent them."""
        return str(self._js("return h.outputText(h.cell(path, arg));", cell_id))

    def error_outputs(self) -> list[str]:
        """Every error output in the notebook, as 'cell index: name: value' lines."""
        return list(
            self._js(
                "const out = [];"
                "h.panel(path).content.widgets.forEach((cell, i) => {"
                "  if (cell.model.type !== 'code') return;"
                "  for (const o of cell.model.outputs.toJSON()) {"
                "    if (o.output_type === 'error') out.push(`${i}: ${o.ename}: ${o.evalue}`);"
                "  }"
                "});"
                "return out;"
            )
        )

    def execution_counts(self) -> list[int | None]:
        return list(
            self._js(
                "return h.panel(path).content.widgets"
                "  .filter((c) => c.model.type === 'code')"
                "  .map((c) => c.model.executionCount);"
            )
        )


def open_notebook(page: Page, server: LabServer, path: str, *, app: str = "lab") -> Notebook:
    """Open ``path`` (relative to the server's root) and wait for an idle kernel.

    ``app="notebook"`` opens it in Notebook 7 rather than JupyterLab.
    """
    # "reset" starts from an empty workspace: otherwise JupyterLab reopens the notebooks an
    # earlier test left open (and reconnects to their kernels).
    page.goto(server.url(f"lab/tree/{path}?reset" if app == "lab" else f"notebooks/{path}"))
    _wait_for_panel(page, path)
    notebook = Notebook(page, path)
    notebook.wait_kernel_idle()
    return notebook


@contextmanager
def running_notebook(
    page: Page,
    server: LabServer,
    name: str,
    cells: list[str],
    *,
    closing: str | None = None,
    app: str = "lab",
) -> Iterator[Notebook]:
    """A notebook of ``PRELUDE`` and ``cells``, written as ``name``, opened (in ``app``, see
    ``open_notebook``) and run to the end.

    Fails unless every cell ran without an error output. On leaving, runs ``closing`` (the cell
    that closes the notebook's charts, so that no feed outlives the module) if given, then shuts
    the kernel down unless it is gone already (a test may have shut it down itself).
    """
    path = write_notebook(server.root_dir, name, [PRELUDE, *cells])
    notebook = open_notebook(page, server, path, app=app)
    notebook.run_all()
    assert notebook.error_outputs() == []
    yield notebook
    if closing is not None:
        notebook.run_cell(closing)
    if notebook.kernel_status() not in ("none", "dead", "unknown"):
        notebook.shutdown_kernel()


def _wait_for_panel(page: Page, path: str) -> None:
    page.wait_for_function(
        "(path) => !!(window.__e2e && window.jupyterapp && window.__e2e.panel(path))",
        arg=path,
        timeout=KERNEL_READY_TIMEOUT * 1000,
    )
    page.wait_for_function(
        "async (path) => { await window.__e2e.panel(path).context.ready; return true; }",
        arg=path,
        timeout=KERNEL_READY_TIMEOUT * 1000,
    )


def write_notebook(root_dir: Path, name: str, cells: list[str]) -> str:
    """Write a notebook of code cells (Python 3 kernel) under ``root_dir``; returns its path."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(notebook, root_dir / name)
    return name


# The first cell of the notebooks the tests write: the demo feed's address, and helpers that
# print what the kernel holds in the form the tests compare with the page.
PRELUDE = """\
import os

import pandas as pd

from livefeed import LiveChart

URL = os.environ["LIVEFEED_DEMO_URL"]


def x_ms(chart, data=None):
    data = chart.data if data is None else data
    if chart.x_kind == "time":
        return (data["x"] - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(milliseconds=1)
    return data["x"]


def y_extent(chart, low, high):
    data = chart.data  # read once: points keep arriving between two reads
    x = x_ms(chart, data)
    values = data["value"][(x >= low) & (x <= high)]
    return f"{float(values.min())!r} {float(values.max())!r}"
"""
