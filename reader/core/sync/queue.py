"""The offline change queue: local read/unread/saved/unsaved changes of synced entries,
waiting to be pushed to the server.

Rows are written by the store's own mark functions (`Store._enqueue_sync`) in the same
transaction as the change itself, so the app, `byline mark` and a kill at any moment agree.
One row per (item, field): marking read then unread leaves one row, the latest. A row leaves
the queue only when the server accepted it and nobody changed it since; a failed push keeps
it with a growing delay before automatic retries (`due(force=False)`), while an explicit
sync (`byline sync`, the app's R) tries everything at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from reader.core.store import Store

MIN_RETRY_S = 30
MAX_RETRY_S = 3600


@dataclass(frozen=True, slots=True)
class Change:
    remote_id: str
    field: str  # "read" | "saved"
    value: bool
    at: float
    attempts: int


def retry_delay(attempts: int) -> float:
    """30 s after the first failure, doubling up to an hour."""
    return min(MIN_RETRY_S * 2 ** max(attempts - 1, 0), MAX_RETRY_S)


def due(store: Store, force: bool = True, now: float | None = None) -> list[Change]:
    now = time.time() if now is None else now
    where = "" if force else "WHERE next_try <= ?"
    params = [] if force else [now]
    rows = store._rows(
        f"SELECT remote_id, field, value, at, attempts FROM sync_queue {where} ORDER BY at",
        params,
    )
    return [Change(r[0], r[1], bool(r[2]), r[3], r[4]) for r in rows]


def pending_ids(store: Store) -> set[str]:
    return {r[0] for r in store._rows("SELECT remote_id FROM sync_queue")}


def count(store: Store) -> int:
    return store._rows("SELECT count(*) FROM sync_queue")[0][0]


def done(store: Store, changes: list[Change]) -> None:
    """Forget pushed changes, unless the user changed the item again meanwhile (newer `at`)."""
    with store.db.atomic():
        store.db.conn.executemany(
            "DELETE FROM sync_queue WHERE remote_id = ? AND field = ? AND at = ?",
            [(c.remote_id, c.field, c.at) for c in changes],
        )


def failed(store: Store, changes: list[Change], error: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    with store.db.atomic():
        store.db.conn.executemany(
            """UPDATE sync_queue SET attempts = attempts + 1, next_try = ?, error = ?
               WHERE remote_id = ? AND field = ? AND at = ?""",
            [
                (now + retry_delay(c.attempts + 1), error, c.remote_id, c.field, c.at)
                for c in changes
            ],
        )
