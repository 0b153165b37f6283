"""The Byline app: sidebar of views, a paged entry list and the article pane.

Layering (GUIDE §1): this package only calls the engine (`reader.core`); the Store is used
from the UI thread only, refresh and full-text fetches run in thread workers that open their
own connections. Every key is a Binding with the id from `keymap.py`, so `[keys]` in the
config overrides it through `App.set_keymap`. Screens reach the app only through the
`AppServices` protocol (`services.py`) they are handed: this module imports the screens,
never the other way round.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen

import reader
from reader.core.config import Config, set_setting
from reader.core.store import SavedQuote, Store
from reader.tui.keymap import MAIN_KEYS, display_keys, keys_of, validate
from reader.tui.messages import (
    FinderReady,
    FullTextDone,
    QuotesChanged,
    RefreshDone,
    RefreshProgress,
)
from reader.tui.safe import markup, notify
from reader.tui.screens.main import MainScreen, action_name

INDEX_DELAY_S = 1.0  # the quote index's background reading starts after the first screen
INDEX_SHOW_FROM = 200  # entries to read before the status line shows its progress

if TYPE_CHECKING:
    from reader.tui.quoteinfo import QuoteInfo


def styles_dir() -> Path:
    """`reader/styles` in a wheel (force-included), else the repo's top-level `styles/`."""
    packaged = Path(reader.__file__).parent / "styles"
    if packaged.is_dir():
        return packaged
    return Path(reader.__file__).resolve().parent.parent / "styles"


