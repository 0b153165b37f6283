"""What the screens may ask of the app: `AppServices`, the one interface between them.

Screens are handed the app as an `AppServices` when they are built (`MainScreen(services)`,
`QuoteScreen(info, saved, services)`) instead of casting `self.app` to `BylineApp`: the
screens never import the app module, so no import circle (not even under TYPE_CHECKING) runs
app -> screens -> app, and a test can hand a screen anything with these members. Textual's
own App methods (`push_screen`, `exit`, `copy_to_clipboard`) stay on `self.app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from reader.core.config import Config
    from reader.core.store import SavedQuote, Store
    from reader.tui.quoteinfo import QuoteInfo


class AppServices(Protocol):
    """The app's state and long-running work, as the screens use them."""

    config: Config
    store: Store  # the UI thread's connection; workers open their own
    warming: bool  # the article path (quote finder) is still loading in a worker

    def open_in_browser(self, url: str) -> None:
        """Open `url` with the configured browser, or say why not."""
        ...

    def save_quote(self, info: QuoteInfo) -> bool:
        """Save a quotation; False (with a note) when its entry left the cache."""
        ...

    def delete_quote(self, quote: SavedQuote) -> bool:
        """Delete a saved quote; the main screen keeps it for undo."""
        ...

    def restore_quote(self, quote: SavedQuote) -> bool:
        """Save a deleted quote again (undo)."""
        ...

    def start_refresh(
        self, urls: list[str] | None, force: bool = False, only_due: bool = False
    ) -> None:
        """Refresh these feeds (None: all, after a sync) in a worker."""
        ...

    def run_full_text(self, entry_id: int, show: bool) -> None:
        """Fetch an entry's full article in a worker; `FullTextDone` tells the main screen."""
        ...
