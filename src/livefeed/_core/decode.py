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
- "msgpack": each binary frame is one MessagePack value, a map or an array of maps (see
  `MsgpackDecoder`); a text frame is a `not_msgpack` problem.
- "gzip+json", "deflate+json": each binary frame is compressed JSON (gzip; zlib-wrapped or raw
  deflate), inflated up to `MAX_INFLATED` bytes and then read as "json" reads a frame; a text
  frame is read as JSON as it is (see `InflatingJsonDecoder`).

Numbers are read as the chart needs them: NaN and Infinity are accepted, an integer beyond 64
bits comes as a float (orjson reads it so), and one beyond a float's range as an exact int
(Python's `json` reads what orjson refuses); coercion decides later what can be drawn.

A user's function becomes a decoder through `decoder_factory`; one that keeps state per
connection gets a name through `register_decoder`. It returns a dict (one record), a list of dicts,
a dict of equal-length columns, or a numpy array (structured, or 2-D): see `FunctionDecoder`. Both
are guarded: what they raise or return amiss is counted, and the feed goes on.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Protocol

import msgpack  # type: ignore[import-untyped]
import numpy as np
import orjson

# Problem kinds, as counted in `stats["error_kinds"]`.
NOT_JSON = "not_json"
NOT_AN_OBJECT = "not_an_object"
BINARY_FRAME = "binary_frame"
DECODE_ERROR = "decode_error"  # a user's decoder raised
TOO_LARGE = "too_large"  # more than a decoder may hold (and, for a connection, than max_size)
NOT_MSGPACK = "not_msgpack"  # a frame the "msgpack" decoder cannot read
NOT_COMPRESSED = "not_compressed"  # a binary frame that does not inflate as gzip or deflate

Record = dict[str, Any]
Frame = str | bytes

# NDJSON: the longest line (in characters of text frames, bytes of binary ones) kept while waiting
# for its end. A stream that never sends a newline must not grow without bound.
MAX_LINE: Final = 64 * 2**20
# "gzip+json", "deflate+json": the most bytes one frame may inflate to. A few kilobytes of zeros
# inflate to gigabytes; inflating stops at this bound instead of exhausting memory.
MAX_INFLATED: Final = 64 * 2**20
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
UserFunction = Callable[[Any], Any]  # frame -> records, as `FunctionDecoder` reads them


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


def _records_of(value: Any, problems: list[Problem], what: str = "JSON") -> list[Record]:
    """The records of one decoded value (`what` names its format in problems)."""
    if type(value) is dict:
        return [value]
    if type(value) is list:
        if set(map(type, value)) == {dict}:  # the usual array of objects: no copy needed
            return value
        records = [item for item in value if type(item) is dict]
        skipped = len(value) - len(records)
        if skipped:
            problems.append(
                Problem(NOT_AN_OBJECT, f"{skipped} item(s) of a {what} array are not objects")
            )
        return records
    problems.append(Problem(NOT_AN_OBJECT, f"a {what} {type(value).__name__} is not an object"))
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
                    "(another format needs decode=)",
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
                    f"{_excerpt(text)} (another format needs decode=)",
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
    return Problem(NOT_JSON, f"not JSON ({error_text(error)}): {_excerpt(line)}")


def error_text(error: BaseException) -> str:
    """The text of `error`, cut to a length a problem's message may hold ("" when its `__str__`
    fails). Never raises."""
    try:
        text = str(error)
    except Exception:  # a broken __str__
        text = ""
    return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 1] + "…"


def raised_text(error: BaseException) -> str:
    """The type and text of `error` for a problem's message: "struct.error: unpack requires …",
    or the type alone when there is no text. Never raises."""
    kind = type(error)
    # "struct.error" says more than "error"; built-in exceptions are known by their names.
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    text = error_text(error)
    return f"{name}: {text}" if text else name


def _raised(error: Exception) -> Problem:
    return Problem(DECODE_ERROR, f"the decoder raised {raised_text(error)}")


# -- msgpack -------------------------------------------------------------------------------------

