"""The main screen's media actions (issue 23): the open article's pictures, playing and downloading
its enclosures, and piping it to a `[pipe_commands]` program.

An object the main screen owns (`MainScreen.media`), like `ArticleActions`; the slow parts (fetching
pictures, the player, the download queue, the pipe) run in thread workers and come back with
`call_from_thread`, so the UI never waits. Nothing here loads Pillow or textual-image until an
article with pictures opens.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.core.text.words import count

if TYPE_CHECKING:
    from reader.core.config import FeedConfig, PipeCommand
    from reader.core.store import Entry
    from reader.tui.screens.panes import MainPanes
    from reader.tui.widgets.article import ArticleContent
    from reader.tui.widgets.pictures import PictureLines


def human_size(length: int | None) -> str:
    if not length:
        return ""
    size = float(length)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return ""


def clock(seconds: float | None) -> str:
    """1:02:03, 59:30: how players write a time."""
    if not seconds:
        return ""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def enclosure_line(enclosure: dict, state: str = "") -> str:
    """▶ audio/mpeg · 24.5 MB · 42:10 — what the feed says of one enclosure, and its state."""
    parts = [str(enclosure.get("type") or "file"), human_size(enclosure.get("length"))]
    parts.append(clock(enclosure.get("duration")))
    if state:
        parts.append(state)
    return "▶ " + " · ".join(p for p in parts if p)


def playable(entry: Entry) -> list[dict]:
    """The enclosures a player can be given (http/https addresses only)."""
    return [
        e for e in entry.enclosures if str(e.get("url") or "").startswith(("http://", "https://"))
    ]


class MediaActions:
    """Pictures, enclosures and pipes of the open article."""

    def __init__(self, panes: MainPanes, open_entry: Callable[[int], object]) -> None:
        self.panes = panes
        self.open_entry = open_entry  # ArticleActions.open_entry: how the Podcasts view opens one
        self.pictures_override: bool | None = None  # the toggle key's choice, for this session
        self._painters: dict[str, PictureLines] = {}  # one per drawing method, strips cached

    # ---------------------------------------------------------- settings

    def _feed_config(self, entry: Entry) -> FeedConfig | None:
        feed = self.panes.store.feed(entry.feed_id)
        if feed is None:
            return None
        return next((f for f in self.panes.services.config.feeds if f.url == feed.url), None)

    def images_mode(self, entry: Entry) -> str:
        settings = self.panes.services.config.settings
        feed = self._feed_config(entry)
        return feed.setting(settings, "images") if feed else settings.images

    # ---------------------------------------------------------- the article opens

    def article_opened(self, content: ArticleContent) -> None:
        """Enclosure lines under the header; the pictures' slots, fetched in a worker."""
        entry = content.entry
        content.media = self.enclosure_lines(entry)
        mode = self.images_mode(entry)
        shown = self.pictures_override if self.pictures_override is not None else mode != "off"
        if not content.rendered.pictures or not shown:
            return
        self._prepare(content, "blocks" if mode == "off" else mode)

    def _prepare(self, content: ArticleContent, mode: str) -> None:
        from reader.tui.widgets.pictures import PictureLines, PictureSlot, graphics_method

        method = graphics_method(mode) or "halfcell"
        painter = self._painters.get(method)
        if painter is None:
            painter = self._painters[method] = PictureLines(method)
        self.panes.article.painter = painter
        content.pictures = [PictureSlot(p.url, p.alt) for p in content.rendered.pictures]
        content.show_pictures = True
        self._fetch_pictures(content)

    def _fetch_pictures(self, content: ArticleContent) -> None:
        services = self.panes.services
        settings, data_dir = services.config.settings, services.data_dir
        urls = [slot.url for slot in content.pictures]
        app = self.panes.app

        def work() -> None:
            from textual.worker import get_current_worker

            from reader.core.media.images import fetch_pictures

            try:
                found = fetch_pictures(settings, data_dir, urls)
            except Exception as err:  # noqa: BLE001 - every picture keeps its line, with why
                found = dict.fromkeys(urls, f"{type(err).__name__}: {err}")
            if not get_current_worker().is_cancelled:
                app.call_from_thread(self._pictures_arrived, content, found)

        app.run_worker(work, thread=True, exit_on_error=False, group="pictures", exclusive=True)

    def _pictures_arrived(self, content: ArticleContent, found: dict) -> None:
        for slot in content.pictures:
            got = found.get(slot.url)
            if isinstance(got, str):
                slot.error = got
            elif got is not None:
                slot.path, slot.width, slot.height = got.path, got.width, got.height
        article = self.panes.article
        if article.content is content:
            article.pictures_changed()

    def keep_pictures(self, entry_id: int) -> None:
        """Fetch an entry's pictures into the cache now (feed content and full article), so a saved
        article, or one of a `full_text` feed, shows them offline later. In a worker; silent."""
        store = self.panes.store
        entry = store.entry(entry_id)
        if entry is None or self.images_mode(entry) == "off":
            return
        services = self.panes.services
        settings, data_dir = services.config.settings, services.data_dir

        def work() -> None:
            from reader.core.media.images import fetch_pictures
            from reader.core.quotes.articles import render_entry
            from reader.core.store import Store

            with Store.in_dir(data_dir) as own:
                fulltext = own.fulltext(entry_id)
                urls = [p.url for p in render_entry(entry, None).pictures]
                if fulltext is not None and fulltext.status == "ok":
                    urls += [p.url for p in render_entry(entry, fulltext).pictures]
            if urls:
                fetch_pictures(settings, data_dir, urls)

        self.panes.app.run_worker(work, thread=True, exit_on_error=False, group="keep-pictures")

    def full_text_kept(self, entry_id: int) -> None:
        """A full article arrived: keep its pictures when the entry is saved or its feed is `full_text`."""
        store = self.panes.store
        entry = store.entry(entry_id)
        if entry is None:
            return
        feed = self._feed_config(entry)
        settings = self.panes.services.config.settings
        full_text_feed = feed.setting(settings, "full_text") if feed else settings.full_text
        if entry.saved or full_text_feed:
            self.keep_pictures(entry_id)

    def toggle_pictures(self) -> None:
        """Pictures on or off for the rest of the session (the setting is the default)."""
        article = self.panes.article
        content = article.content
        if content is None:
            return
        shown = not content.show_pictures
        self.pictures_override = shown
        if not content.rendered.pictures:
            self.panes.say(f"Pictures {'on' if shown else 'off'} (this article has none)")
            return
        if shown and not content.pictures:
            mode = self.images_mode(content.entry)
            self._prepare(content, "blocks" if mode == "off" else mode)
        content.show_pictures = shown
        article.pictures_changed()
        self.panes.say(f"Pictures {'on' if shown else 'off'}")

    # ---------------------------------------------------------- enclosures

    def enclosure_lines(self, entry: Entry) -> list[str]:
        lines = []
        store = self.panes.store
        for enclosure in entry.enclosures:
            url = str(enclosure.get("url") or "")
            lines.append(enclosure_line(enclosure, self.state(entry.id, url, store)))
        if lines:
            lines.append("P: play · D: download")
        return lines

    @staticmethod
    def state(entry_id: int, url: str, store) -> str:
        """played to 12:30 / finished / downloaded / queued: what a listener wants to know."""
        states = []
        played = store.playback(url)
        if played is not None:
            if played.finished:
                states.append("finished")
            elif played.seconds:
                states.append(f"played to {clock(played.seconds)}")
        for item in store.downloads():
            if item.entry_id == entry_id and item.url == url:
                states.append({"done": "downloaded"}.get(item.status, item.status))
                break
        return ", ".join(states)

    def play(self) -> None:
        """Play the open article's first enclosure (or a video entry's link) from where it stopped."""
        content = self.panes.article.content
        if content is None:
            self.panes.say("No article open: enter opens the highlighted entry.")
            return
        entry = content.entry
        enclosures = playable(entry)
        if enclosures:
            url = str(enclosures[0]["url"])
        elif _is_video(entry.link):
            url = entry.link
        else:
            self.panes.say("Nothing to play in this article")
            return
        self._play(entry.id, url)

    def _play(self, entry_id: int, url: str) -> None:
        from reader.core.media.downloads import local_copy
        from reader.core.media.player import Playback

        services, store = self.panes.services, self.panes.store
        played = store.playback(url)
        start = played.seconds if played is not None and not played.finished else 0.0
        copy = local_copy(store, entry_id, url)
        playback = Playback(services.config.settings.player, str(copy or url), start)
        try:
            playback.start()
        except OSError as err:
            self.panes.warn(f"Could not start the player {playback.argv[0]}: {err.strerror or err}")
            return
        where = f" from {clock(start)}" if start else ""
        self.panes.say(f"Playing{where} with {playback.player[0]}")
        settings, data_dir, app = services.config.settings, services.data_dir, self.panes.app

        def follow() -> None:
            from reader.core.media.downloads import record_playback
            from reader.core.store import Store

            with Store.in_dir(data_dir) as own:
                playback.watch(lambda pos: record_playback(own, settings, entry_id, url, pos))
            with contextlib.suppress(RuntimeError):  # the app may have quit while it played
                app.call_from_thread(self._played, entry_id, playback.ipc is not None)

        # A daemon thread, not a Textual worker: the player is the user's and may play on after
        # Byline quits, which must not wait for it (positions are saved as they come).
        threading.Thread(target=follow, name="byline-player", daemon=True).start()

    def _played(self, entry_id: int, followed: bool) -> None:
        article = self.panes.article
        if article.content is not None and article.content.entry.id == entry_id:
            article.content.media = self.enclosure_lines(article.content.entry)
            article.pictures_changed()
        self.panes.say("Player closed; position kept" if followed else "Player closed")

    def download(self) -> None:
        """Queue the open article's enclosures and run the queue in a worker, progress in the status."""
        from reader.core.media.downloads import queue_entry

        content = self.panes.article.content
        entry_id = content.entry.id if content is not None else self.panes.current_entry_id()
        if entry_id is None:
            return
        services = self.panes.services
        try:
            queued = queue_entry(self.panes.store, services.config.settings, entry_id)
        except ValueError as err:
            self.panes.say(str(err).replace(f"entry {entry_id}", "this entry"))
            return
        self.panes.say(f"Queued {count(len(queued), 'download')}")
        self._run_queue()

    def _run_queue(self) -> None:
        services, app = self.panes.services, self.panes.app
        settings, data_dir = services.config.settings, services.data_dir

        def work() -> None:
            from textual.worker import get_current_worker

            from reader.core.media.downloads import QueueBusy, max_download_bytes, run_queue
            from reader.core.store import Store

            def progress(p) -> None:
                total = f" of {human_size(p.total)}" if p.total else ""
                text = f"Download {p.status}: {human_size(p.done) or '0 bytes'}{total}"
                app.call_from_thread(self.panes.say, text)

            worker = get_current_worker()
            with Store.in_dir(data_dir) as store:
                try:
                    done = run_queue(
                        store, settings.timeout_s, max_download_bytes(settings), progress,
                        stop=lambda: worker.is_cancelled,
                    )  # fmt: skip
                except QueueBusy as err:
                    app.call_from_thread(self.panes.say, str(err).capitalize())
                    return
            failed = [d for d in done if d.status == "failed"]
            text = f"Downloads: {len(done) - len(failed)} done" + (
                f", {len(failed)} failed ({failed[0].error})" if failed else ""
            )
            app.call_from_thread(self._downloaded, text)

        app.run_worker(work, thread=True, exit_on_error=False, group="downloads", exclusive=True)

    def _downloaded(self, text: str) -> None:
        self.panes.say(text)
        article = self.panes.article
        if article.content is not None:
            article.content.media = self.enclosure_lines(article.content.entry)
            article.pictures_changed()

    def show_podcasts(self) -> None:
        """The Podcasts view; an episode picked there opens here, in the article pane."""
        from reader.tui.screens.podcasts import PodcastsScreen

        panes = self.panes

        def picked(entry_id: int | None) -> None:
            if entry_id is not None and self.open_entry(entry_id) is not None:
                panes.set_focus(panes.article)

        panes.app.push_screen(PodcastsScreen(panes.store), picked)

    # ---------------------------------------------------------- pipe

    def pipe(self) -> None:
        """Send the open article to a `[pipe_commands]` program (a chooser when there are several)."""
        pipes = self.panes.services.config.pipes
        content = self.panes.article.content
        if content is None:
            self.panes.say("No article open: enter opens the highlighted entry.")
            return
        if not pipes:
            self.panes.say("No [pipe_commands] in the config")
            return
        if len(pipes) == 1:
            self._pipe(pipes[0], content)
            return
        from reader.tui.screens.dialogs import PickScreen  # dialogs load when first opened

        def picked(index: int | None) -> None:
            if index is not None:
                self._pipe(pipes[index], content)

        rows = [f"{p.name}: {' '.join(p.command)} ({p.send})" for p in pipes]
        hint = "enter: send the article · escape: close"
        self.panes.app.push_screen(PickScreen("Pipe the article to", rows, hint), picked)

    def _pipe(self, pipe: PipeCommand, content: ArticleContent) -> None:
        app, store = self.panes.app, self.panes.store
        feed = store.feed(content.entry.feed_id)
        feed_title = feed.title if feed else ""
        self.panes.say(f"Piping to {pipe.name}…")

        def work() -> None:
            from reader.core.quotes.articles import run_pipe

            ok, line = run_pipe(pipe, content.entry, content.rendered, feed_title)
            app.call_from_thread(self._piped, pipe.name, ok, line)

        app.run_worker(work, thread=True, exit_on_error=False, group="pipe")

    def _piped(self, name: str, ok: bool, line: str) -> None:
        if ok:
            self.panes.say(f"{name}: {line}")
        else:
            self.panes.warn(f"{name} failed: {line}")


def _is_video(link: str) -> bool:
    """A video page mpv can play by its address (yt-dlp behind it)."""
    from urllib.parse import urlsplit

    host = urlsplit(link or "").hostname or ""
    return host.endswith(("youtube.com", "youtu.be", "vimeo.com", "peertube.tv"))
