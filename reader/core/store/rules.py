"""What the rules write and read: the entries a batch of rules decides on, a rule's SQL pass
over the whole cache, the actions' updates, duplicate stories, what a notify command is told.

The rules' language lives in reader/core/rules (it compiles an expression to a condition and
hands it here with the SQL functions it calls); the statements that run live here. Actions
only ever add (read, hidden, saved, highlighted, a tag): a rule never undoes what the user did.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from reader.core.store.base import SqlFunction, _chunks, _marks
from reader.core.store.entries import EntriesPart
from reader.core.text.dedupe import TITLE_WINDOW_S, link_key, title_key

# (the change, the condition under which an entry would change)
_ACTION_SQL = {
    "mark_read": ("read = 1", "read = 0"),
    "hide": ("hidden = 1", "hidden != 1"),
    "save": ("saved = 1, saved_at = :now", "saved = 0"),
    "highlight": ("highlight = 1", "highlight = 0"),
}
_TAG_SET = (
    "tags = (SELECT json_group_array(value) FROM"
    " (SELECT value FROM json_each(entries.tags) UNION SELECT :tag ORDER BY 1))"
)
_TAG_WHEN = "NOT EXISTS (SELECT 1 FROM json_each(entries.tags) WHERE value = :tag)"

_SYNCED = {"mark_read": "read", "save": "saved"}  # actions a sync server is told of

# An entry repeats the story of the first (smallest id) entry of another feed with the same
# link key, or the same title key published within a day. One statement for the whole batch.
_FIRST_TELLING = f"""
    SELECT t.id, COALESCE(
        (SELECT min(e.id) FROM entries e WHERE t.link_key IS NOT NULL AND e.link_key = t.link_key
           AND e.feed_id != t.feed_id AND e.id < t.id AND e.hidden != 2),
        (SELECT min(e.id) FROM entries e WHERE t.title_key IS NOT NULL AND e.title_key = t.title_key
           AND e.sort_ts BETWEEN t.sort_ts - {TITLE_WINDOW_S} AND t.sort_ts + {TITLE_WINDOW_S}
           AND e.feed_id != t.feed_id AND e.id < t.id AND e.hidden != 2))
    FROM entries t WHERE t.hidden = 0 AND (t.link_key IS NOT NULL OR t.title_key IS NOT NULL)
"""


# Over the whole cache: only entries whose link key or title key another entry has too can
# repeat a story; one pass over each key index finds them, so the look-ups above run for
# those few instead of for every entry.
_SHARED_KEY = """id IN (SELECT id FROM entries WHERE link_key IN (SELECT link_key FROM entries
      WHERE link_key IS NOT NULL GROUP BY link_key HAVING count(*) > 1)
    UNION SELECT id FROM entries WHERE title_key IN (SELECT title_key FROM entries
      WHERE title_key IS NOT NULL GROUP BY title_key HAVING count(*) > 1))"""


def _id_list(entry_ids: Sequence[int]) -> str:
    """Our own integers inlined (no injection): a refresh's batch in one statement."""
    return ",".join(str(int(i)) for i in entry_ids)


def _scope(feeds: Sequence[str], tags: Sequence[str]) -> tuple[str, list]:
    """A rule's scope: the feeds listed by URL and the feeds with one of `tags` (none: all)."""
    parts, params = [], []
    if feeds:
        parts.append(f"entries.feed_id IN (SELECT id FROM feeds WHERE url IN ({_marks(feeds)}))")
        params += feeds
    if tags:
        parts.append(
            "entries.feed_id IN (SELECT feeds.id FROM feeds, json_each(feeds.tags)"
            f" WHERE json_each.value IN ({_marks(tags)}))"
        )
        params += tags
    return ("(" + " OR ".join(parts) + ")" if parts else "1"), params


