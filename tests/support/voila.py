"""A real Voilà server process serving one notebook as a dashboard, for the end-to-end tests.

`start_voila` starts it on a free port, isolated from the user's Jupyter setup like the Jupyter
server (see `jupyter`), and waits until it answers; `VoilaServer` is the handle.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .jupyter import SERVER_START_TIMEOUT, free_port, isolated_env


@dataclass
class VoilaServer:
    """A started Voilà: where it serves the notebook, its log, its process."""

    url: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 20.0) -> None:
        """Stop Voilà with SIGTERM, which shuts its kernels down too; kill it if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def start_voila(
    notebook: Path,
    *,
    work_dir: Path,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = SERVER_START_TIMEOUT,
) -> VoilaServer:
    """Serve `notebook` with `voila` on 127.0.0.1 and wait until its page answers.

    Voilà runs the notebook in a new kernel for each page that opens, and keeps the kernel while
    the page stays open: the widgets stay live.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        log.write(("$ " + " ".join(command) + "\n").encode())
        log.flush()
        process = subprocess.Popen(
            command,
            cwd=notebook.parent,
            env=isolated_env(work_dir, env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = VoilaServer(f"http://127.0.0.1:{port}/", log_path, process)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"voila exited with {process.returncode}:\n" + server.log_tail())
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(
                f"voila did not answer within {timeout:.0f} s:\n" + server.log_tail()
            )
        # Its static files answer without running the notebook (the page itself runs it).
        try:
            with urllib.request.urlopen(server.url + "voila/static/", timeout=5):
                return server
        except urllib.error.HTTPError:
            return server  # it answered, with a status of its own
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
