"""The main screen: it arranges the panes and runs every reading key.

The panes are widgets of their own, one module each:
  sidebar      reader/tui/widgets/sidebar.py      views, tags, feeds (sections)
  entry list   reader/tui/widgets/entry_list.py   the paged list of entries
  quotes view  reader/tui/widgets/quotes_view.py  the saved quotes (replaces the list)
  article      reader/tui/widgets/article.py      the article, its quotes and speakers
  status line  reader/tui/widgets/status.py
Its actions on the article (open, full text, links, quotes in it) are an `ArticleActions`
(`article_actions.py`), those on saved quotes (Quotes view, delete, reopen) a
`SavedQuoteActions` (`quote_actions.py`): objects this screen owns, which reach it through
`MainPanes` (`panes.py`); the screen's `action_…` methods hand each key to them. Key ids and
defaults live in `keymap.py`. The screen asks the app for work through `AppServices`
(`services.py`); the app talks to this screen with the messages of `messages.py`. Actions
that cannot run now say why (`unavailable`, used by `check_action`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from reader.core.store import View
from reader.core.text.words import count
from reader.tui.keymap import MAIN_KEYS, keys_of, parse_keys
from reader.tui.kinds import Mode, Source, ViewKind
from reader.tui.messages import (
    FinderReady,
    FullTextDone,
    QuotesChanged,
    RefreshDone,
    RefreshProgress,
)
from reader.tui.safe import notify
from reader.tui.screens.article_actions import NO_ARTICLE, ArticleActions
from reader.tui.screens.quote_actions import DeletedQuote, SavedQuoteActions
from reader.tui.services import AppServices
from reader.tui.widgets import sidebar as sidebar_sections
from reader.tui.widgets.article import ArticleView
from reader.tui.widgets.entry_list import EntryList
from reader.tui.widgets.footer import KeyFooter
from reader.tui.widgets.quotes_view import QuotesView
from reader.tui.widgets.sidebar import Sidebar, saved_views_section
from reader.tui.widgets.status import DONE_SECONDS, StatusLine

W = TypeVar("W", bound=Widget)

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


def hidden(widget: W) -> W:
    """`widget`, hidden before it is first styled (not after: that costs a second layout)."""
    widget.display = False
    return widget


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


class MainScreen(Screen):
    BINDINGS = _bindings()

    def __init__(self, services: AppServices) -> None:
        super().__init__()
        self.services = services
        self.store = services.store
        self.view = View(ViewKind.ALL)
        self.mode = Mode.ENTRIES
        self.undo_stack: list[MarkedRead | DeletedQuote] = []
        self.sidebar_choice = False  # the user toggled the sidebar: stop auto-hiding it
        self.view_before_search: View | None = None
        self.resumed = False
        self.articles = ArticleActions(self)
        self.quotes = SavedQuoteActions(self, self.articles)

    @property
    def article_id(self) -> int | None:
        """The entry open in the article pane."""
        return self.articles.article_id

    @property
    def article_source(self) -> Source:
        return self.articles.article_source

    # ---------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            sections = list(sidebar_sections.SECTIONS)  # read now: tests may extend it
            sections.insert(2, saved_views_section(self.services.config.views))
            yield Sidebar(self.store, sections, id="sidebar")
            with Vertical(id="main"):
                yield EntryList(self.store, id="entries")
                yield hidden(QuotesView(self.store, id="saved-quotes"))
                yield ArticleView(id="article")
        yield hidden(Input(placeholder="Search…  (enter: search, escape: cancel)", id="search"))
        yield StatusLine(id="status")
        yield KeyFooter(compact=True)

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

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Skip Textual's restyle of the whole screen on its first resume: every node was
        styled as it mounted a moment before, and that second pass cost ~10 ms before the
        first screen (issue 16). Later resumes (back from a dialog) restyle as usual; this
        handler runs before Screen's own, which reads the flag."""
        if not self.resumed:
            self.resumed = True
            event.refresh_styles = False

    def on_mount(self) -> None:
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
            f"Your feeds are listed in {self.services.config.path} — add one with: byline add URL"
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
                if content.quotes_pending:
                    return "Finding the quotes in this article…"
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
            if self.quotes.article_quote_saved() is not None:
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
        keymap = self.services.config.keys
        for binding_id in MAIN_KEYS:
            if event.key not in parse_keys(keys_of(binding_id, keymap)):
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

    def warn(self, message: str) -> None:
        notify(self, message, severity="warning")

    # ---------------------------------------------------------- sidebar

    def refresh_sidebar(self) -> None:
        self.sidebar.reload()

    @on(Sidebar.Picked)
    def on_sidebar_picked(self, event: Sidebar.Picked) -> None:
        kind = event.item.kind
        if kind == ViewKind.STATUS:
            self.action_feed_status()
        elif kind == ViewKind.QUOTES:
            self.quotes.show()
        elif kind == ViewKind.PEOPLE:
            self.show_people()
        elif kind.lists_entries:
            self.show_view(event.item.view)
            self.set_focus(self.entries)

    def show_people(self) -> None:
        """The People view (reader/tui/screens/people.py); a quote picked there opens here."""
        from reader.tui.screens.people import PeopleScreen

        def picked(quote) -> None:
            if quote is not None:  # found again by entry and text, like a saved quote
                self.quotes.open_saved(quote)
                index = self.article.current_quote
                if index is not None:  # scrolled again once the new article is laid out
                    self.set_timer(
                        0.05,
                        lambda: self.article.scroll_to_offset(
                            self.article.content.quotes[index].start
                        ),
                    )

        self.app.push_screen(PeopleScreen(self.store), picked)

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
        if view.kind == ViewKind.MATCH:
            return str(view.value)  # the [[views]] name
        return str(view.kind).capitalize()

    def update_status(self, message: str = "") -> None:
        if self.mode == Mode.QUOTES:
            place = f"{self.view_label()} · {count(self.quotes_view.count, 'quote')}"
        elif not self.entries.count_known:  # a [[views]] view being counted in a thread
            place = f"{self.view_label()} · … entries"
        else:
            place = f"{self.view_label()} · {count(self.entries.count, 'entry', 'entries')}"
        self.status.set_place(place)
        if message:
            self.say(message)

    # ---------------------------------------------------------- list events

    @on(EntryList.Counted)
    def _entries_counted(self) -> None:
        self.update_status()

    @on(EntryList.Selected)
    def _entry_selected(self, event: EntryList.Selected) -> None:
        self.articles.open_entry(event.row.id)

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
                self.articles.open_quote_screen(self.article.current_quote)
            return
        if focused is self.sidebar:
            self.sidebar.action_select()
            return
        if focused is self.quotes_view or self.mode == Mode.QUOTES:
            self.quotes_view.action_select()
            return
        row = self.entries.current
        if row is not None:
            self.articles.open_entry(row.id)

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
        self.articles.open_entry(target)

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
            self.quotes.show()
        elif self.mode == Mode.ENTRIES and self.view.kind == ViewKind.SEARCH:
            self.show_view(self.view_before_search or View(ViewKind.ALL))
            self.sidebar.select_key(self.view.key)

    def action_toggle_sidebar(self) -> None:
        self.sidebar_choice = True
        sidebar = self.sidebar
        sidebar.display = not sidebar.display
        if sidebar.display:
            self.set_focus(sidebar)
        elif self.focused is None or self.focused is sidebar:
            self.set_focus(self._list_widget())

    def action_help(self) -> None:
        from reader.tui.screens.dialogs import HelpScreen  # dialogs load when first opened

        self.app.push_screen(HelpScreen(dict(self.services.config.keys)))

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
            self.articles.fetch_full_text(entry.id, show=False)

    def action_mark_view_read(self) -> None:
        ids = self.store.mark_view_read(self.view)
        if not ids:
            self.say("nothing unread here")
            return
        self.undo_stack.append(MarkedRead(ids))
        self.entries.reload()
        self.refresh_sidebar()
        notify(self, f"Marked {count(len(ids), 'entry', 'entries')} read. u: undo", timeout=4)

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.say("nothing to undo")
            return
        last = self.undo_stack.pop()
        if isinstance(last, MarkedRead):
            self.store.set_read(last.ids, False)
            self.entries.reload()
            self.refresh_sidebar()
            self.say(f"{count(len(last.ids), 'entry', 'entries')} unread again")
            return
        if self.services.restore_quote(last.quote):
            self.say("quote restored")

    # ---------------------------------------------------------- the article's keys

    def action_open_browser(self) -> None:
        self.articles.open_browser()

    def action_open_link(self, number: int) -> None:
        self.articles.open_link(number)

    def action_links(self) -> None:
        self.articles.links()

    def action_copy_link(self) -> None:
        self.articles.copy_link()

    def action_full_text(self) -> None:
        self.articles.full_text()

    def action_next_quote(self) -> None:
        self.articles.step_quote(1)

    def action_prev_quote(self) -> None:
        self.articles.step_quote(-1)

    def action_quotes_panel(self) -> None:
        self.articles.quotes_panel()

    def on_finder_ready(self, message: FinderReady) -> None:
        self.articles.finder_loaded(message)

    def on_full_text_done(self, message: FullTextDone) -> None:
        self.articles.full_text_done(message)

    # ---------------------------------------------------------- saved quotes' keys

    def action_group_quotes(self) -> None:
        self.quotes.toggle_grouped()

    def action_delete_quote(self) -> None:
        self.quotes.delete()

    def on_quotes_changed(self, message: QuotesChanged) -> None:
        if message.deleted is not None:
            self.undo_stack.append(DeletedQuote(message.deleted))
        self.quotes.changed()
        self.refresh_sidebar()

    def on_quotes_view_picked(self, event: QuotesView.Picked) -> None:
        self.quotes.picked(event.quote_id)

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
            self.quotes.show()
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
        self.services.start_refresh([feed.url], force=True)

    def action_refresh_all(self) -> None:
        self.services.start_refresh(None, force=True)

    def action_feed_status(self) -> None:
        from reader.tui.screens.dialogs import FeedStatusScreen

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
