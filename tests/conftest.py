"""Fixtures every test may use, and the order tests run in.

Helpers the tests share (servers, the kernel driver, waiting, the browser harness) live in
`tests/support/`, where the benchmarks import them too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from livefeed import Feed, LiveChart
from livefeed.demo import serve_in_thread

from .support.brokers import NatsServer, RedisServer
from .support.env import livefeed_pythonpath
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
def feeds() -> Iterator[list[Feed]]:
    """A list to put the test's feeds in; each is closed afterwards."""
    made: list[Feed] = []
    yield made
    for feed in made:
        feed.close()


@pytest.fixture
def kernel() -> Iterator[Kernel]:
    """A fresh ipykernel of this Python for each test: charts of one test cannot feed another's."""
    with running_kernel() as started:
        yield started


@pytest.fixture
def demo_env() -> Iterator[None]:
    """The demo source, its address in LIVEFEED_DEMO_URL as the notebooks expect it (no path),
    and this livefeed on the kernel's path; the environment is put back afterwards."""
    with serve_in_thread() as handle:
        env = {"LIVEFEED_DEMO_URL": handle.url(""), **livefeed_pythonpath()}
        previous = {name: os.environ.get(name) for name in env}
        os.environ.update(env)  # the kernel inherits the environment of this process
        try:
            yield
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@pytest.fixture
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    """A real `nats-server -js` of this test's own, on a free port of 127.0.0.1."""
    with NatsServer(tmp_path_factory.mktemp("nats")) as server:
        yield server  # type: ignore[misc]


@pytest.fixture
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A real `redis-server` of this test's own, on a free port of 127.0.0.1."""
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server  # type: ignore[misc]
