"""The messages that carry points from the kernel to the browser (see docs/protocol.md).

Pure functions: a `Batch` in, message content and binary buffers out.
"""

from __future__ import annotations

from typing import Literal, TypedDict, TypeGuard

import numpy as np

from ._core.batch import Batch, PointsKind, Segment, SeriesEntry
from ._core.ring import F64


class PointsMessage(TypedDict):
    """Content of a `batch` or `reset` custom message; x and y travel in two float64 buffers."""

    type: PointsKind
    seq: int
    series: list[SeriesEntry]
    segments: list[Segment]


class SyncRequest(TypedDict):
    """Sent by a view that needs the whole window: when it appears, or after it missed a batch."""

    type: Literal["sync"]


def encode(batch: Batch) -> tuple[PointsMessage, list[memoryview]]:
    """Content and buffers for `Widget.send`: x and y as little-endian float64 bytes.

    A numpy array is not sent as a binary buffer by ipywidgets, a memoryview is, so the arrays are
    handed over as memoryviews of contiguous little-endian copies.
    """
    content: PointsMessage = {
        "type": batch.kind,
        "seq": batch.seq,
        "series": batch.series,
        "segments": batch.segments,
    }
    return content, [le_bytes(batch.x), le_bytes(batch.y)]


def le_bytes(values: F64) -> memoryview:
    array = np.ascontiguousarray(values, dtype="<f8")
    return array.data.cast("B")


def is_sync_request(content: object) -> TypeGuard[SyncRequest]:
    """Whether a message from a view asks for the whole window."""
    return isinstance(content, dict) and content.get("type") == "sync"
