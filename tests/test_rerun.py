"""Re-running a chart's cell in a real kernel: the old chart stops unless something holds it.

The feed is a real WebSocket server in this process; the charts live in a real ipykernel, where
ipywidgets' registry, the comm and IPython's output cache all keep references to every chart.
A connection is open from the server's first message until it sees the close.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from livefeed._recording import Recorder

from .support.feeds import value_per_request
from .support.kernels import Kernel
from .support.servers import FeedServer
from .support.waiting import wait_for

pytestmark = pytest.mark.kernel


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer(value_per_request) as running:
        yield running


def checks_done(running: Kernel) -> int:
    found = running.run("", n="livefeed._runtime.get_runtime().orphan_checks")
    return int(found["n"])


def wait_for_two_checks(running: Kernel) -> None:
    """Wait until the runtime has looked for orphans twice more: whatever it decides is done."""
    before = checks_done(running)
    wait_for(lambda: checks_done(running) >= before + 2, what="two orphan checks")


def run_in_cell(running: Kernel, code: str, cell_id: str) -> None:
    """Run `code` as JupyterLab does: the execute request names the cell it comes from."""
    content: dict[str, Any] = {
        "code": code,
        "silent": False,
        "store_history": True,
        "user_expressions": {},
        "allow_stdin": False,
    }
    message = running.client.session.msg("execute_request", content, metadata={"cellId": cell_id})
    running.client.shell_channel.send(message)
    while True:
        reply = running.client.shell_channel.get_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == message["header"]["msg_id"]:
            break
    assert reply["content"]["status"] == "ok", reply["content"]


CELLS = {
    "assigned and shown": "chart = LiveChart(URL)\nchart",
    "assigned and displayed": "chart = LiveChart(URL)\ndisplay(chart)",
    "in a box": "box = HBox([LiveChart(URL)])\nbox",
    # A shared feed is closed like a chart once nothing holds it, its charts included.
    "a feed shown": "feed = Feed(URL)\nfeed",
    "a feed and its chart": "feed = Feed(URL)\nchart = LiveChart(feed)\nchart",
}
# What to ask about the newest chart or feed of each cell.
NAMES = {"in a box": "box.children[0]", "a feed shown": "feed"}


@pytest.mark.parametrize("cell", list(CELLS))
def test_five_runs_of_a_cell_leave_one_connection(
    kernel: Kernel,
    server: FeedServer,
    cell: str,
) -> None:
    kernel.run(
        "from IPython.display import display\nfrom ipywidgets import HBox\n"
        f"from livefeed import Feed, LiveChart\nURL = {server.url()!r}"
    )
    name = NAMES.get(cell, "chart")
    for _ in range(5):
        kernel.run(CELLS[cell])
        # Each chart is live before its cell runs again (a chart stopped during its handshake
        # has no connection to close with a close frame yet).
        wait_for(lambda: kernel.run("", s=f"{name}.status")["s"] == "live", what="a live chart")
    wait_for(lambda: server.open_now == 1, what="the old charts to close their connections")
    assert server.close_codes == [1000] * 4  # each left with a proper close frame
    assert kernel.run("", status=f"{name}.status")["status"] == "live"


def test_a_chart_held_elsewhere_keeps_running(
    kernel: Kernel,
    server: FeedServer,
) -> None:
    kernel.run(f"from livefeed import LiveChart\nURL = {server.url()!r}\nkept = []")
    kernel.run("LiveChart(URL)")  # a chart alone in a cell that never runs again
    for _ in range(3):
        kernel.run("chart = LiveChart(URL)\nkept.append(chart)")
    kernel.run("other = LiveChart(URL)\nalias = other")
    kernel.run("other = LiveChart(URL)")
    wait_for(lambda: server.connections == 6, what="six connections")
    wait_for_two_checks(kernel)
    assert server.open_now == 6
    found = kernel.run("", kept="[c.status for c in kept]", alias="alias.status")
    assert found == {"kept": ["live"] * 3, "alias": "live"}
    # Let go of the three held charts: they go too, once their cell runs again.
    kernel.run("kept.clear()")
    kernel.run("chart = LiveChart(URL)\nkept.append(chart)")
    wait_for(lambda: server.open_now == 4, what="the released charts to close")


def test_an_edited_cell_run_again_is_the_same_cell(
    kernel: Kernel,
    server: FeedServer,
) -> None:
    kernel.run(f"from livefeed import LiveChart\nURL = {server.url()!r}")
    cell = str(uuid.uuid4())
    run_in_cell(kernel, "chart = LiveChart(URL)", cell)
    run_in_cell(kernel, "chart = LiveChart(URL, title='edited')", cell)
    run_in_cell(kernel, "chart = LiveChart(URL, title='edited again')", cell)
    wait_for(lambda: server.open_now == 1, what="the charts of earlier runs to close")
    found = kernel.run("", title="chart.title", status="chart.status")
    assert found == {"title": "edited again", "status": "live"}


def test_what_a_cell_makes_is_never_taken_for_a_leftover_of_that_cell(
    kernel: Kernel, server: FeedServer, tmp_path: Path
) -> None:
    # The runtime's loop is busy when the cell starts (here on purpose; a loaded machine or many
    # charts do it by chance), so it gets to the start only after the cell made its feed. A
    # chart alone in a cell that never runs again keeps running, and so must the feed it was
    # given, made in the same cell and held by no variable. (A replay starts with its first
    # chart: the one feed that the loop does not see made.)
    path = tmp_path / "ticks.lfrec"
    with Recorder(path, "ws://127.0.0.1/") as recorder:
        for i in range(5):
            recorder.write(json.dumps({"i": i, "v": float(i)}), 1_764_000_000.0 + i)
    kernel.run(
        f"import time\nfrom livefeed import Feed, LiveChart\nURL = {server.url()!r}\n"
        "first = LiveChart(URL)  # livefeed now watches cells as they start"
    )
    kernel.run("livefeed._runtime.get_runtime().call_soon(time.sleep, 1.0)")
    kernel.run(f"LiveChart(Feed.replay({str(path)!r}, speed=None), x='i', y='v')")
    kernel.run("made = _")  # the output cache's reference, kept to read the chart back
    # A cell run twice whose first chart a list still holds: a candidate that stays one, so
    # that the runtime keeps looking.
    kernel.run("held = []")
    run_in_cell(kernel, "held.append(LiveChart(URL))", "cell-b")
    run_in_cell(kernel, "held.append(LiveChart(URL))", "cell-b")
    wait_for_two_checks(kernel)
    found = kernel.run("", closed="made.feed.closed", points="made.stats['points']")
    assert found == {"closed": False, "points": 5}
