"""The main screen: sidebar of views, the paged entry list and the article pane, and every
reading key (their ids and defaults live in `keymap.py`)."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.store import Entry, FullText, SavedQuote, Store, View
from reader.tui.format import date
from reader.tui.keymap import MAIN_KEYS
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

if TYPE_CHECKING:
    from reader.core.quotes import Quote
    from reader.core.render import Rendered

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
NARROW = 100  # below this many columns the sidebar hides and panes stack tighter
FOOTER_IDS = {"open", "next_unread", "toggle_saved", "search", "refresh_all", "help", "quit"}


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
            description.split(" (")[0] or binding_id,
            show=binding_id in FOOTER_IDS,
            id=binding_id,
            priority=binding_id in ("quit", "toggle_sidebar", "help"),
        )
        for binding_id, (keys, description) in MAIN_KEYS.items()
    ]


def _sentence(text: str, a: int, b: int) -> str:
    """The sentence(s) around text[a:b], for a quote's context."""
    start = a
    while start > 0 and not (
        text[start - 1] == "\n" or (text[start - 1] == " " and text[start - 2 : start - 1] in ".?!")
    ):
        start -= 1
    end = b
    while end < len(text) and text[end] != "\n":
        if text[end] in ".?!" and (end + 1 == len(text) or text[end + 1] in " \n"):
            end += 1
            break
        end += 1
    return " ".join(text[start:end].split())


