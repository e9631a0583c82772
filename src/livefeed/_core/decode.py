"""Decoders: the frames of one connection in, records and problems out.

A `Decoder` reads the frames of one connection, in order: a text frame comes as `str`, a binary
frame as `bytes`, each decoded as what it is (a binary frame is never turned into text first).
Decoding never raises: what cannot be used comes back as `Problem`s beside the records that could.
A decoder may keep state from frame to frame (a line split across frames), so a fresh one is made
for every connection: `decoder_factory(name_or_callable)` gives the maker, checked once.

Built-in decoders, by name (see `DECODERS`):

- "json": each frame is one JSON object, an array of objects, or newline-delimited objects; binary
  frames holding UTF-8 JSON are read the same way. Stateless.
- "ndjson": the frames are pieces of one stream of newline-delimited JSON: a line split across
  frames is joined, and a frame may end in the middle of a line.

Numbers are read as the chart needs them: NaN and Infinity are accepted, an integer beyond 64
bits comes as a float (orjson reads it so), and one beyond a float's range as an exact int
(Python's `json` reads what orjson refuses); coercion decides later what can be drawn.

A user's function `frame -> dict | list[dict]` becomes a decoder through `decoder_factory`; one
that keeps state per connection gets a name through `register_decoder`. Both are guarded: what
they raise or return amiss is counted, and the feed goes on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Protocol

import orjson

# Problem kinds, as counted in `stats["error_kinds"]`.
NOT_JSON = "not_json"
NOT_AN_OBJECT = "not_an_object"
BINARY_FRAME = "binary_frame"
DECODE_ERROR = "decode_error"  # a user's decoder raised
TOO_LARGE = "too_large"  # more than a decoder may hold (and, for a connection, than max_size)

Record = dict[str, Any]
Frame = str | bytes

# NDJSON: the longest line (in characters of text frames, bytes of binary ones) kept while waiting
# for its end. A stream that never sends a newline must not grow without bound.
MAX_LINE: Final = 64 * 2**20
_TEXT_LIMIT = 200  # characters of an exception's text kept in a problem


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the input that could not be used: `kind` for counting, `message` for people."""

    kind: str
    message: str


class Decoder(Protocol):
    """Reads the frames of one connection, in order, into records.

    `decode` never raises, and returns the records of the frame (possibly none, when a frame ends
    in the middle of a record) and the problems met, in input order.

    `json_values` is True when the records hold only what JSON gives (dict, list, str, int,
    float, bool, None): the pipeline then reads long lists column by column without checking
    each value's type.
    """

    @property
    def json_values(self) -> bool:
        """Whether the records hold only values JSON gives."""

    def decode(self, frame: Frame) -> tuple[list[Record], list[Problem]]:
        """The records in `frame` and the problems met."""


DecoderFactory = Callable[[], Decoder]
UserFunction = Callable[[Any], Any]  # frame -> dict | list[dict]


def _excerpt(raw: str | bytes, limit: int = 60) -> str:
    # Only the start is decoded: a message may be megabytes long.
    text = raw[: limit * 4] if isinstance(raw, str) else raw[: limit * 4].decode("utf-8", "replace")
    text = text.strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _loads(raw: str | bytes) -> Any:
    try:
        return orjson.loads(raw)  # several times faster than the standard library
    except ValueError:
        # orjson rejects NaN and Infinity, which Python's json (and many feeds) accept, and
        # integers beyond 64 bits; the standard library also gives the better error message when
        # the input really is broken.
        return json.loads(raw)


def _records_of(value: Any, problems: list[Problem]) -> list[Record]:
    if type(value) is dict:
        return [value]
    if type(value) is list:
        if set(map(type, value)) == {dict}:  # the usual array of objects: no copy needed
            return value
        records = [item for item in value if type(item) is dict]
        skipped = len(value) - len(records)
        if skipped:
            problems.append(
                Problem(NOT_AN_OBJECT, f"{skipped} item(s) of a JSON array are not objects")
            )
        return records
    problems.append(Problem(NOT_AN_OBJECT, f"a JSON {type(value).__name__} is not an object"))
    return []


