"""Alerts: crossings found in the data path (bytes in, crossings out), and callbacks run by a
chart on their own thread, fed by push() and by a real WebSocket server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.server import ServerConnection

from livefeed import LiveChart
from livefeed._alerting import ALERT_THREAD
from livefeed._core.alerts import MAX_PENDING, Alert, Alerts, Crossing
from livefeed._core.pipeline import ChartSpec, Pipeline
from livefeed._widget import MARKER_PERIOD, MAX_MARKERS

from .support.servers import FeedServer
from .support.waiting import wait_for


def _pipeline(*alerts: Alert, group_by: str | None = None) -> Pipeline:
    pipeline = Pipeline(ChartSpec(y=("v",), x="t", x_type="number", group_by=group_by))
    pipeline.alerts = Alerts()
    for alert in alerts:
        pipeline.alerts.add(alert)
    return pipeline


def _frame(*values: float | None, start: int = 0) -> bytes:
    return json.dumps([{"t": start + i, "v": v} for i, v in enumerate(values)]).encode()


def test_an_alert_fires_on_crossing_not_on_every_point_beyond() -> None:
    pipeline = _pipeline(Alert(1, "v", above=10.0, below=None))
    pipeline.feed(_frame(5, 11, 12, 9, 10, 15, 16), 0.0)
    assert pipeline.alerts is not None
    assert pipeline.alerts.take() == [
        Crossing(1, "v", 1.0, 11.0, "above", 10.0),
        Crossing(1, "v", 5.0, 15.0, "above", 10.0),
    ]
    assert pipeline.alerts.take() == []
    assert pipeline.alerts.fired == 2


def test_the_state_carries_from_one_message_to_the_next() -> None:
    pipeline = _pipeline(Alert(1, "v", above=None, below=0.0))
    for i, value in enumerate([-1, -2, 3, -4]):
        # One record per message: the single-point path.
        pipeline.feed(json.dumps({"t": i, "v": value}).encode(), 0.0)
    assert pipeline.alerts is not None
    assert [(c.x, c.y, c.side) for c in pipeline.alerts.take()] == [
        (0.0, -1.0, "below"),
        (3.0, -4.0, "below"),
    ]


def test_a_band_fires_on_both_sides_and_gaps_neither_fire_nor_rearm() -> None:
    pipeline = _pipeline(Alert(7, "v", above=1.0, below=-1.0))
    pipeline.feed(_frame(0, 2, None, 3, 0, -2, float("nan"), -3), 0.0)
    assert pipeline.alerts is not None
    assert [(c.alert, c.y, c.side) for c in pipeline.alerts.take()] == [
        (7, 2.0, "above"),
        (7, -2.0, "below"),
    ]


def test_alerts_watch_their_own_series_only() -> None:
    pipeline = _pipeline(Alert(1, "b", above=0.0, below=None), group_by="s")
    pipeline.feed(
        b'[{"t": 0, "s": "a", "v": 5}, {"t": 1, "s": "b", "v": -1}, {"t": 2, "s": "b", "v": 1}]',
        0.0,
    )
    assert pipeline.alerts is not None
    assert [(c.series, c.x) for c in pipeline.alerts.take()] == [("b", 2.0)]


def test_columns_fire_like_records() -> None:
    pipeline = _pipeline(Alert(1, "v", above=0.5, below=None))
    pipeline.feed_columns({"t": np.arange(6.0), "v": np.array([0, 1, 0, 1, 0, 1.0])}, 0.0)
    assert pipeline.alerts is not None
    assert [c.x for c in pipeline.alerts.take()] == [1.0, 3.0, 5.0]


def test_history_fires_no_alert() -> None:
    pipeline = _pipeline(Alert(1, "v", above=0.0, below=None))
    pipeline.feed_history([{"t": 0, "v": 1.0}, {"t": 1, "v": 2.0}], 0.0)
    pipeline.feed_history([{"t": 2, "v": 3.0}], 0.0)
    assert pipeline.alerts is not None
    assert pipeline.alerts.take() == []
    assert pipeline.points == 3


def test_pending_crossings_are_bounded_and_what_is_dropped_is_counted() -> None:
    pipeline = _pipeline(Alert(1, "v", above=0.0, below=None))
    values = [1.0, -1.0] * (MAX_PENDING + 10)
    pipeline.feed_columns({"t": np.arange(len(values), dtype=float), "v": np.array(values)}, 0.0)
    alerts = pipeline.alerts
    assert alerts is not None
    taken = alerts.take()
    assert len(taken) == MAX_PENDING == 1000
    assert alerts.dropped == 10
    assert alerts.fired == MAX_PENDING + 10
    assert taken[-1].x == len(values) - 2  # the newest are kept


def test_removing_an_alert_stops_it() -> None:
    alerts = Alerts()
    alerts.add(Alert(1, "v", above=0.0, below=None))
    alerts.add(Alert(2, "v", above=5.0, below=None))
    assert alerts.remove(1)
    assert not alerts.remove(1)
    alerts.check("v", [0.0, 1.0], [1.0, 6.0])
    assert [c.alert for c in alerts.take()] == [2]


# -- the chart ---------------------------------------------------------------------------------


def test_a_callback_runs_on_the_alert_thread_with_the_crossing(charts: list[LiveChart]) -> None:
    seen: list[tuple[dict[str, Any], str]] = []

    def callback(event: dict[str, Any]) -> None:
        seen.append((event, threading.current_thread().name))

    chart = LiveChart(None, x="t", y="price")
    charts.append(chart)
    number = chart.alert("price", above=100, callback=callback)
    assert chart.alerts == [{"id": number, "series": "price", "above": 100.0, "below": None}]
    chart.push({"t": "2026-01-01T00:00:00Z", "price": 99})
    chart.push({"t": "2026-01-01T00:00:01Z", "price": np.float32(101.5)})
    wait_for(lambda: len(seen) == 1, what="the callback")
    event, thread = seen[0]
    assert thread == ALERT_THREAD == "livefeed-alerts"
    assert event == {
        "alert": number,
        "series": "price",
        "x": datetime(2026, 1, 1, 0, 0, 1, tzinfo=timezone.utc),
        "y": 101.5,
        "side": "above",
        "threshold": 100.0,
    }
    wait_for(lambda: len(chart.get_state()["_alerts_fired"]) == 1, what="the marker")
    assert chart.get_state()["_alerts_fired"][0]["y"] == 101.5
    assert chart.stats["alerts"] == 1


def test_a_callback_that_raises_is_counted_and_the_next_still_runs(
    charts: list[LiveChart],
) -> None:
    calls: list[float] = []

    def flaky(event: dict[str, Any]) -> None:
        calls.append(event["y"])
        if len(calls) == 1:
            raise RuntimeError("the pager is down")

    chart = LiveChart(None, x="t", y="v", x_type="number")
    charts.append(chart)
    chart.alert("v", below=0, callback=flaky)
    chart.push([{"t": 0, "v": -1}, {"t": 1, "v": 1}, {"t": 2, "v": -2}])
    wait_for(lambda: len(calls) == 2, what="both callbacks")
    wait_for(lambda: chart.stats["error_kinds"].get("alert_error") == 1, what="the error")
    stats = chart.stats
    assert "RuntimeError: the pager is down" in stats["last_error"]
    assert stats["points"] == 3
    chart.push({"t": 3, "v": 5})
    wait_for(lambda: chart.stats["points"] == 4, what="the feed going on")


def test_alert_arguments_are_checked(charts: list[LiveChart]) -> None:
    chart = LiveChart(None)
    charts.append(chart)
    with pytest.raises(ValueError, match="needs a threshold"):
        chart.alert("value")
    with pytest.raises(ValueError, match="above must be finite"):
        chart.alert("value", above=float("inf"))
    with pytest.raises(TypeError, match="below must be a number"):
        chart.alert("value", below="0")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callable"):
        chart.alert("value", above=1, callback=42)  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="no alert of id 5"):
        chart.remove_alert(5)
    assert chart.alerts == []


def test_markers_keep_the_newest_and_are_sent_at_a_bounded_rate(charts: list[LiveChart]) -> None:
    assert (MAX_MARKERS, MARKER_PERIOD) == (100, 0.25)
    chart = LiveChart(None, x="t", y="v", x_type="number")
    charts.append(chart)
    chart.alert("v", above=0)
    values = [1.0, -1.0] * (MAX_MARKERS + 20)
    chart.push({"t": np.arange(len(values), dtype=float), "v": np.array(values)})
    wait_for(lambda: chart.stats["alerts"] == MAX_MARKERS + 20, what="the crossings")
    wait_for(
        lambda: (
            len(chart.get_state()["_alerts_fired"]) == MAX_MARKERS
            and chart.get_state()["_alerts_fired"][-1]["x"] == len(values) - 2
        ),
        what="the newest markers",
    )
    assert chart.get_state()["_alerts_fired"][0]["x"] == 40.0


def test_a_removed_alert_fires_no_more(charts: list[LiveChart]) -> None:
    fired: list[float] = []
    chart = LiveChart(None, x="t", y="v", x_type="number")
    charts.append(chart)
    number = chart.alert("v", above=0, callback=lambda e: fired.append(e["x"]))
    chart.push([{"t": 0, "v": 1}])
    wait_for(lambda: fired == [0.0], what="the first crossing")
    chart.remove_alert(number)
    chart.push([{"t": 1, "v": -1}, {"t": 2, "v": 1}])
    wait_for(lambda: chart.stats["points"] == 3, what="the points")
    assert chart.stats["alerts"] == 1
    assert chart.alerts == []


def test_a_feed_with_one_crossing_among_good_messages_calls_back_once(
    charts: list[LiveChart],
) -> None:
    async def handler(connection: ServerConnection) -> None:
        await connection.recv()  # sent once the alert is made, so it sees every point
        for i in range(20):
            value = 250.0 if i == 12 else 20.0 + i % 3
            await connection.send(json.dumps({"i": i, "temp": value}))
        await connection.send("not json at all")
        await connection.wait_closed()

    fired: list[dict[str, Any]] = []
    with FeedServer(handler) as server:
        chart = LiveChart(server.url(), x="i", y="temp", x_type="number")
        charts.append(chart)
        chart.alert("temp", above=100, callback=fired.append)
        wait_for(lambda: chart.status == "live", what="the connection")
        assert chart.feed is not None
        chart.feed.send({"op": "go"})
        wait_for(lambda: chart.stats["messages"] == 21, what="every message")
        wait_for(lambda: len(fired) == 1, what="the callback")
        assert (fired[0]["x"], fired[0]["y"]) == (12.0, 250.0)
        assert chart.stats["errors"] == 1
        assert chart.status == "live"
