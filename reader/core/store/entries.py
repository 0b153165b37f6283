"""Entries: storing what a refresh parsed, the deferred search index, pruning, reading one
entry, and the read/saved marks (queued for a sync server in the same transaction).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.store.base import StoreBase, _chunks
from reader.core.store.pausepoint import pause_point
from reader.core.store.rows import Entry
from reader.core.text.dedupe import link_key, title_key
from reader.core.text.searchtext import content_hash, fold, html_to_search_text

if TYPE_CHECKING:
    from reader.core.text.parse import ParsedEntry


@dataclass(frozen=True, slots=True)
class StoreResult:
    new: int = 0
    updated: int = 0
    ids: tuple[int, ...] = ()  # the entries changed, then those inserted (for the rules)


def _dupe_keys(entry: ParsedEntry) -> tuple[str | None, str | None]:
    """(link_key, title_key): the parser's, made for this very link and title (it computes
    them in the refresh's parse child), else computed here."""
    keys = getattr(entry, "keys", ())
    if keys and keys[0] == entry.link and keys[1] == entry.title:
        return keys[2], keys[3]
    return link_key(entry.link), title_key(entry.title)


def _enclosures(entry: ParsedEntry) -> str:
    return json.dumps(entry.enclosures) if entry.enclosures else "[]"


def _search_body(entry: ParsedEntry) -> str:
    """The entry's words for the index, precomputed by the parser when it could."""
    return entry.search_body or html_to_search_text(entry.content or entry.summary)


