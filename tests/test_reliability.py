"""Connections that fail and servers that misbehave, against real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gc
import json
import ssl
import threading
from pathlib import Path

import psutil
import pytest
import trustme
from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from livefeed import LiveChart
from livefeed._runtime import get_runtime
from livefeed._sources.websocket import Backoff

from .support.feeds import stream_forever
from .support.servers import FeedServer, SilentServer
from .support.waiting import wait_for

FAST = {"backoff": 0.02, "max_backoff": 0.05}


def drop_first_connection(how: int | str) -> tuple[FeedServer, list[str | bytes]]:
    """A server whose first connection sends one point then ends `how`; later ones stay up."""
    subscriptions: list[str | bytes] = []
    seen = 0

    async def handler(connection: ServerConnection) -> None:
        nonlocal seen
        seen += 1
        subscriptions.append(await connection.recv())
        await connection.send(json.dumps({"value": seen}))
        if seen == 1:
            if how == "reset":
                connection.transport.abort()  # TCP reset: no close frame at all (1006)
            else:
                assert isinstance(how, int)
                await connection.close(code=how, reason="going")
            return
        await connection.wait_closed()

    return FeedServer(handler), subscriptions


@pytest.mark.parametrize("how", ["reset", 1001, 1011, 1012, 1013])
def test_abnormal_close_reconnects_and_subscribes_again(
    charts: list[LiveChart], how: int | str
) -> None:
    server, subscriptions = drop_first_connection(how)
    with server:
        chart = LiveChart(server.url(), subscribe="hello", **FAST)
        charts.append(chart)
        wait_for(lambda: chart.stats["points"] == 2, what="a point from each connection")
        wait_for(lambda: chart.status == "live")
        stats = chart.stats
    assert subscriptions == ["hello", "hello"]
    assert stats["reconnects"] == 1
    assert chart.data["value"].tolist() == [1, 2]
    assert stats["error_kinds"]["connection"] == 1
    expected = "1006" if how == "reset" else str(how)
    assert expected in stats["last_error"]


def test_normal_close_reconnects_when_always_asked(charts: list[LiveChart]) -> None:
    server, _ = drop_first_connection(1000)
    with server:
        chart = LiveChart(server.url(), subscribe="hi", reconnect="always", **FAST)
        charts.append(chart)
        wait_for(lambda: chart.stats["points"] == 2)
        assert chart.stats["reconnects"] == 1
        assert chart.stats["errors"] == 0  # a normal close is no error


def test_reconnect_false_stops_after_a_drop(charts: list[LiveChart]) -> None:
    server, _ = drop_first_connection(1011)
    with server:
        chart = LiveChart(server.url(), subscribe="hi", reconnect=False, **FAST)
        charts.append(chart)
        wait_for(lambda: chart.status == "error")
        assert server.connections == 1
    assert chart.stats["reconnects"] == 0
    assert "1011" in chart.stats["last_error"]


def test_server_errors_5xx_are_retried(charts: list[LiveChart]) -> None:
    attempts = 0

    def unavailable_twice(connection: ServerConnection, request: Request) -> Response | None:
        nonlocal attempts
        attempts += 1
        return connection.respond(503, "busy\n") if attempts <= 2 else None

    async def one_point(connection: ServerConnection) -> None:
        await connection.send('{"value": 1}')
        await connection.wait_closed()

    with FeedServer(one_point, process_request=unavailable_twice) as server:
        chart = LiveChart(server.url(), **FAST)
        charts.append(chart)
        wait_for(lambda: chart.stats["points"] == 1)
        assert chart.status == "live"
        stats = chart.stats
    assert attempts == 3
    assert stats["reconnects"] == 2
    assert "HTTP 503" in stats["last_error"]


def test_a_server_that_stops_answering_pings_is_left_and_retried(charts: list[LiveChart]) -> None:
    with SilentServer() as server:
        chart = LiveChart(server.url(), ping_interval=0.1, ping_timeout=0.1, **FAST)
        charts.append(chart)
        # One point per connection, each sent before the server went mute; the second connection
        # is counted by the server before its point reaches the chart, so wait for the point.
        wait_for(lambda: chart.stats["points"] >= 2, what="a point from a second connection")
        wait_for(lambda: chart.stats["reconnects"] >= 1)
        stats = chart.stats
    assert server.connections >= 2
    assert "1011" in stats["last_error"] or "keepalive" in stats["last_error"]


def test_too_large_message_names_the_limit_and_reconnects(charts: list[LiveChart]) -> None:
    seen = 0

    async def handler(connection: ServerConnection) -> None:
        nonlocal seen
        seen += 1
        if seen == 1:
            await connection.send(json.dumps({"value": 1, "pad": "x" * 5000}))
        await connection.send('{"value": 2}')
        await connection.wait_closed()

    with FeedServer(handler) as server:
        chart = LiveChart(server.url(), max_size=1000, **FAST)
        charts.append(chart)
        wait_for(lambda: chart.stats["points"] == 1, what="the small message after reconnecting")
        stats = chart.stats
    assert stats["error_kinds"]["too_large"] == 1
    assert "max_size=1000" in stats["last_error"] or "max_size=1000" in str(stats)
    assert stats["reconnects"] == 1


def test_too_large_error_text_is_kept_as_last_error(charts: list[LiveChart]) -> None:
    async def big(connection: ServerConnection) -> None:
        await connection.send("x" * 2000)
        await connection.wait_closed()

    with FeedServer(big) as server:
        chart = LiveChart(server.url(), max_size=1000, reconnect=False)
        charts.append(chart)
        wait_for(lambda: chart.status == "error")
    assert chart.stats["last_error"] == (
        "a message was larger than max_size=1000 bytes; "
        "pass a larger max_size= to LiveChart to accept it"
    )


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path, ssl.SSLContext]:
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path_factory.mktemp("tls") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return ca, ca_file, server_context


async def one_value(connection: ServerConnection) -> None:
    await connection.send('{"value": 5}')
    await connection.wait_closed()


def test_self_signed_server_is_refused_by_default(
    charts: list[LiveChart], tls_files: tuple[trustme.CA, Path, ssl.SSLContext]
) -> None:
    _, _, server_context = tls_files
    with FeedServer(one_value, ssl=server_context) as server:
        chart = LiveChart(server.url().replace("ws://", "wss://"), **FAST)
        charts.append(chart)
        wait_for(lambda: chart.status == "error" and chart.stats["errors"] > 0)
    assert "certificate not trusted" in chart.stats["last_error"]
    assert chart.stats["points"] == 0


def test_self_signed_server_is_accepted_with_its_ca(
    charts: list[LiveChart], tls_files: tuple[trustme.CA, Path, ssl.SSLContext]
) -> None:
    _, ca_file, server_context = tls_files
    with FeedServer(one_value, ssl=server_context) as server:
        chart = LiveChart(server.url().replace("ws://", "wss://"), ssl=ca_file)
        charts.append(chart)
        wait_for(lambda: chart.stats["points"] == 1)
        assert chart.status == "live"


def test_fast_feed_stays_bounded_and_loses_nothing_inside_the_window(
    charts: list[LiveChart],
) -> None:
    total = 50_000

    async def flood(connection: ServerConnection) -> None:
        for start in range(0, total, 100):
            await connection.send(
                json.dumps([{"i": i, "value": i} for i in range(start, start + 100)])
            )
        await connection.wait_closed()

    with FeedServer(flood) as server:
        chart = LiveChart(server.url(), x="i", window=1000)
        charts.append(chart)
        wait_for(lambda: chart.stats["points"] == total)
        data = chart.data
        stats = chart.stats
    assert data["value"].tolist() == list(range(total - 1000, total))
    assert stats["points"] == total and stats["errors"] == 0


def _connections_of_this_process() -> int:
    return sum(
        1
        for c in psutil.Process().net_connections(kind="tcp")
        if c.status == psutil.CONN_ESTABLISHED
    )


def test_hundred_charts_leave_no_socket_task_or_thread(charts: list[LiveChart]) -> None:
    runtime = get_runtime()
    threads_before = set(threading.enumerate())
    with FeedServer(stream_forever) as server:
        sockets_before = _connections_of_this_process()
        made = [LiveChart(server.url()) for _ in range(100)]
        wait_for(lambda: all(c.stats["points"] > 0 for c in made), timeout=60)
        assert _connections_of_this_process() >= sockets_before + 200  # both ends, in-process
        for chart in made:
            chart.close()
        assert all(c.status == "closed" for c in made)
        wait_for(lambda: server.close_codes.count(1000) == 100, what="100 close frames")
        wait_for(lambda: _connections_of_this_process() <= sockets_before, what="sockets closed")

        def tasks() -> set[asyncio.Task[object]]:
            async def list_tasks() -> set[asyncio.Task[object]]:
                return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}

            return runtime.submit(list_tasks()).result(10)

        wait_for(lambda: {t.get_name() for t in tasks()} == {"livefeed-pump"}, what="tasks end")
    assert set(threading.enumerate()) - threads_before <= {runtime.thread}


def test_garbage_collected_chart_releases_its_connection() -> None:
    with FeedServer(one_value) as server:
        chart = LiveChart(server.url())
        feed = chart._data
        wait_for(lambda: feed.stats()["points"] == 1)
        chart._close_widget()  # what ipywidgets' close does; the chart is then unreferenced
        del chart
        gc.collect()
        wait_for(lambda: len(server.close_codes) == 1, what="the connection to close")


def test_backoff_doubles_with_jitter_up_to_the_cap_and_resets() -> None:
    backoff = Backoff(0.5, 4.0)
    delays = [backoff.next_delay() for _ in range(6)]
    ceilings = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    backoff.reset()
    assert 0.25 <= backoff.next_delay() <= 0.5
