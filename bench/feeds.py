"""Feeds: what a `Feed`'s options cost on the data path, without sockets.

Every measure drives `_Hub.ingest(frame, decoder)`, the sink a feed's connection calls for each
frame, with one `ChartData` attached (x="ts", y="price", group_by="symbol", the default window of
10,000 points per series) and a batch for the browser taken every `BATCH_EVERY` frames, as a
chart's pump would. Each frame is a JSON array of 100 ticker records, so 100 points a message.
Frames are made before timing; a figure is points per second (see `run` for how rounds are timed).

Three comparisons, each against its own baseline measured in the same run and interleaved with
it, so that a noisy moment hits both alike:

- `transform`: with `transform=` a function that reads one field and writes it back as a float,
  the least a real transform does, against the same frames without a transform (target: at
  least `TRANSFORM_TARGET` of the baseline).
- `record`: with `record=` a file in a temporary directory (each frame appended to the
  recording's buffer, handed to the operating system at least once a second or every MiB, and
  what remains flushed at the end, inside the timing; the closing fsync is not timed), against
  the same frames not recorded (target: at least `RECORD_TARGET` of the baseline).
- `msgpack`: the same records sent as MessagePack binary frames and read by the "msgpack"
  decoder, against JSON text frames read by "json": both throughputs and their ratio, for
  information (no target: MessagePack's values must be checked one by one, JSON's need not).

    python -m bench.feeds            # prints the figures (about 30 seconds)
    python -m bench.feeds --smoke    # a tiny load: checks that it runs, figures meaningless
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack  # type: ignore[import-untyped]
import orjson

TRANSFORM_TARGET = 0.8  # of the baseline
RECORD_TARGET = 0.9  # of the baseline
RECORDS_PER_MESSAGE = 100
BATCH_EVERY = 50  # frames between two batches taken for the browser
START_MS = 1_764_000_000_000
SYMBOLS = ("ACME", "BETA", "GAMMA", "DELTA")
MEASURES = ("json", "transform", "record", "msgpack")  # "json" is the baseline of the others

Frame = str | bytes


@dataclass(frozen=True)
class Load:
    messages: int
    records_per_message: int = RECORDS_PER_MESSAGE

    @property
    def points(self) -> int:
        return self.messages * self.records_per_message  # one y field: one point a record


def records(load: Load) -> list[list[dict[str, Any]]]:
    """The records of every message: the symbols in turn, 1 ms apart, prices on a random walk."""
    rng = random.Random(0)
    price = dict.fromkeys(SYMBOLS, 100.0)
    messages = []
    ts = START_MS
    for _ in range(load.messages):
        message = []
        for i in range(load.records_per_message):
            symbol = SYMBOLS[i % len(SYMBOLS)]
            price[symbol] *= 1 + rng.gauss(0, 0.001)
            message.append(
                {
                    "ts": ts,
                    "symbol": symbol,
                    "price": round(price[symbol], 2),
                    "volume": 100 * rng.randint(1, 20),
                }
            )
            ts += 1
        messages.append(message)
    return messages


def json_frames(messages: list[list[dict[str, Any]]]) -> list[Frame]:
    """Text frames, as a JSON feed sends them."""
    return [orjson.dumps(message).decode() for message in messages]


def msgpack_frames(messages: list[list[dict[str, Any]]]) -> list[Frame]:
    """Binary frames holding the same records as MessagePack arrays of maps."""
    return [msgpack.packb(message) for message in messages]


def touch_price(record: dict[str, Any]) -> dict[str, Any]:
    """The transform measured: reads one field and writes it back, as a float."""
    record["price"] = float(record["price"])
    return record


def ingest(
    load: Load,
    frames: list[Frame],
    decoder: str = "json",
    transform: Callable[[dict[str, Any]], Any] | None = None,
    record: Path | None = None,
) -> float:
    """Seconds `_Hub.ingest` takes for `frames` into one attached chart, batches taken."""
    from livefeed._chartdata import ChartData
    from livefeed._core.decode import DECODERS
    from livefeed._core.pipeline import ChartSpec
    from livefeed._feed import _Hub
    from livefeed._recording import Recorder
    from livefeed._redact import Redactor

    recorder = None if record is None else Recorder(record, source="ws://bench/feeds")
    hub = _Hub(Redactor(None), transform, recorder)
    chart = ChartData(ChartSpec(y=("price",), x="ts", group_by="symbol"))
    hub.attach(chart)
    read = DECODERS[decoder]()
    take = hub.ingest
    try:
        started = time.perf_counter()
        for i, frame in enumerate(frames, 1):
            take(frame, read)
            if i % BATCH_EVERY == 0:
                chart.take_batch()
        chart.take_batch()
        if recorder is not None:
            recorder.flush()
        elapsed = time.perf_counter() - started
    finally:
        if recorder is not None:
            recorder.close()
    stats, hub_stats = chart.stats(), hub.stats()
    if stats["errors"] or stats["points"] != load.points or hub_stats["errors"]:
        raise RuntimeError(f"took {stats['points']} of {load.points} points: {stats} {hub_stats}")
    if recorder is not None and recorder.frames != len(frames):
        raise RuntimeError(f"recorded {recorder.frames} of {len(frames)} frames")
    return elapsed


def _pair(runs: dict[str, list[float]], measure: str, baseline: str) -> dict[str, Any]:
    median = {name: statistics.median(runs[name]) for name in (measure, baseline)}
    return {
        "runs": {name: runs[name] for name in (measure, baseline)},
        "median": median,
        "ratio": median[measure] / median[baseline],
        "round_ratios": [m / b for m, b in zip(runs[measure], runs[baseline], strict=True)],
    }


def run(smoke: bool, repeats: int) -> dict[str, Any]:
    """Every measure `repeats` times, interleaved; medians, ratios and targets.

    A round runs the load `slices` times for each measure, taking turns (in reverse order every
    other turn, so that none always runs first), and each measure's figure for the round is
    its points over its summed time: a noisy moment on a shared machine then hits the measures
    alike, rather than whichever ran in it.
    """
    load, slices = (Load(200), 1) if smoke else (Load(1_000), 5)
    messages = records(load)
    text, binary = json_frames(messages), msgpack_frames(messages)
    runs: dict[str, list[float]] = {name: [] for name in MEASURES}
    with tempfile.TemporaryDirectory(prefix="livefeed-bench-") as folder:
        path = Path(folder, "feed.lfrec")
        measure: dict[str, Callable[[], float]] = {
            "json": lambda: ingest(load, text, "json"),
            "transform": lambda: ingest(load, text, "json", transform=touch_price),
            "record": lambda: ingest(load, text, "json", record=path),
            "msgpack": lambda: ingest(load, binary, "msgpack"),
        }
        for name in ("json", "msgpack"):  # untimed: imports and first allocations
            measure[name]()
        for _ in range(repeats):
            seconds = dict.fromkeys(MEASURES, 0.0)
            for turn in range(slices):
                for name in MEASURES if turn % 2 == 0 else reversed(MEASURES):
                    gc.collect()  # no measure pays for the garbage of the one before
                    seconds[name] += measure[name]()
                    path.unlink(missing_ok=True)  # each recording starts a new file
            for name in MEASURES:
                runs[name].append(slices * load.points / seconds[name])
    # One baseline for the three comparisons: the plain JSON ingest of the same round.
    transform = _pair(runs, "transform", "json")
    transform["target"] = f">= {TRANSFORM_TARGET:.0%} of baseline"
    transform["met"] = transform["ratio"] >= TRANSFORM_TARGET
    record = _pair(runs, "record", "json")
    record["target"] = f">= {RECORD_TARGET:.0%} of baseline"
    record["met"] = record["ratio"] >= RECORD_TARGET
    decoders = _pair(runs, "msgpack", "json")
    decoders["bytes_per_message"] = {
        "json": statistics.mean(len(frame.encode()) for frame in text if isinstance(frame, str)),
        "msgpack": statistics.mean(len(frame) for frame in binary),
    }
    return {
        "messages": load.messages,
        "slices": slices,
        "records_per_message": load.records_per_message,
        "points": load.points,
        "repeats": repeats,
        "transform": transform,
        "record": record,
        "msgpack": decoders,
    }


def markdown_rows(r: dict[str, Any]) -> list[str]:
    """Rows of the kernel-side table in run.py's format."""
    yes = {True: "yes", False: "**no**"}
    per = f"{r['records_per_message']} points/message, points/s (median of {r['repeats']})"
    rows = []
    for key, what in (("transform", "with `transform=`"), ("record", "with `record=`")):
        m = r[key]
        rows.append(
            f"| feed {what} vs without, {per} | {m['median'][key]:,.0f} "
            f"| {m['median']['json']:,.0f} | {m['ratio']:.2f} | {m['target']} | {yes[m['met']]} |"
        )
    m = r["msgpack"]
    rows.append(
        f'| feed `decode="msgpack"` vs "json", {per} | {m["median"]["msgpack"]:,.0f} '
        f"| {m['median']['json']:,.0f} | {m['ratio']:.2f} | (for information) | - |"
    )
    return rows


def markdown_note(r: dict[str, Any]) -> str:
    """What the feed rows measure, for the notes under the table."""
    size = r["msgpack"]["bytes_per_message"]
    return (
        "Feed baseline: the same frames through `_Hub.ingest` (a feed's sink, no socket) into one "
        "chart, decoded as JSON, without transform or recording; the MessagePack frames are "
        f"{size['msgpack']:,.0f} bytes a message against JSON's {size['json']:,.0f}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--smoke", "--quick", action="store_true", help="a tiny load: checks, not figures"
    )
    parser.add_argument("--repeats", type=int, help="rounds of each measure (default 5)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.smoke else 5)
    results = run(args.smoke, repeats)
    print(json.dumps(results, indent=2))
    print("\n".join(markdown_rows(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
