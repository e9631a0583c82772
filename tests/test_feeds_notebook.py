"""notebooks/feeds.ipynb runs top to bottom in a real kernel against the real demo source, by
itself, and does what its text says: one connection for two charts with
history, a transform, a decoder of binary frames, a window, and a replay ending with the data of
the chart that recorded it."""

from __future__ import annotations

from pathlib import Path

import pytest

from livefeed.demo import SYMBOLS

from .support.executed import run_example

pytestmark = pytest.mark.kernel

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "feeds.ipynb"

# Appended to the notebook in memory: reads what the notebook's objects hold once it has run.
CHECKS = """
import json as _json
print(_json.dumps({
    "ticker_charts": ticker.stats["charts"],
    "ticker_errors": ticker.stats["errors"],
    "ticker_status": ticker.status,
    "price_series": sorted(prices.data["series"].unique()),
    "volume_series": sorted(volumes.data["series"].unique()),
    "history_span_s": float(
        (prices.data["x"].max() - prices.data["x"].min()).total_seconds()
    ),
    "notional_series": sorted(notional.data["series"].unique()),
    "notional_errors": notional.stats["errors"],
    "wave": {key: wave.stats[key] for key in ("messages", "points", "errors")},
    "recent_span_s": float(
        recent.data.groupby("series", observed=True)["x"]
        .agg(lambda x: (x.max() - x.min()).total_seconds())
        .max()
    ),
    "recorded": recording.stats["recorded"],
    "live_messages": live.stats["messages"],
    "replayed_messages": replayed.stats["messages"],
    "replay_feed": {
        key: replayed.feed.stats[key] for key in ("messages", "records", "errors", "last_error")
    },
    "recording_bytes": path.stat().st_size,
    "same_data": bool(
        replayed.data.reset_index(drop=True).equals(live.data.reset_index(drop=True))
    ),
    "replayed_points": len(replayed.data),
}))
"""


@pytest.mark.timeout(240)
@pytest.mark.usefixtures("demo_env")
def test_feeds_notebook_runs_by_itself_and_does_what_it_says(tmp_path: Path) -> None:
    facts = run_example(NOTEBOOK, CHECKS, tmp_path)

    # One feed, one connection, three charts of it (prices, volumes, the window), with history.
    assert facts["ticker_charts"] == 3
    assert facts["ticker_errors"] == 0
    assert facts["ticker_status"] == "closed"
    assert facts["price_series"] == facts["volume_series"] == sorted(SYMBOLS)
    assert facts["history_span_s"] > 100  # two minutes of history, then live messages

    # The transform kept ACME alone, as one computed series.
    assert facts["notional_series"] == ["notional"]
    assert facts["notional_errors"] == 0

    # The binary source sends 20 frames of 10 points and closes.
    assert facts["wave"] == {"messages": 20, "points": 200, "errors": 0}

    # The time window: per series, one minute of the two minutes of history at most.
    assert 50 < facts["recent_span_s"] <= 60

    # The replay ends with exactly the data of the chart that watched the recording.
    assert facts["recorded"] >= 100
    # On failure, the replay feed's own counters and the file's size tell a recording that was
    # not written from frames that were read but not delivered.
    replay = (facts["replay_feed"], facts["recording_bytes"])
    assert facts["replayed_messages"] == facts["live_messages"] == facts["recorded"], replay
    assert facts["same_data"] is True
    assert facts["replayed_points"] >= 100
