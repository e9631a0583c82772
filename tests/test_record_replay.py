"""Recording a live feed and playing it back: a chart of the replay ends with exactly the data of
the chart that recorded it; secrets stay out of the file; the command line records too."""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from websockets.asyncio.server import ServerConnection

from livefeed import Feed, LiveChart
from livefeed._feed import _RECORD_FLUSH_SECONDS
from livefeed._recording import FLUSH_PERIOD, read_recording

from .support.feeds import Gate
from .support.servers import FeedServer
from .support.waiting import wait_for

SRC = Path(__file__).resolve().parents[1] / "src"
TIMEOUT = 60.0


def mixed_messages() -> list[str | bytes]:
    """Text and binary frames, odd ones among them, and points with no x of their own."""
    messages: list[str | bytes] = []
    for i in range(40):
        messages.append(json.dumps({"t": i * 0.5, "v": i * 1.5, "g": "ab"[i % 2]}))
        if i % 10 == 3:
            messages.append("not json")  # counted the same way live and in the replay
        if i % 10 == 7:
            messages.append(json.dumps({"t": i * 0.5, "v": i}).encode())  # a binary frame
    return messages


def messages_server(gate: Gate | None = None) -> FeedServer:
    async def handler(connection: ServerConnection) -> None:
        if gate is not None:
            await gate.passed()
        for message in mixed_messages():
            await connection.send(message)
        await connection.wait_closed()

    return FeedServer(handler)


def frame_data(chart: LiveChart) -> pd.DataFrame:
    return chart.data.reset_index(drop=True)


@pytest.mark.parametrize("x", ["t", None], ids=["x field", "arrival time"])
def test_a_replay_ends_with_the_data_of_the_chart_that_recorded_it(
    tmp_path: Path, charts: list[LiveChart], x: str | None
) -> None:
    path = tmp_path / "feed.lfrec"
    total = len(mixed_messages())
    gate = Gate()
    with messages_server(gate) as server:
        live_feed = Feed(server.url(), record=path)
        live = LiveChart(live_feed, x=x, y="v", group_by="g")
        charts.append(live)
        gate.open()
        wait_for(lambda: live_feed.stats["recorded"] == total, what="every frame recorded")
        live_feed.close()
    assert live.stats["messages"] == total
    replayed_feed = Feed.replay(path, speed=None)
    replay = LiveChart(replayed_feed, x=x, y="v", group_by="g")
    charts.append(replay)
    wait_for(lambda: replayed_feed.status == "closed", what="the replay's end")
    pd.testing.assert_frame_equal(frame_data(replay), frame_data(live))
    # The odd frames count the same: 4 not JSON, and 4 binary points without the group field.
    expected = {"not_json": 4, "missing_field": 4}
    assert replay.stats["error_kinds"] == live.stats["error_kinds"] == expected


def test_a_recording_is_written_out_at_least_every_second() -> None:
    # The README promises that a crash loses at most the last second: the recorder writes out
    # once a second while frames come, and the feed's timer does while they do not.
    assert FLUSH_PERIOD == 1.0
    assert _RECORD_FLUSH_SECONDS <= 1.0


def test_secrets_are_not_written(tmp_path: Path) -> None:
    path = tmp_path / "feed.lfrec"

    async def one(connection: ServerConnection) -> None:
        await connection.send('{"value": 1}')
        await connection.wait_closed()

    with FeedServer(one) as server:
        url = server.url("/feed?token=hunter2").replace("ws://", "ws://alice:s3cret@")
        feed = Feed(url, headers={"X-Api-Key": "abc123"}, record=path, subscribe="hi")
        wait_for(lambda: feed.stats["recorded"] == 1, what="a frame")
        feed.close()
    raw = path.read_bytes()
    for secret in (b"hunter2", b"s3cret", b"alice", b"abc123"):
        assert secret not in raw
    assert [frame for _, frame in read_recording(path)] == ['{"value": 1}']


def test_a_recording_cut_mid_write_still_replays(tmp_path: Path, charts: list[LiveChart]) -> None:
    path = tmp_path / "feed.lfrec"
    with messages_server() as server:
        feed = Feed(server.url(), record=path)
        wait_for(lambda: feed.stats["recorded"] == len(mixed_messages()), what="every frame")
        feed.close()
    whole = path.read_bytes()
    path.write_bytes(whole[:-5])  # the last frame is cut in the middle
    replayed = Feed.replay(path, speed=None)
    chart = LiveChart(replayed, x="t", y="v")
    charts.append(chart)
    wait_for(lambda: replayed.status == "closed", what="the replay's end")
    assert chart.stats["messages"] == len(mixed_messages()) - 1


