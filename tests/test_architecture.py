"""The package's layers, read from its imports: every import points down, and none goes round.

docs/architecture.md draws these layers. A module may import modules of a lower layer, and modules
of its own folder (`_core`, `_sources`) as long as no cycle forms. The I/O-free core imports nothing
of the rest of the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import livefeed

PACKAGE = Path(livefeed.__file__).parent

# Lower numbers are lower layers.
LAYERS: dict[str, int] = {
    "_core": 0,
    "_redact": 1,
    "_outbox": 1,
    "_orphans": 1,
    "_recording": 1,
    "_serving": 1,
    "_style": 1,
    "_alerting": 1,
    "_export": 1,
    "_direct": 1,
    "_wire": 2,
    "_snapshot": 3,
    "_chartdata": 2,
    "_runtime": 2,
    "_sources": 3,
    "_replay_server": 3,
    "_feed": 4,
    "_bridge": 4,
    "_widget": 5,
    "demo": 5,
    "__init__": 6,
    "__main__": 6,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts)


def top(name: str) -> str:
    """The layer a module belongs to: its folder, or itself."""
    return name.split(".")[0]


def imports_of(path: Path) -> set[str]:
    """The package's own modules that `path` imports (absolute names inside the package)."""
    package_parts = module_name(path).split(".")[:-1]  # the folder the module is in
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and node.module.startswith("livefeed."):
                    found.add(node.module.removeprefix("livefeed."))
                continue
            base = package_parts[: len(package_parts) - (node.level - 1)]
            target = [*base, *(node.module.split(".") if node.module else [])]
            if node.module is None:  # from . import x
                found.update(".".join([*base, alias.name]) for alias in node.names)
            else:
                found.add(".".join(target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("livefeed."):
                    found.add(alias.name.removeprefix("livefeed."))
    return {name for name in found if name}


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for target in imports_of(path):
            # "x.y" may name a module or a package's __init__.
            if target in modules:
                targets.add(target)
            elif f"{target}.__init__" in modules:
                targets.add(f"{target}.__init__")
        edges[name] = targets - {name}
    return edges


def test_every_module_has_a_layer() -> None:
    assert {top(name) for name in graph()} <= set(LAYERS)


def test_every_import_points_down_or_stays_in_its_folder() -> None:
    upward = [
        f"{source} -> {target}"
        for source, targets in graph().items()
        for target in targets
        if LAYERS[top(target)] > LAYERS[top(source)]
        or (LAYERS[top(target)] == LAYERS[top(source)] and top(target) != top(source))
    ]
    assert upward == []


def test_the_core_imports_nothing_else_of_the_package() -> None:
    outside = [
        f"{source} -> {target}"
        for source, targets in graph().items()
        if top(source) == "_core"
        for target in targets
        if top(target) != "_core"
    ]
    assert outside == []
    assert graph()["_core.pipeline"] >= {"_core.decode", "_core.ring"}  # the reader sees imports


def test_no_import_cycle() -> None:
    edges = graph()
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, " -> ".join([*visiting[visiting.index(name) :], name])
        if name in done:
            return
        visiting.append(name)
        for target in sorted(edges[name]):
            visit(target)
        visiting.pop()
        done.add(name)

    for name in sorted(edges):
        visit(name)
