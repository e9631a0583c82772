"""The demo data source and the ``livefeed demo`` command, over real sockets on 127.0.0.1.

Timeouts here only guard against hangs; no test asserts how fast anything happens.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from websockets.asyncio.client import connect as async_connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from livefeed.demo import SENSORS, SYMBOLS, DemoHandle, DemoServer, serve_in_thread

TIMEOUT = 30.0  # seconds; against hangs only
SRC = Path(__file__).resolve().parents[1] / "src"


def child_env() -> dict[str, str]:
    """The environment for ``python -m livefeed``: this checkout's sources first on the path."""
    paths = [str(SRC), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def interruptible(*args: str) -> list[str]:
    """A command line running `python -m livefeed *args` that Ctrl-C (SIGINT) can interrupt.

    A process started in the background by a non-interactive shell inherits SIGINT ignored, and
    Python then never raises KeyboardInterrupt; a terminal's foreground process has it at its
    default. The command restores the default before it starts livefeed, as a terminal would.
    """
    restore = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
        "os.execv(sys.executable, [sys.executable, '-m', 'livefeed', *sys.argv[1:]])"
    )
    return [sys.executable, "-c", restore, *args]


@pytest.fixture
def demo() -> Iterator[DemoHandle]:
    with serve_in_thread(seed=1) as handle:
        yield handle


def receive(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    messages = []
    for _ in range(count):
        text = ws.recv(timeout=TIMEOUT)
        assert isinstance(text, str), "the demo sends text frames"
        message = json.loads(text)
        assert isinstance(message, dict), "one JSON object per message"
        messages.append(message)
    return messages


def read(handle: DemoHandle, path: str, count: int) -> list[dict[str, Any]]:
    with connect(handle.url(path), open_timeout=TIMEOUT) as ws:
        return receive(ws, count)


def assert_timestamps_increase(messages: list[dict[str, Any]], key: str) -> None:
    stamps = [m["ts"] for m in messages]
    assert all(isinstance(ts, int) for ts in stamps)
    assert stamps == sorted(stamps), "timestamps never decrease within a stream"
    last: dict[str, int] = {}
    for m in messages:
        name = m[key]
        assert m["ts"] > last.get(name, -1), f"timestamps of {name} strictly increase"
        last[name] = m["ts"]


def test_ticker_streams_documented_shape(demo: DemoHandle) -> None:
    messages = read(demo, "/ticker", 4 * len(SYMBOLS))
    for m in messages:
        assert set(m) == {"ts", "symbol", "price", "volume"}
        assert m["symbol"] in SYMBOLS
        assert isinstance(m["price"], float) and m["price"] > 0
        assert round(m["price"], 2) == m["price"]
        assert isinstance(m["volume"], int) and m["volume"] > 0 and m["volume"] % 100 == 0
        # Epoch milliseconds: after 2020, and not seconds or microseconds.
        assert 1_577_836_800_000 < m["ts"] < 10**13
    assert {m["symbol"] for m in messages} == set(SYMBOLS)
    assert_timestamps_increase(messages, "symbol")


def test_sensors_stream_documented_shape(demo: DemoHandle) -> None:
    messages = read(demo, "/sensors?rate=50", 5 * len(SENSORS))
    for m in messages:
        assert set(m) == {"ts", "sensor", "temperature", "pressure", "humidity"}
        assert m["sensor"] in SENSORS
        for field in ("temperature", "pressure", "humidity"):
            assert isinstance(m[field], float)
        assert 0.0 <= m["humidity"] <= 100.0
        assert m["pressure"] > 0
    assert {m["sensor"] for m in messages} == set(SENSORS)
    assert_timestamps_increase(messages, "sensor")


def test_rate_query_changes_the_spacing_of_timestamps(demo: DemoHandle) -> None:
    messages = read(demo, "/ticker?rate=4", 3 * len(SYMBOLS))
    acme = [m["ts"] for m in messages if m["symbol"] == "ACME"]
    # Timestamps follow the tick schedule, so the spacing is exact up to millisecond rounding.
    assert [b - a for a, b in itertools.pairwise(acme)] == [250, 250]


@pytest.mark.parametrize("subscription", [{"subscribe": ["ACME", "beta"]}, "ACME, BETA"])
def test_subscribe_filters_symbols(demo: DemoHandle, subscription: object) -> None:
    wanted = {"ACME", "BETA"}
    with connect(demo.url("/ticker?rate=50"), open_timeout=TIMEOUT) as ws:
        ws.send(subscription if isinstance(subscription, str) else json.dumps(subscription))
        # Unsubscribed symbols could only come before the server read the subscription; once
        # the filter applies, every tick sends exactly the wanted symbols.
        run: list[str] = []
        while len(run) < 40:
            (message,) = receive(ws, 1)
            run = [*run, message["symbol"]] if message["symbol"] in wanted else []
        assert set(run) == wanted

        # A new subscription replaces the previous one; null means everything again.
        ws.send(json.dumps({"subscribe": ["DELTA"]}))
        while receive(ws, 1)[0]["symbol"] != "DELTA":
            pass
        assert {m["symbol"] for m in receive(ws, 20)} == {"DELTA"}
        ws.send(json.dumps({"subscribe": None}))
        seen: set[str] = set()
        while seen != set(SYMBOLS):
            seen.add(receive(ws, 1)[0]["symbol"])


def test_subscription_ignores_unknown_messages(demo: DemoHandle) -> None:
    with connect(demo.url("/sensors?rate=50"), open_timeout=TIMEOUT) as ws:
        ws.send(json.dumps({"hello": "world"}))
        ws.send(b"\x00\x01")
        ws.send("[1, 2, 3]")
        seen: set[str] = set()
        while seen != set(SENSORS):
            seen.add(receive(ws, 1)[0]["sensor"])


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/nope", 404),
        ("/", 404),
        ("/ticker/extra", 404),
        ("/ticker?rate=fast", 400),
        ("/sensors?rate=0", 400),
        ("/ticker?rate=1e9", 400),
    ],
)
def test_bad_requests_are_refused(demo: DemoHandle, path: str, status: int) -> None:
    with pytest.raises(InvalidStatus) as refused, connect(demo.url(path), open_timeout=TIMEOUT):
        pass
    assert refused.value.response.status_code == status


