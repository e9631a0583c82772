"""Decoding one WebSocket message into JSON records.

A message may be one JSON object, a JSON array of objects, or several newline-delimited objects.
Decoding never raises: what cannot be used comes back as `Problem`s beside the records that could.
Numbers keep the values JSON gives them: integers of any size (Python's `json` reads those that
`orjson` refuses), NaN and Infinity; coercion decides later what can be drawn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson

# Problem kinds, as counted in `stats["error_kinds"]`.
NOT_JSON = "not_json"
NOT_AN_OBJECT = "not_an_object"
BINARY_FRAME = "binary_frame"

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the input that could not be used: `kind` for counting, `message` for people."""

    kind: str
    message: str


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


def decode_message(raw: str | bytes) -> tuple[list[Record], list[Problem]]:
    """Return the records in `raw` and the problems met, in input order; never raises.

    `raw` is a text frame (`str`) or a binary frame (`bytes`, or another bytes-like object); a
    binary frame holding UTF-8 JSON is accepted, as some servers send JSON that way. Anything else
    is a `not_json` problem.
    """
    problems: list[Problem] = []
    if not isinstance(raw, (str, bytes)):
        if not isinstance(raw, (bytearray, memoryview)):
            return [], [Problem(NOT_JSON, f"a {type(raw).__name__} is not a text or binary frame")]
        raw = bytes(raw)
    try:
        return _records_of(_loads(raw), problems), problems
    except (ValueError, RecursionError) as error:
        first_error = error
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return [], [
                Problem(BINARY_FRAME, f"a binary frame of {len(raw)} bytes is not UTF-8 JSON")
            ]
    # Only "\n" ends a line of NDJSON: splitlines() would also cut at characters such as U+2028,
    # which JSON strings may hold as they are.
    lines = [line for line in raw.split("\n") if line.strip()]
    if len(lines) < 2:
        return [], [Problem(NOT_JSON, f"not JSON ({first_error}): {_excerpt(raw)}")]
    records: list[Record] = []
    for line in lines:  # newline-delimited JSON: each line stands or falls alone
        try:
            records.extend(_records_of(_loads(line), problems))
        except (ValueError, RecursionError) as error:
            problems.append(Problem(NOT_JSON, f"not JSON ({error}): {_excerpt(line)}"))
    return records, problems
