"""LiveChart against real WebSocket servers on 127.0.0.1."""

from __future__ import annotations

import json
import ssl
import time
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
import traitlets
from ipywidgets import Widget
from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from livefeed import LiveChart
from livefeed._redact import public_url as public_source

from .support.servers import FeedServer
from .support.waiting import wait_for


def test_every_message_arrives_in_order(charts: list[LiveChart]) -> None:
    total = 100_000

    async def send_all(connection: ServerConnection) -> None:
        for i in range(total):
            await connection.send(json.dumps({"ts": i, "v": i * 0.5}))
        await connection.wait_closed()

    with FeedServer(send_all) as server:
        chart = LiveChart(server.url(), x="ts", y="v", window=total)
        charts.append(chart)
        wait_for(lambda: chart.stats["points"] == total, timeout=120, what="all points")
        data = chart.data
        stats = chart.stats
    assert len(data) == total
    assert np.array_equal(data["x"].to_numpy(), np.arange(total, dtype=np.float64))
    assert np.array_equal(data["value"].to_numpy(), np.arange(total) * 0.5)
    assert set(data["series"]) == {"v"}
    assert (stats["messages"], stats["errors"]) == (total, 0)


def test_ticker_with_groups_and_time_axis(charts: list[LiveChart]) -> None:
    rows = [
        {"ts": 1_764_000_000_000 + i, "data": {"p": f"{100 + i}.50"}, "symbol": "AB"[i % 2]}
        for i in range(10)
    ]

    async def send(connection: ServerConnection) -> None:
        await connection.send(json.dumps(rows[:4]))  # an array of objects
        await connection.send("\n".join(json.dumps(r) for r in rows[4:]))  # NDJSON
        await connection.wait_closed()

    with FeedServer(send) as server:
        chart = LiveChart(server.url(), x="ts", y="data.p", group_by="symbol")
        charts.append(chart)
        wait_for(lambda: chart.stats["points"] == 10)
    data = chart.data
    assert list(data["series"]) == ["A", "B"] * 5
    assert data["value"].tolist() == [100.5 + i for i in range(10)]
    assert data["x"].iloc[0] == pd.Timestamp(1_764_000_000_000, unit="ms", tz="UTC")
    wait_for(lambda: chart.x_kind == "time", what="time axis synced")


def test_bad_messages_are_counted_and_the_stream_goes_on(charts: list[LiveChart]) -> None:
    async def send(connection: ServerConnection) -> None:
        await connection.send('{"t": 1, "v": 1}')
        await connection.send("garbage{")
        await connection.send('{"t": 2}')
        await connection.send('{"t": 3, "v": "abc"}')
        await connection.send('{"t": 4, "v": null}')
        await connection.send('{"t": 5, "v": NaN}')
        await connection.send('{"t": 6, "v": -Infinity}')
        await connection.send(b"\x00\xff")
        await connection.send('{"t": 7, "v": 7}')
        await connection.wait_closed()

    with FeedServer(send) as server:
        chart = LiveChart(server.url(), x="t", y="v")
        charts.append(chart)
        wait_for(lambda: chart.stats["messages"] == 9)
        stats = chart.stats
        assert chart.status == "live"
    assert stats["error_kinds"] == {
        "not_json": 1,
        "missing_field": 1,
        "not_a_number": 1,
        "null_value": 1,
        "non_finite": 2,
        "binary_frame": 1,
    }
    assert stats["errors"] == 7
    assert "2 bytes" in stats["last_error"]
    # Nulls and non-finite values stay as gaps (NaN); the unusable messages leave nothing.
    data = chart.data
    assert data["x"].tolist() == [1, 4, 5, 6, 7]
    assert data["value"].isna().tolist() == [False, True, True, True, False]


def test_subscribe_and_headers_reach_the_server_but_not_the_browser(
    charts: list[LiveChart],
) -> None:
    got: list[str | bytes] = []

    async def echo_subscription(connection: ServerConnection) -> None:
        got.append(await connection.recv())
        await connection.send('{"v": 1}')
        await connection.wait_closed()

    with FeedServer(echo_subscription) as server:
        secret = "s3cret-token"
        url = server.url("/feed") + f"?key={secret}"
        chart = LiveChart(
            url,
            y="v",
            subscribe={"subscribe": ["ACME"]},
            headers={"Authorization": f"Bearer {secret}"},
        )
        charts.append(chart)
        wait_for(lambda: chart.stats["points"] == 1)
        assert server.request_headers[0]["authorization"] == f"Bearer {secret}"
        assert chart.source == f"ws://127.0.0.1:{server.port}/feed"
    assert json.loads(got[0]) == {"subscribe": ["ACME"]}
    state = json.dumps(chart.get_state(), default=repr)
    assert secret not in state


