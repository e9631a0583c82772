"""A real WebSocket server on 127.0.0.1 for tests, running its own loop on a thread.

Each test gives the connection handler; the server records what clients sent and how each
connection ended, so tests can check the client's side of the conversation too.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve

Handler = Callable[[ServerConnection], Awaitable[None]]


class FeedServer:
    """`with FeedServer(handler) as server:` serves `handler` at `server.url()` inside the block."""

    def __init__(self, handler: Handler, **serve_options: Any) -> None:
        self._handler = handler
        self._options = serve_options
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: Server | None = None
        self.received: list[str | bytes] = []
        self.request_headers: list[dict[str, str]] = []
        self.close_codes: list[int | None] = []
        self.connections = 0

    async def _serve(self, connection: ServerConnection) -> None:
        self.connections += 1
        self.request_headers.append(dict(connection.request.headers) if connection.request else {})
        try:
            await self._handler(connection)
        finally:
            self.close_codes.append(connection.close_code)

    def __enter__(self) -> FeedServer:
        self._thread.start()

        async def start() -> Server:
            return await serve(self._serve, "127.0.0.1", 0, **self._options)

        self._server = asyncio.run_coroutine_threadsafe(start(), self._loop).result(10)
        return self

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def url(self, path: str = "/") -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


async def record_until_closed(connection: ServerConnection, sink: list[str | bytes]) -> None:
    """Keep reading what the client sends until it closes."""
    async for message in connection:
        sink.append(message)
