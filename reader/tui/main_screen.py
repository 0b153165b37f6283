"""The main screen: it arranges the panes and runs every reading key.

The panes are widgets of their own, one module each:
  sidebar      reader/tui/widgets/sidebar.py      views, tags, feeds (sections)
  entry list   reader/tui/widgets/entry_list.py   the paged list of entries
  quotes view  reader/tui/widgets/quotes_view.py  the saved quotes (replaces the list)
  article      reader/tui/widgets/article.py      the article, its quotes and speakers
  status line  reader/tui/widgets/status.py
Key ids and defaults live in `keymap.py`. The app talks to this screen with the messages of
`messages.py`; actions that cannot run now say why (`unavailable`, used by `check_action`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input

from reader.core.store import Entry, FullText, SavedQuote, Store, View
from reader.tui.format import date
from reader.tui.keymap import MAIN_KEYS
from reader.tui.kinds import Mode, Source, ViewKind
from reader.tui.messages import FullTextDone, QuotesChanged, RefreshDone, RefreshProgress
from reader.tui.safe import notify
from reader.tui.screens import (
    FeedStatusScreen,
    HelpScreen,
    QuoteInfo,
    QuoteScreen,
    links_screen,
    quotes_screen,
)
from reader.tui.widgets.article import ArticleContent, ArticleView
from reader.tui.widgets.entry_list import EntryList
from reader.tui.widgets.quotes_view import QuotesView
from reader.tui.widgets.sidebar import Sidebar
from reader.tui.widgets.status import DONE_SECONDS, StatusLine

if TYPE_CHECKING:
    from reader.core.quotes import Quote
    from reader.core.render import Rendered
    from reader.tui.app import BylineApp

NARROW = 100  # below this many columns the sidebar hides and panes stack tighter
# The footer's keys and their short names: at 80 columns help and quit must still fit.
FOOTER = {
    "open": "Open",
    "next_unread": "Next unread",
    "toggle_saved": "Save",
    "search": "Search",
    "refresh_all": "Refresh",
    "help": "Help",
    "quit": "Quit",
}
NO_ARTICLE = "No article open: enter opens the highlighted entry."


def action_name(binding_id: str) -> str:
    """The action a binding id runs (the ids of `keymap.py` name actions, but for links)."""
    if binding_id.startswith("open_link_"):
        return f"open_link({binding_id.rsplit('_', 1)[1]})"
    return binding_id


def _bindings() -> list[Binding]:
    return [
        Binding(
            keys,
            action_name(binding_id),
            FOOTER.get(binding_id) or description.split(" (")[0] or binding_id,
            show=binding_id in FOOTER,
            id=binding_id,
            priority=binding_id in ("quit", "toggle_sidebar", "help"),
        )
        for binding_id, (keys, description) in MAIN_KEYS.items()
    ]


@dataclass(frozen=True)
class MarkedRead:
    """Undo for mark-all-read: these entries become unread again."""

    ids: list[int]


@dataclass(frozen=True)
class DeletedQuote:
    """Undo for a quote deletion: the quote is saved again."""

    quote: SavedQuote


class MainScreen(Screen):
    BINDINGS = _bindings()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.view = View(ViewKind.ALL)
        self.mode = Mode.ENTRIES
        self.undo_stack: list[MarkedRead | DeletedQuote] = []
        self.article_id: int | None = None
        self.article_source = Source.FEED
        self.fetching: set[int] = set()
        self.sidebar_choice = False  # the user toggled the sidebar: stop auto-hiding it
        self.view_before_search: View | None = None

    @property
    def app(self) -> BylineApp:  # type: ignore[override]
        """The running app, typed: the screen calls its methods without duck typing."""
        return cast("BylineApp", super().app)

    # ---------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield Sidebar(self.store, id="sidebar")
            with Vertical(id="main"):
                yield EntryList(self.store, id="entries")
                yield QuotesView(self.store, id="saved-quotes")
                yield ArticleView(id="article")
        yield Input(placeholder="Search…  (enter: search, escape: cancel)", id="search")
        yield StatusLine(id="status")
        yield Footer(compact=True)

    @property
    def entries(self) -> EntryList:
        return self.query_one(EntryList)

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def quotes_view(self) -> QuotesView:
        return self.query_one(QuotesView)

    quotes_list = quotes_view  # the name the tests and older code use

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def search_box(self) -> Input:
        return self.query_one("#search", Input)

    # Focus changes go through Screen.set_focus, which applies at once: keys typed quickly
    # (] then enter) must see the pane the previous key moved to.

    def on_mount(self) -> None:
        self.quotes_view.display = False
        self.search_box.display = False
        self.article.empty_message = self._empty_message()
        self.sidebar.reload()
        self.sidebar.highlighted = 0
        self.entries.load(self.view)
        self.entries.focus()
        self._layout(self.app.size.width)
        self.update_status()

    def _empty_message(self) -> str:
        if self.store.totals()["all"]:
            return "Press enter to read the highlighted entry · ? for keys"
        return (
            "No entries yet. R refreshes all feeds; e shows feed problems.\n"
            f"Your feeds are listed in {self.app.config.path} — add one with: byline add URL"
        )

    def on_resize(self) -> None:
        self._layout(self.app.size.width)

    def _layout(self, width: int) -> None:
        narrow = width < NARROW
        self.set_class(narrow, "narrow")
        if not self.sidebar_choice:
            self.sidebar.display = not narrow

    # ---------------------------------------------------------- what can run now

    def unavailable(self, action: str) -> str | None:
        """Why `action` cannot run now, or None when it can (one place for every guard)."""
        content = self.article.content
        if action in ("quotes_panel", "links", "next_quote", "prev_quote", "open_link"):
            if content is None:
                return NO_ARTICLE
            if action in ("quotes_panel", "next_quote", "prev_quote") and not content.quotes:
                return "No quotes found in this article."
            if action == "links" and not content.rendered.links:
                return "This article has no links."
        quotes_mode = self.mode == Mode.QUOTES
        if (
            action in ("mark_view_read", "next_unread", "prev_unread", "refresh_feed")
            and quotes_mode
        ):
            return "Not in the Quotes view: pick a view of entries in the sidebar."
        if action == "group_quotes" and self.mode != Mode.QUOTES:
            return "S groups the Quotes view by speaker (sidebar: Quotes)."
        if action == "delete_quote":
            if self._article_quote_saved() is not None:
                return None
            if self.focused is self.article and self.article.current_quote is not None:
                return "This quote is not saved."
            if self.mode != Mode.QUOTES:
                return "d deletes a saved quote: in the Quotes view, or on a saved quote."
            if self.quotes_view.current is None:
                return "No saved quote highlighted."
        if action == "undo" and not self.undo_stack:
            return "Nothing to undo."
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None: the footer greys the key out; pressing it says why (`on_key` below).
        if not self.is_mounted:
            return True
        return None if self.unavailable(action) else True

    def on_key(self, event: events.Key) -> None:
        """A key whose action cannot run now says why, instead of doing nothing."""
        if isinstance(self.focused, Input):
            return
        keymap = self.app.config.keys
        for binding_id, (default, _description) in MAIN_KEYS.items():
            keys = keymap.get(binding_id, default)
            if event.key not in [k.strip() for k in keys.split(",")]:
                continue
            action = action_name(binding_id).split("(")[0]
            reason = self.unavailable(action)
            if reason:
                event.stop()
                event.prevent_default()
                self.say(reason)
            return

    def attempt(self, action: str) -> None:
        """Run an action by name (the command palette), saying why when it cannot run."""
        reason = self.unavailable(action.split("(")[0])
        if reason:
            self.say(reason)
        else:
            self.run_action(action)

    def say(self, message: str) -> None:
        """A short note in the status line (it expires)."""
        self.status.flash(message)

    # ---------------------------------------------------------- sidebar

    def refresh_sidebar(self) -> None:
        self.sidebar.reload()

    @on(Sidebar.Picked)
    def on_sidebar_picked(self, event: Sidebar.Picked) -> None:
        kind = event.item.kind
        if kind == ViewKind.STATUS:
            self.action_feed_status()
        elif kind == ViewKind.QUOTES:
            self.show_quotes_view()
        elif kind.lists_entries:
            self.show_view(event.item.view)
            self.set_focus(self.entries)

    def show_view(self, view: View) -> None:
        self.mode = Mode.ENTRIES
        self.view = view
        self.quotes_view.display = False
        self.entries.display = True
        self.entries.load(view)
        self.update_status()

    def view_label(self) -> str:
        view = self.view
        if self.mode == Mode.QUOTES:
            return self.quotes_view.label
        if view.kind == ViewKind.FEED:
            feed = self.store.feed(int(view.value))
            return feed.title if feed else "Feed"
        if view.kind == ViewKind.TAG:
            return f"# {view.value}"
        if view.kind == ViewKind.SEARCH:
            return f"Search “{view.value}” (escape: clear)"
        return str(view.kind).capitalize()

    def update_status(self, message: str = "") -> None:
        if self.mode == Mode.QUOTES:
            count = self.quotes_view.count
            place = f"{self.view_label()} · {_count(count, 'quote')}"
        else:
            place = f"{self.view_label()} · {_count(self.entries.count, 'entry', 'entries')}"
        self.status.set_place(place)
        if message:
            self.say(message)

    # ---------------------------------------------------------- list events

    @on(EntryList.Selected)
    def _entry_selected(self, event: EntryList.Selected) -> None:
        self.open_entry(event.row.id)

    def focused_on_article(self) -> bool:
        return self.focused is self.article

    def current_entry_id(self) -> int | None:
        if self.focused_on_article() and self.article_id is not None:
            return self.article_id
        if self.mode == Mode.ENTRIES:
            row = self.entries.current
            if row is not None:
                return row.id
        return self.article_id

    # ---------------------------------------------------------- the article

    def open_entry(self, entry_id: int, source: Source | None = None) -> Entry | None:
        store = self.store
        entry = store.entry(entry_id)
        if entry is None:
            notify(self, "That entry is no longer in the cache.", severity="warning")
            return None
        if self.app.config.settings.mark_read_on_open and not entry.read:
            store.set_read([entry_id], True)
            entry = dataclasses.replace(entry, read=True)
            self.entries.update_row(entry_id, read=True)
            self.refresh_sidebar()
        fulltext = store.fulltext(entry_id)
        has_full = fulltext is not None and fulltext.status == "ok"
        source = Source.FULL if has_full and source != Source.FEED else Source.FEED
        rendered = render_entry(entry, fulltext if source == Source.FULL else None)
        self.article_id = entry_id
        self.article_source = source
        content = ArticleContent(entry, rendered, _quotes(rendered), source)
        content.notes = self._notes(entry_id, source)
        content.fetching = entry_id in self.fetching
        self.article.show(content)
        return entry

    def _notes(self, entry_id: int, source: Source) -> list[str]:
        if entry_id in self.fetching:
            return []  # the article view turns a spinner instead
        fulltext = self.store.fulltext(entry_id)
        if fulltext is None:
            return []
        if fulltext.status != "ok":
            return [f"Full text failed: {fulltext.error or 'unknown reason'} (F: retry)"]
        if source == Source.FULL:
            return [f"Fetched {date(fulltext.fetched_at)} from {fulltext.url} · F: feed content"]
        return [f"Full article kept {date(fulltext.fetched_at)} · F: show it"]

    # ---------------------------------------------------------- actions: moving

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def _move(self, delta: int) -> None:
        focused = self.focused
        if focused is self.article:
            self.article.scroll_to(y=self.article.scroll_offset.y + delta, animate=False)
        elif focused is self.sidebar or focused is self.quotes_view:
            focused.action_cursor_down() if delta > 0 else focused.action_cursor_up()
        elif self.mode == Mode.ENTRIES:
            self.entries.move(delta)

    def action_first(self) -> None:
        self._jump(first=True)

    def action_last(self) -> None:
        self._jump(first=False)

    def _jump(self, first: bool) -> None:
        focused = self.focused
        if focused is self.article:
            self.article.scroll_to(
                y=0 if first else self.article.max_scroll_y, animate=False, immediate=True
            )
        elif focused is self.sidebar or focused is self.quotes_view:
            focused.action_first() if first else focused.action_last()
        elif self.mode == Mode.ENTRIES and self.entries.count:
            self.entries.move(-self.entries.cursor if first else self.entries.count)

    def action_page_down(self) -> None:
        if self.focused is self.entries and self.article.content is None:
            self.entries.move(max(1, self.entries.size.height - 1))
        else:
            self.article.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        if self.focused is self.entries and self.article.content is None:
            self.entries.move(-max(1, self.entries.size.height - 1))
        else:
            self.article.scroll_page_up(animate=False)

    def action_open(self) -> None:
        focused = self.focused
        if focused is self.article:
            if self.article.current_quote is not None:
                self.open_quote_screen(self.article.current_quote)
            return
        if focused is self.sidebar:
            self.sidebar.action_select()
            return
        if focused is self.quotes_view or self.mode == Mode.QUOTES:
            self.quotes_view.action_select()
            return
        row = self.entries.current
        if row is not None:
            self.open_entry(row.id)

    def action_next_unread(self) -> None:
        self._next_unread(True)

    def action_prev_unread(self) -> None:
        self._next_unread(False)

    def _next_unread(self, forward: bool) -> None:
        current = self.current_entry_id()
        target = self.store.next_unread(self.view, current, forward)
        if target is None and current is None:
            target = self.store.next_unread(self.view, None)
        if target is None:
            self.say("No more unread entries here." if forward else "No newer unread entries.")
            return
        if self.view.kind == ViewKind.UNREAD:
            self.entries.load(self.view, current)  # rows read since loading drop out
        self.entries.go_to_id(target)
        self.open_entry(target)

    def action_switch_pane(self) -> None:
        order = [w for w in (self.sidebar, self._list_widget(), self.article) if w.display]
        try:
            index = order.index(self.focused)
        except ValueError:
            index = -1
        self.set_focus(order[(index + 1) % len(order)])

    def _list_widget(self) -> EntryList | QuotesView:
        return self.quotes_view if self.mode == Mode.QUOTES else self.entries

    def action_back(self) -> None:
        if self.search_box.display:
            self._close_search()
            return
        if self.article.current_quote is not None and self.focused is self.article:
            self.article.select_quote(None)
            return
        if self.focused is not self._list_widget():
            self.set_focus(self._list_widget())
            return
        # In the list: escape clears a search.
        if self.mode == Mode.QUOTES and self.quotes_view.search:
            self.quotes_view.search = ""
            self.show_quotes_view()
        elif self.mode == Mode.ENTRIES and self.view.kind == ViewKind.SEARCH:
            self.show_view(self.view_before_search or View(ViewKind.ALL))
            self.sidebar.select_key(_view_key(self.view))

    def action_toggle_sidebar(self) -> None:
        self.sidebar_choice = True
        sidebar = self.sidebar
        sidebar.display = not sidebar.display
        if sidebar.display:
            self.set_focus(sidebar)
        elif self.focused is None or self.focused is sidebar:
            self.set_focus(self._list_widget())

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(dict(self.app.config.keys)))

    def action_quit(self) -> None:
        self.app.exit()

    # ---------------------------------------------------------- actions: state

    def action_toggle_read(self) -> None:
        entry_id = self.current_entry_id()
        entry = self.store.entry(entry_id) if entry_id is not None else None
        if entry is None:
            return
        self.store.set_read([entry.id], not entry.read)
        self.entries.update_row(entry.id, read=not entry.read)
        self.refresh_sidebar()
        self.say("marked read" if not entry.read else "marked unread")

    def action_toggle_saved(self) -> None:
        entry_id = self.current_entry_id()
        entry = self.store.entry(entry_id) if entry_id is not None else None
        if entry is None:
            return
        saved = not entry.saved
        if not self.store.set_saved(entry.id, saved):
            notify(self, "That entry is no longer in the cache.", severity="warning")
            return
        self.entries.update_row(entry.id, saved=saved)
        self.refresh_sidebar()
        self.say("saved" if saved else "unsaved")
        if saved and entry.link and self.store.fulltext(entry.id) is None:
            self.fetch_full_text(entry.id, show=False)

    def action_mark_view_read(self) -> None:
        ids = self.store.mark_view_read(self.view)
        if not ids:
            self.say("nothing unread here")
            return
        self.undo_stack.append(MarkedRead(ids))
        self.entries.reload()
        self.refresh_sidebar()
        notify(self, f"Marked {_count(len(ids), 'entry', 'entries')} read. u: undo", timeout=4)

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.say("nothing to undo")
            return
        last = self.undo_stack.pop()
        if isinstance(last, MarkedRead):
            self.store.set_read(last.ids, False)
            self.entries.reload()
            self.refresh_sidebar()
            self.say(f"{_count(len(last.ids), 'entry', 'entries')} unread again")
            return
        if self.app.restore_quote(last.quote):
            self.say("quote restored")

    # ---------------------------------------------------------- actions: links

    def _entry_for_links(self) -> Entry | None:
        entry_id = self.current_entry_id()
        return self.store.entry(entry_id) if entry_id is not None else None

    def action_open_browser(self) -> None:
        entry = self._entry_for_links()
        if entry is not None:
            self.app.open_in_browser(entry.link)

    def action_open_link(self, number: int) -> None:
        content = self.article.content
        if content is None:
            self.say(NO_ARTICLE)
            return
        link = content.rendered.link(number)
        if link is None:
            notify(self, f"This article has no link [{number}].", severity="warning")
            return
        self.app.open_in_browser(link.url)

    def action_links(self) -> None:
        content = self.article.content
        if content is None or not content.rendered.links:
            return
        links = content.rendered.links

        def picked(index: int | None) -> None:
            if index is not None:
                self.app.open_in_browser(links[index].url)

        self.app.push_screen(links_screen(links), picked)

    def action_copy_link(self) -> None:
        entry = self._entry_for_links()
        if entry is None or not entry.link:
            notify(self, "No link to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(entry.link)
        self.say("link copied")

    # ---------------------------------------------------------- search

    def action_search(self) -> None:
        box = self.search_box
        box.display = True
        box.value = self.quotes_view.search if self.mode == Mode.QUOTES else ""
        box.focus()

    def _close_search(self) -> None:
        self.search_box.display = False
        self.set_focus(self._list_widget())

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self._close_search()
        if self.mode == Mode.QUOTES:
            self.quotes_view.search = text
            self.show_quotes_view()
            return
        if not text:
            return
        if self.view.kind != ViewKind.SEARCH:
            self.view_before_search = self.view
        self.show_view(View(ViewKind.SEARCH, text))
        self.sidebar.highlighted = None
        if not self.entries.count:
            self.say("no entries match")

    # ---------------------------------------------------------- refresh

    def action_refresh_feed(self) -> None:
        feed_id = None
        if self.view.kind == ViewKind.FEED:
            feed_id = int(self.view.value)
        else:
            entry_id = self.current_entry_id()
            entry = self.store.entry(entry_id) if entry_id is not None else None
            feed_id = entry.feed_id if entry else None
        feed = self.store.feed(feed_id) if feed_id is not None else None
        if feed is None:
            notify(self, "No feed here to refresh; R refreshes all.")
            return
        self.app.start_refresh([feed.url], force=True)

    def action_refresh_all(self) -> None:
        self.app.start_refresh(None, force=True)

    def action_feed_status(self) -> None:
        self.app.push_screen(FeedStatusScreen(self.store.feeds()))

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        self.status.set_progress(message.text)
        if message.new_entries:
            self.after_refresh()

    def on_refresh_done(self, message: RefreshDone) -> None:
        if message.error:
            self.status.set_progress("")
            notify(self, f"Refresh failed: {message.error}", severity="error")
        else:
            self.status.set_progress(message.text, expire=DONE_SECONDS)
        self.after_refresh()

    def after_refresh(self) -> None:
        if self.article.content is None:  # the placeholder may still say "No entries yet"
            self.article.empty_message = self._empty_message()
            self.article.show(None)
        if self.mode == Mode.ENTRIES:
            self.entries.reload()
        self.refresh_sidebar()
        self.update_status()

    # ---------------------------------------------------------- full text

    def action_full_text(self) -> None:
        entry_id = self.article_id
        if entry_id is None or (self.focused is not self.article and self.mode == Mode.ENTRIES):
            row = self.entries.current if self.mode == Mode.ENTRIES else None
            if row is not None and row.id != self.article_id:
                self.open_entry(row.id)
                entry_id = row.id
        if entry_id is None:
            self.say(NO_ARTICLE)
            return
        fulltext = self.store.fulltext(entry_id)
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
            self.article.set_notes([], fetching=True)
        self.app.run_full_text(entry_id, show)

    def on_full_text_done(self, message: FullTextDone) -> None:
        entry_id, error = message.entry_id, message.error
        self.fetching.discard(entry_id)
        if self.article_id != entry_id:
            if error and message.show:
                notify(self, f"Full text failed: {error}", severity="warning")
            return
        fulltext = self.store.fulltext(entry_id)
        if message.show and fulltext is not None and fulltext.status == "ok":
            self.open_entry(entry_id, Source.FULL)
        else:
            notes = self._notes(entry_id, self.article_source)
            if error and not fulltext:
                notes = [f"Full text failed: {error} (F: retry)"]
            self.article.set_notes(notes, fetching=False)

    # ---------------------------------------------------------- quotes in the article

    def action_next_quote(self) -> None:
        self._step_quote(1)

    def action_prev_quote(self) -> None:
        self._step_quote(-1)

    def _step_quote(self, step: int) -> None:
        content = self.article.content
        if content is None or not content.quotes:
            return
        current = self.article.current_quote
        if current is None:
            # From the top of what is on screen, so ] finds the first quote below.
            top = self.article.scroll_offset.y
            ys = [self.article.y_of(q.start) for q in content.quotes]
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
        content = self.article.content
        if content is None or not 0 <= index < len(content.quotes):
            return
        self.article.select_quote(index)
        quote = content.quotes[index]
        who = f" — {quote.speaker}" if quote.speaker and quote.confidence != "low" else ""
        self.say(f"quote {index + 1}/{len(content.quotes)}{who} · enter: details")
        if self.focused is not self.article:
            self.set_focus(self.article)

    def action_quotes_panel(self) -> None:
        content = self.article.content
        if content is None or not content.quotes:
            return

        def picked(index: int | None) -> None:
            if index is not None:
                self.go_to_quote(index)

        self.app.push_screen(quotes_screen(content.quotes), picked)

    def quote_info(self, index: int) -> QuoteInfo | None:
        content = self.article.content
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
        saved = self.store.quote_is_saved(info.entry_id, info.text)
        self.app.push_screen(QuoteScreen(info, saved))

    # ---------------------------------------------------------- saved quotes view

    def show_quotes_view(self) -> None:
        self.mode = Mode.QUOTES
        view = self.quotes_view
        view.load()
        self.entries.display = False
        view.display = True
        self.set_focus(view)
        self.update_status()

    def action_group_quotes(self) -> None:
        self.quotes_view.grouped = not self.quotes_view.grouped
        self.show_quotes_view()

    def action_delete_quote(self) -> None:
        quote = self._article_quote_saved() or self.quotes_view.current
        if quote is not None:
            self.app.delete_quote(quote)

    def _article_quote_saved(self) -> SavedQuote | None:
        """The saved quote behind the article's current quote, when the article has focus."""
        content, index = self.article.content, self.article.current_quote
        if self.focused is not self.article or content is None or index is None:
            return None
        text = content.quotes[index].text
        found = self.store.saved_quotes(entry_id=content.entry.id)
        return next((q for q in found if q.text == text), None)

    def on_quotes_changed(self, message: QuotesChanged) -> None:
        if message.deleted is not None:
            self.undo_stack.append(DeletedQuote(message.deleted))
        if self.mode == Mode.QUOTES:
            self.quotes_view.load()
            self.update_status()
        self.refresh_sidebar()

    @on(QuotesView.Picked)
    def _saved_quote_picked(self, event: QuotesView.Picked) -> None:
        quote = next((q for q in self.quotes_view.quotes if q.id == event.quote_id), None)
        if quote is not None:
            self.open_saved_quote(quote)

    def open_saved_quote(self, quote: SavedQuote) -> None:
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


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _view_key(view: View) -> str:
    return str(view.kind) if view.value is None else f"{view.kind}:{view.value}"


def render_entry(entry: Entry, fulltext: FullText | None) -> Rendered:
    from reader.core.articles import render_entry as render

    return render(entry, fulltext)


def _quotes(rendered: Rendered) -> list[Quote]:
    # Imported on first use (the app warms it in a thread after the first screen): building
    # the quote finder's tables costs ~0.2 s at import.
    from reader.core.articles import quotes_of

    try:
        return quotes_of(rendered)
    except Exception:  # noqa: BLE001 - a quote-finder bug must not hide the article
        return []
