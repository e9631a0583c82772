"""A kernel with live charts shuts down by itself, promptly and cleanly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jupyter_client.manager import KernelManager

from .support.env import kernel_env
from .support.feeds import stream_forever
from .support.servers import FeedServer
from .support.waiting import wait_for

pytestmark = pytest.mark.kernel


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer(stream_forever) as running:
        yield running


def test_kernel_with_streaming_charts_exits_on_its_own(server: FeedServer) -> None:
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env=kernel_env())
    client = manager.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        code = (
            "from livefeed import LiveChart\n"
            f"charts = [LiveChart({server.url()!r}) for _ in range(5)]\n"
            "import time\n"
            "while min(c.stats['points'] for c in charts) == 0: time.sleep(0.05)\n"
        )
        reply = client.execute_interactive(code, timeout=60)
        assert reply["content"]["status"] == "ok"
        client.shutdown()  # a shutdown_request, as JupyterLab sends it
        # The kernel must leave by itself: jupyter_client kills it only after its grace period.
        process = manager.provisioner.process  # type: ignore[union-attr]
        assert process.wait(timeout=30) == 0
    finally:
        client.stop_channels()
        if manager.is_alive():
            manager.shutdown_kernel(now=True)
        else:
            manager.cleanup_resources()
        manager.context.destroy()
    # Every chart's connection was closed with a close frame when the kernel went away.
    wait_for(lambda: len(server.close_codes) == 5, what="five connections to end")
    assert server.close_codes == [1000] * 5