# Map keys that msgpack's strict reading lets through, and that are kept as they are.
_PACKED_KEYS: Final = (str, bytes)


def _unpack(frame: bytes) -> Any:
    """The one MessagePack value `frame` holds. Raises what msgpack raises when it holds none (or
    more than one)."""
    try:
        # Strict keys first: msgpack then checks, as it reads, that every key at every depth is
        # text or binary, so the usual frame needs no second look at its maps.
        return msgpack.unpackb(frame, raw=False, strict_map_key=True, timestamp=3)
    except ValueError:
        pass  # other keys (or no MessagePack at all: then the second reading raises again)
    return _text_keys(msgpack.unpackb(frame, raw=False, strict_map_key=False, timestamp=3))


def _text_keys(value: Any) -> Any:
    """`value` with every map key other than str or bytes, at any depth, turned into its str()."""
    if type(value) is dict:
        return {
            key if isinstance(key, _PACKED_KEYS) else str(key): _text_keys(item)
            for key, item in value.items()
        }
    if type(value) is list:
        return [_text_keys(item) for item in value]
    return value


class MsgpackDecoder:
    """The "msgpack" decoder: each binary frame holds one MessagePack value.

    A map is one record, an array of maps holds several (items that are not maps are counted as
    `not_an_object`, as is any other value). Strings are read as `str` (UTF-8), binary as `bytes`,
    and the timestamp extension type as a `datetime` in UTC (an x axis reads it as a time); other
    extension types come as `msgpack.ExtType`. Map keys that are str or bytes are kept as they
    are; other keys (integers, floats, booleans, nil), at any depth, become their `str()`, so that
    `y="1"` reads the key 1.

    A text frame, or bytes that are not exactly one MessagePack value (cut short, or followed by
    more bytes), is a `not_msgpack` problem. Stateless: each frame stands alone.
    """

    # Values may be bytes, ExtType or datetime: the pipeline must look at each.
    json_values: ClassVar[bool] = False

    @staticmethod
    def decode(frame: Frame) -> tuple[list[Record], list[Problem]]:
        """The records of one frame; never raises."""
        checked = frame if isinstance(frame, bytes) else _as_frame(frame)
        if not isinstance(checked, bytes):
            what = "a text frame" if isinstance(frame, str) else f"a {type(frame).__name__}"
            return [], [
                Problem(NOT_MSGPACK, f"{what} is not MessagePack (a binary frame is expected)")
            ]
        try:
            value = _unpack(checked)
        except Exception as error:
            # msgpack's reader raises ValueError and its subclasses for bytes that are not
            # MessagePack, TypeError for a key that cannot be a dict's key (an array), and
            # OverflowError for a timestamp beyond datetime's years: none may end the feed.
            return [], [
                Problem(
                    NOT_MSGPACK,
                    f"a binary frame of {len(checked):,} bytes is not MessagePack "
                    f"({raised_text(error)}); it starts with {checked[:8].hex(' ') or 'nothing'}",
                )
            ]
        problems: list[Problem] = []
        return _records_of(value, problems, "MessagePack"), problems


# -- gzip+json, deflate+json ---------------------------------------------------------------------

_GZIP: Final = 32 + zlib.MAX_WBITS  # a gzip (or zlib) header, told apart by zlib
_ZLIB: Final = zlib.MAX_WBITS  # a zlib header and checksum around deflate data
_RAW: Final = -zlib.MAX_WBITS  # deflate data alone


class _TooLarge(Exception):
    """Inflating would give more bytes than the bound."""


def _looks_zlib(data: bytes) -> bool:
    # RFC 1950: the method is 8 (deflate), and the two header bytes are a multiple of 31.
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    """`data` inflated (for gzip, every member of it, one after another).

    Raises `zlib.error` for data that does not inflate, `_TooLarge` as soon as more than `limit`
    bytes would come: no more than `limit + 1` bytes are ever made. Data that ends without its
    end marker (a stream cut at a flush) gives what it inflated to; the JSON reader then tells
    whether that is whole.
    """
    pieces: list[bytes] = []
    size = 0
    while True:
        inflater = zlib.decompressobj(wbits)
        # max_length makes zlib stop at the bound instead of filling memory with a bomb.
        piece = inflater.decompress(data, limit - size + 1)
        size += len(piece)
        if size > limit:
            raise _TooLarge
        pieces.append(piece)
        if not inflater.eof:
            if not piece:
                raise zlib.error("the data ends before anything inflates")
            break
        data = inflater.unused_data
        if wbits != _GZIP or not data:
            break  # a gzip file may hold several members; after a deflate stream, nothing is read
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


