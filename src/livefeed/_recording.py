"""Recordings of a feed's raw frames: the append-only `.lfrec` file, its writer and its reader.

A recording keeps every frame a connection received, as it came (text as text, binary as
binary), with its arrival time, so that a replay feeds a chart exactly what the live feed did.
The layout is spelled out in docs/recording.md. This module opens files and nothing else: no
sockets, no threads of its own; `Recorder` and `RecordingReader` may be called from any thread.

The writer's promise is "nothing lost on a process crash beyond the last second": frames wait in
memory for at most `FLUSH_PERIOD` seconds (or `FLUSH_BYTES` bytes) before they are handed to the
operating system in one write, so a crash of the process loses at most that buffer. A crash in the
middle of that write leaves a cut last record, which the reader stops before and the next
`Recorder` on the file cuts away before it appends.
"""

from __future__ import annotations

import contextlib
import json
import math
import numbers
import os
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Final

from ._core.decode import Frame

SUFFIX: Final = ".lfrec"
# PNG's trick: the high byte catches 7-bit transfers, CR LF and the lone LF catch newline
# translation, so a file mangled in transit is refused rather than misread.
MAGIC: Final = b"\x89LFREC\r\n"
VERSION: Final = 1

# magic, format version, length of the metadata that follows (UTF-8 JSON)
PREAMBLE: Final = struct.Struct("<8sHI")
# arrival time (epoch seconds), kind, payload length; the payload follows
RECORD: Final = struct.Struct("<dBI")

TEXT: Final = 1  # payload is the frame's text as UTF-8
BINARY: Final = 2  # payload is the frame's bytes

MAX_METADATA: Final = 2**20  # a longer header is not one this module wrote
MAX_PAYLOAD: Final = 2**32 - 1  # what the length field holds

# The writer hands its buffer to the operating system at least this often, and sooner once the
# buffer holds this many bytes, so that memory stays bounded on a fast feed.
FLUSH_PERIOD: Final = 1.0  # seconds
FLUSH_BYTES: Final = 2**20

# A reader checks a record's length against the file's size only above this: a damaged length
# field must not make it allocate gigabytes, and a stat per small record would cost more than
# the record.
_CHECK_LENGTH_ABOVE = 2**20

_pack_record = RECORD.pack
_unpack_record = RECORD.unpack


@dataclass(frozen=True)
class RecordingHeader:
    """What a recording says about itself: never a credential.

    `source` is the public description the recorder was given (a URL without user, password or
    query), `created` the epoch seconds at which the file was begun, `size` the bytes of the header
    in the file (where the first record starts).
    """

    version: int
    source: str
    created: float
    size: int


