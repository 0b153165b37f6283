"""The entry list: a line-API view over a paged SQL query.

Like toolong's log view it mounts no widget per row: `virtual_size` is the row count and
`render_line` asks a small LRU of 200-row pages for the row on screen, so a view of
1,000,000 entries opens as fast as one of 100 (GUIDE §3).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import OrderedDict
from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker

from reader.core.store import EntryRow, Store, View
from reader.core.text.sanitize import clean_line
from reader.tui.format import age
from reader.tui.styling import component_style, line_start

PAGE = 200
CACHED_PAGES = 16
# Views whose exact count is a scan calling Python per row (a [[views]] expression): the
# first page shows at once, the count comes from a thread worker on its own connection.
COUNTED_LATER = frozenset({"match"})


def count_view(
    path: Path, view: View, keep_id: int | None, running: set | None = None
) -> tuple[int, int | None]:
    """A view's row count and where `keep_id` sits in it, on a connection of its own (this
    runs in a thread worker: the app's connection stays the UI thread's). The connection is
    in `running` meanwhile, so that closing the app can interrupt it."""
    with Store(path) as store, _running(store, running):
        index = store.index_of(view, keep_id) if keep_id is not None else None
        return store.count(view), index


@contextlib.contextmanager
def _running(store: Store, running: set | None):
    if running is not None:
        running.add(store)
    try:
        yield
    finally:
        if running is not None:
            running.discard(store)


class EntryList(ScrollView, can_focus=True, inherit_bindings=False):
    COMPONENT_CLASSES = {
        "entry-list--unread",
        "entry-list--read",
        "entry-list--cursor",
        "entry-list--cursor-blurred",
        "entry-list--feed",
        "entry-list--age",
        "entry-list--mark",
        "entry-list--saved",
        "entry-list--highlight",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, row: EntryRow | None) -> None:
            super().__init__()
            self.row = row

    class Selected(Message):
        def __init__(self, row: EntryRow) -> None:
            super().__init__()
            self.row = row

    class Counted(Message):
        """The exact count of a view counted later (`count_known` is True now)."""

    def __init__(self, store: Store, **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.view = View("all")
        self.count = 0
        self.count_known = True  # False: `count` is the rows seen so far, the count is coming
        self._cursor_at_load = 0
        self._loads = 0  # which load() a count coming back from the worker belongs to
        self._pages: OrderedDict[int, list[EntryRow]] = OrderedDict()
        self.page_worker: Worker | None = None  # fetching a counted-later view's first page
        self._querying: set = set()  # the workers' connections, while they query

    def on_unmount(self) -> None:
        for conn in list(self._querying):  # the app is closing: stop a long count now
            conn.interrupt()

    # ---------------------------------------------------------- data

    def row(self, index: int) -> EntryRow | None:
        if not 0 <= index < self.count:
            return None
        number, within = divmod(index, PAGE)
        page = self._pages.get(number)
        if page is None:
            page = self.store.page(self.view, number * PAGE, PAGE)
            self._pages[number] = page
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page[within] if within < len(page) else None

    @property
    def current(self) -> EntryRow | None:
        return self.row(self.cursor)

    def load(self, view: View, keep_id: int | None = None) -> None:
        """Show `view`; keep the cursor on `keep_id` if it is still in it."""
        same = view == self.view
        self.view = view
        self._loads += 1
        if view.kind in COUNTED_LATER:
            # Even the first page may be a long scan (a view matching few entries): it comes
            # from a thread too. Reloading the same view keeps its rows until then.
            self.count_known = False
            if not same:
                self._pages.clear()
                self.count = 0
                self.virtual_size = Size(self.size.width, 0)
                self._set_cursor(0, announce=True)
                self._cursor_at_load = 0
                self.refresh()
            self.page_worker = self._first_page_later(self._loads, view, keep_id, same)
            return
        self._pages.clear()
        self.count = self.store.count(view)
        self.count_known = True
        index = self.store.index_of(view, keep_id) if keep_id is not None else None
        self._show(index, keep_id)

    def _show(self, index: int | None, keep_id: int | None) -> None:
        if index is None:
            index = min(self.cursor, self.count - 1) if keep_id is not None else 0
        self.virtual_size = Size(self.size.width, self.count)
        self._set_cursor(max(0, index), announce=True, center=True)
        self._cursor_at_load = self.cursor
        self.refresh()

    def _first_page_later(self, load: int, view: View, keep_id: int | None, same: bool) -> Worker:
        path = self.store.path

        def work() -> None:
            with Store(path) as store, _running(store, self._querying):
                first = store.page(view, 0, PAGE)
            with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
                self.app.call_from_thread(self._paged, load, view, first, keep_id)

        return self.run_worker(work, thread=True, group="entry-page", exit_on_error=False)

    def _paged(self, load: int, view: View, first: list[EntryRow], keep_id: int | None) -> None:
        if load != self._loads:  # another view (or a reload) since: these rows are stale
            return
        self._pages.clear()
        self._pages[0] = first
        self.count = len(first)
        self.count_known = len(first) < PAGE
        ids = [row.id for row in first]
        index = ids.index(keep_id) if keep_id in ids else None
        self._show(index, keep_id)
        if self.count_known:
            self.post_message(self.Counted())
        else:
            self._count_later(load, view, keep_id if index is None else None)

    def _count_later(self, load: int, view: View, keep_id: int | None) -> None:
        path = self.store.path

        def work() -> None:
            count, index = count_view(path, view, keep_id, self._querying)
            with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
                self.app.call_from_thread(self._counted, load, count, index)

        self.run_worker(work, thread=True, group="entry-count", exit_on_error=False)

    def _counted(self, load: int, count: int, index: int | None) -> None:
        if load != self._loads:  # another view (or a reload) since: this count is stale
            return
        self.count = count
        self.count_known = True
        self.virtual_size = Size(self.size.width, self.count)
        if index is not None and self.cursor == self._cursor_at_load:  # not moved since
            self._set_cursor(index, announce=True, center=True)
        self.refresh()
        self.post_message(self.Counted())

    def reload(self) -> None:
        """Re-read the view (after a refresh or a state change), cursor kept on its entry."""
        current = self.current
        top = self.scroll_offset.y
        self.load(self.view, current.id if current else None)
        if current is None:
            self.scroll_to(y=min(top, max(0, self.count - 1)), animate=False)

    def update_row(self, entry_id: int, **changes) -> None:
        """Change a cached row in place (read/saved toggled) without re-querying, so rows of
        an unread view do not vanish under the cursor while the user reads."""
        for page in self._pages.values():
            for i, row in enumerate(page):
                if row.id == entry_id:
                    page[i] = dataclasses.replace(row, **changes)
        self.refresh()

    def invalidate(self) -> None:
        """Forget cached rows (read/saved marks changed) and repaint."""
        self._pages.clear()
        self.refresh()

    # ---------------------------------------------------------- cursor

    def _set_cursor(self, index: int, announce: bool = True, center: bool = False) -> None:
        index = max(0, min(index, self.count - 1)) if self.count else 0
        old, top = self.cursor, self.scroll_offset.y
        self.set_reactive(EntryList.cursor, index)
        self.scroll_to_cursor(center=center)
        if self.scroll_offset.y == top:
            # Only the two rows that changed are drawn again (a move costs two lines).
            self.refresh_lines(old)
            self.refresh_lines(index)
        else:
            self.refresh()
        if announce:
            self.post_message(self.Highlighted(self.current))

    def scroll_to_cursor(self, center: bool = False) -> None:
        height = self.scrollable_content_region.height or self.size.height or 1
        top = self.scroll_offset.y
        if center and not (top <= self.cursor < top + height):
            self.scroll_to(y=max(0, self.cursor - height // 2), animate=False, immediate=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move(self, delta: int) -> None:
        if self.count:
            self._set_cursor(self.cursor + delta)

    def go_to_id(self, entry_id: int) -> bool:
        index = self.store.index_of(self.view, entry_id)
        if index is None:
            return False
        self._set_cursor(index, center=True)
        return True

    def watch_cursor(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh_lines(self.cursor)

    def on_blur(self) -> None:
        self.refresh_lines(self.cursor)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.count)
        self.scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < self.count:
            self._set_cursor(index)
            row = self.current
            if row is not None:
                self.post_message(self.Selected(row))

    # ---------------------------------------------------------- drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def _style(self, *names: str) -> Style:
        """Later names win: the cursor's colours go last."""
        return component_style(self, *names)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        base = self.rich_style
        row = self.row(index)
        if row is None:
            return Strip.blank(width, base)
        kind = "entry-list--read" if row.read else "entry-list--unread"
        cursor = ()
        if index == self.cursor:
            cursor = ("entry-list--cursor" if self.has_focus else "entry-list--cursor-blurred",)

        def style(part: str | None = None) -> Style:
            return self._style(kind, *((part,) if part else ()), *cursor)

        line_style = style()
        mark = "●" if not row.read else " "
        saved = "★" if row.saved else " "
        when = age(row.sort_ts).rjust(4)
        feed = clean_line(row.feed_title)
        feed_width = min(22, max(8, width // 5)) if width >= 60 else 0
        title_width = max(1, width - 4 - feed_width - (2 if feed_width else 0) - 5)
        title = clean_line(row.title) or "(untitled)"
        # A [[rules]] highlight: a bar before the title (the margin column is the focus
        # outline's) and the title in the highlight colour.
        title_style = style("entry-list--highlight") if row.highlight else line_style
        segments = [
            Segment(" ", line_start(self, line_style)),
            Segment(mark, style("entry-list--mark")),
            Segment(saved, style("entry-list--saved")),
            Segment("▌", title_style) if row.highlight else Segment(" ", line_style),
            Segment(_fit(title, title_width), title_style),
        ]
        if feed_width:
            segments += [
                Segment("  ", line_style),
                Segment(_fit(feed, feed_width), style("entry-list--feed")),
            ]
        segments.append(Segment(" " + when, style("entry-list--age")))
        strip = Strip(segments).adjust_cell_length(width, line_style)
        return strip


def _fit(text: str, width: int) -> str:
    """Cut or pad to exactly `width` cells (wide characters counted as two)."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > width:
        return set_cell_size(text[: width * 2], width - 1) + "…"
    return set_cell_size(text, width)
