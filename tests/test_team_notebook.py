"""notebooks/team_feed.ipynb runs top to bottom in a real kernel against the real demo source
and a real nats-server, by itself: the bridge it starts publishes the ticker, two charts read
the broker over one connection, a feed started later gets the broker's history, and the bridge
stops having published everything it read."""

from __future__ import annotations

from pathlib import Path

import pytest

from livefeed.demo import SYMBOLS

from .support.brokers import require_broker
from .support.executed import run_example

pytestmark = pytest.mark.kernel

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "team_feed.ipynb"

# Appended to the notebook in memory: reads what its objects hold once it has run.
CHECKS = """
import json as _json
print(_json.dumps({
    "bridge_exit": bridge.returncode,
    "bridge_said": bridge_said,
    "team_charts": team.stats["charts"],
    "team_errors": team.stats["errors"],
    "price_series": sorted(prices.data["series"].unique()),
    "volume_series": sorted(volumes.data["series"].unique()),
    "late_series": sorted(late_prices.data["series"].unique()),
    "late_first": late_prices.data["x"].min().isoformat(),
    "team_first": prices.data["x"].min().isoformat(),
    "late_errors": late.stats["errors"],
    "statuses": [team.status, late.status],
    "broker_stopped": broker is None or broker.poll() is not None,
}))
"""


@pytest.mark.timeout(240)
@pytest.mark.usefixtures("demo_env")
def test_team_feed_notebook_runs_by_itself_and_does_what_it_says(tmp_path: Path) -> None:
    require_broker("nats-server")
    facts = run_example(NOTEBOOK, CHECKS, tmp_path)
    assert facts["bridge_exit"] == 0
    assert "records published, none left" in facts["bridge_said"]
    assert facts["team_charts"] == 2  # both charts on one connection to the broker
    assert facts["team_errors"] == facts["late_errors"] == 0
    for key in ("price_series", "volume_series", "late_series"):
        assert facts[key] == sorted(SYMBOLS), key
    # The later feed asked for five minutes of history: it starts where the first one does.
    assert facts["late_first"] == facts["team_first"]
    assert facts["statuses"] == ["closed", "closed"]
    assert facts["broker_stopped"]
