"""The People view (issue 15): who is quoted across every feed, and what they said.

Opened from the sidebar's People row, over the main screen. Three lists in one place:

- people: speakers by number of quotes this week (ctrl+t: all time); typing filters them;
- a person's page (enter): their quotes newest first with feed and date; the same quotation
  from several outlets is one row ("4 articles, 3 feeds") with the wordings that differ;
- search (/): quotes whose text or speaker has the words typed (the index's FTS).

enter on a quote closes the view and opens the article at the quote; escape goes back one
step. Every list is read from the quote index (reader/core/quotes/index.py), never scanned.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.quotes import index as quoteindex
from reader.core.quotes.index import IndexedQuote, Person, QuoteGroup
from reader.core.text.words import count
from reader.tui.keymap import PEOPLE_KEYS
from reader.tui.safe import text

if TYPE_CHECKING:
    from reader.core.store import Store

WEEK = 7 * 86400

# Each People key: (the action it runs, its footer label; "" keeps it out of the footer). The
# keys and ids are in keymap.py, so [keys] overrides them and the help screen lists them.
_ACTIONS = {
    "people_back": ("back", "Back"),
    "people_open": ("open", "Open"),
    "people_down": ("move(1)", ""),
    "people_up": ("move(-1)", ""),
    "people_span": ("toggle_span", "Week/all time"),
    "people_search": ("search", "Search quotes"),
}


def _bindings() -> list[Binding]:
    # Priority: the filter box has focus and would otherwise take enter, escape and the arrows.
    return [
        Binding(
            PEOPLE_KEYS[binding_id][0],
            action,
            label or PEOPLE_KEYS[binding_id][1],
            show=bool(label),
            id=binding_id,
            priority=True,
        )
        for binding_id, (action, label) in _ACTIONS.items()
    ]


class PeopleScreen(Screen):
    """People, a person's quotes, or quote search: `mode` says which the list shows."""

    BINDINGS = _bindings()

    DEFAULT_CSS = """
    PeopleScreen { layout: vertical; }
    PeopleScreen #people-title { height: 1; padding: 0 1; text-style: bold; }
    PeopleScreen #people-filter { height: 3; }
    PeopleScreen #people-list { height: 1fr; }
    """

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.mode = "people"  # "people", "person" or "search"
        self.week = True
        self.everyone: list[Person] = []
        self.shown_people: list[Person] = []
        self.person: Person | None = None
        self.groups: list[QuoteGroup] = []
        self.found: list[IndexedQuote] = []
        self._filtered_by = ""  # the filter text the people list was last built from

    def compose(self) -> ComposeResult:
        yield Static(id="people-title")
        yield Input(placeholder="Type to filter people · / searches quotes", id="people-filter")
        yield OptionList(id="people-list")
        yield Footer(compact=True)

    @property
    def list(self) -> OptionList:
        return self.query_one("#people-list", OptionList)

    @property
    def filter_box(self) -> Input:
        return self.query_one("#people-filter", Input)

    def on_mount(self) -> None:
        self.load_people()
        self.filter_box.focus()

    # ---------------------------------------------------------- people

    def load_people(self) -> None:
        since = time.time() - WEEK if self.week else None
        self.everyone = quoteindex.people(self.store, since)
        self.mode = "people"
        self.filter_box.placeholder = "Type to filter people · / searches quotes"
        self.show_people()

    def show_people(self) -> None:
        self._filtered_by = self.filter_box.value
        words = self._filtered_by.casefold().split()
        people = [
            p for p in self.everyone if all(w in f"{p.name.casefold()} {p.key}" for w in words)
        ]
        self.shown_people = people
        span = "this week" if self.week else "all time"
        self._title(f"People quoted {span} · {count(len(people), 'person', 'people')}")
        options = []
        for p in people:
            row = text((f"{p.quotes:>5}  ", "bold"), p.name)
            row.append_text(text(f"  {count(p.entries, 'article')}", style="dim"))
            options.append(Option(row, id=p.key))
        if not options:
            empty = "Nobody matches." if words else f"Nobody quoted {span}"
            pending = quoteindex.pending_count(self.store)
            if pending:
                empty += f" ({count(pending, 'entry', 'entries')} still being read for quotes)"
            elif self.week and not words:
                empty += " (ctrl+t: all time)"
            options.append(Option(text(empty), disabled=True))
        self._fill(options)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.mode == "people":
            self.show_people()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    # ---------------------------------------------------------- one person

    def show_person(self, person: Person) -> None:
        self.person = person
        self.mode = "person"
        quotes = quoteindex.quotes_by(self.store, person.keys or (person.key,))
        self.groups = quoteindex.group_quotes(quotes)
        # The count the list showed, then the rows: one quotation from several outlets is one.
        rows = "" if len(self.groups) == len(quotes) else f" in {count(len(self.groups), 'row')}"
        self._title(f"{person.name} · {count(len(quotes), 'quote')}{rows}, newest first")
        self._fill([self._group_option(i, g) for i, g in enumerate(self.groups)])
        self.list.focus()

    def _group_option(self, index: int, group: QuoteGroup) -> Option:
        q = group.first
        row = text(("“", "bold"), _short(q.text, 200), ("”", "bold"))
        day = time.strftime("%Y-%m-%d", time.localtime(q.sort_ts))
        where = f"\n  {day} · {q.feed_title} · {_short(q.entry_title, 60)}"
        if group.articles > 1:
            where += f"  [{group.articles} articles, {count(group.feeds, 'feed')}]"
        row.append_text(text(where, style="dim"))
        for wording in group.wordings[1:3]:
            diff = quoteindex.wording_diff(group.wordings[0], wording)
            row.append_text(text(f"\n  worded differently: {_short(diff, 100)}", style="italic"))
        return Option(row, id=f"g{index}")

    # ---------------------------------------------------------- search

    def action_search(self) -> None:
        self.mode = "search"
        self.filter_box.value = ""
        self.filter_box.placeholder = "Search quote text and speakers (enter) · escape: people"
        self._title("Search quotes")
        self._fill([Option(text("Type words, then enter."), disabled=True)])
        self.filter_box.focus()

    def run_search(self, words: str) -> None:
        self.found = quoteindex.search(self.store, words)
        self._title(f"Quotes matching “{words}” · {count(len(self.found), 'quote')}")
        options = []
        for i, q in enumerate(self.found):
            row = text(("“", "bold"), _short(q.text, 200), ("”", "bold"))
            who = q.speaker_name or "unattributed"
            if q.speaker_name and q.confidence != "high":
                who += " (uncertain)"  # inherited or far: not counted as theirs
            day = time.strftime("%Y-%m-%d", time.localtime(q.sort_ts))
            row.append_text(text(f"\n  — {who} · {day} · {q.feed_title}", style="dim"))
            options.append(Option(row, id=f"q{i}"))
        self._fill(options or [Option(text("No quote has these words."), disabled=True)])
        self.list.focus()

    # ---------------------------------------------------------- keys

    def action_move(self, delta: int) -> None:
        self.list.action_cursor_down() if delta > 0 else self.list.action_cursor_up()

    def action_toggle_span(self) -> None:
        self.week = not self.week
        self.load_people()
        self.filter_box.focus()

    def action_open(self) -> None:
        if self.focused is self.filter_box:
            # enter's binding runs before the box has taken keys typed just ahead of it (a
            # paste, fast typing: they wait in its queue), so read the box after them.
            self.filter_box.call_later(self._open_typed)
            return
        self._open_highlighted()

    def _open_typed(self) -> None:
        if self.mode == "search":
            if self.filter_box.value.strip():
                self.run_search(self.filter_box.value)
            return
        if self.mode == "people" and self.filter_box.value != self._filtered_by:
            self.show_people()  # filtered by all that was typed (else keep the highlight)
        self._open_highlighted()

    def _open_highlighted(self) -> None:
        index = self.list.highlighted
        if index is None:
            return
        option = self.list.get_option_at_index(index)
        if option.disabled or option.id is None:
            return
        if self.mode == "people":
            person = next((p for p in self.shown_people if p.key == option.id), None)
            if person is not None:
                self.show_person(person)
        elif self.mode == "person":
            self._open_quote(self.groups[int(option.id[1:])].first)
        else:
            self._open_quote(self.found[int(option.id[1:])])

    def _open_quote(self, quote: IndexedQuote) -> None:
        """Close the view and open the article at the quote (the main screen finds it again
        in the text it shows, as for a saved quote)."""
        self.dismiss(quote)

    def action_back(self) -> None:
        if self.mode == "people":
            if self.filter_box.value:
                self.filter_box.value = ""
                return
            self.dismiss(None)
            return
        self.filter_box.value = ""
        self.load_people()
        self.filter_box.focus()

    # ---------------------------------------------------------- helpers

    def _title(self, value: str) -> None:
        self.query_one("#people-title", Static).update(text(value))

    def _fill(self, options: list[Option]) -> None:
        self.list.clear_options()
        self.list.add_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.list.highlighted = first


def _short(value: str, limit: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"
