"""Headless Chromium for the end-to-end tests and the browser benchmarks: where it is, how it is
started, the helpers installed in every page, and a recorder of what the page logs.

The helpers (`window.__e2e`) reach JupyterLab through its own command registry and document
models (exposed as `window.jupyterapp` by `--LabApp.expose_app_in_browser`, see `jupyter`)
rather than through keyboard shortcuts and menus, which change between JupyterLab versions and
depend on focus.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Error, Locator, Page, ViewportSize

DEFAULT_CHROMIUM = "/usr/lib/chromium/chromium"

# Flags that let Debian's Chromium run headless as root in a container, and keep it off the
# network: no background update, sync or component downloads.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}


def chromium_executable() -> str:
    """The Chromium to drive: `LIVEFEED_CHROMIUM`, or the system's."""
    return os.environ.get("LIVEFEED_CHROMIUM") or DEFAULT_CHROMIUM


def chromium_missing() -> str | None:
    """Why `chromium_executable()` cannot run here, or None when it can."""
    path = chromium_executable()
    if os.access(path, os.X_OK):
        return None
    return f"no Chromium at {path} (set LIVEFEED_CHROMIUM to a Chromium binary)"


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
    """Save a picture of `locator` (scrolled into view) at `path`; returns `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(path))
    return path
