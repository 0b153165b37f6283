"""One sync with the configured server, whatever its API.

Order matters: the account is checked first (a changed [sync] url is the same server only if
the items it names are the articles matched before), local changes are pushed (so the server
holds them before its state is read back), then subscriptions, then new items, then what was
queued for entries matched just now, then the read/starred state of every synced entry. A
change still queued after the push (the server refused it) keeps its local state: nothing the
user did is overwritten by an older server state. Every step writes in short transactions and
the cursor is saved after each batch, so a kill or an outage at any point leaves a cache the
next sync continues from. One sync runs at a time per cache (reader.core.sync.lock).

An item is matched with an entry by the server's id AND the article itself (its link, else its
title), never by a remote number alone: a number that names another article (another server,
a reset one) is let go, and the entry keeps its state. Saved entries are never unsaved by
what a server does: only a server that still has the item and says it is not starred (another
client unstarred it) unsaves it; an unsubscribe or a purge leaves it saved.

Which change wins when an entry was changed on both sides between two syncs: none of the three
APIs reports when an item's state changed on the server, so "latest" is decided by what Byline
knows: a change made here and not yet pushed is newer than the server state read at the last
sync, and is applied; every other entry takes the server's state.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from reader.core.config import Config, SyncConfig
from reader.core.rules.engine import apply_rules
from reader.core.store import Store
from reader.core.store.syncrows import SyncEntry
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
from reader.core.sync.lock import sync_lock
from reader.core.text.dedupe import link_key, title_key
from reader.core.text.parse import ParsedEntry
from reader.core.text.sanitize import clean_line, clean_text, clean_url
from reader.core.text.words import count

PUSH_BATCH = 100
UID_PREFIX = "sync:"
ACCOUNT_SAMPLE = 100  # mapped items asked for when [sync] names another URL
# A send that timed out may still be applied by the server later; a newer change of the same
# entry is sent again by every sync until this long after (issue 29, item 4a).
SETTLE_FACTOR = 10  # x timeout_s
MIN_SETTLE_S = 20.0


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
    kept: int = 0  # saved entries the server no longer has (purged, unsubscribed): kept here
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
        if self.kept:
            line += (
                f", {count(self.kept, 'saved entry', 'saved entries')} the server no longer has"
                " kept here"
            )
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
    """Sync the cache in data_dir with the [sync] server. Raises SyncError (the queue kept);
    SyncBusy when another sync of the same cache is running. force=False leaves queued changes
    that failed recently until their retry time (automatic syncs); an explicit sync sends them
    all."""
    started = time.monotonic()
    tell = progress or (lambda p: None)
    client = client or open_client(config)
    assert config.sync is not None
    report = SyncReport(kind=config.sync.kind, server=public_url(config.sync.url))
    try:
        with sync_lock(data_dir), Store.in_dir(data_dir) as store:
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


@functools.lru_cache(maxsize=65536)  # each feed's URL is compared with every server feed's
def feed_key(url: str) -> str:
    """A feed URL as both sides may write it (scheme, www., default port, trailing / and
    fragment set aside): a feed in [[feeds]] and on the server is one feed (issue 26)."""
    return link_key(url) or url


def agrees(entry: SyncEntry, link: str, title: str) -> bool:
    """The server's item is the article this entry holds: same link, or (no link on either
    side) same title."""
    mine, theirs = link_key(entry.link) if link else None, link_key(link)
    if mine and theirs:
        return mine == theirs
    if mine or theirs:
        return False
    return entry.title == title or (
        title_key(entry.title) is not None and title_key(entry.title) == title_key(title)
    )


class _Run:
    def __init__(
        self, store: Store, client: SyncClient, config: Config, report: SyncReport, tell: Progress
    ) -> None:
        self.store, self.client, self.config, self.report, self.tell = (
            store, client, config, report, tell,
        )  # fmt: skip
        self.local_urls = [f.url for f in config.feeds]
        self.feed_rows: dict[str, int] = {}
        self.listed: set[str] = set()
        self.force = True
        self.new_ids: list[int] = []  # for notify_command
        self.sent: set[tuple[int, str, float]] = set()
        self.adopted: dict[int, str] = {}  # entries matched with a server item this sync
        self.settle_s = max(MIN_SETTLE_S, SETTLE_FACTOR * config.settings.timeout_s)
        self.unread: set[str] = set()
        self.saved: set[str] = set()

    # ------------------------------------------------------------ the account

    def check_account(self) -> None:
        """Another [sync] url, user or kind than last time. The queue always stays (it belongs
        to the entries). If the server still has the newest matched items as the same articles,
        it is the same account under another name (localhost for 127.0.0.1, https for http, a
        new port): everything is kept. Otherwise the old mapping means nothing there and goes;
        entries are matched again by feed and link as the new server's items arrive."""
        assert self.config.sync is not None
        account = account_key(self.config.sync)
        stored = self.store.sync_state("account")
        if stored is None or _normal_account(stored) == account:
            if stored != account:
                self.store.set_sync_state("account", account)
            return
        if stored.partition(" ")[0] == account.partition(" ")[0] and self._same_server():
            self.store.set_sync_state("account", account)
            return
        self.store.sync_forget_server(account, self.local_urls)

    def _same_server(self) -> bool:
        sample = self.store.sync_sample(ACCOUNT_SAMPLE)
        if not sample:
            return False
        found: dict[str, RemoteItem] = {}
        for batch in self.client.items_by_id(sorted(sample)):
            found.update((item.id, item) for item in batch if item.id in sample)
        same = [  # strict here: the same link and the same title
            agrees(sample[i], clean_url(item.link), clean_line(item.title))
            and agrees(sample[i], "", clean_line(item.title))
            for i, item in found.items()
        ]
        return bool(same) and all(same)

    # ------------------------------------------------------------ the steps

    def run(self) -> None:
        self.tell(SyncProgress("login"))
        self.client.login()
        self.check_account()
        self.report.first = self.store.sync_state("last_sync") is None
        self.push()
        self.pull_feeds()
        self.pull_items()
        self.store.sync_merge_copies(self.local_urls)
        self.push()  # changes of entries matched just now
        self.pull_state()
        with self.store.transaction():
            self.store.sync_queue_drop_unmapped()
            self.store.set_sync_state("last_sync", repr(time.time()))
        self.report.pending = queue.count(self.store)
        self.tell(SyncProgress("done"))

    def push(self) -> None:
        changes = [
            c
            for c in queue.due(self.store, force=self.force)
            if (c.entry_id, c.field, c.at) not in self.sent
        ]
        groups: dict[tuple[str, bool], list[queue.Change]] = {}
        for change in changes:
            groups.setdefault((change.field, change.value), []).append(change)
        sent = self.report.pushed
        total = sent + len(changes)
        self.tell(SyncProgress("push", sent, total))
        size = max(len(changes), 1) if self.client.bulk else PUSH_BATCH
        batches = [
            (field, value, items[start : start + size])
            for (field, value), items in groups.items()
            for start in range(0, len(items), size)
        ]
        feed_of = self.store.sync_feed_of() if self.client.bulk and changes else {}
        for index, (field, value, batch) in enumerate(batches):
            ids = [str(c.remote_id) for c in batch]
            newest = self.store.sync_newest_published(ids) if field == "read" and value else None
            try:
                self.client.push_all(ids, field, value, feed_of, newest=newest)
            except SyncError as err:
                wire = isinstance(err, SyncServerError) and err.maybe_applied
                queue.failed(self.store, batch, str(err), on_the_wire=wire)
                queue.failed(
                    self.store, [c for _, _, b in batches[index + 1 :] for c in b], str(err)
                )
                raise
            queue.done(self.store, batch, settle_s=self.settle_s)
            self.sent.update((c.entry_id, c.field, c.at) for c in batch)
            sent += len(batch)
            self.tell(SyncProgress("push", sent, total))
        self.report.pushed = sent

    def pull_feeds(self) -> None:
        self.tell(SyncProgress("feeds"))
        feeds = self.client.feeds()
        self.report.feeds = len(feeds)
        self.listed = {f.id for f in feeds}
        with self.store.transaction():
            rows = self.store.sync_feed_rows()
            for feed in feeds:
                self.feed_rows[feed.id] = self._upsert_feed(feed, rows)
            # Unsubscribed on the server (or elsewhere): hidden, saved entries kept; a
            # [[feeds]] feed stays, no longer the server's.
            self.store.sync_unlisted_feeds(sorted(self.listed), self.local_urls)

    def _upsert_feed(self, feed: RemoteFeed, rows: list[tuple[int, str, str | None]]) -> int:
        """The feed row of a server feed: the one linked to its id, else the feed with the same
        URL (a [[feeds]] feed or one from a server before), else a new one. rows: the feeds
        table's (id, url, remote), kept up to date here."""
        title = clean_line(feed.title)
        url = clean_url(feed.url) or f"sync:{feed.id}"
        mine = [i for i, _, remote in rows if remote == feed.id]
        local = [
            i for i, u, remote in rows
            if u in self.local_urls and remote is None and feed_key(u) == feed_key(url)
        ]  # fmt: skip
        if mine and local and mine[0] not in local:
            # A server feed kept apart from the same [[feeds]] feed (`URL#sync`, before issue
            # 29): the [[feeds]] row becomes the server's; copies merge (sync_merge_copies).
            self.store.sync_retire_feed(mine[0])
            mine = []
        if mine:
            feed_row = mine[0]
        else:
            same = [
                (i, u) for i, u, remote in rows
                if feed_key(u) == feed_key(url) and (remote is None or remote not in self.listed)
            ]  # fmt: skip
            if same:
                feed_row = same[0][0]
                self.store.sync_link_feed(feed_row, feed.id)
                rows[:] = [
                    (i, u, feed.id if i == feed_row else (None if r == feed.id else r))
                    for i, u, r in rows
                ]
            else:
                taken = {u for _, u, _ in rows}
                if url in taken:
                    url = f"{url}#sync-{feed.id}"
                feed_row = self.store.sync_add_feed(url, feed.id)
                rows.append((feed_row, url, feed.id))
        row_url = next((u for i, u, _ in rows if i == feed_row), url)
        tags = json.dumps([clean_line(f) for f in feed.folders if clean_line(f)])
        self.store.sync_describe_feed(
            feed_row, title, clean_url(feed.site_url), tags, row_url not in self.local_urls
        )
        return feed_row

    def _feed_row(self, remote_feed_id: str) -> int:
        """The feed of an item whose feed the list did not name (removed meanwhile)."""
        if remote_feed_id not in self.feed_rows:
            with self.store.transaction():
                self.feed_rows[remote_feed_id] = self._upsert_feed(
                    RemoteFeed(remote_feed_id, "", ""), self.store.sync_feed_rows()
                )
        return self.feed_rows[remote_feed_id]

    def pull_items(self) -> None:
        known = self.store.sync_known_ids()
        cursor = Cursor(json.loads(self.store.sync_state("cursor") or "{}"))
        window = self.config.settings.keep_days * 86400 or 0
        self.tell(SyncProgress("items"))
        for batch in self.client.new_items(cursor, known, window):
            self._store_items(batch)
            self.store.set_sync_state("cursor", json.dumps(cursor.values))
        self.store.set_sync_state("cursor", json.dumps(cursor.values))  # after the last batch too
        # Unread or starred items the walk did not bring: older than the first sync's
        # window, or skipped by a server that pages out of order.
        self.unread = self.client.unread_ids()
        self.saved = self.client.saved_ids()
        missing = sorted((self.unread | self.saved) - self.store.sync_known_ids())
        if missing:
            for batch in self.client.items_by_id(missing):
                self._store_items(batch)
        # An entry saved here and matched with a server item only now (a [[feeds]] entry, or
        # one from another server): saved wins, and the server is told.
        keep = [e for e, remote in self.adopted.items() if remote not in self.saved]
        if keep:
            saved_here = {e for e in keep if self.store.entry(e) and self.store.entry(e).saved}
            self.store.sync_queue_add(sorted(saved_here), "saved", True)

    def _store_items(self, items: list[RemoteItem]) -> None:
        mapped = self.store.sync_mapped([i.id for i in items])
        by_feed: dict[int, list[RemoteItem]] = {}
        for item in items:
            by_feed.setdefault(self._feed_row(item.feed_id), []).append(item)
        now = time.time()
        for feed_row, group in by_feed.items():
            entries, pairs, adopt, stale = [], [], [], []
            unmapped = [i for i in group if i.id not in mapped]
            keys = [k for k in (link_key(clean_url(i.link)) for i in unmapped) if k]
            by_link = self.store.sync_unmapped_by_links(feed_row, keys)
            taken = self.store.sync_uids_taken(feed_row, [UID_PREFIX + i.id for i in group])
            for item in group:
                link, title = clean_url(item.link), clean_line(item.title)
                entry = mapped.get(item.id)
                if entry is not None and not agrees(entry, link, title):
                    stale.append(item.id)  # the number names another article now
                    entry = None
                if entry is None:
                    key = link_key(link)
                    found = by_link.pop(key, None) if key else None
                    if found is None and key and item.id in mapped:  # just let go of: look again
                        found = self.store.sync_unmapped_by_links(feed_row, [key]).get(key)
                    if found is not None:
                        adopt.append((item.id, found.id))
                        continue
                    uid = UID_PREFIX + item.id
                    if uid in taken:  # an older article's number
                        uid = f"{uid}@{hashlib.sha1((link or title).encode()).hexdigest()[:10]}"
                elif entry.feed_id == feed_row and entry.uid.startswith(UID_PREFIX):
                    uid = entry.uid
                else:
                    continue  # a [[feeds]] entry: its own fetches keep its text
                entries.append(
                    ParsedEntry(
                        uid=uid, title=title, author=clean_line(item.author), link=link,
                        published=item.published, content=clean_text(item.content),
                    )
                )  # fmt: skip
                pairs.append((item.id, uid))
            with self.store.transaction():
                if stale:
                    self.store.sync_unmap(stale)
                result = self.store.store_entries(feed_row, entries, now=now)
                self.store.sync_map_by_uid(feed_row, pairs)
                self.store.sync_map(adopt)
                # [[rules]] and dedupe before anything shows; after sync_items, so a rule's
                # mark_read or save is queued for the server (pull_state then keeps it).
                apply_rules(self.store, result.ids, self.config)
            self.adopted.update((entry_id, remote) for remote, entry_id in adopt)
            self.new_ids.extend(result.ids[result.updated :])
            self.report.new_entries += result.new
        self.tell(SyncProgress("items", new=self.report.new_entries))

    def _confirm(self, rows: list) -> dict[str, tuple[bool, bool]]:
        """The server's own word on items its state lists would flip here (a client with
        `confirm_state`: Google Reader lists paged by offset can skip items). rows: (remote
        id, entry id, read, saved) of the entries with no change pending."""
        confirm = getattr(self.client, "confirm_state", None)
        flips = [
            r for r, _, read, saved in rows
            if (r not in self.unread) != bool(read) or (r in self.saved) != bool(saved)
        ]  # fmt: skip
        return confirm(flips) if confirm and flips else {}

    def pull_state(self) -> None:
        """The server's read/starred state for every entry with no change queued here, of a
        feed the server still lists. A saved entry the server does not have starred is
        unsaved only if the server still has the item (another client unstarred it); one it
        purged stays saved here and is let go of (issue 29, items 2 and 3)."""
        self.tell(SyncProgress("state"))
        # Changes sent in this sync count as pending too: a state list read before or just
        # after them may not show them yet.
        pending = queue.pending_entries(self.store) | {e for e, _, _ in self.sent}
        to_read, to_unread, to_save, to_unsave = [], [], [], []
        check: dict[str, tuple[int, bool]] = {}
        rows = [
            (remote_id, entry_id, read, saved)
            for remote_id, entry_id, read, saved, feed_remote in self.store.sync_state_rows()
            if entry_id not in pending and feed_remote is not None and feed_remote in self.listed
        ]
        confirmed = self._confirm(rows)
        for remote_id, entry_id, read, saved in rows:
            server_read = remote_id not in self.unread
            server_saved = remote_id in self.saved
            if remote_id in confirmed:  # the item's own categories over a paged list
                server_read, server_saved = confirmed[remote_id]
            if saved and not server_saved:
                check[remote_id] = (entry_id, server_read != read)
                continue
            if server_read != read:
                (to_read if server_read else to_unread).append(entry_id)
            if server_saved and not saved:
                to_save.append(entry_id)
        if check:
            there: set[str] = set()
            for batch in self.client.items_by_id(sorted(check)):
                there.update(item.id for item in batch)
            gone = [r for r in check if r not in there]
            for remote_id in there & check.keys():
                entry_id, read_differs = check[remote_id]
                to_unsave.append(entry_id)
                if read_differs:
                    (to_read if remote_id not in self.unread else to_unread).append(entry_id)
            self.store.sync_unmap(gone)
            self.report.kept += len(gone)
        self.store.sync_apply_state(to_read, to_unread, to_save, to_unsave)
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
    """Unsubscribe a server feed, named by its URL (or its server id). A server-only feed's
    unsaved entries go from the cache as with `byline remove`; a feed also in [[feeds]] stays
    here, entries and all (its next refresh could not bring them back: a 304). Returns the
    feed's title."""
    with sync_lock(data_dir), Store.in_dir(data_dir) as store:
        found = store.sync_server_feed(url)
        if found is None:
            raise SyncConfigError(f"no feed {url} from the sync server (see: byline feeds)")
        feed_id, remote, title, feed_url = found
        client = open_client(config)
        try:
            client.login()
            client.unsubscribe(RemoteFeed(remote, title, feed_url))
        finally:
            client.close()
        if feed_url in {f.url for f in config.feeds}:
            store.sync_unlink_feed(feed_id)
        else:
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
