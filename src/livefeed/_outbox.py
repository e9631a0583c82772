"""The send policy: what each chart may send to the browser at each tick, with no I/O in it.

The runtime ticks every chart `FRAME_RATE` times a second. At a tick a chart sends at most one
message of points (a reset when a view asked for one, which goes first, else a batch of the points
no view has had), then the trait updates that are due: status and x kind when they changed, the
statistics every `STATS_PERIOD` seconds, the saved-notebook snapshot every `SNAPSHOT_PERIOD`
seconds when the data changed. Every message spends a token of one `TokenBucket` shared by all the
charts of the kernel, refilled at `KERNEL_MESSAGE_RATE` per second: jupyter_server drops comm
messages beyond 1000 per second for a whole kernel, silently, so the kernel stays well below it.
When tokens run short, points wait for the next tick and travel in a larger batch: nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FRAME_RATE = 30  # ticks per second: no chart sends more than 30 batches a second
# Comm messages per second for all charts of a kernel together. jupyter_server would pass 1000,
# but each message costs the page's main thread about half a millisecond to receive: at 450 a
# page of 50 charts ran at 36 fps, at 200 at 55 (bench/scale.py), while 10 charts of 20 messages
# a second each still get every message through.
KERNEL_MESSAGE_RATE = 200
BURST = KERNEL_MESSAGE_RATE / FRAME_RATE * 1.5  # tokens that may be spent at once
STATS_PERIOD = 0.5  # seconds between refreshes of the synced statistics
SNAPSHOT_PERIOD = 5.0  # seconds between refreshes of the saved-notebook snapshot

Action = Literal["reset", "batch", "status", "x_kind", "stats", "snapshot"]


class TokenBucket:
    """At most `rate` spends per second on average, and at most `burst` at once."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self._last = now

    def refill(self, now: float) -> None:
        """Add the tokens earned since the last refill (up to `burst`)."""
        self.tokens = min(self.burst, self.tokens + (now - self._last) * self.rate)
        self._last = now

    def try_spend(self) -> bool:
        """Take one token if there is one."""
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


def kernel_bucket(now: float) -> TokenBucket:
    """The bucket shared by every chart of one kernel."""
    return TokenBucket(KERNEL_MESSAGE_RATE, BURST, now)


@dataclass(frozen=True)
class ChartState:
    """What a chart has to send at a tick, as its widget sees it."""

    reset_wanted: bool = False  # a view asked for the whole window
    has_points: bool = False  # points arrived that no view has had
    status_changed: bool = False  # the feed's status differs from the synced trait
    kind_changed: bool = False  # the x axis kind differs from the synced trait
    data_changed: bool = False  # the data moved on since the last snapshot


class Outbox:
    """One chart's send schedule: call `plan` at every tick, then send what it returns, in order."""

    def __init__(self) -> None:
        self._next_stats = 0.0
        self._next_snapshot = 0.0

    def plan(self, now: float, state: ChartState, budget: TokenBucket) -> list[Action]:
        """The messages to send now, each paid for with one token of `budget`."""
        actions: list[Action] = []
        # One message of points per tick at most: this is what bounds a chart's rate.
        if state.reset_wanted and budget.try_spend():
            actions.append("reset")  # before any batch: the view ignores nothing it needs
        elif state.has_points and budget.try_spend():
            actions.append("batch")
        if state.status_changed and budget.try_spend():
            actions.append("status")
        if state.kind_changed and budget.try_spend():
            actions.append("x_kind")
        if now >= self._next_stats and budget.try_spend():
            self._next_stats = now + STATS_PERIOD
            actions.append("stats")
        if now >= self._next_snapshot and budget.tokens >= 1.0:
            self._next_snapshot = now + SNAPSHOT_PERIOD
            if state.data_changed and budget.try_spend():
                actions.append("snapshot")
        return actions
