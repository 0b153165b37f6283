"""Unread counts of the [[views]] for the sidebar.

A view's count is a query over its matching entries (no trigger can keep it: any entry may
start or stop matching), so it is computed only when the cache changed since the last time:
`PRAGMA data_version` moves when another connection commits (a refresh in the child
process, cron), `total_changes` when this one writes (an entry read in the app).

Counting calls Python per row (a 100,000-entry cache takes a good part of a second), so the
app never counts on its UI thread: `ViewCounts.later` gives the counts known so far and, when
they are out of date, a job to run in a thread (`count_unread` opens its own connection).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.rules import SavedView

if TYPE_CHECKING:
    from reader.core.store import Store


_QUERYING: set = set()  # the stores counting now (interrupt_counts stops them)


def count_unread(path: Path, views: Sequence[SavedView]) -> dict[str, int]:
    """Unread entries of each view, by name, on a connection of its own."""
    from reader.core.store import Store, View

    with Store(path) as store:
        _QUERYING.add(store)
        try:
            return {v.name: store.count((View("match", v), View("unread"))) for v in views}
        finally:
            _QUERYING.discard(store)


def interrupt_counts() -> None:
    """Stop the counts running in threads (the app is closing: it need not wait for them)."""
    for store in list(_QUERYING):
        store.interrupt()


class ViewCounts:
    def __init__(self) -> None:
        self._key: tuple | None = None
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._running = False

    @staticmethod
    def _state(store: Store, views: Sequence[SavedView]) -> tuple:
        return (*store.change_stamp(), tuple(views))

    def unread(self, store: Store, views: Sequence[SavedView]) -> dict[str, int]:
        """Unread entries of each view, by name, counted here and now (blocking)."""
        key = self._state(store, views)
        if key != self._key:
            self._counts = count_unread(store.path, views) if views else {}
            self._key = key
        return dict(self._counts)

    def later(
        self, store: Store, views: Sequence[SavedView]
    ) -> tuple[dict[str, int], Callable[[], None] | None]:
        """The counts known so far (a view not counted yet is absent), and a job that counts
        them again when the cache changed (None: up to date, or a count is running; the
        caller asks again when that one ends)."""
        key = self._state(store, views)
        with self._lock:
            counts = dict(self._counts)
            if key == self._key or self._running:
                return counts, None
            self._running = True
        path = store.path

        def job() -> None:
            try:
                fresh = count_unread(path, views)
                with self._lock:
                    self._counts, self._key = fresh, key
            finally:
                with self._lock:
                    self._running = False

        return counts, job
