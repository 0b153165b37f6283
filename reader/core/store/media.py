"""Podcasts and video: the download queue and where each enclosure's playback stopped."""

from __future__ import annotations

import time
from collections.abc import Sequence

from reader.core.store.base import StoreBase
from reader.core.store.rows import Download, Playback

_DOWNLOAD = """SELECT id, entry_id, url, path, status, done, total, sha256, error, attempts,
                      queued_at, updated_at FROM downloads"""
_FIELDS = {"status", "done", "total", "sha256", "error", "attempts"}


class MediaPart(StoreBase):
    def queue_download(self, entry_id: int, url: str, path: str) -> Download:
        """Queue an enclosure (once: queueing it again keeps the row, and re-queues a failed one)."""
        now = time.time()
        with self.db.atomic():
            self.db.execute(
                """INSERT INTO downloads (entry_id, url, path, queued_at, updated_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (entry_id, url) DO UPDATE SET
                     status = CASE WHEN status = 'failed' THEN 'queued' ELSE status END,
                     attempts = CASE WHEN status = 'failed' THEN 0 ELSE attempts END,
                     updated_at = excluded.updated_at""",
                [entry_id, url, path, now, now],
            )
        return self._objects(
            Download, _DOWNLOAD + " WHERE entry_id = ? AND url = ?", [entry_id, url]
        )[0]

    def downloads(self, statuses: Sequence[str] = ()) -> list[Download]:
        """The queue, oldest first (only rows in `statuses` when given)."""
        if not statuses:
            return self._objects(Download, _DOWNLOAD + " ORDER BY queued_at, id")
        marks = ", ".join("?" * len(statuses))
        return self._objects(
            Download,
            _DOWNLOAD + f" WHERE status IN ({marks}) ORDER BY queued_at, id",
            list(statuses),
        )

    def download(self, download_id: int) -> Download | None:
        found = self._objects(Download, _DOWNLOAD + " WHERE id = ?", [download_id])
        return found[0] if found else None

    def update_download(self, download_id: int, **values: object) -> None:
        unknown = set(values) - _FIELDS
        if unknown:
            raise ValueError(f"not a download field: {sorted(unknown)}")
        sets = ", ".join(f"{name} = ?" for name in values)
        with self.db.atomic():
            self.db.execute(
                f"UPDATE downloads SET {sets}, updated_at = ? WHERE id = ?",
                [*values.values(), time.time(), download_id],
            )

    def remove_download(self, download_id: int) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM downloads WHERE id = ?", [download_id])

    def playback(self, url: str) -> Playback | None:
        found = self._objects(
            Playback,
            "SELECT url, entry_id, seconds, duration, finished, played_at FROM playback WHERE url = ?",
            [url],
        )
        return found[0] if found else None

    def save_playback(
        self, url: str, entry_id: int, seconds: float, duration: float | None, finished: bool
    ) -> None:
        with self.db.atomic():
            self.db.execute(
                """INSERT INTO playback (url, entry_id, seconds, duration, finished, played_at)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET seconds = excluded.seconds,
                     duration = COALESCE(excluded.duration, duration),
                     finished = MAX(finished, excluded.finished), played_at = excluded.played_at""",
                [url, entry_id, seconds, duration, int(finished), time.time()],
            )

    def media_entries(self, limit: int = 200) -> list[tuple[int, str, str, float | None, str]]:
        """Entries with enclosures, newest first: (id, title, feed title, published, enclosures JSON)."""
        return self._rows(
            """SELECT e.id, e.title, COALESCE(f.user_title, f.title), e.published, e.enclosures
               FROM entries e JOIN feeds f ON f.id = e.feed_id
               WHERE e.enclosures != '[]' AND e.hidden = 0
               ORDER BY e.sort_ts DESC LIMIT ?""",
            [limit],
        )
