"""Bars built from ticks (`_core.bars.BarRing`, and a candle chart's pipeline): the bars equal
pandas' resample of the same ticks, whatever order the ticks come in; a change of the newest bar
travels as an in-place update, a change of an older one as a reset."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from livefeed._core.alerts import Alert, Alerts
from livefeed._core.bars import BarRing
from livefeed._core.pipeline import ChartSpec, Pipeline, bar_id

MINUTE = 60_000.0
START = 1_764_000_000_000.0  # a whole minute, in epoch ms


def ticks(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`n` ticks over about n/10 minutes: x in epoch ms, ascending with repeats, prices, sizes."""
    rng = np.random.default_rng(seed)
    x = START + np.cumsum(rng.integers(0, 12_000, n)).astype(np.float64)
    price = 100 + np.cumsum(rng.normal(0, 0.5, n))
    size = rng.integers(1, 500, n).astype(np.float64)
    return x, price, size


def epoch_ms(index: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray((index - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(1, "ms"))


def resampled(x: np.ndarray, price: np.ndarray, size: np.ndarray, bar: str) -> pd.DataFrame:
    index = pd.to_datetime(x, unit="ms", utc=True)
    frame = pd.Series(price, index=index).resample(bar, origin="epoch").ohlc()
    frame["volume"] = pd.Series(size, index=index).resample(bar, origin="epoch").sum()
    return frame.dropna(subset=["open"])  # resample lists empty bars too; a feed has none


def test_bars_equal_pandas_resample_ohlc() -> None:
    x, price, size = ticks(3000)
    ring = BarRing(10_000, bar=MINUTE)
    volumes = BarRing(10_000, bar=MINUTE, aggregate="sum")
    for xi, pi, si in zip(x.tolist(), price.tolist(), size.tolist(), strict=True):
        assert ring.append(xi, pi, 0)
        assert volumes.append(xi, si, 0)
    bar_x, (open_, high, low, close) = ring.bars()
    expected = resampled(x, price, size, "1min")
    assert len(bar_x) == len(expected) > 100
    np.testing.assert_array_equal(bar_x, epoch_ms(expected.index))
    np.testing.assert_array_equal(open_, expected["open"].to_numpy())
    np.testing.assert_array_equal(high, expected["high"].to_numpy())
    np.testing.assert_array_equal(low, expected["low"].to_numpy())
    np.testing.assert_array_equal(close, expected["close"].to_numpy())
    vol_x, (volume,) = volumes.bars()
    np.testing.assert_array_equal(vol_x, bar_x)
    np.testing.assert_array_equal(volume, expected["volume"].to_numpy())


def test_the_order_of_ticks_within_a_bar_does_not_matter() -> None:
    # Within the newest bar, a tick earlier than the bar's first opens it, and the tick of
    # greatest x closes it, so shuffled ticks of one bar give the bar of the sorted ones.
    rng = np.random.default_rng(7)
    x = START + np.sort(rng.uniform(0, MINUTE, 50))
    y = rng.normal(100, 1, 50)
    ring = BarRing(10, bar=MINUTE)
    for i in rng.permutation(50).tolist():
        ring.append(float(x[i]), float(y[i]), 0)
    _, (open_, high, low, close) = ring.bars()
    assert (open_[0], high[0], low[0], close[0]) == (y[0], y.max(), y.min(), y[-1])


def test_history_pushed_after_live_ticks_makes_the_bars_of_every_tick() -> None:
    # Ticks of the later half arrive first (live), then the earlier half (history), in chunks
    # and one by one: the bars pandas makes of all of them.
    x, price, size = ticks(3000, seed=3)
    half = len(x) // 2
    ring = BarRing(10_000, bar=MINUTE)
    volumes = BarRing(10_000, bar=MINUTE, aggregate="sum")
    assert ring.extend(x[half:], price[half:]) == 0
    volumes.extend(x[half:], size[half:])
    ring.take_changes()
    assert not ring.rewritten
    assert ring.extend(x[:1000], price[:1000]) == 0
    assert ring.rewritten  # every bar must be sent again
    for xi, pi in zip(x[1000:half].tolist(), price[1000:half].tolist(), strict=True):
        assert ring.append(xi, pi)
    volumes.extend(x[:half][::-1], size[:half][::-1])
    expected = resampled(x, price, size, "1min")
    bar_x, (open_, high, low, close) = ring.bars()
    np.testing.assert_array_equal(bar_x, epoch_ms(expected.index))
    np.testing.assert_array_equal(open_, expected["open"].to_numpy())
    np.testing.assert_array_equal(high, expected["high"].to_numpy())
    np.testing.assert_array_equal(low, expected["low"].to_numpy())
    np.testing.assert_array_equal(close, expected["close"].to_numpy())
    np.testing.assert_allclose(volumes.bars()[1][0], expected["volume"].to_numpy(), rtol=1e-12)


def test_a_late_tick_sends_every_bar_again_as_a_reset() -> None:
    pipeline = Pipeline(ChartSpec(y=("p",), x="t", x_type="time", bar=MINUTE))
    pipeline.feed_records([{"t": START, "p": 5.0}, {"t": START + MINUTE, "p": 1.0}], 0.0)
    first = pipeline.take_batch()
    assert first is not None and first.kind == "batch"
    pipeline.feed_records([{"t": START + 30_000, "p": 9.0}], 0.0)  # the first bar's new close
    batch = pipeline.take_batch()
    assert batch is not None and batch.kind == "reset"
    assert [s[1] for s in batch.segments] == [2, 2, 2, 2]
    assert batch.y.tolist() == [5.0, 1.0, 9.0, 1.0, 5.0, 1.0, 9.0, 1.0]  # open, high, low, close
    assert pipeline.take_batch() is None
    assert "too_old" not in pipeline.error_kinds


def test_a_tick_older_than_a_full_window_keeps_is_refused_and_counted() -> None:
    ring = BarRing(2, bar=MINUTE)
    assert ring.append(START + MINUTE + 5, 1.0, 0)
    assert ring.append(START + 5, 2.0, 1)  # room for one more bar: taken, before the other
    assert ring.append(START + 2 * MINUTE, 3.0, 2)  # the oldest bar goes
    assert not ring.append(START + 6, 4.0, 3)  # older than the oldest of a full ring
    assert ring.extend([START + 7, START + MINUTE + 9], [5.0, 6.0]) == 1
    assert ring.bars()[0].tolist() == [START + MINUTE, START + 2 * MINUTE]
    assert ring.bars()[1][3].tolist() == [6.0, 3.0]  # the later tick closes its bar

    timed = BarRing(100, 2 * MINUTE, bar=MINUTE)
    timed.append(START + 5 * MINUTE, 1.0)
    assert not timed.append(START + 2 * MINUTE, 1.0)  # before the span of the newest
    assert timed.append(START + 3 * MINUTE, 1.0)

    pipeline = Pipeline(ChartSpec(y=("p",), x="t", x_type="time", bar=MINUTE, window=1))
    pipeline.feed_records([{"t": START + MINUTE, "p": 1.0}], 0.0)
    pipeline.feed_records([{"t": START, "p": 3.0}], 0.0)
    assert pipeline.error_kinds["too_old"] == 1
    assert "window=1 bars" in pipeline.last_error


def test_nan_ticks_are_gaps_that_change_no_bar() -> None:
    ring = BarRing(10, bar=MINUTE)
    ring.append(START, math.nan, 0)
    _, (open_, *_rest) = ring.bars()
    assert math.isnan(open_[0])  # a bar of gaps only is a gap
    ring.append(START + 1, 5.0, 1)
    ring.append(START + 2, math.nan, 2)
    _, columns = ring.bars()
    assert [c[0] for c in columns] == [5.0, 5.0, 5.0, 5.0]


def test_the_window_keeps_the_newest_bars() -> None:
    ring = BarRing(3, bar=MINUTE)
    for minute in range(10):
        ring.append(START + minute * MINUTE, float(minute), 0)
    x, (_o, _h, _l, close) = ring.bars()
    np.testing.assert_array_equal(x, START + MINUTE * np.array([7.0, 8.0, 9.0]))
    np.testing.assert_array_equal(close, [7.0, 8.0, 9.0])


def test_a_time_window_keeps_bars_within_the_span_of_the_newest() -> None:
    ring = BarRing(1000, 5 * MINUTE, bar=MINUTE)
    for minute in range(20):
        ring.append(START + minute * MINUTE + 1, 1.0, 0)
    x, _ = ring.bars()
    np.testing.assert_array_equal(x, START + MINUTE * np.arange(14.0, 20.0))
    assert ring.cut == 0


def test_changes_carry_the_newest_bar_again_when_it_changed() -> None:
    ring = BarRing(100, bar=MINUTE)
    ring.append(START, 10.0, 0)
    x, columns, replace = ring.take_changes()
    assert (x.tolist(), [c.tolist() for c in columns], replace) == (
        [START],
        [[10.0], [10.0], [10.0], [10.0]],
        False,
    )
    # A tick in the same bar: the bar again, flagged to replace the one sent.
    ring.append(START + 1000, 12.0, 1)
    x, columns, replace = ring.take_changes()
    assert (x.tolist(), [c.tolist() for c in columns], replace) == (
        [START],
        [[10.0], [12.0], [10.0], [12.0]],
        True,
    )
    # Nothing new: nothing.
    assert ring.take_changes()[0].tolist() == []
    # A tick in the same bar and one in the next: the changed bar (flagged), then the new one.
    ring.append(START + 2000, 9.0, 2)
    ring.append(START + MINUTE, 11.0, 3)
    x, columns, replace = ring.take_changes()
    assert x.tolist() == [START, START + MINUTE]
    assert replace
    assert columns[2].tolist() == [9.0, 11.0]  # the low of each
    # A new bar only: not flagged.
    ring.append(START + 2 * MINUTE, 1.0, 4)
    x, _, replace = ring.take_changes()
    assert (x.tolist(), replace) == ([START + 2 * MINUTE], False)


def candle_pipeline(**spec: object) -> Pipeline:
    options: dict[str, object] = {"y": ("p",), "x": "t", "x_type": "time", "bar": MINUTE}
    options.update(spec)
    return Pipeline(ChartSpec(**options))  # type: ignore[arg-type]


def test_a_candle_chart_sends_each_series_as_four_roles_with_in_place_updates() -> None:
    pipeline = candle_pipeline(group_by="s", volume="v")
    pipeline.feed_records(
        [{"t": START, "p": 10.0, "v": 1.0, "s": "A"}, {"t": START, "p": 20.0, "v": 2.0, "s": "B"}],
        0.0,
    )
    batch = pipeline.take_batch()
    assert batch is not None
    a, a_volume, b, b_volume = 0, 1, 2, 3  # pipeline series: prices before their volumes
    assert batch.series == [
        (bar_id(a, 0), "A", "open"),
        (bar_id(a, 1), "A", "high"),
        (bar_id(a, 2), "A", "low"),
        (bar_id(a, 3), "A", "close"),
        (bar_id(a_volume, 0), "A", "volume"),
        (bar_id(b, 0), "B", "open"),
        (bar_id(b, 1), "B", "high"),
        (bar_id(b, 2), "B", "low"),
        (bar_id(b, 3), "B", "close"),
        (bar_id(b_volume, 0), "B", "volume"),
    ]
    assert [s[1] for s in batch.segments] == [1] * 10
    assert all(len(s) == 2 for s in batch.segments)
    # The same bar of A changes: its five wire series again, flagged; B is quiet.
    pipeline.feed_records([{"t": START + 5, "p": 8.0, "v": 4.0, "s": "A"}], 0.0)
    batch = pipeline.take_batch()
    assert batch is not None
    assert batch.series == []
    assert batch.segments == [(bar_id(a, k), 1, 1) for k in range(4)] + [
        (bar_id(a_volume, 0), 1, 1)
    ]
    assert batch.y.tolist() == [10.0, 10.0, 8.0, 8.0, 5.0]
    assert batch.seq == 2


def test_a_candle_reset_and_snapshot_hold_every_bar_without_flags() -> None:
    pipeline = candle_pipeline()
    x, price, _ = ticks(500)
    pipeline.feed_columns({"t": x, "p": price}, 0.0)
    reset = pipeline.take_reset()
    bars = len(resampled(x, price, np.ones_like(x), "1min"))
    assert reset.segments == [(bar_id(0, k), bars) for k in range(4)]
    snapshot = pipeline.snapshot(20)
    assert snapshot.segments == [(bar_id(0, k), 20) for k in range(4)]
    assert snapshot.series == [
        (bar_id(0, k), "p", role) for k, role in enumerate(("open", "high", "low", "close"))
    ]
    # The newest bars, not a decimation: the last 20 closes.
    assert snapshot.y[-20:].tolist() == reset.y[-20:].tolist()


def test_candle_table_joins_volume_by_bar() -> None:
    pipeline = candle_pipeline(group_by="s", volume="v")
    x, price, size = ticks(800)
    symbols = np.where(np.arange(800) % 3 == 0, "A", "B")
    pipeline.feed_columns({"t": x, "p": price, "v": size, "s": symbols}, 0.0)
    bar_x, families, codes, table = pipeline.bars()
    assert families == ["A", "B"]
    for code, name in enumerate(families):
        mine = symbols == name
        expected = resampled(x[mine], price[mine], size[mine], "1min")
        rows = codes == code
        np.testing.assert_array_equal(bar_x[rows], epoch_ms(expected.index))
        for column in ("open", "high", "low", "close", "volume"):
            np.testing.assert_array_equal(table[column][rows], expected[column].to_numpy())
    assert (np.diff(bar_x) >= 0).all()


def test_alerts_read_prices_not_volumes() -> None:
    # The volume series shares its family's name; a threshold of prices must not read volumes.
    pipeline = candle_pipeline(volume="v")
    pipeline.alerts = Alerts()
    pipeline.alerts.add(Alert(1, "p", above=50.0, below=None))
    pipeline.feed_records([{"t": START, "p": 10.0, "v": 100.0}], 0.0)
    pipeline.feed_records([{"t": START + 1, "p": 60.0, "v": 1.0}], 0.0)
    assert pipeline.alerts.fired == 1


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ({"y": ("p", "q")}, "one field"),
        ({"bar": 0.0}, "positive"),
        ({"bar": None, "volume": "v"}, "bar="),
        ({"volume": "p"}, "already"),
    ],
)
def test_candle_specs_that_cannot_work_are_refused(spec: dict[str, object], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        candle_pipeline(**spec)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("aggregate", ["ohlc", "sum"])
def test_ticks_in_chunks_make_the_bars_of_ticks_one_by_one(seed: int, aggregate: str) -> None:
    # Chunks of any size (the columnar path folds a bar at a time), gaps, repeated x, chunks
    # out of order, ticks for older bars and ticks older than the window: the same bars, the
    # same refusals.
    rng = np.random.default_rng(seed)
    n = 2000
    x = START + np.cumsum(rng.integers(0, 9000, n)).astype(np.float64)
    x[rng.integers(0, n, 40)] -= rng.uniform(0, 5 * MINUTE, 40)  # some late, kept
    x[rng.integers(0, n, 20)] -= rng.uniform(60, 200) * MINUTE  # some with no room left
    y = rng.normal(100, 5, n)
    y[rng.random(n) < 0.05] = math.nan
    chunked = BarRing(50, bar=MINUTE, aggregate=aggregate)  # type: ignore[arg-type]
    single = BarRing(50, bar=MINUTE, aggregate=aggregate)  # type: ignore[arg-type]
    at = 0
    refused = [0, 0]
    while at < n:
        size = int(rng.choice([1, 3, 17, 64, 300]))
        xs, ys = x[at : at + size], y[at : at + size]
        refused[0] += chunked.extend(xs, ys)
        # One by one, in the order a call takes them: by x, ties as given.
        by_x = np.argsort(xs, kind="stable")
        refused[1] += sum(
            not single.append(float(a), float(b)) for a, b in zip(xs[by_x], ys[by_x], strict=True)
        )
        at += size
        assert chunked.newest_x == single.newest_x
    assert refused[0] == refused[1] > 0
    got_x, got = chunked.bars()
    want_x, want = single.bars()
    np.testing.assert_array_equal(got_x, want_x)
    for a, b in zip(got, want, strict=True):
        if aggregate == "sum":  # added in another order: equal to rounding
            np.testing.assert_allclose(a, b, rtol=1e-12)
        else:  # picked, not computed: exactly equal
            np.testing.assert_array_equal(a, b)
    assert (chunked.coalesced, chunked.cut) == (single.coalesced, single.cut)
