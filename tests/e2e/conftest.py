"""Fixtures for the end-to-end tests: demo feed, JupyterLab server, headless Chromium page.

The server, the feed and the browser live for this package only: Playwright's sync API keeps an
event loop running in the main thread while it is open, which would break the asyncio tests that
run after these, and other tests check that no demo feed thread is left running.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from ..support.browser import (
    CHROMIUM_ARGS,
    VIEWPORT,
    ConsoleRecorder,
    PageProblem,
    chromium_executable,
    chromium_missing,
    install_helpers,
)
from ..support.env import livefeed_pythonpath, skip_or_fail
from ..support.jupyter import LabServer, copy_notebooks, start_lab

# Console errors that JupyterLab itself logs in a healthy session, each with the reason it is
# harmless. Any other console error or uncaught page error fails the test: an error from the
# widget bundle need not mention livefeed (its stack only names a blob: URL), so we cannot rely
# on picking those out by name.
HARMLESS_CONSOLE_ERRORS: list[re.Pattern[str]] = [
    # JupyterLab's debugger asks a kernel that supports debugging (ipykernel does) for its
    # state whenever the notebook's kernel connection changes, shutting down included. When the
    # kernel goes before it answers, the pending debug_request is cancelled and the debugger
    # logs this; a plain ipywidgets notebook does it as well, now and then.
    re.compile(
        re.escape(
            "Could not restore the debugger state: Canceled future for debug_request message "
            "before replies were done"
        )
    ),
]

# Uncaught errors of the front end itself, each as (message, where it was thrown), both matched
# in full. Notebook 7.6's keyboard-shortcuts plugin reads the schema of a settings plugin that is
# being reloaded while the page starts, on any notebook, with or without widgets; the error is
# thrown inside its own bundle (notebook_core), before a notebook is even open.
HARMLESS_PAGE_ERRORS: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (
        re.compile(re.escape("Cannot read properties of undefined (reading 'schema')")),
        re.compile(
            r"TypeError: .*\n\s+at https?://[^\s]+/static/notebook/notebook_core\.[^\n]*(\n.*)*"
        ),
    ),
]


def _repo_root(config: pytest.Config) -> Path:
    return Path(config.rootpath)


@pytest.fixture(scope="session")
def artifacts_dir(pytestconfig: pytest.Config) -> Path:
    """Where logs and screenshots go, so a failed run can be diagnosed afterwards."""
    path = _repo_root(pytestconfig) / "test-artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    missing = chromium_missing()
    if missing is not None:
        # A developer without Chromium can still run the rest; CI must run these tests.
        skip_or_fail(missing)
    return chromium_executable()


@pytest.fixture(scope="package")
def demo_source() -> Iterator[Any]:
    """The project's demo WebSocket feed on a free port, for the whole session."""
    from livefeed.demo import serve_in_thread

    handle = serve_in_thread(port=0)
    try:
        yield handle
    finally:
        handle.stop()


def demo_base_url(handle: Any) -> str:
    """The feed address the notebooks expect in LIVEFEED_DEMO_URL: no path, no trailing slash."""
    return str(handle.url("")).rstrip("/")


def app_notebook(config: pytest.Config, work_dir: Path, name: str) -> Path:
    """A copy of the repository's notebook `name` in `work_dir/notebooks`, for an application
    that serves it (Voilà, marimo) to run without touching the original."""
    notebook = work_dir / "notebooks" / name
    notebook.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(_repo_root(config) / "notebooks" / name, notebook)
    return notebook


def app_env(demo_source: Any) -> dict[str, str]:
    """What a notebook's kernel needs from its server's environment: the demo feed's address,
    and this livefeed on its path."""
    return {"LIVEFEED_DEMO_URL": demo_base_url(demo_source), **livefeed_pythonpath()}


