"""The layering contract of the house (docs/architecture.md): checked on the code, and shown to catch breaches."""

from __future__ import annotations

from pathlib import Path

import layers
import pytest
from conftest import REPO


def test_no_module_imports_a_higher_layer() -> None:
    assert layers.upward_imports(REPO) == []


def test_the_engine_never_imports_the_ui() -> None:
    assert layers.ui_in_engine(REPO) == []


def test_no_package_cycles_counting_lazy_and_type_checking_imports() -> None:
    cycles = layers.unit_cycles(REPO)
    assert cycles == [], [layers.cycle_edges(REPO, group) for group in cycles]


def test_no_private_name_crosses_a_package() -> None:
    assert layers.private_imports(REPO) == []


def test_sql_is_written_only_in_the_store() -> None:
    """A ratchet: a file may only lose raw SQL, and its allowance is lowered when it does."""
    found = {path: len(lines) for path, lines in layers.raw_sql(REPO).items()}
    over = {
        path: (count, layers.RAW_SQL_ALLOWED.get(path, 0))
        for path, count in found.items()
        if count > layers.RAW_SQL_ALLOWED.get(path, 0)
    }
    assert over == {}, f"raw SQL outside reader/core/store/ (found, allowed): {over}"
    stale = {p: n for p, n in layers.RAW_SQL_ALLOWED.items() if found.get(p, 0) < n}
    assert stale == {}, f"lower RAW_SQL_ALLOWED to what is left: {stale} -> found {found}"


def test_every_engine_module_has_a_layer() -> None:
    """A new package under reader/ must be placed in the contract, not slip past it."""
    unplaced = [
        name
        for name in layers.modules(REPO)
        if name not in layers.FREE and name != "reader.core" and layers.layer_of(name) is None
    ]
    assert unplaced == []


# -- the checker catches what it is for: each breach shown on a small tree -----------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, source in {"reader/__init__.py": "", "reader/core/__init__.py": "", **files}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return tmp_path


@pytest.mark.parametrize(
    "source",
    [
        "from reader.core.feeds import refresh\n",
        "def lazy():\n    from reader.core.feeds.refresh import refresh\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from reader.core.feeds.refresh import R\n",
    ],
    ids=["top-level", "lazy", "type-checking"],
)
def test_an_upward_import_is_caught(tmp_path: Path, source: str) -> None:
    root = _tree(
        tmp_path,
        {
            "reader/core/feeds/__init__.py": "",
            "reader/core/feeds/refresh.py": "R = 1\n",
            "reader/core/store/__init__.py": source,
        },
    )
    assert layers.upward_imports(root) == [
        f"reader.core.store:{source.count(chr(10))} imports reader.core.feeds.refresh (a higher layer)"
    ]


def test_independent_packages_of_one_layer_are_kept_apart(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "reader/core/feeds/__init__.py": "from reader.core.sync import x\n",
            "reader/core/sync/__init__.py": "",
        },
    )
    assert layers.upward_imports(root) == [
        "reader.core.feeds:1 imports reader.core.sync (an independent package)"
    ]


def test_a_package_cycle_is_caught(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "reader/tui/__init__.py": "",
            "reader/tui/screens/__init__.py": "from reader.tui.widgets import list\n",
            "reader/tui/widgets/__init__.py": "",
            "reader/tui/widgets/list.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from reader.tui.screens import S\n"
            ),
        },
    )
    assert layers.unit_cycles(root) == [["reader.tui.screens", "reader.tui.widgets"]]


def test_raw_sql_outside_the_store_is_caught(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "reader/core/store/__init__.py": 'def n(db):\n    return db.execute("SELECT 1 FROM feeds")\n',
            "reader/core/quotes/__init__.py": (
                "def people(store):\n"
                '    sql = "SELECT speaker FROM quotes WHERE entry_id = ?"\n'
                "    return store.db.execute(sql)\n"
                "def words():\n"
                '    return "Select a feed with j and k"\n'
            ),
        },
    )
    assert layers.raw_sql(root) == {"reader/core/quotes/__init__.py": [2, 3]}


def test_a_private_import_across_packages_is_caught(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "reader/core/text/__init__.py": "_cache = {}\n",
            "reader/core/store/__init__.py": "from reader.core.text import _cache\n",
            "reader/core/text/render.py": "from reader.core.text import _cache\n",
        },
    )
    assert layers.private_imports(root) == [
        "reader.core.store:1 takes _cache from reader.core.text"
    ]


def test_the_engine_importing_textual_is_caught(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"reader/core/text/__init__.py": "def f():\n    import textual.app\n"})
    assert layers.ui_in_engine(root) == ["reader.core.text:2 imports textual.app"]
