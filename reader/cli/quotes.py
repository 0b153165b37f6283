"""Quote commands: saved quotes, the quotes of one entry, what someone said across the cache
(`quotes --speaker`), and who is quoted most (`people`)."""

from __future__ import annotations

import argparse
import re
import sys
import time

from reader.cli.common import (
    Command,
    UserError,
    iso,
    load_config,
    note,
    one_line,
    open_store,
    print_json,
)
from reader.core.config import Config
from reader.core.text.words import count


def _quotes_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("--entry", type=int, metavar="ID", help="the quotes found in this entry")
    p.add_argument(
        "--saved", action="store_true", help="saved quotes (the default without --entry)"
    )
    p.add_argument(
        "--speaker", metavar="NAME",
        help="what NAME said across the whole cache (with --saved: saved quotes of NAME)",
    )  # fmt: skip
    p.add_argument("--since", metavar="AGE", help="with --speaker: only newer, like 7d, 12h")
    p.add_argument("--limit", type=int, default=None, metavar="N")
    p.add_argument("--delete", type=int, metavar="ID", help="delete the saved quote ID")
    p.add_argument("--json", action="store_true")


def cmd_quotes(args: argparse.Namespace) -> int:
    from reader.core.quotes.articles import article_quotes

    config = load_config(args)
    if args.delete is not None:
        return _delete_quote(args, config)
    if args.speaker and not args.saved and args.entry is None:
        return _speaker_quotes(args, config)
    with open_store(args, config) as store:
        if args.saved or args.entry is None:
            quotes = [
                {
                    "id": q.id,
                    "text": q.text,
                    "speaker": q.speaker,
                    "kind": q.kind,
                    "entry": q.entry_id,
                    "title": q.entry_title,
                    "feed": q.feed_title,
                    "link": q.entry_link,
                    "saved_at": iso(q.saved_at),
                    "saved_at_ts": q.saved_at,
                }
                for q in store.saved_quotes(speaker=args.speaker, entry_id=args.entry)
            ]
        else:
            if store.entry(args.entry) is None:
                raise UserError(f"no entry {args.entry} (see: byline entries)")
            quotes = [
                {"text": q.text, "speaker": q.speaker, "cue": q.cue, "kind": q.kind, "confidence": q.confidence,
                 "start": q.start, "end": q.end}
                for q in article_quotes(store, args.entry)
                if not args.speaker or (q.speaker and args.speaker.lower() in q.speaker.lower())
            ]  # fmt: skip
    if args.json:
        print_json(quotes)
        return 0
    if not quotes:
        print(
            "No quotes."
            if args.entry is not None
            else "No saved quotes yet (press s on a quote in the app)."
        )
    for q in quotes:
        number = f"{q['id']:>5}  " if "id" in q else ""  # saved quotes: the id --delete takes
        print(f"{number}“{q['text']}” — {q['speaker'] or 'unattributed'}")
    return 0


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([mhdw]?)")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "": 86400}


def _since(value: str | None) -> float | None:
    """`--since 7d` (m, h, d, w; a bare number is days) as a timestamp."""
    if not value:
        return None
    found = _DURATION.fullmatch(value.strip().lower())
    if found is None:
        raise UserError(f"--since {value!r}: say how long ago, like 7d, 12h, 2w")
    return time.time() - float(found.group(1)) * _UNIT_SECONDS[found.group(2)]


def _quote_json(q) -> dict:
    return {
        "id": q.id, "entry_id": q.entry_id, "text": q.text, "speaker": q.speaker_name,
        "speaker_as_written": q.speaker, "key": q.speaker_key, "kind": q.kind,
        "confidence": q.confidence, "source": q.source, "start": q.start, "end": q.end,
        "title": q.entry_title, "feed": q.feed_title, "link": q.entry_link,
        "date": iso(q.sort_ts), "date_ts": q.sort_ts,
    }  # fmt: skip


def _speaker_quotes(args: argparse.Namespace, config: Config) -> int:
    """`byline quotes --speaker NAME`: what someone said across the whole cache (the quote
    index), newest first, each with its entry_id."""
    from reader.core.quotes import index as quoteindex
    from reader.core.quotes.backlog import catch_up

    since = _since(args.since)
    with open_store(args, config) as store:
        catch_up(store, None if args.json else sys.stderr)  # pending entries first
        keys = quoteindex.keys_for(store, args.speaker)
        quotes = quoteindex.quotes_by(store, keys, since, limit=args.limit or 500)
        if args.json:
            print_json([_quote_json(q) for q in quotes])
            return 0
        if not quotes:
            print(f"No quotes of {args.speaker}" + (f" since {args.since}." if since else "."))
            return 0
        full = [q.speaker_name for q in quotes if q.speaker_key and " " in q.speaker_key]
        who = max(set(full), key=full.count) if full else None  # one name for one person
        for group in quoteindex.group_quotes(quotes):
            q = group.first
            day = time.strftime("%Y-%m-%d", time.localtime(q.sort_ts))
            print(f"{day}  “{one_line(q.text)}” — {one_line(who or q.speaker_name)}")
            more = (
                f" (+{group.articles - 1} more: {group.articles} articles,"
                f" {count(group.feeds, 'feed')})"
                if group.articles > 1
                else ""
            )
            print(f"            entry {q.entry_id}, {one_line(q.feed_title)}{more}")
            for wording in group.wordings[1:]:
                diff = quoteindex.wording_diff(group.wordings[0], wording)
                print(f"            also worded: {one_line(diff)}")
    return 0


def _delete_quote(args: argparse.Namespace, config: Config) -> int:
    with open_store(args, config) as store:
        quote = store.saved_quote(args.delete)
        if quote is None or not store.delete_quote(args.delete):
            raise UserError(f"no saved quote {args.delete} (ids: byline quotes)")
    text = quote.text if len(quote.text) <= 80 else quote.text[:79] + "…"
    print(f"Deleted quote {quote.id}: “{text}” — {quote.speaker or 'unattributed'}")
    return 0


def _people_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("--since", metavar="AGE", help="only quotes newer than AGE, like 7d, 12h")
    p.add_argument("--limit", type=int, default=None, metavar="N")
    p.add_argument("--index", action="store_true", help="(kept for scripts: always done now)")
    p.add_argument("--json", action="store_true")


def cmd_people(args: argparse.Namespace) -> int:
    """`byline people`: who is quoted most across the cache (the quote index)."""
    from reader.core.quotes import index as quoteindex
    from reader.core.quotes.backlog import catch_up

    config = load_config(args)
    since = _since(args.since)
    with open_store(args, config) as store:
        catch_up(store, None if args.json else sys.stderr)  # pending entries first
        found = quoteindex.people(store, since, args.limit)
        waiting = quoteindex.pending_count(store) if not args.json else 0
    if args.json:
        print_json(
            [
                {"name": p.name, "key": p.key, "quotes": p.quotes, "entries": p.entries,
                 "keys": list(p.keys)}
                for p in found
            ]
        )  # fmt: skip
        return 0
    if not found:
        print("Nobody quoted yet" + (f" since {args.since}." if since else "."))
    for p in found:
        print(f"{p.quotes:>6}  {one_line(p.name)}  ({count(p.entries, 'entry', 'entries')})")
    if waiting:
        note(
            f"{count(waiting, 'entry', 'entries')} not read for quotes yet (byline people --index)"
        )
    return 0


COMMANDS = (
    Command("quotes", cmd_quotes, "print saved quotes, or the quotes of one entry", _quotes_arguments),
    Command("people", cmd_people, "who is quoted most across your feeds", _people_arguments),
)  # fmt: skip
