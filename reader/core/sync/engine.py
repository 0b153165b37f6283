"""One sync with the configured server, whatever its API.

Order matters: local changes are pushed first (so the server holds them before its state is
read back), then subscriptions, then new items, then the read/starred state of every synced
entry. A change still queued after the push (the server refused it) keeps its local state:
nothing the user did is overwritten by an older server state. Every step writes in short
transactions and the cursor is saved after each batch, so a kill or an outage at any point
leaves a cache the next sync continues from.

Which change wins when an entry was changed on both sides between two syncs: none of the three
APIs reports when an item's state changed on the server, so "latest" is decided by what Byline
knows: a change made here and not yet pushed is newer than the server state read at the last
sync, and is applied; every other entry takes the server's state.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from reader.core.config import Config, SyncConfig
from reader.core.rules.engine import apply_rules
from reader.core.store import Store
from reader.core.sync import queue
from reader.core.sync.base import (
    Cursor,
    RemoteFeed,
    RemoteItem,
    SyncClient,
    SyncConfigError,
    SyncError,
    SyncServerError,
    public_url,
    read_password,
)
from reader.core.text.parse import ParsedEntry
from reader.core.text.sanitize import clean_line, clean_text, clean_url
from reader.core.text.words import count

PUSH_BATCH = 100
UID_PREFIX = "sync:"


@dataclass(frozen=True, slots=True)
class SyncProgress:
    phase: str  # login | push | feeds | items | state | done
    done: int = 0
    total: int | None = None
    new: int = 0

    def text(self) -> str:
        if self.phase == "push":
            return f"Sync: sending {self.done}/{self.total} changes"
        if self.phase == "items":
            return f"Sync: {count(self.new, 'new entry', 'new entries')}"
        return {
            "login": "Sync: logging in",
            "feeds": "Sync: subscriptions",
            "state": "Sync: read and starred state",
            "done": "Sync: done",
        }.get(self.phase, f"Sync: {self.phase}")


@dataclass(slots=True)
class SyncReport:
    kind: str
    server: str
    feeds: int = 0
    new_entries: int = 0
    pushed: int = 0
    pending: int = 0
    marked_read: int = 0
    marked_unread: int = 0
    saved: int = 0
    unsaved: int = 0
    requests: int = 0
    seconds: float = 0.0
    first: bool = False
    notify_error: str | None = None  # [settings] notify_command failed (never fatal)

    def summary(self) -> str:
        state = self.marked_read + self.marked_unread + self.saved + self.unsaved
        line = (
            f"Synced with {self.server} ({self.kind}): {count(self.feeds, 'feed')},"
            f" {count(self.new_entries, 'new entry', 'new entries')},"
            f" {count(self.pushed, 'change')} sent, {count(state, 'state change')} received"
        )
        if self.pending:
            line += f", {count(self.pending, 'change')} still queued"
        line += f" in {self.seconds:.2f} s"
        return line + (f"; {self.notify_error}" if self.notify_error else "")

    def to_json(self) -> dict:
        data = asdict(self)
        data["ok"] = True
        data["seconds"] = round(self.seconds, 3)
        return data


Progress = Callable[[SyncProgress], None]


def make_client(sync: SyncConfig, password: str, timeout_s: float, max_bytes: int) -> SyncClient:
    if sync.kind == "fever":
        from reader.core.sync.fever import FeverClient

        return FeverClient(sync, password, timeout_s, max_bytes)
    if sync.kind == "ttrss":
        from reader.core.sync.ttrss import TtrssClient

        return TtrssClient(sync, password, timeout_s, max_bytes)
    if sync.kind == "nextcloud":
        from reader.core.sync.nextcloud import NextcloudClient

        return NextcloudClient(sync, password, timeout_s, max_bytes)
    if sync.kind == "greader":
        from reader.core.sync.greader import GReaderClient

        return GReaderClient(sync, password, timeout_s, max_bytes)
    raise SyncConfigError(f"[sync] kind {sync.kind!r} is not known")


def open_client(config: Config) -> SyncClient:
    if config.sync is None:
        raise SyncConfigError(
            "no [sync] table in the config: add one to sync with a server (README: Sync)"
        )
    password = read_password(config.sync)
    settings = config.settings
    # Item batches are bigger than any feed: allow a few times the feed cap per answer.
    return make_client(
        config.sync, password, settings.timeout_s, max(settings.max_bytes, 50_000_000)
    )


def account_key(sync: SyncConfig) -> str:
    """Which account the cache's sync tables belong to (a trailing / makes no other account)."""
    return f"{sync.kind} {public_url(sync.url).rstrip('/')} {sync.username}"


