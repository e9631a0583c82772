"""Transforms: a user's function applied to every decoded record, before fields are read.

A transform reshapes what a decoder gives into what a chart reads: it unwraps an envelope
(`{"data": [...]}` into its records), computes a field, or drops what is not data (a control
message such as `{"op": "subscribed"}`, a heartbeat) by returning None. Like decoding, applying
a transform never raises: what the function raises or returns amiss is a `transform_error`
problem, and the records after it go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from .decode import Problem, Record, raised_text

# The problem kind counted for a transform that raised or returned something unusable.
TRANSFORM_ERROR: Final = "transform_error"

Transform = Callable[[Record], Any]  # record -> record | list of records | None


def apply_transform(
    function: Transform, records: Iterable[Record]
) -> tuple[list[Record], list[Problem]]:
    """`function` applied to each of `records`, in order: the records it gives and the problems.

    What `function(record)` returns decides what takes the record's place:

    - a dict (or another mapping, copied into a dict): that record;
    - a list or tuple of mappings: those records, in their order; items that are not mappings
      are left out and counted (one `transform_error` per result, giving their number);
    - None: nothing, and no problem: the record is dropped quietly.

    An `Exception` raised by `function` is a `transform_error` whose message names the exception's
    type and holds its text (cut short); anything else returned is a `transform_error` naming its
    type. Either way the next records are transformed as usual. Records are passed as they are
    (not copied): a function may change one and return it. Never raises an `Exception`.
    """
    out: list[Record] = []
    problems: list[Problem] = []
    append = out.append
    for record in records:
        try:
            result = function(record)
            # The usual results first, by exact type: one check per record.
            if type(result) is dict:
                append(result)
            elif result is None:
                pass
            elif isinstance(result, (list, tuple)):
                out.extend(_records_in(result, problems))
            elif isinstance(result, Mapping):
                append(dict(result))
            else:
                problems.append(
                    Problem(
                        TRANSFORM_ERROR,
                        f"the transform returned a {type(result).__name__}, "
                        "not a dict, a list of dicts or None",
                    )
                )
        except Exception as error:  # raised by the function, or by a mapping it returned
            problems.append(Problem(TRANSFORM_ERROR, f"the transform raised {raised_text(error)}"))
    return out, problems


def _records_in(results: list[Any] | tuple[Any, ...], problems: list[Problem]) -> list[Record]:
    """The mappings among `results`, as dicts; the other items are counted in one problem.

    A mapping that raises as it is copied raises here, before any of `results` is taken: a
    result is used whole or not at all.
    """
    records: list[Record] = []
    for item in results:
        if type(item) is dict:
            records.append(item)
        elif isinstance(item, Mapping):
            records.append(dict(item))
    skipped = len(results) - len(records)
    if skipped:
        problems.append(
            Problem(
                TRANSFORM_ERROR,
                f"{skipped} of the {len(results)} item(s) the transform returned are not dicts",
            )
        )
    return records
