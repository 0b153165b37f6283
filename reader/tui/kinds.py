"""The kinds of things the main screen shows, as enums (never strings split on ":").

`ViewKind` names every sidebar row's kind; its values are the `kind` strings the engine's
`View` already understands for entry views (all, unread, saved, tag, feed, search), so a
`View(ViewKind.TAG, "tech")` is the engine's `View("tag", "tech")`.
"""

from __future__ import annotations

from enum import StrEnum


class ViewKind(StrEnum):
    ALL = "all"
    UNREAD = "unread"
    SAVED = "saved"
    TAG = "tag"
    FEED = "feed"
    SEARCH = "search"
    MATCH = "match"  # a [[views]] saved query (value: its rules.SavedView)
    QUOTES = "quotes"  # the saved quotes view (not an entry list)
    PEOPLE = "people"  # who is quoted across the cache (a screen of its own, issue 15)
    STATUS = "status"  # feed problems (opens a dialog)
    PODCASTS = "podcasts"  # entries with enclosures and their state (a screen, issue 23)

    @property
    def lists_entries(self) -> bool:
        """Whether the engine's `View` pages this kind as an entry list."""
        return self in ENTRY_KINDS


# A new kind the engine's `Store` pages as entries (saved views: `View("match", SavedView)`) goes
# here too; the main screen then opens it as an entry list with no other change.
ENTRY_KINDS = frozenset(
    {
        ViewKind.ALL,
        ViewKind.UNREAD,
        ViewKind.SAVED,
        ViewKind.TAG,
        ViewKind.FEED,
        ViewKind.SEARCH,
        ViewKind.MATCH,
    }
)


class Mode(StrEnum):
    """What the upper pane of the main screen holds."""

    ENTRIES = "entries"
    QUOTES = "quotes"


class Source(StrEnum):
    """Which text the article pane shows: the feed's content or the fetched full article."""

    FEED = "feed"
    FULL = "full"
