"""Batches as they travel: JSON content plus two float64 buffers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from livefeed._core.batch import Batch
from livefeed._core.decimate import decimate
from livefeed._core.pipeline import ChartSpec, Pipeline
from livefeed._snapshot import SNAPSHOT_POINTS, snapshot_trait
from livefeed._wire import encode, is_sync_request


def test_encode_gives_json_content_and_little_endian_float64_buffers() -> None:
    batch = Batch(
        "batch", 4, [(1, "B")], [(0, 2), (1, 1)], np.array([1.0, 2.0, 3.0]), np.array([4.0, 5, 6])
    )
    content, buffers = encode(batch)
    assert json.loads(json.dumps(content)) == {
        "type": "batch",
        "seq": 4,
        "series": [[1, "B"]],
        "segments": [[0, 2], [1, 1]],
    }
    assert [type(b) for b in buffers] == [memoryview, memoryview]
    assert np.frombuffer(buffers[0], "<f8").tolist() == [1, 2, 3]
    assert np.frombuffer(buffers[1], "<f8").tolist() == [4, 5, 6]
    assert sum(b.nbytes for b in buffers) == 16 * batch.points


def test_batch_checks_segments_against_lengths() -> None:
    with pytest.raises(ValueError):
        Batch("batch", 1, [], [(0, 3)], np.zeros(2), np.zeros(2))


def test_sync_request() -> None:
    assert is_sync_request({"type": "sync"})
    assert not is_sync_request({"type": "other"})
    assert not is_sync_request("sync")


def test_decimate_keeps_the_envelope() -> None:
    x = np.arange(10_000, dtype=np.float64)
    y = np.sin(x / 50)
    y[1234] = 50.0
    y[7777] = -50.0
    dx, dy = decimate(x, y, 500)
    assert len(dx) <= 520
    assert 50.0 in dy and -50.0 in dy
    assert np.all(np.diff(dx) > 0)


def test_decimate_leaves_small_series_alone() -> None:
    x = np.arange(5.0)
    assert decimate(x, x, 10)[0] is x


def test_snapshot_holds_every_series() -> None:
    p = Pipeline(ChartSpec(y=("v",), x="t", group_by="s"))
    p.feed_records([{"t": i, "v": i, "s": "ab"[i % 2]} for i in range(6)], 0)
    p.take_batch()
    snap = snapshot_trait(p.snapshot(SNAPSHOT_POINTS))
    assert snap["seq"] == 1
    assert snap["series"] == [[0, "a"], [1, "b"]]
    assert snap["segments"] == [[0, 3], [1, 3]]
    assert np.frombuffer(snap["y"], "<f8").tolist() == [0, 2, 4, 1, 3, 5]
    assert snapshot_trait(Pipeline(ChartSpec(y=("v",))).snapshot(SNAPSHOT_POINTS)) == {}
