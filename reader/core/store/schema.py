"""The cache's schema, as sqlite-utils migrations.

The migrations are plain functions listed in MIGRATIONS as they are defined, and
SCHEMA_VERSION is their number: a new migration raises the version by being written, no
hand-kept copy. sqlite-utils itself is imported only when the database is new or behind
(PRAGMA user_version < SCHEMA_VERSION, `upgrade`): it costs ~120 ms to import, which every
`byline` start would otherwise pay.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

Migration = Callable[["Database"], None]
MIGRATIONS: list[Migration] = []  # in order; sqlite-utils records each applied one by name


def migration(func: Migration) -> Migration:
    """Add a migration (after those above it)."""
    MIGRATIONS.append(func)
    return func


# IF NOT EXISTS throughout: executescript commits as it goes, so a kill in the middle of a
# migration must leave a file the same migration can finish.
@migration
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            fetch_url TEXT,
            title TEXT NOT NULL DEFAULT '',
            user_title TEXT,
            link TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            etag TEXT,
            last_modified TEXT,
            body_hash TEXT,
            status TEXT NOT NULL DEFAULT 'new',
            error TEXT,
            http_status INTEGER,
            checked_at REAL,
            ok_at REAL,
            next_due REAL NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0,
            entry_count INTEGER NOT NULL DEFAULT 0,
            unread_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS entries (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER NOT NULL REFERENCES feeds(id),
            uid TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            link TEXT NOT NULL DEFAULT '',
            published REAL,
            updated REAL,
            sort_ts REAL NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            content TEXT NOT NULL DEFAULT '',
            enclosures TEXT NOT NULL DEFAULT '[]',
            content_hash TEXT NOT NULL DEFAULT '',
            first_seen REAL NOT NULL,
            last_seen REAL NOT NULL,
            read INTEGER NOT NULL DEFAULT 0,
            saved INTEGER NOT NULL DEFAULT 0,
            saved_at REAL,
            UNIQUE (feed_id, uid)
        );
        CREATE INDEX IF NOT EXISTS entries_sort ON entries (sort_ts, id);
        CREATE INDEX IF NOT EXISTS entries_feed_sort ON entries (feed_id, sort_ts, id);
        CREATE INDEX IF NOT EXISTS entries_read_sort ON entries (read, sort_ts, id);
        CREATE INDEX IF NOT EXISTS entries_feed_read_sort ON entries (feed_id, read, sort_ts, id);
        CREATE INDEX IF NOT EXISTS entries_saved_sort ON entries (saved, sort_ts, id);

        CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5 (
            title, body, tokenize = 'unicode61 remove_diacritics 2'
        );

        CREATE TABLE IF NOT EXISTS fulltexts (
            entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
            url TEXT NOT NULL,
            html TEXT NOT NULL DEFAULT '',
            title TEXT,
            byline TEXT,
            published TEXT,
            fetched_at REAL NOT NULL,
            status TEXT NOT NULL,
            error TEXT
        );

        CREATE TABLE IF NOT EXISTS saved_quotes (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            feed_id INTEGER NOT NULL,
            text TEXT NOT NULL,
            speaker TEXT,
            cue TEXT,
            kind TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            context TEXT NOT NULL DEFAULT '',
            entry_title TEXT NOT NULL DEFAULT '',
            entry_link TEXT NOT NULL DEFAULT '',
            feed_title TEXT NOT NULL DEFAULT '',
            saved_at REAL NOT NULL,
            UNIQUE (entry_id, text)
        );
        CREATE INDEX IF NOT EXISTS saved_quotes_entry ON saved_quotes (entry_id);

        CREATE TRIGGER IF NOT EXISTS entries_counts_insert AFTER INSERT ON entries BEGIN
            UPDATE feeds SET entry_count = entry_count + 1,
                unread_count = unread_count + (NEW.read = 0) WHERE id = NEW.feed_id;
        END;
        CREATE TRIGGER IF NOT EXISTS entries_counts_delete AFTER DELETE ON entries BEGIN
            UPDATE feeds SET entry_count = entry_count - 1,
                unread_count = unread_count - (OLD.read = 0) WHERE id = OLD.feed_id;
            DELETE FROM entries_fts WHERE rowid = OLD.id;
            DELETE FROM fulltexts WHERE entry_id = OLD.id;
        END;
        CREATE TRIGGER IF NOT EXISTS entries_counts_read AFTER UPDATE OF read ON entries
        WHEN OLD.read != NEW.read BEGIN
            UPDATE feeds SET unread_count = unread_count + (NEW.read = 0) - (OLD.read = 0)
            WHERE id = NEW.feed_id;
        END;
        """
    )


