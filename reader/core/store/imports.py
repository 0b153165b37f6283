"""The store's part for bringing history over from another reader (issue 27: newsboat).

An import hands over entries with the state they had there (read, flagged) and the feed's
validators. Everything lands in one transaction with the feeds it belongs to, so a kill at
any moment leaves the cache as it was; and every write is "only if not there yet", so a
second import of the same history changes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from reader.core.store.entries import EntriesPart
from reader.core.store.pausepoint import pause_point
from reader.core.text.searchtext import content_hash

if TYPE_CHECKING:
    from reader.core.store.foreign import ImportCounts, ImportedEntry


class ImportsPart(EntriesPart):
    """History brought over from another reader; new entries go in as the entries part
    stores them (`_insert_entries`: rows and their queued index text)."""

    def import_transaction(self) -> AbstractContextManager[None]:
        """The one transaction a whole import runs in (nested writes become savepoints)."""
        return self.transaction()

    def import_entries(
        self, feed_id: int, items: Sequence[ImportedEntry], counts: ImportCounts,
        now: float | None = None,
    ) -> None:  # fmt: skip
        """Add the entries this feed does not have yet, with their read/saved state; on the
        ones it has, only ever mark read, save or tag (an import never marks anything unread,
        unsaves or untags).
        Call inside `db.atomic()` with the rest of the import."""
        now = time.time() if now is None else now
        by_uid: dict[str, ImportedEntry] = {}
        for item in items:
            by_uid.setdefault(item.entry.uid, item)
        existing = self._existing(feed_id, list(by_uid))
        inserts = [(i.entry, content_hash(i.entry)) for u, i in by_uid.items() if u not in existing]
        if inserts:
            self._insert_entries(feed_id, inserts, now)
            counts.entries += len(inserts)
            existing = self._existing(feed_id, list(by_uid))
            counts.new_ids += [existing[e.uid][0] for e, _ in inserts]
        pause_point("import_entries")  # a test seam (reader/core/store/pausepoint.py)
        conn = self.db.conn
        reads, saves, tags = [], [], []
        for uid, item in by_uid.items():
            entry_id, read, saved, current = existing[uid]
            if item.read and not read:
                reads.append(entry_id)
            if item.saved and not saved:
                saves.append(entry_id)
            wanted = [t for t in item.tags if t not in current]
            if wanted:
                tags.append((json.dumps([*current, *wanted]), entry_id))
        conn.executemany("UPDATE entries SET read = 1 WHERE id = ?", [(i,) for i in reads])
        conn.executemany(
            "UPDATE entries SET saved = 1, saved_at = ? WHERE id = ?", [(now, i) for i in saves]
        )
        conn.executemany("UPDATE entries SET tags = ? WHERE id = ?", tags)
        counts.marked_read += len(reads)
        counts.saved += len(saves)
        counts.tagged += len(tags)

    def _existing(self, feed_id: int, uids: list[str]) -> dict[str, tuple[int, bool, bool, list]]:
        found: dict[str, tuple[int, bool, bool, list]] = {}
        for start in range(0, len(uids), 500):
            chunk = uids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for uid, entry_id, read, saved, tags in self._rows(
                f"SELECT uid, id, read, saved, tags FROM entries WHERE feed_id = ? AND uid IN ({marks})",
                [feed_id, *chunk],
            ):
                found[uid] = (entry_id, bool(read), bool(saved), json.loads(tags))
        return found

    def import_feed_details(
        self, feed_id: int, counts: ImportCounts, *, etag: str = "", last_modified: str = "",
        title: str = "", link: str = "",
    ) -> None:  # fmt: skip
        """The validators and title the other reader had, where this cache has none yet (a
        feed Byline fetched itself keeps its own, newer ones)."""
        etag_now, modified_now, title_now, link_now = self._rows(
            "SELECT etag, last_modified, title, link FROM feeds WHERE id = ?", [feed_id]
        )[0]
        if (etag or last_modified) and not (etag_now or modified_now):
            self.db.execute(
                "UPDATE feeds SET etag = ?, last_modified = ? WHERE id = ?",
                [etag or None, last_modified or None, feed_id],
            )
            counts.validators += 1
        if (title and not title_now) or (link and not link_now):
            self.db.execute(
                "UPDATE feeds SET title = ?, link = ? WHERE id = ?",
                [title_now or title, link_now or link, feed_id],
            )
            counts.feed_titles += 1
