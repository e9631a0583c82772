"""Running an asyncio server beside synchronous code: its own event loop on a daemon thread.

The demo source and the replay server both run this way under `livefeed demo`, `livefeed replay`,
notebooks and tests. `ServerThread` starts the server and returns once it listens (what starting
raises is raised in the caller's thread), and stops it on `stop()` or at the end of a `with`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


class AsyncServer(Protocol):
    """A server started and stopped by coroutines on its loop."""

    async def start(self) -> None:
        """Listen; raises when it cannot."""

    async def stop(self) -> None:
        """Close every connection and stop listening."""


S = TypeVar("S", bound=AsyncServer)


class ServerThread(Generic[S]):
    """`server` running on a new event loop in a daemon thread named `name`.

    Made once the server listens: what `server.start()` raises (a port taken, a file that is not
    a recording) is raised by the constructor. The thread is a daemon, so a forgotten handle never
    keeps the interpreter alive; `stop()` (or leaving a `with` block) shuts down cleanly.
    """

    def __init__(self, server: S, name: str) -> None:
        self.server = server
        ready = threading.Event()
        started: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        failed: list[BaseException] = []

        async def run() -> None:
            stopping = asyncio.Event()
            try:
                await server.start()
            except BaseException as error:  # handed to the caller's thread below
                failed.append(error)
                ready.set()
                return
            started.append((asyncio.get_running_loop(), stopping))
            ready.set()
            try:
                await stopping.wait()
            finally:
                await server.stop()

        self._thread = threading.Thread(target=lambda: asyncio.run(run()), name=name, daemon=True)
        self._thread.start()
        ready.wait()
        if failed:
            self._thread.join()
            raise failed[0]
        self._loop, self._stopping = started[0]

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
        """Run `coroutine` on the server's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    @property
    def alive(self) -> bool:
        """Whether the server's thread is still running."""
        return self._thread.is_alive()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the server's thread to end; returns whether it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and join its thread, waiting at most `timeout` seconds; harmless
        twice."""
        if self._thread.is_alive():
            # The loop may close between the check and the call: it is stopping anyway then.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stopping.set)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def __enter__(self: T) -> T:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
