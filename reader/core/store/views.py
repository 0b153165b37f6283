"""Views: the lists of entries (all, unread, saved, a feed, a tag, a search, a [[views]]
query, what rules hid), paged, counted and walked.

Every query the app makes is paged and runs on an index, so the newest 50 entries of any view
cost the same on 1,000 or 1,000,000 entries.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from reader.core.store.base import SqlFunction
from reader.core.store.entries import EntriesPart
from reader.core.store.feeds import FeedsPart
from reader.core.store.rows import EntryRow
from reader.core.text.searchtext import fold

MAX_MERGED_FEEDS = 200  # SQLite allows 500 terms in a compound SELECT


class Condition(Protocol):
    """A saved query the store can list (rules.SavedView): its SQL condition over `entries`
    now, with its parameters and the SQL functions that condition calls. The store compiles
    nothing of the rules' language; it runs what it is handed."""

    @property
    def sort(self) -> str: ...  # "newest" or "oldest"

    def where(self, now: float) -> tuple[str, list, Sequence[SqlFunction]]: ...


@dataclass(frozen=True, slots=True)
class View:
    """A list of entries: kind is all, unread, saved, feed (value=feed id), tag, search,
    match (value=a rules.SavedView from [[views]]) or hidden (what rules hid)."""

    kind: str = "all"
    value: str | int | Condition | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}" if self.value is not None else self.kind


def _order(view: View | Sequence[View]) -> str:
    """Newest first, except a [[views]] view with sort = "oldest" (alone or among filters)."""
    views = [view] if isinstance(view, View) else view
    if any(v.kind == "match" and v.value.sort == "oldest" for v in views):
        return "ASC"
    return "DESC"


# Entries of a feed taken out of the config leave the views, except the ones saved.
_ACTIVE_OR_SAVED = "(saved = 1 OR feed_id NOT IN (SELECT id FROM feeds WHERE active = 0))"


_WORD = re.compile(r"\w+", re.U)


def fts_query(user_text: str) -> str | None:
    """User words as an FTS5 query: each word quoted (no syntax injection), all required,
    the last one as a prefix so results come while typing."""
    words = _WORD.findall(fold(user_text))
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


