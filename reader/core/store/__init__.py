"""The SQLite cache: the one owner of Byline's SQL, one `Store` made of per-domain parts.

    base.py         the connection (WAL, busy timeout), transaction(), SQL functions handed in
    feeds.py        feeds following the config, fetch outcomes, trigger-kept counts
    entries.py      storing parsed entries, the deferred search index, pruning, read/saved marks
    views.py        View, paging/counting/walking a view, search (fts_query)
    fulltexts.py    extracted article pages
    savedquotes.py  quotes the user kept
    quoteindex.py   the quote index's tables (reader/core/quotes/index.py says what goes in)
    rules.py        what rules read and write, duplicate stories, what notify is told
    filters.py      what each field of the filter language reads, as SQL (rules/expr.py joins them)
    media.py        the download queue, where each enclosure's playback stopped
    sync.py         what sync keeps: server items matched with entries, the queue of changes
                    to send (keyed by entry), the account and cursor
    imports.py      history brought over from another reader, in one transaction
    schema.py       the migrations (SCHEMA_VERSION is their number); rows.py the row types;
                    foreign.py (newsboat's cache, read-only) and syncrows.py: rows that only an
                    import or a sync loads, so opening the store builds none of them

Every part is a mixin over `StoreBase`; `Store` joins them on one connection, so a part calls
another's methods through `self` (a full text is indexed by the entries part). The rest of the
program calls named methods; no SQL is written outside this package.
"""

from __future__ import annotations

from reader.core.store.base import BUSY_TIMEOUT_MS, DB_NAME, SqlFunction, _Connection
from reader.core.store.entries import StoreResult
from reader.core.store.feeds import FeedsPart, FeedSpec
from reader.core.store.fulltexts import FullTextsPart
from reader.core.store.imports import ImportsPart
from reader.core.store.media import MediaPart
from reader.core.store.quoteindex import QuoteIndexPart
from reader.core.store.rows import Entry, EntryRow, Feed, FullText, SavedQuote
from reader.core.store.rules import RulesPart
from reader.core.store.savedquotes import SavedQuotesPart
from reader.core.store.schema import SCHEMA_VERSION
from reader.core.store.sync import SyncPart
from reader.core.store.views import MAX_MERGED_FEEDS, Condition, View, ViewsPart, fts_query

__all__ = [
    "BUSY_TIMEOUT_MS", "DB_NAME", "MAX_MERGED_FEEDS", "SCHEMA_VERSION", "Condition", "Entry",
    "EntryRow", "Feed", "FeedSpec", "FullText", "SavedQuote", "SqlFunction", "Store",
    "StoreResult", "View", "_Connection", "fts_query",
]  # fmt: skip


class Store(
    SyncPart,
    ImportsPart,
    MediaPart,
    ViewsPart,
    FullTextsPart,
    SavedQuotesPart,
    QuoteIndexPart,
    RulesPart,
    FeedsPart,
):
    """One connection to the cache. Use one Store per thread or process."""
