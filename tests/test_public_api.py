"""The public surface: what `import livefeed` offers, and that it is typed."""

from __future__ import annotations

from pathlib import Path

import livefeed


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(livefeed) if not name.startswith("_")}
    public -= {"demo"}  # a submodule, imported on demand (`livefeed demo`, tests)
    assert set(livefeed.__all__) == public | {"__version__"}


def test_package_is_marked_typed() -> None:
    assert (Path(livefeed.__file__).parent / "py.typed").is_file()


def test_front_end_bundle_is_built_into_the_package() -> None:
    static = Path(livefeed.__file__).parent / "static"
    assert (static / "widget.js").stat().st_size > 10_000
    assert "export" in (static / "widget.js").read_text()
    assert (static / "widget.css").stat().st_size > 0