def _as_frame(raw: object) -> Frame | None:
    """`raw` as str or bytes, or None when it is neither text nor a bytes-like object."""
    if isinstance(raw, (str, bytes)):
        return raw
    if isinstance(raw, (bytearray, memoryview)):
        return bytes(raw)
    return None


def _no_frame(raw: object) -> list[Problem]:
    return [Problem(NOT_JSON, f"a {type(raw).__name__} is not a text or binary frame")]


def decode_json(raw: Frame) -> tuple[list[Record], list[Problem]]:
    """The "json" decoder's reading of one frame; never raises.

    `raw` is a text frame (`str`) or a binary frame (`bytes`, or another bytes-like object). A
    frame holds one JSON object, an array of objects, or newline-delimited objects (each line
    stands or falls alone). A text frame that is none of these is a `not_json` problem; a binary
    frame from which no JSON can be read at all is a `binary_frame` problem (another format needs
    another decoder).
    """
    # The usual frame is tested inline: this runs for every message.
    frame = raw if isinstance(raw, (str, bytes)) else _as_frame(raw)
    if frame is None:
        return [], _no_frame(raw)
    problems: list[Problem] = []
    try:
        # orjson reads UTF-8 bytes as they are: a binary frame is not turned into text first.
        return _records_of(_loads(frame), problems), problems
    except (ValueError, RecursionError) as error:
        first_error = error
    text: str
    if isinstance(frame, bytes):
        try:
            text = frame.decode("utf-8")
        except UnicodeDecodeError:
            return [], [
                Problem(
                    BINARY_FRAME,
                    f"a binary frame of {len(frame):,} bytes is not UTF-8 JSON "
                    "(another format needs decoder=)",
                )
            ]
    else:
        text = frame
    # Only "\n" ends a line of NDJSON: splitlines() would also cut at characters such as U+2028,
    # which JSON strings may hold as they are.
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        if isinstance(frame, bytes):
            return [], [
                Problem(
                    BINARY_FRAME,
                    f"a binary frame of {len(frame):,} bytes is not JSON ({first_error}): "
                    f"{_excerpt(text)} (another format needs decoder=)",
                )
            ]
        return [], [Problem(NOT_JSON, f"not JSON ({first_error}): {_excerpt(text)}")]
    records: list[Record] = []
    for line in lines:  # newline-delimited JSON: each line stands or falls alone
        try:
            records.extend(_records_of(_loads(line), problems))
        except (ValueError, RecursionError) as error:
            problems.append(Problem(NOT_JSON, f"not JSON ({error}): {_excerpt(line)}"))
    return records, problems


class JsonDecoder:
    """The "json" decoder (see `decode_json`): each frame stands alone."""

    json_values: ClassVar[bool] = True
    decode = staticmethod(decode_json)  # no state, and one call less per frame


def _read(text: str | bytes) -> tuple[Any, Exception | None]:
    """The JSON value of `text`, or the error that says why there is none."""
    try:
        return _loads(text), None
    except (ValueError, RecursionError) as error:
        return None, error