class InflatingJsonDecoder:
    """The "gzip+json" and "deflate+json" decoders: each binary frame is compressed JSON.

    A binary frame is inflated, then read exactly as the "json" decoder reads a frame (an object,
    an array of objects, or newline-delimited objects; see `decode_json`). "gzip" accepts gzip
    data (every member of it) or zlib-wrapped data; "deflate" accepts zlib-wrapped or raw deflate
    data (told apart by the zlib header; raw deflate has none, so bytes that are not compressed
    may inflate to bytes that are not JSON, counted then by the JSON reader). A text frame is read
    as JSON as it is: some servers send uncompressed text frames on the same connection.

    A binary frame that does not inflate is a `not_compressed` problem; one that would inflate to
    more than `max_inflated` bytes is a `too_large` problem, found without inflating more than
    that. Stateless: each frame stands alone.
    """

    json_values: ClassVar[bool] = True

    def __init__(self, method: str, max_inflated: int = MAX_INFLATED) -> None:
        if method not in ("gzip", "deflate"):
            raise ValueError(f"method must be 'gzip' or 'deflate', not {method!r}")
        self.method = method
        self.max_inflated = max_inflated

    def decode(self, frame: Frame) -> tuple[list[Record], list[Problem]]:
        """The records of one frame; never raises."""
        checked = frame if isinstance(frame, bytes) else _as_frame(frame)
        if not isinstance(checked, bytes):
            return decode_json(frame)  # a text frame, or no frame (counted there)
        if self.method == "gzip":
            attempts: tuple[int, ...] = (_GZIP,)
        else:
            # A zlib header is tried first; the rare raw stream that happens to start like one
            # then fails its checks and is read raw.
            attempts = (_ZLIB, _RAW) if _looks_zlib(checked) else (_RAW,)
        error: zlib.error | None = None
        for wbits in attempts:
            try:
                return decode_json(_inflate(checked, wbits, self.max_inflated))
            except zlib.error as failed:
                error = error or failed
            except _TooLarge:
                return [], [
                    Problem(
                        TOO_LARGE,
                        f"a binary frame of {len(checked):,} bytes inflates to more than "
                        f"{self.max_inflated:,} bytes: skipped",
                    )
                ]
        formats = "gzip" if self.method == "gzip" else "deflate (zlib or raw)"
        return [], [
            Problem(
                NOT_COMPRESSED,
                f"a binary frame of {len(checked):,} bytes is not {formats} data "
                f"({error_text(error) if error else 'no data'}); "
                f"it starts with {checked[:8].hex(' ') or 'nothing'}",
            )
        ]


def _gzip_json() -> Decoder:
    return InflatingJsonDecoder("gzip")


def _deflate_json() -> Decoder:
    return InflatingJsonDecoder("deflate")


# -- a user's function ---------------------------------------------------------------------------

# The values a dict of columns holds (a numpy array only when 1-D).
_COLUMN_TYPES: Final = (list, tuple, np.ndarray)


