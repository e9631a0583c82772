"""An asyncio event loop on a thread of its own, for servers that run beside synchronous tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

TIMEOUT = 10.0  # seconds a coroutine run from outside may take; only a guard against hangs


class LoopThread:
    """A new event loop, running on a daemon thread from construction until `close()`.

    Other threads hand it work with `run`; everything on the loop runs on that one thread.
    """

    def __init__(self, name: str = "test-loop") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = TIMEOUT) -> T:
        """Run `coroutine` on the loop and return its result (or raise its exception)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self, timeout: float = TIMEOUT) -> None:
        """Stop the loop, join its thread and close it. Whatever should end cleanly (servers,
        connections) must have been ended with `run` first; tasks still pending then (a
        connection caught in its handshake as its server closed) are cancelled and awaited, so
        that none is destroyed pending later, during another test."""
        self.run(_cancel_the_rest(), timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout)
        self.loop.close()


async def _cancel_the_rest() -> None:
    this = asyncio.current_task()
    rest = [task for task in asyncio.all_tasks() if task is not this]
    for task in rest:
        task.cancel()
    await asyncio.gather(*rest, return_exceptions=True)
