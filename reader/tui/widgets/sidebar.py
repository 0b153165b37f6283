"""The sidebar: the views a reader can pick, in sections (views, tags, feeds, …).

Each section comes from a small function `(store) -> Section | None`; `SECTIONS` lists them
in order. To add one (sync progress, rule views, people):

1. if its rows open something new, add a member to `ViewKind` (reader/tui/kinds.py);
2. write `def my_section(store) -> Section | None` returning its title and `SidebarItem`s
   (each row's `key`, kind + value, must be unique in the whole sidebar);
3. insert it into `SECTIONS` where it should appear (or pass `sections=` to `Sidebar`);
4. handle the new kind in `MainScreen.on_sidebar_picked` (entry views of a kind the engine
   pages, `kind.lists_entries`, need nothing: they open as entry lists).

Call `sidebar.reload()` when the section's data changes; rows whose text did not change
are left alone, so reloading often (once a second during a refresh) is cheap.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.rules import SavedView
from reader.core.rules.views import ViewCounts, interrupt_counts
from reader.core.store import Store, View
from reader.tui.kinds import ViewKind
from reader.tui.safe import content
from reader.tui.styling import ReadableStyles

WIDTH = 24  # label and count, in cells
# Rows added before the first paint; the rest right after it. An OptionList measures every
# row when rows are added, and a 1,000-feed sidebar's rows cost the first screen 12 ms.
FIRST_ROWS = 150


@dataclass(frozen=True, slots=True)
class SidebarItem:
    """One row: what it opens (`kind`, `value`), what it says, the count on its right."""

    kind: ViewKind
    label: str
    count: int | None = None
    value: str | int | SavedView | None = None
    warn: bool = False  # drawn with a ⚠ (a failing feed)
    dim_count: bool = False  # a total rather than an unread count
    pending: bool = False  # the count is being computed: "…" until it is known

    @property
    def key(self) -> str:
        """A stable id for the option (and for tests): "all", "tag:tech", "feed:3"."""
        return self.kind.value if self.value is None else f"{self.kind.value}:{self.value}"

    @property
    def view(self) -> View:
        return View(self.kind, self.value)


@dataclass(frozen=True, slots=True)
class Section:
    title: str | None  # None: no heading line (the first section)
    items: Sequence[SidebarItem] = field(default_factory=tuple)
    # Slow work for the section's counts: the sidebar runs it in a thread worker, then
    # reloads (the section then has the counts). Never run on the UI thread.
    later: Callable[[], None] | None = None


SectionSource = Callable[[Store], "Section | None"]


def views_section(store: Store) -> Section:
    totals = store.totals()
    items = [
        SidebarItem(ViewKind.ALL, "All", totals["unread"]),
        SidebarItem(ViewKind.UNREAD, "Unread", totals["unread"]),
        SidebarItem(ViewKind.SAVED, "Saved", totals["saved"]),
        SidebarItem(ViewKind.QUOTES, "Quotes", totals["quotes"], dim_count=True),
    ]
    failing = totals["failing"]
    if failing:
        items.append(SidebarItem(ViewKind.STATUS, "Feed problems", failing, warn=True))
    return Section(None, items)


def people_section(store: Store) -> Section:
    """The People row (issue 15), right under Quotes; no count, so reloading costs nothing."""
    return Section(None, [SidebarItem(ViewKind.PEOPLE, "People")])


def podcasts_section(store: Store) -> Section:
    """The Podcasts row (issue 23): entries with enclosures; no count, so reloading costs nothing."""
    return Section(None, [SidebarItem(ViewKind.PODCASTS, "Podcasts")])


def tags_section(store: Store) -> Section | None:
    tags = store.tags()
    if not tags:
        return None
    return Section("Tags", [SidebarItem(ViewKind.TAG, f"# {t}", n, t) for t, n, _ in tags])


def feeds_section(store: Store) -> Section | None:
    feeds = store.feed_counts()
    if not feeds:
        return None
    items = [
        SidebarItem(ViewKind.FEED, title, unread, feed_id, warn=failing)
        for feed_id, title, unread, failing in feeds
    ]
    return Section("Feeds", items)


def saved_views_section(views: Sequence[SavedView]) -> SectionSource:
    """The config's [[views]] with their unread counts (counted again only when the cache
    changed: a view's count is a query over its entries, not a kept counter). The counts
    come from a thread: "…" until the first ones are known."""
    counts = ViewCounts()

    def section(store: Store) -> Section | None:
        if not views:
            return None
        unread, job = counts.later(store, views)
        items = [
            SidebarItem(ViewKind.MATCH, v.name, unread.get(v.name), v, pending=v.name not in unread)
            for v in views
        ]
        return Section("Views", items, later=job)

    return section


SECTIONS: list[SectionSource] = [
    views_section, people_section, podcasts_section, tags_section, feeds_section,
]  # fmt: skip


def _row(item: SidebarItem, width: int = WIDTH) -> Content:
    label = ("⚠ " if item.warn else "") + item.label
    number = "…" if item.pending else str(item.count) if item.count else ""
    room = width - len(number) - 1
    name = label if len(label) <= room else label[: room - 1] + "…"
    gap = " " * max(1, width - len(name) - len(number))
    return content(name, gap, (number, "" if item.dim_count else "bold"))


class Sidebar(ReadableStyles, OptionList):
    """An `OptionList` of `SidebarItem`s; posts `Sidebar.Picked` when one is chosen."""

    class Picked(Message):
        def __init__(self, item: SidebarItem) -> None:
            super().__init__()
            self.item = item

    def __init__(
        self, store: Store, sections: Sequence[SectionSource] | None = None, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.sections = list(SECTIONS if sections is None else sections)
        self.items: dict[str, SidebarItem] = {}
        self._rebuilds = 0  # a deferred tail of rows belongs to the rebuild that made it

    def reload(self) -> None:
        """Rebuild from the sections; only changed labels are redrawn when the rows stay."""
        options: list[Option] = []
        items: dict[str, SidebarItem] = {}
        for source in self.sections:
            section = source(self.store)
            if section is None:
                continue
            if section.later is not None:
                self._run_later(section.later)
            if section.title:
                options.append(Option(content(section.title, style="bold"), disabled=True))
            for item in section.items:
                items[item.key] = item
                options.append(Option(_row(item), id=item.key))
        self.items = items
        shown = [(o.id, str(o.prompt)) for o in self.options]
        if [o.id for o in options] == [key for key, _ in shown]:
            for option, (key, old) in zip(options, shown, strict=True):
                if key and str(option.prompt) != old:
                    self.replace_option_prompt(key, option.prompt)
            return
        keep = self.highlighted
        self.clear_options()
        self._rebuilds += 1
        self.add_options(options[:FIRST_ROWS])
        if len(options) > FIRST_ROWS:
            self.call_after_refresh(self._add_tail, options[FIRST_ROWS:], self._rebuilds, keep)
        elif keep is not None and keep < len(options):
            self.highlighted = keep

    def _add_tail(self, tail: list[Option], rebuild: int, keep: int | None) -> None:
        """The rows past FIRST_ROWS, unless another rebuild has replaced them meanwhile."""
        if rebuild != self._rebuilds:
            return
        self.add_options(tail)
        if keep is not None and keep < self.option_count:
            self.highlighted = keep

    def _run_later(self, job: Callable[[], None]) -> None:
        def work() -> None:
            job()
            with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
                self.app.call_from_thread(self.reload)

        self.run_worker(work, thread=True, group="sidebar-counts", exit_on_error=False)

    def on_unmount(self) -> None:
        interrupt_counts()

    def select_key(self, key: str) -> None:
        """Highlight the row with this key (e.g. after a view was opened another way)."""
        try:
            self.highlighted = self.get_option_index(key)
        except Exception:  # noqa: BLE001 - OptionDoesNotExist: nothing to highlight
            self.highlighted = None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self.items.get(event.option.id or "")
        if item is not None:
            self.post_message(self.Picked(item))
