"""Real message brokers for the tests and benchmarks: Debian's `nats-server` and `redis-server`,
each started as a process of its own on 127.0.0.1, on a free port, with its data in a folder of
the test's.

`make test` installs both (scripts/ensure-brokers.sh). A machine without them skips the tests
that need them, except under `CI=true`, where a missing broker fails: CI must run them all.

A broker can be stopped and started again on the same port with the data it kept (`restart`),
which is how the tests check that a reader loses nothing across a broker restart.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

START_TIMEOUT = 20.0


def broker_missing(program: str) -> str | None:
    """Why `program` cannot be run here, or None when it can."""
    if shutil.which(program) is None and not Path("/usr/sbin", program).exists():
        return f"{program} is not installed (make test installs it with apt-get)"
    return None


def require_broker(program: str) -> str:
    """The path of `program`; skips the test when it is missing, fails under CI=true."""
    reason = broker_missing(program)
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs {reason}")
        pytest.skip(reason)
    return shutil.which(program) or str(Path("/usr/sbin", program))


def free_port() -> int:
    """A TCP port nothing listens on now. A broker must keep one port across a restart, so it
    cannot be asked for port 0; the gap between this and the broker's bind is a few ms."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BrokerProcess:
    """One broker process on `port`, its data and log under `folder`."""

    program = ""

    def __init__(self, folder: Path, *, options: tuple[str, ...] = ()) -> None:
        self.binary = require_broker(self.program)
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.options = options
        self.log_path = folder / f"{self.program}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        """Start the broker and return once it accepts connections."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, cwd=self.folder
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.program} exited:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.program} did not listen within {START_TIMEOUT} s")

    def stop(self) -> None:
        """Stop the broker with SIGTERM (it keeps what it stored), SIGKILL if it hangs."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> BrokerProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class NatsServer(BrokerProcess):
    """`nats-server -js`: JetStream on, its streams stored in files under `folder`."""

    program = "nats-server"

    def command(self) -> list[str]:
        return [
            self.binary,
            "-js",
            "-a",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-sd",
            str(self.folder / "jetstream"),
            *self.options,
        ]

    def url(self, credentials: str = "") -> str:
        """`nats://` address; `credentials` is "user:password" or a token, put before the host."""
        at = f"{credentials}@" if credentials else ""
        return f"nats://{at}127.0.0.1:{self.port}"


class RedisServer(BrokerProcess):
    """`redis-server` with an append-only file under `folder`, so a restart keeps its streams."""

    program = "redis-server"

    def command(self) -> list[str]:
        return [
            self.binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.folder),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "",
            *self.options,
        ]

    def url(self, db: int = 0, password: str = "") -> str:
        at = f":{password}@" if password else ""
        return f"redis://{at}127.0.0.1:{self.port}/{db}"