def values(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in m.items() if k != "ts"} for m in messages]


@pytest.mark.parametrize("path", ["/ticker", "/sensors"])
def test_seeded_server_is_deterministic(path: str) -> None:
    runs = []
    for _ in range(2):
        with serve_in_thread(seed=42) as handle:
            runs.append(values(read(handle, path, 30)))
    assert runs[0] == runs[1]
    with serve_in_thread(seed=43) as handle:
        assert values(read(handle, path, 30)) != runs[0]


def test_clients_of_one_feed_see_the_same_values(demo: DemoHandle) -> None:
    # Two clients connected together share one simulation: the same (ts, values) pairs.
    with (
        connect(demo.url("/sensors?rate=50"), open_timeout=TIMEOUT) as a,
        connect(demo.url("/sensors?rate=50"), open_timeout=TIMEOUT) as b,
    ):
        first = receive(a, 60)
        second = receive(b, 60)
    common = {json.dumps(m, sort_keys=True) for m in first} & {
        json.dumps(m, sort_keys=True) for m in second
    }
    assert common, "the two clients saw no reading in common"
    by_key = {(m["ts"], m["sensor"]): m for m in first}
    for m in second:
        if (m["ts"], m["sensor"]) in by_key:
            assert by_key[m["ts"], m["sensor"]] == m


def test_counters_and_disconnect_all(demo: DemoHandle) -> None:
    assert demo.sent("ticker") == 0 and demo.connections("/ticker") == 0
    with connect(demo.url("/ticker"), open_timeout=TIMEOUT) as ws:
        receive(ws, 8)
        demo.disconnect_all()
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=TIMEOUT)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012
    assert demo.sent("/ticker") >= 8
    assert demo.connections("ticker") == 1
    assert demo.sent("sensors") == 0
    with pytest.raises(KeyError):
        demo.sent("nope")
    # Still serving after disconnecting everyone.
    assert len(read(demo, "/ticker", 2)) == 2


def test_serve_in_thread_stops_cleanly() -> None:
    handle = serve_in_thread()
    url = handle.url("/ticker")
    assert url == f"ws://127.0.0.1:{handle.port}/ticker"
    assert handle.url("sensors") == f"ws://127.0.0.1:{handle.port}/sensors"
    with connect(url, open_timeout=TIMEOUT) as ws:
        receive(ws, 1)
        assert handle.alive
        handle.stop()
        assert not handle.alive
        assert not any(t.name == "livefeed-demo" and t.is_alive() for t in threading.enumerate())
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=TIMEOUT)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
    handle.stop()  # idempotent
    with pytest.raises(OSError), connect(url, open_timeout=TIMEOUT):
        pass


