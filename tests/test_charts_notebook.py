"""notebooks/charts.ipynb runs top to bottom in a real kernel against the real demo source, by
itself, and does what its text says: five kinds of the same readings, two
axes on a live feed, a log scale that counts its gaps, annotations, linked charts, an alert that
calls back twice, a saved page, and candles of the live ticker."""

from __future__ import annotations

from pathlib import Path

import pytest

from livefeed.demo import SYMBOLS

from .support.executed import run_example

pytestmark = pytest.mark.kernel

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "charts.ipynb"

# Appended to the notebook in memory: reads what the notebook's objects hold once it has run.
CHECKS = """
import json as _json
print(_json.dumps({
    "kinds": {name: [c.kind, len(c.data)] for name, c in kinds.items()},
    "acme_series": acme.series,
    "acme_follow": acme.follow,
    "acme_errors": acme.stats["errors"],
    "log_gaps": growth.stats["log_gaps"],
    "growth_points": len(growth.data),
    "annotations": [a["type"] for a in percent.annotations],
    "y_range": list(percent.y_range),
    "linked": temperature._link == humidity._link != "",
    "crossings": [[e["x"], e["y"], e["side"]] for e in crossings],
    "latency_alerts": latency.stats["alerts"],
    "page": page.read_text()[:15],
    "bar_columns": list(bars.data.columns),
    "bar_series": sorted(bars.data["series"].unique()),
    "bars_per_x": int(bars.data.groupby(["x", "series"], observed=True).size().max()),
    "bar_starts": sorted({int(x.timestamp() * 1000) % 5000 for x in bars.data["x"]}),
    "bar_errors": bars.stats["errors"],
}))
"""


@pytest.mark.timeout(240)
@pytest.mark.usefixtures("demo_env")
def test_charts_notebook_runs_by_itself_and_does_what_it_says(tmp_path: Path) -> None:
    facts = run_example(NOTEBOOK, CHECKS, tmp_path)

    assert facts["kinds"] == {
        kind: [kind, 60] for kind in ("line", "step", "scatter", "area", "bars")
    }
    assert facts["acme_series"] == {
        "volume": {"kind": "bars", "axis": "right", "color": "#8d6e63"},
        "price": {"width": 2.0, "dash": [6.0, 4.0]},
    }
    assert facts["acme_follow"] == {"ms": 30_000.0}
    assert facts["acme_errors"] == 0
    # One reading of 0 users has no place on a log scale; it stays in the data.
    assert facts["log_gaps"] == 1
    assert facts["growth_points"] == 12
    assert facts["annotations"] == ["hline", "vline", "mark"]
    assert facts["y_range"] == [0.0, 100.0]
    assert facts["linked"] is True
    # 15 and 16 are one crossing (16 is still above); 30 is the second.
    assert facts["crossings"] == [[15.0, 400.0, "above"], [30.0, 400.0, "above"]]
    assert facts["latency_alerts"] == 2
    assert facts["page"] == "<!DOCTYPE html>"

    # Candles of the live ticker: one row per bar and symbol, bars at whole 5-second marks.
    assert facts["bar_columns"] == ["x", "series", "open", "high", "low", "close", "volume"]
    assert facts["bar_series"] == sorted(SYMBOLS)
    assert facts["bars_per_x"] == 1
    assert facts["bar_starts"] == [0]
    assert facts["bar_errors"] == 0
