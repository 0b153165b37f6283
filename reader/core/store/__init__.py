"""The SQLite cache: feeds, entries, read/saved state, full texts, saved quotes, search.

Every query the app makes is paged and runs on an index, so the newest 50 entries of any view
cost the same on 1,000 or 1,000,000 entries. Unread/total counts per feed are kept by triggers
so the sidebar never counts rows. WAL mode, a busy timeout and short transactions let the app
and a cron `byline refresh` write at the same time; a kill loses nothing committed.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core.store.pausepoint import pause_point
from reader.core.store.rows import Entry, EntryRow, Feed, FullText, Row, SavedQuote, from_row
from reader.core.text.dedupe import link_key, title_key
from reader.core.text.searchtext import content_hash, fold, html_to_search_text

if TYPE_CHECKING:
    from reader.core.config import FeedConfig
    from reader.core.text.parse import ParsedEntry

DB_NAME = "byline.db"
SCHEMA_VERSION = 7  # the number of migrations in reader.core.store.schema
BUSY_TIMEOUT_MS = 15_000
_CHUNK = 500  # parameters per IN (...) list
MAX_MERGED_FEEDS = 200  # SQLite allows 500 terms in a compound SELECT

# ---------------------------------------------------------------- rows
# The row types live in reader/core/store/rows.py; imported here so `from reader.core.store
# import Entry` keeps working.


@dataclass(frozen=True, slots=True)
class View:
    """A list of entries: kind is all, unread, saved, feed (value=feed id), tag, search,
    match (value=a rules.SavedView from [[views]]) or hidden (what rules hid)."""

    kind: str = "all"
    value: str | int | None = None

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


@dataclass(frozen=True, slots=True)
class StoreResult:
    new: int = 0
    updated: int = 0
    ids: tuple[int, ...] = ()  # the entries changed, then those inserted (for the rules)


# ---------------------------------------------------------------- text helpers

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


def _search_body(entry: ParsedEntry) -> str:
    """The entry's words for the index, precomputed by the parser when it could."""
    return entry.search_body or html_to_search_text(entry.content or entry.summary)


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------- the store


