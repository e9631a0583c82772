"""marimo serving one notebook, as `marimo edit` (the editor) or `marimo run` (the app); see
`apps`."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from .apps import WebApp, start_app


def start_marimo(
    mode: str,
    notebook: Path,
    *,
    work_dir: Path,
    log_path: Path,
    env: Mapping[str, str] | None = None,
) -> WebApp:
    """`marimo edit` or `marimo run` (`mode`) of `notebook` on 127.0.0.1, with no token.

    The editor is told to run the notebook when it opens (`auto_instantiate`, in a marimo
    config of the test's own), as the app always does, so that a page opening either sees the
    cells run.
    """
    if mode not in ("edit", "run"):
        raise ValueError(f"mode must be 'edit' or 'run', not {mode!r}")
    config = work_dir / "xdg" / "marimo" / "marimo.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[runtime]\nauto_instantiate = true\n")
    command = [sys.executable, "-m", "marimo", mode, str(notebook), "--headless"]
    command += ["--port={port}", "--host=127.0.0.1", "--no-token"]
    return start_app(
        command,
        cwd=notebook.parent,
        work_dir=work_dir,
        log_path=log_path,
        env={**(env or {}), "XDG_CONFIG_HOME": str(config.parent.parent)},
    )
