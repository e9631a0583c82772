"""A recording served as a WebSocket feed: what `livefeed replay` runs.

Every client that connects, on any path, gets the recorded frames from the first, with their
recorded timing (divided by the speed) and type (text as text, binary as binary), then a normal
close (1000); or, with `loop`, the recording again from the start, until it leaves. What clients
send is read and ignored, so a client that subscribes first is served like any other.

`ReplayServer` runs inside an event loop; `serve_in_thread` runs one on a thread of its own, for
the command line and for tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode

from ._recording import Pacer, RecordingReader, check_speed
from ._serving import ServerThread

BATCH_FRAMES = 256  # frames read from the file per trip to the worker thread


class ReplayServer:
    """Serves the recording at `path` on `host`:`port` (0: a free port, see `port`).

    `speed` as `ReplaySource` takes it (None: as fast as the client reads). `start()` checks that
    the file is a recording (`ValueError`, or `OSError` if it cannot be read) before it binds the
    address (`OSError` if taken). `stop()` closes every connection (code 1001) and returns once
    their handlers have ended; both are harmless twice. A recording damaged part-way is served up
    to the damage, then the connection closes with code 1011.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        speed: float | None = 1.0,
        loop: bool = False,
    ) -> None:
        self.path = Path(path)
        self.host = host
        self.speed = check_speed(speed)
        self.loop = loop
        self.connections = 0  # accepted so far
        self._requested_port = port
        self._server: Server | None = None

    async def start(self) -> None:
        if self._server is not None:
            return
        RecordingReader(self.path).close()  # refuse a file that is not a recording now
        self._server = await serve(self._handle, self.host, self._requested_port)

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        await self._server.wait_closed()

    @property
    def port(self) -> int:
        """The port listened on; RuntimeError before `start()`."""
        if self._server is None:
            raise RuntimeError("the replay server is not started")
        return int(next(iter(self._server.sockets)).getsockname()[1])

    def url(self, path: str = "") -> str:
        """`ws://HOST:PORT/path` (every path serves the same); a wildcard host is given as
        127.0.0.1, where it is reachable."""
        host = self.host
        if host in ("", "0.0.0.0", "::"):
            host = "127.0.0.1"
        if ":" in host:  # an IPv6 literal
            host = f"[{host}]"
        return f"ws://{host}:{self.port}/{path.lstrip('/')}"

    async def _handle(self, websocket: ServerConnection) -> None:
        self.connections += 1
        # The connection's end is seen by reading: it ends a wait for the next frame's time at
        # once, and stopping the server (which waits for every handler) is never held up by it.
        listening = asyncio.create_task(_ignore_messages(websocket))
        playing = asyncio.create_task(self._play(websocket))
        try:
            await asyncio.wait({listening, playing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (playing, listening):
                task.cancel()
            await asyncio.wait({playing, listening})
        if playing.cancelled():
            return
        error = playing.exception()
        if error is not None and not isinstance(error, ConnectionClosed):
            raise error  # a bug of ours: websockets logs it

    async def _play(self, websocket: ServerConnection) -> None:
        loop = asyncio.get_running_loop()
        pacer = Pacer(self.speed)
        while True:
            sent = 0
            try:
                # Opening reads only the header: done here, a cancelled open cannot leave a file
                # open in a worker thread.
                reader = RecordingReader(self.path)
            except (OSError, ValueError):
                await websocket.close(CloseCode.INTERNAL_ERROR, "the recording cannot be read")
                return
            try:
                while batch := await asyncio.to_thread(reader.read, BATCH_FRAMES):
                    for at, frame in batch:
                        delay = pacer.delay(at, loop.time())
                        if delay > 0:
                            await asyncio.sleep(delay)
                        await websocket.send(frame)
                        sent += 1
            except (OSError, ValueError):
                await websocket.close(CloseCode.INTERNAL_ERROR, "the recording is damaged")
                return
            finally:
                reader.close()
            # An empty recording would start over without end, and without ever waiting.
            if not self.loop or sent == 0:
                break
            pacer.restart()
        await websocket.close()


async def _ignore_messages(websocket: ServerConnection) -> None:
    """Read until the connection closes: websockets stops reading the socket once its queue of
    unread messages is full, and would then miss the close."""
    with contextlib.suppress(ConnectionClosed):
        async for _message in websocket:
            pass


class ReplayHandle(ServerThread[ReplayServer]):
    """A `ReplayServer` running on its own event loop in a daemon thread (`serve_in_thread`).

    `stop()` closes the connections, stops the loop and joins the thread; harmless twice, and
    run when a `with` block exits.
    """

    @property
    def port(self) -> int:
        return self.server.port

    def url(self, path: str = "") -> str:
        """See `ReplayServer.url`."""
        return self.server.url(path)

    @property
    def connections(self) -> int:
        """Connections accepted so far."""
        return self.server.connections


def serve_in_thread(
    path: str | os.PathLike[str],
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    speed: float | None = 1.0,
    loop: bool = False,
) -> ReplayHandle:
    """Start a `ReplayServer` on a new daemon thread and return once it listens.

    What `ReplayServer.start()` raises (a file that is not a recording, a port taken) is raised
    here, in the caller's thread; a bad `speed` raises before any thread starts.
    """
    return ReplayHandle(ReplayServer(path, host, port, speed=speed, loop=loop), "livefeed-replay")
