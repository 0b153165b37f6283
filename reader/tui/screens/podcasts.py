"""The Podcasts view (issue 23): every entry with enclosures, newest first, with its state.

Opened from the sidebar's Podcasts row, over the main screen; enter closes it and opens the entry
in the article pane (where P plays and D downloads), escape goes back. The rows come from the
store (`media_entries`, `playback`, `downloads`): nothing is fetched.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.text.sanitize import clean_line
from reader.core.text.words import count
from reader.tui.format import date
from reader.tui.keymap import PODCAST_KEYS
from reader.tui.media_actions import MediaActions, clock, human_size
from reader.tui.safe import text

if TYPE_CHECKING:
    from reader.core.store import Store

_ACTIONS = {"podcasts_back": ("back", "Back"), "podcasts_open": ("open", "Open")}


def _bindings() -> list[Binding]:
    return [
        Binding(PODCAST_KEYS[binding_id][0], action, label, id=binding_id)
        for binding_id, (action, label) in _ACTIONS.items()
    ]


def episode_row(store: Store, row: tuple) -> str:
    """Title · feed · date · duration/size · state, in one line."""
    entry_id, title, feed_title, published, enclosures_json = row
    try:
        enclosures = json.loads(enclosures_json or "[]")
    except ValueError:
        enclosures = []
    first = enclosures[0] if enclosures else {}
    url = str(first.get("url") or "")
    length = clock(first.get("duration")) or human_size(first.get("length"))
    state = MediaActions.state(entry_id, url, store) or "new"
    parts = [clean_line(title) or "(untitled)", clean_line(feed_title), date(published), length]
    return " · ".join(p for p in [*parts, state] if p)


class PodcastsScreen(Screen):
    """Episodes newest first; dismisses with the picked entry's id (or None)."""

    BINDINGS = _bindings()

    DEFAULT_CSS = """
    PodcastsScreen { layout: vertical; }
    PodcastsScreen #podcasts-title { height: 1; padding: 0 1; text-style: bold; }
    PodcastsScreen #podcasts-list { height: 1fr; }
    """

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.ids: list[int] = []

    def compose(self) -> ComposeResult:
        rows = self.store.media_entries()
        self.ids = [row[0] for row in rows]
        title = f"Podcasts and video · {count(len(rows), 'episode')}"
        yield Static(text(title), id="podcasts-title")
        options = [Option(text(episode_row(self.store, row)), id=str(row[0])) for row in rows]
        if not options:
            options = [Option(text("No entries with enclosures yet."), disabled=True)]
        yield OptionList(*options, id="podcasts-list")
        yield Footer()

    def rows_text(self) -> list[str]:
        """The rows as plain text (for tests)."""
        return [str(o.prompt) for o in self.query_one(OptionList).options]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.dismiss(int(event.option.id))

    def action_open(self) -> None:
        self.query_one(OptionList).action_select()

    def action_back(self) -> None:
        self.dismiss(None)
