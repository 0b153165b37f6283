"""Expressions as Python predicates, for the few entries a refresh just stored.

On a batch of ten new entries, a SQL pass per rule costs more in statements than in work; so
`apply_rules` reads the batch once and decides in Python. The string tests are the very
functions the SQL calls (`sqlfuncs._eq`, `_contains`, `_regex`, `_speaker_test`) and the fields
are read from the same columns, so both evaluations agree; tests/test_rules.py checks that
they do on random expressions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING

from reader.core.rules.expr import (
    BoolOp,
    Compare,
    Expr,
    Flag,
    Node,
    Not,
    cheap_first,
)
from reader.core.rules.sqlfuncs import _contains, _eq, _regex, _speaker_test

if TYPE_CHECKING:
    from reader.core.store import Store


@dataclass(slots=True)
class Row:
    """What an expression can ask of an entry (the same columns the SQL reads)."""

    id: int
    feed_id: int
    title: str
    author: str
    link: str
    content: str | None  # the indexed text (entries_fts.body, or queued in fts_pending)
    sort_ts: float
    read: bool
    saved: bool
    has_enclosure: bool
    html: str  # content, else summary: what speakers are found in
    feed_url: str
    feed_names: tuple[str, ...]  # url, title, user title ('' when none), as the SQL has them
    feed_tags: tuple[str, ...]
    tags: list[str] = field(default_factory=list)  # tags rules gave the entry
    hidden: int = 0
    highlight: bool = False


def rows(store: Store, entry_ids: Sequence[int] | str) -> list[Row]:
    """These entries (or those a subquery selects: Store.rule_rows), with their feed's names
    and tags."""
    feed_rows, entry_rows = store.rule_rows(entry_ids)
    feeds = {
        fid: (url, (url, title, user_title or ""), tuple(json.loads(tags)))
        for fid, url, title, user_title, tags in feed_rows
    }
    out = []
    for r in entry_rows:
        url, names, feed_tags = feeds[r[1]]
        out.append(
            Row(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), bool(r[8]),
                bool(r[9]), r[10] or r[11] or "", url, names, feed_tags, json.loads(r[12]),
                r[13], bool(r[14]),
            )
        )  # fmt: skip
    return out


Predicate = Callable[[Row], bool]


def predicate(expr: Expr, now: float) -> Predicate:
    """A function deciding `expr` for one Row, as `to_sql` decides it in SQLite."""
    test = _compiled(expr)
    clock = [now]
    return lambda row: test(row, clock[0])


@lru_cache(maxsize=256)
def _compiled(expr: Expr) -> Callable[[Row, float], bool]:
    """Built once per expression (a refresh asks for it once per feed)."""
    return _build(expr.tree)


def _build(node: Node) -> Callable[[Row, float], bool]:
    if isinstance(node, BoolOp):
        items = [_build(i) for i in cheap_first(node.items)]
        if node.op == "and":
            return lambda row, now: all(p(row, now) for p in items)
        return lambda row, now: any(p(row, now) for p in items)
    if isinstance(node, Not):
        inner = _build(node.inner)
        return lambda row, now: not inner(row, now)
    if isinstance(node, Flag):
        return {
            "unread": lambda row, now: not row.read,
            "saved": lambda row, now: row.saved,
            "has_enclosure": lambda row, now: row.has_enclosure,
        }[node.field]
    return _compare(node)


def _compare(node: Compare) -> Callable[[Row, float], bool]:
    if node.field == "age":
        seconds = float(node.value)
        if node.op == ">":
            return lambda row, now: row.sort_ts < now - seconds
        return lambda row, now: row.sort_ts > now - seconds
    negate = node.op in ("!=", "!~")
    op = {"!=": "=", "!~": "~"}.get(node.op, node.op)
    test = {"=": _eq, "contains": _contains, "~": _regex}[op]
    value = str(node.value) if op == "~" else str(node.value).casefold()
    field_name = node.field

    def values(row: Row) -> Sequence[str]:
        if field_name == "feed":
            return row.feed_names
        if field_name == "tag":
            return (*row.feed_tags, *row.tags)
        return (getattr(row, field_name),)

    if field_name == "speaker":

        def positive(row: Row) -> bool:
            if op != "~" and not _contains(row.content, value):
                return False  # the SQL's CASE: a name the text lacks is nobody's
            return bool(_speaker_test(row.html, "", row.link, op, value))
    elif field_name in ("feed", "tag"):

        def positive(row: Row) -> bool:
            return any(test(v, value) for v in values(row))
    else:  # one column: no tuple, no generator (this runs per entry and per rule)
        get = attrgetter(field_name)

        def positive(row: Row) -> bool:
            return test(get(row), value) == 1

    if negate:
        return lambda row, now: not positive(row)
    return lambda row, now: positive(row)
