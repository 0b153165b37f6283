"""Feeds: the table that follows the config (and the sync server), fetch outcomes, counts.

Unread/total counts per feed are kept by triggers (reader/core/store/schema.py), so the
sidebar and the fixed views' totals never count rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from reader.core.store.base import StoreBase
from reader.core.store.pausepoint import pause_point
from reader.core.store.rows import Feed


class FeedSpec(Protocol):
    """A feed as the config lists it (reader.core.config.FeedConfig has these)."""

    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def tags(self) -> Sequence[str]: ...


class FeedsPart(StoreBase):
    def sync_feeds(self, feeds: Sequence[FeedSpec]) -> None:
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

    def feed_is_remote(self, url: str) -> bool:
        """The feed `url` came from a sync server (the server, not the config, owns it)."""
        return bool(self._rows("SELECT 1 FROM feeds WHERE url = ? AND remote IS NOT NULL", [url]))