class _Connection:
    """A sqlite3 connection in autocommit mode: a lone statement commits at once, `atomic()`
    groups statements in one short IMMEDIATE transaction (a writer takes the lock up front,
    so two writers queue on the busy timeout instead of failing to upgrade a read lock)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def execute(self, sql: str, params: Sequence | dict = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        if self.conn.in_transaction:  # nested: a savepoint inside the open transaction
            self.conn.execute("SAVEPOINT nested")
            try:
                yield
            except BaseException:
                # A full disk (or an I/O error) may have rolled the whole transaction back
                # already: then there is no savepoint left, and the original error must show.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK TO nested")
                    self.conn.execute("RELEASE nested")
                raise
            self.conn.execute("RELEASE nested")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


class Store:
    """One connection to the cache. Use one Store per thread or process."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = _Connection(self.path)
        conn = self.db.conn
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            from reader.core.store.schema import upgrade

            upgrade(conn, SCHEMA_VERSION)
        from reader.core.rules.sqlfuncs import register

        register(conn)  # the functions [[rules]] and [[views]] expressions call

    @classmethod
    def in_dir(cls, data_dir: Path) -> Store:
        return cls(Path(data_dir) / DB_NAME)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        return self.db.conn.execute(sql, params).fetchall()

    def _objects(self, cls: type[Row], sql: str, params: Sequence | dict = ()) -> list[Row]:
        """Rows as `cls` objects, fields filled by column name (reader/core/store/rows.py)."""
        cursor = self.db.conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [from_row(cls, names, row) for row in cursor.fetchall()]

    # ------------------------------------------------------------ feeds

    def sync_feeds(self, feeds: Sequence[FeedConfig]) -> None:
        """Make the feeds table follow the config. A feed dropped from the config only goes
        inactive (hidden, entries kept): a config edit must never destroy history. Its
        entries are deleted by `drop_feed` (`byline remove`). Every start-up calls this: when
        the table already follows the config nothing is written (1,000 feeds' upserts were
        6 ms of the first screen, issue 16)."""
        urls = [f.url for f in feeds]
        wanted = {f.url: (f.title, json.dumps(list(f.tags)), i) for i, f in enumerate(feeds)}
        if self._feeds_follow(wanted):
            return
        with self.db.atomic():
            for position, feed in enumerate(feeds):
                self.db.execute(
                    """INSERT INTO feeds (url, user_title, tags, position, active)
                       VALUES (?, ?, ?, ?, 1)
                       ON CONFLICT(url) DO UPDATE SET user_title = excluded.user_title,
                         tags = excluded.tags, position = excluded.position, active = 1""",
                    [feed.url, feed.title, json.dumps(list(feed.tags)), position],
                )
            marks = ",".join("?" * len(urls))
            # Feeds from a sync server (remote set) follow the server, not the config.
            self.db.execute(
                f"UPDATE feeds SET active = 0 WHERE url NOT IN ({marks}) AND remote IS NULL", urls
            )

    def _feeds_follow(self, wanted: dict[str, tuple[str | None, str, int]]) -> bool:
        """The feeds table already says what `sync_feeds` would write for `wanted`
        (url -> title, tags as JSON, position): those active, every other local feed not."""
        found = 0
        rows = self._rows("SELECT url, user_title, tags, position, active, remote FROM feeds")
        for url, title, tags, position, active, remote in rows:
            if url in wanted:
                if not active or wanted[url] != (title, tags, position):
                    return False
                found += 1
            elif active and remote is None:
                return False
        return found == len(wanted)

    def drop_feed(self, url: str) -> None:
        """Forget a feed: its unsaved entries go; saved entries and quoted ones stay (the
        feed row stays, inactive, while anything of it is kept)."""
        feed = self.feed_by_url(url)
        if feed is None:
            return
        with self.db.atomic():
            self.db.execute(
                """DELETE FROM entries WHERE feed_id = ? AND saved = 0
                   AND id NOT IN (SELECT entry_id FROM saved_quotes)""",
                [feed.id],
            )
            left = self._rows("SELECT entry_count FROM feeds WHERE id = ?", [feed.id])[0][0]
            if left:
                self.db.execute("UPDATE feeds SET active = 0 WHERE id = ?", [feed.id])
            else:
                self.db.execute("DELETE FROM feeds WHERE id = ?", [feed.id])

    _FEED_COLS = (
        "id, url, COALESCE(user_title, NULLIF(title, ''), url) AS title, link, tags, status, error,"
        " http_status, checked_at, ok_at, next_due, failures, entry_count, unread_count, active,"
        " etag, last_modified, body_hash, fetch_url"
    )

    def feeds(self, include_inactive: bool = False) -> list[Feed]:
        where = "" if include_inactive else "WHERE active = 1"
        sql = f"SELECT {self._FEED_COLS} FROM feeds {where} ORDER BY active DESC, position, id"
        return self._objects(Feed, sql)

    def feed_counts(self) -> list[tuple[int, str, int, bool]]:
        """(id, title, unread count, failing) of each active feed, in the config's order: the
        sidebar's rows, read at start-up and once a second during a refresh (as `Feed` objects
        1,000 feeds took 10 ms, a tuple each 2 ms)."""
        sql = """SELECT id, COALESCE(user_title, NULLIF(title, ''), url), unread_count,
                        status = 'error'
                 FROM feeds WHERE active = 1 ORDER BY position, id"""
        return [(i, t, n, bool(e)) for i, t, n, e in self._rows(sql)]

    def feed(self, feed_id: int) -> Feed | None:
        found = self._objects(Feed, f"SELECT {self._FEED_COLS} FROM feeds WHERE id = ?", [feed_id])
        return found[0] if found else None

    def feed_by_url(self, url: str) -> Feed | None:
        found = self._objects(Feed, f"SELECT {self._FEED_COLS} FROM feeds WHERE url = ?", [url])
        return found[0] if found else None

    def update_feed(self, feed_id: int, **values: Any) -> None:
        """Record a fetch outcome (status, error, validators, next_due, title, link, url...)."""
        allowed = {
            "fetch_url", "title", "link", "etag", "last_modified", "body_hash", "status", "error",
            "http_status", "checked_at", "ok_at", "next_due", "failures",
        }  # fmt: skip
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"not feed columns: {sorted(unknown)}")
        pause_point("update_feed")  # a test seam (reader/core/store/pausepoint.py)
        assignments = ", ".join(f"{name} = ?" for name in values)
        self.db.execute(f"UPDATE feeds SET {assignments} WHERE id = ?", [*values.values(), feed_id])

    def tags(self) -> list[tuple[str, int, int]]:
        """(tag, unread, total) for every tag of an active feed, sorted by name."""
        sql = """SELECT j.value, SUM(f.unread_count), SUM(f.entry_count)
                 FROM feeds f, json_each(f.tags) j WHERE f.active = 1
                 GROUP BY j.value ORDER BY j.value COLLATE NOCASE"""
        return [(t, u or 0, n or 0) for t, u, n in self._rows(sql)]

    def data_version(self) -> int:
        """SQLite's `PRAGMA data_version`: it changes when another connection commits, so
        the app notices a `byline mark` or refresh from the CLI without re-reading (issue 28)."""
        return self._rows("PRAGMA data_version")[0][0]

    def totals(self) -> dict[str, int]:
        """Counts for the fixed views, from the trigger-kept counters (no row scans), and how
        many feeds are failing (`failing`)."""
        unread, total, failing = self._rows(
            "SELECT COALESCE(SUM(unread_count), 0), COALESCE(SUM(entry_count), 0),"
            " COALESCE(SUM(status = 'error'), 0) FROM feeds WHERE active = 1"
        )[0]
        kept_unread, kept = self._rows(
            """SELECT COALESCE(SUM(read = 0), 0), count(*) FROM entries WHERE saved = 1
               AND hidden = 0 AND feed_id IN (SELECT id FROM feeds WHERE active = 0)"""
        )[0]
        unread, total = unread + kept_unread, total + kept
        saved = self._rows("SELECT count(*) FROM entries WHERE hidden = 0 AND saved = 1")[0][0]
        quotes = self._rows("SELECT count(*) FROM saved_quotes")[0][0]
        return {
            "all": total, "unread": unread, "saved": saved, "quotes": quotes, "failing": failing,
        }  # fmt: skip

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
            self._insert_entries(feed_id, inserts, now)
            self._update_entries(changes, now)
            new, updated = len(inserts), len(changes)
            seen = [existing[u][0] for u in uids if u in existing]
            for chunk in _chunks(seen):
                self.db.execute(
                    f"UPDATE entries SET last_seen = ? WHERE id IN ({','.join('?' * len(chunk))})",
                    [now, *chunk],
                )
            touched = [entry_id for entry_id, _, _ in changes]
            new_uids = [e.uid for e, _ in inserts]
            for chunk in _chunks(new_uids):
                marks = ",".join("?" * len(chunk))
                touched += [
                    r[0]
                    for r in self._rows(
                        f"SELECT id FROM entries WHERE feed_id = ? AND uid IN ({marks})",
                        [feed_id, *chunk],
                    )
                ]
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
    ) -> None:
        """One executemany for the rows and one for their index entries (found by the
        unique (feed_id, uid) index), instead of two statements per entry."""
        conn = self.db.conn
        conn.executemany(
            """INSERT INTO entries (feed_id, uid, title, author, link, published, updated,
                 sort_ts, summary, content, enclosures, content_hash, first_seen, last_seen,
                 link_key, title_key)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    feed_id, e.uid, e.title, e.author, e.link, e.published, e.updated,
                    self._sort_ts(e, now), e.summary, e.content, json.dumps(e.enclosures),
                    digest, now, now, link_key(e.link), title_key(e.title),
                )
                for e, digest in items
            ],
        )  # fmt: skip
        conn.executemany(
            """INSERT OR REPLACE INTO fts_pending (entry_id, title, body)
               SELECT id, ?, ? FROM entries WHERE feed_id = ? AND uid = ?""",
            [(fold(e.title), _search_body(e), feed_id, e.uid) for e, _ in items],
        )  # indexed later, off the refresh's path (index_pending)

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
                    json.dumps(e.enclosures), digest, now, link_key(e.link), title_key(e.title),
                    entry_id,
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

    @staticmethod
    def _kind_where(kind: str, value: str | int | None) -> tuple[str, list]:
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
        if kind == "match":
            from reader.core.rules.expr import to_sql

            return to_sql(value.match, time.time())  # value: a rules.SavedView
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

    def _enqueue_sync(self, entry_ids: Sequence[int], field: str, value: bool) -> None:
        """Queue a change of synced entries for the sync server (reader.core.sync.queue), in
        the caller's transaction: the app and `byline mark` share it, and a kill right after
        the mark cannot lose the change. Entries that did not come from a server cost one
        index lookup and queue nothing."""
        now = time.time()
        for chunk in _chunks(list(entry_ids)):
            self.db.execute(
                f"""INSERT INTO sync_queue (remote_id, field, value, at)
                    SELECT remote_id, ?, ?, ? FROM sync_items
                    WHERE entry_id IN ({",".join("?" * len(chunk))})
                    ON CONFLICT (remote_id, field) DO UPDATE SET value = excluded.value,
                      at = excluded.at, attempts = 0, next_try = 0, error = NULL""",
                [field, int(value), now, *chunk],
            )

    def set_read(self, entry_ids: Sequence[int], read: bool = True) -> None:
        with self.db.atomic():
            for chunk in _chunks(list(entry_ids)):
                self.db.execute(
                    f"UPDATE entries SET read = ? WHERE id IN ({','.join('?' * len(chunk))})",
                    [int(read), *chunk],
                )
            self._enqueue_sync(entry_ids, "read", read)

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

    # ------------------------------------------------------------ full texts

    def save_fulltext(self, text: FullText) -> None:
        """Keep an article's extracted page (or why it failed) and make it searchable."""
        with self.db.atomic():
            self.db.execute(
                """INSERT OR REPLACE INTO fulltexts
                   (entry_id, url, html, title, byline, published, fetched_at, status, error)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    text.entry_id, text.url, text.html, text.title, text.byline,
                    text.published, text.fetched_at, text.status, text.error,
                ],
            )  # fmt: skip
            if text.status == "ok":
                entry = self.entry(text.entry_id)
                if entry is not None:
                    self._index(entry.id, entry.title, entry.body_html, extra=text.html)

    def fulltext(self, entry_id: int) -> FullText | None:
        found = self._objects(
            FullText,
            """SELECT entry_id, url, html, title, byline, published, fetched_at, status, error
               FROM fulltexts WHERE entry_id = ?""",
            [entry_id],
        )
        return found[0] if found else None

    def missing_fulltexts(
        self, feed_ids: Sequence[int], include_saved: bool = True, limit: int = 500
    ) -> list[int]:
        """Entries that want a full text and have never been tried: entries of full-text
        feeds and (if asked) saved entries. A recorded failure is not retried in a loop."""
        marks = ",".join("?" * len(feed_ids)) or "NULL"
        saved = "OR e.saved = 1" if include_saved else ""
        sql = f"""SELECT id FROM entries e WHERE (e.feed_id IN ({marks}) {saved})
                  AND e.link != ''
                  AND NOT EXISTS (SELECT 1 FROM fulltexts t WHERE t.entry_id = e.id)
                  ORDER BY sort_ts DESC LIMIT ?"""
        return [r[0] for r in self._rows(sql, [*feed_ids, limit])]

    # ------------------------------------------------------------ saved quotes

    def save_quote(
        self, entry_id: int, text: str, kind: str, start: int, end: int,
        speaker: str | None = None, cue: str | None = None, context: str = "",
    ) -> int:  # fmt: skip
        """Keep a quote with enough copied context to stand alone, even if the entry changes.
        One write transaction: a prune in another process cannot drop the entry between the
        check that it exists and the insert that protects it from pruning."""
        with self.db.atomic():
            entry = self.entry(entry_id)
            if entry is None:
                raise KeyError(entry_id)
            self.db.execute(
                """INSERT INTO saved_quotes (entry_id, feed_id, text, speaker, cue, kind, start,
                     "end", context, entry_title, entry_link, feed_title, saved_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(entry_id, text) DO UPDATE SET speaker = excluded.speaker""",
                [
                    entry_id, entry.feed_id, text, speaker, cue, kind, start, end, context,
                    entry.title, entry.link, entry.feed_title, time.time(),
                ],
            )  # fmt: skip
            rows = self._rows(
                "SELECT id FROM saved_quotes WHERE entry_id = ? AND text = ?", [entry_id, text]
            )
        return rows[0][0]

    def delete_quote(self, quote_id: int) -> bool:
        """Forget a saved quote; False when there was no quote `quote_id`."""
        return self.db.execute("DELETE FROM saved_quotes WHERE id = ?", [quote_id]).rowcount > 0

    def saved_quote(self, quote_id: int) -> SavedQuote | None:
        """One saved quote by id (the app used to load every saved quote to find one)."""
        sql = f"SELECT {self._QUOTE_COLS} FROM saved_quotes WHERE id = ?"
        found = self._objects(SavedQuote, sql, [quote_id])
        return found[0] if found else None

    _QUOTE_COLS = """id, entry_id, feed_id, text, speaker, cue, kind, start, "end", context,
        entry_title, entry_link, feed_title, saved_at"""

    def saved_quotes(
        self, search: str | None = None, speaker: str | None = None,
        entry_id: int | None = None, limit: int = 1000,
    ) -> list[SavedQuote]:  # fmt: skip
        """Saved quotes, newest first, filtered by words (of the text or the speaker, FTS5
        with the query syntax of every other search: fts_query), speaker or entry."""
        clauses, params = [], []
        if search is not None:
            query = fts_query(search)
            if query is None:  # no word in it: matches nothing, as an entry search
                return []
            clauses.append(
                "id IN (SELECT rowid FROM saved_quotes_fts WHERE saved_quotes_fts MATCH ?)"
            )
            params.append(query)
        if speaker:
            clauses.append("speaker LIKE ?")
            params.append(f"%{speaker}%")
        if entry_id is not None:
            clauses.append("entry_id = ?")
            params.append(entry_id)
        where = " AND ".join(clauses) or "1"
        sql = f"""SELECT {self._QUOTE_COLS}
                  FROM saved_quotes WHERE {where} ORDER BY saved_at DESC, id DESC LIMIT ?"""
        return self._objects(SavedQuote, sql, [*params, limit])

    def quote_is_saved(self, entry_id: int, text: str) -> bool:
        rows = self._rows(
            "SELECT 1 FROM saved_quotes WHERE entry_id = ? AND text = ?", [entry_id, text]
        )
        return bool(rows)
