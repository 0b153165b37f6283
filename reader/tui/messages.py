"""Messages from the app (workers) to the main screen: no duck-typed calls between them.

The app posts these to the `MainScreen`; the screen handles them with `on_…` methods.
Progress messages replace each other in the queue (`can_replace`), so a fast refresh never
queues hundreds of status updates behind a slow frame.
"""

from __future__ import annotations

from textual.message import Message

from reader.core.store import SavedQuote


class RefreshProgress(Message, bubble=False):
    """A refresh moved on: `text` for the status line; `new_entries` when the list should
    reload (the app sends that at most once a second)."""

    def __init__(self, text: str, new_entries: bool = False) -> None:
        super().__init__()
        self.text = text
        self.new_entries = new_entries

    def can_replace(self, message: Message) -> bool:
        # A newer progress replaces an older one, but never swallows a pending reload.
        return isinstance(message, RefreshProgress) and (
            self.new_entries or not message.new_entries
        )


class RefreshDone(Message, bubble=False):
    """The refresh ended: `text` sums it up, `error` says why it failed."""

    def __init__(self, text: str, error: str | None = None) -> None:
        super().__init__()
        self.text = text
        self.error = error


class FullTextDone(Message, bubble=False):
    """The full-text fetch of `entry_id` ended; `show` when the user asked to see it."""

    def __init__(self, entry_id: int, show: bool, error: str | None) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.show = show
        self.error = error


class FinderReady(Message, bubble=False):
    """The app's warm-up has loaded the quote finder: an article shown before it gets its
    quotes now."""


class CacheChanged(Message, bubble=False):
    """Something outside the app changed the cache or the config (a `byline mark`, `add` or
    refresh from the CLI): the list and the sidebar read them again."""


class QuotesChanged(Message, bubble=False):
    """A quote was saved or deleted outside the main screen (the quote dialog).

    `deleted` carries the deleted quote so the screen can offer undo."""

    def __init__(self, deleted: SavedQuote | None = None) -> None:
        super().__init__()
        self.deleted = deleted
