"""The browser benchmarks still run: `python -m bench.run --smoke --browser-only`, end to end.

A real JupyterLab in headless Chromium with the tiniest loads. Figures from such loads mean
nothing, so nothing here compares speeds or checks a target; only that every measure is present
and sensible, and that both result files are written.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from typing import Any

import pytest

from .support.browser import chromium_missing
from .support.env import kernel_env, skip_or_fail
from .test_bench_smoke import ROOT

pytestmark = pytest.mark.e2e

LIBRARIES = ("livefeed", "bqplot", "plotly")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    missing = chromium_missing()
    if missing is not None:
        skip_or_fail(missing)
    # Benchmark-only dependencies (the `bench` extra): the benchmark measures them beside livefeed.
    absent = [name for name in LIBRARIES[1:] if importlib.util.find_spec(name) is None]
    if absent:
        skip_or_fail(
            f"{' and '.join(absent)} not installed: the browser benchmarks compare livefeed with "
            "them (pip install -e '.[bench]')"
        )
    out = tmp_path_factory.mktemp("bench-browser")
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--browser-only", "--out", str(out)],
        cwd=ROOT,
        env=kernel_env(),
        capture_output=True,
        text=True,
        timeout=400,  # against a hang only
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((out / "latest.json").read_text()), (out / "latest.md").read_text()


def _check_case(r: dict[str, Any]) -> None:
    # Shape, not speed: a smoke run measures for a second or two, and on a loaded machine a slow
    # library may draw no frame in that time. What is drawn is the end-to-end tests' business.
    assert r["views"] >= 1 and 0 <= r["views_drawn"] <= r["views"], r
    assert _number(r["fps_median"]) and r["fps_median"] >= 0
    assert all(isinstance(n, int) and n >= 0 for n in r["fps_buckets"])
    assert isinstance(r["longtasks"], int) and r["longtasks"] >= 0
    assert r["drained"] is True
    assert _number(r["lag_ms"])
    latency = r["latency_ms"]
    assert latency["count"] > 0 and _number(latency["median"]) and _number(latency["p99"])
    assert set(r["cpu_percent"]) == {"kernel", "jupyter_server", "browser", "feed"}


@pytest.mark.timeout(460)
def test_browser_results_are_well_formed(results: tuple[dict[str, Any], str]) -> None:
    data, table = results
    assert data["meta"]["smoke"] is True
    browser = data["browser"]
    assert _number(browser["idle_fps"]) and browser["idle_fps"] > 0
    assert isinstance(browser["rate_capped"], bool)
    assert browser["cases"]
    for case in browser["cases"]:
        assert set(case["results"]) == set(LIBRARIES)
        for r in case["results"].values():
            _check_case(r)
        assert set(case["ratios"]) == {"bqplot", "plotly"}
        assert all(isinstance(v, bool) for v in case["met"].values())
    assert "### Browser" in table


@pytest.mark.timeout(460)
def test_latency_results_are_well_formed(results: tuple[dict[str, Any], str]) -> None:
    data, table = results
    latency = data["latency"]
    for name in LIBRARIES:
        r = latency["results"][name]
        assert r["count"] > 0 and r["median"] <= r["p99"]
    assert all(isinstance(v, bool) for v in latency["met"].values())
    assert "### Latency" in table


@pytest.mark.timeout(460)
def test_scale_results_are_well_formed(results: tuple[dict[str, Any], str]) -> None:
    data, table = results
    scale = data["scale"]
    assert [e["window"] for e in scale["by_window"]] == sorted(
        e["window"] for e in scale["by_window"]
    )
    assert [e["charts"] for e in scale["by_charts"]][-1] > 1
    for e in scale["by_window"] + scale["by_charts"]:
        assert e["views_drawn"] == e["charts"]
        assert _number(e["fps_median"]) and _number(e["lag_ms"])
    many = scale["by_series"]
    assert many["series"] > 1 and many["views_drawn"] == 1 and _number(many["fps_median"])
    rows = scale["dashboards"]
    assert {d["library"] for d in rows} == set(LIBRARIES)
    for d in rows:
        assert _number(d["fps_median"]) and d["met"] == (d["fps_median"] >= d["target_fps"])
    for profile in scale["profiles"].values():
        assert profile["by_source"] and profile["by_function"]
        assert all(_number(share) for _, share in profile["by_source"])
    assert "### Scale" in table
