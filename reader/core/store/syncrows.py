"""The rows sync reads from the store (reader/core/store/sync.py). Apart from the part so that
opening the store builds none of these classes: a sync loads them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SyncEntry:
    """A local entry as sync compares it with a server's item."""

    id: int
    feed_id: int
    uid: str
    link: str
    title: str
    read: bool
    saved: bool


@dataclass(frozen=True, slots=True)
class QueuedChange:
    """One change made here waiting for the server. remote_id is None while the entry has no
    server item matched (after a server switch, until the item is found again)."""

    entry_id: int
    remote_id: str | None
    field: str  # "read" | "saved"
    value: bool
    at: float
    attempts: int
    uncertain_at: float | None  # a send of it whose outcome is unknown (timed out) went out then
