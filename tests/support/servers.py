"""Real servers on 127.0.0.1, port 0, each serving from its own event loop on a thread.

- `FeedServer`: a WebSocket server that serves a given connection handler (see `feeds`) and
  records each handshake's request headers and each connection's close code, so tests can check
  the client's side of the conversation too. The benchmarks' feed processes serve one as well.
- `SilentServer`: completes the WebSocket handshake by hand, sends one message, then goes mute.
- `MuteTcpServer`: accepts TCP connections and never answers, not even the handshake.

The last two speak raw TCP on purpose: a WebSocket library would answer pings and handshakes.
Each is a context manager: `with FeedServer(handler) as server:` serves at `server.url()`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from websockets.asyncio.server import Server, ServerConnection, serve

from .loop import LoopThread

Handler = Callable[[ServerConnection], Awaitable[None]]
ServerT = TypeVar("ServerT", bound="_ServerThread")


class _ServerThread:
    """A server on 127.0.0.1, port 0, with its own event loop on a thread.

    `with` starts it (the thread too) and stops it; subclasses say how to start (`_start`), put
    each connection's transport in `_transports` as it is made, and may add what must happen
    before the listening socket closes (`_before_stop`).
    """

    def __init__(self) -> None:
        self._loop: LoopThread | None = None
        self._server: Server | asyncio.Server | None = None
        self.connections = 0  # accepted so far
        self._transports: list[asyncio.BaseTransport] = []  # every connection, as it was made

    async def _start(self) -> Server | asyncio.Server:
        raise NotImplementedError

    async def _before_stop(self) -> None:
        """Nothing by default."""

    async def _end_the_rest(self) -> None:
        # A client that reconnects at once can be accepted while the server closes: its
        # handler starts after the close has listed the connections it ends, or not at all
        # (a task cancelled before its first step runs none of its code), and closing the
        # listening socket leaves its connection open. Such a socket, found by the garbage
        # collector during a later test, fails that test with a ResourceWarning.
        # Every task left on this loop is such a handler, or asyncio's accepting of such a
        # connection (which closes its transport when cancelled): the loop serves this server
        # only. Then every connection is aborted.
        this = asyncio.current_task()
        late = [task for task in asyncio.all_tasks() if task is not this]
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        for transport in self._transports:
            transport.abort()  # type: ignore[attr-defined]  # a no-op once closed
        await asyncio.sleep(0)  # let the aborts' scheduled socket closes run

    def __enter__(self: ServerT) -> ServerT:
        self._loop = LoopThread(name=type(self).__name__)
        self._server = self._loop.run(self._start())
        return self

    @property
    def port(self) -> int:
        assert self._server is not None, "the server is not started: use it in a `with` block"
        return int(self._server.sockets[0].getsockname()[1])

    def url(self, path: str = "/") -> str:
        """`ws://127.0.0.1:<port>/<path>`; `path` may start with "/" or not."""
        return f"ws://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._server is not None
            await self._before_stop()
            self._server.close()
            await self._server.wait_closed()
            await self._end_the_rest()

        assert self._loop is not None
        self._loop.run(stop())
        self._loop.close()


class FeedServer(_ServerThread):
    """`with FeedServer(handler) as server:` serves `handler` at `server.url()` inside the block.

    `serve_options` go to `websockets.asyncio.server.serve` (`ssl`, `process_request`,
    `compression`...). Each handshake's request headers are kept in `request_headers`, and each
    connection's close code in `close_codes` once its handler has returned.
    """

    def __init__(self, handler: Handler, **serve_options: Any) -> None:
        super().__init__()
        self._handler = handler
        self._options = serve_options
        self.request_headers: list[dict[str, str]] = []
        self.close_codes: list[int | None] = []

    @property
    def open_now(self) -> int:
        """Connections accepted whose handler has not returned yet."""
        return self.connections - len(self.close_codes)

    async def _start(self) -> Server:
        made = self._transports

        class Tracked(ServerConnection):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                made.append(transport)  # handshake done or not
                super().connection_made(transport)

        server: Server = await serve(
            self._serve, "127.0.0.1", 0, create_connection=Tracked, **self._options
        )
        return server

    async def _serve(self, connection: ServerConnection) -> None:
        self.connections += 1
        self.request_headers.append(dict(connection.request.headers) if connection.request else {})
        try:
            await self._handler(connection)
        finally:
            self.close_codes.append(connection.close_code)


class _TcpServer(_ServerThread):
    """A plain asyncio TCP server that keeps its connections until it stops."""

    def __init__(self) -> None:
        super().__init__()
        self._writers: list[asyncio.StreamWriter] = []
        self._talks: set[asyncio.Task[None]] = set()

    async def _start(self) -> asyncio.Server:
        return await asyncio.start_server(self._accept, "127.0.0.1", 0)

    async def _before_stop(self) -> None:
        for writer in self._writers:
            writer.close()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A plain function, not a coroutine: asyncio calls it as the connection is made, so
        # every connection is recorded, even one whose talk has not started when the server
        # stops (a task cancelled before its first step runs none of its code).
        self.connections += 1
        self._writers.append(writer)
        self._transports.append(writer.transport)
        talk = asyncio.get_running_loop().create_task(self._talk(reader, writer))
        self._talks.add(talk)  # a task nothing refers to may be collected while it runs
        talk.add_done_callback(self._talks.discard)

    async def _talk(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Nothing by default: the connection stays open and silent."""


class SilentServer(_TcpServer):
    """A server that completes the WebSocket handshake, sends one message, then goes mute.

    It never reads again, so the client's pings go unanswered: a server that hangs without closing
    the TCP connection, which only a heartbeat can detect.
    """

    def __init__(self, first_message: bytes = b'{"value": 1}') -> None:
        super().__init__()
        self._message = first_message

    async def _talk(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
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


class MuteTcpServer(_TcpServer):
    """Accepts TCP connections and never answers: a WebSocket handshake that times out."""
