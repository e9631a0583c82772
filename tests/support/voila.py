"""Voilà serving one notebook as a dashboard (see `apps`)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from .apps import WebApp, start_app


def start_voila(
    notebook: Path, *, work_dir: Path, log_path: Path, env: Mapping[str, str] | None = None
) -> WebApp:
    """Serve `notebook` with `voila` on 127.0.0.1 and wait until it answers.

    Voilà runs the notebook in a new kernel for each page that opens, and keeps the kernel while
    the page stays open: the widgets stay live.
    """
    command = [sys.executable, "-m", "voila", str(notebook), "--port={port}", "--no-browser"]
    command.append("--Voila.ip=127.0.0.1")
    # Its static files answer without running the notebook (a page that opens runs it).
    return start_app(
        command,
        cwd=notebook.parent,
        work_dir=work_dir,
        log_path=log_path,
        ready_path="voila/static/",
        env=env,
    )