def encode_header(source: str, created: float) -> bytes:
    """The bytes a new recording starts with."""
    metadata = json.dumps(
        {"source": source, "created": created}, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    return PREAMBLE.pack(MAGIC, VERSION, len(metadata)) + metadata


class RecordingReader:
    """Reads a recording's frames from its start, in order.

    Opening reads the header: `ValueError` if the file is not a recording (or one of another
    format version), `OSError` if it cannot be read. `read()` then returns frames batch by batch.
    The end of the file inside a record is not an error but the end of what can be read (`cut`
    tells), so a recording whose writer crashed, or is still writing, yields every whole record
    before that point, and a later `read()` picks up records flushed since. A record that cannot
    be one (an unknown kind) raises `ValueError` naming its offset, after the frames before it.

    Every method may be called from any thread; `close()` waits for a `read()` in progress.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._file = open(self.path, "rb")  # noqa: SIM115 - closed by close()
        try:
            self.header = self._read_header()
        except BaseException:
            self._file.close()
            raise
        self._offset = self.header.size  # where the next record starts
        self.frames = 0  # frames read so far
        self.cut = False  # whether the last read ended inside a record

    def _read_header(self) -> RecordingHeader:
        name = self.path.name
        preamble = self._file.read(PREAMBLE.size)
        if len(preamble) < PREAMBLE.size or not preamble.startswith(MAGIC):
            raise ValueError(f"{name} is not a livefeed recording ({SUFFIX} file)")
        _magic, version, length = PREAMBLE.unpack(preamble)
        if version != VERSION:
            raise ValueError(
                f"{name} is a livefeed recording of format version {version}; this version of "
                f"livefeed reads version {VERSION}"
            )
        if length > MAX_METADATA:
            raise ValueError(f"{name} is damaged: its header claims {length} bytes of metadata")
        raw = self._file.read(length)
        try:
            if len(raw) < length:
                raise ValueError("cut short")
            metadata = json.loads(raw.decode("utf-8"))
            source = metadata["source"]
            created = metadata["created"]
            if not isinstance(source, str) or not isinstance(created, (int, float)):
                raise TypeError("wrong types")
        except (ValueError, TypeError, KeyError) as error:
            raise ValueError(f"{name} is damaged: its header cannot be read ({error})") from None
        return RecordingHeader(VERSION, source, float(created), PREAMBLE.size + length)

    def read(
        self, max_frames: int = 1024, max_bytes: int = FLUSH_BYTES
    ) -> list[tuple[float, Frame]]:
        """The next frames, as (arrival time, frame): at most `max_frames`, and no more once
        their payloads reach `max_bytes`. An empty list means the end for now: `cut` then says
        whether the file ended inside a record (a writer crashed in mid-write, or is writing)."""
        frames: list[tuple[float, Frame]] = []
        with self._lock:
            file = self._file
            offset = self._offset
            taken = 0
            cut = False
            while len(frames) < max_frames and taken < max_bytes:
                head = file.read(RECORD.size)
                if len(head) < RECORD.size:
                    cut = len(head) > 0
                    break
                at, kind, length = _unpack_record(head)
                if kind != TEXT and kind != BINARY:
                    if frames:
                        break  # hand these over first; the next read raises
                    file.seek(offset)
                    raise self._damaged(offset, kind)
                if length > _CHECK_LENGTH_ABOVE and length > self._left(offset):
                    cut = True
                    break
                payload = file.read(length)
                if len(payload) < length:
                    cut = True
                    break
                frames.append(
                    (at, payload.decode("utf-8", "surrogatepass") if kind == TEXT else payload)
                )
                offset += RECORD.size + length
                taken += length
            # Stand at the start of the first record not read, whole or not, so that the next
            # read tries it again: a writer may have finished it by then.
            file.seek(offset)
            self._offset = offset
            self.frames += len(frames)
            self.cut = cut
        return frames

    def skip_to_end(self) -> int:
        """Pass over every whole record without reading its payload; returns the offset where
        the last whole record ends (`cut` says whether bytes follow it). Raises like `read`."""
        with self._lock:
            file = self._file
            offset = self._offset
            size = os.fstat(file.fileno()).st_size
            while True:
                head = file.read(RECORD.size)
                if len(head) < RECORD.size:
                    self.cut = len(head) > 0
                    break
                _at, kind, length = _unpack_record(head)
                if kind != TEXT and kind != BINARY:
                    file.seek(offset)
                    raise self._damaged(offset, kind)
                end = offset + RECORD.size + length
                if end > size:
                    self.cut = True
                    break
                file.seek(end)
                offset = end
                self.frames += 1
            file.seek(offset)
            self._offset = offset
            return offset

    def _damaged(self, offset: int, kind: int) -> ValueError:
        return ValueError(
            f"{self.path.name} is damaged at byte {offset}: a record of unknown kind {kind}"
        )

    def _left(self, offset: int) -> int:
        """Bytes of payload the file holds after the record header at `offset`."""
        return os.fstat(self._file.fileno()).st_size - offset - RECORD.size

    def __iter__(self) -> Iterator[tuple[float, Frame]]:
        """Every frame from here to the end of the file as it is now."""
        while batch := self.read():
            yield from batch

    def close(self) -> None:
        """Close the file; harmless twice."""
        with self._lock:
            self._file.close()

    def __enter__(self) -> RecordingReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def read_recording(path: str | os.PathLike[str]) -> Iterator[tuple[float, Frame]]:
    """Every whole frame of the recording at `path`, as (arrival time, frame), in order.

    Raises `ValueError` at once for a file that is not a recording; a cut last record ends the
    frames quietly (use `RecordingReader` to learn whether it was cut).
    """
    reader = RecordingReader(path)
    return _frames_then_close(reader)


def _frames_then_close(reader: RecordingReader) -> Iterator[tuple[float, Frame]]:
    with reader:
        yield from reader


def check_speed(speed: float | None) -> float | None:
    """`speed` as a float if it is a replay speed: a finite number above 0, or None for as fast
    as possible. TypeError for what is not a number, ValueError for any other number."""
    if speed is None:
        return None
    if isinstance(speed, bool) or not isinstance(speed, numbers.Real):
        raise TypeError(f"speed must be a number or None, not {type(speed).__name__}")
    if not math.isfinite(speed) or speed <= 0:
        raise ValueError(f"speed must be a finite number above 0 (or None), not {speed!r}")
    return float(speed)


class Pacer:
    """When each frame of a replay is due: frame i at start + (t_i - t_0) / speed.

    The first frame asked about fixes t_0 and start, so every later frame is timed from the same
    origin: a frame delivered late (a busy machine) does not push the ones after it later. A
    frame recorded before t_0 (the clock was set back) is due at once. No I/O: the caller sleeps.
    """

    def __init__(self, speed: float | None) -> None:
        self.speed = check_speed(speed)
        self._origin: tuple[float, float] | None = None  # (t_0, start)

    def delay(self, at: float, now: float) -> float:
        """Seconds from `now` (a monotonic clock) until the frame recorded at `at` is due; 0 if
        it is due already, and always 0 at speed None."""
        if self.speed is None:
            return 0.0
        if self._origin is None:
            self._origin = (at, now)
            return 0.0
        first, start = self._origin
        return max(0.0, start + (at - first) / self.speed - now)

    def restart(self) -> None:
        """Time the next frame asked about as a first frame again (a replay starting over)."""
        self._origin = None


class Recorder:
    """Appends frames to a recording: `write(frame, at)` for each, then `close()`.

    A new (or empty) file gets a header naming `source`, which must already be public: a URL
    without user, password or query (`_redact.public_url`), never a credential. An existing
    recording is continued: its header, `source` and creation time included, stays as it is,
    and a last record cut by a crash is cut away first, so that what is appended can be read.
    A file that is not a recording raises `ValueError` and is left untouched.

    `write` only packs the record into a buffer; the buffer goes to the operating system in one
    write once `FLUSH_PERIOD` seconds have passed since the last such write, or once it holds
    `FLUSH_BYTES`. `write` checks that itself, but a feed that falls silent writes nothing, so
    the owner calls `flush_if_due(time.monotonic())` (or `flush()`) on a timer as well: then a
    crash of the process loses at most the last second. `close()` writes the rest and asks the
    OS to keep it on disk (fsync).

    Every method may be called from any thread; the bytes of one record are never split between
    two writes to the file by another record. A failed write to the OS (disk full) cuts the file
    back to its last whole record, closes the recorder and raises the `OSError`; writing to a
    closed recorder raises `ValueError`. One recorder per file at a time.
    """

    def __init__(self, path: str | os.PathLike[str], source: str = "") -> None:
        self.path = Path(path)
        self._lock = threading.Lock()  # guards the buffer
        self._io_lock = threading.Lock()  # one write to the file at a time, in buffer order
        self._buffer = bytearray()
        self._next_flush = time.monotonic() + FLUSH_PERIOD
        self.frames = 0  # frames taken by `write` (this recorder's, not those appended to)
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
        fd = os.open(self.path, flags, 0o666)
        try:
            if os.fstat(fd).st_size == 0:
                created = time.time()
                header_bytes = encode_header(source, created)
                try:
                    _write_all(fd, header_bytes)
                except OSError:
                    # Leave the file empty, as it was, rather than a half header that every later
                    # reader would refuse as "not a recording".
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, 0)
                    raise
                self.header = RecordingHeader(VERSION, source, created, len(header_bytes))
                self._end = len(header_bytes)
            else:
                with RecordingReader(self.path) as reader:
                    self.header = reader.header
                    self._end = reader.skip_to_end()
                os.ftruncate(fd, self._end)  # nothing after the last whole record
        except BaseException:
            os.close(fd)
            raise
        self._fd: int | None = fd

    def write(self, frame: Frame, at: float) -> None:
        """Record `frame` (str: a text frame, bytes: a binary one) as arrived at `at` (epoch
        seconds). Raises ValueError for a payload of 4 GiB or more, or once closed."""
        if isinstance(frame, str):
            payload: bytes = frame.encode("utf-8", "surrogatepass")
            kind = TEXT
        else:
            payload = frame
            kind = BINARY
        length = len(payload)
        if length > MAX_PAYLOAD:
            raise ValueError(f"a frame of {length} bytes is too large to record")
        with self._lock:
            if self._fd is None:
                raise ValueError("the recorder is closed")
            buffer = self._buffer
            buffer += _pack_record(at, kind, length)
            buffer += payload
            self.frames += 1
            due = len(buffer) >= FLUSH_BYTES
        if due or time.monotonic() >= self._next_flush:
            self.flush()

    def flush_if_due(self, now: float) -> bool:
        """Write the buffer to the OS if `FLUSH_PERIOD` seconds have passed since the last write
        to the OS (`now` is a `time.monotonic()`); returns whether it did."""
        if now < self._next_flush:
            return False
        self.flush()
        return True

    def flush(self) -> None:
        """Hand every buffered record to the OS now (nothing is lost if the process dies next)."""
        self._drain(closing=False)

    def close(self) -> None:
        """Write what is buffered, ask the OS to keep it on disk, close; harmless twice."""
        self._drain(closing=True)

    @property
    def closed(self) -> bool:
        return self._fd is None

    def _drain(self, closing: bool) -> None:
        with self._io_lock:
            with self._lock:
                fd = self._fd
                data = self._buffer
                self._buffer = bytearray()
                self._next_flush = time.monotonic() + FLUSH_PERIOD
                if closing:
                    self._fd = None  # from here on a write raises rather than being lost
            if fd is None:
                return
            written = False
            try:
                if data:
                    _write_all(fd, data)
                    self._end += len(data)
                written = True
                if closing:
                    os.fsync(fd)
            except OSError:
                if not written:
                    # Part of a record may have reached the file: cut it away, so that the file
                    # still ends with a whole record, and stop rather than record with a gap.
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, self._end)
                with self._lock:
                    self._fd = None
                    self._buffer = bytearray()
                closing = True
                raise
            finally:
                if closing:
                    os.close(fd)

    def __enter__(self) -> Recorder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _write_all(fd: int, data: bytes | bytearray) -> None:
    """Write every byte of `data`: a write to a file may take fewer than it was given."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
