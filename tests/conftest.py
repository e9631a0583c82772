"""Fixtures every test may use, and the order tests run in.

Helpers the tests share (servers, the kernel driver, waiting, the browser harness) live in
`tests/support/`, where the benchmarks import them too.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from livefeed import LiveChart

from .support.kernels import Kernel, running_kernel


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the end-to-end tests last.

    Playwright's synchronous API leaves an event loop set on the main thread for the rest of the
    session, which tests that call `asyncio.run` must not meet; the browser tests are also the
    slowest, so everything else reports first.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture
def charts() -> Iterator[list[LiveChart]]:
    """A list to put the test's charts in; each is closed and removed afterwards."""
    made: list[LiveChart] = []
    yield made
    for chart in made:
        chart.close()


@pytest.fixture
def kernel() -> Iterator[Kernel]:
    """A fresh ipykernel of this Python for each test: charts of one test cannot feed another's."""
    with running_kernel() as started:
        yield started
