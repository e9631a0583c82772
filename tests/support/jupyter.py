"""A real Jupyter server process (JupyterLab, or Notebook 7) for the end-to-end tests and the
browser benchmarks, isolated from the user's own Jupyter setup.

`start_lab` starts it on a free port with a token and waits until it answers; `LabServer` is the
handle: page addresses, the REST API, user settings, its log, and `stop`.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A generous ceiling: it only stops a broken run from hanging, it never measures speed.
SERVER_START_TIMEOUT = 90.0


def free_port() -> int:
    """A port that was free a moment ago; the server's own record says which one it really got."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """A server started as a process of its own, with its log: read the log's end, stop it."""

    log_path: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the server with SIGTERM, which shuts its kernels down too; kill it if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            # The server started in its own process group, so this also reaches its kernels.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@dataclass
class LabServer(ServerProcess):
    """A started Jupyter server: where it answers, its token, its folders, its log, its process."""

    base_url: str  # ends with "/"
    token: str
    root_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes]

    def url(self, path: str = "lab") -> str:
        """Address of a page of this server, with the token so no login page comes up."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path.lstrip('/')}{sep}token={self.token}"

    def api(self, path: str) -> Any:
        with urllib.request.urlopen(self.url(f"api/{path}"), timeout=10) as response:
            return json.loads(response.read())

    @property
    def settings_dir(self) -> Path:
        return self.root_dir.parent / "settings"

    def jupyter_env(self) -> dict[str, str]:
        """The environment of this server's isolated Jupyter dirs, for ``jupyter`` commands that
        must share its state (``jupyter trust`` signs notebooks with its data dir's secret)."""
        return isolated_env(self.root_dir.parent)

    def set_user_setting(self, plugin: str, values: Mapping[str, Any]) -> None:
        """Write a user setting of ``plugin`` (``"package:name"``), read by pages loaded after."""
        package, name = plugin.split(":", 1)
        folder = self.settings_dir / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.jupyterlab-settings").write_text(json.dumps(dict(values)))

    def clear_user_setting(self, plugin: str) -> None:
        package, name = plugin.split(":", 1)
        (self.settings_dir / package / f"{name}.jupyterlab-settings").unlink(missing_ok=True)


def isolated_env(work_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment, with Jupyter's and IPython's dirs moved into ``work_dir``."""
    env = dict(os.environ)
    env.update(extra or {})
    env.update(
        JUPYTER_CONFIG_DIR=str(work_dir / "config"),
        JUPYTER_DATA_DIR=str(work_dir / "data"),
        JUPYTER_RUNTIME_DIR=str(work_dir / "runtime"),
        IPYTHONDIR=str(work_dir / "ipython"),
    )
    # Kernels inherit this environment; a stray PYTHONSTARTUP would run in every kernel.
    env.pop("PYTHONSTARTUP", None)
    return env


def _write_settings(settings_dir: Path) -> None:
    """User settings that keep the lab quiet and offline: no news, no update checks."""
    notification = settings_dir / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True, exist_ok=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


def start_lab(
    *,
    work_dir: Path,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = SERVER_START_TIMEOUT,
    app: str = "lab",
) -> LabServer:
    """Start ``jupyter lab`` isolated from the user's own Jupyter setup, and wait until it answers.

    ``app="notebook"`` starts Notebook 7 (``jupyter notebook``) the same way instead.

    Config, data, runtime and IPython dirs point into ``work_dir``, so nothing the user has
    configured (or installed as a user-level kernel) takes part. The environment's own prefix
    (``sys.prefix/share/jupyter`` and ``sys.prefix/etc/jupyter``) is still searched: that is
    where the widget front ends and the server extension switches live.
    """
    root_dir = work_dir / "root"
    dirs = {
        name: work_dir / name
        for name in ("config", "data", "runtime", "ipython", "settings", "workspaces")
    }
    for path in (root_dir, *dirs.values()):
        path.mkdir(parents=True, exist_ok=True)
    _write_settings(dirs["settings"])

    token = secrets.token_hex(16)
    child_env = isolated_env(work_dir, env)

    if app not in ("lab", "notebook"):
        raise ValueError(f"app must be 'lab' or 'notebook', not {app!r}")
    cls = "LabApp" if app == "lab" else "JupyterNotebookApp"
    command = [
        sys.executable,
        "-m",
        "jupyter",
        app,
        "--no-browser",
        f"--port={free_port()}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.terminals_enabled=False",
        # Our tests find the application object through this.
        f"--{cls}.expose_app_in_browser=True",
        f"--{cls}.user_settings_dir={dirs['settings']}",
        f"--{cls}.workspaces_dir={dirs['workspaces']}",
    ]
    if app == "lab":
        # Offline and quiet: no announcements feed, no update check.
        command += [
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Containers and CI machines often run everything as root; the server refuses by default.
        command.append("--allow-root")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        log.write(("$ " + " ".join(command) + "\n").encode())
        log.flush()
        process = subprocess.Popen(
            command,
            cwd=root_dir,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    server = LabServer(
        base_url="", token=token, root_dir=root_dir, log_path=log_path, process=process
    )
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited with {process.returncode} before answering:\n"
                + server.log_tail()
            )
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(
                f"JupyterLab did not answer within {timeout:.0f} s:\n" + server.log_tail()
            )
        base_url = _server_url(dirs["runtime"], process.pid)
        if base_url:
            server.base_url = base_url
            try:
                server.api("status")
                return server
            except (urllib.error.URLError, OSError, ValueError):
                pass
        time.sleep(0.25)


def _server_url(runtime_dir: Path, pid: int) -> str | None:
    """The URL the server itself records once listening (its port may differ from the asked one)."""
    info = runtime_dir / f"jpserver-{pid}.json"
    try:
        data = json.loads(info.read_text())
    except (OSError, ValueError):
        return None
    url = str(data.get("url", ""))
    return url if url.endswith("/") else url + "/"


def copy_notebooks(source: Path, root_dir: Path) -> None:
    """Copy a folder of notebooks into the server's root, so tests never modify the originals."""
    shutil.copytree(source, root_dir, dirs_exist_ok=True)