def _mapping_records(mapping: Mapping[Any, Any]) -> tuple[list[Record], list[Problem]]:
    """A returned mapping: one record, or, when every value is a column, a dict of columns."""
    # A record's values are seldom all lists: the loop stops at its first scalar, most often the
    # first value, so one record costs an isinstance check.
    for column in mapping.values():
        if not isinstance(column, _COLUMN_TYPES) or (
            isinstance(column, np.ndarray) and column.ndim != 1
        ):
            return [mapping if type(mapping) is dict else dict(mapping)], []
    if not mapping:
        return [{}], []  # no values: one empty record, not zero columns
    names = list(mapping)
    columns = list(mapping.values())
    lengths = [len(column) for column in columns]
    if min(lengths) != max(lengths):
        shown = ", ".join(
            f"{name}: {length}" for name, length in zip(names[:8], lengths[:8], strict=True)
        )
        more = ", …" if len(names) > 8 else ""
        return [], [
            Problem(
                NOT_AN_OBJECT,
                f"the decoder returned columns of unequal lengths ({shown}{more}); columns "
                "must all be as long (to return one record whose values are lists, return "
                "[record])",
            )
        ]
    # Values are kept as they are (numpy scalars included): tolist() would be quicker, but would
    # turn datetime64 values into plain integers.
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)], []


def _array_records(array: np.ndarray[Any, Any]) -> tuple[list[Record], list[Problem]]:
    """A returned numpy array: a structured one by field name, a 2-D one by column number."""
    names = array.dtype.names
    if names is not None:
        flat = array.reshape(-1)
        columns = [flat[name] for name in names]
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)], []
    if array.ndim == 2:
        keys = [str(index) for index in range(array.shape[1])]
        return [dict(zip(keys, row, strict=True)) for row in array], []
    return [], [
        Problem(
            NOT_AN_OBJECT,
            f"the decoder returned a {array.ndim}-D array of {array.dtype} (shape "
            f"{array.shape}); an array gives records when it is structured (one record per "
            'element, keyed by field name) or 2-D (one record per row, keyed "0", "1", …)',
        )
    ]


def _user_records(value: object) -> tuple[list[Record], list[Problem]]:
    """What a user's function returned, as records (see `FunctionDecoder`); what cannot be one is
    counted."""
    if type(value) is dict:
        return _mapping_records(value)
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
    if isinstance(value, Mapping):
        return _mapping_records(value)
    if isinstance(value, np.ndarray):
        return _array_records(value)
    return [], [
        Problem(
            NOT_AN_OBJECT,
            f"the decoder returned a {type(value).__name__}, not a dict, a list of dicts, "
            "a dict of columns or a numpy array",
        )
    ]


class FunctionDecoder:
    """A user's function `frame -> records` as a decoder. The function may return:

    - a dict (or another mapping): one record; `[]`: no record in this frame;
    - a list (or tuple) of dicts: several records; items that are not mappings are counted;
    - a dict of columns: a dict whose values are all lists, tuples or 1-D numpy arrays, of one
      length n (n may be 0), gives n records, the i-th holding the i-th value of each column, as
      it is (numpy scalars included). The rule is on all values: a dict with at least one value
      that is not such a sequence (a number, a str, a nested dict, a 2-D array) is one record,
      and an empty dict is one empty record. So a single record whose values are all lists must
      be returned in a list, `[record]`. Columns of unequal lengths are counted as
      `not_an_object`, naming the lengths, and give no record;
    - a numpy array: a structured one (a dtype with field names) gives one record per element
      (in C order), keyed by field name; a 2-D one of k columns gives one record per row, keyed
      "0", "1", …, "k-1" (so `x="0", y="1"` charts an array of pairs). Any other array is
      counted as `not_an_object`, saying which shapes are accepted.

    What the function raises (an `Exception`) is counted as `decode_error`, with the exception's
    type and text; anything else it returns is counted as `not_an_object`.
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
DECODERS: dict[str, DecoderFactory] = {
    "json": JsonDecoder,
    "ndjson": NdjsonDecoder,
    "msgpack": MsgpackDecoder,
    "gzip+json": _gzip_json,
    "deflate+json": _deflate_json,
}


def register_decoder(name: str, make: Callable[[], UserFunction]) -> None:
    """Make `decode=name` mean: call `make()` for each connection, and decode that connection's
    frames with the function it returns (as for `decode=`: see `FunctionDecoder`).

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
    """What makes a connection's decoder, for a `decode=` option: a registered name, or a user's
    function `frame -> records` (see `FunctionDecoder`).

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
        "decode= takes a decoder's name or a function frame -> records, "
        f"not {type(decoder).__name__}"
    )