@contextmanager
def serve_notebooks(
    config: pytest.Config,
    tmp_path_factory: pytest.TempPathFactory,
    artifacts_dir: Path,
    demo_source: Any,
    *,
    app: str = "lab",
) -> Iterator[LabServer]:
    """A real Jupyter ``app`` ("lab" or "notebook") whose root holds a copy of the repository's
    notebooks, whose kernels reach the demo feed and import this livefeed; stopped on leaving.

    Its log is ``jupyterlab.log`` or ``notebook7.log`` in the artifacts directory.
    """
    name = {"lab": "jupyterlab", "notebook": "notebook7"}[app]
    env = {"LIVEFEED_DEMO_URL": demo_base_url(demo_source), **livefeed_pythonpath()}
    server = start_lab(
        work_dir=tmp_path_factory.mktemp(name),
        log_path=artifacts_dir / f"{name}.log",
        env=env,
        app=app,
    )
    try:
        notebooks = _repo_root(config) / "notebooks"
        if notebooks.is_dir():
            copy_notebooks(notebooks, server.root_dir)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")
def lab_server(
    pytestconfig: pytest.Config,
    tmp_path_factory: pytest.TempPathFactory,
    artifacts_dir: Path,
    demo_source: Any,
) -> Iterator[LabServer]:
    """A real JupyterLab whose root holds a copy of the repository's notebooks."""
    with serve_notebooks(pytestconfig, tmp_path_factory, artifacts_dir, demo_source) as server:
        yield server


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def browser(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


def _is_harmless(problem: PageProblem) -> bool:
    if problem.kind == "pageerror":
        return any(
            message.fullmatch(problem.text) and where.fullmatch(problem.where)
            for message, where in HARMLESS_PAGE_ERRORS
        )
    return problem.kind == "console" and any(
        pattern.fullmatch(problem.text) for pattern in HARMLESS_CONSOLE_ERRORS
    )


def _check_problems(recorder: ConsoleRecorder, when: str) -> None:
    new = recorder.take_new()
    for problem in new:
        print(f"browser {when}: {problem}")
    bad = [p for p in new if not _is_harmless(p)]
    if bad:
        pytest.fail(f"browser errors {when}:\n" + "\n".join(str(p) for p in bad), pytrace=False)


@pytest.fixture(scope="module")
def page_console() -> ConsoleRecorder:
    return ConsoleRecorder()


@pytest.fixture(scope="module")
def page(
    request: pytest.FixtureRequest,
    browser: Browser,
    page_console: ConsoleRecorder,
    artifacts_dir: Path,
) -> Iterator[Page]:
    """A page shared by the tests of one module (they build on one notebook session).

    Every console message and uncaught error is recorded; see ``_browser_errors_fail``.
    """
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page_console.attach(page)
    install_helpers(page, watch_charts=True)
    try:
        yield page
    finally:
        log = artifacts_dir / f"console-{request.module.__name__.rsplit('.', 1)[-1]}.log"
        log.write_text("\n".join(page_console.messages) + "\n")
        context.close()
    _check_problems(page_console, "between tests")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Keep each phase's report on the test item, so fixtures can tell whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _browser_errors_fail(request: pytest.FixtureRequest, artifacts_dir: Path) -> Iterator[None]:
    """After each test that uses the page: screenshot on failure, fail on browser errors."""
    if "page" not in request.fixturenames:
        yield
        return
    page: Page = request.getfixturevalue("page")
    recorder: ConsoleRecorder = request.getfixturevalue("page_console")
    yield
    reports = [getattr(request.node, f"report_{when}", None) for when in ("setup", "call")]
    if any(report is not None and report.failed for report in reports):
        try:
            page.screenshot(path=str(artifacts_dir / f"{request.node.name}-failed.png"))
        except Exception as exc:  # a broken page must not hide the test's own failure
            print(f"no failure screenshot: {exc}")
    _check_problems(recorder, f"during {request.node.name}")


SAVE_STATE = "@jupyter-widgets/jupyterlab-manager:plugin"


@pytest.fixture(scope="module")
def save_widget_state(lab_server: LabServer) -> Iterator[None]:
    """Settings > Save Widget State Automatically, on for the pages this module opens."""
    lab_server.set_user_setting(SAVE_STATE, {"saveState": True})
    yield
    lab_server.clear_user_setting(SAVE_STATE)
