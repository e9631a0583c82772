"""Shared test helpers."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest


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