def test_replay_takes_decode_and_transform(tmp_path: Path, charts: list[LiveChart]) -> None:
    path = tmp_path / "pairs.lfrec"

    async def pairs(connection: ServerConnection) -> None:
        for i in range(10):
            await connection.send(struct.pack("<dd", i, i * i))
        await connection.wait_closed()

    def unpack(frame: bytes) -> dict[str, float]:
        t, v = struct.unpack("<dd", frame)
        return {"t": t, "v": v}

    with FeedServer(pairs) as server:
        feed = Feed(server.url(), record=path, decode=unpack)
        wait_for(lambda: feed.stats["recorded"] == 10, what="every frame")
        feed.close()
    replayed = Feed.replay(path, speed=None, decode=unpack, transform=lambda r: {**r, "v": -r["v"]})
    chart = LiveChart(replayed, x="t", y="v", x_type="number")
    charts.append(chart)
    wait_for(lambda: replayed.status == "closed", what="the replay's end")
    assert chart.data["value"].tolist() == [-float(i * i) for i in range(10)]


def test_replay_refuses_what_is_not_a_recording(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Feed.replay(tmp_path / "missing.lfrec")
    with pytest.raises(ValueError, match="speed"):
        Feed.replay(tmp_path / "missing.lfrec", speed=0)


def test_the_record_command_records_until_stopped(tmp_path: Path) -> None:
    path = tmp_path / "cli.lfrec"
    sent: list[Any] = []

    async def forever(connection: ServerConnection) -> None:
        i = 0
        while True:
            message = json.dumps({"value": i})
            await connection.send(message)
            sent.append(message)
            i += 1
            await connection.ping()  # paces the loop without a timed sleep

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    with FeedServer(forever) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "livefeed", "record", server.url(), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        try:
            assert process.stdout is not None
            first = process.stdout.readline().decode()
            assert first.startswith("livefeed record: ")
            wait_for(lambda: path.exists() and len(list(read_recording(path))) >= 5, what="frames")
            # SIGTERM, as a service manager stops it (and Ctrl-C does the same): a process started
            # in the background may have SIGINT ignored.
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0, err.decode()
    frames = [frame for _, frame in read_recording(path)]
    assert frames == sent[: len(frames)]  # in order, nothing lost in between
    assert f"{len(frames):,} frames recorded" in out.decode()


def test_the_record_command_refuses_a_url_that_is_not_a_websocket(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-m", "livefeed", "record", "http://example.com/", str(tmp_path / "x")],
        capture_output=True,
        env=env,
        timeout=TIMEOUT,
    )
    assert done.returncode == 2
    assert b"ws://, wss://, nats:// or redis://" in done.stderr


class StopAtFirstLine:
    """`print` that raises KeyboardInterrupt on its first call, as a Ctrl-C or SIGTERM arriving
    while a command prints its first line would, and prints normally afterwards."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.calls += 1
        if self.calls == 1:
            raise KeyboardInterrupt
        print(*args, **kwargs)


def test_commands_stopped_while_printing_their_first_line_stop_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import livefeed.__main__ as cli

    async def idle(connection: ServerConnection) -> None:
        await connection.wait_closed()

    recording = tmp_path / "feed.lfrec"
    with FeedServer(idle) as server:
        monkeypatch.setattr(cli, "print", StopAtFirstLine(), raising=False)
        assert cli.run_record(server.url(), recording, subscribe=None) == 0
        wait_for(lambda: server.open_now == 0, what="the recorder's feed to close")
    monkeypatch.setattr(cli, "print", StopAtFirstLine(), raising=False)
    assert cli.run_replay(recording, host="127.0.0.1", port=0, speed=1.0, loop=False) == 0
    monkeypatch.setattr(cli, "print", StopAtFirstLine(), raising=False)
    assert (
        cli.run_demo(host="127.0.0.1", port=0, seed=None, lab=False, browser=False, lab_args=[])
        == 0
    )