class ViewsPart(FeedsPart, EntriesPart):
    """Reads views; counts come from the feeds' counters, a search catches the index up."""

    # ------------------------------------------------------------ reading views

    def _where(self, view: View | Sequence[View]) -> tuple[str, list]:
        """SQL condition for a view; several views combine with AND (the CLI's filters)."""
        if not isinstance(view, View):
            parts = [self._where(v) for v in view] or [("1", [])]
            return " AND ".join(f"({w})" for w, _ in parts), [p for _, ps in parts for p in ps]
        kind, value = view.kind, view.value
        if kind == "search":
            self.index_pending()  # never from a partial index ([[views]] read the queue too)
        # Hidden entries (by a rule, or a duplicate of another feed's story) are in no list;
        # the literal `hidden = 0` lets SQLite use the partial list indexes.
        if kind == "hidden":
            return "hidden = 1", []
        if kind == "saved":
            return "hidden = 0 AND saved = 1", []
        if kind == "feed":
            return "hidden = 0 AND feed_id = ?", [int(value)]
        where, params = self._kind_where(kind, value)
        return f"hidden = 0 AND {where} AND {_ACTIVE_OR_SAVED}", params

    def _kind_where(self, kind: str, value: str | int | Condition | None) -> tuple[str, list]:
        """Views over the active feeds (a feed taken out of the config drops out of them)."""
        if kind == "all":
            return "1", []
        if kind == "unread":
            return "read = 0", []
        if kind == "tag":
            return (
                "feed_id IN (SELECT f.id FROM feeds f, json_each(f.tags) j WHERE j.value = ?)",
                [value],
            )
        if kind == "search":
            query = fts_query(str(value or ""))
            if query is None:
                return "0", []
            return "id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)", [query]
        if kind == "match":  # value: a Condition (a rules.SavedView)
            sql, params, functions = value.where(time.time())
            self.use_functions(functions)
            return sql, list(params)
        raise ValueError(f"unknown view kind {kind!r}")

    def count(self, view: View | Sequence[View]) -> int:
        """Rows in a view (several: all their filters); fixed views and feeds come from the
        kept counters."""
        if not isinstance(view, View):
            where, params = self._where(view)
            return self._rows(f"SELECT count(*) FROM entries WHERE {where}", params)[0][0]
        if view.kind in ("all", "unread"):
            return self.totals()[view.kind]
        if view.kind == "feed":
            rows = self._rows("SELECT entry_count FROM feeds WHERE id = ?", [int(view.value)])
            return rows[0][0] if rows else 0
        where, params = self._where(view)
        return self._rows(f"SELECT count(*) FROM entries WHERE {where}", params)[0][0]

    _ROW_COLS = (
        "e.id, e.feed_id, COALESCE(f.user_title, NULLIF(f.title, ''), f.url) AS feed_title,"
        " e.title, e.author, e.link, e.sort_ts, e.read, e.saved, e.highlight"
    )

    def page(self, view: View | Sequence[View], offset: int = 0, limit: int = 50) -> list[EntryRow]:
        """Rows offset..offset+limit of a view, newest first. The inner query walks only the
        covering index, so skipping far into a huge view does not read the skipped rows."""
        ids_sql, params = self._ids_query(view, offset, limit)
        order = _order(view)
        sql = f"""SELECT {self._ROW_COLS} FROM entries e JOIN feeds f ON f.id = e.feed_id
                  WHERE e.id IN ({ids_sql}) ORDER BY e.sort_ts {order}, e.id {order}"""
        return self._objects(EntryRow, sql, params)

    def _ids_query(self, view: View | Sequence[View], offset: int, limit: int) -> tuple[str, list]:
        """The ids of one page of a view, in order. A tag spans several feeds, and no single
        index orders them; so it merges each feed's newest offset+limit rows (one index seek
        per feed) instead of sorting every entry of the tag."""
        if isinstance(view, View) and view.kind == "tag":
            feeds = self._rows(
                "SELECT f.id, f.active FROM feeds f, json_each(f.tags) j WHERE j.value = ?",
                [view.value],
            )
            if 0 < len(feeds) <= MAX_MERGED_FEEDS:
                parts, params = [], []
                for feed_id, active in feeds:
                    saved_only = "" if active else "AND saved = 1"
                    parts.append(
                        f"""SELECT * FROM (SELECT id, sort_ts FROM entries
                            WHERE hidden = 0 AND feed_id = ? {saved_only}
                            ORDER BY sort_ts DESC, id DESC LIMIT ?)"""
                    )
                    params += [feed_id, offset + limit]
                merged = " UNION ALL ".join(parts)
                sql = f"""SELECT id FROM ({merged})
                          ORDER BY sort_ts DESC, id DESC LIMIT ? OFFSET ?"""
                return sql, [*params, limit, offset]
        where, params = self._where(view)
        order = _order(view)
        sql = f"SELECT id FROM entries WHERE {where} ORDER BY sort_ts {order}, id {order} LIMIT ? OFFSET ?"
        return sql, [*params, limit, offset]

    def index_of(self, view: View, entry_id: int) -> int | None:
        """Where an entry sits in a view now (to keep the cursor on it across refreshes)."""
        key = self._rows("SELECT sort_ts FROM entries WHERE id = ?", [entry_id])
        if not key:
            return None
        where, params = self._where(view)
        inside = self._rows(f"SELECT 1 FROM entries WHERE id = ? AND {where}", [entry_id, *params])
        if not inside:
            return None
        sort_ts = key[0][0]
        before = ">" if _order(view) == "DESC" else "<"
        sql = f"""SELECT count(*) FROM entries WHERE {where}
                  AND (sort_ts {before} ? OR (sort_ts = ? AND id {before} ?))"""
        return self._rows(sql, [*params, sort_ts, sort_ts, entry_id])[0][0]

    def next_unread(self, view: View, entry_id: int | None, forward: bool = True) -> int | None:
        """The id of the next (older) or previous (newer) unread entry of a view."""
        where, params = self._where(view)
        if entry_id is None:
            sql = f"SELECT id FROM entries WHERE {where} AND read = 0 ORDER BY sort_ts DESC, id DESC LIMIT 1"
            rows = self._rows(sql, params)
            return rows[0][0] if rows else None
        key = self._rows("SELECT sort_ts FROM entries WHERE id = ?", [entry_id])
        if not key:
            return None
        if _order(view) == "ASC":  # an oldest-first view: "next" is newer
            forward = not forward
        op, order = ("<", "DESC") if forward else (">", "ASC")
        sql = f"""SELECT id FROM entries WHERE {where} AND read = 0
                  AND (sort_ts, id) {op} (?, ?) ORDER BY sort_ts {order}, id {order} LIMIT 1"""
        rows = self._rows(sql, [*params, key[0][0], entry_id])
        return rows[0][0] if rows else None

    def mark_view_read(self, view: View) -> list[int]:
        """Mark every unread entry of a view read; returns their ids so it can be undone."""
        where, params = self._where(view)
        with self.db.atomic():
            ids = [
                r[0]
                for r in self._rows(f"SELECT id FROM entries WHERE {where} AND read = 0", params)
            ]
            self.db.execute(f"UPDATE entries SET read = 1 WHERE {where} AND read = 0", params)
            self._enqueue_sync(ids, "read", True)
        return ids
