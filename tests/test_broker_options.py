"""What a broker feed accepts, checked in the user's cell before anything connects: history as
a count or a time, the options that belong to one kind of feed only, and a missing client library
named with the extra that installs it."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

import pytest

from livefeed import Feed
from livefeed._sources.broker import BrokerHistory, broker_history

NOW = 1_800_000_000.0


def test_history_is_a_count_a_datetime_or_a_timedelta() -> None:
    assert broker_history(None, NOW) == BrokerHistory()
    assert broker_history(0, NOW) == BrokerHistory()
    assert broker_history(10_000, NOW) == BrokerHistory(last=10_000)
    assert broker_history(timedelta(minutes=5), NOW) == BrokerHistory(since=NOW - 300)
    when = datetime(2027, 1, 15, 12, 0, tzinfo=timezone.utc)
    assert broker_history(when, NOW) == BrokerHistory(since=when.timestamp())
    # A naive datetime is read as UTC, as the broker's clocks are.
    assert broker_history(when.replace(tzinfo=None), NOW) == BrokerHistory(since=when.timestamp())


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (-1, ValueError),
        (timedelta(0), ValueError),
        (True, TypeError),
        ("100", TypeError),
        (1.5, TypeError),
        (lambda: [], TypeError),
    ],
)
def test_history_refuses_what_is_not_a_count_or_a_time(value: object, error: type) -> None:
    with pytest.raises(error):
        broker_history(value, NOW)


@pytest.mark.parametrize(
    ("url", "options", "words"),
    [
        ("nats://127.0.0.1:1", {}, "needs subject="),
        ("nats://127.0.0.1:1", {"subject": "a", "stream": "b"}, "stream= is for redis://"),
        ("redis://127.0.0.1:1/0", {}, "needs stream="),
        ("redis://127.0.0.1:1/0", {"stream": "s", "subject": "a"}, "for nats:// feeds"),
        ("nats://127.0.0.1:1", {"subject": "a", "subscribe": "x"}, "ws:// and wss:// feeds only"),
        ("redis://127.0.0.1:1/0", {"stream": "s", "headers": {"a": "b"}}, "wss:// feeds only"),
        ("ws://127.0.0.1:1/", {"subject": "a"}, "subject= applies to nats://"),
        ("ws://127.0.0.1:1/", {"stream": "a"}, "stream= applies to nats://"),
    ],
)
def test_options_of_another_kind_of_feed_are_refused(
    url: str, options: dict[str, object], words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        Feed(url, **options)  # type: ignore[arg-type]


def test_a_ws_feed_still_takes_a_history_function_only() -> None:
    with pytest.raises(TypeError, match="history= takes a function"):
        Feed("ws://127.0.0.1:1/", history=100)


@pytest.mark.parametrize(
    ("module", "url", "options"),
    [
        ("nats", "nats://127.0.0.1:1", {"subject": "a"}),
        ("redis", "redis://127.0.0.1:1", {"stream": "s"}),
    ],
)
def test_a_missing_client_library_names_the_extra_to_install(
    module: str, url: str, options: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The client cannot be uninstalled for one test: a None entry makes its import fail as a
    # missing package does.
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=rf"pip install 'livefeed\[{module}\]'"):
        Feed(url, **options)  # type: ignore[arg-type]
