"""A real WebSocket server on 127.0.0.1 for tests, running its own loop on a thread.

Each test gives the connection handler; the server records what clients sent and how each
connection ended, so tests can check the client's side of the conversation too.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from websockets.asyncio.server import Server, ServerConnection, serve

Handler = Callable[[ServerConnection], Awaitable[None]]
ServerT = TypeVar("ServerT", bound="_ServerThread")


class _ServerThread:
    """A server on 127.0.0.1, port 0, with its own event loop on a thread.

    `with` starts it and stops it; subclasses say how to start (`_start`) and may add what must
    happen before the listening socket closes (`_before_stop`).
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: Server | asyncio.Server | None = None
        self.connections = 0

    async def _start(self) -> Server | asyncio.Server:
        raise NotImplementedError

    async def _before_stop(self) -> None:
        """Nothing by default."""

    def __enter__(self: ServerT) -> ServerT:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
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
            await self._before_stop()
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


class FeedServer(_ServerThread):
    """`with FeedServer(handler) as server:` serves `handler` at `server.url()` inside the block.

    It records each handshake's request headers and each connection's close code.
    """

    def __init__(self, handler: Handler, **serve_options: Any) -> None:
        super().__init__()
        self._handler = handler
        self._options = serve_options
        self.request_headers: list[dict[str, str]] = []
        self.close_codes: list[int | None] = []

    async def _start(self) -> Server:
        return await serve(self._serve, "127.0.0.1", 0, **self._options)

    async def _serve(self, connection: ServerConnection) -> None:
        self.connections += 1
        self.request_headers.append(dict(connection.request.headers) if connection.request else {})
        try:
            await self._handler(connection)
        finally:
            self.close_codes.append(connection.close_code)


class SilentServer(_ServerThread):
    """A server that completes the WebSocket handshake, sends one message, then goes mute.

    It never reads again, so the client's pings go unanswered: a server that hangs without closing
    the TCP connection, which only a heartbeat can detect.
    """

    def __init__(self, first_message: bytes = b'{"value": 1}') -> None:
        super().__init__()
        self._message = first_message
        self._writers: list[asyncio.StreamWriter] = []

    async def _start(self) -> asyncio.Server:
        return await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def _before_stop(self) -> None:
        for writer in self._writers:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        request = await reader.readuntil(b"\r\n\r\n")
        found = re.search(rb"(?i)sec-websocket-key:\s*(\S+)", request)
        assert found is not None
        digest = hashlib.sha1(found.group(1) + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest()
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + base64.b64encode(digest) + b"\r\n\r\n"
        )
        # One unmasked text frame (FIN + opcode 1), as a server sends it; short payloads only.
        writer.write(bytes([0x81, len(self._message)]) + self._message)
        await writer.drain()


async def stream_forever(connection: ServerConnection) -> None:
    """Send `{"value": i}` for i = 0, 1, 2, ... about a thousand times a second until closed."""
    i = 0
    while True:
        await connection.send(json.dumps({"value": i}))
        i += 1
        await asyncio.sleep(0.001)