class RulesPart(EntriesPart):
    def rule_rows(self, entry_ids: Sequence[int] | str) -> tuple[list[tuple], list[tuple]]:
        """What a rule can ask of these entries, read once for a batch: their feeds (id, url,
        title, user title, tags JSON) and the entries (id, feed id, title, author, link,
        indexed text, sort_ts, read, saved, has enclosure, content, summary, tags JSON,
        hidden, highlight). A str is a subquery giving the ids (tests, benchmarks)."""
        ids_sql = entry_ids if isinstance(entry_ids, str) else _id_list(entry_ids) or "NULL"
        conn = self.db.conn
        feeds = conn.execute(
            "SELECT id, url, title, user_title, tags FROM feeds WHERE id IN"
            f" (SELECT DISTINCT feed_id FROM entries WHERE id IN ({ids_sql}))"
        ).fetchall()
        entries = conn.execute(
            f"""SELECT e.id, e.feed_id, e.title, e.author, e.link,
                  COALESCE((SELECT body FROM fts_pending WHERE entry_id = e.id),
                    (SELECT body FROM entries_fts WHERE entries_fts.rowid = e.id)), e.sort_ts,
                  e.read, e.saved, e.enclosures != '[]', e.content, e.summary, e.tags, e.hidden,
                  e.highlight
                FROM entries e WHERE e.id IN ({ids_sql})"""
        ).fetchall()
        return feeds, entries

    def run_rule(
        self,
        condition: tuple[str, list, Sequence[SqlFunction]],
        actions: Sequence[str],
        now: float,
        feeds: Sequence[str] = (),
        tags: Sequence[str] = (),
        dry_run: bool = False,
    ) -> tuple[int, dict[str, int]]:
        """One rule over every cached entry of its scope (feed URLs, tags), as one SQL pass:
        the entries `condition` (sql, params, the SQL functions it calls) matches go into a
        scratch table, then each action is one UPDATE of the matched entries it would change
        (dry run: counted only). Returns (matched, entries each action changed)."""
        conn = self.db.conn
        # This connection's scratch table: asked for each time (a flag could outlive a
        # rolled-back transaction that created it), a no-op once it exists.
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS byline_matched (id INTEGER PRIMARY KEY)")
        sql, cond_params, functions = condition
        self.use_functions(functions)
        scope, scope_params = _scope(feeds, tags)
        matched = conn.execute(
            f"INSERT INTO temp.byline_matched (id) SELECT id FROM entries WHERE 1"
            f" AND {scope} AND {sql}",
            [*scope_params, *cond_params],
        ).rowcount
        if not matched:  # the usual case on new entries: no statement per action
            return matched, dict.fromkeys(actions, 0)
        changed: dict[str, int] = {}
        for action in actions:
            if action.startswith("tag:"):
                change, when, params = _TAG_SET, _TAG_WHEN, {"tag": action[4:], "now": now}
            else:
                change, when = _ACTION_SQL[action]
                params = {"now": now}
            ids = "id IN (SELECT id FROM temp.byline_matched)"
            if dry_run:
                sql = f"SELECT count(*) FROM entries WHERE {ids} AND {when}"
                changed[action] = conn.execute(sql, params).fetchone()[0]
            else:
                queued = []
                if action in _SYNCED:
                    sql = f"SELECT id FROM entries WHERE {ids} AND {when}"
                    queued = [r[0] for r in conn.execute(sql, params)]
                sql = f"UPDATE entries SET {change} WHERE {ids} AND {when}"
                changed[action] = conn.execute(sql, params).rowcount
                self._queue_for_server(action, queued)
        conn.execute("DELETE FROM temp.byline_matched")  # empty for the next rule
        return matched, changed

    def apply_action(self, action: str, entry_ids: Sequence[int], now: float) -> None:
        """One action (mark_read, hide, save, highlight) on these entries, decided by the
        caller: one statement for the batch."""
        change = _ACTION_SQL[action][0]
        sql = f"UPDATE entries SET {change} WHERE id IN ({_id_list(entry_ids)})"
        self.db.conn.execute(sql, {"now": now})
        self._queue_for_server(action, list(entry_ids))

    def set_entry_tags(self, tags: Sequence[tuple[int, Sequence[str]]]) -> None:
        """Give entries their tags (entry id, every tag it has now)."""
        self.db.conn.executemany(
            "UPDATE entries SET tags = ? WHERE id = ?",
            [(json.dumps(list(t), separators=(",", ":")), entry_id) for entry_id, t in tags],
        )

    def _queue_for_server(self, action: str, entry_ids: list[int]) -> None:
        """A rule's read or saved mark on entries that came from a sync server is queued for
        it, like the user's own marks (else the next sync would undo it)."""
        if action in _SYNCED and entry_ids:
            self._enqueue_sync(entry_ids, _SYNCED[action], True)

    # ------------------------------------------------------------ duplicate stories

    def fill_dedupe_keys(self) -> None:
        """Keys for entries cached before dedupe existed (new entries get them when stored)."""
        conn = self.db.conn
        rows = conn.execute(
            "SELECT id, link, title FROM entries WHERE link_key IS NULL AND title_key IS NULL"
        ).fetchall()
        conn.executemany(
            "UPDATE entries SET link_key = ?, title_key = ? WHERE id = ?",
            [(link_key(link), title_key(title), i) for i, link, title in rows],
        )

    def mark_duplicates(self, entry_ids: Sequence[int] | None = None) -> int:
        """Hide each of these entries (None: every entry whose key another entry shares)
        whose story an earlier entry of another feed already tells; returns how many were
        marked."""
        which = _SHARED_KEY if entry_ids is None else f"id IN ({_id_list(entry_ids)})"
        conn = self.db.conn
        pairs = [
            (first, entry_id)
            for entry_id, first in conn.execute(f"{_FIRST_TELLING} AND t.{which}").fetchall()
            if first is not None
        ]
        if pairs:
            conn.executemany(
                "UPDATE entries SET hidden = 2, dupe_of = ? WHERE id = ? AND hidden = 0", pairs
            )
        return len(pairs)

    def unmark_duplicates(self) -> int:
        """dedupe = false: every duplicate shows again."""
        return self.db.conn.execute(
            "UPDATE entries SET hidden = 0, dupe_of = NULL WHERE hidden = 2"
        ).rowcount

    # ------------------------------------------------------------ notify

    def shown_entries_with_feeds(self, entry_ids: Sequence[int]) -> list[tuple]:
        """(feed id, feed url, feed title, title, link, sort_ts) of these entries that show
        (a rule did not hide them, they repeat no other feed's story)."""
        out = []
        for chunk in _chunks(list(entry_ids)):
            out += self.db.conn.execute(
                f"""SELECT e.feed_id, f.url, COALESCE(f.user_title, NULLIF(f.title, ''), f.url),
                      e.title, e.link, e.sort_ts
                    FROM entries e JOIN feeds f ON f.id = e.feed_id
                    WHERE e.hidden = 0 AND e.id IN ({_marks(chunk)})""",
                chunk,
            ).fetchall()
        return out
