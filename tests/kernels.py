"""A real Jupyter kernel for tests: started fresh, driven over its channels, its IOPub recorded.

The `kernel` fixture (in conftest.py) gives each test its own kernel of this Python, running the
livefeed under test, so that charts of one test cannot feed another's.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import queue
import site
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

KERNEL_START_TIMEOUT = 90.0
REPLY_TIMEOUT = 60.0  # one cell or one expected message; only a guard against hangs


def kernel_env() -> dict[str, str]:
    """This process's environment, plus a PYTHONPATH that finds the livefeed these tests import
    when it is a source tree rather than an installed package: a kernel must run the same code."""
    env = dict(os.environ)
    spec = importlib.util.find_spec("livefeed")
    if spec is None or not spec.submodule_search_locations:
        return env
    parent = str(Path(next(iter(spec.submodule_search_locations))).resolve().parent)
    if parent not in {str(Path(p).resolve()) for p in site.getsitepackages()}:
        existing = env.get("PYTHONPATH")
        env["PYTHONPATH"] = parent + (os.pathsep + existing if existing else "")
    return env


class IOPubRecorder:
    """Drains the kernel's IOPub channel on a thread, keeping every comm_msg.

    Draining continuously matters: a subscriber that falls behind loses messages at the ZeroMQ
    high-water mark, which would look like a livefeed bug.
    """

    def __init__(self, client: BlockingKernelClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._messages: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, name="iopub", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while not self._stop.is_set():
            try:
                # The channel itself, not client.get_iopub_msg: that one would leave an event
                # loop behind in this thread, never closed.
                message = self._client.iopub_channel.get_msg(timeout=0.2)
            except queue.Empty:
                continue
            if message["header"]["msg_type"] == "comm_msg":
                with self._lock:
                    self._messages.append(message)

    def comm_messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._messages)

    def custom(self, comm_id: str) -> list[dict[str, Any]]:
        """Custom messages of one widget, in the order the kernel sent them."""
        return [
            m
            for m in self.comm_messages()
            if m["content"]["comm_id"] == comm_id and m["content"]["data"]["method"] == "custom"
        ]

    def wait_for(
        self, condition: Callable[[], bool], what: str, timeout: float = REPLY_TIMEOUT
    ) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(REPLY_TIMEOUT)


@dataclass
class Kernel:
    client: BlockingKernelClient
    iopub: IOPubRecorder

    def run(self, code: str, **expressions: str) -> dict[str, Any]:
        """Run `code` in the kernel; return the values of `expressions` (each must evaluate to
        something JSON-serialisable)."""
        wrapped = {name: f"__import__('json').dumps({expr})" for name, expr in expressions.items()}
        msg_id = self.client.execute(code, user_expressions=wrapped, allow_stdin=False)
        while True:
            # Replies on the shell channel only: IOPub belongs to the recorder.
            reply = self.client.shell_channel.get_msg(timeout=REPLY_TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content["status"] != "ok":
            raise AssertionError("kernel error:\n" + "\n".join(content.get("traceback", [])))
        values: dict[str, Any] = {}
        for name, result in content["user_expressions"].items():
            if result["status"] != "ok":
                raise AssertionError(f"{name}: {result.get('ename')}: {result.get('evalue')}")
            values[name] = json.loads(ast.literal_eval(result["data"]["text/plain"]))
        return values

    def send_to_widget(self, comm_id: str, content: dict[str, Any]) -> None:
        """What a view's `model.send(content)` does: a custom comm_msg on the shell channel."""
        data = {"method": "custom", "content": content}
        message = self.client.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        self.client.shell_channel.send(message)


@contextmanager
def running_kernel() -> Iterator[Kernel]:
    """A fresh ipykernel of this Python, shut down on exit."""
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env=kernel_env())
    client = manager.blocking_client()
    client.start_channels()
    recorder: IOPubRecorder | None = None
    try:
        client.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
        recorder = IOPubRecorder(client)
        kernel = Kernel(client, recorder)
        found = kernel.run("import sys, livefeed", executable="sys.executable")
        # The kernel must be this interpreter, or the test would check some other livefeed.
        assert Path(found["executable"]).resolve() == Path(sys.executable).resolve()
        yield kernel
    finally:
        if recorder is not None:
            recorder.stop()
        client.stop_channels()
        manager.shutdown_kernel(now=True)
