"""The environment: what child processes (kernels, Jupyter servers, benchmark runs) need to
import the very livefeed this process imports, and what a test does when this machine lacks
something it needs."""

from __future__ import annotations

import importlib.util
import os
import site
from pathlib import Path
from typing import NoReturn


def livefeed_pythonpath() -> dict[str, str]:
    """`{"PYTHONPATH": ...}` leading to this process's livefeed, or `{}` when none is needed.

    An installed livefeed (regular or editable) is found by a child of this Python on its own.
    A source tree put on `sys.path` some other way (PYTHONPATH, a checkout) is passed on
    explicitly, ahead of whatever PYTHONPATH this process has.
    """
    spec = importlib.util.find_spec("livefeed")
    if spec is None or not spec.submodule_search_locations:
        return {}
    parent = str(Path(next(iter(spec.submodule_search_locations))).resolve().parent)
    if parent in {str(Path(p).resolve()) for p in site.getsitepackages()}:
        return {}
    existing = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": parent + (os.pathsep + existing if existing else "")}


def kernel_env() -> dict[str, str]:
    """This process's environment, plus `livefeed_pythonpath()`: a kernel or a benchmark started
    with it runs the same livefeed as this process."""
    return {**os.environ, **livefeed_pythonpath()}


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the test for want of something this machine lacks (Chromium, a benchmark-only
    library), but fail it on CI (`CI=true`), where everything must run."""
    import pytest  # here, not above: the benchmarks import this module and need no pytest

    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)
