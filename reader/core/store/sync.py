"""The store's sync part: every statement reader.core.sync needs, and nothing else.

Three tables (schema.py m002, m008): `sync_items` maps a server's item id to the entry it
was matched with, `sync_queue` holds the changes made here still to be sent, keyed by the
*entry* (so a queued change outlives a server id that turned out to mean something else, a
changed URL or another server), and `sync_state` keeps the account, the cursor and the time
of the last sync. Statements run on the facade's connection (`self.db`), in short
transactions.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.core.store.base import StoreBase, _chunks

if TYPE_CHECKING:
    from reader.core.store.syncrows import QueuedChange, SyncEntry


_ENTRY_COLS = "e.id, e.feed_id, e.uid, e.link, e.title, e.read, e.saved"


def _entry(row: tuple) -> SyncEntry:
    from reader.core.store.syncrows import SyncEntry

    return SyncEntry(row[0], row[1], row[2], row[3] or "", row[4] or "", bool(row[5]), bool(row[6]))


class SyncPart(StoreBase):
    """What reader.core.sync keeps in the cache. The entries part's marks call
    `_enqueue_sync` here, in their own transaction."""

    # ------------------------------------------------------------ sync_state

    def sync_state(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM sync_state WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def set_sync_state(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def sync_forget_server(self, account: str, local_urls: Sequence[str]) -> None:
        """Another server than the one the mapping was made with: every item mapping and feed
        link goes (a remote number means another article there), the cursor too. Entries, their
        read/saved state and the queue stay: entries are matched again by their feed and link
        as the new server's items arrive, and queued changes follow them. Server-only feeds go
        inactive (saved entries kept); [[feeds]] feeds stay as they are."""
        with self.db.atomic():
            self.db.execute("DELETE FROM sync_items")
            marks = ",".join("?" * len(local_urls)) or "NULL"
            self.db.execute(
                f"UPDATE feeds SET active = 0 WHERE remote IS NOT NULL AND url NOT IN ({marks})",
                list(local_urls),
            )
            self.db.execute("UPDATE feeds SET remote = NULL WHERE remote IS NOT NULL")
            self.db.execute("DELETE FROM sync_state")
            self.set_sync_state("account", account)

    # ------------------------------------------------------------ feeds

    def sync_feed_rows(self) -> list[tuple[int, str, str | None]]:
        """(id, url, remote) of every feed, to match a server's feed list against."""
        return [(i, u, r) for i, u, r in self._rows("SELECT id, url, remote FROM feeds")]

    def sync_link_feed(self, feed_id: int, remote: str) -> None:
        """This feed row is the server's feed `remote` (one row per remote id)."""
        self.db.execute(
            "UPDATE feeds SET remote = NULL WHERE remote = ? AND id != ?", [remote, feed_id]
        )
        self.db.execute("UPDATE feeds SET remote = ? WHERE id = ?", [remote, feed_id])

    def sync_add_feed(self, url: str, remote: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO feeds (url, remote, status, position) VALUES (?, ?, 'ok', 100000)",
            [url, remote],
        )
        return int(cursor.lastrowid)

    def sync_describe_feed(
        self, feed_id: int, title: str, link: str, tags: str, server_only: bool
    ) -> None:
        """Take the server's title, site and folders for a feed only the server has; a
        [[feeds]] feed keeps what the config and its own fetches say (title only if none)."""
        now = time.time()
        if server_only:
            self.db.execute(
                """UPDATE feeds SET title = ?, link = ?, tags = ?, active = 1, status = 'ok',
                     error = NULL, checked_at = ?, ok_at = ? WHERE id = ?""",
                [title, link, tags, now, now, feed_id],
            )
        else:
            self.db.execute(
                "UPDATE feeds SET title = ? WHERE id = ? AND title = ''", [title, feed_id]
            )

    def sync_unlisted_feeds(self, listed: Sequence[str], local_urls: Sequence[str]) -> None:
        """Feeds the server no longer lists: a server-only one goes inactive (hidden, saved
        entries kept, its mapping kept should it come back); a [[feeds]] one stays active and
        is simply no longer the server's."""
        marks = ",".join("?" * len(listed)) or "NULL"
        local = ",".join("?" * len(local_urls)) or "NULL"
        self.db.execute(
            f"""UPDATE feeds SET active = 0 WHERE remote IS NOT NULL AND remote NOT IN ({marks})
                AND url NOT IN ({local})""",
            [*listed, *local_urls],
        )
        self.db.execute(
            f"""UPDATE feeds SET remote = NULL WHERE remote IS NOT NULL AND remote NOT IN ({marks})
                AND url IN ({local})""",
            [*listed, *local_urls],
        )

    def sync_retire_feed(self, feed_id: int) -> None:
        """A feed row that is no longer the server's copy of a feed: inactive (saved entries
        kept), its link to the server gone."""
        self.db.execute("UPDATE feeds SET remote = NULL, active = 0 WHERE id = ?", [feed_id])

    def sync_server_feed(self, url_or_remote: str) -> tuple[int, str, str, str] | None:
        """(id, remote, title, url) of the server's feed with this URL or remote id."""
        rows = self._rows(
            "SELECT id, remote, COALESCE(NULLIF(title, ''), url), url FROM feeds"
            " WHERE remote IS NOT NULL AND (url = ? OR url = ? OR remote = ?)",
            [url_or_remote, f"{url_or_remote}#sync", url_or_remote],
        )
        return tuple(rows[0]) if rows else None  # type: ignore[return-value]

    def sync_unlink_feed(self, feed_id: int) -> None:
        """A [[feeds]] feed unsubscribed on the server: it stays here, entries and all."""
        self.db.execute("UPDATE feeds SET remote = NULL WHERE id = ?", [feed_id])

    # ------------------------------------------------------------ items

    def sync_known_ids(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT remote_id FROM sync_items")}

    def sync_mapped(self, remote_ids: Sequence[str]) -> dict[str, SyncEntry]:
        """The entries these server ids were matched with."""
        found: dict[str, SyncEntry] = {}
        for chunk in _chunks(list(remote_ids)):
            marks = ",".join("?" * len(chunk))
            for row in self._rows(
                f"""SELECT s.remote_id, {_ENTRY_COLS} FROM sync_items s
                    JOIN entries e ON e.id = s.entry_id WHERE s.remote_id IN ({marks})""",
                list(chunk),
            ):
                found[row[0]] = _entry(row[1:])
        return found

    def sync_sample(self, limit: int) -> dict[str, SyncEntry]:
        """The newest mapped entries (to tell whether a changed URL is the same server)."""
        rows = self._rows(
            f"""SELECT s.remote_id, {_ENTRY_COLS} FROM sync_items s
                JOIN entries e ON e.id = s.entry_id ORDER BY e.id DESC LIMIT ?""",
            [limit],
        )
        return {r[0]: _entry(r[1:]) for r in rows}

    def sync_unmapped_by_links(self, feed_id: int, keys: Sequence[str]) -> dict[str, SyncEntry]:
        """Entries of this feed with these link keys that no server item is matched with yet
        (the first of each key)."""
        found: dict[str, SyncEntry] = {}
        for chunk in _chunks(sorted(set(keys))):
            marks = ",".join("?" * len(chunk))
            for row in self._rows(
                f"""SELECT e.link_key, {_ENTRY_COLS} FROM entries e
                    WHERE e.feed_id = ? AND e.link_key IN ({marks})
                    AND e.id NOT IN (SELECT entry_id FROM sync_items) ORDER BY e.id""",
                [feed_id, *chunk],
            ):
                found.setdefault(row[0], _entry(row[1:]))
        return found

    def sync_uids_taken(self, feed_id: int, uids: Sequence[str]) -> set[str]:
        taken: set[str] = set()
        for chunk in _chunks(list(uids)):
            marks = ",".join("?" * len(chunk))
            taken.update(
                r[0]
                for r in self._rows(
                    f"SELECT uid FROM entries WHERE feed_id = ? AND uid IN ({marks})",
                    [feed_id, *chunk],
                )
            )
        return taken

    def sync_map(self, pairs: Sequence[tuple[str, int]]) -> None:
        """Match server ids with entries, replacing any earlier match of either side. In the
        caller's transaction."""
        conn = self.db.conn
        conn.executemany("DELETE FROM sync_items WHERE remote_id = ?", [(r,) for r, _ in pairs])
        conn.executemany("DELETE FROM sync_items WHERE entry_id = ?", [(e,) for _, e in pairs])
        conn.executemany("INSERT INTO sync_items (remote_id, entry_id) VALUES (?, ?)", pairs)

    def sync_map_by_uid(self, feed_id: int, pairs: Sequence[tuple[str, str]]) -> None:
        """Match server ids with the entries just stored under these uids."""
        self.db.conn.executemany(
            """INSERT OR IGNORE INTO sync_items (remote_id, entry_id)
               SELECT ?, id FROM entries WHERE feed_id = ? AND uid = ?""",
            [(remote, feed_id, uid) for remote, uid in pairs],
        )

    def sync_unmap(self, remote_ids: Sequence[str]) -> None:
        """These server ids no longer name the entries they were matched with (another
        article, or gone from the server): the entries stay, state and all."""
        with self.db.atomic():
            self.db.conn.executemany(
                "DELETE FROM sync_items WHERE remote_id = ?", [(r,) for r in remote_ids]
            )

    def sync_state_rows(self) -> list[tuple[str, int, bool, bool, str | None]]:
        """(remote id, entry id, read, saved, the entry's server feed) of every mapped entry."""
        rows = self._rows(
            """SELECT s.remote_id, e.id, e.read, e.saved, f.remote FROM sync_items s
               JOIN entries e ON e.id = s.entry_id JOIN feeds f ON f.id = e.feed_id"""
        )
        return [(r, i, bool(a), bool(b), f) for r, i, a, b, f in rows]

    def sync_apply_state(
        self, read: Sequence[int], unread: Sequence[int], save: Sequence[int],
        unsave: Sequence[int],
    ) -> None:  # fmt: skip
        """The server's state for entries with no change queued here (queued none: these are
        not the user's changes, so nothing is queued back)."""
        now = time.time()
        with self.db.atomic():
            conn = self.db.conn
            conn.executemany("UPDATE entries SET read = 1 WHERE id = ?", [(i,) for i in read])
            conn.executemany("UPDATE entries SET read = 0 WHERE id = ?", [(i,) for i in unread])
            conn.executemany(
                "UPDATE entries SET saved = 1, saved_at = ? WHERE id = ?", [(now, i) for i in save]
            )
            conn.executemany(
                "UPDATE entries SET saved = 0, saved_at = NULL WHERE id = ?",
                [(i,) for i in unsave],
            )

    def sync_feed_of(self) -> dict[str, str]:
        """Server item id -> server feed id, for every mapped entry of a server feed."""
        rows = self._rows(
            """SELECT s.remote_id, f.remote FROM sync_items s JOIN entries e ON e.id = s.entry_id
               JOIN feeds f ON f.id = e.feed_id WHERE f.remote IS NOT NULL"""
        )
        return dict(rows)

    def sync_newest_published(self, remote_ids: Sequence[str]) -> float | None:
        """The newest publication time among these items (None if any has none): what the user
        saw when marking them, to bound a "mark all read" on the server."""
        newest: float | None = None
        for chunk in _chunks(list(remote_ids)):
            marks = ",".join("?" * len(chunk))
            low, high, count = self._rows(
                f"""SELECT min(e.published IS NULL), max(e.published), count(*) FROM sync_items s
                    JOIN entries e ON e.id = s.entry_id WHERE s.remote_id IN ({marks})""",
                list(chunk),
            )[0]
            if count < len(chunk) or low or high is None:
                return None
            newest = high if newest is None else max(newest, high)
        return newest

    def sync_merge_copies(self, local_urls: Sequence[str]) -> int:
        """A feed both in [[feeds]] and on the server is one feed with one set of entries: an
        entry stored from the server (uid `sync:...`) and the same article fetched from the feed
        (same link) become the fetched one, matched with the server's id, saved if either was.
        Copies in a `URL#sync` row (where such feeds were kept apart before issue 29) count.
        Returns how many copies went."""
        if not local_urls:
            return 0
        urls = [*local_urls, *(f"{u}#sync" for u in local_urls)]
        marks = ",".join("?" * len(urls))
        pairs = self._rows(
            f"""SELECT s.remote_id, e.id, e.saved, o.id FROM sync_items s
               JOIN entries e ON e.id = s.entry_id
               JOIN entries o ON o.link_key = e.link_key AND o.id != e.id
               JOIN feeds fe ON fe.id = e.feed_id JOIN feeds fo ON fo.id = o.feed_id
               WHERE (o.feed_id = e.feed_id OR fe.url = fo.url || '#sync')
               AND e.uid LIKE 'sync:%' AND o.uid NOT LIKE 'sync:%' AND e.link_key IS NOT NULL
               AND o.id NOT IN (SELECT entry_id FROM sync_items)
               AND e.id NOT IN (SELECT entry_id FROM saved_quotes)
               AND e.feed_id IN (SELECT id FROM feeds WHERE url IN ({marks}))""",
            urls,
        )
        merged, taken = 0, set()
        with self.db.atomic():
            for remote_id, copy_id, saved, own_id in pairs:
                if own_id in taken or copy_id in taken:
                    continue
                taken.update((own_id, copy_id))
                if saved:
                    self.db.execute(
                        "UPDATE entries SET saved = 1, saved_at = COALESCE(saved_at, ?)"
                        " WHERE id = ?",
                        [time.time(), own_id],
                    )
                self.db.execute(
                    """UPDATE OR IGNORE sync_queue SET entry_id = ? WHERE entry_id = ?""",
                    [own_id, copy_id],
                )
                self.db.execute(
                    "UPDATE entries SET dupe_of = ? WHERE dupe_of = ? AND id != ?",
                    [own_id, copy_id, own_id],
                )  # other feeds' tellings of the story now point at the one kept
                self.db.execute(
                    "UPDATE entries SET hidden = 0, dupe_of = NULL WHERE id = ? AND dupe_of = ?",
                    [own_id, copy_id],
                )  # kept apart before, the fetched copy was hidden as the synced one's duplicate
                self.db.execute("DELETE FROM entries WHERE id = ?", [copy_id])
                self.sync_map([(remote_id, own_id)])
                merged += 1
        return merged

    # ------------------------------------------------------------ the queue

    def _enqueue_sync(self, entry_ids: Sequence[int], field: str, value: bool) -> None:
        """Queue a change of synced entries for the sync server, in the caller's transaction:
        the app and `byline mark` share it, and a kill right after the mark cannot lose the
        change. Entries that did not come from a server cost one index lookup and queue
        nothing. A later change of the same entry replaces the earlier one (one row per entry
        and field) but keeps `uncertain_at`: an earlier send may still land late."""
        now = time.time()
        for chunk in _chunks(list(entry_ids)):
            self.db.execute(
                f"""INSERT INTO sync_queue (entry_id, field, value, at)
                    SELECT entry_id, ?, ?, ? FROM sync_items
                    WHERE entry_id IN ({",".join("?" * len(chunk))})
                    ON CONFLICT (entry_id, field) DO UPDATE SET value = excluded.value,
                      at = excluded.at, attempts = 0, next_try = 0, error = NULL""",
                [field, int(value), now, *chunk],
            )

    def sync_queue_add(self, entry_ids: Sequence[int], field: str, value: bool) -> None:
        """Queue a change sync itself decided (a saved entry the server does not have starred,
        on the first sync with an account)."""
        with self.db.atomic():
            self._enqueue_sync(entry_ids, field, value)

    def sync_queue(self, force: bool = True, now: float | None = None) -> list[QueuedChange]:
        """Queued changes, oldest first; force=False leaves those waiting for a retry."""
        now = time.time() if now is None else now
        where = "" if force else "WHERE q.next_try <= ?"
        rows = self._rows(
            f"""SELECT q.entry_id, s.remote_id, q.field, q.value, q.at, q.attempts, q.uncertain_at
                FROM sync_queue q LEFT JOIN sync_items s ON s.entry_id = q.entry_id {where}
                ORDER BY q.at""",
            [] if force else [now],
        )
        from reader.core.store.syncrows import QueuedChange

        return [QueuedChange(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6]) for r in rows]

    def sync_queued_entries(self) -> set[int]:
        return {r[0] for r in self._rows("SELECT entry_id FROM sync_queue")}

    def sync_queue_count(self) -> int:
        return self._rows("SELECT count(*) FROM sync_queue")[0][0]

    def sync_queue_sent(self, changes: Sequence[QueuedChange], settled_before: float) -> None:
        """Forget changes the server accepted, unless the user changed the entry again
        meanwhile (a newer `at`) or an earlier send of it timed out after `settled_before`
        (that send may still land late and undo this one: the change is sent again by the next
        syncs until then)."""
        with self.db.atomic():
            self.db.conn.executemany(
                """DELETE FROM sync_queue WHERE entry_id = ? AND field = ? AND at = ?
                   AND (uncertain_at IS NULL OR uncertain_at < ?)""",
                [(c.entry_id, c.field, c.at, settled_before) for c in changes],
            )

    def sync_queue_failed(
        self, changes: Sequence[QueuedChange], error: str, next_try: Sequence[float],
        uncertain_at: float | None,
    ) -> None:  # fmt: skip
        """Keep changes the server did not take, with their retry time; uncertain_at: they
        were on the wire when the failure came (the server may apply them later)."""
        with self.db.atomic():
            self.db.conn.executemany(
                """UPDATE sync_queue SET attempts = attempts + 1, next_try = ?, error = ?,
                     uncertain_at = COALESCE(?, uncertain_at)
                   WHERE entry_id = ? AND field = ? AND at = ?""",
                [
                    (when, error, uncertain_at, c.entry_id, c.field, c.at)
                    for c, when in zip(changes, next_try, strict=True)
                ],
            )

    def sync_queue_drop_unmapped(self) -> int:
        """After a full sync: changes of entries the server has no item for can go nowhere."""
        return self.db.execute(
            "DELETE FROM sync_queue WHERE entry_id NOT IN (SELECT entry_id FROM sync_items)"
        ).rowcount
