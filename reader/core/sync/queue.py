"""The offline change queue: local read/unread/saved/unsaved changes of synced entries,
waiting to be pushed to the server.

Rows are written by the store's own mark functions (`Store._enqueue_sync`, in
reader/core/store/sync.py) in the same transaction as the change itself, so the app, `byline
mark` and a kill at any moment agree. One row per (entry, field): marking read then unread
leaves one row, the latest. Rows belong to the entry, not to a server's item number, so they
survive a changed [sync] url or a switch to another server (issue 29). A row leaves the queue
only when the server accepted it, nobody changed it since, and no earlier send of it that
timed out can still land; a failed push keeps it with a growing delay before automatic retries
(`due(force=False)`), while an explicit sync (`byline sync`, the app's R) tries everything.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from reader.core.store import Store
from reader.core.store.syncrows import QueuedChange

MIN_RETRY_S = 30
MAX_RETRY_S = 3600

Change = QueuedChange


def retry_delay(attempts: int) -> float:
    """30 s after the first failure, doubling up to an hour."""
    return min(MIN_RETRY_S * 2 ** max(attempts - 1, 0), MAX_RETRY_S)


def due(store: Store, force: bool = True, now: float | None = None) -> list[Change]:
    """Queued changes that can be sent now: their entry has a server item matched."""
    return [c for c in store.sync_queue(force, now) if c.remote_id is not None]


def pending_entries(store: Store) -> set[int]:
    return store.sync_queued_entries()


def count(store: Store) -> int:
    return store.sync_queue_count()


def done(store: Store, changes: Sequence[Change], settle_s: float = 0.0) -> None:
    """Forget pushed changes, unless the user changed the entry again meanwhile (newer `at`)
    or an earlier send of it timed out less than settle_s ago."""
    store.sync_queue_sent(changes, time.time() - settle_s)


def failed(
    store: Store, changes: Sequence[Change], error: str, now: float | None = None,
    on_the_wire: bool = False,
) -> None:  # fmt: skip
    now = time.time() if now is None else now
    store.sync_queue_failed(
        changes, error, [now + retry_delay(c.attempts + 1) for c in changes],
        now if on_the_wire else None,
    )  # fmt: skip
