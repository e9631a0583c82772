"""The send policy, on a simulated clock: rates, the kernel's budget, priorities and periods.

The numbers asserted here are the ones the README and docs/protocol.md promise (30 batches per
second per chart, under 500 messages per second for a kernel, statistics twice a second, the
snapshot every 5 seconds): a change of any constant of the policy fails one of these tests.
"""

from __future__ import annotations

from collections import Counter

from livefeed._outbox import FRAME_RATE, ChartState, Outbox, TokenBucket, kernel_bucket

BUSY = ChartState(has_points=True, data_changed=True)


def simulate(
    seconds: float, charts: int, state: ChartState = BUSY
) -> tuple[list[Counter[str]], list[int]]:
    """Tick `charts` charts as the runtime does for `seconds` of simulated time.

    Returns what each chart sent, and how many messages the kernel sent in each whole second.
    """
    budget = kernel_bucket(now=0.0)
    outboxes = [Outbox() for _ in range(charts)]
    sent = [Counter[str]() for _ in range(charts)]
    per_second = [0] * int(seconds)
    for tick in range(round(seconds * FRAME_RATE)):
        now = tick / FRAME_RATE
        budget.refill(now)
        # Charts take turns at going first, as the runtime rotates them.
        order = list(range(charts))
        order = order[tick % charts :] + order[: tick % charts]
        for i in order:
            actions = outboxes[i].plan(now, state, budget)
            sent[i].update(actions)
            per_second[int(now)] += len(actions)
    return sent, per_second


def test_a_busy_chart_sends_thirty_batches_a_second() -> None:
    sent, _ = simulate(10.0, charts=1)
    assert sent[0]["batch"] == 300


def test_statistics_twice_a_second_and_the_snapshot_every_five_seconds() -> None:
    sent, _ = simulate(20.0, charts=1)
    assert sent[0]["stats"] == 40
    assert sent[0]["snapshot"] == 4


def test_an_unchanged_snapshot_is_not_sent_again() -> None:
    sent, _ = simulate(20.0, charts=1, state=ChartState(has_points=True))
    assert sent[0]["snapshot"] == 0


def test_the_kernel_stays_under_its_budget_however_many_charts() -> None:
    sent, per_second = simulate(10.0, charts=40)
    # The bucket starts full (a burst of 10), then earns 200 tokens a second.
    assert max(per_second) <= 200 + 10
    total = sum(per_second)
    assert 200 * 10 <= total <= 200 * 10 + 10
    # Every chart gets a fair share of batches: none starves.
    batches = [s["batch"] for s in sent]
    assert min(batches) >= 0.8 * max(batches) > 0


def test_a_reset_goes_before_any_batch_and_replaces_it_in_that_tick() -> None:
    outbox = Outbox()
    budget = TokenBucket(rate=0.0, burst=10.0, now=0.0)
    both = ChartState(reset_wanted=True, has_points=True)
    assert outbox.plan(0.0, both, budget)[0] == "reset"
    assert "batch" not in outbox.plan(1.0, both, budget)


def test_with_one_token_left_the_reset_is_what_goes() -> None:
    budget = TokenBucket(rate=0.0, burst=1.0, now=0.0)
    actions = Outbox().plan(0.0, ChartState(reset_wanted=True, has_points=True), budget)
    assert actions == ["reset"]
    # No token, nothing: the points wait for the next tick (and travel in a larger batch).
    assert Outbox().plan(0.0, ChartState(has_points=True), budget) == []


def test_status_and_axis_changes_are_sent_when_they_happen() -> None:
    outbox = Outbox()
    budget = TokenBucket(rate=0.0, burst=10.0, now=0.0)
    outbox.plan(0.0, ChartState(), budget)  # the first statistics and snapshot checks
    changed = ChartState(status_changed=True, kind_changed=True)
    assert outbox.plan(0.1, changed, budget) == ["status", "x_kind"]
    assert outbox.plan(0.2, ChartState(), budget) == []
