"""Saved quotes: a quote kept with enough copied context to stand alone, searchable."""

from __future__ import annotations

import time

from reader.core.store.entries import EntriesPart
from reader.core.store.rows import SavedQuote
from reader.core.store.views import fts_query


class SavedQuotesPart(EntriesPart):
    def save_quote(
        self, entry_id: int, text: str, kind: str, start: int, end: int,
        speaker: str | None = None, cue: str | None = None, context: str = "",
    ) -> int:  # fmt: skip
        """Keep a quote with enough copied context to stand alone, even if the entry changes.
        One write transaction: a prune in another process cannot drop the entry between the
        check that it exists and the insert that protects it from pruning."""
        with self.db.atomic():
            entry = self.entry(entry_id)
            if entry is None:
                raise KeyError(entry_id)
            self.db.execute(
                """INSERT INTO saved_quotes (entry_id, feed_id, text, speaker, cue, kind, start,
                     "end", context, entry_title, entry_link, feed_title, saved_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(entry_id, text) DO UPDATE SET speaker = excluded.speaker""",
                [
                    entry_id, entry.feed_id, text, speaker, cue, kind, start, end, context,
                    entry.title, entry.link, entry.feed_title, time.time(),
                ],
            )  # fmt: skip
            rows = self._rows(
                "SELECT id FROM saved_quotes WHERE entry_id = ? AND text = ?", [entry_id, text]
            )
        return rows[0][0]

    def delete_quote(self, quote_id: int) -> bool:
        """Forget a saved quote; False when there was no quote `quote_id`."""
        return self.db.execute("DELETE FROM saved_quotes WHERE id = ?", [quote_id]).rowcount > 0

    def saved_quote(self, quote_id: int) -> SavedQuote | None:
        """One saved quote by id (the app used to load every saved quote to find one)."""
        sql = f"SELECT {self._QUOTE_COLS} FROM saved_quotes WHERE id = ?"
        found = self._objects(SavedQuote, sql, [quote_id])
        return found[0] if found else None

    _QUOTE_COLS = """id, entry_id, feed_id, text, speaker, cue, kind, start, "end", context,
        entry_title, entry_link, feed_title, saved_at"""

    def saved_quotes(
        self, search: str | None = None, speaker: str | None = None,
        entry_id: int | None = None, limit: int = 1000,
    ) -> list[SavedQuote]:  # fmt: skip
        """Saved quotes, newest first, filtered by words (of the text or the speaker, FTS5
        with the query syntax of every other search: fts_query), speaker or entry."""
        clauses, params = [], []
        if search is not None:
            query = fts_query(search)
            if query is None:  # no word in it: matches nothing, as an entry search
                return []
            clauses.append(
                "id IN (SELECT rowid FROM saved_quotes_fts WHERE saved_quotes_fts MATCH ?)"
            )
            params.append(query)
        if speaker:
            clauses.append("speaker LIKE ?")
            params.append(f"%{speaker}%")
        if entry_id is not None:
            clauses.append("entry_id = ?")
            params.append(entry_id)
        where = " AND ".join(clauses) or "1"
        sql = f"""SELECT {self._QUOTE_COLS}
                  FROM saved_quotes WHERE {where} ORDER BY saved_at DESC, id DESC LIMIT ?"""
        return self._objects(SavedQuote, sql, [*params, limit])

    def quote_is_saved(self, entry_id: int, text: str) -> bool:
        rows = self._rows(
            "SELECT 1 FROM saved_quotes WHERE entry_id = ? AND text = ?", [entry_id, text]
        )
        return bool(rows)