@migration
def m002_sync(db: Database) -> None:
    """Sync with a feed server (reader.core.sync): which feeds and entries came from it, the
    queue of local changes still to push, and the sync cursor."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(feeds)").fetchall()}
    if "remote" not in columns:  # the server's id for a feed from [sync]; NULL for [[feeds]]
        db.execute("ALTER TABLE feeds ADD COLUMN remote TEXT")
    db.executescript(
        """
        CREATE UNIQUE INDEX IF NOT EXISTS feeds_remote ON feeds (remote) WHERE remote IS NOT NULL;
        CREATE TABLE IF NOT EXISTS sync_items (
            remote_id TEXT PRIMARY KEY,
            entry_id INTEGER NOT NULL UNIQUE REFERENCES entries(id)
        );
        CREATE TABLE IF NOT EXISTS sync_queue (
            remote_id TEXT NOT NULL,
            field TEXT NOT NULL,
            value INTEGER NOT NULL,
            at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try REAL NOT NULL DEFAULT 0,
            error TEXT,
            PRIMARY KEY (remote_id, field)
        );
        CREATE TABLE IF NOT EXISTS sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TRIGGER IF NOT EXISTS sync_items_gone AFTER DELETE ON entries BEGIN
            DELETE FROM sync_items WHERE entry_id = OLD.id;
        END;
        """
    )


@migration
def m003_rules_hidden_tags_dupes(db: Database) -> None:
    """Rules and duplicates (issue 14): entries a rule hid (hidden = 1) or that repeat a
    story of another feed (hidden = 2, dupe_of) stay in the cache but out of every list,
    search and count; tags and highlight set by rules; the keys that find duplicates.
    The list indexes become partial (hidden = 0) so a view still walks only its index."""
    have = {row[1] for row in db.execute("PRAGMA table_info(entries)").fetchall()}
    columns = {
        "hidden": "INTEGER NOT NULL DEFAULT 0",
        "dupe_of": "INTEGER",
        "highlight": "INTEGER NOT NULL DEFAULT 0",
        "tags": "TEXT NOT NULL DEFAULT '[]'",
        "link_key": "TEXT",
        "title_key": "TEXT",
    }
    for name, decl in columns.items():
        if name not in have:
            db.execute(f"ALTER TABLE entries ADD COLUMN {name} {decl}")
    db.executescript(
        """
        DROP INDEX IF EXISTS entries_sort;
        DROP INDEX IF EXISTS entries_feed_sort;
        DROP INDEX IF EXISTS entries_read_sort;
        DROP INDEX IF EXISTS entries_feed_read_sort;
        DROP INDEX IF EXISTS entries_saved_sort;
        CREATE INDEX IF NOT EXISTS entries_sort_v ON entries (sort_ts, id) WHERE hidden = 0;
        CREATE INDEX IF NOT EXISTS entries_feed_sort_v ON entries (feed_id, sort_ts, id)
            WHERE hidden = 0;
        CREATE INDEX IF NOT EXISTS entries_read_sort_v ON entries (read, sort_ts, id)
            WHERE hidden = 0;
        CREATE INDEX IF NOT EXISTS entries_feed_read_sort_v ON entries (feed_id, read, sort_ts, id)
            WHERE hidden = 0;
        CREATE INDEX IF NOT EXISTS entries_saved_sort_v ON entries (saved, sort_ts, id)
            WHERE hidden = 0;
        CREATE INDEX IF NOT EXISTS entries_hidden ON entries (hidden, sort_ts) WHERE hidden != 0;
        CREATE INDEX IF NOT EXISTS entries_dupe_of ON entries (dupe_of) WHERE dupe_of IS NOT NULL;
        CREATE INDEX IF NOT EXISTS entries_link_key ON entries (link_key)
            WHERE link_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS entries_title_key ON entries (title_key, sort_ts)
            WHERE title_key IS NOT NULL;

        -- The kept counters count only what lists show.
        DROP TRIGGER IF EXISTS entries_counts_insert;
        DROP TRIGGER IF EXISTS entries_counts_delete;
        DROP TRIGGER IF EXISTS entries_counts_read;
        CREATE TRIGGER IF NOT EXISTS entries_counts_insert_v AFTER INSERT ON entries BEGIN
            UPDATE feeds SET entry_count = entry_count + (NEW.hidden = 0),
                unread_count = unread_count + (NEW.read = 0 AND NEW.hidden = 0)
            WHERE id = NEW.feed_id;
        END;
        CREATE TRIGGER IF NOT EXISTS entries_counts_delete_v AFTER DELETE ON entries BEGIN
            UPDATE feeds SET entry_count = entry_count - (OLD.hidden = 0),
                unread_count = unread_count - (OLD.read = 0 AND OLD.hidden = 0)
            WHERE id = OLD.feed_id;
            DELETE FROM entries_fts WHERE rowid = OLD.id;
            DELETE FROM fulltexts WHERE entry_id = OLD.id;
        END;
        CREATE TRIGGER IF NOT EXISTS entries_counts_read_v AFTER UPDATE OF read ON entries
        WHEN OLD.read != NEW.read AND NEW.hidden = 0 AND OLD.hidden = 0 BEGIN
            UPDATE feeds SET unread_count = unread_count + (NEW.read = 0) - (OLD.read = 0)
            WHERE id = NEW.feed_id;
        END;
        CREATE TRIGGER IF NOT EXISTS entries_counts_hidden_v AFTER UPDATE OF hidden, read ON entries
        WHEN (OLD.hidden = 0) != (NEW.hidden = 0) BEGIN
            UPDATE feeds SET
                entry_count = entry_count + (NEW.hidden = 0) - (OLD.hidden = 0),
                unread_count = unread_count + (NEW.hidden = 0 AND NEW.read = 0)
                    - (OLD.hidden = 0 AND OLD.read = 0)
            WHERE id = NEW.feed_id;
        END;
        """
    )


@migration
def m004_quote_index(db: Database) -> None:
    """The quote index (issue 15): every quotation the finder sees in an entry's shown text
    (reader/core/quotes/index.py), its speaker as written and a normalised key, searchable;
    a stamp per entry says which text and extractor version its rows come from."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS quote_index (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES entries(id),
            feed_id INTEGER NOT NULL,
            sort_ts REAL NOT NULL,
            source TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            kind TEXT NOT NULL,
            speaker TEXT,
            speaker_name TEXT,
            speaker_key TEXT,
            confidence TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS quote_index_entry ON quote_index (entry_id);
        CREATE INDEX IF NOT EXISTS quote_index_speaker
            ON quote_index (speaker_key, speaker_name, entry_id, sort_ts)
            WHERE speaker_key IS NOT NULL AND confidence = 'high';
        CREATE TABLE IF NOT EXISTS quote_stamps (
            entry_id INTEGER PRIMARY KEY,
            version TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5 (
            text, speaker, tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER IF NOT EXISTS quote_index_entry_gone AFTER DELETE ON entries BEGIN
            DELETE FROM quote_index WHERE entry_id = OLD.id;
            DELETE FROM quote_stamps WHERE entry_id = OLD.id;
        END;
        CREATE TRIGGER IF NOT EXISTS quote_index_row_gone AFTER DELETE ON quote_index BEGIN
            DELETE FROM quotes_fts WHERE rowid = OLD.id;
        END;
        -- A kept full text becomes the text a reader sees: its quotes are found again.
        CREATE TRIGGER IF NOT EXISTS quote_index_fulltext AFTER INSERT ON fulltexts BEGIN
            DELETE FROM quote_stamps WHERE entry_id = NEW.entry_id;
        END;
        """
    )


@migration
def m005_fts_pending(db: Database) -> None:
    """Deferred search indexing (issue 12): a refresh queues each stored or changed entry's
    index text here, in its write transaction, instead of tokenizing it into entries_fts
    (the biggest CPU cost of a refresh). `Store.index_pending` moves the queue into the
    index; every search runs it first, so results are always complete. A deleted entry
    leaves the queue as it leaves the index."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS fts_pending (
            entry_id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            body TEXT NOT NULL
        );
        CREATE TRIGGER IF NOT EXISTS fts_pending_gone AFTER DELETE ON entries BEGIN
            DELETE FROM fts_pending WHERE entry_id = OLD.id;
        END;
        """
    )


@migration
def m006_saved_quotes_fts(db: Database) -> None:
    """`/` in the saved-Quotes view searches quote text and speakers with FTS5, as the People
    view does (issue 15): an index of saved_quotes kept in step by triggers (a save, the
    speaker a save again corrects, a delete; pruning never drops a saved quote), folded
    like every other index (ё as е: searchtext.fold), filled from the quotes already saved."""
    db.executescript(
        """
        CREATE VIRTUAL TABLE IF NOT EXISTS saved_quotes_fts USING fts5 (
            text, speaker, tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER IF NOT EXISTS saved_quotes_fts_insert AFTER INSERT ON saved_quotes BEGIN
            INSERT INTO saved_quotes_fts (rowid, text, speaker) VALUES (NEW.id,
                replace(replace(NEW.text, 'ё', 'е'), 'Ё', 'Е'),
                replace(replace(COALESCE(NEW.speaker, ''), 'ё', 'е'), 'Ё', 'Е'));
        END;
        CREATE TRIGGER IF NOT EXISTS saved_quotes_fts_update AFTER UPDATE OF text, speaker
        ON saved_quotes BEGIN
            DELETE FROM saved_quotes_fts WHERE rowid = OLD.id;
            INSERT INTO saved_quotes_fts (rowid, text, speaker) VALUES (NEW.id,
                replace(replace(NEW.text, 'ё', 'е'), 'Ё', 'Е'),
                replace(replace(COALESCE(NEW.speaker, ''), 'ё', 'е'), 'Ё', 'Е'));
        END;
        CREATE TRIGGER IF NOT EXISTS saved_quotes_fts_delete AFTER DELETE ON saved_quotes BEGIN
            DELETE FROM saved_quotes_fts WHERE rowid = OLD.id;
        END;
        -- Whatever a killed earlier run left, then every quote saved before this version.
        DELETE FROM saved_quotes_fts;
        INSERT INTO saved_quotes_fts (rowid, text, speaker)
            SELECT id, replace(replace(text, 'ё', 'е'), 'Ё', 'Е'),
                replace(replace(COALESCE(speaker, ''), 'ё', 'е'), 'Ё', 'Е')
            FROM saved_quotes;
        """
    )


@migration
def m007_quote_stamps_follow_text(db: Database) -> None:
    """An entry's quote stamp goes when its text changes (a trigger, as a kept full text
    already drops it), and a stamp is only written for the text it was read from: so the
    entries still to read are the entries minus the stamps of this extractor, two counts over
    indexes, where comparing every entry's hash to its stamp read each whole entry row
    (`byline people`, the backfill's progress: 13-25 ms on 100,000 entries). Stamps that no
    longer match their entry go now."""
    db.executescript(
        """
        CREATE TRIGGER IF NOT EXISTS quote_stamps_text_changed AFTER UPDATE OF content_hash
        ON entries WHEN OLD.content_hash != NEW.content_hash BEGIN
            DELETE FROM quote_stamps WHERE entry_id = NEW.id;
        END;
        CREATE INDEX IF NOT EXISTS quote_stamps_version ON quote_stamps (version);
        DELETE FROM quote_stamps WHERE entry_id NOT IN (
            SELECT s.entry_id FROM quote_stamps s JOIN entries e ON e.id = s.entry_id
            WHERE s.hash = e.content_hash);
        """
    )


@migration
def m008_media(db: Database) -> None:
    """Podcasts and video (issue 23): the download queue, and where playing each enclosure stopped. Both follow
    their entry out of the cache (a saved entry is never pruned, so neither are its episodes)."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS downloads (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL,
            url TEXT NOT NULL,
            path TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'queued',
            done INTEGER NOT NULL DEFAULT 0,
            total INTEGER,
            sha256 TEXT,
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            queued_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            UNIQUE (entry_id, url)
        );
        CREATE TABLE IF NOT EXISTS playback (
            url TEXT PRIMARY KEY,
            entry_id INTEGER NOT NULL,
            seconds REAL NOT NULL DEFAULT 0,
            duration REAL,
            finished INTEGER NOT NULL DEFAULT 0,
            played_at REAL NOT NULL
        );
        CREATE INDEX IF NOT EXISTS playback_entry ON playback (entry_id);
        CREATE TRIGGER IF NOT EXISTS media_follow_entry AFTER DELETE ON entries BEGIN
            DELETE FROM downloads WHERE entry_id = OLD.id AND status != 'done';
            DELETE FROM playback WHERE entry_id = OLD.id;
        END;
        """
    )


@cache
def _sqlite_utils_migrations() -> Migrations:
    """MIGRATIONS as sqlite-utils runs them (each recorded by its function's name)."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations("byline")
    for func in MIGRATIONS:
        migrations()(func)
    return migrations


def __getattr__(name: str) -> Any:
    """`schema.migrations`: the sqlite-utils object, built (and sqlite-utils imported) only
    when asked for (tests that build an old cache step by step)."""
    if name == "migrations":
        return _sqlite_utils_migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def upgrade(conn: sqlite3.Connection, version: int) -> None:
    """Apply pending migrations and stamp the version they bring the file to."""
    from sqlite_utils import Database

    _sqlite_utils_migrations().apply(
        Database(conn, execute_plugins=False, recursive_triggers=False)
    )
    conn.execute(f"PRAGMA user_version = {version}")


SCHEMA_VERSION = len(MIGRATIONS)  # PRAGMA user_version of a file every migration reached
