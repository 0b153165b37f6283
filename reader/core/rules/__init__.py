"""Rules and views: what to do with entries before anyone sees them, and saved queries.

`expr` is the filter language (one grammar for both); `engine` runs rules over new entries
(`apply_rules`, called by refresh and sync) and over the whole cache (`byline rules apply`);
`dedupe` finds the same story in several feeds; `notify` runs the user's notify_command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.core.rules.expr import Expr
    from reader.core.store import SqlFunction

__all__ = ["ACTIONS", "Expr", "ExprError", "Rule", "SavedView", "parse", "parse_action"]


def __getattr__(name: str) -> Any:
    """The grammar (`Expr`, `ExprError`, `parse`) loads when first used: the app's start-up
    and a config without rules or views never need it (issue 16)."""
    if name in ("Expr", "ExprError", "parse"):
        from reader.core.rules import expr

        return getattr(expr, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


ACTIONS = ("mark_read", "hide", "save", "highlight")  # and "tag:NAME"
SORTS = ("newest", "oldest")


def parse_action(text: str) -> str | None:
    """The canonical action, or None when `text` is not one."""
    text = text.strip()
    if text in ACTIONS:
        return text
    if text.startswith("tag:") and text[4:].strip():
        return "tag:" + text[4:].strip()
    return None


@dataclass(frozen=True, slots=True)
class Rule:
    """One [[rules]] table: when `match` holds for an entry of the scope, do `actions`.
    The scope is every feed, or the feeds listed by URL and the feeds with one of `tags`."""

    number: int  # 1-based position in the config, how reports name it
    match: Expr
    actions: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"rule {self.number}: {self.match.source}"


@dataclass(frozen=True, slots=True)
class SavedView:
    """One [[views]] table: a named query shown in the sidebar and by `--view NAME`."""

    name: str
    match: Expr
    sort: str = "newest"

    def __str__(self) -> str:  # View.key: "match:NAME"
        return self.name

    def where(self, now: float) -> tuple[str, list, Sequence[SqlFunction]]:
        """The view as the store lists it (reader.core.store.Condition): its SQL condition
        over `entries` at `now`, its parameters, and the SQL functions it calls."""
        from reader.core.rules.expr import to_sql
        from reader.core.rules.sqlfuncs import FUNCTIONS

        sql, params = to_sql(self.match, now)
        return sql, params, FUNCTIONS
