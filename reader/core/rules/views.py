"""Unread counts of the [[views]] for the sidebar.

A view's count is a query over its matching entries (no trigger can keep it: any entry may
start or stop matching), so it is computed only when the cache changed since the last time:
`PRAGMA data_version` moves when another connection commits (a refresh in the child
process, cron), `total_changes` when this one writes (an entry read in the app).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.core.rules import SavedView

if TYPE_CHECKING:
    from reader.core.store import Store


class ViewCounts:
    def __init__(self) -> None:
        self._key: tuple | None = None
        self._counts: dict[str, int] = {}

    def unread(self, store: Store, views: Sequence[SavedView]) -> dict[str, int]:
        """Unread entries of each view, by name."""
        from reader.core.store import View

        conn = store.db.conn
        key = (
            id(conn),
            conn.execute("PRAGMA data_version").fetchone()[0],
            conn.total_changes,
            tuple(views),
        )
        if key != self._key:
            self._counts = {v.name: store.count((View("match", v), View("unread"))) for v in views}
            self._key = key
        return dict(self._counts)
