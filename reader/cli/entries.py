"""Entry commands: list and search the cache, mark entries, fetch one entry's full article."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.cli.common import (
    Command,
    UserError,
    data_dir,
    iso,
    load_config,
    note,
    one_line,
    open_store,
    print_json,
    when,
)
from reader.core.text.words import count

if TYPE_CHECKING:
    from reader.core.quotes import Quote
    from reader.core.rules import SavedView
    from reader.core.store import Entry, Store, View
    from reader.core.text.render import Rendered


def _entries_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("--feed", metavar="URL|TITLE", help="a feed's URL or its title (any case)")
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
        filters.append(View("feed", _feed_id(store, args.feed)))
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


def _feed_id(store: Store, wanted: str) -> int:
    """The feed `--feed` names: its URL, or its exact title in any case (issue 28); a title two
    feeds share is refused with both, so a script never reads the wrong feed."""
    feed = store.feed_by_url(wanted)
    if feed is not None:
        return feed.id
    key = wanted.strip().casefold()
    matches = [f for f in store.feeds() if (f.title or "").strip().casefold() == key]
    if not matches:
        raise UserError(
            f"not subscribed: {wanted} (no feed has that URL or title; see: byline feeds)"
        )
    if len(matches) > 1:
        listed = "; ".join(f"{f.title} <{f.url}>" for f in matches)
        raise UserError(f"{len(matches)} feeds are titled {wanted!r}: {listed}; give the URL")
    return matches[0].id


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
            "published": iso(r.sort_ts),
            "published_ts": r.sort_ts,
            "read": r.read,
            "saved": r.saved,
            "highlight": r.highlight,
        }
        for r in rows
    ]
    if args.json:
        print_json(data)
        return 0
    if not data:  # said, not a silent exit (issue 28)
        filtered = len(views) > 1 or views[0].kind != "all"
        print("No entries match." if filtered else "No entries yet: byline refresh fetches them.")
        return 0
    # the marks explained (issue 10: the `*` column was unexplained)
    print(f"{'id':>7} *S {'published':16}  title — feed   (*: unread, S: saved)")
    for r in data:
        mark = ("*" if not r["read"] else " ") + ("S" if r["saved"] else " ")
        print(f"{r['id']:>7} {mark} {when(r['published_ts'])}  {r['title']}  — {r['feed']}")
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


def _show_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("entry", type=int, metavar="ID")
    p.add_argument(
        "--format", choices=("plain", "markdown"), default="plain",
        help="plain text (default) or Markdown (title heading, links as references)",
    )  # fmt: skip
    p.add_argument(
        "--full", action="store_true",
        help="the kept full article when there is one (byline fetch-text ID keeps it)",
    )  # fmt: skip


def cmd_show(args: argparse.Namespace) -> int:
    """`byline show ID`: an entry's text with each quotation's speaker after it and the quotes
    listed at the end (issue 28), for reading or piping; nothing is marked read."""
    from reader.core.quotes.articles import quotes_of, render_entry

    config = load_config(args)
    with open_store(args, config) as store:
        entry = store.entry(args.entry)
        if entry is None:
            raise UserError(f"no entry {args.entry} (see: byline entries)")
        fulltext = store.fulltext(args.entry) if args.full else None
    if args.full and (fulltext is None or fulltext.status != "ok"):
        note(
            f"entry {args.entry} has no full text kept (byline fetch-text {args.entry}); its feed text follows"
        )
    rendered = render_entry(entry, fulltext)
    print(_shown(entry, rendered, quotes_of(rendered), args.format), end="")
    return 0


def _shown(entry: Entry, rendered: Rendered, quotes: list[Quote], form: str) -> str:
    """The article as `show` prints it: marked text, then its quotes (with their speakers)."""
    from reader.core.quotes.articles import as_markdown, mark_quotes, speaker_label

    marked = mark_quotes(rendered, quotes)
    if form == "markdown":
        text = as_markdown(entry, marked, entry.feed_title)
        listed = [f"- “{one_line(q.text)}” — {speaker_label(q)}" for q in quotes]
        return text + ("\n## Quotes\n\n" + "\n".join(listed) + "\n" if listed else "")
    source = " · ".join(
        p for p in (entry.feed_title, entry.author, when(entry.published)) if p and p != "-"
    )
    lines = [entry.title or "(untitled)", source, entry.link or "", "", marked.text]
    if marked.links:
        lines += ["", *(f"[{link.number}] {link.url}" for link in marked.links)]
    if quotes:
        lines += [
            "",
            "Quotes:",
            *(f"  {i}. “{one_line(q.text)}” — {speaker_label(q)}" for i, q in enumerate(quotes, 1)),
        ]
    return "\n".join(line for i, line in enumerate(lines) if line or i > 2) + "\n"


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
    Command("show", cmd_show, "print an entry's text with its quotes marked", _show_arguments),
    Command(
        "mark", cmd_mark, "mark entries read, unread, saved or unsaved (synced on next sync)",
        _mark_arguments,
    ),
)  # fmt: skip
