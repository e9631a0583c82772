"""Helpers for the end-to-end tests: a real JupyterLab server and a notebook driven in a browser.

The browser side talks to JupyterLab through its own command registry and document models
(exposed as ``window.jupyterapp`` by ``--LabApp.expose_app_in_browser``) rather than through
keyboard shortcuts and menus, which change between JupyterLab versions and depend on focus.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from playwright.sync_api import ConsoleMessage, Error, Locator, Page, expect

T = TypeVar("T")

# Generous ceilings: they only stop a broken run from hanging, they never measure speed.
SERVER_START_TIMEOUT = 90.0
KERNEL_READY_TIMEOUT = 90.0
CELL_TIMEOUT = 120.0
# What the tests give a chart's view to appear, draw or catch up; a ceiling too, never a speed.
TIMEOUT = 60.0


# --------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    """A port that was free a moment ago; the server's own record says which one it really got."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LabServer:
    base_url: str  # ends with "/"
    token: str
    root_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes]

    def url(self, path: str = "lab") -> str:
        """Address of a page of this server, with the token so no login page comes up."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path.lstrip('/')}{sep}token={self.token}"

    def api(self, path: str) -> Any:
        with urllib.request.urlopen(self.url(f"api/{path}"), timeout=10) as response:
            return json.loads(response.read())

    @property
    def settings_dir(self) -> Path:
        return self.root_dir.parent / "settings"

    def jupyter_env(self) -> dict[str, str]:
        """The environment of this server's isolated Jupyter dirs, for ``jupyter`` commands that
        must share its state (``jupyter trust`` signs notebooks with its data dir's secret)."""
        return _isolated_env(self.root_dir.parent)

    def set_user_setting(self, plugin: str, values: Mapping[str, Any]) -> None:
        """Write a user setting of ``plugin`` (``"package:name"``), read by pages loaded after."""
        package, name = plugin.split(":", 1)
        folder = self.settings_dir / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.jupyterlab-settings").write_text(json.dumps(dict(values)))

    def clear_user_setting(self, plugin: str) -> None:
        package, name = plugin.split(":", 1)
        (self.settings_dir / package / f"{name}.jupyterlab-settings").unlink(missing_ok=True)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the server with SIGTERM, which shuts its kernels down too; kill it if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            # The server started in its own process group, so this also reaches its kernels.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _isolated_env(work_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment, with Jupyter's and IPython's dirs moved into ``work_dir``."""
    env = dict(os.environ)
    env.update(extra or {})
    env.update(
        JUPYTER_CONFIG_DIR=str(work_dir / "config"),
        JUPYTER_DATA_DIR=str(work_dir / "data"),
        JUPYTER_RUNTIME_DIR=str(work_dir / "runtime"),
        IPYTHONDIR=str(work_dir / "ipython"),
    )
    # Kernels inherit this environment; a stray PYTHONSTARTUP would run in every kernel.
    env.pop("PYTHONSTARTUP", None)
    return env


def _write_settings(settings_dir: Path) -> None:
    """User settings that keep the lab quiet and offline: no news, no update checks."""
    notification = settings_dir / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


def start_lab(
    *,
    work_dir: Path,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = SERVER_START_TIMEOUT,
    app: str = "lab",
) -> LabServer:
    """Start ``jupyter lab`` isolated from the user's own Jupyter setup, and wait until it answers.

    ``app="notebook"`` starts Notebook 7 (``jupyter notebook``) the same way instead.

    Config, data, runtime and IPython dirs point into ``work_dir``, so nothing the user has
    configured (or installed as a user-level kernel) takes part. The environment's own prefix
    (``sys.prefix/share/jupyter`` and ``sys.prefix/etc/jupyter``) is still searched: that is
    where the widget front ends and the server extension switches live.
    """
    root_dir = work_dir / "root"
    dirs = {
        name: work_dir / name
        for name in ("config", "data", "runtime", "ipython", "settings", "workspaces")
    }
    for path in (root_dir, *dirs.values()):
        path.mkdir(parents=True, exist_ok=True)
    _write_settings(dirs["settings"])

    token = secrets.token_hex(16)
    child_env = _isolated_env(work_dir, env)

    if app not in ("lab", "notebook"):
        raise ValueError(f"app must be 'lab' or 'notebook', not {app!r}")
    cls = "LabApp" if app == "lab" else "JupyterNotebookApp"
    command = [
        sys.executable,
        "-m",
        "jupyter",
        app,
        "--no-browser",
        f"--port={free_port()}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.terminals_enabled=False",
        # Our tests find the application object through this.
        f"--{cls}.expose_app_in_browser=True",
        f"--{cls}.user_settings_dir={dirs['settings']}",
        f"--{cls}.workspaces_dir={dirs['workspaces']}",
    ]
    if app == "lab":
        # Offline and quiet: no announcements feed, no update check.
        command += [
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Containers and CI machines often run everything as root; the server refuses by default.
        command.append("--allow-root")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        log.write(("$ " + " ".join(command) + "\n").encode())
        log.flush()
        process = subprocess.Popen(
            command,
            cwd=root_dir,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    server = LabServer(
        base_url="", token=token, root_dir=root_dir, log_path=log_path, process=process
    )
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited with {process.returncode} before answering:\n"
                + server.log_tail()
            )
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(
                f"JupyterLab did not answer within {timeout:.0f} s:\n" + server.log_tail()
            )
        base_url = _server_url(dirs["runtime"], process.pid)
        if base_url:
            server.base_url = base_url
            try:
                server.api("status")
                return server
            except (urllib.error.URLError, OSError, ValueError):
                pass
        time.sleep(0.25)


def _server_url(runtime_dir: Path, pid: int) -> str | None:
    """The URL the server itself records once listening (its port may differ from the asked one)."""
    info = runtime_dir / f"jpserver-{pid}.json"
    try:
        data = json.loads(info.read_text())
    except (OSError, ValueError):
        return None
    url = str(data.get("url", ""))
    return url if url.endswith("/") else url + "/"


def copy_notebooks(source: Path, root_dir: Path) -> None:
    """Copy a folder of notebooks into the server's root, so tests never modify the originals."""
    shutil.copytree(source, root_dir, dirs_exist_ok=True)


# --------------------------------------------------------------------------------------------
# Browser side
# --------------------------------------------------------------------------------------------

# Installed into every page before JupyterLab loads; looked up at call time, so it is safe to
# define before ``window.jupyterapp`` exists. Runs are tracked by key because a command's promise
# cannot cross into Python while the cell is still running.
HELPERS_JS = r"""
window.__e2e = {
  runs: {},
  app() {
    const app = window.jupyterapp;
    if (!app) throw new Error('window.jupyterapp missing: start lab with expose_app_in_browser');
    return app;
  },
  panel(path) {
    for (const widget of this.app().shell.widgets('main')) {
      if (widget.context && widget.context.path === path) return widget;
    }
    return null;
  },
  cell(path, id) {
    const panel = this.panel(path);
    const cell = panel && panel.content.widgets.find((c) => c.model.id === id);
    if (!cell) throw new Error(`no cell ${id} in ${path}`);
    return cell;
  },
  track(key, promise) {
    const run = (this.runs[key] = { done: false, ok: null, error: null });
    Promise.resolve(promise).then(
      (ok) => { run.done = true; run.ok = ok; },
      (err) => { run.done = true; run.error = String((err && err.stack) || err); },
    );
  },
  // Every chart view that enters the page: when it appeared, and when it first held data
  // from the kernel (a reset or batch counted in data-livefeed-received), by performance.now().
  charts: [],
  watchCharts() {
    const seen = new Set();
    const note = (el) => {
      if (seen.has(el)) return;
      seen.add(el);
      this.charts.push({ el, appeared: performance.now(), filled: null });
    };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') {
          const el = r.target;
          note(el);
          const entry = this.charts.find((c) => c.el === el);
          if (entry.filled === null && Number(el.getAttribute('data-livefeed-received')) > 0) {
            entry.filled = performance.now();
          }
          continue;
        }
        for (const node of r.addedNodes) {
          if (node.nodeType !== 1) continue;
          if (node.matches('.livefeed')) note(node);
          for (const el of node.querySelectorAll('.livefeed')) note(el);
        }
      }
    }).observe(document, {
      subtree: true, childList: true,
      attributes: true, attributeFilter: ['data-livefeed-received'],
    });
  },
  outputText(cell) {
    const parts = [];
    for (const output of cell.model.outputs.toJSON()) {
      if (output.output_type === 'stream') parts.push([].concat(output.text).join(''));
      else if (output.output_type === 'error') parts.push(`${output.ename}: ${output.evalue}`);
      else if (output.data && output.data['text/plain'] !== undefined) {
        parts.push([].concat(output.data['text/plain']).join(''));
      }
    }
    return parts.join('');
  },
};
"""


def install_helpers(page: Page, *, watch_charts: bool = False) -> None:
    """Install the helpers in every page ``page`` loads; ``watch_charts`` also records when
    chart views appear and fill (see ``chart_timings``), at the cost of a DOM observer."""
    script = HELPERS_JS + ("\nwindow.__e2e.watchCharts();\n" if watch_charts else "")
    page.add_init_script(script)


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


def wait_for(
    check: Callable[[], T | None],
    *,
    timeout: float,
    interval: float = 0.2,
    message: str | Callable[[], str] = "condition",
) -> T:
    """Poll ``check`` until it returns something truthy; fail with ``message`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            text = message() if callable(message) else message
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {text}")
        time.sleep(interval)


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
            message=lambda: f"the kernel of {self.path} to be idle (it is {self.kernel_status()})",
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
            message=f"{self.path} to be saved",
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

        run = wait_for(finished, timeout=timeout, message=f"run {key} to finish")
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


# --------------------------------------------------------------------------------------------
# Console capture
# --------------------------------------------------------------------------------------------


@dataclass
class PageProblem:
    kind: str  # "console" or "pageerror"
    text: str
    where: str  # URL of the script that logged it, or the error's stack

    def __str__(self) -> str:
        return f"[{self.kind}] {self.text}" + (f"\n    at {self.where}" if self.where else "")


@dataclass
class ConsoleRecorder:
    """Keeps every console message of a page, and its uncaught errors, for later checks."""

    messages: list[str] = field(default_factory=list)
    problems: list[PageProblem] = field(default_factory=list)
    _taken: int = 0

    def take_new(self) -> list[PageProblem]:
        """Problems recorded since the last call."""
        new = self.problems[self._taken :]
        self._taken = len(self.problems)
        return new

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", self._on_pageerror)

    def _on_console(self, message: ConsoleMessage) -> None:
        location = message.location
        where = location.get("url", "") if location else ""
        self.messages.append(f"[{message.type}] {message.text}")
        if message.type == "error":
            self.problems.append(PageProblem("console", message.text, where))

    def _on_pageerror(self, error: Error) -> None:
        self.problems.append(PageProblem("pageerror", error.message, error.stack or ""))


def screenshot(locator: Locator, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(path))
    return path


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
        message=lambda: f"{what} to hold more than {points} points (still {count(view, 'points')})",
    )


def wait_for_points(
    view: Locator, expected: int, *, timeout: float = TIMEOUT, what: str = "the chart"
) -> None:
    """Wait until ``view`` holds exactly ``expected`` points; on timeout, say how many it holds."""
    wait_for(
        lambda: count(view, "points") == expected,
        timeout=timeout,
        message=lambda: f"{what} to show {expected} points (it shows {count(view, 'points')})",
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
) -> list[list[dict[str, str]]]:
    """Read the views' attributes (see ``read_views``) again and again until cell ``cell_id``
    ends, and return the readings made while it certainly still ran: those after which its run
    ``run`` had not finished, nor (when ``done`` is given, the last thing the cell prints) its
    output shown ``done``."""
    readings: list[list[dict[str, str]]] = []
    deadline = time.monotonic() + timeout
    while True:
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