def test_port_taken_raises_in_the_caller() -> None:
    with serve_in_thread() as first, pytest.raises(OSError):
        serve_in_thread(port=first.port)


def test_demo_server_in_an_event_loop() -> None:
    async def scenario() -> list[str]:
        async with DemoServer(seed=5) as server:
            with pytest.raises(RuntimeError):
                await server.start()
            async with async_connect(server.url("/ticker")) as ws:
                texts = [await asyncio.wait_for(ws.recv(), TIMEOUT) for _ in range(4)]
            assert server.sent("ticker") >= 4
        await server.stop()  # idempotent
        return [str(t) for t in texts]

    texts = asyncio.run(scenario())
    assert [json.loads(t)["symbol"] for t in texts] == list(SYMBOLS)
    with pytest.raises(RuntimeError):
        _ = DemoServer().port


def read_lines(stream: Any, into: queue.Queue[str | None]) -> None:
    for line in iter(stream.readline, ""):
        into.put(line)
    into.put(None)


def test_command_line_serves_until_interrupted(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        interruptible("demo", "--no-lab", "--port", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=tmp_path,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=read_lines, args=(proc.stdout, lines), daemon=True)
    reader.start()
    try:
        first = lines.get(timeout=TIMEOUT)
        assert first is not None, f"no output; stderr: {proc.stderr.read() if proc.stderr else ''}"
        assert first.startswith("livefeed demo source: ws://127.0.0.1:")
        assert "(paths /ticker, /sensors)" in first
        base = first.split()[3]
        port = int(base.rsplit(":", 1)[1])
        assert port > 0
        with connect(f"{base}/ticker", open_timeout=TIMEOUT) as ws:
            assert receive(ws, 1)[0]["symbol"] in SYMBOLS
        # Ctrl-C where there is one, a plain terminate elsewhere.
        proc.send_signal(signal.SIGINT if sys.platform != "win32" else signal.SIGTERM)
        assert proc.wait(timeout=TIMEOUT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=TIMEOUT)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()


def test_command_line_reports_a_taken_port(tmp_path: Path) -> None:
    with serve_in_thread() as taken:
        done = subprocess.run(
            [sys.executable, "-m", "livefeed", "demo", "--no-lab", "--port", str(taken.port)],
            capture_output=True,
            text=True,
            env=child_env(),
            cwd=tmp_path,
            timeout=TIMEOUT,
        )
    assert done.returncode != 0
    assert "already in use" in done.stderr
    assert done.stdout == ""


def test_command_line_help() -> None:
    from livefeed.__main__ import main

    with pytest.raises(SystemExit) as exited:
        main(["demo", "--help"])
    assert exited.value.code == 0
    with pytest.raises(SystemExit) as exited:
        main(["demo", "--port", "70000"])
    assert exited.value.code == 2


def test_lab_address_is_repeated_pointing_at_the_notebook(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from livefeed.__main__ import _relay_log

    log = (
        b"[I ServerApp] See https://jupyterlab.readthedocs.io/en/latest/ for help\n"
        b"[I ServerApp] http://localhost:8888/lab?token=abc\n"
        b"[I ServerApp]     http://127.0.0.1:8888/lab?token=abc\n"
    )
    kept = io.BytesIO()
    _relay_log(io.BytesIO(log), "quickstart.ipynb", kept)
    out, err = capsys.readouterr()
    assert (
        out == "livefeed demo notebook: http://localhost:8888/lab/tree/quickstart.ipynb?token=abc\n"
    )
    assert err == ""
    assert kept.getvalue() == log


def test_demo_with_lab_prints_its_own_lines_and_keeps_lab_log_in_a_file(tmp_path: Path) -> None:
    """What a newcomer sees on `make demo`: four short lines, the address, nothing alarming."""
    env = {
        **child_env(),
        "TMPDIR": str(tmp_path),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.Popen(
        [
            *interruptible("demo", "--port", "0", "--no-browser"),
            *("--", "--ServerApp.port=0", "--ServerApp.port_retries=0"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=work,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=read_lines, args=(proc.stdout, lines), daemon=True)
    reader.start()
    out: list[str] = []
    try:
        while not out or not out[-1].startswith("livefeed demo notebook:"):
            line = lines.get(timeout=120)
            assert line is not None, f"the demo ended early: {out}; {proc.stderr.read()}"  # type: ignore[union-attr]
            out.append(line.rstrip("\n"))
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=TIMEOUT) == 0
        assert proc.stderr is not None
        err = proc.stderr.read()
    finally:
        if proc.poll() is None:
            # JupyterLab runs in a session of its own: a demo killed here cannot stop it.
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            proc.kill()
            proc.wait()
        reader.join(timeout=TIMEOUT)
        assert proc.stderr is not None and proc.stdout is not None
        proc.stdout.close()
        proc.stderr.close()
    log_path = tmp_path / "livefeed-demo-jupyterlab.log"
    assert out[0] == "Copied the quickstart notebook to livefeed-demo/quickstart.ipynb"
    assert out[1].startswith("livefeed demo source: ws://127.0.0.1:")
    assert out[2] == (
        f"Starting JupyterLab on livefeed-demo/quickstart.ipynb (its log: {log_path}) ..."
    )
    assert out[3].startswith("livefeed demo notebook: http://")
    assert "/lab/tree/quickstart.ipynb" in out[3]
    assert len(out) == 4
    assert err.strip() == "Stopping JupyterLab and the demo source ..."
    assert "Jupyter Server" in log_path.read_text()


def test_packaged_quickstart_is_copied_once(tmp_path: Path) -> None:
    from livefeed.__main__ import _quickstart_notebook

    notebook = _quickstart_notebook(tmp_path)
    assert notebook == Path("livefeed-demo", "quickstart.ipynb")
    copy = tmp_path / notebook
    assert copy.is_file()
    copy.write_text("edited")
    assert _quickstart_notebook(tmp_path) == notebook
    assert copy.read_text() == "edited", "an existing copy is never overwritten"

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "quickstart.ipynb").write_text("{}")
    assert _quickstart_notebook(tmp_path) == Path("notebooks", "quickstart.ipynb")


NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path: Path) -> None:
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.kernel
@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if p.name != "quickstart.ipynb"], ids=lambda p: p.name
)
def test_example_notebooks_run_top_to_bottom(path: Path, tmp_path: Path) -> None:
    # The quickstart runs in a real JupyterLab in the end-to-end tests.
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    with serve_in_thread() as handle:
        env = {"LIVEFEED_DEMO_URL": handle.url(""), "PYTHONPATH": child_env()["PYTHONPATH"]}
        previous = {name: os.environ.get(name) for name in env}
        os.environ.update(env)  # the kernel inherits the environment of this process
        try:
            client = NotebookClient(
                notebook,
                timeout=int(TIMEOUT * 4),
                kernel_name="python3",
                resources={"metadata": {"path": str(tmp_path)}},
            )
            client.execute()
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    errors = [
        out
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert errors == []


def get_history(demo: DemoHandle, query: str) -> tuple[int, Any]:
    """GET a history endpoint over plain HTTP: its status and its JSON (or text) body."""
    import urllib.error
    import urllib.request

    url = demo.url(query).replace("ws://", "http://", 1)
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


@pytest.mark.parametrize(
    ("path", "key", "names"), [("/ticker", "symbol", SYMBOLS), ("/sensors", "sensor", SENSORS)]
)
def test_history_gives_one_message_per_second_per_name_before_live(
    demo: DemoHandle, path: str, key: str, names: tuple[str, ...]
) -> None:
    before = time.time() * 1000
    status, past = get_history(demo, f"{path}/history?seconds=30")
    after = time.time() * 1000
    assert status == 200
    assert len(past) == 30 * len(names)
    assert [m[key] for m in past[: len(names)]] == list(names)
    stamps = sorted({m["ts"] for m in past})
    assert len(stamps) == 30
    assert {b - a for a, b in itertools.pairwise(stamps)} == {1000}
    # The newest is one second before the request was answered.
    assert before - 1000 <= stamps[-1] + 1 and stamps[-1] <= after - 1000 + 1
    with connect(demo.url(path), open_timeout=TIMEOUT) as ws:
        first_live = receive(ws, 1)[0]
    if key == "symbol":  # history joins live prices without a jump
        last = {m["symbol"]: m["price"] for m in past if m["ts"] == stamps[-1]}
        assert abs(last[first_live["symbol"]] / first_live["price"] - 1) < 0.05


@pytest.mark.parametrize("query", ["seconds=0", "seconds=abc", "seconds=3601"])
def test_history_refuses_a_bad_length(demo: DemoHandle, query: str) -> None:
    status, text = get_history(demo, f"/ticker/history?{query}")
    assert status == 400
    assert "seconds must be" in text
