"""Finding charts that nothing holds any more after their cell ran again.

Re-running `chart = LiveChart(url)` makes a new chart, but the old one is never garbage-collected:
ipywidgets keeps every widget in its registry until it is closed, its comm holds its message
handler, and IPython's output cache (`Out`, `_`, `_12`) holds a chart that was a cell's result. Its
connection would stay open for the life of the kernel, and five re-runs would keep five upstream
connections (an exchange rate-limits or bans that).

So each chart remembers the cell that made it. When that cell runs again the chart becomes a
*candidate*, and a candidate that no variable, container or running code holds any more (references
from the registry, the output cache and the chart's own bound methods do not count) is an orphan:
its owner stops it. A chart still held anywhere keeps running, and a chart whose cell has not run
again is never touched, held or not (`LiveChart(url)` alone in a cell stays live).
"""

from __future__ import annotations

import gc
import hashlib
import re
import sys
import types
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# Names under which IPython's output cache keeps a cell's result.
_OUTPUT_CACHE_NAME = re.compile(r"_+|_\d+|_oh|Out")

# How far up the chain of referrers to look, and how many objects to look at, before deciding that
# a chart is held after all: a wrong "held" leaves a connection open, a wrong "orphan" stops a live
# chart, so doubt keeps it running.
_MAX_DEPTH = 8
_MAX_VISITS = 300


def current_cell() -> str | None:
    """An identity for the cell being executed now, or None outside an IPython kernel.

    JupyterLab and Notebook 7 send the cell's id with each execution; other clients do not, and
    then the cell's code stands for it (running the same code again counts as re-running it).
    """
    shell = _shell()
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return None
    try:
        parent = kernel.get_parent()
    except Exception:  # an older ipykernel without channels, or no request yet
        parent = getattr(kernel, "_parent_header", None)
    if not isinstance(parent, dict) or parent.get("msg_type") not in (None, "execute_request"):
        return None
    metadata = parent.get("metadata") or {}
    cell_id = metadata.get("cellId") or metadata.get("cell_id")
    if isinstance(cell_id, str) and cell_id:
        return f"id:{cell_id}"
    code = (parent.get("content") or {}).get("code")
    if isinstance(code, str):
        return "code:" + hashlib.sha1(code.encode("utf-8")).hexdigest()
    return None


def on_cell_start(callback: Callable[[str], None]) -> bool:
    """Call `callback(cell)` before each cell runs; False when there is no IPython shell."""
    shell = _shell()
    if shell is None or not hasattr(shell, "events"):
        return False

    def pre_run_cell(*_args: object) -> None:
        cell = current_cell()
        if cell is not None:
            callback(cell)

    shell.events.register("pre_run_cell", pre_run_cell)
    return True


def orphans(candidates: list[T]) -> list[T]:
    """The candidates that nothing holds except the registry, the output cache and themselves."""
    found = []
    ignored = _ignored_holders()
    # The frames of this thread (the caller's loop included) are looking, not holding.
    frame: types.FrameType | None = sys._getframe()
    while frame is not None:
        ignored.add(id(frame))
        frame = frame.f_back
    for candidate in candidates:
        visited: set[int] = set()
        if not _held(candidate, 0, visited, ignored, id(candidates)):
            found.append(candidate)
    return found


def _held(obj: object, depth: int, visited: set[int], ignored: set[int], skip: int) -> bool:
    """Whether something that counts holds `obj`, directly or through objects that hold it."""
    if depth > _MAX_DEPTH or len(visited) > _MAX_VISITS:
        return True
    visited.add(id(obj))
    referrers = gc.get_referrers(obj)
    visited.add(id(referrers))  # this list holds what it lists: it must not count as a holder
    for referrer in referrers:
        if id(referrer) in ignored or id(referrer) in visited or id(referrer) == skip:
            continue
        if isinstance(referrer, types.FrameType):
            if _on_this_stack(referrer):
                continue  # this search itself
            return True  # running code uses it
        if isinstance(referrer, types.MethodType) and referrer.__self__ is obj:
            continue  # its own handlers, held by its comm and its trait machinery
        if isinstance(referrer, dict):
            # A loop, not a comprehension: a comprehension would capture `obj` in a closure cell
            # (before Python 3.12), and that cell would then hold the very object looked at.
            names = []
            for key, value in referrer.items():
                if value is obj:
                    names.append(key)
            if names and all(isinstance(n, str) and _OUTPUT_CACHE_NAME.fullmatch(n) for n in names):
                continue
            if "__name__" in referrer and "__builtins__" in referrer:
                return True  # a module's namespace: a variable holds it
        if _held(referrer, depth + 1, visited, ignored, skip):
            return True
    return False


def _on_this_stack(frame: types.FrameType) -> bool:
    current: types.FrameType | None = sys._getframe()
    while current is not None:
        if current is frame:
            return True
        current = current.f_back
    return False


def _ignored_holders() -> set[int]:
    """Ids of the containers whose references do not keep a chart alive."""
    ignored: set[int] = set()
    registry = _widget_registry()
    if registry is not None:
        ignored.add(id(registry))
    shell = _shell()
    if shell is not None:
        user_ns = getattr(shell, "user_ns", {})
        for name in ("_oh", "Out"):
            if name in user_ns:
                ignored.add(id(user_ns[name]))
        hidden = getattr(shell, "user_ns_hidden", None)
        if hidden is not None:
            ignored.add(id(hidden))
        # The display hook keeps the last three results as `_`, `__` and `___`: output cache too.
        # Before Python 3.13 its attribute dict is the referrer (and the name rule above skips
        # it); from 3.13 the attributes live inline in the object, which is then the referrer.
        hook = getattr(shell, "displayhook", None)
        if hook is not None:
            ignored.add(id(hook))
    return ignored


def _widget_registry() -> dict[str, Any] | None:
    module = sys.modules.get("ipywidgets.widgets.widget")
    registry = getattr(module, "_instances", None)
    return registry if isinstance(registry, dict) else None


def _shell() -> Any:
    module = sys.modules.get("IPython")
    if module is None:
        return None
    get_ipython = getattr(module, "get_ipython", None)
    return get_ipython() if get_ipython is not None else None
