"""Recordings: the `.lfrec` file (docs/recording.md), its replay as a source, and as a server.

Real files in a temporary folder, real WebSocket servers and clients on 127.0.0.1. The only
timing asserted is the replay speed, from the offsets of the frames received against their
recorded offsets, over spans of 1.6 s.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import queue
import signal
import struct
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosedOK
from websockets.sync.client import connect

from livefeed.__main__ import main
from livefeed._chartdata import Status
from livefeed._core.decode import Decoder, Frame, JsonDecoder
from livefeed._recording import (
    FLUSH_PERIOD,
    MAGIC,
    RECORD,
    Pacer,
    Recorder,
    RecordingReader,
    check_speed,
    read_recording,
)
from livefeed._redact import Redactor
from livefeed._replay_server import serve_in_thread
from livefeed._runtime import get_runtime
from livefeed._sources.replay import ReplaySource

from .support.waiting import wait_for

T0 = 1_700_000_000.0  # a recorded epoch time, in seconds

FRAMES: list[tuple[float, Frame]] = [
    (T0 + 0.000001, '{"price": 1.5}'),
    (T0 + 0.25, b"\x00\xff binary \x80"),
    (T0 + 0.5, "héllo ✓ 𝄞"),  # two- three- and four-byte UTF-8
    (T0 + 0.75, ""),
    (T0 + 1.0, b""),
    (T0 + 1.25, "x" * 70_000),
    (T0 + 1.5, bytes(range(256)) * 300),
    (T0 - 3.0, '{"clock": "set back"}'),  # times need not increase
]


def record(path: Path, frames: list[tuple[float, Frame]], source: str = "") -> None:
    with Recorder(path, source) as recorder:
        for at, frame in frames:
            recorder.write(frame, at)


def record_size(frame: Frame) -> int:
    payload = frame.encode("utf-8") if isinstance(frame, str) else frame
    return RECORD.size + len(payload)


# -- the file ----------------------------------------------------------------------------------


def test_text_and_binary_frames_come_back_exactly_with_their_times(tmp_path: Path) -> None:
    path = tmp_path / "feed.lfrec"
    before = time.time()
    record(path, FRAMES, source="wss://example.test/feed")
    after = time.time()

    back = list(read_recording(path))

    assert back == FRAMES
    assert [type(frame) for _, frame in back] == [type(frame) for _, frame in FRAMES]
    with RecordingReader(path) as reader:
        assert reader.header.source == "wss://example.test/feed"
        assert before <= reader.header.created <= after
        assert list(reader) == FRAMES
        assert not reader.cut
        assert reader.frames == len(FRAMES)


def test_the_bytes_on_disk_are_as_docs_recording_md_lays_them_out(tmp_path: Path) -> None:
    path = tmp_path / "layout.lfrec"
    record(path, [(1.5, "hé"), (2.25, b"\x00\xff")], source="ws://h/p")
    data = path.read_bytes()

    magic, version, length = struct.unpack_from("<8sHI", data)
    assert (magic, version) == (b"\x89LFREC\r\n", 1) and magic == MAGIC
    metadata = json.loads(data[14 : 14 + length].decode("utf-8"))
    assert metadata["source"] == "ws://h/p"
    assert isinstance(metadata["created"], float)
    records = data[14 + length :]
    assert records == (
        struct.pack("<dBI", 1.5, 1, 3) + "hé".encode() + struct.pack("<dBI", 2.25, 2, 2) + b"\0\xff"
    )


def test_a_str_that_is_not_valid_unicode_still_comes_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "surrogate.lfrec"
    record(path, [(1.0, "lone \ud800 surrogate")])
    assert list(read_recording(path)) == [(1.0, "lone \ud800 surrogate")]


def test_a_second_recorder_continues_the_recording_and_keeps_its_header(tmp_path: Path) -> None:
    path = tmp_path / "feed.lfrec"
    record(path, FRAMES[:3], source="ws://first/")
    with RecordingReader(path) as reader:
        created = reader.header.created

    with Recorder(path, "ws://second/") as recorder:
        assert recorder.header.source == "ws://first/"
        for at, frame in FRAMES[3:]:
            recorder.write(frame, at)
        assert recorder.frames == len(FRAMES) - 3

    with RecordingReader(path) as reader:
        assert reader.header.source == "ws://first/"
        assert reader.header.created == created
        assert list(reader) == FRAMES


def test_an_empty_file_gets_a_header(tmp_path: Path) -> None:
    path = tmp_path / "empty.lfrec"
    path.touch()
    record(path, FRAMES[:1], source="ws://s/")
    with RecordingReader(path) as reader:
        assert reader.header.source == "ws://s/"
        assert list(reader) == FRAMES[:1]


def test_a_file_cut_anywhere_in_its_last_record_yields_every_frame_before(tmp_path: Path) -> None:
    path = tmp_path / "whole.lfrec"
    frames = FRAMES[:3]
    record(path, frames)
    whole = path.read_bytes()
    last_starts = len(whole) - record_size(frames[-1][1])
    cut_path = tmp_path / "cut.lfrec"

    for end in range(last_starts, len(whole)):
        cut_path.write_bytes(whole[:end])
        with RecordingReader(cut_path) as reader:
            assert list(reader) == frames[:-1], f"cut at byte {end}"
            assert reader.cut == (end > last_starts), f"cut at byte {end}"
        assert list(read_recording(cut_path)) == frames[:-1]


def test_a_recorder_cuts_a_crashed_last_record_away_before_appending(tmp_path: Path) -> None:
    path = tmp_path / "crashed.lfrec"
    record(path, FRAMES[:3])
    with open(path, "r+b") as file:
        file.truncate(path.stat().st_size - 2)  # the last record lost its last two bytes

    record(path, FRAMES[3:5])

    with RecordingReader(path) as reader:
        assert list(reader) == FRAMES[:2] + FRAMES[3:5]
        assert not reader.cut


def test_a_crashed_process_loses_at_most_what_it_had_not_flushed(tmp_path: Path) -> None:
    path = tmp_path / "killed.lfrec"
    script = textwrap.dedent(
        f"""
        import os
        from livefeed._recording import Recorder
        recorder = Recorder({str(path)!r})
        for i in range(10):
            recorder.write(f"flushed {{i}}", 1000.0 + i)
        recorder.flush()
        for i in range(5):
            recorder.write(f"buffered {{i}}", 2000.0 + i)
        os._exit(3)  # no close, no clean-up: a crash
        """
    )
    done = subprocess.run([sys.executable, "-c", script], timeout=60, capture_output=True)
    assert done.returncode == 3, done.stderr.decode()

    back = list(read_recording(path))

    written = [(1000.0 + i, f"flushed {i}") for i in range(10)]
    written += [(2000.0 + i, f"buffered {i}") for i in range(5)]
    assert back[:10] == written[:10]
    assert back == written[: len(back)]  # what the buffer had written already, in order


def test_a_frame_waits_in_memory_at_most_a_flush_period(tmp_path: Path) -> None:
    path = tmp_path / "periodic.lfrec"
    with Recorder(path) as recorder, RecordingReader(path) as reader:
        recorder.flush()
        recorder.write("first", 1.0)
        now = time.monotonic()
        assert not recorder.flush_if_due(now)
        assert recorder.flush_if_due(now + FLUSH_PERIOD)
        assert reader.read() == [(1.0, "first")]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x89LFREC",  # cut inside the magic
        b"hello, this is a text file, not a recording at all\n",
        b"\x89LFREC\n\n" + bytes(20),  # the newlines were translated
        b"\x89LFREC\r\n" + struct.pack("<HI", 2, 2) + b"{}",  # a later version
        b"\x89LFREC\r\n" + struct.pack("<HI", 1, 40) + b"{}",  # metadata cut short
        b"\x89LFREC\r\n" + struct.pack("<HI", 1, 2) + b"[]",  # metadata not an object
        b"\x89LFREC\r\n" + struct.pack("<HI", 1, 2**31) + b"{}",  # absurd metadata length
    ],
)
def test_a_file_that_is_not_a_recording_is_refused_and_left_alone(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "other.lfrec"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"other\.lfrec"):
        RecordingReader(path)
    with pytest.raises(ValueError, match=r"other\.lfrec"):
        list(read_recording(path))
    if content:
        with pytest.raises(ValueError, match=r"other\.lfrec"):
            Recorder(path)
        assert path.read_bytes() == content


def test_a_record_of_unknown_kind_is_reported_after_the_frames_before_it(tmp_path: Path) -> None:
    path = tmp_path / "damaged.lfrec"
    record(path, FRAMES[:3])
    data = bytearray(path.read_bytes())
    second = len(data) - record_size(FRAMES[2][1]) - record_size(FRAMES[1][1])
    data[second + 8] = 7  # the kind byte of the second record
    path.write_bytes(bytes(data))

    reader = RecordingReader(path)
    assert reader.read() == FRAMES[:1]
    with pytest.raises(ValueError, match=f"damaged at byte {second}"):
        reader.read()
    reader.close()
    with pytest.raises(ValueError, match=f"damaged at byte {second}"):
        Recorder(path)


def test_a_reader_sees_what_is_flushed_while_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "live.lfrec"
    with Recorder(path) as recorder:
        reader = RecordingReader(path)
        assert reader.read() == []

        recorder.write("one", 1.0)
        recorder.write(b"two", 2.0)
        recorder.flush()
        assert reader.read() == [(1.0, "one"), (2.0, b"two")]
        assert reader.read() == []

        # Half a record on disk, as a reader may meet it in the middle of a write: the reader
        # stops before it, and reads it whole once the rest has come.
        head = RECORD.pack(3.0, 1, 5)
        with open(path, "ab") as file:
            file.write(head + b"th")
        assert reader.read() == []
        assert reader.cut
        with open(path, "ab") as file:
            file.write(b"ree")
        assert reader.read() == [(3.0, "three")]
        assert not reader.cut
        reader.close()


def test_writes_from_many_threads_never_split_a_record(tmp_path: Path) -> None:
    path = tmp_path / "threads.lfrec"
    per_thread = 2000
    with Recorder(path) as recorder:

        def write(name: str) -> None:
            for i in range(per_thread):
                recorder.write(f"{name} {i} " + name * (i % 50), float(i))
                if i % 100 == 0:
                    recorder.flush()

        threads = [threading.Thread(target=write, args=(name,)) for name in "abcd"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    back = list(read_recording(path))
    assert len(back) == 4 * per_thread
    for name in "abcd":
        mine = [(at, frame) for at, frame in back if isinstance(frame, str) and frame[0] == name]
        assert mine == [(float(i), f"{name} {i} " + name * (i % 50)) for i in range(per_thread)]


def test_a_closed_recorder_refuses_frames(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "closed.lfrec")
    recorder.close()
    recorder.close()
    assert recorder.closed
    with pytest.raises(ValueError, match="closed"):
        recorder.write("late", 1.0)


# -- pacing ------------------------------------------------------------------------------------


def test_pacing_times_every_frame_from_the_first() -> None:
    pacer = Pacer(2.0)
    assert pacer.delay(100.0, now=50.0) == 0.0  # the first frame: the origin
    assert pacer.delay(101.0, now=50.0) == pytest.approx(0.5)
    assert pacer.delay(104.0, now=51.0) == pytest.approx(1.0)
    assert pacer.delay(101.0, now=53.0) == 0.0  # late already: at once, not later
    assert pacer.delay(99.0, now=50.0) == 0.0  # recorded before the first
    pacer.restart()
    assert pacer.delay(500.0, now=60.0) == 0.0
    assert pacer.delay(502.0, now=60.0) == pytest.approx(1.0)

    fastest = Pacer(None)
    assert fastest.delay(0.0, now=0.0) == fastest.delay(1e9, now=0.0) == 0.0


@pytest.mark.parametrize("speed", [0, -1.0, float("nan"), float("inf")])
def test_a_speed_must_be_a_finite_number_above_zero(speed: float) -> None:
    with pytest.raises(ValueError, match="speed"):
        check_speed(speed)
    with pytest.raises(ValueError, match="speed"):
        ReplaySource("any.lfrec", speed=speed)


def slope(recorded: list[float], played: list[float]) -> float:
    """The least-squares slope of played offsets against recorded ones: 1 / speed if paced."""
    xs = [t - recorded[0] for t in recorded]
    ys = [t - played[0] for t in played]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return covariance / sum((x - mean_x) ** 2 for x in xs)


def paced_frames(speed: float) -> list[tuple[float, Frame]]:
    """41 frames that take 1.6 s to play at `speed`, text and binary by turns."""
    step = 0.04 * speed
    return [(T0 + i * step, f'{{"i": {i}}}' if i % 2 else bytes([i])) for i in range(41)]


# -- the replay server -------------------------------------------------------------------------


def receive_all(url: str, send_first: str | None = None) -> tuple[list[Frame], int | None]:
    """Every message a connection to `url` gets until the server closes it, and the close code."""
    messages: list[Frame] = []
    with connect(url, max_size=None) as websocket:
        if send_first is not None:
            # A replay as fast as it goes may have sent everything and closed before the client
            # spoke; what it sent is still there to read.
            with contextlib.suppress(ConnectionClosedOK):
                websocket.send(send_first)
        try:
            while True:
                messages.append(websocket.recv())
        except ConnectionClosedOK:
            pass
        return messages, websocket.close_code


def test_the_server_gives_each_client_the_frames_in_order_with_their_types(
    tmp_path: Path,
) -> None:
    path = tmp_path / "feed.lfrec"
    record(path, FRAMES)
    with serve_in_thread(path, port=0, speed=None) as server:
        assert server.url() == f"ws://127.0.0.1:{server.port}/"
        for send_first in (None, '{"subscribe": "all"}'):
            messages, code = receive_all(server.url("any/path"), send_first)
            assert messages == [frame for _, frame in FRAMES]
            assert [type(m) for m in messages] == [type(frame) for _, frame in FRAMES]
            assert code == 1000
        assert server.connections == 2


def test_the_server_starts_over_with_loop(tmp_path: Path) -> None:
    path = tmp_path / "feed.lfrec"
    record(path, FRAMES[:3])
    with serve_in_thread(path, port=0, speed=None, loop=True) as server:
        with connect(server.url()) as websocket:
            got = [websocket.recv() for _ in range(3 * 4)]
        assert got == [frame for _, frame in FRAMES[:3]] * 4


def test_an_empty_recording_with_loop_closes_rather_than_spinning(tmp_path: Path) -> None:
    path = tmp_path / "empty.lfrec"
    record(path, [])
    with serve_in_thread(path, port=0, speed=None, loop=True) as server:
        assert receive_all(server.url()) == ([], 1000)


def test_the_server_refuses_a_file_that_is_not_a_recording(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a recording")
    with pytest.raises(ValueError, match="not a livefeed recording"):
        serve_in_thread(path, port=0)


@pytest.mark.parametrize("speed", [1.0, 2.0])
def test_the_server_plays_at_the_recorded_pace_times_speed(tmp_path: Path, speed: float) -> None:
    path = tmp_path / "paced.lfrec"
    frames = paced_frames(speed)
    record(path, frames)
    arrivals: list[float] = []
    with serve_in_thread(path, port=0, speed=speed) as server, connect(server.url()) as websocket:
        for _ in frames:
            websocket.recv()
            arrivals.append(time.monotonic())

    ratio = slope([at for at, _ in frames], arrivals) * speed
    assert 0.9 <= ratio <= 1.1, f"played at {ratio:.3f} of the pace asked for"


def test_the_command_serves_a_recording_on_the_port_it_prints(tmp_path: Path) -> None:
    path = tmp_path / "feed.lfrec"
    record(path, FRAMES)
    command = [sys.executable, "-m", "livefeed", "replay", str(path), "--port", "0"]
    with subprocess.Popen(
        [*command, "--speed", "1000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            stdout = process.stdout
            assert stdout is not None
            lines: queue.Queue[str] = queue.Queue()
            threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
            first = lines.get(timeout=60)  # a guard against a hang only
            assert first.startswith("livefeed replay: ws://127.0.0.1:"), first
            url = first.split(": ", 1)[1].strip()
            assert not url.endswith(":0/")

            assert receive_all(url) == ([frame for _, frame in FRAMES], 1000)
        finally:
            process.send_signal(signal.SIGTERM)  # stops it as Ctrl-C does
            _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err


def test_the_command_refuses_a_file_that_is_not_a_recording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.lfrec"
    path.write_text("not a recording")
    assert main(["replay", str(path), "--port", "0"]) == 1
    assert "notes.lfrec is not a livefeed recording" in capsys.readouterr().err
    assert main(["replay", str(tmp_path / "missing.lfrec"), "--port", "0"]) == 1
    assert "cannot read" in capsys.readouterr().err


# -- the replay source -------------------------------------------------------------------------


class CallSink:
    """A `Sink` that keeps every call made to it, with the monotonic time of each frame."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._redactor = Redactor(None)
        self._status: Status = "closed"
        self.statuses: list[Status] = []
        self.frames: list[tuple[float | None, Frame]] = []
        self.arrivals: list[float] = []
        self.decoders: list[Decoder] = []
        self.notes: list[tuple[str, str]] = []
        self.reconnects = 0

    @property
    def redactor(self) -> Redactor:
        return self._redactor

    @property
    def status(self) -> Status:
        return self._status

    def ingest(self, frame: Frame, decoder: Decoder, at: float | None = None) -> None:
        with self._lock:
            self.arrivals.append(time.monotonic())
            self.frames.append((at, frame))
            self.decoders.append(decoder)

    def note(self, kind: str, message: str) -> None:
        with self._lock:
            self.notes.append((kind, message))

    def set_status(self, status: Status, retry_at: float | None = None) -> None:
        with self._lock:
            self._status = status
            self.statuses.append(status)

    def count_reconnect(self) -> None:
        self.reconnects += 1


