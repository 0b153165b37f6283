"""The main screen's saved-quotes actions: the Quotes view, deleting a quote (undo with u)
and opening a saved quote in its article (the view itself is
reader/tui/widgets/quotes_view.py).

A mixin of `MainScreen` (reader/tui/screens/main.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.store import SavedQuote
from reader.tui.kinds import Mode, Source
from reader.tui.messages import QuotesChanged
from reader.tui.safe import notify
from reader.tui.widgets.quotes_view import QuotesView

if TYPE_CHECKING:
    from reader.tui.screens.main import MainScreen


@dataclass(frozen=True)
class DeletedQuote:
    """Undo for a quote deletion: the quote is saved again."""

    quote: SavedQuote


class SavedQuoteActions:
    # ---------------------------------------------------------- saved quotes view

    def show_quotes_view(self: MainScreen) -> None:
        self.mode = Mode.QUOTES
        view = self.quotes_view
        view.load()
        self.entries.display = False
        view.display = True
        self.set_focus(view)
        self.update_status()

    def action_group_quotes(self: MainScreen) -> None:
        self.quotes_view.grouped = not self.quotes_view.grouped
        self.show_quotes_view()

    def action_delete_quote(self: MainScreen) -> None:
        quote = self._article_quote_saved() or self.quotes_view.current
        if quote is not None:
            self.app.delete_quote(quote)

    def _article_quote_saved(self: MainScreen) -> SavedQuote | None:
        """The saved quote behind the article's current quote, when the article has focus."""
        content, index = self.article.content, self.article.current_quote
        if self.focused is not self.article or content is None or index is None:
            return None
        text = content.quotes[index].text
        found = self.store.saved_quotes(entry_id=content.entry.id)
        return next((q for q in found if q.text == text), None)

    def on_quotes_changed(self: MainScreen, message: QuotesChanged) -> None:
        if message.deleted is not None:
            self.undo_stack.append(DeletedQuote(message.deleted))
        if self.mode == Mode.QUOTES:
            self.quotes_view.load()
            self.update_status()
        self.refresh_sidebar()

    def on_quotes_view_picked(self: MainScreen, event: QuotesView.Picked) -> None:
        quote = next((q for q in self.quotes_view.quotes if q.id == event.quote_id), None)
        if quote is not None:
            self.open_saved_quote(quote)

    def open_saved_quote(self: MainScreen, quote: SavedQuote) -> None:
        entry = self.open_entry(quote.entry_id)
        if entry is None:
            return
        from reader.core.quotes.locate import find_quote

        content = self.article.content
        index, offset = find_quote(content.rendered.text, content.quotes, quote.text)
        if index is None and offset is None and self.article_source == Source.FULL:
            self.open_entry(quote.entry_id, Source.FEED)
            content = self.article.content
            index, offset = find_quote(content.rendered.text, content.quotes, quote.text)
        if index is not None:
            self.go_to_quote(index)
        elif offset is not None:
            self.article.scroll_to_offset(offset)
        else:
            notify(self, "The quote's text is no longer in the article.", severity="warning")
        self.set_focus(self.article)
