"""The quote index's tables: `quote_index` (each quotation with offsets, kind, speaker and its
normalised key), `quotes_fts` for search, `quote_stamps` (which text of an entry was read, by
which extractor version). What goes in them and what a person is: reader/core/quotes/index.py,
which hands rows and its extractor `version` to these methods.
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.core.store.base import StoreBase
from reader.core.store.views import fts_query
from reader.core.text.searchtext import fold

# Quotes of entries no list shows (hidden by a rule, or a duplicate of another feed's story:
# hidden != 0, as Store._where leaves them out) count for nobody. A NOT IN over the partial
# index entries_hidden costs one small list, where a join to entries cost a look-up per quote
# (30 ms -> 170 ms for people() on 100,000 entries).
_SHOWN = "entry_id NOT IN (SELECT id FROM entries WHERE hidden != 0)"
_PEOPLE_WHERE = f"speaker_key IS NOT NULL AND confidence = 'high' AND {_SHOWN}"

_PENDING_COUNT = """SELECT (SELECT count(*) FROM entries)
    - (SELECT count(*) FROM quote_stamps WHERE version = ?)"""

# The columns of reader.core.quotes.index.IndexedQuote, in its order.
_QUOTE_COLS = """q.id, q.entry_id, q.feed_id, q.sort_ts, q.source, q.start, q."end", q.text,
    q.kind, q.speaker, q.speaker_name, q.speaker_key, q.confidence, e.title, e.link,
    COALESCE(f.user_title, NULLIF(f.title, ''), f.url)"""

# One entry's read quotes: (entry id, content hash read, rows of quote_index columns from
# entry_id to confidence).
ReadEntry = tuple[int, str, list[tuple]]


def _since_clause(since: float | None, column: str = "sort_ts") -> tuple[str, list]:
    return (f"AND {column} >= ?", [since]) if since is not None else ("", [])


class QuoteIndexPart(StoreBase):
    def quote_source(self, entry_id: int) -> tuple | None:
        """(feed id, sort_ts, content hash, content, summary, full text html or None) of an
        entry: what the quote index reads it from; None when the entry is gone."""
        found = self._rows(
            """SELECT e.feed_id, e.sort_ts, e.content_hash, e.content, e.summary,
                 CASE WHEN t.status = 'ok' AND t.html != '' THEN t.html END
               FROM entries e LEFT JOIN fulltexts t ON t.entry_id = e.id WHERE e.id = ?""",
            [entry_id],
        )
        return found[0] if found else None

    def write_quote_rows(self, read: Sequence[ReadEntry], version: str) -> int:
        """Replace the index rows of these entries and stamp them with `version`, in one
        short transaction. Returns the number of quotes written."""
        written = 0
        conn = self.db.conn
        with self.db.atomic():
            for entry_id, digest, rows in read:
                conn.execute("DELETE FROM quote_index WHERE entry_id = ?", [entry_id])
                for row in rows:
                    cursor = conn.execute(
                        """INSERT INTO quote_index (entry_id, feed_id, sort_ts, source, start,
                             "end", text, kind, speaker, speaker_name, speaker_key, confidence)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        row,
                    )
                    conn.execute(
                        "INSERT INTO quotes_fts (rowid, text, speaker) VALUES (?, ?, ?)",
                        [cursor.lastrowid, fold(row[6]), fold(row[9] or "")],
                    )
                written += len(rows)
                # Stamped only if the text is still the one read: a refresh that changed it
                # meanwhile dropped the old stamp (m007), and this entry stays pending.
                conn.execute(
                    """INSERT OR REPLACE INTO quote_stamps (entry_id, version, hash)
                       SELECT id, ?, content_hash FROM entries WHERE id = ? AND content_hash = ?""",
                    [version, entry_id, digest],
                )
        return written

    def quote_pending(self, version: str, limit: int = 200, below: int | None = None) -> list[int]:
        """Entries with no stamp, a stale one (text changed) or one from another extractor
        than `version`, highest id (newest stored) first; `below` pages on by id."""
        where = "" if below is None else "AND e.id < ?"
        sql = f"""SELECT e.id FROM entries e LEFT JOIN quote_stamps s ON s.entry_id = e.id
                  WHERE (s.entry_id IS NULL OR s.version != ? OR s.hash != e.content_hash) {where}
                  ORDER BY e.id DESC LIMIT ?"""
        params = [version, *([below] if below is not None else []), limit]
        return [r[0] for r in self._rows(sql, params)]

    def quote_pending_count(self, version: str) -> int:
        """How many entries `quote_pending` would give: each entry has at most one stamp, a
        changed text drops it (m007) and a stamp is written only for the text it was read
        from, so this is the entries minus the stamps of this extractor (two counts over
        indexes)."""
        return self._rows(_PENDING_COUNT, [version])[0][0]

    def speaker_counts(self, since: float | None = None) -> list[tuple[str, str, int, int]]:
        """(key, name, quotes, distinct entries) of each speaker key and name written, over
        the "high" confidence quotes of shown entries."""
        clause, params = _since_clause(since)
        return self._rows(
            f"""SELECT speaker_key, speaker_name, count(*), count(DISTINCT entry_id)
                FROM quote_index WHERE {_PEOPLE_WHERE} {clause}
                GROUP BY speaker_key, speaker_name""",
            params,
        )

    def speaker_entries(self, keys: Sequence[str], since: float | None = None) -> int:
        """Distinct entries quoting any of these keys ("high" quotes of shown entries)."""
        clause, params = _since_clause(since)
        marks = ",".join("?" * len(keys))
        sql = f"""SELECT count(DISTINCT entry_id) FROM quote_index
                  WHERE speaker_key IN ({marks}) AND {_PEOPLE_WHERE} {clause}"""
        return self._rows(sql, [*keys, *params])[0][0]

    def speaker_keys(self) -> list[str]:
        """Every speaker key of a "high" quote of a shown entry."""
        sql = f"SELECT DISTINCT speaker_key FROM quote_index WHERE {_PEOPLE_WHERE}"
        return [r[0] for r in self._rows(sql)]

    def quotes_of_speakers(
        self, keys: Sequence[str], since: float | None = None, limit: int = 500
    ) -> list[tuple]:
        """The "high" confidence quotes of these speaker keys, newest first (IndexedQuote
        fields)."""
        clause, params = _since_clause(since, "q.sort_ts")
        marks = ",".join("?" * len(keys))
        sql = f"""SELECT {_QUOTE_COLS} FROM quote_index q
                  JOIN entries e ON e.id = q.entry_id JOIN feeds f ON f.id = q.feed_id
                  WHERE q.speaker_key IN ({marks}) AND q.confidence = 'high' AND e.hidden = 0
                  {clause}
                  ORDER BY q.sort_ts DESC, q.id DESC LIMIT ?"""
        return self._rows(sql, [*keys, *params, limit])

    def quotes_matching(self, words: str, limit: int = 200) -> list[tuple]:
        """Quotes whose text or speaker has these words (FTS, fts_query), newest first
        (IndexedQuote fields)."""
        query = fts_query(words)
        if query is None:
            return []
        sql = f"""SELECT {_QUOTE_COLS} FROM quote_index q
                  JOIN entries e ON e.id = q.entry_id JOIN feeds f ON f.id = q.feed_id
                  WHERE q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)
                  AND q.kind = 'quote' AND e.hidden = 0
                  ORDER BY q.sort_ts DESC, q.id DESC LIMIT ?"""
        return self._rows(sql, [query, limit])
