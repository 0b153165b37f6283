"""Entry commands: list and search the cache, mark entries, fetch one entry's full article."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.cli.common import (
    Command,
    UserError,
    data_dir,
    load_config,
    open_store,
    print_json,
    when,
)
from reader.core.text.words import count

if TYPE_CHECKING:
    from reader.core.rules import SavedView
    from reader.core.store import Store, View


def _entries_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("--feed", metavar="URL")
    p.add_argument("--tag")
    p.add_argument("--unread", action="store_true")
    p.add_argument("--saved", action="store_true")
    p.add_argument("--search", metavar="WORDS", help="full-text search over titles and bodies")
    p.add_argument("--view", metavar="NAME", help="a view of the config's [[views]]")
    p.add_argument("--hidden", action="store_true", help="the entries rules hid (and only them)")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.add_argument("--json", action="store_true")


def _entries_view(
    args: argparse.Namespace, store: Store, configured: Sequence[SavedView]
) -> list[View]:
    """The filters the flags ask for; `configured` are the config's [[views]] for --view."""
    from reader.core.store import View

    filters = []
    if args.search:
        filters.append(View("search", args.search))
    if args.feed:
        feed = store.feed_by_url(args.feed)
        if feed is None:
            raise UserError(f"not subscribed: {args.feed} (see: byline feeds)")
        filters.append(View("feed", feed.id))
    if args.tag:
        filters.append(View("tag", args.tag))
    if args.saved:
        filters.append(View("saved"))
    if args.unread:
        filters.append(View("unread"))
    if args.view:
        saved = next((v for v in configured if v.name == args.view), None)
        if saved is None:
            known = ", ".join(v.name for v in configured) or "none configured"
            raise UserError(f"no view named {args.view!r} in [[views]] ({known})")
        filters.insert(0, View("match", saved))
    if args.hidden:
        if filters:
            raise UserError("--hidden lists what rules hid; it takes no other filter")
        filters.append(View("hidden"))
    return filters


def cmd_entries(args: argparse.Namespace) -> int:
    config = load_config(args)
    from reader.core.store import View

    with open_store(args, config) as store:
        views = _entries_view(args, store, config.views) or [View("all")]
        rows = store.page(views, 0, args.limit)
    data = [
        {
            "id": r.id,
            "title": r.title,
            "feed": r.feed_title,
            "author": r.author,
            "link": r.link,
            "published": r.sort_ts,
            "read": r.read,
            "saved": r.saved,
            "highlight": r.highlight,
        }
        for r in rows
    ]
    if args.json:
        print_json(data)
        return 0
    if data:  # the marks explained (issue 10: the `*` column was unexplained)
        print(f"{'id':>7} *S {'published':16}  title — feed   (*: unread, S: saved)")
    for r in data:
        mark = ("*" if not r["read"] else " ") + ("S" if r["saved"] else " ")
        print(f"{r['id']:>7} {mark} {when(r['published'])}  {r['title']}  — {r['feed']}")
    return 0


def _fetch_text_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("entry", type=int, metavar="ENTRY")


def cmd_fetch_text(args: argparse.Namespace) -> int:
    from reader.core.feeds.fulltext import fetch_text

    config = load_config(args)
    with open_store(args, config) as store:
        if store.entry(args.entry) is None:
            raise UserError(f"no entry {args.entry} (see: byline entries)")
    result = fetch_text(config, data_dir(args), args.entry)
    if result.status == "ok":
        print(f"Fetched the full text of entry {args.entry} from {result.url}")
        return 0
    print(f"Could not fetch the full text of entry {args.entry}: {result.error}")
    return 1


def _mark_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("state", choices=["read", "unread", "saved", "unsaved"])
    p.add_argument("ids", nargs="+", type=int, metavar="ID")


def cmd_mark(args: argparse.Namespace) -> int:
    """Mark entries read/unread/saved/unsaved; synced ones are queued for the server."""
    config = load_config(args)
    with open_store(args, config) as store:
        missing = [i for i in args.ids if store.entry(i) is None]
        if missing:
            raise UserError(
                f"no entry {', '.join(map(str, missing))} (see: byline entries); nothing marked"
            )
        if args.state in ("read", "unread"):
            store.set_read(args.ids, args.state == "read")
        else:
            for entry_id in args.ids:
                store.set_saved(entry_id, args.state == "saved")
        from reader.core.sync import queue

        queued = queue.count(store)
    plural = "entry" if len(args.ids) == 1 else "entries"
    line = f"Marked {len(args.ids)} {plural} {args.state}"
    if config.sync is not None and queued:
        line += f" ({count(queued, 'change')} queued for the next sync)"
    print(line)
    return 0


COMMANDS = (
    Command("entries", cmd_entries, "list cached entries, newest first", _entries_arguments),
    Command(
        "fetch-text", cmd_fetch_text, "fetch and keep the full article of one entry",
        _fetch_text_arguments,
    ),
    Command(
        "mark", cmd_mark, "mark entries read, unread, saved or unsaved (synced on next sync)",
        _mark_arguments,
    ),
)  # fmt: skip
