"""The ``livefeed`` command (also ``python -m livefeed``).

``livefeed demo`` starts the built-in demo WebSocket source (see :mod:`livefeed.demo`) and, unless
``--no-lab`` is given, a JupyterLab on the quickstart notebook with ``LIVEFEED_DEMO_URL`` set to the
source's address. Ctrl-C (or SIGTERM) stops both. Exit status: 0 after a clean stop, JupyterLab's
own status if it exits by itself, 1 for a missing JupyterLab or notebook, 2 for usage errors and
an address that cannot be bound.

``livefeed record URL FILE`` connects to a WebSocket feed (reconnecting as charts do) and appends
every frame it receives to a recording, until Ctrl-C; see `run_record`.

``livefeed bridge UPSTREAM TARGET`` reads a WebSocket feed and publishes each record to a NATS
subject or a Redis stream, for many notebooks to read; see `run_bridge`.

``livefeed replay FILE --port N`` serves a recording (``.lfrec``, made with ``record=``) as a
WebSocket feed, with its recorded timing, until Ctrl-C; see `run_replay`.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata, resources
from importlib.util import find_spec
from pathlib import Path
from types import FrameType
from typing import IO, Any
from urllib.parse import quote, urlsplit, urlunsplit

from livefeed._recording import RecordingReader, check_speed
from livefeed._replay_server import serve_in_thread as serve_replay
from livefeed.demo import PATHS, DemoHandle, serve_in_thread

DEFAULT_PORT = 8765
NOTEBOOK = "quickstart.ipynb"
WORK_DIR = "livefeed-demo"  # where a packaged quickstart is copied when there is no checkout
ENV_VAR = "LIVEFEED_DEMO_URL"

# Seconds JupyterLab gets to shut its kernels down after SIGTERM before it is killed.
LAB_SHUTDOWN_TIMEOUT = 20.0

# JupyterLab logs its address as http(s)://host:port/lab...; the explicit port tells it apart
# from documentation links in the same log.
_LAB_URL = re.compile(r"https?://[^\s/]+:\d+/\S*")


def _version() -> str:
    try:
        return metadata.version("livefeed")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``livefeed`` command."""
    parser = argparse.ArgumentParser(
        prog="livefeed",
        description="Live charts of WebSocket feeds in Jupyter.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="run the demo data source and open the quickstart notebook",
        description=(
            "Start the demo WebSocket source (paths /ticker and /sensors) and, unless --no-lab is "
            f"given, JupyterLab on the quickstart notebook with {ENV_VAR} set to the source's "
            "address. Ctrl-C stops both. Options not listed here are passed on to JupyterLab "
            "(for example --allow-root, or --port after --: livefeed demo -- --port 9999)."
        ),
    )
    demo.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s)",
    )
    demo.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help="port to listen on; 0 picks a free one (default: %(default)s)",
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed the simulation so that every run streams the same values",
    )
    demo.add_argument(
        "--no-lab",
        action="store_true",
        help="run only the data source, without JupyterLab",
    )
    demo.add_argument(
        "--no-browser",
        action="store_true",
        help="start JupyterLab without opening a web browser",
    )
    replay = commands.add_parser(
        "replay",
        help="serve a recording (.lfrec) as a WebSocket feed",
        description=(
            "Serve the frames of a recording made with record= as a WebSocket feed: every "
            "client that connects, on any path, gets them with their recorded timing and type, "
            "then a normal close (or, with --loop, the recording again). Ctrl-C stops."
        ),
    )
    replay.add_argument("file", type=Path, metavar="FILE", help="the recording to serve")
    replay.add_argument(
        "--port",
        type=_port,
        required=True,
        help="port to listen on; 0 picks a free one",
    )
    replay.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s)",
    )
    replay.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        help="how many times faster than recorded (default: %(default)s)",
    )
    replay.add_argument(
        "--loop",
        action="store_true",
        help="start the recording over at its end instead of closing the connection",
    )
    record = commands.add_parser(
        "record",
        help="record a WebSocket feed's frames to a file (.lfrec)",
        description=(
            "Connect to a WebSocket feed and append every frame it sends, with its arrival "
            "time, to FILE until Ctrl-C. Reconnects with backoff when the connection drops. "
            "Credentials in the URL are used, never written."
        ),
    )
    record.add_argument("url", metavar="URL", help="the ws:// or wss:// feed to record")
    record.add_argument("file", type=Path, metavar="FILE", help="the recording to append to")
    record.add_argument(
        "--subscribe",
        default=None,
        help="text to send after every connect (a subscription)",
    )
    bridge = commands.add_parser(
        "bridge",
        help="publish a WebSocket feed's records to NATS JetStream or a Redis stream",
        description=(
            "Read the WebSocket feed UPSTREAM (reconnecting, with --subscribe sent on every "
            "connect) and publish each decoded record as one JSON message to TARGET: "
            "nats://host:4222/subject (a JetStream stream is made for the subject when none "
            "stores it) or redis://host:6379/0?stream=name. Records wait while the broker is "
            "away and are published in order once it is back. SIGTERM or Ctrl-C closes the "
            "upstream connection, publishes what was read, then exits; a second one exits at once."
        ),
    )
    bridge.add_argument("upstream", metavar="UPSTREAM", help="the ws:// or wss:// feed to read")
    bridge.add_argument("target", metavar="TARGET", help="where to publish (see above)")
    bridge.add_argument(
        "--keep",
        type=_keep,
        default=None,
        help="what a stream the bridge creates keeps: a count of messages (1000000) or a "
        "time (90s, 15m, 24h, 7d); default: the broker's own (no bound)",
    )
    bridge.add_argument("--subscribe", default=None, help="text to send after every connect")
    bridge.add_argument(
        "--creds",
        default=None,
        metavar="FILE",
        help="a NATS credentials file (user JWT and seed) to publish with",
    )
    bridge.add_argument(
        "--decode", default="json", help="how frames become records (default: %(default)s)"
    )
    bridge.add_argument(
        "--transform",
        default=None,
        metavar="MODULE:FUNCTION",
        help="a function record -> record | list of records | None, run on every record",
    )
    bridge.add_argument(
        "--stats-port",
        type=_port,
        default=None,
        help="serve the bridge's counters as JSON over HTTP on this port (0: a free one)",
    )
    bridge.add_argument(
        "--stats-host",
        default="127.0.0.1",
        help="address of the counters' HTTP server (default: %(default)s)",
    )
    return parser


