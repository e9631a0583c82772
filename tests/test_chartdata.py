"""`ChartData`, the only door to a chart's pipeline: what goes in from several threads at once comes
out once, counters agree with each other at every moment, and decoding holds no lock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import ClassVar

import numpy as np

from livefeed._chartdata import ChartData
from livefeed._core.decode import NdjsonDecoder, Problem, Record, decode_json
from livefeed._core.pipeline import INTERNAL, ChartSpec

HANG = 60.0  # seconds: only turns a hang into a failure


class JsonDecoder:
    """The "json" decoder, with a hook run before each frame is decoded."""

    json_values: ClassVar[bool] = True

    def __init__(self, before: Callable[[], None] = lambda: None) -> None:
        self.before = before

    def decode(self, frame: str | bytes) -> tuple[list[Record], list[Problem]]:
        self.before()
        return decode_json(frame)


def run_threads(*targets: Callable[[], None]) -> None:
    """Run each target on its own thread, started together; re-raise the first failure."""
    start = threading.Barrier(len(targets))
    failures: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> None:
        try:
            start.wait(HANG)
            target()
        except BaseException as error:  # handed to the test's thread below
            failures.append(error)

    threads = [threading.Thread(target=guarded, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HANG)
        assert not thread.is_alive(), "a thread hung"
    if failures:
        raise failures[0]


def test_threads_ingesting_pushing_and_taking_at_once_lose_nothing() -> None:
    per_thread = 3000
    feed = ChartData(ChartSpec(y=("v",), x="t", window=10 * per_thread))
    producers_left = [4]
    counting = threading.Lock()
    done = threading.Event()
    taken: list[float] = []
    readings = [0]

    def finished() -> None:
        with counting:
            producers_left[0] -= 1
            if producers_left[0] == 0:
                done.set()

    def ingest(base: int, binary: bool) -> Callable[[], None]:
        def run() -> None:
            decoder = NdjsonDecoder()
            for i in range(per_thread):
                if i % 10 == 9:
                    frame: str | bytes = "garbage"  # one message, one problem, no point
                else:
                    frame = f'{{"t": {base + i}, "v": 1}}\n'
                feed.ingest(frame.encode() if binary and isinstance(frame, str) else frame, decoder)
            finished()

        return run

    def push(base: int) -> Callable[[], None]:
        def run() -> None:
            for i in range(per_thread):
                feed.push({"t": base + i, "v": 2})
            finished()

        return run

    def take() -> None:
        while True:
            last = done.is_set()  # read before taking: nothing can arrive after the final take
            batch = feed.take_batch()
            if batch is not None:
                taken.extend(batch.x.tolist())
            if last:
                return

    def read_stats() -> None:
        # At every moment, each message has brought its point or its problem, never half of it.
        while not done.is_set():
            stats = feed.stats()
            assert stats["messages"] == stats["points"] + stats["errors"], stats
            readings[0] += 1

    run_threads(
        ingest(0, False),
        ingest(100_000, True),
        push(200_000),
        push(300_000),
        take,
        read_stats,
    )
    garbage = 2 * (per_thread // 10)
    points = 4 * per_thread - garbage
    stats = feed.stats()
    assert (stats["messages"], stats["points"], stats["errors"]) == (
        4 * per_thread,
        points,
        garbage,
    )
    assert stats["error_kinds"] == {"not_json": garbage}
    # Every point came out in exactly one batch.
    expected = [
        float(base + i) for base in (0, 100_000) for i in range(per_thread) if i % 10 != 9
    ] + [float(base + i) for base in (200_000, 300_000) for i in range(per_thread)]
    assert sorted(taken) == expected
    assert not feed.has_unsent()
    assert readings[0] > 0


def test_decoding_holds_no_lock() -> None:
    feed = ChartData(ChartSpec(y=("v",), x="t"))
    decoding = threading.Event()
    released = threading.Event()
    waited: list[bool] = []

    def slow() -> None:  # a decoder that takes its time
        decoding.set()
        waited.append(released.wait(HANG))

    def ingest() -> None:
        feed.ingest('{"t": 1, "v": 1}', JsonDecoder(before=slow))

    thread = threading.Thread(target=ingest)
    thread.start()
    assert decoding.wait(HANG)
    # While the frame is being decoded, the feed takes rows and hands out batches.
    feed.push({"t": 2, "v": 2})
    batch = feed.take_batch()
    assert feed.stats()["messages"] == 1
    released.set()
    thread.join(HANG)
    assert waited == [True]  # the decoder was let go, not timed out
    assert batch is not None and batch.x.tolist() == [2.0]
    assert feed.columns().x.tolist() == [1.0, 2.0]
    assert feed.stats()["messages"] == 2


def test_a_frame_is_one_message_whatever_it_holds() -> None:
    feed = ChartData(ChartSpec(y=("v",), x="t"))
    decoder = NdjsonDecoder()
    feed.ingest('{"t": 1, "v": 1}\n{"t": 2, "v": 2}\n{"t": 3,', decoder)  # two records and a half
    feed.ingest(' "v": 3}\n', decoder)  # the half's end
    feed.ingest("not json\n", decoder)  # a problem only
    feed.ingest("", decoder)  # nothing at all
    stats = feed.stats()
    assert (stats["messages"], stats["points"], stats["errors"]) == (4, 3, 1)


def test_a_decoder_that_raises_is_counted_and_the_feed_goes_on() -> None:
    def fail() -> None:
        raise RuntimeError("a bug")

    feed = ChartData(ChartSpec(y=("v",), x="t"))
    feed.ingest('{"t": 1, "v": 1}', JsonDecoder(before=fail))
    feed.ingest('{"t": 2, "v": 2}', JsonDecoder())
    stats = feed.stats()
    assert stats["error_kinds"] == {INTERNAL: 1}
    assert "RuntimeError('a bug')" in stats["last_error"]
    assert (stats["messages"], stats["points"]) == (2, 1)


def test_what_the_widget_reads() -> None:
    feed = ChartData(ChartSpec(y=("v",), x="t", group_by="g", window=5000))
    assert (feed.x_kind, feed.seq, feed.messages, feed.has_unsent()) == ("auto", 0, 0, False)
    ms = 1_764_000_000_000
    feed.push({"t": np.arange(ms, ms + 3000), "g": ["a", "b", "c"] * 1000, "v": np.arange(3000)})
    assert (feed.x_kind, feed.messages, feed.has_unsent()) == ("time", 1, True)

    columns = feed.columns()
    assert columns.names == ["a", "b", "c"] and columns.is_time
    assert columns.x.tolist() == list(range(ms, ms + 3000))
    assert columns.series.tolist() == [0, 1, 2] * 1000

    snapshot = feed.snapshot(100)  # decimated, and nothing marked as sent
    assert snapshot.series == [(0, "a"), (1, "b"), (2, "c")]
    assert [series for series, _ in snapshot.segments] == [0, 1, 2]
    assert all(count <= 100 for _, count in snapshot.segments)
    assert len(snapshot.x) == sum(count for _, count in snapshot.segments)
    assert feed.has_unsent()

    batch = feed.take_batch()
    assert batch is not None and batch.points == 3000 and feed.seq == 1
    assert not feed.has_unsent() and feed.take_batch() is None
    reset = feed.take_reset()
    assert reset.kind == "reset" and reset.points == 3000 and feed.seq == 2
    assert feed.snapshot(100).seq == 2
