"""Which source reads a broker's URL: `Feed("nats://...")` and `Feed("redis://...")` come here.

The broker clients are optional: each source's module is imported only when its scheme is asked
for, after `import_client` has said which extra installs the missing client.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from .._core.decode import DecoderFactory
from .base import Source
from .broker import NATS_SCHEMES, BrokerHistory, import_client


def broker_source(
    url: str,
    *,
    subject: str | None,
    stream: str | None,
    creds: str | os.PathLike[str] | None,
    history: BrokerHistory,
    decoder: DecoderFactory,
    reconnect: object,
    backoff: float,
    max_backoff: float,
    open_timeout: float,
) -> Source:
    """The source of a nats:// or redis:// feed; raises at once (in the user's cell) for options
    that do not fit the broker, FileNotFoundError for a `creds` file that is not there, and
    ImportError naming the extra when its client is missing."""
    scheme = urlsplit(url).scheme
    if scheme in NATS_SCHEMES:
        if not isinstance(subject, str) or not subject:
            raise ValueError("a nats:// feed needs subject= (wildcards * and > allowed)")
        if stream is not None:
            raise ValueError("stream= is for redis:// feeds; a nats:// feed reads subject=")
        if creds is not None and not os.path.isfile(creds):
            # nats-py would only fail at each connect, as if the server could not be reached.
            raise FileNotFoundError(f"creds= names no file: {os.fspath(creds)!r}")
        import_client("nats", "nats")
        from .nats_stream import NatsSource

        return NatsSource(
            url,
            subject=subject,
            history=history,
            decoder=decoder,
            creds=None if creds is None else str(creds),
            backoff=backoff,
            max_backoff=max_backoff,
            open_timeout=open_timeout,
        )
    if not isinstance(stream, str) or not stream:
        raise ValueError("a redis:// feed needs stream= (the name of a Redis stream)")
    if subject is not None or creds is not None:
        raise ValueError("subject= and creds= are for nats:// feeds; a redis:// feed reads stream=")
    import_client("redis", "redis")
    from .redis_stream import RedisSource

    return RedisSource(
        url,
        stream=stream,
        history=history,
        decoder=decoder,
        reconnect=reconnect,
        backoff=backoff,
        max_backoff=max_backoff,
        open_timeout=open_timeout,
    )
