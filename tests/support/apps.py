"""Web applications that serve notebooks their own way (Voilà, marimo), as real processes for
the end-to-end tests: started on a free port, isolated from the user's setup like the Jupyter
server (see `jupyter`), and awaited until they answer.
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .jupyter import SERVER_START_TIMEOUT, ServerProcess, free_port, isolated_env


@dataclass
class WebApp(ServerProcess):
    """A started application: where it serves, its log, its process."""

    url: str
    log_path: Path
    process: subprocess.Popen[bytes]


def start_app(
    command: Sequence[str],
    *,
    cwd: Path,
    work_dir: Path,
    log_path: Path,
    ready_path: str = "",
    env: Mapping[str, str] | None = None,
    timeout: float = SERVER_START_TIMEOUT,
) -> WebApp:
    """Run `command` (with "{port}" in it replaced by a free port) and wait until
    `http://127.0.0.1:<port>/<ready_path>` answers, with any HTTP status."""
    work_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [part.replace("{port}", str(port)) for part in command]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        log.write(("$ " + " ".join(argv) + "\n").encode())
        log.flush()
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=isolated_env(work_dir, env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    app = WebApp(f"http://127.0.0.1:{port}/", log_path, process)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{argv[2]} exited with {process.returncode}:\n" + app.log_tail())
        if time.monotonic() > deadline:
            app.stop()
            raise RuntimeError(
                f"{argv[2]} did not answer within {timeout:.0f} s:\n" + app.log_tail()
            )
        try:
            with urllib.request.urlopen(app.url + ready_path, timeout=5):
                return app
        except urllib.error.HTTPError:
            return app  # it answered, with a status of its own
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