def test_source_shown_in_the_page_has_no_credentials() -> None:
    assert (
        public_source("wss://me:pw@example.com:9443/a/b?token=x#f") == "wss://example.com:9443/a/b"
    )
    assert public_source("ws://[::1]/x") == "ws://[::1]/x"


def test_unreachable_url_is_an_error_that_is_retried(charts: list[LiveChart]) -> None:
    with FeedServer(lambda connection: connection.wait_closed()) as server:
        url = server.url()
    # The server is gone: its port now refuses connections.
    chart = LiveChart(url, backoff=0.05, max_backoff=0.1)
    charts.append(chart)
    wait_for(lambda: chart.stats["reconnects"] >= 2, what="retries")
    # Between two attempts the status is "error"; during one it is "reconnecting", and with a
    # 50 ms backoff either may be the one read at a given moment.
    wait_for(lambda: chart.status == "error", what="the error status between attempts")
    assert "cannot connect" in chart.stats["last_error"]
    assert chart.stats["error_kinds"]["connection"] >= 2


def test_refused_handshake_names_the_status_and_stops(charts: list[LiveChart]) -> None:
    def refuse(connection: ServerConnection, request: Request) -> Response:
        return connection.respond(401, "no token\n")

    with FeedServer(lambda connection: connection.wait_closed(), process_request=refuse) as server:
        chart = LiveChart(server.url(), backoff=0.01)
        charts.append(chart)
        wait_for(lambda: chart.status == "error", what="error status")
        assert "HTTP 401" in chart.stats["last_error"]
        assert chart.stats["reconnects"] == 0
        assert server.connections == 0


def test_normal_close_ends_the_stream(charts: list[LiveChart]) -> None:
    async def one_then_close(connection: ServerConnection) -> None:
        await connection.send('{"value": 1}')
        await connection.close()

    with FeedServer(one_then_close) as server:
        chart = LiveChart(server.url())
        charts.append(chart)
        wait_for(lambda: chart.status == "closed", what="closed status")
    assert chart.stats["points"] == 1
    assert chart.stats["reconnects"] == 0


def test_stop_sends_a_close_frame_and_keeps_the_data(charts: list[LiveChart]) -> None:
    async def one_then_wait(connection: ServerConnection) -> None:
        await connection.send('{"value": 7}')
        await connection.wait_closed()

    with FeedServer(one_then_wait) as server:
        chart = LiveChart(server.url())
        charts.append(chart)
        wait_for(lambda: chart.stats["points"] == 1)
        chart.stop()
        assert chart.status == "closed"
        wait_for(lambda: server.close_codes == [1000], what="close frame")
    assert chart.data["value"].tolist() == [7]
    assert chart.comm is not None  # the widget lives on: its views keep the picture


def test_close_ends_the_chart_like_any_widget(charts: list[LiveChart]) -> None:
    async def stream(connection: ServerConnection) -> None:
        await connection.send('{"value": 7}')
        await connection.wait_closed()

    with FeedServer(stream) as server:
        closed = LiveChart(server.url())
        by_close_all = LiveChart(server.url())
        charts.extend([closed, by_close_all])
        wait_for(lambda: closed.stats["points"] == 1 and by_close_all.stats["points"] == 1)
        closed.close()
        assert closed.comm is None and closed.status == "closed"
        wait_for(lambda: server.close_codes == [1000], what="a close frame")
        # What ipywidgets does to every widget: livefeed charts end with their feed.
        Widget.close_all()
        assert by_close_all.comm is None and by_close_all.status == "closed"
        wait_for(lambda: server.close_codes == [1000, 1000], what="a second close frame")
    with pytest.raises(RuntimeError, match="stopped chart"):
        closed.push({"value": 8})


def test_push_takes_dicts_lists_and_frames(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, x="when", y=["a", "b"])
    charts.append(chart)
    chart.push({"when": "2025-11-24T16:00:00Z", "a": 1, "b": 2})
    chart.push([{"when": "2025-11-24T16:00:01Z", "a": 3, "b": 4}])
    frame = pd.DataFrame({"when": pd.to_datetime(["2025-11-24T16:00:02Z"]), "a": [5.0], "b": [6.0]})
    chart.push(frame)
    data = chart.data
    assert data["value"].tolist() == [1, 2, 3, 4, 5, 6]
    assert data["series"].tolist() == ["a", "b"] * 3
    assert data["x"].iloc[-1] == pd.Timestamp("2025-11-24T16:00:02Z")
    assert chart.status == "live"
    with pytest.raises(TypeError):
        chart.push(42)  # type: ignore[arg-type]


