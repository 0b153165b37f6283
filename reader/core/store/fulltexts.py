"""Full texts: an article's extracted page (or why it failed), kept and made searchable."""

from __future__ import annotations

from collections.abc import Sequence

from reader.core.store.entries import EntriesPart
from reader.core.store.rows import FullText


class FullTextsPart(EntriesPart):
    def save_fulltext(self, text: FullText) -> None:
        """Keep an article's extracted page (or why it failed) and make it searchable."""
        with self.db.atomic():
            self.db.execute(
                """INSERT OR REPLACE INTO fulltexts
                   (entry_id, url, html, title, byline, published, fetched_at, status, error)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    text.entry_id, text.url, text.html, text.title, text.byline,
                    text.published, text.fetched_at, text.status, text.error,
                ],
            )  # fmt: skip
            if text.status == "ok":
                entry = self.entry(text.entry_id)
                if entry is not None:
                    self._index(entry.id, entry.title, entry.body_html, extra=text.html)

    def fulltext(self, entry_id: int) -> FullText | None:
        found = self._objects(
            FullText,
            """SELECT entry_id, url, html, title, byline, published, fetched_at, status, error
               FROM fulltexts WHERE entry_id = ?""",
            [entry_id],
        )
        return found[0] if found else None

    def missing_fulltexts(
        self, feed_ids: Sequence[int], include_saved: bool = True, limit: int = 500
    ) -> list[int]:
        """Entries that want a full text and have never been tried: entries of full-text
        feeds and (if asked) saved entries. A recorded failure is not retried in a loop."""
        marks = ",".join("?" * len(feed_ids)) or "NULL"
        saved = "OR e.saved = 1" if include_saved else ""
        sql = f"""SELECT id FROM entries e WHERE (e.feed_id IN ({marks}) {saved})
                  AND e.link != ''
                  AND NOT EXISTS (SELECT 1 FROM fulltexts t WHERE t.entry_id = e.id)
                  ORDER BY sort_ts DESC LIMIT ?"""
        return [r[0] for r in self._rows(sql, [*feed_ids, limit])]
