"""Real message brokers for the tests and benchmarks: Debian's `nats-server` and `redis-server`,
each started as a process of its own on 127.0.0.1, on a free port, with its data in a folder of
the test's.

`make test` installs both (scripts/ensure-brokers.sh). A machine without them skips the tests
that need them, except under `CI=true`, where a missing broker fails: CI must run them all.

A broker can be stopped and started again on the same port with the data it kept (`restart`),
which is how the tests check that a reader loses nothing across a broker restart.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .env import livefeed_pythonpath

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


class BridgeProcess:
    """`livefeed bridge UPSTREAM TARGET ...` as a process of its own, with its counters.

    `with BridgeProcess(upstream, target, "--keep", "1000") as bridge:` returns once the bridge
    printed its first line (the broker has the stream, the upstream connection is opening);
    `bridge.stats()` reads its counters over HTTP; `bridge.stop()` sends SIGTERM and returns the
    exit status with what it printed.
    """

    def __init__(self, upstream: str, target: str, *options: str) -> None:
        self.command = [
            sys.executable,
            "-m",
            "livefeed",
            "bridge",
            upstream,
            target,
            "--stats-port",
            "0",
            *options,
        ]
        self.process: subprocess.Popen[str] | None = None
        self.counters_url = ""
        self.first_line = ""
        self._signalled = False

    def __enter__(self) -> BridgeProcess:
        self.process = subprocess.Popen(
            self.command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **livefeed_pythonpath()},
        )
        assert self.process.stdout is not None
        self.first_line = self.process.stdout.readline()
        match = re.search(r"counters: (http://\S+/)\)", self.first_line)
        if match is None:
            self.process.kill()
            _, err = self.process.communicate(timeout=10)
            raise RuntimeError(f"the bridge did not start: {self.first_line!r} {err}")
        self.counters_url = match.group(1)
        return self

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.counters_url, timeout=10) as response:
            return dict(json.loads(response.read()))

    def terminate(self) -> None:
        """Send SIGTERM once (a second one would cut the publishing short)."""
        assert self.process is not None
        if not self._signalled and self.process.poll() is None:
            self._signalled = True
            self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 60.0) -> tuple[int, str, str]:
        """SIGTERM (unless `terminate` sent it), then wait for the bridge to publish what it
        read and exit."""
        assert self.process is not None
        self.terminate()
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, self.first_line + out, err

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=10)


def nats_stored(url: str, subject: str) -> list[bytes]:
    """Every payload the JetStream stream of `subject` stores for it, oldest first."""

    async def read() -> list[bytes]:
        import nats
        from nats.js.api import ConsumerConfig, DeliverPolicy

        connection = await nats.connect(url)
        try:
            js = connection.jetstream()
            name = await js.find_stream_name_by_subject(subject)
            info = await js.stream_info(name)
            total = info.state.messages
            found: list[bytes] = []
            if total == 0:
                return found
            pull = await js.pull_subscribe(
                subject, config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
            )
            while len(found) < total:
                for message in await pull.fetch(min(1000, total - len(found)), timeout=10):
                    found.append(message.data)
                    await message.ack()
            await pull.unsubscribe()
            return found
        finally:
            await connection.close()

    return asyncio.run(read())


def redis_stored(url: str, stream: str) -> list[dict[bytes, bytes]]:
    """Every entry's fields of the Redis stream `stream`, oldest first."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        return [fields for _, fields in client.xrange(stream)]
    finally:
        client.close()
