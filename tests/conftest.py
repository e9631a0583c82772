"""Shared test helpers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from livefeed import LiveChart

from .kernels import Kernel, kernel_env, running_kernel

__all__ = ["kernel_env", "wait_for"]


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


@pytest.fixture
def charts() -> Iterator[list[LiveChart]]:
    """A list to put the test's charts in; each is closed and removed afterwards."""
    made: list[LiveChart] = []
    yield made
    for chart in made:
        chart.close(remove=True)


@pytest.fixture
def kernel() -> Iterator[Kernel]:
    """A fresh ipykernel of this Python for each test: charts of one test cannot feed another's."""
    with running_kernel() as started:
        yield started
