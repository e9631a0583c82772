"""Shared test helpers."""

from __future__ import annotations

import importlib.util
import os
import site
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from livefeed import LiveChart


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the end-to-end tests last.

    Playwright's synchronous API leaves an event loop set on the main thread for the rest of the
    session, which tests that call `asyncio.run` must not meet; the browser tests are also the
    slowest, so everything else reports first.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


def wait_for(condition: Callable[[], object], timeout: float = 30.0, what: str = "") -> None:
    """Poll `condition` until it is true; fail (not hang) after `timeout` seconds.

    The timeout only guards against hangs: no test asserts how fast anything happens.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


def kernel_env() -> dict[str, str]:
    """This process's environment, plus a PYTHONPATH that finds the livefeed these tests import
    when it is a source tree rather than an installed package: a kernel must run the same code."""
    env = dict(os.environ)
    spec = importlib.util.find_spec("livefeed")
    if spec is None or not spec.submodule_search_locations:
        return env
    parent = str(Path(next(iter(spec.submodule_search_locations))).resolve().parent)
    if parent not in {str(Path(p).resolve()) for p in site.getsitepackages()}:
        existing = env.get("PYTHONPATH")
        env["PYTHONPATH"] = parent + (os.pathsep + existing if existing else "")
    return env


@pytest.fixture
def charts() -> Iterator[list[LiveChart]]:
    """A list to put the test's charts in; each is closed and removed afterwards."""
    made: list[LiveChart] = []
    yield made
    for chart in made:
        chart.close(remove=True)
