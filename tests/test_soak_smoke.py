"""The soak benchmark still runs: `python -m bench.soak --smoke`, checking the shape of its result.

A few seconds of streaming say nothing about leaks, so nothing here judges the memory figures;
only that the kernel streamed, the result was judged and written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .support.env import kernel_env

pytestmark = pytest.mark.kernel

ROOT = Path(__file__).resolve().parent.parent  # where `python -m bench.soak` finds `bench`


def test_soak_smoke_run_writes_a_judged_result() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--smoke"],
        cwd=ROOT,
        env=kernel_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads((ROOT / "bench" / "results" / "soak.json").read_text())
    assert result["points"] > 0
    assert result["errors"] == 0
    assert result["judged"] is True
    assert {"growth_mb", "slope_mb_per_minute", "flat", "rss_start_mb"} <= result.keys()
    assert len(result["rss_mb"]) >= 4