def test_window_cannot_change_after_the_chart_is_made(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, window=50)
    charts.append(chart)
    with pytest.raises(traitlets.TraitError, match="window is fixed"):
        chart.window = 100
    assert chart.window == 50


def test_window_bounds_what_python_keeps(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, x="i", y="v", window=100)
    charts.append(chart)
    for start in range(0, 10_000, 1000):
        chart.push([{"i": i, "v": i} for i in range(start, start + 1000)])
    assert chart.data["value"].tolist() == list(range(9900, 10_000))
    assert chart.stats["points"] == 10_000


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"colour": "red"}, TypeError, "valid ones are: url, backoff"),
        ({"url": "http://example.invalid/feed"}, ValueError, "ws://, wss://, nats:// or redis://"),
        ({"window": 0}, ValueError, "window"),
        ({"x_type": "date"}, ValueError, "x_type"),
        ({"reconnect": "sometimes"}, ValueError, "reconnect"),
        ({"reconnect": 1}, ValueError, "reconnect"),
        ({"url": "ws://h/", "ssl": "ca.pem"}, ValueError, "wss://"),
        ({"url": "ws://h/", "ssl": ssl.create_default_context()}, ValueError, "wss://"),
        ({"ssl": ssl.create_default_context()}, ValueError, "wss://"),
        ({"url": "wss://h/", "ssl": 42}, TypeError, "SSLContext or a CA file"),
        ({"url": 42}, TypeError, "URL, a Feed, or None"),
        ({"backoff": 0}, ValueError, "backoff must be a positive number"),
        ({"backoff": float("nan")}, ValueError, "backoff"),
        ({"backoff": 5, "max_backoff": 1}, ValueError, "at least backoff"),
        ({"ping_interval": -1}, ValueError, "ping_interval"),
        ({"ping_timeout": "20"}, ValueError, "ping_timeout"),
        ({"open_timeout": 0}, ValueError, "open_timeout"),
        ({"max_size": 0}, ValueError, "max_size"),
        ({"max_size": 1.5}, ValueError, "max_size"),
        ({"height": 0}, ValueError, "height"),
    ],
)
def test_arguments_are_checked(kwargs: dict[str, Any], error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        LiveChart(**kwargs)


def test_push_after_stop_says_why(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, y="v")
    charts.append(chart)
    chart.push({"v": 1})
    chart.stop()
    with pytest.raises(RuntimeError, match=r"stop\(\) or close\(\) ended its feed"):
        chart.push({"v": 2})
    assert chart.stats["points"] == 1


def test_unknown_path_refusal_is_not_retried_in_a_storm(charts: list[LiveChart]) -> None:
    def refuse(connection: ServerConnection, request: Request) -> Response:
        return Response(403, "Forbidden", Headers(), b"")

    with FeedServer(lambda connection: connection.wait_closed(), process_request=refuse) as server:
        chart = LiveChart(server.url(), backoff=0.01)
        charts.append(chart)
        wait_for(lambda: chart.status == "error")
        time.sleep(0.3)  # would be many attempts if it retried
    assert chart.stats["error_kinds"] == {"connection": 1}


def test_a_time_window_keeps_the_last_span_of_each_series(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, x="t", y="v", group_by="g", window=timedelta(seconds=5))
    charts.append(chart)
    base = 1_764_000_000_000
    chart.push(
        {
            "t": [base + dt for dt in (0, 1000, 7000, 12_000, 2000)],
            "v": [1, 2, 3, 4, 5],
            "g": ["a", "a", "a", "a", "b"],
        }
    )
    data = chart.data
    kept = {g: (data[data["series"] == g]["value"]).tolist() for g in ("a", "b")}
    assert kept == {"a": [3.0, 4.0], "b": [5.0]}  # each series by its own newest time
    assert chart.window_span_ms == 5000.0 and chart.window == 100_000
    assert chart.stats["cut"] == 0


def test_max_points_bounds_a_time_window_and_counts_what_it_cuts(charts: list[LiveChart]) -> None:
    chart = LiveChart(None, x="t", y="v", window="1min", max_points=3)
    charts.append(chart)
    chart.push([{"t": 1_764_000_000_000 + i * 1000, "v": i} for i in range(10)])
    assert chart.data["value"].tolist() == [7.0, 8.0, 9.0]
    assert chart.stats["cut"] == 7


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"window": "5s", "x_type": "number"}, ValueError, "time window needs a time axis"),
        ({"window": 100, "max_points": 10}, ValueError, "max_points"),
        ({"window": "soon"}, ValueError, "window"),
    ],
)
def test_time_window_arguments_are_checked(
    kwargs: dict[str, Any], error: type[Exception], text: str
) -> None:
    with pytest.raises(error, match=text):
        LiveChart(None, x="t", y="v", **kwargs)
