"""A small picture of a chart's data for saved notebooks: every series, decimated.

Saved widget state holds traits, not custom messages, so the last data must sit in a trait for a
notebook reopened without a kernel. Min/max decimation (`_core.decimate`) keeps each series'
envelope (its peaks stay visible) while bounding the size of what is saved.
"""

from __future__ import annotations

from typing import Any

from ._core.batch import Snapshot
from ._wire import le_bytes

SNAPSHOT_POINTS = 2000  # per series, at most (the README promises it)


def snapshot_trait(snapshot: Snapshot) -> dict[str, Any]:
    """The `snapshot` trait's value (see docs/protocol.md); `{}` when no series is held."""
    if not snapshot.series:
        return {}
    return {
        "seq": snapshot.seq,
        "series": [list(entry) for entry in snapshot.series],
        "segments": [list(segment) for segment in snapshot.segments],
        "x": le_bytes(snapshot.x),
        "y": le_bytes(snapshot.y),
    }