class BylineApp(App):
    CSS_PATH = str(styles_dir() / "byline.tcss")
    TITLE = "Byline"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self, config: Config, data_dir: Path, *, demo: bool = False, notice: str = ""
    ) -> None:
        validate(config.keys)  # KeymapError: an unknown binding id or a key bound twice
        super().__init__()
        self.notice = notice  # shown once on mount, e.g. where a starter config was written
        self.config = config
        self.data_dir = Path(data_dir)
        self.demo = demo
        self.store = Store.in_dir(self.data_dir)
        if config.feeds:
            self.store.sync_feeds(config.feeds)
        self._saved_theme = config.settings.theme
        self.warming = False  # the article path is loading in a worker (`_warm_up`)
        self._refreshing = False
        if demo:
            self.sub_title = "demo"

    # ---------------------------------------------------------- startup

    def get_default_screen(self) -> Screen:
        """The main screen is the app's base screen: pushing it over Textual's empty default
        screen cost a second screen's layout, resizes and a full repaint before the first
        screen (measured: ~15 ms CPU, issue 16)."""
        return MainScreen(self)

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
        theme = self.config.settings.theme
        if theme in self.available_themes:
            self.theme = theme
        else:
            notify(self, f"Unknown theme {theme!r}; using textual-dark.", severity="warning")
        self._saved_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self.notice:
            notify(self, self.notice, timeout=15)
        self.call_after_refresh(self._first_screen_drawn)
        self.set_timer(INDEX_DELAY_S, self.index_quotes)
        self.set_timer(INDEX_DELAY_S, self.catch_up_search_index)  # what cron refreshes queued
        settings = self.config.settings
        fetches = bool(self.config.feeds) or self.config.sync is not None
        if settings.refresh_on_start and fetches:
            self.call_after_refresh(self.start_refresh, None, False, False)
        if settings.refresh_minutes > 0 and fetches:
            self.set_interval(settings.refresh_minutes * 60, self._timer_refresh)

    def on_unmount(self) -> None:
        self.store.close()

    @property
    def main(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def tell_main(self, message: Message) -> None:
        """Post `message` to the main screen (the one channel from app to screen)."""
        main = self.main
        if main is not None:
            main.post_message(message)

    def _first_screen_drawn(self) -> None:
        """Resume the garbage collector the CLI paused for start-up (`reader.cli.app.gc_paused`)
        and warm the article path. What start-up allocated lives as long as the app: frozen,
        the collector never scans it again (the few cycles start-up left are kept)."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()
        self.warming = True
        self._warm_up()

    @work(thread=True, exit_on_error=False, group="warm")
    def _warm_up(self) -> None:
        """Load what the first article needs (renderer, quote finder tables) off the main
        thread once the first screen is up, so the first enter is as fast as the next ones.
        An article opened meanwhile shows at once and gets its quotes when this is done
        (`FinderReady`): the finder's ~0.15 s of patterns would otherwise hold the key."""
        try:
            self._load_article_path()
        finally:
            self.warming = False
            with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
                self.call_from_thread(self.tell_main, FinderReady())

    @staticmethod
    def _load_article_path() -> None:
        from reader.core.quotes import extract
        from reader.core.quotes.articles import render_entry  # noqa: F401 - imported to warm it
        from reader.core.quotes.placement import speaker_labels
        from reader.core.quotes.sentence import sentence_around
        from reader.core.text.render import render_html

        sample = render_html(
            "<p>“Warm the tables up before the first article,” said Jane Doe. "
            "<a href='https://example.org/'>A link</a>.</p>",
            "https://example.org/",
        ).text
        quotes = extract(sample)
        speaker_labels(sample, quotes)
        if quotes:
            sentence_around(sample, quotes[0].start, quotes[0].end)

    # ---------------------------------------------------------- the quote index

    def index_quotes(self) -> None:
        """Read the entries the quote index lacks (an older cache, a new extractor, what a
        refresh left over) in the background, newest first: the People view fills as it goes
        and nothing waits for it (issue 15)."""
        self._index_quotes_worker()

    @work(thread=True, exit_on_error=False, group="quote-index", exclusive=True)
    def _index_quotes_worker(self) -> None:
        from textual.worker import get_current_worker

        from reader.core.background import index_quotes_in_child

        worker = get_current_worker()
        shown = [0.0]

        def progress(p) -> None:
            now = time.monotonic()
            if p.total >= INDEX_SHOW_FROM and (now - shown[0] >= 1 or p.done == p.total):
                shown[0] = now
                self.call_from_thread(self._index_moved, p.done, p.total)

        # In a niced child process, like a refresh: the quote finder on thousands of entries
        # in a thread here would take the GIL from every key the reader presses.
        index_quotes_in_child(self.data_dir, progress, stop=lambda: worker.is_cancelled)

    def _index_moved(self, done: int, total: int) -> None:
        main = self.main
        if main is None or self._refreshing:
            return
        if done >= total:
            main.status.set_progress(f"quotes read in {total:,} entries", expire=4)
        else:
            main.status.set_progress(f"reading quotes {done:,}/{total:,}")

    def _theme_changed(self, theme) -> None:
        name = theme.name
        if name == self._saved_theme:
            return
        self._saved_theme = name
        if self.demo or not self.config.path.exists():
            return
        try:
            set_setting(self.config.path, "theme", name)
        except Exception as err:  # noqa: BLE001 - an unwritable config must not crash the app
            notify(self, f"Could not remember the theme: {err}", severity="warning")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.main
        if main is None:
            return
        for binding_id, (_keys, description) in MAIN_KEYS.items():
            if binding_id.startswith("open_link_") or binding_id in ("quit", "help", "back"):
                continue
            action = action_name(binding_id)
            shown = display_keys(keys_of(binding_id, self.config.keys))
            yield SystemCommand(
                description.split(" (")[0],
                markup(f"{description} [{shown}]"),  # the palette reads help as markup
                lambda action=action: self.call_later(main.attempt, action),
            )

    # ---------------------------------------------------------- browser

    def open_in_browser(self, url: str) -> None:
        from reader.tui.browser import BrowserError, open_url  # webbrowser: ~2 ms at start

        try:
            open_url(url, self.config.settings.browser)
        except BrowserError as err:
            notify(self, str(err), severity="warning")
        else:
            notify(self, f"Opening {url[:70]}", timeout=2)

    # ---------------------------------------------------------- quotes

    def save_quote(self, info: QuoteInfo) -> bool:
        try:
            self.store.save_quote(
                info.entry_id, info.text, info.kind, info.start, info.end,
                speaker=info.speaker, cue=info.cue, context=info.context,
            )  # fmt: skip
        except KeyError:  # a refresh elsewhere pruned the entry just now
            notify(self, "That entry is no longer in the cache.", severity="warning")
            return False
        notify(self, "Quote saved (sidebar: Quotes)", timeout=2)
        self.tell_main(QuotesChanged())
        return True

    def delete_quote(self, quote: SavedQuote) -> bool:
        """Delete a saved quote; the main screen keeps it for `u` (undo)."""
        self.store.delete_quote(quote.id)
        notify(self, "Quote deleted. u: undo", timeout=4)
        self.tell_main(QuotesChanged(deleted=quote))
        return True

    def restore_quote(self, quote: SavedQuote) -> bool:
        """Save a deleted quote again (undo)."""
        try:
            self.store.save_quote(
                quote.entry_id, quote.text, quote.kind, quote.start, quote.end,
                speaker=quote.speaker, cue=quote.cue, context=quote.context,
            )  # fmt: skip
        except KeyError:
            notify(self, "That quote's entry is no longer in the cache.", severity="warning")
            return False
        self.tell_main(QuotesChanged())
        return True

    # ---------------------------------------------------------- refresh

    def _timer_refresh(self) -> None:
        self.start_refresh(None, False, True)

    def start_refresh(self, urls: list[str] | None, force: bool = False, only_due: bool = False):
        if self._refreshing:
            notify(self, "A refresh is already running.", timeout=2)
            return
        if not self.config.feeds and self.config.sync is None:
            notify(self, "No feeds configured: byline add URL", severity="warning")
            return
        self._refreshing = True
        self._shown_new, self._last_reload = 0, time.monotonic()
        total = len(urls) if urls else len(self.config.feeds)
        syncs = urls is None and self.config.sync is not None
        self.tell_main(RefreshProgress("Sync: logging in" if syncs else f"refreshing 0/{total}"))
        self._refresh_worker(urls, force, only_due)

    @work(thread=True, exit_on_error=False, group="refresh")
    def _refresh_worker(self, urls, force: bool, only_due: bool) -> None:
        from reader.core.background import refresh_in_child

        def progress(p) -> None:
            text = f"refreshing {p.done}/{p.total} · {p.new} new"
            self.call_from_thread(self._progress_moved, text, p.new)

        synced = ""
        if urls is None and self.config.sync is not None:  # R (and the timer) sync first
            synced = self._sync_in_worker(force=not only_due)
        if not self.config.feeds:
            self.call_from_thread(self._refresh_finished, None, None, synced)
            return
        try:
            report = refresh_in_child(
                self.config, self.data_dir, urls, force=force, only_due=only_due, progress=progress
            )
        except Exception as err:  # noqa: BLE001 - the one sink for refresh failures
            self.call_from_thread(self._refresh_finished, None, f"{type(err).__name__}: {err}")
            return
        self.call_from_thread(self._refresh_finished, report, None, synced)

    def _sync_in_worker(self, force: bool) -> str:
        """[sync]: send the queued changes, take the server's (reader.core.sync), in the
        refresh worker. Returns the summary, or "sync failed: why" (queue and cache kept)."""
        from reader.core.sync import SyncError, sync

        def progress(p) -> None:
            self.call_from_thread(self._progress_moved, p.text(), p.new)

        try:
            report = sync(self.config, self.data_dir, progress, force=force)
        except SyncError as err:
            return f"sync failed: {err}"
        except Exception as err:  # noqa: BLE001 - the one sink for sync failures
            return f"sync failed: {type(err).__name__}: {err}"
        received = report.marked_read + report.marked_unread + report.saved + report.unsaved
        text = f"synced: {report.new_entries} new"
        if received:
            text += f", {received} read/saved changes received"
        if report.pushed:
            text += f", {report.pushed} sent"
        return text

    def _progress_moved(self, text: str, new: int) -> None:
        """A sync or refresh moved on (`new` entries so far). New entries show up while it
        runs, but the list and sidebar are reloaded at most once a second: each reload runs
        on the UI thread, between two key presses."""
        now = time.monotonic()
        reload = new > self._shown_new and now - self._last_reload >= 1.0
        if reload:
            self._shown_new, self._last_reload = new, now
        self.tell_main(RefreshProgress(text, reload))

    def _refresh_finished(self, report, error: str | None, synced: str = "") -> None:
        self._refreshing = False
        if synced.startswith("sync failed"):
            error = synced + (f"; {error}" if error else "")
        if error:
            self.tell_main(RefreshDone("", error))
            return
        text = ""
        if report is not None:
            failed = report.count("error")
            text = f"refreshed: {report.new} new"
            if failed:
                text += f", {failed} feed{'s' if failed != 1 else ''} failing (e)"
        self.tell_main(RefreshDone("; ".join(t for t in (synced, text) if t)))
        if report is not None and report.new:
            self.index_quotes()  # what the refresh's time share left unread
        self.catch_up_search_index()  # whatever the refresh brought

    def catch_up_search_index(self) -> None:
        """Index what refreshes queued (fts_pending), in a worker; one at a time (a running
        one takes newly queued entries too: it stops only when the queue is empty)."""
        if not any(w.group == "search-index" and not w.is_finished for w in self.workers):
            self._index_worker()

    @work(thread=True, exit_on_error=False, group="search-index")
    def _index_worker(self) -> None:
        """Catch the search index up with what the refresh stored (Store.index_pending), off
        the UI thread and with its own connection, so the next `/` finds it done. SQLite
        tokenizes without the GIL, and the batches are short: keys and writes stay prompt."""
        from textual.worker import get_current_worker

        from reader.core.store import Store

        worker = get_current_worker()
        with Store.in_dir(self.data_dir) as store:
            while not worker.is_cancelled and store.index_pending(limit=200):
                pass  # a quit waits for one batch at most

    # ---------------------------------------------------------- full text

    def run_full_text(self, entry_id: int, show: bool) -> None:
        self._full_text_worker(entry_id, show)

    @work(thread=True, exit_on_error=False, group="fulltext")
    def _full_text_worker(self, entry_id: int, show: bool) -> None:
        try:
            from reader.core.feeds.fulltext import fetch_text

            result = fetch_text(self.config, self.data_dir, entry_id)
            error = None if result.status == "ok" else (result.error or "failed")
        except Exception as err:  # noqa: BLE001 - shown as a note, the feed text stays
            error = f"{type(err).__name__}: {err}"
        self.call_from_thread(self.tell_main, FullTextDone(entry_id, show, error))


def run_app(config: Config, data_dir: Path, *, demo: bool = False, notice: str = "") -> None:
    """Open the reader on `data_dir`'s cache (the CLI's bare `byline` and `byline demo`)."""
    BylineApp(config, data_dir, demo=demo, notice=notice).run()
