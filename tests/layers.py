"""The house's layering, as a checker the contract tests run on `reader/` (and on small trees they build).

Every import counts: top-level, inside functions (lazy), and under `TYPE_CHECKING`, because a lazy or type-only
import is still a dependency a reader of the code has to follow. Four rules:

1. Layers: a module never imports a module of a higher layer (`LAYERS`, bottom first). Packages on one layer are
   independent of each other (feeds never imports sync, nor sync feeds).
2. No package cycles: between the units of the house (the packages of `LAYERS`, and the sub-packages of the app), the
   import graph has no cycle.
3. SQL belongs to the store: outside `reader/core/store/`, no SQL statement is written and no connection is touched
   (`RAW_SQL_ALLOWED` is a ratchet: counts may only go down, and a stale count fails too).
4. Private names stay home: no `from X import _name` across units.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Bottom first. Each entry is one layer: a module may import its own layer (if it is the same unit) and lower ones.
LAYERS: list[tuple[str, ...]] = [
    ("reader.core.text",),
    ("reader.core.programs",),
    ("reader.core.store",),
    ("reader.core.quotes",),
    ("reader.core.rules",),
    ("reader.core.config",),
    ("reader.core.feeds", "reader.core.sync"),
    ("reader.core.media",),
    ("reader.core.background",),
    ("reader.tui",),
    ("reader.cli",),
]
# Units inside a layer's package whose mutual imports must not form a cycle either.
SUB_UNITS: tuple[str, ...] = ("reader.tui.screens", "reader.tui.widgets")
# `reader/__init__.py` holds only the version: anyone may read it.
FREE = ("reader",)
ENGINE = "reader.core"
UI_LIBRARIES = ("textual", "rich")

# Raw SQL outside the store, by file: may only go down. Empty is the goal.
RAW_SQL_ALLOWED: dict[str, int] = {
    "reader/core/sync/engine.py": 41,  # sync's SQL is moving into store/sync.py (issue 29)
    "reader/core/sync/queue.py": 10,
}

_SQL_STATEMENT = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA|WITH|BEGIN|COMMIT|ROLLBACK|SAVEPOINT)\b",
    re.IGNORECASE,
)
_SQL_CALLS = {"execute", "executemany", "executescript", "_rows", "query"}
_SQL_ATTRS = {"conn", "db"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted
    names: tuple[str, ...]  # names taken by `from target import ...`
    line: int


def modules(root: Path, package: str = "reader") -> dict[str, Path]:
    """Every module of `package` under `root`, by dotted name."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path) -> Iterator[Import]:
    """Every import in the module, wherever it sits (lazy and TYPE_CHECKING ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, alias.name, (), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, is_package, node.level, node.module)
            names = tuple(a.name for a in node.names)
            yield Import(name, base, names, node.lineno)
            for (
                alias
            ) in node.names:  # `from reader.core import store` imports the module reader.core.store
                yield Import(name, f"{base}.{alias.name}", (), node.lineno)


def _absolute(name: str, is_package: bool, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    parts = name.split(".")
    if not is_package:
        parts = parts[:-1]
    parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, module] if module else parts)


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> int | None:
    for index, layer in enumerate(LAYERS):
        if any(_within(module, unit) for unit in layer):
            return index
    return None


def unit_of(module: str) -> str | None:
    """The unit a module belongs to: the deepest listed package holding it."""
    candidates = [u for layer in LAYERS for u in layer] + list(SUB_UNITS)
    inside = [u for u in candidates if _within(module, u)]
    return max(inside, key=len) if inside else None


def _known(target: str, known: dict[str, Path]) -> str | None:
    """The project module an import names (a `from m import name` may name a function, not a module)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


@functools.cache
def all_imports(root: Path) -> list[Import]:
    known = modules(root)
    found: dict[tuple[str, str, int], Import] = {}
    for name, path in known.items():
        for imp in imports(name, path):
            target = _known(imp.target, known) if imp.target.startswith("reader") else imp.target
            key = (imp.module, target or "", imp.line)
            if target and (key not in found or imp.names):
                found[key] = Import(imp.module, target, imp.names, imp.line)
    # `from reader.core.feeds import refresh` names the module reader.core.feeds.refresh: keep that one only
    deeper = {(i.module, i.line, i.target.rpartition(".")[0]) for i in found.values()}
    return [i for i in found.values() if (i.module, i.line, i.target) not in deeper]