class EntriesPart(StoreBase):
    # ------------------------------------------------------------ writing entries

    def store_entries(
        self, feed_id: int, entries: Sequence[ParsedEntry], now: float | None = None
    ) -> StoreResult:
        """Insert new entries, replace the content of changed ones (never their read/saved
        state) and note which are still in the feed, all in one short transaction."""
        now = time.time() if now is None else now
        by_uid: dict[str, ParsedEntry] = {}
        for entry in entries:
            by_uid.setdefault(entry.uid, entry)  # a feed listing one id twice: first wins
        uids = list(by_uid)
        existing: dict[str, tuple[int, str]] = {}
        with self.db.atomic():
            # Looked up inside the write transaction: read before it, another process
            # refreshing the same feed (cron while the app refreshes) could insert the same
            # new entries in between, and ours would fail on UNIQUE (feed_id, uid).
            for chunk in _chunks(uids):
                marks = ",".join("?" * len(chunk))
                for uid, entry_id, digest in self._rows(
                    f"SELECT uid, id, content_hash FROM entries WHERE feed_id = ? AND uid IN ({marks})",
                    [feed_id, *chunk],
                ):
                    existing[uid] = (entry_id, digest)
            inserts, changes = [], []
            for uid, entry in by_uid.items():
                digest = entry.digest or content_hash(entry)
                if uid not in existing:
                    inserts.append((entry, digest))
                elif existing[uid][1] != digest:
                    changes.append((existing[uid][0], entry, digest))
            new_ids = self._insert_entries(feed_id, inserts, now)
            self._update_entries(changes, now)
            new, updated = len(inserts), len(changes)
            seen = [existing[u][0] for u in uids if u in existing]
            for chunk in _chunks(seen):
                self.db.execute(
                    f"UPDATE entries SET last_seen = ? WHERE id IN ({','.join('?' * len(chunk))})",
                    [now, *chunk],
                )
            touched = [entry_id for entry_id, _, _ in changes] + new_ids
            pause_point("store_entries")  # a test seam (reader/core/store/pausepoint.py)
        return StoreResult(new, updated, tuple(touched))

    @staticmethod
    def _sort_ts(entry: ParsedEntry, now: float) -> float:
        """Newest first by publication; a date in the future (bad clocks, time zones) is
        clamped to now so such an entry cannot pin itself to the top."""
        when = entry.published or entry.updated or now
        return min(when, now)

    def _insert_entries(
        self, feed_id: int, items: list[tuple[ParsedEntry, str]], now: float
    ) -> list[int]:
        """One executemany for the rows and one for their index entries; returns the new
        rows' ids, in the order of `items`.

        Inside the write transaction nobody else inserts, and SQLite gives each row without
        an id the largest id so far plus one (sqlite.org/autoinc.html): the new ids are the
        `len(items)` after the largest before, which the last insert's id confirms. That
        replaces a look-up by (feed_id, uid) per row for the index entries and another for
        the ids (issue 24); were the ids ever not consecutive (the largest id in use is
        2**63-1 and SQLite picks at random), they are looked up as before."""
        if not items:
            return []
        conn = self.db.conn
        before = conn.execute("SELECT max(id) FROM entries").fetchone()[0] or 0
        conn.executemany(
            """INSERT INTO entries (feed_id, uid, title, author, link, published, updated,
                 sort_ts, summary, content, enclosures, content_hash, first_seen, last_seen,
                 link_key, title_key)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    feed_id, e.uid, e.title, e.author, e.link, e.published, e.updated,
                    self._sort_ts(e, now), e.summary, e.content, _enclosures(e), digest, now,
                    now, *_dupe_keys(e),
                )
                for e, digest in items
            ],
        )  # fmt: skip
        ids = list(range(before + 1, before + 1 + len(items)))
        if conn.execute("SELECT last_insert_rowid()").fetchone()[0] != ids[-1]:
            ids = [self._entry_id(feed_id, e.uid) for e, _ in items]
        conn.executemany(
            "INSERT OR REPLACE INTO fts_pending (entry_id, title, body) VALUES (?, ?, ?)",
            [(i, fold(e.title), _search_body(e)) for i, (e, _) in zip(ids, items, strict=True)],
        )  # indexed later, off the refresh's path (index_pending)
        return ids

    def _entry_id(self, feed_id: int, uid: str) -> int:
        rows = self._rows("SELECT id FROM entries WHERE feed_id = ? AND uid = ?", [feed_id, uid])
        return rows[0][0]

    def _update_entries(self, items: list[tuple[int, ParsedEntry, str]], now: float) -> None:
        conn = self.db.conn
        conn.executemany(
            """UPDATE entries SET title = ?, author = ?, link = ?, published = ?, updated = ?,
                 summary = ?, content = ?, enclosures = ?, content_hash = ?, last_seen = ?,
                 link_key = ?, title_key = ?
               WHERE id = ?""",
            [
                (
                    e.title, e.author, e.link, e.published, e.updated, e.summary, e.content,
                    _enclosures(e), digest, now, *_dupe_keys(e), entry_id,
                )
                for entry_id, e, digest in items
            ],
        )  # fmt: skip
        conn.executemany(
            "INSERT OR REPLACE INTO fts_pending (entry_id, title, body) VALUES (?, ?, ?)",
            [(entry_id, fold(e.title), _search_body(e)) for entry_id, e, _ in items],
        )  # re-indexed later (index_pending); every search catches up first

    def _index(self, entry_id: int, title: str, body_html: str, extra: str = "") -> None:
        self.db.execute("DELETE FROM fts_pending WHERE entry_id = ?", [entry_id])  # superseded
        self.db.execute("DELETE FROM entries_fts WHERE rowid = ?", [entry_id])
        body = html_to_search_text(body_html)
        if extra:
            body = f"{body} {html_to_search_text(extra)}"
        self.db.execute(
            "INSERT INTO entries_fts (rowid, title, body) VALUES (?, ?, ?)",
            [entry_id, fold(title), body],
        )

    # ------------------------------------------------------------ deferred search index

    def pending_index(self) -> int:
        """Entries stored or changed whose index text waits in fts_pending."""
        return self._rows("SELECT count(*) FROM fts_pending")[0][0]

    def index_pending(self, batch: int = 100, limit: int | None = None) -> int:
        """Move queued entries into entries_fts, `batch` entries a short transaction (a
        writer waiting on the lock waits for one batch, not the whole backlog); at most
        `limit` entries (None: until the queue is empty). Returns how many were indexed.
        Safe against a concurrent refresh: each batch reads and clears its rows inside one
        IMMEDIATE transaction, and an entry queued again meanwhile is simply done again."""
        done = 0
        while limit is None or done < limit:
            size = batch if limit is None else min(batch, limit - done)
            # A read first, outside any transaction: an empty queue (the usual case for a
            # search) costs one index look-up and never takes the write lock.
            if not self._rows("SELECT 1 FROM fts_pending LIMIT 1"):
                break
            with self.db.atomic():
                rows = self._rows(
                    "SELECT entry_id, title, body FROM fts_pending ORDER BY entry_id LIMIT ?",
                    [size],
                )
                if not rows:
                    break
                conn = self.db.conn
                ids = [(r[0],) for r in rows]
                conn.executemany("DELETE FROM entries_fts WHERE rowid = ?", ids)
                conn.executemany(
                    "INSERT INTO entries_fts (rowid, title, body) VALUES (?, ?, ?)", rows
                )
                conn.executemany("DELETE FROM fts_pending WHERE entry_id = ?", ids)
                pause_point("index_pending")  # a test seam (reader/core/store/pausepoint.py)
            done += len(rows)
        return done

    def prune(self, keep_days: int, max_items: dict[int, int], now: float | None = None) -> int:
        """Drop read, unsaved entries older than keep_days and entries beyond a feed's cap.
        Only entries the feed no longer lists are dropped, so none comes back as unread;
        saved entries and entries with saved quotes are never dropped."""
        now = time.time() if now is None else now
        keep = "saved = 0 AND id NOT IN (SELECT entry_id FROM saved_quotes)"
        removed = 0
        with self.db.atomic():
            if keep_days > 0:
                cutoff = now - keep_days * 86400
                removed += self.db.execute(
                    f"DELETE FROM entries WHERE read = 1 AND {keep} AND last_seen < ? AND sort_ts < ?",
                    [cutoff, cutoff],
                ).rowcount
            for feed_id, cap in max_items.items():
                removed += self.db.execute(
                    f"""DELETE FROM entries WHERE id IN (
                          SELECT id FROM entries WHERE feed_id = ?
                          ORDER BY sort_ts DESC, id DESC LIMIT -1 OFFSET ?)
                        AND {keep} AND last_seen < (SELECT COALESCE(checked_at, 0) FROM feeds WHERE id = ?)""",
                    [feed_id, cap, feed_id],
                ).rowcount
            pause_point("prune")  # a test seam (reader/core/store/pausepoint.py)
        return removed

    def entry(self, entry_id: int) -> Entry | None:
        sql = """SELECT e.id, e.feed_id, COALESCE(f.user_title, NULLIF(f.title, ''), f.url)
                   AS feed_title, f.link AS feed_link, e.uid, e.title, e.author, e.link,
                   e.published, e.updated, e.sort_ts, e.summary, e.content, e.enclosures,
                   e.read, e.saved
                 FROM entries e JOIN feeds f ON f.id = e.feed_id WHERE e.id = ?"""
        found = self._objects(Entry, sql, [entry_id])
        return found[0] if found else None

    def duplicates(self, entry_id: int) -> list[tuple[str, str]]:
        """(feed title, link) of the other feeds that told this entry's story (dedupe)."""
        sql = """SELECT COALESCE(f.user_title, NULLIF(f.title, ''), f.url), e.link
                 FROM entries e JOIN feeds f ON f.id = e.feed_id
                 WHERE e.dupe_of = ? AND e.hidden = 2 ORDER BY e.id"""
        return [(t, link) for t, link in self._rows(sql, [entry_id])]

    def entry_tags(self, entry_id: int) -> list[str]:
        """Tags rules gave this entry (its feed's tags are on the feed)."""
        rows = self._rows("SELECT tags FROM entries WHERE id = ?", [entry_id])
        return list(json.loads(rows[0][0])) if rows else []

    # ------------------------------------------------------------ read / saved state

    def set_read(self, entry_ids: Sequence[int], read: bool = True) -> None:
        with self.db.atomic():
            for chunk in _chunks(list(entry_ids)):
                self.db.execute(
                    f"UPDATE entries SET read = ? WHERE id IN ({','.join('?' * len(chunk))})",
                    [int(read), *chunk],
                )
            self._enqueue_sync(entry_ids, "read", read)

    def set_saved(self, entry_id: int, saved: bool = True) -> bool:
        """Save or unsave; False when the entry is gone (a refresh elsewhere pruned it a
        moment ago), so the caller can say so instead of pretending it was saved."""
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE entries SET saved = ?, saved_at = ? WHERE id = ?",
                [int(saved), time.time() if saved else None, entry_id],
            )
            self._enqueue_sync([entry_id], "saved", saved)
        return cursor.rowcount > 0
