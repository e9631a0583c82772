"""stop() leaves a final snapshot: a notebook saved or executed right after has the last data."""

from __future__ import annotations

import numpy as np

from livefeed import LiveChart


def _snapshot_points(chart: LiveChart) -> tuple[list[list[object]], np.ndarray, np.ndarray]:
    snap = chart.snapshot
    x = np.frombuffer(bytes(snap["x"]), dtype="<f8")
    y = np.frombuffer(bytes(snap["y"]), dtype="<f8")
    return snap["series"], x, y


def test_stop_refreshes_the_snapshot_at_once() -> None:
    chart = LiveChart(x="t", y="v", group_by="s")
    try:
        # Far more often than the periodic refresh: only stop() can have caught the last push.
        for i in range(50):
            chart.push({"t": i, "v": i * 2.0, "s": "ab"[i % 2]})
        chart.stop()
        series, x, y = _snapshot_points(chart)
        assert [name for _, name in series] == ["a", "b"]
        assert sorted(x.tolist()) == list(range(50))
        assert np.array_equal(np.sort(y), np.arange(50) * 2.0)

        # A second stop() changes nothing.
        chart.stop()
        series, x, _ = _snapshot_points(chart)
        assert [name for _, name in series] == ["a", "b"]
        assert len(x) == 50
    finally:
        chart.close()