def _keep(text: str) -> object:
    from livefeed._sources.broker import parse_keep

    try:
        return parse_keep(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _speed(text: str) -> float:
    try:
        value = float(text)
        check_speed(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"speed must be a number above 0, not {text!r}") from None
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, not {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and (args.command != "demo" or args.no_lab):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "demo":
        return run_demo(
            host=args.host,
            port=args.port,
            seed=args.seed,
            lab=not args.no_lab,
            browser=not args.no_browser,
            lab_args=[arg for arg in extra if arg != "--"],
        )
    if args.command == "record":
        return run_record(args.url, args.file, subscribe=args.subscribe)
    if args.command == "bridge":
        return run_bridge(
            args.upstream,
            args.target,
            keep=args.keep,
            subscribe=args.subscribe,
            creds=args.creds,
            decode=args.decode,
            transform=args.transform,
            stats=None if args.stats_port is None else (args.stats_host, args.stats_port),
        )
    if args.command == "replay":
        return run_replay(
            args.file, host=args.host, port=args.port, speed=args.speed, loop=args.loop
        )
    parser.print_help(sys.stderr)
    return 2


def run_record(url: str, path: Path, *, subscribe: str | None) -> int:
    """Record the feed at ``url`` into ``path`` until Ctrl-C (or SIGTERM); returns the exit status.

    Prints one line when recording starts and, on stop, how many frames were written. Exit
    status: 0 after a clean stop, 1 when the feed refuses us for good (HTTP 4xx, an untrusted
    certificate) or the file cannot be written, 2 for a URL that is not ws:// or wss://.
    """
    from livefeed._feed import Feed  # the widget stack is needed only here

    try:
        feed = Feed(url, subscribe=subscribe, record=path)
    except (TypeError, ValueError) as exc:
        _error(str(exc))
        return 2
    except OSError as exc:
        _error(f"cannot write {path}: {exc.strerror or exc}")
        return 1
    status = 0
    with _interrupt_on_sigterm():
        # Everything after the handler is installed is inside the try: a stop may come at once,
        # even while the first line is printed.
        try:
            print(f"livefeed record: {feed.url} -> {path}. Press Ctrl-C to stop.", flush=True)
            while feed.status != "error" or feed.stats["retry_in"] is not None:
                threading.Event().wait(0.5)
            _error(f"the feed refused us: {feed.stats['last_error']}")
            status = 1
        except KeyboardInterrupt:
            print("\nStopping the recording ...", file=sys.stderr, flush=True)
        finally:
            feed.close()
    print(f"{feed.stats['recorded']:,} frames recorded in {path}", flush=True)
    return status


def run_bridge(
    upstream: str,
    target: str,
    *,
    keep: Any = None,
    subscribe: str | None = None,
    creds: str | None = None,
    decode: str = "json",
    transform: str | None = None,
    stats: tuple[str, int] | None = None,
) -> int:
    """Bridge `upstream` to `target` until SIGTERM or Ctrl-C; returns the exit status.

    The first line printed names both ends and the counters' address. Exit status: 0 after a
    stop that published every record read, 1 when a second signal cut the publishing short (the
    line before says how many records were left), 2 for arguments that cannot work (a URL of
    the wrong kind, a missing extra or credentials file, a transform that cannot be imported).
    """
    import asyncio

    from livefeed._bridge import Bridge, publisher_for, serve_stats

    try:
        function = None if transform is None else _import_function(transform)
        bridge = Bridge(
            upstream,
            publisher_for(target, creds=creds),
            keep=keep,
            subscribe=subscribe,
            decode=decode,
            transform=function,
        )
    except (ImportError, FileNotFoundError, TypeError, ValueError) as exc:
        _error(str(exc))
        return 2

    async def serve() -> int:
        loop = asyncio.get_running_loop()
        signals = 0
        task = asyncio.current_task()
        assert task is not None

        def on_signal() -> None:
            nonlocal signals
            signals += 1
            if signals == 1:
                print("Stopping: publishing what was read ...", file=sys.stderr, flush=True)
                bridge.stop()
            else:
                task.cancel()

        for number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(number, on_signal)
        server = None
        address = ""
        if stats is not None:
            server = await serve_stats(bridge, *stats)
            host, port = server.sockets[0].getsockname()[:2]
            address = f" (counters: http://{_hostport(host, port)}/)"

        def ready() -> None:
            print(
                f"livefeed bridge: {bridge.upstream} -> {bridge.publisher.name}{address}. "
                "Press Ctrl-C to stop.",
                flush=True,
            )

        try:
            await bridge.run(ready)
        except asyncio.CancelledError:
            left = bridge.stats()["pending"]
            _error(f"stopped before publishing {left:,} records")
            return 1
        finally:
            if server is not None:
                server.close()
        counts = bridge.stats()
        print(f"{counts['published']:,} records published, none left", flush=True)
        return 0

    return asyncio.run(serve())


def _import_function(spec: str) -> Any:
    """`module:function` → the function, raising ImportError or TypeError saying what is wrong."""
    import importlib

    module_name, _, name = spec.partition(":")
    if not module_name or not name:
        raise TypeError(f"--transform takes MODULE:FUNCTION, not {spec!r}")
    function = getattr(importlib.import_module(module_name), name, None)
    if not callable(function):
        raise TypeError(f"{spec} is not a function")
    return function


def run_replay(path: Path, *, host: str, port: int, speed: float, loop: bool) -> int:
    """Serve the recording at ``path`` until Ctrl-C (or SIGTERM); returns the exit status.

    The first line printed names the URL served (with the real port when ``port`` is 0). Exit
    status: 0 after a clean stop, 1 for a file that cannot be read or is not a recording, 2 for an
    address that cannot be bound.
    """
    try:
        with RecordingReader(path) as reader:
            header = reader.header
    except ValueError as exc:
        _error(str(exc))
        return 1
    except OSError as exc:
        _error(f"cannot read {path}: {exc.strerror or exc}")
        return 1
    try:
        handle = serve_replay(path, host, port, speed=speed, loop=loop)
    except OSError as exc:
        _error(f"cannot listen on {_hostport(host, port)}: {_describe(exc)}")
        return 2
    except ValueError as exc:  # the file changed since it was checked
        _error(str(exc))
        return 1
    with handle, _interrupt_on_sigterm():
        try:  # from the first line on: a stop may come at once
            print(f"livefeed replay: {handle.url()}", flush=True)
            recorded = f" (recorded from {header.source})" if header.source else ""
            then = "starts over" if loop else "closes"
            print(
                f"Serving {path.name}{recorded} at {speed:g}x speed; each client gets the "
                f"recording, then the connection {then}. Press Ctrl-C to stop.",
                flush=True,
            )
            # Wake up now and then: on some platforms a blocked join does not see Ctrl-C.
            while not handle.join(timeout=0.5):
                pass
        except KeyboardInterrupt:
            print("\nStopping the replay ...", file=sys.stderr, flush=True)
            return 0
    _error("the replay server stopped unexpectedly.")
    return 1


def run_demo(
    *,
    host: str,
    port: int,
    seed: int | None = None,
    lab: bool = True,
    browser: bool = True,
    lab_args: Sequence[str] = (),
) -> int:
    """Serve the demo source until Ctrl-C (or until JupyterLab exits, when ``lab`` is true).

    ``lab_args`` are extra command-line arguments for JupyterLab.
    """
    notebook: Path | None = None
    if lab:
        # Check everything JupyterLab needs before taking the port, so that a failure leaves
        # nothing running.
        if find_spec("jupyterlab") is None:
            _error(
                "JupyterLab is not installed; install it with `pip install 'livefeed[lab]'`, "
                "or run only the data source with `livefeed demo --no-lab`."
            )
            return 1
        notebook = _quickstart_notebook(Path.cwd())
        if notebook is None:
            _error("cannot find the quickstart notebook in this installation of livefeed.")
            return 1

    try:
        handle = serve_in_thread(host, port, seed=seed)
    except OSError as exc:
        _error(f"cannot listen on {_hostport(host, port)}: {_describe(exc)}")
        return 2

    with handle, _interrupt_on_sigterm():
        try:  # from the first line on: a stop may come at once
            base = handle.url("")
            paths = ", ".join(PATHS)
            print(f"livefeed demo source: {base} (paths {paths})", flush=True)
            if notebook is None:
                print("Press Ctrl-C to stop.", flush=True)
                return _wait_for_interrupt(handle)
        except KeyboardInterrupt:
            print("\nStopping the demo source ...", file=sys.stderr, flush=True)
            return 0
        status = _run_lab(notebook, base, browser=browser, lab_args=lab_args)
        if status != 0:
            _error(f"JupyterLab exited with status {status}; its log: {lab_log_path()}")
        return status


def lab_log_path() -> Path:
    """Where JupyterLab's own log goes: a file, so the terminal shows livefeed's lines only."""
    return Path(tempfile.gettempdir()) / "livefeed-demo-jupyterlab.log"


def _run_lab(notebook: Path, base_url: str, *, browser: bool, lab_args: Sequence[str]) -> int:
    """Run JupyterLab on ``notebook`` until it exits or Ctrl-C; returns the exit status.

    JupyterLab's output (its startup lines, its build check's warnings, kernel messages) goes to
    the file `lab_log_path()`, named on the terminal; only the notebook's address is repeated.
    If JupyterLab fails, the end of its log is shown.
    """
    command = [sys.executable, "-m", "jupyter", "lab", str(notebook), *lab_args]
    if not browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in command:
        # JupyterLab refuses to run as root unless told; containers and fresh CI machines are root.
        command.append("--allow-root")
    env = {**os.environ, ENV_VAR: base_url}
    log_path = lab_log_path()
    print(f"Starting JupyterLab on {notebook} (its log: {log_path}) ...", flush=True)
    with open(log_path, "wb") as log:
        # JupyterLab runs in its own process group so that the terminal's Ctrl-C reaches only
        # this process: JupyterLab answers a single SIGINT with an interactive "shut down?
        # (y/[n])" question, whereas SIGTERM, sent below, shuts it down at once and cleanly.
        group: dict[str, object] = (
            {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
            if sys.platform == "win32"
            else {"start_new_session": True}
        )
        proc = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.PIPE,
            **group,  # type: ignore[call-overload]
        )
        assert proc.stderr is not None
        relay = threading.Thread(
            target=_relay_log,
            args=(proc.stderr, notebook.name, log),
            name="livefeed-lab-log",
            daemon=True,
        )
        relay.start()
        try:
            status: int = proc.wait()
        except KeyboardInterrupt:
            print("\nStopping JupyterLab and the demo source ...", file=sys.stderr, flush=True)
            _terminate(proc)
            status = 0
        relay.join(timeout=5.0)
        proc.stderr.close()
    if status != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
        print("\n".join(["The end of JupyterLab's log:", *tail]), file=sys.stderr, flush=True)
    return status


def _relay_log(stream: IO[bytes], notebook_name: str, log: IO[bytes]) -> None:
    """Copy JupyterLab's log into `log` and announce its first address on stdout.

    The address announced points at the notebook itself (JupyterLab's root is the notebook's
    folder), so that opening it by hand lands where the browser it opens would.
    """
    announced = False
    for raw in iter(stream.readline, b""):
        log.write(raw)
        log.flush()
        if announced:
            continue
        match = _LAB_URL.search(raw.decode(errors="replace"))
        if match is None:
            continue
        parts = urlsplit(match.group(0))
        if parts.path.rstrip("/").endswith("/lab"):
            path = parts.path.rstrip("/") + "/tree/" + quote(notebook_name)
            print(f"livefeed demo notebook: {urlunsplit(parts._replace(path=path))}", flush=True)
            announced = True


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    """Stop JupyterLab politely, then firmly; a second Ctrl-C skips the wait."""
    try:
        proc.terminate()
        proc.wait(LAB_SHUTDOWN_TIMEOUT)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        proc.kill()
        proc.wait()


def _wait_for_interrupt(handle: DemoHandle) -> int:
    try:
        # Wake up now and then: on some platforms a blocked join does not see Ctrl-C.
        while not handle.join(timeout=0.5):
            pass
    except KeyboardInterrupt:
        print("\nStopping the demo source ...", file=sys.stderr, flush=True)
        return 0
    _error("the demo source stopped unexpectedly.")
    return 1


@contextmanager
def _interrupt_on_sigterm() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C, so that being terminated also shuts JupyterLab down."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _quickstart_notebook(cwd: Path) -> Path | None:
    """The quickstart to open: the checkout's, else a working copy of the packaged one.

    In a source checkout ``notebooks/quickstart.ipynb`` is opened where it is. Otherwise the copy
    shipped with the package goes to ``./livefeed-demo/`` first, so that the user's edits and
    outputs land in their own folder; an existing copy there is kept, never overwritten.
    """
    local = Path("notebooks") / NOTEBOOK
    if (cwd / local).is_file():
        return local
    target = Path(WORK_DIR) / NOTEBOOK
    if (cwd / target).is_file():
        print(f"Using the existing {target}", flush=True)
        return target
    packaged = resources.files("livefeed").joinpath("notebooks").joinpath(NOTEBOOK)
    # An editable install from a checkout run elsewhere: the notebook is beside src/.
    source_tree = Path(__file__).resolve().parents[2] / "notebooks" / NOTEBOOK
    if packaged.is_file():
        (cwd / WORK_DIR).mkdir(exist_ok=True)
        (cwd / target).write_bytes(packaged.read_bytes())
    elif source_tree.is_file():
        (cwd / WORK_DIR).mkdir(exist_ok=True)
        shutil.copyfile(source_tree, cwd / target)
    else:
        return None
    print(f"Copied the quickstart notebook to {target}", flush=True)
    return target


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _describe(exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return "the address is already in use (choose another --port, or 0 for a free one)"
    return exc.strerror or str(exc)


def _error(message: str) -> None:
    print(f"livefeed: error: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
