"""A real Jupyter kernel: started fresh, driven over its channels, its IOPub recorded.

`running_kernel()` gives a kernel of this Python, running the livefeed this process imports.
The tests' `kernel` fixture (tests/conftest.py) gives each test its own, so that charts of one
test cannot feed another's; the benchmarks use it to measure what a chart puts on the wire.
"""

from __future__ import annotations

import ast
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

from .env import kernel_env

KERNEL_START_TIMEOUT = 90.0
REPLY_TIMEOUT = 60.0  # one cell or one expected message; only a guard against hangs


@dataclass(frozen=True)
class Recorded:
    """One comm_msg as it left the kernel.

    `frames` are its ZeroMQ frames after the routing identities: signature, header, parent
    header, metadata, content, then the binary buffers. They let a benchmark size the message as
    jupyter_server frames it for the browser.
    """

    message: dict[str, Any]
    frames: list[bytes]

    @property
    def sent_at(self) -> float:
        """The kernel's own clock (header date), seconds since the epoch."""
        return float(self.message["header"]["date"].timestamp())


class IOPubRecorder:
    """Drains the kernel's IOPub socket on a thread, keeping every comm_msg.

    Draining continuously matters: a subscriber that falls behind loses messages at the ZeroMQ
    high-water mark, which would look like a livefeed bug. It reads the socket as the client's
    channel does, but keeps the frames too; and it never calls `client.get_iopub_msg`, which
    would leave an event loop behind in this thread, never closed.
    """

    def __init__(self, client: BlockingKernelClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._records: list[Recorded] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, name="iopub", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        session = self._client.session
        socket = self._client.iopub_channel.socket
        assert socket is not None
        while not self._stop.is_set():
            if not socket.poll(200, zmq.POLLIN):
                continue
            _, frames = session.feed_identities(socket.recv_multipart(copy=True))
            message = session.deserialize(frames, content=True)
            if message["header"]["msg_type"] == "comm_msg":
                with self._lock:
                    self._records.append(Recorded(message, frames))

    def records(self) -> list[Recorded]:
        """Every comm_msg so far, in the order the kernel sent them."""
        with self._lock:
            return list(self._records)

    def comm_messages(self) -> list[dict[str, Any]]:
        """Every comm_msg so far, decoded, in the order the kernel sent them."""
        return [r.message for r in self.records()]

    def custom(self, comm_id: str) -> list[dict[str, Any]]:
        """Custom messages of one widget, in the order the kernel sent them."""
        return [
            m
            for m in self.comm_messages()
            if m["content"]["comm_id"] == comm_id and m["content"]["data"]["method"] == "custom"
        ]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(REPLY_TIMEOUT)


@dataclass
class Kernel:
    """A started kernel: its client, and the recorder of its IOPub channel."""

    client: BlockingKernelClient
    iopub: IOPubRecorder

    def run(self, code: str, **expressions: str) -> dict[str, Any]:
        """Run `code` in the kernel; return the values of `expressions` (each must evaluate to
        something JSON-serialisable). An error in the code or an expression fails with an
        `AssertionError` that carries the kernel's traceback."""
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
    """A fresh ipykernel of this Python that has imported livefeed, shut down on exit."""
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
        # The kernel must be this interpreter, or it would run some other livefeed.
        assert Path(found["executable"]).resolve() == Path(sys.executable).resolve()
        yield kernel
    finally:
        if recorder is not None:
            recorder.stop()
        client.stop_channels()
        manager.shutdown_kernel(now=True)
