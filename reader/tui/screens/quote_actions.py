"""The main screen's saved-quotes actions: the Quotes view, deleting a quote (undo with u)
and opening a saved quote in its article (the view itself is
reader/tui/widgets/quotes_view.py).

An object the main screen owns (`MainScreen.quotes`); it reaches the panes through
`MainPanes` (panes.py) and opens articles through the screen's `ArticleActions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.store import SavedQuote
from reader.tui.kinds import Mode, Source

if TYPE_CHECKING:
    from reader.tui.screens.article_actions import ArticleActions
    from reader.tui.screens.panes import MainPanes


@dataclass(frozen=True)
class DeletedQuote:
    """Undo for a quote deletion: the quote is saved again."""

    quote: SavedQuote


class SavedQuoteActions:
    """The Quotes view and what the keys do to saved quotes."""

    def __init__(self, panes: MainPanes, articles: ArticleActions) -> None:
        self.panes = panes
        self.articles = articles

    def show(self) -> None:
        """Put the Quotes view in the upper pane (in place of the entry list) and focus it."""
        panes = self.panes
        panes.mode = Mode.QUOTES
        view = panes.quotes_view
        view.load()
        panes.entries.display = False
        view.display = True
        panes.set_focus(view)
        panes.update_status()

    def toggle_grouped(self) -> None:
        self.panes.quotes_view.grouped = not self.panes.quotes_view.grouped
        self.show()

    def delete(self) -> None:
        quote = self.article_quote_saved() or self.panes.quotes_view.current
        if quote is not None:
            self.panes.services.delete_quote(quote)

    def article_quote_saved(self) -> SavedQuote | None:
        """The saved quote behind the article's current quote, when the article has focus."""
        article = self.panes.article
        content, index = article.content, article.current_quote
        if self.panes.focused is not article or content is None or index is None:
            return None
        text = content.quotes[index].text
        found = self.panes.store.saved_quotes(entry_id=content.entry.id)
        return next((q for q in found if q.text == text), None)

    def changed(self) -> None:
        """A quote was saved or deleted: the Quotes view, if shown, reads them again."""
        if self.panes.mode == Mode.QUOTES:
            self.panes.quotes_view.load()
            self.panes.update_status()

    def picked(self, quote_id: int) -> None:
        view = self.panes.quotes_view
        quote = next((q for q in view.quotes if q.id == quote_id), None)
        if quote is not None:
            self.open_saved(quote)

    def open_saved(self, quote: SavedQuote) -> None:
        """Open the quote's article at the quote (found again by its text)."""
        articles, panes = self.articles, self.panes
        entry = articles.open_entry(quote.entry_id)
        if entry is None:
            return
        from reader.core.quotes.locate import find_quote

        content = panes.article.content
        index, offset = find_quote(content.rendered.text, content.quotes, quote.text)
        if index is None and offset is None and articles.article_source == Source.FULL:
            articles.open_entry(quote.entry_id, Source.FEED)
            content = panes.article.content
            index, offset = find_quote(content.rendered.text, content.quotes, quote.text)
        if index is not None:
            articles.go_to_quote(index)
        elif offset is not None:
            panes.article.scroll_to_offset(offset)
        else:
            panes.warn("The quote's text is no longer in the article.")
        panes.set_focus(panes.article)
