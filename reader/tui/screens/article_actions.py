"""The main screen's article actions: opening an entry, its full text, its links and the
quotes in it (the article pane itself is reader/tui/widgets/article.py).

An object the main screen owns (`MainScreen.articles`); it holds the open article's state
(`article_id`, `article_source`, the entries being fetched) and reaches the panes through
`MainPanes` (panes.py).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from reader.core.store import Entry, FullText
from reader.tui.format import date
from reader.tui.kinds import Mode, Source
from reader.tui.messages import FinderReady, FullTextDone
from reader.tui.quoteinfo import QuoteInfo
from reader.tui.widgets.article import ArticleContent

if TYPE_CHECKING:
    from reader.core.quotes import Quote
    from reader.core.text.render import Rendered
    from reader.tui.screens.panes import MainPanes

NO_ARTICLE = "No article open: enter opens the highlighted entry."


class ArticleActions:
    """Open, fetch, link and quote actions on the article pane."""

    def __init__(self, panes: MainPanes) -> None:
        self.panes = panes
        self.article_id: int | None = None
        self.article_source = Source.FEED
        self.fetching: set[int] = set()

    # ---------------------------------------------------------- the article

    def open_entry(self, entry_id: int, source: Source | None = None) -> Entry | None:
        panes = self.panes
        store = panes.store
        entry = store.entry(entry_id)
        if entry is None:
            panes.warn("That entry is no longer in the cache.")
            return None
        if panes.services.config.settings.mark_read_on_open and not entry.read:
            store.set_read([entry_id], True)
            entry = dataclasses.replace(entry, read=True)
            panes.entries.update_row(entry_id, read=True)
            panes.refresh_sidebar()
        fulltext = store.fulltext(entry_id)
        has_full = fulltext is not None and fulltext.status == "ok"
        source = Source.FULL if has_full and source != Source.FEED else Source.FEED
        rendered = render_entry(entry, fulltext if source == Source.FULL else None)
        self.article_id = entry_id
        self.article_source = source
        # While the app's warm-up is loading the quote finder, the article shows at once and
        # its quotes follow (`finder_loaded`); otherwise they are found here.
        pending = panes.services.warming and not finder_ready()
        content = ArticleContent(entry, rendered, [] if pending else _quotes(rendered), source)
        content.quotes_pending = pending
        content.notes = self._notes(entry_id, source)
        content.fetching = entry_id in self.fetching
        content.also_in = [title for title, _ in store.duplicates(entry_id)]
        panes.article.show(content)
        return entry

    def finder_loaded(self, message: FinderReady) -> None:
        """The quote finder is loaded: an article shown before it gets its quotes."""
        article = self.panes.article
        content = article.content
        if content is not None and content.quotes_pending:
            content.quotes = _quotes(content.rendered)
            content.quotes_pending = False
            article.show(content, keep_scroll=True)

    def _notes(self, entry_id: int, source: Source) -> list[str]:
        if entry_id in self.fetching:
            return []  # the article view turns a spinner instead
        fulltext = self.panes.store.fulltext(entry_id)
        if fulltext is None:
            return []
        if fulltext.status != "ok":
            return [f"Full text failed: {fulltext.error or 'unknown reason'} (F: retry)"]
        if source == Source.FULL:
            return [f"Fetched {date(fulltext.fetched_at)} from {fulltext.url} · F: feed content"]
        return [f"Full article kept {date(fulltext.fetched_at)} · F: show it"]

    # ---------------------------------------------------------- links

    def _entry_for_links(self) -> Entry | None:
        entry_id = self.panes.current_entry_id()
        return self.panes.store.entry(entry_id) if entry_id is not None else None

    def open_browser(self) -> None:
        entry = self._entry_for_links()
        if entry is not None:
            self.panes.services.open_in_browser(entry.link)

    def open_link(self, number: int) -> None:
        content = self.panes.article.content
        if content is None:
            self.panes.say(NO_ARTICLE)
            return
        link = content.rendered.link(number)
        if link is None:
            self.panes.warn(f"This article has no link [{number}].")
            return
        self.panes.services.open_in_browser(link.url)

    def links(self) -> None:
        content = self.panes.article.content
        if content is None or not content.rendered.links:
            return
        links = content.rendered.links

        def picked(index: int | None) -> None:
            if index is not None:
                self.panes.services.open_in_browser(links[index].url)

        from reader.tui.screens.dialogs import links_screen  # dialogs load when first opened

        self.panes.app.push_screen(links_screen(links), picked)

    def copy_link(self) -> None:
        entry = self._entry_for_links()
        if entry is None or not entry.link:
            self.panes.warn("No link to copy.")
            return
        self.panes.app.copy_to_clipboard(entry.link)
        self.panes.say("link copied")

    # ---------------------------------------------------------- full text

    def full_text(self) -> None:
        panes = self.panes
        entry_id = self.article_id
        if entry_id is None or (panes.focused is not panes.article and panes.mode == Mode.ENTRIES):
            row = panes.entries.current if panes.mode == Mode.ENTRIES else None
            if row is not None and row.id != self.article_id:
                self.open_entry(row.id)
                entry_id = row.id
        if entry_id is None:
            panes.say(NO_ARTICLE)
            return
        fulltext = panes.store.fulltext(entry_id)
        if fulltext is not None and fulltext.status == "ok":
            other = Source.FEED if self.article_source == Source.FULL else Source.FULL
            self.open_entry(entry_id, other)
            return
        self.fetch_full_text(entry_id, show=True)

    def fetch_full_text(self, entry_id: int, show: bool) -> None:
        if entry_id in self.fetching:
            return
        self.fetching.add(entry_id)
        if self.article_id == entry_id:
            self.panes.article.set_notes([], fetching=True)
        self.panes.services.run_full_text(entry_id, show)

    def full_text_done(self, message: FullTextDone) -> None:
        entry_id, error = message.entry_id, message.error
        self.fetching.discard(entry_id)
        if self.article_id != entry_id:
            if error and message.show:
                self.panes.warn(f"Full text failed: {error}")
            return
        fulltext = self.panes.store.fulltext(entry_id)
        if message.show and fulltext is not None and fulltext.status == "ok":
            self.open_entry(entry_id, Source.FULL)
        else:
            notes = self._notes(entry_id, self.article_source)
            if error and not fulltext:
                notes = [f"Full text failed: {error} (F: retry)"]
            self.panes.article.set_notes(notes, fetching=False)

    # ---------------------------------------------------------- quotes in the article

    def step_quote(self, step: int) -> None:
        """To the next (`step` 1) or previous (-1) quote of the open article."""
        article = self.panes.article
        content = article.content
        if content is None or not content.quotes:
            return
        current = article.current_quote
        if current is None:
            # From the top of what is on screen, so ] finds the first quote below.
            top = article.scroll_offset.y
            ys = [article.y_of(q.start) for q in content.quotes]
            after = [i for i, y in enumerate(ys) if y >= top]
            index = (
                (after[0] if after else 0) if step > 0 else (after[0] - 1 if after else len(ys) - 1)
            )
            index = max(0, index)
        else:
            index = (current + step) % len(content.quotes)
        self.go_to_quote(index)

    def go_to_quote(self, index: int) -> None:
        """Select quote `index` of the open article, say which it is and focus the article."""
        panes = self.panes
        content = panes.article.content
        if content is None or not 0 <= index < len(content.quotes):
            return
        panes.article.select_quote(index)
        quote = content.quotes[index]
        who = f" — {quote.speaker}" if quote.speaker and quote.confidence != "low" else ""
        panes.say(f"quote {index + 1}/{len(content.quotes)}{who} · enter: details")
        if panes.focused is not panes.article:
            panes.set_focus(panes.article)

    def quotes_panel(self) -> None:
        content = self.panes.article.content
        if content is None or not content.quotes:
            return

        def picked(index: int | None) -> None:
            if index is not None:
                self.go_to_quote(index)

        from reader.tui.screens.dialogs import quotes_screen

        self.panes.app.push_screen(quotes_screen(content.quotes), picked)

    def quote_info(self, index: int) -> QuoteInfo | None:
        content = self.panes.article.content
        if content is None:
            return None
        from reader.core.quotes.locate import marks_around
        from reader.core.quotes.sentence import sentence_around

        quote = content.quotes[index]
        entry = content.entry
        text = content.rendered.text
        return QuoteInfo(
            entry.id, quote.text, quote.kind, quote.start, quote.end, quote.speaker, quote.cue,
            sentence_around(text, quote.start, quote.end),
            entry.title, entry.link, entry.feed_title,
            marks=marks_around(text, quote.start, quote.end),
            uncertain=quote.confidence == "low",
        )  # fmt: skip

    def open_quote_screen(self, index: int) -> None:
        info = self.quote_info(index)
        if info is None:
            return
        saved = self.panes.store.quote_is_saved(info.entry_id, info.text)
        from reader.tui.screens.dialogs import QuoteScreen

        self.panes.app.push_screen(QuoteScreen(info, saved, self.panes.services))


def finder_ready() -> bool:
    from reader.core.quotes.articles import finder_ready as ready

    return ready()


def render_entry(entry: Entry, fulltext: FullText | None) -> Rendered:
    from reader.core.quotes.articles import render_entry as render

    return render(entry, fulltext)


def _quotes(rendered: Rendered) -> list[Quote]:
    # Imported on first use (the app warms it in a thread after the first screen): building
    # the quote finder's tables costs ~0.2 s at import.
    from reader.core.quotes.articles import quotes_of

    try:
        return quotes_of(rendered)
    except Exception:  # noqa: BLE001 - a quote-finder bug must not hide the article
        return []
