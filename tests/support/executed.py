"""Running an example notebook top to bottom in a real kernel, as the suite's notebook tests do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

CELL_TIMEOUT = 60  # seconds; against hangs only


def _text(cell: Any) -> str:
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")


def run_example(path: Path, checks: str, workdir: Path) -> dict[str, Any]:
    """Run the notebook at `path` (saved without outputs, which is checked) in `workdir`, then
    the cell `checks`, which must print one JSON object. Returns that object. Fails on any error
    output; `CELL_TIMEOUT` guards against a cell that hangs."""
    notebook = nbformat.read(path, as_version=4)
    assert all(cell.outputs == [] for cell in notebook.cells if cell.cell_type == "code"), (
        "the notebook is saved without outputs"
    )
    notebook.cells.append(nbformat.v4.new_code_cell(checks))
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
    errors = [
        out
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert errors == []
    facts: dict[str, Any] = json.loads(_text(notebook.cells[-1]))
    return facts
