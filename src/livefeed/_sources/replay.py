"""A recorded feed played back as a source: the frames of a `.lfrec` file, with their timing.

Each frame reaches the sink with its recorded arrival time as `at`, so a chart whose x is the
arrival time draws the recorded times, not the replay's. Records are read in a worker thread, a
batch at a time, so that the runtime's loop is not held up by a slow disk; only the header is read
on the loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from .._chartdata import CONNECTION
from .._core.decode import DecoderFactory, JsonDecoder
from .._recording import Pacer, RecordingReader, check_speed
from .base import INTERNAL, Sink, TaskSource

# Frames read from the file per trip to the worker thread. At speed None they are also the
# frames ingested between two chances for the loop to run other work.
BATCH_FRAMES = 256


class ReplaySource(TaskSource):
    """Plays the recording at `path` into a sink once, then ends with status "closed".

    `speed` is how many times faster than recorded the frames come (1.0: as recorded; None: as
    fast as they can be ingested, letting the loop run other work after every `BATCH_FRAMES`).
    `decoder` makes the one decoder that reads all the frames, as for one connection.

    Status: "connecting" until the file is open, "live" while frames are played, "closed" when
    the last one has been ingested or the source is stopped. A file that cannot be opened, is not
    a recording or is damaged part-way is noted as a "connection" problem (its message names the
    file and what is wrong) and ends with status "error", after the frames before the damage.
    A recording cut in mid-record by a crash ends cleanly after its last whole frame.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        speed: float | None = 1.0,
        decoder: DecoderFactory = JsonDecoder,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.speed = check_speed(speed)
        self.decoder = decoder
        # The file's name only: the page shows it, and the folders above it are nobody's business.
        self.name = f"replay of {self.path.name}"

    def run(self, sink: Sink) -> Coroutine[Any, Any, None]:
        return self._play(sink)

    async def _play(self, sink: Sink) -> None:
        try:
            try:
                # Opening reads only the header: done here, a cancelled open cannot leave a file
                # open in a worker thread.
                reader = RecordingReader(self.path)
            except (OSError, ValueError) as error:
                sink.note(CONNECTION, f"cannot replay {self.path}: {_reason(error)}")
                sink.set_status("error")
                return
            try:
                sink.set_status("live")
                await self._feed(sink, reader)
            except ValueError as error:  # damaged part-way
                sink.note(CONNECTION, f"replay stopped: {error}")
                sink.set_status("error")
                return
            except OSError as error:
                sink.note(CONNECTION, f"replay stopped reading {self.path}: {_reason(error)}")
                sink.set_status("error")
                return
            finally:
                # Waits for a read still running in the worker thread, a batch at most.
                reader.close()
            sink.set_status("closed")
        except asyncio.CancelledError:
            sink.set_status("closed")
            raise

    async def _feed(self, sink: Sink, reader: RecordingReader) -> None:
        loop = asyncio.get_running_loop()
        pacer = Pacer(self.speed)
        decoder = self.decoder()
        ingest = sink.ingest
        while batch := await asyncio.to_thread(reader.read, BATCH_FRAMES):
            for at, frame in batch:
                delay = pacer.delay(at, loop.time())
                if delay > 0:
                    await asyncio.sleep(delay)
                try:
                    ingest(frame, decoder, at=at)
                except Exception as error:  # one frame must never end the replay
                    sink.note(INTERNAL, f"internal error reading a message: {error!r}")


def _reason(error: BaseException) -> str:
    """An error's own words: an OSError's strerror without the path, which the caller names."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)
