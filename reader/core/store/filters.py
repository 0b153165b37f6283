"""What each word of the filter language ([[rules]], [[views]]) reads in the cache, as SQL.

The rules own the language (reader/core/rules/expr.py parses it and joins these pieces with
AND, OR, NOT and its string tests); the store owns the tables, so the columns and
sub-selects a field stands for are written here. Table `entries` is unaliased: the store's
view queries and a rule's pass select FROM entries.
"""

from __future__ import annotations

FLAGS = {
    "unread": "(entries.read = 0)",
    "saved": "(entries.saved = 1)",
    "has_enclosure": "(entries.enclosures != '[]')",
}

COLUMNS = {
    "title": "entries.title",
    "author": "entries.author",
    "link": "entries.link",
    # The indexed text; an entry stored since the last Store.index_pending has it queued.
    "content": "COALESCE((SELECT body FROM fts_pending WHERE entry_id = entries.id),"
    " (SELECT body FROM entries_fts WHERE entries_fts.rowid = entries.id))",
}

# What the speaker test (sqlfuncs' byline_speaker) is given of an entry.
SPEAKER_SOURCE = "entries.content, entries.summary, entries.link"

# The column each test below is handed: a feed's name, a feed's tag and an entry's own tag,
# an entry's indexed text.
FEED_NAME, FEED_TAG, OWN_TAG, BODY = "value", "json_each.value", "value", "body"

_FEED_NAMES = "SELECT value FROM json_each(json_array(feeds.url, feeds.title, COALESCE(feeds.user_title, '')))"


def age(older: bool) -> str:
    """Published before (older) or after the one parameter, a time."""
    return f"(entries.sort_ts {'<' if older else '>'} ?)"


def feed(name_test: str) -> str:
    """Entries of a feed one of whose names (URL, title, user title) passes `name_test` over
    FEED_NAME. Not correlated: SQLite finds the matching feeds once, not once per entry."""
    return (
        "entries.feed_id IN (SELECT feeds.id FROM feeds WHERE EXISTS"
        f" ({_FEED_NAMES} WHERE {name_test}))"
    )


def tag(feed_tag_test: str, own_tag_test: str) -> str:
    """A feed's tag passes `feed_tag_test` over FEED_TAG (found once), or a tag a rule gave
    the entry passes `own_tag_test` over OWN_TAG."""
    return (
        "(entries.feed_id IN (SELECT feeds.id FROM feeds, json_each(feeds.tags)"
        f" WHERE {feed_tag_test}) OR (entries.tags != '[]' AND EXISTS"
        f" (SELECT 1 FROM json_each(entries.tags) WHERE {own_tag_test})))"
    )


def content(body_test: str) -> str:
    """The indexed text passes `body_test` over BODY: one look-up, however it is tested."""
    return (
        f"COALESCE((SELECT {body_test} FROM"
        f" (SELECT {COLUMNS['content']} AS body) WHERE body IS NOT NULL), 0)"
    )