def test_a_replay_source_ingests_every_frame_at_its_recorded_time(tmp_path: Path) -> None:
    path = tmp_path / "feed.lfrec"
    record(path, FRAMES)
    made: list[Decoder] = []

    def decoder() -> Decoder:
        made.append(JsonDecoder())
        return made[-1]

    sink = CallSink()
    source = ReplaySource(path, speed=None, decoder=decoder)
    assert source.name == "replay of feed.lfrec"
    source.start(get_runtime(), sink)
    wait_for(lambda: sink.status == "closed", what="the end of the replay")

    assert sink.frames == FRAMES
    assert sink.statuses == ["connecting", "live", "closed"]
    assert len(made) == 1 and all(d is made[0] for d in sink.decoders)
    assert sink.notes == []
    source.stop()  # after the end: nothing to do


def test_a_replay_source_plays_at_the_recorded_pace_times_speed(tmp_path: Path) -> None:
    path = tmp_path / "paced.lfrec"
    speed = 2.0
    frames = paced_frames(speed)
    record(path, frames)
    sink = CallSink()
    ReplaySource(path, speed=speed).start(get_runtime(), sink)
    wait_for(lambda: sink.status == "closed", what="the end of the replay")

    assert sink.frames == frames
    ratio = slope([at for at, _ in frames], sink.arrivals) * speed
    assert 0.9 <= ratio <= 1.1, f"played at {ratio:.3f} of the pace asked for"


