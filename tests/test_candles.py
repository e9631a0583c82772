"""Candle charts from Python: `kind="candles"` with `bar=` (and `volume=`) builds bars from ticks,
pushed or streamed from a real WebSocket source, and `chart.data` has one row per bar equal to
pandas' resample of the same ticks. What cannot work is refused by name."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from websockets.asyncio.server import ServerConnection

from livefeed import LiveChart

from .support.servers import FeedServer
from .support.waiting import wait_for

START = pd.Timestamp("2026-11-30 09:30", tz="UTC")


def tick_frame(n: int, symbols: tuple[str, ...] = ("ACME", "BETA"), seed: int = 3) -> pd.DataFrame:
    """`n` ticks of a few symbols over about n/10 minutes, as a notebook user would hold them:
    a DataFrame of numpy values with a datetime column."""
    rng = np.random.default_rng(seed)
    offsets = np.cumsum(rng.integers(0, 12_000, n))
    return pd.DataFrame(
        {
            "time": START + pd.to_timedelta(offsets, unit="ms"),
            "symbol": rng.choice(symbols, n),
            "price": 100 + np.cumsum(rng.normal(0, 0.5, n)),
            "size": rng.integers(1, 500, n),
        }
    )


def expected_bars(ticks: pd.DataFrame, bar: str) -> pd.DataFrame:
    """What pandas makes of the same ticks: one row per non-empty bar and symbol."""
    rows = []
    for symbol, group in ticks.groupby("symbol", sort=False):
        series = group.set_index("time")
        ohlc = series["price"].resample(bar, origin="epoch").ohlc()
        ohlc["volume"] = series["size"].resample(bar, origin="epoch").sum().astype(float)
        ohlc = ohlc.dropna(subset=["open"])
        ohlc["series"] = symbol
        rows.append(ohlc.reset_index(names="x"))
    frame = pd.concat(rows).sort_values(["x"], kind="stable")
    return frame


def as_compared(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["series"] = frame["series"].astype(str)
    frame["x"] = frame["x"].dt.as_unit("us")
    columns = ["x", "series", "open", "high", "low", "close", "volume"]
    return frame[columns].sort_values(["x", "series"], kind="stable").reset_index(drop=True)


def test_pushed_ticks_make_the_bars_pandas_makes(charts: list[LiveChart]) -> None:
    ticks = tick_frame(2000)
    chart = LiveChart(
        None, x="time", y="price", group_by="symbol", kind="candles", bar="1min", volume="size"
    )
    charts.append(chart)
    chart.push(ticks)
    data = chart.data
    assert list(data.columns) == ["x", "series", "open", "high", "low", "close", "volume"]
    assert len(data) > 150
    pd.testing.assert_frame_equal(as_compared(data), as_compared(expected_bars(ticks, "1min")))
    assert chart.stats["points"] == 2 * len(ticks)  # prices and sizes, every tick taken
    assert chart.stats["errors"] == 0
    assert chart.get_state()["_bar_ms"] == 60_000.0
    assert chart.kind == "candles"


def test_ticks_pushed_one_by_one_change_the_last_bar_in_place(charts: list[LiveChart]) -> None:
    ticks = tick_frame(300, symbols=("ACME",))
    chart = LiveChart(None, x="time", y="price", kind="candles", bar=timedelta(seconds=30))
    charts.append(chart)
    for row in ticks.to_dict("records"):  # numpy and pandas scalars, one row at a time
        chart.push(row)
    expected = ticks.set_index("time")["price"].resample("30s", origin="epoch").ohlc().dropna()
    data = chart.data.set_index("x")
    assert len(data) == len(expected)
    np.testing.assert_array_equal(data["close"].to_numpy(), expected["close"].to_numpy())
    np.testing.assert_array_equal(data["high"].to_numpy(), expected["high"].to_numpy())
    assert list(data.columns) == ["series", "open", "high", "low", "close"]  # no volume= given


def test_candles_on_a_number_axis_take_a_numeric_bar(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, x="step", y="loss", kind="candles", bar=10)
    charts.append(chart)
    chart.push({"step": list(range(25)), "loss": [float(25 - i) for i in range(25)]})
    data = chart.data
    assert data["x"].tolist() == [0.0, 10.0, 20.0]
    assert data["open"].tolist() == [25.0, 15.0, 5.0]
    assert data["close"].tolist() == [16.0, 6.0, 1.0]


def test_a_live_feed_of_ticks_makes_bars_and_a_late_tick_joins_its_bar(
    charts: list[LiveChart],
) -> None:
    ticks = tick_frame(400)
    messages = [
        json.dumps(
            {
                "t": row.time.isoformat(),
                "s": row.symbol,
                "p": row.price,
                "q": int(row.size),
            }
        )
        for row in ticks.itertuples()
    ]
    late = json.dumps({"t": START.isoformat(), "s": "ACME", "p": 1.0, "q": 1})

    async def send(connection: ServerConnection) -> None:
        for message in messages[:200]:
            await connection.send(message)
        await connection.send(late)  # long after its bar ended
        for message in messages[200:]:
            await connection.send(message)
        await connection.wait_closed()

    with FeedServer(send) as server:
        chart = LiveChart(
            server.url(), x="t", y="p", group_by="s", kind="candles", bar="1min", volume="q"
        )
        charts.append(chart)
        wait_for(lambda: chart.stats["messages"] == len(messages) + 1, what="every tick")
        stats = chart.stats
        data = chart.data
    # Long after its bar: the late tick still joins it (the first bar's low is its price).
    assert stats["error_kinds"] == {}
    late_tick = pd.DataFrame({"time": [START], "symbol": ["ACME"], "price": [1.0], "size": [1]})
    every = pd.concat([ticks[:200], late_tick, ticks[200:]]).sort_values("time", kind="stable")
    expected = expected_bars(every, "1min")
    assert expected["low"].min() == 1.0
    pd.testing.assert_frame_equal(as_compared(data), as_compared(expected))


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"kind": "candles"}, "needs bar="),
        ({"bar": "1min"}, 'belongs to kind="candles"'),
        ({"volume": "q"}, 'belongs to kind="candles"'),
        ({"kind": "candles", "bar": "1min", "x_type": "number"}, "x_type='number'"),
        ({"kind": "candles", "bar": 5, "x_type": "time"}, "span of time"),
        ({"kind": "candles", "bar": "soon"}, "bar"),
        ({"kind": "candles", "bar": -1}, "positive"),
        ({"kind": "candles", "bar": "1min", "y": ["a", "b"]}, "one field"),
        ({"kind": "candles", "bar": "1min", "series": {"A": {"kind": "line"}}}, "candles"),
    ],
)
def test_candle_options_that_cannot_work_are_refused(kwargs: dict[str, Any], text: str) -> None:
    with pytest.raises((ValueError, TypeError), match=text):
        LiveChart(None, **kwargs)


def test_a_candle_chart_stays_one(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, y="p", kind="candles", bar="1min")
    plain = LiveChart(None)
    charts.extend([chart, plain])
    with pytest.raises(ValueError, match="chosen when the chart is made"):
        chart.kind = "line"
    with pytest.raises(ValueError, match="chosen when the chart is made"):
        plain.kind = "candles"
    with pytest.raises(ValueError, match="candles"):
        chart.style("p", kind="bars")
    chart.style("p", color="#123456")  # other options are taken
    assert chart.series == {"p": {"color": "#123456"}}