class MainScreen(Screen):
    BINDINGS = _bindings()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.view = View("all")
        self.mode = "entries"  # or "quotes" (the saved quotes view)
        self.undo_ids: list[list[int]] = []
        self.article_id: int | None = None
        self.article_source = "feed"
        self.fetching: set[int] = set()
        self._spin = 0
        self._spinner: Timer | None = None
        self.group_quotes = False
        self.quote_search = ""
        self.sidebar_choice = False  # the user toggled the sidebar: stop auto-hiding it
        self.progress_text = ""
        self.saved_quote_ids: list[int | None] = []

    # ---------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield OptionList(id="sidebar")
            with Vertical(id="main"):
                yield EntryList(self.store, id="entries")
                yield OptionList(id="saved-quotes")
                yield ArticleView(id="article")
        yield Input(placeholder="Search…  (enter: search, escape: cancel)", id="search")
        yield Static("", id="status")
        yield Footer(compact=True)

    @property
    def entries(self) -> EntryList:
        return self.query_one(EntryList)

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def sidebar(self) -> OptionList:
        return self.query_one("#sidebar", OptionList)

    @property
    def quotes_list(self) -> OptionList:
        return self.query_one("#saved-quotes", OptionList)

    # Focus changes go through Screen.set_focus, which applies at once: keys typed quickly
    # (] then enter) must see the pane the previous key moved to.

    def on_mount(self) -> None:
        self.query_one("#saved-quotes").display = False
        self.query_one("#search").display = False
        self.article.empty_message = self._empty_message()
        self.refresh_sidebar()
        self.sidebar.highlighted = 0
        self.entries.load(self.view)
        self.entries.focus()
        self._layout(self.app.size.width)
        self.update_status()

    def _empty_message(self) -> str:
        if self.store.totals()["all"]:
            return "Press enter to read the highlighted entry · ? for keys"
        config = self.app.config  # type: ignore[attr-defined]
        return (
            "No entries yet. R refreshes all feeds; e shows feed problems.\n"
            f"Your feeds are listed in {config.path} — add one with: byline add URL"
        )

    def on_resize(self) -> None:
        self._layout(self.app.size.width)

    def _layout(self, width: int) -> None:
        narrow = width < NARROW
        self.set_class(narrow, "narrow")
        if not self.sidebar_choice:
            self.sidebar.display = not narrow

    # ---------------------------------------------------------- sidebar

    def refresh_sidebar(self) -> None:
        store = self.store
        totals = store.totals()
        feeds = store.feeds()
        failing = sum(1 for f in feeds if f.status == "error")
        rows: list[tuple[str, str, int | None]] = [
            ("all", "All", totals["unread"]),
            ("unread", "Unread", totals["unread"]),
            ("saved", "Saved", totals["saved"]),
            ("quotes", "Quotes", totals["quotes"]),
        ]
        if failing:
            rows.append(("status", "⚠ Feed problems", failing))
        tags = store.tags()
        if tags:
            rows.append(("", "Tags", None))
            rows += [(f"tag:{t}", f"# {t}", unread) for t, unread, _total in tags]
        if feeds:
            rows.append(("", "Feeds", None))
            rows += [
                (f"feed:{f.id}", ("⚠ " if f.status == "error" else "") + f.title, f.unread_count)
                for f in feeds
            ]
        width = 24
        options: list[Option] = []
        for key, label, count in rows:
            if not key:
                options.append(Option(Text(label, style="bold dim"), disabled=True))
                continue
            number = "" if not count else str(count)
            room = width - len(number) - 1
            name = label if len(label) <= room else label[: room - 1] + "…"
            text = Text(name)
            text.append(" " * max(1, width - len(name) - len(number)))
            text.append(number, style="bold" if key != "quotes" else "")
            options.append(Option(text, id=key))
        sidebar = self.sidebar
        shown = [(o.id, str(o.prompt)) for o in sidebar.options]
        if [o.id for o in options] == [i for i, _ in shown]:
            # Same views: change only the labels whose counts moved (no re-layout).
            for option, (key, old) in zip(options, shown, strict=True):
                if key and str(option.prompt) != old:
                    sidebar.replace_option_prompt(key, option.prompt)
            return
        keep = sidebar.highlighted
        sidebar.clear_options()
        sidebar.add_options(options)
        if keep is not None and keep < len(options):
            sidebar.highlighted = keep

    @on(OptionList.OptionSelected, "#sidebar")
    def _sidebar_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id or ""
        if key == "status":
            self.action_feed_status()
            return
        if key == "quotes":
            self.show_quotes_view()
            return
        kind, _, value = key.partition(":")
        view = View(kind, int(value) if kind == "feed" else value or None)
        self.show_view(view)
        self.set_focus(self.entries)

    def show_view(self, view: View) -> None:
        self.mode = "entries"
        self.view = view
        self.query_one("#saved-quotes").display = False
        self.entries.display = True
        self.entries.load(view)
        self.update_status()

    def view_label(self) -> str:
        view = self.view
        if self.mode == "quotes":
            label = "Saved quotes"
            return label + (f" matching “{self.quote_search}”" if self.quote_search else "")
        if view.kind == "feed":
            feed = self.store.feed(int(view.value))
            return feed.title if feed else "Feed"
        if view.kind == "tag":
            return f"# {view.value}"
        if view.kind == "search":
            return f"Search “{view.value}”"
        return view.kind.capitalize()

    def update_status(self, message: str = "") -> None:
        if self.mode == "quotes":
            count = len([q for q in self.saved_quote_ids if q is not None])
            left = f"{self.view_label()} · {count} quote{'s' if count != 1 else ''}"
        else:
            left = f"{self.view_label()} · {self.entries.count:,} entries"
        parts = [left, self.progress_text, message]
        self.query_one("#status", Static).update(Text("  ·  ".join(p for p in parts if p)))

    # ---------------------------------------------------------- list events

    @on(EntryList.Selected)
    def _entry_selected(self, event: EntryList.Selected) -> None:
        self.open_entry(event.row.id)

    def focused_on_article(self) -> bool:
        return self.focused is self.article

    def current_entry_id(self) -> int | None:
        if self.focused_on_article() and self.article_id is not None:
            return self.article_id
        if self.mode == "entries":
            row = self.entries.current
            if row is not None:
                return row.id
        return self.article_id

    # ---------------------------------------------------------- the article

    def open_entry(self, entry_id: int, source: str | None = None) -> Entry | None:
        store = self.store
        entry = store.entry(entry_id)
        if entry is None:
            self.notify("That entry is no longer in the cache.", severity="warning")
            return None
        if self.app.config.settings.mark_read_on_open and not entry.read:  # type: ignore[attr-defined]
            store.set_read([entry_id], True)
            entry = dataclasses.replace(entry, read=True)
            self.entries.update_row(entry_id, read=True)
            self.refresh_sidebar()
        fulltext = store.fulltext(entry_id)
        has_full = fulltext is not None and fulltext.status == "ok"
        source = "full" if has_full and source != "feed" else "feed"
        rendered = render_entry(entry, fulltext if source == "full" else None)
        self.article_id = entry_id
        self.article_source = source
        content = ArticleContent(entry, rendered, _quotes(rendered), source)
        content.notes = self._notes(entry_id, source)
        self.article.show(content)
        return entry

    def _notes(self, entry_id: int, source: str) -> list[str]:
        if entry_id in self.fetching:
            return [f"{SPINNER[self._spin % len(SPINNER)]} fetching the full article…"]
        fulltext = self.store.fulltext(entry_id)
        if fulltext is None:
            return []
        if fulltext.status != "ok":
            return [f"Full text failed: {fulltext.error or 'unknown reason'} (F: retry)"]
        if source == "full":
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
        elif focused is self.sidebar or focused is self.quotes_list:
            focused.action_cursor_down() if delta > 0 else focused.action_cursor_up()
        elif self.mode == "entries":
            self.entries.move(delta)

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
        if focused is self.quotes_list or self.mode == "quotes":
            self.quotes_list.action_select()
            return
        row = self.entries.current
        if row is not None:
            self.open_entry(row.id)

    def action_next_unread(self) -> None:
        self._next_unread(True)

    def action_prev_unread(self) -> None:
        self._next_unread(False)

    def _next_unread(self, forward: bool) -> None:
        if self.mode != "entries":
            return
        current = self.current_entry_id()
        target = self.store.next_unread(self.view, current, forward)
        if target is None and current is None:
            target = self.store.next_unread(self.view, None)
        if target is None:
            self.notify("No more unread entries here." if forward else "No newer unread entries.")
            return
        if self.view.kind == "unread":
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

    def _list_widget(self):
        return self.quotes_list if self.mode == "quotes" else self.entries

    def action_back(self) -> None:
        if self.query_one("#search").display:
            self._close_search()
            return
        if self.article.current_quote is not None and self.focused is self.article:
            self.article.select_quote(None)
            return
        self.set_focus(self._list_widget())

    def action_toggle_sidebar(self) -> None:
        self.sidebar_choice = True
        sidebar = self.sidebar
        sidebar.display = not sidebar.display
        if sidebar.display:
            self.set_focus(sidebar)
        elif self.focused is None or self.focused is sidebar:
            self.set_focus(self._list_widget())

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(dict(self.app._keymap)))  # noqa: SLF001

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
        self.update_status("marked read" if not entry.read else "marked unread")

    def action_toggle_saved(self) -> None:
        entry_id = self.current_entry_id()
        entry = self.store.entry(entry_id) if entry_id is not None else None
        if entry is None:
            return
        saved = not entry.saved
        if not self.store.set_saved(entry.id, saved):
            self.notify("That entry is no longer in the cache.", severity="warning")
            return
        self.entries.update_row(entry.id, saved=saved)
        self.refresh_sidebar()
        self.update_status("saved" if saved else "unsaved")
        if saved and entry.link and self.store.fulltext(entry.id) is None:
            self.fetch_full_text(entry.id, show=False)

    def action_mark_view_read(self) -> None:
        if self.mode != "entries":
            return
        ids = self.store.mark_view_read(self.view)
        if not ids:
            self.update_status("nothing unread here")
            return
        self.undo_ids.append(ids)
        self.entries.reload()
        self.refresh_sidebar()
        self.notify(f"Marked {len(ids):,} entries read. u: undo", timeout=4)

    def action_undo(self) -> None:
        if not self.undo_ids:
            self.update_status("nothing to undo")
            return
        ids = self.undo_ids.pop()
        self.store.set_read(ids, False)
        self.entries.reload()
        self.refresh_sidebar()
        self.update_status(f"{len(ids):,} entries unread again")

    # ---------------------------------------------------------- actions: links

    def _entry_for_links(self) -> Entry | None:
        entry_id = self.current_entry_id()
        return self.store.entry(entry_id) if entry_id is not None else None

    def action_open_browser(self) -> None:
        entry = self._entry_for_links()
        if entry is not None:
            self.app.open_in_browser(entry.link)  # type: ignore[attr-defined]

    def action_open_link(self, number: int) -> None:
        content = self.article.content
        if content is None:
            self.update_status("open an entry first (enter)")
            return
        link = content.rendered.link(number)
        if link is None:
            self.notify(f"This article has no link [{number}].", severity="warning")
            return
        self.app.open_in_browser(link.url)  # type: ignore[attr-defined]

    def action_links(self) -> None:
        content = self.article.content
        if content is None or not content.rendered.links:
            self.notify("This article has no links.")
            return
        links = content.rendered.links

        def picked(index: int | None) -> None:
            if index is not None:
                self.app.open_in_browser(links[index].url)  # type: ignore[attr-defined]

        self.app.push_screen(links_screen(links), picked)

    def action_copy_link(self) -> None:
        entry = self._entry_for_links()
        if entry is None or not entry.link:
            self.notify("No link to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(entry.link)
        self.update_status("link copied")

    # ---------------------------------------------------------- search

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.value = self.quote_search if self.mode == "quotes" else ""
        box.focus()

    def _close_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = False
        self.set_focus(self._list_widget())

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self._close_search()
        if self.mode == "quotes":
            self.quote_search = text
            self.show_quotes_view()
            return
        if not text:
            return
        self.show_view(View("search", text))
        self.sidebar.highlighted = None
        if not self.entries.count:
            self.update_status("no entries match")

    # ---------------------------------------------------------- refresh

    def action_refresh_feed(self) -> None:
        feed_id = None
        if self.view.kind == "feed" and self.mode == "entries":
            feed_id = int(self.view.value)
        else:
            entry_id = self.current_entry_id()
            entry = self.store.entry(entry_id) if entry_id is not None else None
            feed_id = entry.feed_id if entry else None
        feed = self.store.feed(feed_id) if feed_id is not None else None
        if feed is None:
            self.notify("No feed here to refresh; R refreshes all.")
            return
        self.app.start_refresh([feed.url], force=True)  # type: ignore[attr-defined]

    def action_refresh_all(self) -> None:
        self.app.start_refresh(None, force=True)  # type: ignore[attr-defined]

    def action_feed_status(self) -> None:
        self.app.push_screen(FeedStatusScreen(self.store.feeds()))

    def refresh_progress(self, text: str) -> None:
        self.progress_text = text
        self.update_status()

    def after_refresh(self) -> None:
        if self.article.content is None:  # the placeholder may still say "No entries yet"
            self.article.empty_message = self._empty_message()
            self.article.show(None)
        if self.mode == "entries":
            self.entries.reload()
        self.refresh_sidebar()
        self.update_status()

    # ---------------------------------------------------------- full text

    def action_full_text(self) -> None:
        entry_id = self.article_id
        if entry_id is None or (self.focused is not self.article and self.mode == "entries"):
            row = self.entries.current if self.mode == "entries" else None
            if row is not None and row.id != self.article_id:
                self.open_entry(row.id)
                entry_id = row.id
        if entry_id is None:
            return
        fulltext = self.store.fulltext(entry_id)
        if fulltext is not None and fulltext.status == "ok":
            self.open_entry(entry_id, "feed" if self.article_source == "full" else "full")
            return
        self.fetch_full_text(entry_id, show=True)

    def fetch_full_text(self, entry_id: int, show: bool) -> None:
        if entry_id in self.fetching:
            return
        self.fetching.add(entry_id)
        self._spin_notes()
        if self._spinner is None:
            self._spinner = self.set_interval(0.1, self._spin_notes)
        self.app.run_full_text(entry_id, show)  # type: ignore[attr-defined]

    def _spin_notes(self) -> None:
        """Turn the header's spinner while the open article's full text is being fetched."""
        self._spin += 1
        if not self.fetching and self._spinner is not None:
            self._spinner.stop()
            self._spinner = None
        if self.article_id in self.fetching:
            self.article.set_notes(self._notes(self.article_id, self.article_source))

    def full_text_done(self, entry_id: int, show: bool, error: str | None) -> None:
        self.fetching.discard(entry_id)
        if self.article_id != entry_id:
            if error and show:
                self.notify(f"Full text failed: {error}", severity="warning")
            return
        fulltext = self.store.fulltext(entry_id)
        if show and fulltext is not None and fulltext.status == "ok":
            self.open_entry(entry_id, "full")
        else:
            self.article.set_notes(self._notes(entry_id, self.article_source))
            if error and not fulltext:
                self.article.set_notes([f"Full text failed: {error} (F: retry)"])

    # ---------------------------------------------------------- quotes in the article

    def action_next_quote(self) -> None:
        self._step_quote(1)

    def action_prev_quote(self) -> None:
        self._step_quote(-1)

    def _step_quote(self, step: int) -> None:
        content = self.article.content
        if content is None or not content.quotes:
            self.update_status("no quotes in this article")
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
        self.article.select_quote(index)
        quote = content.quotes[index]
        who = f" — {quote.speaker}" if quote.speaker else ""
        self.update_status(f"quote {index + 1}/{len(content.quotes)}{who} · enter: details")
        if self.focused is not self.article:
            self.set_focus(self.article)

    def action_quotes_panel(self) -> None:
        content = self.article.content
        if content is None or not content.quotes:
            self.notify("No quotes found in this article.")
            return

        def picked(index: int | None) -> None:
            if index is not None:
                self.article.select_quote(index)
                self.set_focus(self.article)

        self.app.push_screen(quotes_screen(content.quotes), picked)

    def quote_info(self, index: int) -> QuoteInfo | None:
        content = self.article.content
        if content is None:
            return None
        quote = content.quotes[index]
        entry = content.entry
        return QuoteInfo(
            entry.id, quote.text, quote.kind, quote.start, quote.end, quote.speaker, quote.cue,
            _sentence(content.rendered.text, quote.start, quote.end),
            entry.title, entry.link, entry.feed_title,
        )  # fmt: skip

    def open_quote_screen(self, index: int) -> None:
        info = self.quote_info(index)
        if info is None:
            return
        saved = self.store.quote_is_saved(info.entry_id, info.text)
        self.app.push_screen(QuoteScreen(info, saved))

    # ---------------------------------------------------------- saved quotes view

    def show_quotes_view(self) -> None:
        self.mode = "quotes"
        quotes = self.store.saved_quotes(search=self.quote_search or None)
        if self.group_quotes:
            quotes.sort(key=lambda q: ((q.speaker or "~").lower(), -q.saved_at))
        options: list[Option] = []
        ids: list[int | None] = []
        speaker: str | None = "\0"
        for q in quotes:
            if self.group_quotes and (q.speaker or "") != speaker:
                speaker = q.speaker or ""
                options.append(Option(Text(speaker or "Unattributed", style="bold"), disabled=True))
                ids.append(None)
            line = Text.assemble(("“", "bold"), _short(q.text, 160), ("”", "bold"))
            line.append(f"\n  — {q.speaker or 'unattributed'}, {q.entry_title}", style="dim")
            options.append(Option(line, id=str(q.id)))
            ids.append(q.id)
        self.saved_quote_ids = ids
        widget = self.quotes_list
        widget.clear_options()
        if options:
            widget.add_options(options)
        else:
            widget.add_option(
                Option("No saved quotes yet: ] in an article, enter, s.", disabled=True)
            )
        self.entries.display = False
        widget.display = True
        self.set_focus(widget)
        self.update_status()

    def action_group_quotes(self) -> None:
        if self.mode != "quotes":
            self.update_status("g groups the Quotes view by speaker")
            return
        self.group_quotes = not self.group_quotes
        self.show_quotes_view()

    @on(OptionList.OptionSelected, "#saved-quotes")
    def _saved_quote_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        quote = next(
            (q for q in self.store.saved_quotes(limit=100000) if q.id == int(event.option.id)),
            None,
        )
        if quote is not None:
            self.open_saved_quote(quote)

    def open_saved_quote(self, quote: SavedQuote) -> None:
        entry = self.open_entry(quote.entry_id)
        if entry is None:
            return
        content = self.article.content
        found = _find_quote(content.quotes, content.rendered.text, quote)
        if found is None and self.article_source == "full":
            self.open_entry(quote.entry_id, "feed")
            content = self.article.content
            found = _find_quote(content.quotes, content.rendered.text, quote)
        if isinstance(found, int):
            self.article.select_quote(found)
        elif isinstance(found, tuple):
            self.article.scroll_to_offset(found[1])
        else:
            self.notify("The quote's text is no longer in the article.", severity="warning")
        self.set_focus(self.article)


def _find_quote(quotes: list[Quote], text: str, saved: SavedQuote):
    for i, q in enumerate(quotes):
        if q.text == saved.text:
            return i
    pos = text.find(saved.text)
    if pos < 0:
        flat = re.sub(r"\s+", " ", saved.text).strip()
        pos = re.sub(r"\s", " ", text).find(flat[:60]) if flat else -1
    return ("offset", pos) if pos >= 0 else None


def render_entry(entry: Entry, fulltext: FullText | None) -> Rendered:
    from reader.core.articles import render_entry as render

    return render(entry, fulltext)


def _quotes(rendered: Rendered) -> list[Quote]:
    # Imported on first use: building the quote finder's tables costs ~0.2 s at import,
    # which the first screen (a list, no article yet) should not pay.
    from reader.core.quotes import extract

    try:
        return extract(rendered.text)
    except Exception:  # noqa: BLE001 - a quote-finder bug must not hide the article
        return []


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
