"""Credentials stay out of everything a user can see or save, on every way a connection fails.

Each test gives a URL with a user, a password and a query token, and a header with an API key, then
makes the connection fail one way (refused, DNS, TLS, timeout, HTTP status, close code) against a
real server or a real socket on 127.0.0.1. It checks that the failure really happened (the error
text says what went wrong) and that no secret is in `stats`, `repr`, the widget's state (what the
page gets and a notebook saves), or the log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Iterator

import pytest
import trustme
from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from livefeed import LiveChart
from livefeed._redact import MASK, Redactor, public_url

from .support.servers import FeedServer, MuteTcpServer
from .support.waiting import wait_for

USER = "alice-user"
PASSWORD = "pa55-w0rd"
TOKEN = "tok3n-xyz-42"
API_KEY = "hdr-secret-9876"
SECRETS = (USER, PASSWORD, TOKEN, API_KEY)
FAST = {"backoff": 0.05, "max_backoff": 0.1}


def secret_url(host_port: str, scheme: str = "ws") -> str:
    return f"{scheme}://{USER}:{PASSWORD}@{host_port}/feed?token={TOKEN}&room=1"


def make_chart(url: str, charts: list[LiveChart], **options: object) -> LiveChart:
    chart = LiveChart(url, headers={"X-Api-Key": API_KEY}, **FAST, **options)  # type: ignore[arg-type]
    charts.append(chart)
    return chart


def assert_no_secret_anywhere(chart: LiveChart, caplog: pytest.LogCaptureFixture) -> None:
    # The synced statistics are refreshed twice a second: wait until they carry the error too.
    wait_for(lambda: chart.feed_stats.get("last_error"), what="the error in the synced stats")
    seen = {
        "stats": json.dumps(chart.stats),
        "repr": repr(chart),
        "widget state": json.dumps(chart.get_state(), default=repr),
        # Everything logged on the client's side (the test servers' own logs are theirs).
        "log": "\n".join(
            r.getMessage() for r in caplog.records if not r.name.startswith("websockets.server")
        ),
    }
    for where, text in seen.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} is in the {where}: {text}"


@pytest.fixture(autouse=True)
def _capture_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    with caplog.at_level(logging.DEBUG):
        yield


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_refused(charts: list[LiveChart], caplog: pytest.LogCaptureFixture) -> None:
    chart = make_chart(secret_url(f"127.0.0.1:{free_port()}"), charts)
    wait_for(lambda: "cannot connect" in chart.stats["last_error"])
    assert "127.0.0.1" in chart.stats["last_error"]
    assert_no_secret_anywhere(chart, caplog)


def test_name_not_found(charts: list[LiveChart], caplog: pytest.LogCaptureFixture) -> None:
    chart = make_chart(secret_url("livefeed-no-such-host.invalid:9"), charts)
    wait_for(lambda: "cannot connect" in chart.stats["last_error"])
    assert_no_secret_anywhere(chart, caplog)


def test_handshake_timeout(charts: list[LiveChart], caplog: pytest.LogCaptureFixture) -> None:
    with MuteTcpServer() as server:
        chart = make_chart(secret_url(f"127.0.0.1:{server.port}"), charts, open_timeout=0.2)
        wait_for(lambda: "open_timeout" in chart.stats["last_error"])
        # A timed-out handshake is retried like any other failure to connect.
        wait_for(lambda: chart.stats["reconnects"] >= 1)
        assert chart.status in ("connecting", "reconnecting", "error")
        assert "internal" not in chart.stats["error_kinds"]
        assert_no_secret_anywhere(chart, caplog)


def test_tls_to_a_server_that_is_not_tls(
    charts: list[LiveChart], caplog: pytest.LogCaptureFixture
) -> None:
    async def idle(connection: ServerConnection) -> None:
        await connection.wait_closed()

    with FeedServer(idle) as server:
        chart = make_chart(secret_url(f"127.0.0.1:{server.port}", scheme="wss"), charts)
        wait_for(lambda: "cannot connect" in chart.stats["last_error"])
        assert_no_secret_anywhere(chart, caplog)


def test_untrusted_certificate(charts: list[LiveChart], caplog: pytest.LogCaptureFixture) -> None:
    import ssl

    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)

    async def idle(connection: ServerConnection) -> None:
        await connection.wait_closed()

    with FeedServer(idle, ssl=context) as server:
        chart = make_chart(secret_url(f"127.0.0.1:{server.port}", scheme="wss"), charts)
        wait_for(lambda: "certificate" in chart.stats["last_error"])
        assert_no_secret_anywhere(chart, caplog)


@pytest.mark.parametrize("status", [401, 403, 500])
def test_http_refusal_that_echoes_the_request(
    charts: list[LiveChart], caplog: pytest.LogCaptureFixture, status: int
) -> None:
    # A server that names what it refused: the path with its query, and the key it was given.
    def refuse(connection: ServerConnection, request: Request) -> Response:
        echoed = f"refused {request.path} with key {request.headers.get('X-Api-Key')}"
        return Response(status, echoed, Headers(), echoed.encode())

    with FeedServer(lambda c: asyncio.sleep(0), process_request=refuse) as server:
        chart = make_chart(secret_url(f"127.0.0.1:{server.port}"), charts)
        wait_for(lambda: f"HTTP {status}" in chart.stats["last_error"])
        assert MASK in chart.stats["last_error"]  # the echoed secrets were there, and masked
        assert_no_secret_anywhere(chart, caplog)


def test_close_reason_that_echoes_the_token(
    charts: list[LiveChart], caplog: pytest.LogCaptureFixture
) -> None:
    async def close_naming_the_token(connection: ServerConnection) -> None:
        assert connection.request is not None
        await connection.close(1011, f"bad token {TOKEN} for {USER}")

    with FeedServer(close_naming_the_token) as server:
        chart = make_chart(secret_url(f"127.0.0.1:{server.port}"), charts)
        wait_for(lambda: "1011" in chart.stats["last_error"])
        assert MASK in chart.stats["last_error"]
        assert_no_secret_anywhere(chart, caplog)


def test_a_url_that_is_not_websocket_is_refused_without_repeating_its_secrets() -> None:
    with pytest.raises(ValueError) as raised:
        LiveChart(f"https://{USER}:{PASSWORD}@example.com/feed?token={TOKEN}")
    assert "ws://" in str(raised.value)
    for secret in SECRETS:
        assert secret not in str(raised.value)


def test_redactor_masks_every_form_of_the_secrets() -> None:
    url = (
        "wss://bob%40corp:p%2Fss%3Aword@feed.example:8443/v1?api_key=k%20ey-1234&x=short#frag-5678"
    )
    redactor = Redactor(url, {"Authorization": "Bearer abcdef-123456"})
    text = (
        f"failed {url}; user bob@corp password p/ss:word, key k ey-1234 or k%20ey-1234, "
        "frag-5678, header Bearer abcdef-123456 and abcdef-123456 alone"
    )
    masked = redactor.redact(text)
    for secret in (
        "bob@corp",
        "p/ss:word",
        "k ey-1234",
        "k%20ey-1234",
        "frag-5678",
        "abcdef-123456",
    ):
        assert secret not in masked, masked
    assert "wss://feed.example:8443/v1" in masked  # what is safe stays readable
    assert public_url(url) == "wss://feed.example:8443/v1"
    assert public_url("ws://[::1]:9/x?t=1") == "ws://[::1]:9/x"
    assert public_url("ws://host:notaport/") == "ws://***"