class NdjsonDecoder:
    """The "ndjson" decoder: the frames of one connection are pieces of one NDJSON stream.

    A line ends at "\\n" and holds an object or an array of objects; blank lines are skipped, and
    a line that is not JSON is counted as `not_json`. What follows the last newline of a frame:

    - is taken at once when it ends in "}" or "]" and reads as JSON: many servers send one line
      per frame without its newline, and a record must not wait for the next frame;
    - is kept, when it starts with "{" or "[" (a record cut by the end of the frame), and joined
      to what the next frames bring until the line ends;
    - is read (and counted) at once otherwise: nothing else can become a record, so a stray frame
      (a heartbeat such as "ping") holds nothing back.

    A line kept beyond `max_line` characters (bytes, in binary frames) is counted as `too_large`
    and skipped to its newline. Binary frames are read as UTF-8 bytes, never turned into text
    first (a character cut in two by a frame's end is whole again once joined); text and binary
    frames may alternate.
    """

    json_values: ClassVar[bool] = True

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self.max_line = max_line
        self._kept: list[Any] = []  # the pieces of the unfinished line, all str or all bytes
        self._kept_size = 0
        self._skipping = False  # dropping the rest of a line longer than max_line

    def decode(self, frame: Frame) -> tuple[list[Record], list[Problem]]:
        checked = frame if isinstance(frame, (str, bytes)) else _as_frame(frame)
        if checked is None:
            return [], _no_frame(frame)
        if self._kept and type(self._kept[0]) is not type(checked):
            # Text and binary frames mixed on one connection: go on as bytes.
            self._kept = [_as_bytes(piece) for piece in self._kept]
            checked = _as_bytes(checked)
        problems: list[Problem] = []
        if not self._kept and not self._skipping:
            # The usual frame, one whole line with or without its newline, is read at once.
            end = checked.find(b"\n") if isinstance(checked, bytes) else checked.find("\n")
            if end == -1 or end == len(checked) - 1:
                try:
                    return _records_of(_loads(checked), problems), problems
                except (ValueError, RecursionError):
                    pass  # a line cut short, or not JSON: read below, where that is told apart
        records: list[Record] = []
        lines: list[Any] = (
            checked.split(b"\n") if isinstance(checked, bytes) else checked.split("\n")
        )
        tail = lines.pop()  # what follows the last newline ("" after a frame that ends in one)
        if lines:
            if self._skipping:
                lines[0] = lines[0][:0]  # the end of a line too long to keep
                self._skipping = False
            elif self._kept:
                lines[0] = lines[0][:0].join([*self._kept, lines[0]])
                self._kept, self._kept_size = [], 0
        for line in lines:
            if not line or line.isspace():
                continue
            try:
                value = _loads(line)
            except (ValueError, RecursionError) as error:
                problems.append(_not_json(line, error))
                continue
            records.extend(_records_of(value, problems))
        if tail and not self._skipping:
            self._take_tail(tail, records, problems)
        return records, problems

    def _take_tail(self, tail: Any, records: list[Record], problems: list[Problem]) -> None:
        """What follows the last newline of a frame (not empty): see the class docstring."""
        stripped = tail.strip()
        ends_whole = stripped[-1:] in _CLOSERS[type(tail)]
        if not self._kept:
            if not stripped:
                return
            starts_record = stripped[:1] in _OPENERS[type(tail)]
            if ends_whole or not starts_record:
                value, error = _read(stripped)
                if error is None:
                    records.extend(_records_of(value, problems))
                    return
                if not starts_record:  # nothing to come can make it a record
                    problems.append(_not_json(stripped, error))
                    return
            self._kept, self._kept_size = [tail], len(tail)
        else:
            self._kept.append(tail)
            self._kept_size += len(tail)
            if ends_whole:
                # Only then can the line be whole: trying at every frame would read a long
                # line's beginning again and again.
                value, error = _read(tail[:0].join(self._kept))
                if error is None:
                    self._kept, self._kept_size = [], 0
                    records.extend(_records_of(value, problems))
                    return
        if self._kept_size > self.max_line:
            unit = "bytes" if isinstance(tail, bytes) else "characters"
            excerpt = _excerpt(self._kept[0])
            self._kept, self._kept_size, self._skipping = [], 0, True
            problems.append(
                Problem(
                    TOO_LARGE,
                    f"a line longer than {self.max_line:,} {unit}: skipped to its end ({excerpt})",
                )
            )


_OPENERS: Final[dict[type, tuple[Any, ...]]] = {str: ("{", "["), bytes: (b"{", b"[")}
_CLOSERS: Final[dict[type, tuple[Any, ...]]] = {str: ("}", "]"), bytes: (b"}", b"]")}


def _as_bytes(piece: str | bytes) -> bytes:
    return piece.encode("utf-8", "surrogatepass") if isinstance(piece, str) else piece


def _not_json(line: str | bytes, error: Exception) -> Problem:
    return Problem(NOT_JSON, f"not JSON ({_error_text(error)}): {_excerpt(line)}")


def _error_text(error: BaseException) -> str:
    try:
        text = str(error)
    except Exception:  # a broken __str__
        text = ""
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


