"""Push: how many points per second `push()` of numpy columns puts into a chart, without I/O.

A dict of numpy columns (an int64 epoch-millisecond x and two float64 y columns) is pushed in
chunks of 100,000 rows into a pipeline with a window of 1,000,000 points per series, as
`LiveChart.push()` does it: `prepare_rows` (checking and normalising the columns), then
`Pipeline.feed_columns` (reading x, counting gaps, storing each series sorted by x), and a batch
for the browser taken after each chunk, so that every point is also handed out once.

Baseline, measured in the same run: a plain numpy copy of the same chunks into preallocated
arrays of the window's size, x and y per series, the least any columnar store does with them.

    python -m bench.push            # prints the figures
    python -m bench.push --smoke    # a tiny load: checks that it runs, figures meaningless
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

TARGET = 2_000_000  # points per second
START_MS = 1_764_000_000_000
Y_COLUMNS = ("a", "b")


@dataclass(frozen=True)
class Load:
    rows_per_chunk: int
    chunks: int
    window: int

    @property
    def points(self) -> int:
        return self.rows_per_chunk * self.chunks * len(Y_COLUMNS)


def chunks(load: Load) -> list[dict[str, np.ndarray]]:
    """The columns of every chunk, made before timing: x increasing by 1 ms a row."""
    rng = np.random.default_rng(0)
    made = []
    for i in range(load.chunks):
        start = START_MS + i * load.rows_per_chunk
        columns: dict[str, np.ndarray] = {
            "t": np.arange(start, start + load.rows_per_chunk, dtype=np.int64)
        }
        for name in Y_COLUMNS:
            columns[name] = rng.normal(size=load.rows_per_chunk).cumsum()
        made.append(columns)
    return made


def livefeed(load: Load, data: list[dict[str, np.ndarray]]) -> float:
    """Points per second through `prepare_rows` + `Pipeline.feed_columns` + `take_batch`."""
    from livefeed._core.pipeline import ChartSpec, Pipeline
    from livefeed._core.rows import prepare_rows

    pipeline = Pipeline(ChartSpec(y=Y_COLUMNS, x="t", window=load.window))
    started = time.perf_counter()
    for columns in data:
        prepared = prepare_rows(columns, "t")
        assert isinstance(prepared, dict)
        pipeline.feed_columns(prepared, 0.0)
        pipeline.take_batch()
    elapsed = time.perf_counter() - started
    points = sum(len(columns["t"]) for columns in data) * len(Y_COLUMNS)
    if pipeline.errors or pipeline.points != points:
        raise RuntimeError(f"took {pipeline.points} of {points} points: {pipeline.error_kinds}")
    return points / elapsed


def baseline(load: Load, data: list[dict[str, np.ndarray]]) -> float:
    """Points per second of a bare copy into preallocated arrays (x and y for each series)."""
    stores = {name: (np.empty(load.window), np.empty(load.window)) for name in Y_COLUMNS}
    at = 0
    started = time.perf_counter()
    for columns in data:
        n = len(columns["t"])
        if at + n > load.window:
            at = 0  # start again at the front, as a ring would
        for name in Y_COLUMNS:
            x_store, y_store = stores[name]
            x_store[at : at + n] = columns["t"]
            y_store[at : at + n] = columns[name]
        at += n
    return load.points / (time.perf_counter() - started)


def run(smoke: bool, repeats: int) -> dict[str, Any]:
    """Both measures `repeats` times, interleaved; medians, their ratio and the target."""
    load = Load(1_000, 3, 10_000) if smoke else Load(100_000, 20, 1_000_000)
    data = chunks(load)
    runs: dict[str, list[float]] = {"livefeed": [], "baseline": []}
    livefeed(load, data[:1])  # untimed: imports and first allocations
    for _ in range(repeats):
        runs["livefeed"].append(livefeed(load, data))
        runs["baseline"].append(baseline(load, data))
    median = {name: statistics.median(values) for name, values in runs.items()}
    return {
        "rows_per_chunk": load.rows_per_chunk,
        "chunks": load.chunks,
        "window": load.window,
        "y_columns": len(Y_COLUMNS),
        "points": load.points,
        "repeats": repeats,
        "runs": runs,
        "median": median,
        "ratio": median["livefeed"] / median["baseline"],
        "target": f">= {TARGET:,} points/s",
        "met": median["livefeed"] >= TARGET,
    }


def markdown_row(r: dict[str, Any]) -> str:
    """One row of the kernel-side table in run.py's format."""
    yes = {True: "yes", False: "**no**"}
    return (
        f"| push of numpy columns ({r['rows_per_chunk']:,} rows x {r['y_columns']} y a chunk), "
        f"points/s (median of {r['repeats']}) | {r['median']['livefeed']:,.0f} "
        f"| {r['median']['baseline']:,.0f} | {r['ratio']:.2f} | {r['target']} | {yes[r['met']]} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a tiny load: checks, not figures")
    parser.add_argument("--repeats", type=int, help="rounds of each measure (default 5)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.smoke else 5)
    results = run(args.smoke, repeats)
    print(json.dumps(results, indent=2))
    print(markdown_row(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