def test_a_replay_source_stopped_ingests_nothing_more(tmp_path: Path) -> None:
    path = tmp_path / "long.lfrec"
    record(path, [(T0 + i, f'{{"i": {i}}}') for i in range(100)])  # 100 s at speed 1
    sink = CallSink()
    source = ReplaySource(path)
    source.start(get_runtime(), sink)
    wait_for(lambda: sink.frames, what="the first frame")

    source.stop()

    assert sink.status == "closed"
    assert sink.statuses == ["connecting", "live", "closed"]
    seen = len(sink.frames)
    assert seen < 100
    source.stop_soon()
    source.stop()
    get_runtime().run_sync(lambda: None)  # let anything still queued on the loop run
    assert len(sink.frames) == seen


def test_a_replay_source_of_a_cut_recording_ends_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "cut.lfrec"
    record(path, FRAMES[:3])
    with open(path, "r+b") as file:
        file.truncate(path.stat().st_size - 1)
    sink = CallSink()
    ReplaySource(path, speed=None).start(get_runtime(), sink)
    wait_for(lambda: sink.status == "closed", what="the end of the replay")
    assert sink.frames == FRAMES[:2]
    assert sink.notes == []


@pytest.mark.parametrize("content", [None, b"this is not a recording"])
def test_a_replay_source_of_a_bad_file_notes_a_connection_problem(
    tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "bad.lfrec"
    if content is not None:
        path.write_bytes(content)
    sink = CallSink()
    ReplaySource(path).start(get_runtime(), sink)
    wait_for(lambda: sink.status == "error", what="the replay to fail")

    assert sink.frames == []
    assert sink.statuses == ["connecting", "error"]
    [(kind, message)] = sink.notes
    assert kind == "connection"
    assert "bad.lfrec" in message
    if content is None:
        assert os.strerror(errno.ENOENT) in message
    else:
        assert "not a livefeed recording" in message


def test_a_replay_source_of_a_damaged_recording_plays_up_to_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "damaged.lfrec"
    record(path, FRAMES[:3])
    data = bytearray(path.read_bytes())
    data[len(data) - record_size(FRAMES[2][1]) + 8] = 0
    path.write_bytes(bytes(data))
    sink = CallSink()
    ReplaySource(path, speed=None).start(get_runtime(), sink)
    wait_for(lambda: sink.status == "error", what="the replay to fail")

    assert sink.frames == FRAMES[:2]
    assert sink.statuses == ["connecting", "live", "error"]
    [(kind, message)] = sink.notes
    assert kind == "connection" and "damaged" in message
