"""Waiting for a condition: the one `wait_for` of the tests and the benchmarks.

A timeout here only turns a hang into a failure with a message; no test asserts how fast
anything happens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0  # seconds
FIRST_PAUSE = 0.01  # seconds between the first two checks; doubled after each miss...
MAX_PAUSE = 0.2  # ...up to this, so a long wait on a browser page does not keep it busy


def wait_for(
    check: Callable[[], T | None],
    timeout: float = DEFAULT_TIMEOUT,
    *,
    what: str | Callable[[], str] = "",
) -> T:
    """Call `check` until it returns something truthy, and return that.

    Fails with an `AssertionError` naming `what` (a text, or a function giving one, called only
    on failure so it can say how things stand then) once `timeout` seconds have passed.
    """
    deadline = time.monotonic() + timeout
    pause = FIRST_PAUSE
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            text = what() if callable(what) else what or repr(check)
            raise AssertionError(f"timed out after {timeout:g} s waiting for {text}")
        time.sleep(pause)
        pause = min(2 * pause, MAX_PAUSE)
