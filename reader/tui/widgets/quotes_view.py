"""The saved-quotes view: every quote the reader kept, newest first or grouped by speaker.

It takes the entry list's place in the main screen (the `Quotes` row of the sidebar).
enter posts `QuotesView.Picked` (the screen opens the article at the quote); the screen
deletes with `d` and undoes with `u`.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.store import SavedQuote, Store
from reader.tui.safe import text
from reader.tui.styling import ReadableStyles


class QuotesView(ReadableStyles, OptionList):
    class Picked(Message):
        def __init__(self, quote_id: int) -> None:
            super().__init__()
            self.quote_id = quote_id

    def __init__(self, store: Store, **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.search = ""
        self.grouped = False
        self.quotes: list[SavedQuote] = []

    @property
    def count(self) -> int:
        return len(self.quotes)

    @property
    def label(self) -> str:
        return "Saved quotes" + (f" matching “{self.search}”" if self.search else "")

    @property
    def current(self) -> SavedQuote | None:
        """The highlighted quote (None on a speaker heading or the empty message)."""
        index = self.highlighted
        if index is None:
            return None
        option_id = self.get_option_at_index(index).id
        return next((q for q in self.quotes if str(q.id) == option_id), None)

    def load(self, keep: int | None = None) -> None:
        """Read the quotes again; keep the highlight near row `keep` (after a delete)."""
        if keep is None:
            keep = self.highlighted if self.highlighted is not None else 0
        quotes = self.store.saved_quotes(search=self.search or None)
        if self.grouped:
            quotes.sort(key=lambda q: ((q.speaker or "~").lower(), -q.saved_at))
        self.quotes = quotes
        options: list[Option] = []
        speaker: str | None = "\0"
        for q in quotes:
            if self.grouped and (q.speaker or "") != speaker:
                speaker = q.speaker or ""
                options.append(Option(text(speaker or "Unattributed", style="bold"), disabled=True))
            line = text(("“", "bold"), _short(q.text, 160), ("”", "bold"))
            line.append_text(
                text(f"\n  — {q.speaker or 'unattributed'}, {q.entry_title}", style="italic")
            )
            options.append(Option(line, id=str(q.id)))
        self.clear_options()
        if options:
            self.add_options(options)
            if keep is not None:
                index = min(keep, len(options) - 1)
                while index > 0 and options[index].disabled:
                    index -= 1
                self.highlighted = index if not options[index].disabled else index + 1
        else:
            self.add_option(Option(text(self._empty_message()), disabled=True))

    def _empty_message(self) -> str:
        if self.search and self.store.totals()["quotes"]:
            return f"No saved quote matches “{self.search}” (escape: show them all)."
        return "No saved quotes yet: ] in an article, enter, s."

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Picked(int(event.option.id)))


def _short(value: str, limit: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
