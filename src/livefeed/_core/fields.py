"""Reading fields out of decoded JSON records by name or dotted path."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final


class _Missing:
    """The value of a field that a record does not have (distinct from a JSON null)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

Getter = Callable[[Mapping[str, Any]], Any]


def compile_path(path: str) -> Getter:
    """Return a function reading `path` from a record, or `MISSING` when it is absent.

    A dotted path (`"data.p"`) walks nested objects (any `Mapping`), and a segment made of digits
    indexes a list or tuple (`"bids.0"`). A key that itself contains dots is found too: the exact
    key is tried first. `record` must be a `Mapping`; the getter never raises for what it holds.
    """
    if not path:
        raise ValueError("a field name cannot be empty")
    if "." not in path:

        def get_key(record: Mapping[str, Any]) -> Any:
            return record.get(path, MISSING)

        return get_key

    # Each segment with its list index, parsed once: "007" is index 7, "1e3" or "-1" are keys only.
    steps = tuple(
        (part, int(part) if part.isascii() and part.isdigit() else None) for part in path.split(".")
    )

    def get_path(record: Mapping[str, Any]) -> Any:
        value = record.get(path, MISSING)
        if value is not MISSING:
            return value
        current: Any = record
        for part, index in steps:
            if type(current) is dict or isinstance(current, Mapping):  # dicts from JSON first
                current = current.get(part, MISSING)
            elif isinstance(current, (list, tuple)) and index is not None and index < len(current):
                current = current[index]
            else:
                return MISSING
            if current is MISSING:
                return MISSING
        return current

    return get_path