def _raised(error: Exception) -> Problem:
    kind = type(error)
    # "struct.error" says more than "error"; built-in exceptions are known by their names.
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    text = _error_text(error)
    return Problem(DECODE_ERROR, f"the decoder raised {name}" + (f": {text}" if text else ""))


def _user_records(value: object) -> tuple[list[Record], list[Problem]]:
    """What a user's function returned, as records: a mapping is one, a list (or tuple) of
    mappings holds several; anything else is counted."""
    if isinstance(value, Mapping):
        return [value if type(value) is dict else dict(value)], []
    if isinstance(value, (list, tuple)):
        records = [
            item if type(item) is dict else dict(item)
            for item in value
            if isinstance(item, Mapping)
        ]
        skipped = len(value) - len(records)
        if not skipped:
            return records, []
        return records, [
            Problem(NOT_AN_OBJECT, f"{skipped} item(s) the decoder returned are not dicts")
        ]
    return [], [
        Problem(
            NOT_AN_OBJECT,
            f"the decoder returned a {type(value).__name__}, not a dict or a list of dicts",
        )
    ]


class FunctionDecoder:
    """A user's function `frame -> dict | list[dict]` as a decoder.

    What the function raises (an `Exception`) is counted as `decode_error`, with the exception's
    type and text; what it returns that is not a dict or a list of dicts is counted as
    `not_an_object`. Returning `[]` says that a frame holds no record.
    """

    json_values: ClassVar[bool] = False  # a function may give any Python value

    def __init__(self, function: UserFunction) -> None:
        self.function = function

    def decode(self, frame: Frame) -> tuple[list[Record], list[Problem]]:
        try:
            return _user_records(self.function(frame))
        except Exception as error:  # raised by the function, or by a mapping it returned
            return [], [_raised(error)]


class _BrokenDecoder:
    """What a registered maker that raised gives instead: every frame counts its error."""

    json_values: ClassVar[bool] = False

    def __init__(self, error: Exception) -> None:
        self.problem = _raised(error)

    def decode(self, frame: Frame) -> tuple[list[Record], list[Problem]]:
        return [], [self.problem]


# The decoders known by name: each entry makes a fresh decoder for one connection.
DECODERS: dict[str, DecoderFactory] = {"json": JsonDecoder, "ndjson": NdjsonDecoder}


def register_decoder(name: str, make: Callable[[], UserFunction]) -> None:
    """Make `decoder=name` mean: call `make()` for each connection, and decode that connection's
    frames with the function it returns (`frame -> dict | list[dict]`, as for `decoder=`).

    A class with a `__call__` method is such a `make`: each connection then has its own instance,
    which may keep state from frame to frame. What `make` raises is counted, per frame, as
    `decode_error`. Raises ValueError for a name already taken (or empty), TypeError for a name
    that is not a str or a `make` that cannot be called.
    """
    if not isinstance(name, str):
        raise TypeError(f"a decoder's name must be a str, not {name!r}")
    if not callable(make):
        raise TypeError(f"make must be callable (a class or a function), not {make!r}")
    if not name or name in DECODERS:
        raise ValueError(f"a decoder named {name!r} exists already" if name else "name is empty")

    def factory() -> Decoder:
        try:
            return FunctionDecoder(make())
        except Exception as error:
            return _BrokenDecoder(error)

    DECODERS[name] = factory


def decoder_factory(decoder: str | UserFunction) -> DecoderFactory:
    """What makes a connection's decoder, for a `decoder=` option: a registered name, or a user's
    function `frame -> dict | list[dict]` (see `FunctionDecoder`).

    Raises ValueError for an unknown name (naming the known ones), TypeError for anything else.
    """
    if isinstance(decoder, str):
        factory = DECODERS.get(decoder)
        if factory is None:
            known = ", ".join(repr(name) for name in sorted(DECODERS))
            raise ValueError(f"unknown decoder {decoder!r}; known decoders are {known}")
        return factory
    if callable(decoder):
        function = decoder
        return lambda: FunctionDecoder(function)
    raise TypeError(
        "decoder= takes a decoder's name or a function frame -> dict | list[dict], "
        f"not {type(decoder).__name__}"
    )
