"""Measure livefeed against its limits: ingest speed, the cost of a feed's options (transform,
recording, MessagePack) and wire cost in the kernel, and in a real JupyterLab in headless
Chromium: frame rate, long tasks, lag and latency against bqplot and plotly, and how it scales.
Each against a baseline measured in the same run (shared machines are noisy; only ratios and
medians mean much).

    python -m bench.run                          # everything, about 15 minutes
    python -m bench.run --smoke                  # the kernel-side benchmarks, tiny loads, seconds
    python -m bench.run --smoke --browser        # every benchmark with a tiny load, about a minute
    python -m bench.run --browser-only           # only the browser benchmarks

Run from the repository root, where `bench` and `tests` (whose `tests.support` it uses) are.

Writes bench/results/latest.json and bench/results/latest.md (Markdown tables), or into --out. With
--browser-only the kernel-side sections of an existing latest.json are kept. The browser
benchmarks need Chromium (LIVEFEED_CHROMIUM, default /usr/lib/chromium/chromium), and bqplot and
plotly in this Python (the `bench` extra: `pip install -e ".[bench]"`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from livefeed._outbox import KERNEL_MESSAGE_RATE

from . import brokers, feeds, ingest, push, wire
from .processes import ServerProcess

HERE = Path(__file__).resolve().parent

INGEST_ONE_TARGET = 0.5  # of the baseline, for 1 point per message
INGEST_HUNDRED_TARGET = 1_000_000  # points per second, for 100 points per message


def run_browser(smoke: bool) -> dict[str, Any]:
    """The browser benchmarks, in one JupyterLab and one Chromium page."""
    # Imported here: only the browser benchmarks need Playwright.
    from . import browser, browser_harness, latency, scale

    with browser_harness.session() as s:
        return {
            "browser": browser.run(s, smoke),
            "latency": latency.run(s, smoke),
            "scale": scale.run(s, smoke),
        }


def run(smoke: bool, repeats: int) -> dict[str, Any]:
    if smoke:
        loads = [ingest.Load(1, 2_000), ingest.Load(100, 200)]
        seconds, warmup = 1.0, 0.5
    else:
        loads = [ingest.Load(1, 200_000), ingest.Load(100, 20_000)]
        # Ten seconds hold exactly two of livefeed's snapshot refreshes (one every 5 s).
        seconds, warmup = 10.0, 1.0
    results: dict[str, Any] = {"meta": _meta(smoke, repeats)}
    with ServerProcess("bench.feed_server") as feed:
        port = feed.port
        one, hundred = (ingest.run(port, load, repeats) for load in loads)
        one["target"] = f">= {INGEST_ONE_TARGET:.0%} of baseline"
        one["met"] = one["ratio"] >= INGEST_ONE_TARGET
        hundred["target"] = f">= {INGEST_HUNDRED_TARGET:,} points/s"
        hundred["met"] = hundred["median"]["livefeed"] >= INGEST_HUNDRED_TARGET
        results["ingest"] = {"1": one, "100": hundred}
        results["wire"] = wire.run(port, seconds, warmup)
    results["push"] = push.run(smoke, repeats)
    results["feeds"] = feeds.run(smoke, repeats)
    results["brokers"] = brokers.run(smoke, repeats)
    return results


def _meta(smoke: bool, repeats: int) -> dict[str, Any]:
    return {
        "smoke": smoke,
        "repeats": repeats,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": {
            name: _version(name)
            for name in ("livefeed", "websockets", "orjson", "numpy", "ipykernel", "anywidget")
        },
    }


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # a source tree on PYTHONPATH, not installed
        module = __import__(name)
        return str(getattr(module, "__version__", "unknown"))


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def markdown(results: dict[str, Any]) -> str:
    """The results as Markdown tables, plus the context needed to read them."""
    parts = [kernel_markdown(results)] if "ingest" in results else []
    if "browser" in results:
        from . import browser, latency, scale

        parts += [
            browser.markdown(results["browser"]),
            latency.markdown(results["latency"]),
            scale.markdown(results["scale"]),
        ]
    return "\n".join(parts)


def kernel_markdown(results: dict[str, Any]) -> str:
    """The kernel-side results (ingest, wire) as a Markdown table."""
    one, hundred = results["ingest"]["1"], results["ingest"]["100"]
    w = results["wire"]
    lf, naive = w["livefeed"], w["naive"]
    yes = {True: "yes", False: "**no**"}
    rows = [
        "| measure | livefeed | baseline | livefeed / baseline | target | met |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for name, r in (("1 point/message", one), ("100 points/message", hundred)):
        rows.append(
            f"| ingest, {name}, points/s (median of {r['repeats']}) "
            f"| {_rate(r['median']['livefeed'])} | {_rate(r['median']['baseline'])} "
            f"| {r['ratio']:.2f} | {r['target']} | {yes[r['met']]} |"
        )
    if "push" in results:  # results kept from before the push benchmark existed lack it
        rows.append(push.markdown_row(results["push"]))
    if "feeds" in results:  # likewise for the feed options benchmark
        rows += feeds.markdown_rows(results["feeds"])
    if "brokers" in results:  # likewise for the brokers benchmark
        rows += brokers.markdown_rows(results["brokers"])
    rate = f"{w['feed_points_per_second']:,} points/s"
    rows += [
        f"| wire at {rate}, bytes/point | {lf['bytes_per_point']:.1f} "
        f"| {naive['bytes_per_point']:.1f} "
        f"| {lf['bytes_per_point'] / naive['bytes_per_point']:.3f} "
        f"| <= {w['target_ratio'] * w['value_bytes_per_point']:.1f} "
        f"({w['target_ratio']}x the {w['value_bytes_per_point']} bytes of the values) "
        f"| {yes[w['met']]} |",
        f"| wire at {rate}, messages/s | {lf['messages_per_second']:.1f} "
        f"| {naive['messages_per_second']:.1f} "
        f"| {lf['messages_per_second'] / naive['messages_per_second']:.2f} "
        f"| <= {KERNEL_MESSAGE_RATE} per kernel "
        f"| {yes[lf['messages_per_second'] <= KERNEL_MESSAGE_RATE]} |",
    ]
    meta = results["meta"]
    notes = [
        "",
        f"Ingest baseline: a bare `websockets` client that only `json.loads` each message. "
        f"Same burst, read without parsing: {_rate(one['median']['receive_only'])} and "
        f"{_rate(hundred['median']['receive_only'])} points/s; read from a plain socket: "
        f"{_rate(one['median']['raw_socket'])} and {_rate(hundred['median']['raw_socket'])} "
        f"points/s (1 and 100 points/message)."
        + (
            " The baseline came within 20 % of what the server delivers: the server may be "
            "the limit."
            if one["server_bound"] or hundred["server_bound"]
            else " The server is not the limit."
        ),
        *(
            [
                "Push baseline: a plain numpy copy of the same columns into preallocated arrays "
                "(x and y per series); livefeed's figure includes `prepare_rows`, "
                "`feed_columns` and a batch for the browser after each chunk."
            ]
            if "push" in results
            else []
        ),
        *([feeds.markdown_note(results["feeds"])] if "feeds" in results else []),
        *([brokers.markdown_note(results["brokers"])] if "brokers" in results else []),
        f"Wire baseline: a widget that re-sends its whole window ({naive['window']:,} points, "
        f"livefeed's is {lf['window']:,}) in a synced `traitlets.List` on each feed message. "
        f"Bytes are as jupyter_server frames them for the browser; livefeed spends "
        f"{lf['overhead_bytes_per_message']:.0f} bytes per message besides the values.",
        f"Python {meta['python']}, {meta['cpus']} CPUs, {meta['date']}"
        + (" (smoke run: tiny loads, figures meaningless)" if meta["smoke"] else "")
        + ".",
    ]
    return "\n".join(rows + notes) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny loads: checks, not figures")
    parser.add_argument("--repeats", type=int, help="rounds of each ingest client (default 5)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="results directory")
    parser.add_argument(
        "--browser",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the browser benchmarks too (default: yes for a full run, no with --smoke)",
    )
    parser.add_argument("--browser-only", action="store_true", help="only the browser benchmarks")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.smoke else 5)
    with_browser = args.browser_only or (not args.smoke if args.browser is None else args.browser)
    if args.browser_only:
        results = _previous(args.out / "latest.json")
        results["meta"] = _meta(args.smoke, repeats)
    else:
        results = run(args.smoke, repeats)
    if with_browser:
        results.update(run_browser(args.smoke))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (args.out / "latest.md").write_text(table)
    print(table)
    return 0


def _previous(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data


if __name__ == "__main__":
    sys.exit(main())
