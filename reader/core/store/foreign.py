"""Newsboat's cache read-only, and the rows an import carries (issue 27). Kept apart from the
store part that writes an import (imports.py) so that opening the store builds none of these
classes: only an import loads them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.text.parse import ParsedEntry


@dataclass(frozen=True, slots=True)
class ImportedEntry:
    """An entry and what the other reader knew of it."""

    entry: ParsedEntry
    read: bool = False
    saved: bool = False
    tags: tuple[str, ...] = ()  # entry tags to add (newsboat's flag letters as flag:X)


@dataclass(slots=True)
class ImportCounts:
    """What an import changed, by kind; all zero when it changed nothing."""

    entries: int = 0
    marked_read: int = 0
    saved: int = 0
    tagged: int = 0
    validators: int = 0
    feed_titles: int = 0
    new_ids: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any((self.entries, self.marked_read, self.saved, self.tagged,
                    self.validators, self.feed_titles))  # fmt: skip


class ForeignCacheError(Exception):
    """Another reader's cache that cannot be read; str() says which and why."""


# ---------------------------------------------------------------- newsboat's cache.db


@dataclass(frozen=True, slots=True)
class CachedItem:
    guid: str
    title: str
    author: str
    link: str
    feed_url: str
    published: int
    content: str
    unread: bool
    enclosure_url: str
    enclosure_type: str
    flags: str
    deleted: bool
    base: str


@dataclass(frozen=True, slots=True)
class CachedFeed:
    url: str
    link: str
    title: str
    last_modified: int
    etag: str


@dataclass(slots=True)
class Cache:
    """newsboat's feeds and how many items each holds (the items themselves are read one
    feed at a time by `newsboat_items`, so a 100,000-item cache never sits in memory)."""

    path: Path
    feeds: dict[str, CachedFeed] = field(default_factory=dict)
    counts: dict[tuple[str, bool], int] = field(default_factory=dict)  # (feed, deleted) -> n


@contextmanager
def _foreign(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to another program's SQLite file (a running newsboat is never
    disturbed), its failures said in words."""
    if not path.exists():
        raise ForeignCacheError(f"{path}: no such cache")
    try:
        # As a URI (a path with "#" or "?" would otherwise open, or create, another file).
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as err:
        raise ForeignCacheError(f"{path}: cannot open ({err})") from None
    try:
        yield conn
    except sqlite3.OperationalError as err:
        if "locked" in str(err) or "busy" in str(err):
            raise ForeignCacheError(f"{path} is busy: quit newsboat, then import again") from None
        raise ForeignCacheError(f"{path}: not a newsboat cache ({err})") from None
    except sqlite3.Error as err:
        raise ForeignCacheError(f"{path}: not a newsboat cache ({err})") from None
    finally:
        conn.close()


def read_newsboat_cache(path: Path) -> Cache:
    """newsboat's feeds (title, validators) and its item counts per feed."""
    cache = Cache(path)
    with _foreign(path) as conn:
        for url, link, title, modified, etag in conn.execute(
            "SELECT rssurl, url, title, lastmodified, etag FROM rss_feed"
        ):
            cache.feeds[url] = CachedFeed(url, link or "", title or "", modified or 0, etag or "")
        for url, deleted, count in conn.execute(
            "SELECT feedurl, deleted != 0, count(*) FROM rss_item GROUP BY 1, 2"
        ):
            cache.counts[(url or "", bool(deleted))] = count
    return cache


def newsboat_items(path: Path, feed_url: str) -> list[CachedItem]:
    """The items of one feed newsboat did not delete, oldest first (its idx_feedurl index)."""
    with _foreign(path) as conn:
        rows = conn.execute(
            """SELECT guid, title, author, url, feedurl, pubDate, content, unread,
                      enclosure_url, enclosure_type, flags, deleted, base
               FROM rss_item WHERE feedurl = ? AND deleted = 0 ORDER BY id""",
            [feed_url],
        ).fetchall()
    return [
        CachedItem(
            guid or "", title or "", author or "", link or "", url or "", int(published or 0),
            content or "", bool(unread), enc_url or "", enc_type or "", flags or "",
            bool(deleted), base or "",
        )
        for guid, title, author, link, url, published, content, unread, enc_url, enc_type,
        flags, deleted, base in rows
    ]  # fmt: skip
