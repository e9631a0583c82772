"""A chart fed only by `push()`: live from the start, until stopped."""

from __future__ import annotations

from .._runtime import Runtime
from .base import Sink


class PushSource:
    """The source of a chart made with `url=None`: rows arrive through `LiveChart.push()`."""

    name = ""

    def __init__(self) -> None:
        self._feed: Sink | None = None

    def start(self, runtime: Runtime, feed: Sink) -> None:
        self._feed = feed
        feed.set_status("live")

    def stop(self) -> None:
        self.stop_soon()

    def stop_soon(self) -> None:
        if self._feed is not None:
            self._feed.set_status("closed")