def _normal_account(key: str) -> str:
    """A key stored before trailing slashes were ignored, as account_key() writes it now."""
    kind, _, rest = key.partition(" ")
    url, _, username = rest.partition(" ")
    return f"{kind} {url.rstrip('/')} {username}"


def sync(
    config: Config,
    data_dir: Path,
    progress: Progress | None = None,
    *,
    force: bool = True,
    client: SyncClient | None = None,
) -> SyncReport:
    """Sync the cache in data_dir with the [sync] server. Raises SyncError (the queue kept).
    force=False leaves queued changes that failed recently until their retry time (automatic
    syncs); an explicit sync sends them all."""
    started = time.monotonic()
    tell = progress or (lambda p: None)
    client = client or open_client(config)
    assert config.sync is not None
    report = SyncReport(kind=config.sync.kind, server=public_url(config.sync.url))
    try:
        with Store.in_dir(data_dir) as store:
            if config.feeds:
                store.sync_feeds(config.feeds)
            run = _Run(store, client, config, report, tell)
            run.force = force
            run.run()
            if config.settings.notify_command and run.new_ids:
                from reader.core.rules.notify import new_entries_summary, run_notify

                summary = new_entries_summary(store, run.new_ids, source="sync")
                report.notify_error = run_notify(config.settings.notify_command, summary)
    finally:
        report.requests = client.requests
        client.close()
    report.seconds = time.monotonic() - started
    return report


