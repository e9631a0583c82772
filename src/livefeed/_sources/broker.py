"""What the message-broker sources and the bridge's publishers share: how history and retention
are asked for, the optional client libraries, and the `Publisher` seam of `livefeed bridge`.

A broker keeps a feed's messages for its readers; livefeed reads them (`_sources/nats_stream.py`,
`_sources/redis_stream.py`) and the bridge writes them. Each message on a broker is one frame:
the bridge publishes each decoded record as one JSON object, which the default "json" decoder
reads back, and messages written by anyone else go through whatever decoder the feed names.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import ModuleType
from typing import Protocol

# URL schemes of the brokers livefeed reads; tls:// and rediss:// are their encrypted forms.
NATS_SCHEMES = ("nats", "tls")
REDIS_SCHEMES = ("redis", "rediss")
BROKER_SCHEMES = (*NATS_SCHEMES, *REDIS_SCHEMES)


def import_client(module: str, extra: str) -> ModuleType:
    """Import a broker's client library, or raise ImportError saying what to install."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"reading {extra}:// needs the {module!r} package: pip install 'livefeed[{extra}]'"
        ) from error


@dataclass(frozen=True)
class BrokerHistory:
    """What a broker feed reads before its live messages: the `last` N messages, or those
    stored `since` a time (epoch seconds), or nothing (both None)."""

    last: int | None = None
    since: float | None = None

    @property
    def wanted(self) -> bool:
        return self.last is not None or self.since is not None


def broker_history(value: object, now: float) -> BrokerHistory:
    """Read `history=` of a broker feed: None, a count of messages (int), a `datetime` (naive
    means UTC) or a `timedelta` back from `now`. Raises ValueError or TypeError otherwise."""
    if value is None:
        return BrokerHistory()
    if isinstance(value, bool) or callable(value):
        raise TypeError(
            "history= of a broker feed is a number of messages, a datetime or a timedelta"
        )
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"history= must be a count of messages from 0, not {value}")
        return BrokerHistory(last=value) if value else BrokerHistory()
    if isinstance(value, timedelta):
        if value <= timedelta(0):
            raise ValueError(f"history= must be a positive time span, not {value}")
        return BrokerHistory(since=now - value.total_seconds())
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return BrokerHistory(since=value.timestamp())
    raise TypeError(
        "history= of a broker feed is a number of messages, a datetime or a timedelta, "
        f"not {type(value).__name__}"
    )


@dataclass(frozen=True)
class Keep:
    """How much a stream the bridge creates keeps: at most `messages`, or for `seconds`."""

    messages: int | None = None
    seconds: float | None = None


_SPAN = re.compile(r"^(\d+(?:\.\d+)?)(s|m|h|d)$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_keep(text: str) -> Keep:
    """`--keep`: a count of messages ("100000") or a time ("90s", "15m", "24h", "7d")."""
    text = text.strip()
    if text.isdigit() and int(text) > 0:
        return Keep(messages=int(text))
    match = _SPAN.match(text)
    if match and float(match.group(1)) > 0:
        return Keep(seconds=float(match.group(1)) * _SECONDS[match.group(2)])
    raise ValueError(
        f"--keep takes a count of messages (100000) or a time (90s, 15m, 24h, 7d), not {text!r}"
    )


class PublishError(Exception):
    """A publish the broker did not confirm: the bridge sends the same messages again."""


class Publisher(Protocol):
    """Where `livefeed bridge` writes: one subject of a JetStream stream, or one Redis stream.

    - `open(keep)` connects and creates the stream when missing, bounded by `keep`.
    - `publish(first, payloads)` stores the payloads in order and returns once the broker
      confirmed every one. `first` is the bridge's number of `payloads[0]`: numbers increase by
      one per payload over the bridge's life. On failure it raises PublishError, and the bridge
      calls it again with the same `first` and payloads after a pause, as often as it takes: a
      payload already stored must not be stored twice (NATS drops repeats by message id; the
      Redis publisher looks at the number in the stream's last entry).
    - `close()` ends the connection.

    All on one event loop.
    """

    @property
    def name(self) -> str:
        """Where it publishes, without credentials."""

    async def open(self, keep: Keep) -> None: ...

    async def publish(self, first: int, payloads: list[bytes]) -> None: ...

    async def close(self) -> None: ...
