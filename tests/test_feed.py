"""`Feed`: one connection shared by several charts, transforms, subscriptions changed live and
history on every connect, against real WebSocket servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gc
import json
from typing import Any

import pandas as pd
import pytest
from websockets.asyncio.server import ServerConnection

from livefeed import Feed, LiveChart
from livefeed._feed import RECENT_RECORDS

from .support.feeds import Gate
from .support.servers import FeedServer
from .support.waiting import wait_for

FAST = {"backoff": 0.02, "max_backoff": 0.05}


def rows(n: int) -> list[dict[str, Any]]:
    return [{"t": i, "a": i * 10.0, "b": -i, "sym": "X" if i % 2 else "Y"} for i in range(n)]


def rows_server(gate: Gate | None = None) -> FeedServer:
    async def handler(connection: ServerConnection) -> None:
        if gate is not None:
            await gate.passed()
        for row in rows(20):
            await connection.send(json.dumps(row))
        await connection.wait_closed()

    return FeedServer(handler)


def test_three_charts_on_one_feed_share_one_connection(
    feeds: list[Feed], charts: list[LiveChart]
) -> None:
    gate = Gate()
    with rows_server(gate) as server:
        feed = Feed(server.url())
        feeds.append(feed)
        a = LiveChart(feed, x="t", y="a", x_type="number")
        b = LiveChart(feed, x="t", y="b", x_type="number")
        grouped = LiveChart(feed, x="t", y="a", group_by="sym", x_type="number")
        charts.extend([a, b, grouped])
        gate.open()
        wait_for(lambda: all(c.stats["points"] == 20 for c in (a, b, grouped)), what="points")
        assert server.connections == 1
        assert feed.stats["messages"] == 20 and feed.stats["charts"] == 3
        assert a.data["value"].tolist() == [i * 10.0 for i in range(20)]
        assert b.data["value"].tolist() == [-float(i) for i in range(20)]
        assert set(grouped.data["series"]) == {"X", "Y"}
        assert a.feed is feed and a.source == feed.url


def test_closing_a_chart_leaves_a_shared_feed_open(
    feeds: list[Feed], charts: list[LiveChart]
) -> None:
    gate = Gate()
    with rows_server(gate) as server:
        feed = Feed(server.url())
        feeds.append(feed)
        first = LiveChart(feed, x="t", y="a")
        second = LiveChart(feed, x="t", y="b")
        charts.append(second)
        gate.open()
        wait_for(lambda: second.stats["points"] == 20, what="points")
        first.close()
        assert feed.status == "live" and feed.stats["charts"] == 1
        assert server.open_now == 1
        feed.close()
        wait_for(lambda: server.open_now == 0, what="the feed's close")
        assert server.close_codes == [1000]
        assert feed.status == "closed" and second.status == "closed"
        with pytest.raises(ValueError, match="closed"):
            LiveChart(feed, y="a")


def test_a_chart_of_its_own_url_closes_its_feed_with_it(charts: list[LiveChart]) -> None:
    with rows_server() as server:
        chart = LiveChart(server.url(), x="t", y="a")
        wait_for(lambda: chart.stats["points"] == 20, what="points")
        own = chart.feed
        assert own is not None and own.status == "live"
        chart.stop()
        assert own.closed
        wait_for(lambda: server.open_now == 0, what="the close")


def test_a_collected_chart_stops_taking_records_from_a_shared_feed(feeds: list[Feed]) -> None:
    gate = Gate()
    with rows_server(gate) as server:
        feed = Feed(server.url())
        feeds.append(feed)
        chart = LiveChart(feed, x="t", y="a")
        gate.open()
        wait_for(lambda c=chart: c.stats["points"] == 20, what="points")
        chart.close()  # a closed widget leaves ipywidgets' registry: nothing holds it then
        del chart
        gc.collect()
        assert feed.stats["charts"] == 0
        assert feed.status == "live"


def test_connection_options_belong_to_the_feed(feeds: list[Feed]) -> None:
    feed = Feed("ws://127.0.0.1:9/", reconnect=False)
    feeds.append(feed)
    with pytest.raises(TypeError, match="subscribe, decode: connection options belong"):
        LiveChart(feed, subscribe="hi", decode="ndjson")
    with pytest.raises(TypeError, match="need a URL"):
        LiveChart(None, transform=lambda r: r)
    with pytest.raises(TypeError, match="transform= takes a function"):
        Feed("ws://127.0.0.1:9/", transform="upper")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ws://, wss://, nats:// or redis://"):
        Feed("http://user:secret@example.com/")


WRAPPED = [
    {"op": "subscribed", "channel": "trades"},
    {"data": [{"s": "BTC", "p": "101.5", "q": 2}, {"s": "ETH", "p": "9.5", "q": 1}], "ts": 1},
    {"op": "heartbeat"},
    {"data": [{"s": "BTC", "p": "102.5", "q": 4}], "ts": 2},
]


def unwrap_btc(record: dict[str, Any]) -> list[dict[str, Any]] | None:
    if "data" not in record:
        return None  # control messages: dropped quietly
    return [
        {"ts": record["ts"], "notional": float(trade["p"]) * trade["q"]}
        for trade in record["data"]
        if trade["s"] == "BTC"
    ]


async def send_wrapped(connection: ServerConnection) -> None:
    for message in WRAPPED:
        await connection.send(json.dumps(message))
    await connection.wait_closed()


def test_a_transform_unwraps_filters_and_drops_control_messages(charts: list[LiveChart]) -> None:
    with FeedServer(send_wrapped) as server:
        chart = LiveChart(server.url(), x="ts", y="notional", x_type="number", transform=unwrap_btc)
        charts.append(chart)
        wait_for(lambda: chart.stats["messages"] == len(WRAPPED), what="every message")
        assert chart.data["value"].tolist() == [203.0, 410.0]
        assert chart.stats["errors"] == 0
        assert chart.feed is not None and chart.feed.stats["records"] == 2


def test_what_a_transform_raises_is_counted_and_the_feed_goes_on(
    charts: list[LiveChart],
) -> None:
    def picky(record: dict[str, Any]) -> dict[str, Any]:
        if record["t"] == 3:
            raise KeyError("no such symbol")
        return record

    with rows_server() as server:
        chart = LiveChart(server.url(), x="t", y="a", transform=picky)
        charts.append(chart)
        wait_for(lambda: chart.stats["messages"] == 20, what="every message")
        assert chart.stats["points"] == 19
        assert chart.stats["error_kinds"] == {"transform_error": 1}
        assert "KeyError" in chart.stats["last_error"]
        assert "no such symbol" in chart.stats["last_error"]
        assert chart.feed is not None
        assert chart.feed.stats["error_kinds"] == {"transform_error": 1}
        assert chart.status == "live"


def subscription_server() -> tuple[FeedServer, list[list[str]]]:
    """Each connection answers every text it receives with a point naming that text's index;
    what each connection received is kept, one list per connection."""
    received: list[list[str]] = []

    async def handler(connection: ServerConnection) -> None:
        mine: list[str] = []
        received.append(mine)
        async for message in connection:
            assert isinstance(message, str)
            mine.append(message)
            await connection.send(json.dumps({"value": len(mine)}))

    return FeedServer(handler), received


def test_a_subscription_changed_live_is_sent_now_and_on_every_connect(
    feeds: list[Feed], charts: list[LiveChart]
) -> None:
    server, received = subscription_server()
    with server:
        feed = Feed(server.url(), subscribe={"subscribe": ["A"]}, reconnect="always", **FAST)
        feeds.append(feed)
        chart = LiveChart(feed)
        charts.append(chart)
        wait_for(lambda: received and received[0] == ['{"subscribe": ["A"]}'], what="subscribe")
        feed.subscribe = {"subscribe": ["B"]}
        wait_for(lambda: len(received[0]) == 2, what="the new subscription")
        assert received[0][1] == '{"subscribe": ["B"]}'
        assert feed.subscribe == '{"subscribe": ["B"]}'
        feed.send("ping")
        wait_for(lambda: len(received[0]) == 3, what="the message sent")
        assert received[0][2] == "ping"
        wait_for(lambda: chart.stats["points"] == 3, what="three answers")


def test_send_on_a_feed_that_is_not_connected_raises(feeds: list[Feed]) -> None:
    feed = Feed("ws://127.0.0.1:9/", reconnect=False)
    feeds.append(feed)
    with pytest.raises(RuntimeError, match="not connected"):
        feed.send({"op": "ping"})


def history_server(live: list[int]) -> tuple[FeedServer, list[int]]:
    """Sends the x values in `live`, one per connection (the first connection's, then the
    second's...) and closes with 1011 after the first, so that the client reconnects."""
    connections: list[int] = []

    async def handler(connection: ServerConnection) -> None:
        connections.append(len(connections) + 1)
        await connection.send(json.dumps({"t": live[len(connections) - 1], "v": 1.0}))
        if len(connections) == 1:
            await asyncio.sleep(0.05)
            await connection.close(code=1011, reason="going")
            return
        await connection.wait_closed()

    return FeedServer(handler), connections


def test_history_runs_on_every_connect_and_merges_without_repeats(
    feeds: list[Feed], charts: list[LiveChart]
) -> None:
    calls: list[int] = []

    def history() -> pd.DataFrame:
        calls.append(1)
        # The first connect gets 0..4; the one after the drop also 5..9, covering the gap.
        upto = 5 if len(calls) == 1 else 10
        return pd.DataFrame({"t": range(upto), "v": [0.0] * upto})

    server, connections = history_server(live=[5, 10])
    with server:
        feed = Feed(server.url(), history=history, **FAST)
        feeds.append(feed)
        chart = LiveChart(feed, x="t", y="v", x_type="number")
        charts.append(chart)
        wait_for(lambda: len(connections) == 2 and chart.stats["points"] >= 11, what="points")
        xs = chart.data["x"].tolist()
        assert xs == sorted(set(xs))  # in order, and no point twice
        assert xs == [float(i) for i in range(11)]
        assert len(calls) == 2


def test_a_history_function_that_raises_is_counted(
    feeds: list[Feed], charts: list[LiveChart]
) -> None:
    def broken() -> list[dict[str, Any]]:
        raise ConnectionError("history endpoint down")

    gate = Gate()
    with rows_server(gate) as server:
        feed = Feed(server.url(), history=broken)
        feeds.append(feed)
        chart = LiveChart(feed, x="t", y="a")
        charts.append(chart)
        gate.open()
        wait_for(lambda: chart.stats["points"] == 20, what="live points all the same")
        assert feed.stats["error_kinds"] == {"history_error": 1}
        assert "history endpoint down" in feed.stats["last_error"]


def test_a_chart_made_after_its_feed_started_gets_the_recent_records(
    feeds: list[Feed], charts: list[LiveChart]
) -> None:
    assert RECENT_RECORDS == 10_000  # the README promises it
    sent = RECENT_RECORDS + 500  # one record per message

    async def many(connection: ServerConnection) -> None:
        for i in range(sent):
            await connection.send(json.dumps({"t": i, "v": i}))
        await connection.send("not json")
        await connection.wait_closed()

    with FeedServer(many) as server:
        feed = Feed(server.url())
        feeds.append(feed)
        wait_for(lambda: feed.stats["messages"] == sent + 1, what="every message")
        late = LiveChart(feed, x="t", y="v", x_type="number", window=20_000)
        charts.append(late)
        # The latest messages come at once, RECENT_RECORDS records in all, where the odd
        # message without a record counts as one.
        kept = RECENT_RECORDS - 1
        assert late.stats["points"] == kept
        assert late.data["x"].tolist() == [float(i) for i in range(sent - kept, sent)]
        assert late.stats["error_kinds"] == {"not_json": 1}


def test_a_feed_that_fails_shows_no_credentials(feeds: list[Feed]) -> None:
    async def unused(connection: ServerConnection) -> None:
        await connection.wait_closed()

    def refuse(connection: ServerConnection, request: Any) -> Any:
        return connection.respond(401, f"bad token in {request.path}\n")

    with FeedServer(unused, process_request=refuse) as server:
        url = server.url("/feed?token=hunter2").replace("ws://", "ws://alice:s3cret@")
        feed = Feed(url, headers={"X-Api-Key": "abc123"})
        feeds.append(feed)
        chart = LiveChart(feed, y="v")
        wait_for(lambda: feed.status == "error" and feed.stats["errors"] > 0, what="the refusal")
        shown = [repr(feed), str(feed.stats), feed.url, repr(chart), str(chart.stats)]
    assert "HTTP 401" in feed.stats["last_error"]
    for text in shown:
        for secret in ("hunter2", "s3cret", "alice", "abc123"):
            assert secret not in text, text