class _Run:
    def __init__(
        self, store: Store, client: SyncClient, config: Config, report: SyncReport, tell: Progress
    ) -> None:
        self.store, self.client, self.config, self.report, self.tell = (
            store, client, config, report, tell,
        )  # fmt: skip
        self.local_urls = {f.url for f in config.feeds}
        self.feed_rows: dict[str, int] = {}
        self.force = True
        self.new_ids: list[int] = []  # for notify_command

    # ------------------------------------------------------------ state kept in the cache

    def _state(self, key: str) -> str | None:
        rows = self.store._rows("SELECT value FROM sync_state WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def _set_state(self, key: str, value: str) -> None:
        self.store.db.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def _switch_account(self) -> None:
        """Another server or user than last time: the old mapping means nothing there. Its
        feeds become plain inactive feeds (saved entries kept), its queue is dropped."""
        assert self.config.sync is not None
        account = account_key(self.config.sync)
        stored = self._state("account")
        if stored is not None and _normal_account(stored) == account:
            if stored != account:
                self._set_state("account", account)
            return
        with self.store.db.atomic():
            self.store.db.execute("DELETE FROM sync_items")
            self.store.db.execute("DELETE FROM sync_queue")
            self.store.db.execute(
                "UPDATE feeds SET remote = NULL, active = 0 WHERE remote IS NOT NULL"
            )
            self.store.db.execute("DELETE FROM sync_state")
            self._set_state("account", account)

    # ------------------------------------------------------------ the steps

    def run(self) -> None:
        self.tell(SyncProgress("login"))
        self.client.login()
        self._switch_account()
        self.report.first = self._state("last_sync") is None
        self.push()
        self.pull_feeds()
        self.pull_items()
        self.pull_state()
        self._set_state("last_sync", repr(time.time()))
        self.report.pending = queue.count(self.store)
        self.tell(SyncProgress("done"))

    def push(self) -> None:
        changes = queue.due(self.store, force=self.force)
        groups: dict[tuple[str, bool], list[queue.Change]] = {}
        for change in changes:
            groups.setdefault((change.field, change.value), []).append(change)
        sent = 0
        self.tell(SyncProgress("push", 0, len(changes)))
        size = max(len(changes), 1) if self.client.bulk else PUSH_BATCH
        batches = [
            (field, value, items[start : start + size])
            for (field, value), items in groups.items()
            for start in range(0, len(items), size)
        ]
        feed_of = self._feed_of() if self.client.bulk and changes else {}
        for index, (field, value, batch) in enumerate(batches):
            try:
                self.client.push_all([c.remote_id for c in batch], field, value, feed_of)
            except SyncError as err:
                left = [c for _, _, b in batches[index:] for c in b]
                queue.failed(self.store, left, str(err))
                raise
            queue.done(self.store, batch)
            sent += len(batch)
            self.tell(SyncProgress("push", sent, len(changes)))
        self.report.pushed = sent

    def _feed_of(self) -> dict[str, str]:
        rows = self.store._rows(
            """SELECT s.remote_id, f.remote FROM sync_items s JOIN entries e ON e.id = s.entry_id
               JOIN feeds f ON f.id = e.feed_id WHERE f.remote IS NOT NULL"""
        )
        return dict(rows)

    def pull_feeds(self) -> None:
        self.tell(SyncProgress("feeds"))
        feeds = self.client.feeds()
        self.report.feeds = len(feeds)
        with self.store.db.atomic():
            for feed in feeds:
                self.feed_rows[feed.id] = self._upsert_feed(feed)
            listed = [f.id for f in feeds]
            marks = ",".join("?" * len(listed)) or "NULL"
            # Unsubscribed on the server (or elsewhere): hidden, saved entries kept.
            self.store.db.execute(
                f"UPDATE feeds SET active = 0 WHERE remote IS NOT NULL AND remote NOT IN ({marks})",
                listed,
            )

    def _upsert_feed(self, feed: RemoteFeed) -> int:
        title = clean_line(feed.title)
        url = clean_url(feed.url) or f"sync:{feed.id}"
        tags = json.dumps([clean_line(f) for f in feed.folders if clean_line(f)])
        link = clean_url(feed.site_url)
        rows = self.store._rows("SELECT id FROM feeds WHERE remote = ?", [feed.id])
        if not rows:
            taken = self.store._rows("SELECT id, remote FROM feeds WHERE url = ?", [url])
            if taken and url in self.local_urls:
                url = f"{url}#sync"  # also a [[feeds]] feed: both kept, apart
                taken = self.store._rows("SELECT id, remote FROM feeds WHERE url = ?", [url])
            if taken:
                rows = [(taken[0][0],)]
                self.store.db.execute(
                    "UPDATE feeds SET remote = ? WHERE id = ?", [feed.id, rows[0][0]]
                )
            else:
                cursor = self.store.db.execute(
                    "INSERT INTO feeds (url, remote, status, position) VALUES (?, ?, 'ok', 100000)",
                    [url, feed.id],
                )
                rows = [(cursor.lastrowid,)]
        feed_row = rows[0][0]
        self.store.db.execute(
            """UPDATE feeds SET title = ?, link = ?, tags = ?, active = 1, status = 'ok',
                 error = NULL, checked_at = ?, ok_at = ? WHERE id = ?""",
            [title, link, tags, time.time(), time.time(), feed_row],
        )
        return feed_row

    def _feed_row(self, remote_feed_id: str) -> int:
        """The feed of an item whose feed the list did not name (removed meanwhile)."""
        if remote_feed_id not in self.feed_rows:
            with self.store.db.atomic():
                self.feed_rows[remote_feed_id] = self._upsert_feed(
                    RemoteFeed(remote_feed_id, "", "")
                )
        return self.feed_rows[remote_feed_id]

    def pull_items(self) -> None:
        known = {r[0] for r in self.store._rows("SELECT remote_id FROM sync_items")}
        cursor = Cursor(json.loads(self._state("cursor") or "{}"))
        window = self.config.settings.keep_days * 86400 or 0
        self.tell(SyncProgress("items"))
        for batch in self.client.new_items(cursor, known, window):
            self._store_items(batch)
            self._set_state("cursor", json.dumps(cursor.values))
        self._set_state("cursor", json.dumps(cursor.values))  # moved after the last batch too
        # Unread or starred items the walk did not bring: older than the first sync's
        # window, or skipped by a server that pages out of order.
        self.unread = self.client.unread_ids()
        self.saved = self.client.saved_ids()
        have = {r[0] for r in self.store._rows("SELECT remote_id FROM sync_items")}
        missing = sorted((self.unread | self.saved) - have)
        if missing:
            for batch in self.client.items_by_id(missing):
                self._store_items(batch)

    def _store_items(self, items: list[RemoteItem]) -> None:
        by_feed: dict[int, list[RemoteItem]] = {}
        for item in items:
            by_feed.setdefault(self._feed_row(item.feed_id), []).append(item)
        now = time.time()
        for feed_row, group in by_feed.items():
            entries = [
                ParsedEntry(
                    uid=UID_PREFIX + item.id,
                    title=clean_line(item.title),
                    author=clean_line(item.author),
                    link=clean_url(item.link),
                    published=item.published,
                    content=clean_text(item.content),
                )
                for item in group
            ]
            with self.store.db.atomic():
                result = self.store.store_entries(feed_row, entries, now=now)
                self.store.db.conn.executemany(
                    """INSERT OR IGNORE INTO sync_items (remote_id, entry_id)
                       SELECT ?, id FROM entries WHERE feed_id = ? AND uid = ?""",
                    [(item.id, feed_row, UID_PREFIX + item.id) for item in group],
                )
                # [[rules]] and dedupe before anything shows; after sync_items, so a rule's
                # mark_read or save is queued for the server (pull_state then keeps it).
                apply_rules(self.store, result.ids, self.config)
            self.new_ids.extend(result.ids[result.updated :])
            self.report.new_entries += result.new
        self.tell(SyncProgress("items", new=self.report.new_entries))

    def _confirm(self, rows: list, pending: set[str]) -> dict[str, tuple[bool, bool]]:
        """The server's own word on items its state lists would flip here (a client with
        `confirm_state`: Google Reader lists paged by offset can skip items)."""
        confirm = getattr(self.client, "confirm_state", None)
        flips = [
            r for r, _, read, saved in rows
            if r not in pending
            and ((r not in self.unread) != bool(read) or (r in self.saved) != bool(saved))
        ]  # fmt: skip
        return confirm(flips) if confirm and flips else {}

    def pull_state(self) -> None:
        self.tell(SyncProgress("state"))
        pending = queue.pending_ids(self.store)
        rows = self.store._rows(
            """SELECT s.remote_id, e.id, e.read, e.saved FROM sync_items s
               JOIN entries e ON e.id = s.entry_id"""
        )
        to_read, to_unread, to_save, to_unsave = [], [], [], []
        confirmed = self._confirm(rows, pending)
        for remote_id, entry_id, read, saved in rows:
            if remote_id in pending:
                continue
            server_read = remote_id not in self.unread
            server_saved = remote_id in self.saved
            if remote_id in confirmed:  # the item's own categories over a paged list
                server_read, server_saved = confirmed[remote_id]
            if server_read != bool(read):
                (to_read if server_read else to_unread).append((entry_id,))
            if server_saved != bool(saved):
                (to_save if server_saved else to_unsave).append((entry_id,))
        now = time.time()
        with self.store.db.atomic():
            conn = self.store.db.conn
            conn.executemany("UPDATE entries SET read = 1 WHERE id = ?", to_read)
            conn.executemany("UPDATE entries SET read = 0 WHERE id = ?", to_unread)
            conn.executemany(
                "UPDATE entries SET saved = 1, saved_at = ? WHERE id = ?",
                [(now, i) for (i,) in to_save],
            )
            conn.executemany(
                "UPDATE entries SET saved = 0, saved_at = NULL WHERE id = ?", to_unsave
            )
        self.report.marked_read = len(to_read)
        self.report.marked_unread = len(to_unread)
        self.report.saved = len(to_save)
        self.report.unsaved = len(to_unsave)


# ---------------------------------------------------------------- subscriptions


def subscribe(config: Config, url: str, folder: str | None = None) -> None:
    """Subscribe on the server (its items arrive with the next sync)."""
    client = open_client(config)
    try:
        client.login()
        client.subscribe(url, folder)
    finally:
        client.close()


def unsubscribe(config: Config, data_dir: Path, url: str) -> str:
    """Unsubscribe a server feed, named by its URL (or its server id); its unsaved entries go
    from the cache as with `byline remove`. Returns the feed's title."""
    with Store.in_dir(data_dir) as store:
        rows = store._rows(
            "SELECT id, remote, COALESCE(NULLIF(title, ''), url), url FROM feeds"
            " WHERE remote IS NOT NULL AND (url = ? OR url = ? OR remote = ?)",
            [url, f"{url}#sync", url],
        )
    if not rows:
        raise SyncConfigError(f"no feed {url} from the sync server (see: byline feeds)")
    feed_id, remote, title, feed_url = rows[0]
    client = open_client(config)
    try:
        client.login()
        client.unsubscribe(RemoteFeed(remote, title, feed_url))
    finally:
        client.close()
    with Store.in_dir(data_dir) as store:
        store.drop_feed(feed_url)
    return title


__all__ = [
    "SyncProgress",
    "SyncReport",
    "SyncServerError",
    "subscribe",
    "sync",
    "unsubscribe",
]
