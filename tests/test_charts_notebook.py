"""notebooks/charts.ipynb runs top to bottom in a real kernel against the real demo source, by
itself and in bounded time, and does what its text says: five kinds of the same readings, two
axes on a live feed, a log scale that counts its gaps, annotations, linked charts, an alert that
calls back twice, and a saved page."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.kernel

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "charts.ipynb"
CELL_TIMEOUT = 60  # seconds; against hangs only
BUDGET = 30.0  # seconds the notebook's cells may take together, kernel start-up excluded

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
}))
"""


def _text(cell: Any) -> str:
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")


@pytest.mark.timeout(240)
@pytest.mark.usefixtures("demo_env")
def test_charts_notebook_runs_by_itself_and_does_what_it_says(tmp_path: Path) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(cell.outputs == [] for cell in notebook.cells if cell.cell_type == "code"), (
        "the notebook is saved without outputs"
    )
    notebook.cells.append(nbformat.v4.new_code_cell(CHECKS))
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    with client.setup_kernel():
        started = time.monotonic()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        elapsed = time.monotonic() - started
    errors = [
        out
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert errors == []
    assert elapsed < BUDGET, f"the notebook took {elapsed:.1f} s"
    facts = json.loads(_text(notebook.cells[-1]))

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
