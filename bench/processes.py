"""A feed server in a process of its own, so that it never shares an interpreter (or its GIL)
with the client being measured.

The server side is a module of this package whose `main` calls `serve_until_stdin_closes`: it
serves a `FeedServer` of the tests' support, prints `PORT <n>` once listening, may print one JSON
object per line afterwards (events), and exits when its stdin closes. The benchmark side is
`ServerProcess`, which starts such a module and reads what it prints.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from tests.support.servers import FeedServer, Handler

ROOT = Path(__file__).resolve().parent.parent  # the repository root: `bench` and `tests` in it
STOP_TIMEOUT = 10.0  # seconds a server gets to exit after its stdin closes


def serve_until_stdin_closes(handler: Handler, **serve_options: Any) -> None:
    """Serve `handler` on 127.0.0.1, print `PORT <n>`, and return once stdin closes."""
    with FeedServer(handler, **serve_options) as server:
        print(f"PORT {server.port}", flush=True)
        sys.stdin.read()  # the parent closes our stdin to stop us


def report(event: dict[str, Any]) -> None:
    """Print one event for the parent: a JSON object on a line of its own."""
    print(json.dumps(event), flush=True)


class ServerProcess:
    """`python -m <module>` (a server module of this package) in its own process.

    `port` is where it listens; `events` receives each JSON line it prints after that. `with`
    (or `close`) stops it.
    """

    def __init__(self, module: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", module],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.close()
            raise RuntimeError(f"{module} did not start: {line!r}")
        self.port = int(line.split()[1])
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, name=f"{module}-events", daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.events.put(json.loads(line))

    def close(self) -> None:
        """Close the server's stdin, which ends it; kill it if it does not end in time."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