def upward_imports(root: Path) -> list[str]:
    problems = []
    for imp in all_imports(root):
        if not imp.target.startswith("reader") or imp.target in FREE:
            continue
        low, high = layer_of(imp.target), layer_of(imp.module)
        if low is None or high is None:
            continue
        if low > high:
            problems.append(f"{imp.module}:{imp.line} imports {imp.target} (a higher layer)")
        elif low == high and unit_of(imp.module) != unit_of(imp.target):
            same_layer = LAYERS[low]
            if unit_of(imp.module) in same_layer and unit_of(imp.target) in same_layer:
                problems.append(
                    f"{imp.module}:{imp.line} imports {imp.target} (an independent package)"
                )
    return problems


def ui_in_engine(root: Path) -> list[str]:
    return [
        f"{imp.module}:{imp.line} imports {imp.target}"
        for imp in all_imports(root)
        if _within(imp.module, ENGINE) and imp.target.split(".")[0] in UI_LIBRARIES
    ]


def unit_cycles(root: Path) -> list[list[str]]:
    """Strongly connected groups of more than one unit (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for imp in all_imports(root):
        a, b = unit_of(imp.module), unit_of(imp.target)
        if a and b and a != b and not (_within(a, b) or _within(b, a)):
            graph.setdefault(a, set()).add(b)
            graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def cycle_edges(root: Path, group: list[str]) -> list[str]:
    """The imports that tie a cycle's units together, to say where to cut."""
    return sorted(
        {
            f"{imp.module}:{imp.line} -> {imp.target}"
            for imp in all_imports(root)
            if unit_of(imp.module) in group
            and unit_of(imp.target) in group
            and unit_of(imp.module) != unit_of(imp.target)
        }
    )


def private_imports(root: Path) -> list[str]:
    return [
        f"{imp.module}:{imp.line} takes {name} from {imp.target}"
        for imp in all_imports(root)
        for name in imp.names
        if name.startswith("_")
        and not name.startswith("__")
        and imp.target.startswith("reader")
        and unit_of(imp.module) != unit_of(imp.target)
    ]


def raw_sql(root: Path, store: str = "reader/core/store/") -> dict[str, list[int]]:
    """Lines outside the store that write SQL or touch a connection, by file."""
    found: dict[str, list[int]] = {}
    for path in sorted((root / "reader").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(store):
            continue
        lines = sorted(set(_sql_lines(ast.parse(path.read_text(encoding="utf-8")))))
        if lines:
            found[rel] = lines
    return found


def _sql_lines(tree: ast.AST) -> Iterator[int]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _SQL_STATEMENT.match(node.value) and _looks_like_sql(node.value):
                yield node.lineno
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _SQL_CALLS and _sql_receiver(node.func.value):
                yield node.lineno
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in _SQL_ATTRS
            and isinstance(node.value, ast.Name | ast.Attribute)
            and _named_store(node.value)
        ):
            yield node.lineno


def _looks_like_sql(text: str) -> bool:
    """A statement, not prose that starts with 'Select' or 'With'."""
    return bool(
        re.search(r"\b(FROM|INTO|SET|TABLE|INDEX|TRIGGER|VALUES|WHERE|JOIN)\b", text)
    ) or text.strip().upper().startswith(("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT"))


def _named_store(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return "store" in name.lower()


def _sql_receiver(node: ast.expr) -> bool:
    """`store.query(...)`, `store.db.execute(...)`, `conn.execute(...)`: a connection or the store's innards."""
    if isinstance(node, ast.Attribute):
        return node.attr in _SQL_ATTRS or _named_store(node)
    if isinstance(node, ast.Name):
        return node.id in {"conn", "db", "cursor", "cur"} or "store" in node.id.lower()
    return False
