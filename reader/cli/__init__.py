"""The `byline` command: the bare command opens the app; subcommands call the engine.

User errors (a broken config, an unknown feed, a bad OPML file) end with one clear message and
exit status 2, never a traceback. The app is imported only when it is opened, so engine
commands start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import re
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from reader import __version__
from reader.core import config as cfg
from reader.core.config import Config, ConfigError, FeedConfig
from reader.core.text.words import count

EXIT_USAGE = 2


class UserError(Exception):
    """A problem the user can fix; printed without a traceback, exit status 2."""


# ---------------------------------------------------------------- helpers


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _note(message: str) -> None:
    print(message, file=sys.stderr)


def _config_path(args: argparse.Namespace) -> Path:
    return cfg.config_path(getattr(args, "config", None))


def _data_dir(args: argparse.Namespace) -> Path:
    return cfg.data_dir(getattr(args, "data_dir", None))


def load_config(args: argparse.Namespace) -> Config:
    """The user's config; on first run a commented starter config is written and announced."""
    path = _config_path(args)
    if not path.exists():
        cfg.write_starter(path)
        args.notice = f"Wrote a starter config to {path} — edit it to choose your feeds."
        _note(args.notice)
    config = cfg.load(path)
    _check_keys(config)
    return config


def _check_keys(config: Config) -> None:
    from reader.tui.keymap import DEFAULT_KEYS, unknown_ids  # plain data, no textual import

    unknown = unknown_ids(config.keys)
    if unknown:
        raise ConfigError(
            config.path,
            f"unknown binding id(s) in [keys]: {', '.join(json.dumps(u) for u in unknown)}; "
            f"known: {', '.join(sorted(DEFAULT_KEYS))}",
            cfg.key_line(config.path, "keys", unknown[0]),
        )
    clash = _key_clash(config.keys)
    if clash:
        binding_id, key, other = clash
        taken_by = (
            f"{other} (also set in [keys])" if other in config.keys else f"{other} by default"
        )
        raise ConfigError(
            config.path,
            f"[keys] {binding_id} = {json.dumps(config.keys[binding_id])}: {key!r} is already bound to "
            f"{taken_by}; choose another key, or give {other} other keys in [keys] too",
            cfg.key_line(config.path, "keys", binding_id),
        )


def _key_clash(overrides: dict[str, str]) -> tuple[str, str, str] | None:
    """(binding id from [keys], key, the other binding id) for a key bound twice on one screen
    (`quit = "j"` made j quit instead of moving down, issue 10); None when every key is free."""
    from reader.tui.keymap import MAIN_KEYS, QUOTE_KEYS

    aliases = {"?": "question_mark", "/": "slash", "[": "left_square_bracket",
               "]": "right_square_bracket", "\\": "backslash", " ": "space"}  # fmt: skip
    for screen in (MAIN_KEYS, QUOTE_KEYS):
        owner: dict[str, str] = {}
        # The user's bindings first, so the one reported is the one they wrote.
        ids = sorted(screen, key=lambda binding_id: binding_id not in overrides)
        for binding_id in ids:
            keys = overrides.get(binding_id, screen[binding_id][0])
            for raw in keys.split(","):
                key = aliases.get(raw.strip(), raw.strip()) if raw.strip() else raw
                if not key:
                    continue
                if key in owner and owner[key] != binding_id:
                    first, second = owner[key], binding_id
                    user = first if first in overrides else second
                    return user, key, second if user == first else first
                owner[key] = binding_id
    return None


def _store(args: argparse.Namespace, config: Config):
    from reader.core.store import Store

    store = Store.in_dir(_data_dir(args))
    store.sync_feeds(config.feeds)
    return store


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "-"


# ---------------------------------------------------------------- commands


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No garbage collection from here to the app's first screen (the app resumes it then,
    `BylineApp._first_screen_drawn`; this resumes it if the app ends before).

    Start-up allocates ~55,000 objects that live as long as the app and frees almost none,
    yet the collector kept scanning them: 39 ms of the first screen, one full collection
    18 ms of it (a bare Textual app: 13 ms). Issue 16."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def cmd_app(args: argparse.Namespace) -> int:
    with _gc_paused():
        config = load_config(args)
        from reader.tui.app import run_app

        run_app(config, _data_dir(args), notice=getattr(args, "notice", ""))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The app on the bundled sample, in a throwaway cache: no network, nothing of the user's."""
    import shutil  # these three only here: an engine command starts without them (~13 ms)
    import tempfile
    from importlib import resources

    from reader.core.feeds.refresh import refresh

    workdir = Path(tempfile.mkdtemp(prefix="byline-demo-"))
    try:
        sample = resources.files("reader") / "data" / "demo.xml"
        feed_file = workdir / "demo.xml"
        feed_file.write_bytes(sample.read_bytes())
        config_file = workdir / "config.toml"
        config_file.write_text(
            "[settings]\nrefresh_on_start = false\nrefresh_minutes = 0\n\n"
            f'[[feeds]]\nurl = "{feed_file.as_uri()}"\ntags = ["demo"]\n',
            encoding="utf-8",
        )
        config = cfg.load(config_file)
        refresh(config, workdir)
        if args.no_app:
            print(workdir)
            return 0
        with _gc_paused():
            from reader.tui.app import run_app

            run_app(config, workdir, demo=True)
    finally:
        if not args.no_app:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from reader.core.feeds.refresh import refresh

    config = load_config(args)
    show_bar = not args.json and sys.stderr.isatty()
    report = refresh(
        config,
        _data_dir(args),
        args.urls or None,
        force=args.force,
        full_text=args.full_text,
        progress=_progress_bar if show_bar else None,
    )
    if show_bar:
        sys.stderr.write("\r\x1b[K")
    if args.json:
        _print_json(report.to_json())
    else:
        for outcome in report.outcomes:
            if outcome.status in ("error", "skipped"):
                print(f"{outcome.status}: {outcome.title} <{outcome.url}>: {outcome.error}")
        print(report.summary())
    attempted = [o for o in report.outcomes if o.status != "skipped"]
    nothing_done = bool(attempted) and all(o.status == "error" for o in attempted)
    return 1 if nothing_done or not report.outcomes and config.feeds else 0


def _progress_bar(p) -> None:
    width = 30
    filled = int(width * p.done / max(p.total, 1))
    bar = "#" * filled + "-" * (width - filled)
    sys.stderr.write(f"\r[{bar}] {p.done}/{count(p.total, 'feed')}, {p.new} new")
    sys.stderr.flush()


def cmd_add(args: argparse.Namespace) -> int:
    from reader.core.feeds.discover import DiscoverError, find_feed
    from reader.core.feeds.refresh import refresh

    config = load_config(args)
    try:
        found = find_feed(args.url, config.settings)
    except DiscoverError as err:
        raise UserError(f"cannot add {args.url}: {err}") from None
    if config.feed(found.url):
        print(f"Already subscribed: {found.url}")
        return 0
    feed = FeedConfig(found.url, args.title, tuple(args.tag or ()))
    cfg.add_feeds(config.path, [feed])
    name = f"{args.title or found.title or found.url} <{found.url}>"
    # Store what was just fetched (no second download), so `byline feeds` and the app show
    # the entries at once; "Added (6 entries)" then 0/0 until a refresh was issue 10.
    report = refresh(cfg.load(config.path), _data_dir(args), [found.url], fetched=found.fetched)
    outcome = report.outcomes[0] if report.outcomes else None
    with _store(args, cfg.load(config.path)) as store:
        stored = store.feed_by_url(found.url)
    if outcome is not None and outcome.status == "ok" and stored is not None:
        print(f"Added {name}: {count(stored.entry_count, 'entry', 'entries')} stored")
    else:
        reason = outcome.error if outcome is not None and outcome.error else "not stored"
        print(
            f"Added {name}; its {count(found.entries, 'entry', 'entries')} are not stored yet "
            f"({reason}): the next `byline refresh` or the app fetches them"
        )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    config = load_config(args)
    if not cfg.remove_feed(config.path, args.url):
        if config.sync is not None and _is_server_feed(args, args.url):
            raise UserError(
                f"{args.url} is a feed of the sync server: byline sync --unsubscribe {args.url}"
            )
        raise UserError(f"not subscribed: {args.url} (see: byline feeds)")
    with _store(args, cfg.load(config.path)) as store:
        store.drop_feed(args.url)
    print(f"Removed {args.url}")
    return 0


def _is_server_feed(args: argparse.Namespace, url: str) -> bool:
    from reader.core.store import Store

    with Store.in_dir(_data_dir(args)) as store:
        return bool(store._rows("SELECT 1 FROM feeds WHERE url = ? AND remote IS NOT NULL", [url]))


def cmd_feeds(args: argparse.Namespace) -> int:
    config = load_config(args)
    with _store(args, config) as store:
        feeds = store.feeds()
    rows = [
        {
            "title": f.title,
            "url": f.url,
            "tags": list(f.tags),
            "unread": f.unread_count,
            "total": f.entry_count,
            "status": f.status,
            "error": f.error,
            "checked": f.checked_at,
            "moved_to": f.fetch_url,
        }
        for f in feeds
    ]
    if args.json:
        _print_json(rows)
        return 0
    if not rows:
        print(f"No feeds yet. Add one: byline add URL (config: {config.path})")
    for r in rows:
        tags = f" [{', '.join(r['tags'])}]" if r["tags"] else ""
        status = f"{r['status']}: {r['error']}" if r["error"] else r["status"]
        print(
            f"{r['unread']:>5}/{r['total']:<5} {r['title']}{tags}\n            {r['url']}  ({status}, {_when(r['checked'])})"
        )
    return 0


def _entries_view(args: argparse.Namespace, store):
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
        saved = next((v for v in store_views(args) if v.name == args.view), None)
        if saved is None:
            known = ", ".join(v.name for v in store_views(args)) or "none configured"
            raise UserError(f"no view named {args.view!r} in [[views]] ({known})")
        filters.insert(0, View("match", saved))
    if args.hidden:
        if filters:
            raise UserError("--hidden lists what rules hid; it takes no other filter")
        filters.append(View("hidden"))
    return filters


def store_views(args: argparse.Namespace):
    """The [[views]] of the config the command loaded."""
    return args.loaded_config.views


def cmd_entries(args: argparse.Namespace) -> int:
    config = load_config(args)
    args.loaded_config = config
    from reader.core.store import View

    with _store(args, config) as store:
        views = _entries_view(args, store) or [View("all")]
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
        _print_json(data)
        return 0
    if data:  # the marks explained (issue 10: the `*` column was unexplained)
        print(f"{'id':>7} *S {'published':16}  title — feed   (*: unread, S: saved)")
    for r in data:
        mark = ("*" if not r["read"] else " ") + ("S" if r["saved"] else " ")
        print(f"{r['id']:>7} {mark} {_when(r['published'])}  {r['title']}  — {r['feed']}")
    return 0


def cmd_rules_apply(args: argparse.Namespace) -> int:
    from reader.core.rules.engine import apply_to_cache

    config = load_config(args)
    with _store(args, config) as store:
        report = apply_to_cache(store, config, dry_run=args.dry_run)
    if args.json:
        _print_json(report.to_json())
        return 0
    if not config.rules:
        print(f"No [[rules]] in {config.path}.")
    verb = "would change" if args.dry_run else "changed"
    for outcome in report.outcomes:
        changes = ", ".join(f"{action} {n}" for action, n in outcome.changed.items())
        print(f"{outcome.rule.label}\n    matches {outcome.matched}; {verb}: {changes}")
    if report.duplicates > 0:
        print(
            f"{report.duplicates} duplicate entries found (shown once; dedupe = false to see all)"
        )
    elif report.duplicates < 0:
        print(f"{-report.duplicates} duplicate entries shown again (dedupe = false)")
    print(f"{'Dry run: nothing written' if args.dry_run else 'Done'} in {report.seconds:.2f} s")
    return 0


def cmd_rules_help(args: argparse.Namespace) -> int:
    raise UserError("say what to do with the rules: byline rules apply [--dry-run] [--json]")


def cmd_import(args: argparse.Namespace) -> int:
    from reader.core.feeds.opml import OpmlError, parse_opml

    config = load_config(args)
    try:
        data = Path(args.file).read_bytes()
    except OSError as err:
        raise UserError(f"cannot read {args.file}: {err.strerror or err}") from None
    try:
        result = parse_opml(data)
    except OpmlError as err:
        raise UserError(f"{args.file}: {err}") from None
    added = cfg.add_feeds(config.path, result.feeds)
    for url, reason in result.rejected:
        print(f"skipped {url!r}: {reason}")
    known = len(result.feeds) - len(added)
    print(
        f"Imported {count(len(added), 'new feed')} ({known} already subscribed,"
        f" {len(result.rejected)} skipped) into {config.path}"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from reader.core.feeds.opml import importable, to_opml

    config = load_config(args)
    with _store(args, config) as store:
        titles = {f.url: f.title for f in store.feeds()}
    # Only what `byline import` takes back: a local file:// feed does not travel (and import
    # refuses file:// from an OPML file, which may come from anywhere).
    feeds = [f for f in config.feeds if importable(f.url)]
    local = [f.url for f in config.feeds if not importable(f.url)]
    text = to_opml(feeds, titles)
    if args.file:
        Path(args.file).write_text(text, encoding="utf-8")
        print(f"Exported {count(len(feeds), 'feed')} to {args.file}")
    else:
        sys.stdout.write(text)
    if local:
        _note(
            f"Left out {count(len(local), 'local feed')} ({', '.join(local[:3])}"
            f"{', …' if len(local) > 3 else ''}): OPML import takes http(s) addresses only"
        )
    return 0


def cmd_quotes(args: argparse.Namespace) -> int:
    from reader.core.quotes.articles import article_quotes

    config = load_config(args)
    if args.delete is not None:
        return _delete_quote(args, config)
    if args.speaker and not args.saved and args.entry is None:
        return _speaker_quotes(args, config)
    with _store(args, config) as store:
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
                    "saved_at": q.saved_at,
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
        _print_json(quotes)
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


def _one_line(text: str | None) -> str:
    """Index text (already cleaned where it entered the engine) on one line."""
    return " ".join((text or "").split())


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
        "title": q.entry_title, "feed": q.feed_title, "link": q.entry_link, "date": q.sort_ts,
    }  # fmt: skip


def _speaker_quotes(args: argparse.Namespace, config: Config) -> int:
    """`byline quotes --speaker NAME`: what someone said across the whole cache (the quote
    index), newest first, each with its entry_id."""
    from reader.core.quotes import index as quoteindex
    from reader.core.quotes.backlog import catch_up

    since = _since(args.since)
    with _store(args, config) as store:
        catch_up(store, None if args.json else sys.stderr)  # pending entries first
        keys = quoteindex.keys_for(store, args.speaker)
        quotes = quoteindex.quotes_by(store, keys, since, limit=args.limit or 500)
        if args.json:
            _print_json([_quote_json(q) for q in quotes])
            return 0
        if not quotes:
            print(f"No quotes of {args.speaker}" + (f" since {args.since}." if since else "."))
            return 0
        full = [q.speaker_name for q in quotes if q.speaker_key and " " in q.speaker_key]
        who = max(set(full), key=full.count) if full else None  # one name for one person
        for group in quoteindex.group_quotes(quotes):
            q = group.first
            day = time.strftime("%Y-%m-%d", time.localtime(q.sort_ts))
            print(f"{day}  “{_one_line(q.text)}” — {_one_line(who or q.speaker_name)}")
            more = (
                f" (+{group.articles - 1} more: {group.articles} articles,"
                f" {count(group.feeds, 'feed')})"
                if group.articles > 1
                else ""
            )
            print(f"            entry {q.entry_id}, {_one_line(q.feed_title)}{more}")
            for wording in group.wordings[1:]:
                diff = quoteindex.wording_diff(group.wordings[0], wording)
                print(f"            also worded: {_one_line(diff)}")
    return 0


def cmd_people(args: argparse.Namespace) -> int:
    """`byline people`: who is quoted most across the cache (the quote index)."""
    from reader.core.quotes import index as quoteindex
    from reader.core.quotes.backlog import catch_up

    config = load_config(args)
    since = _since(args.since)
    with _store(args, config) as store:
        catch_up(store, None if args.json else sys.stderr)  # pending entries first
        found = quoteindex.people(store, since, args.limit)
        waiting = quoteindex.pending_count(store) if not args.json else 0
    if args.json:
        _print_json(
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
        print(f"{p.quotes:>6}  {_one_line(p.name)}  ({count(p.entries, 'entry', 'entries')})")
    if waiting:
        _note(
            f"{count(waiting, 'entry', 'entries')} not read for quotes yet (byline people --index)"
        )
    return 0


def _delete_quote(args: argparse.Namespace, config: Config) -> int:
    with _store(args, config) as store:
        quote = store.saved_quote(args.delete)
        if quote is None or not store.delete_quote(args.delete):
            raise UserError(f"no saved quote {args.delete} (ids: byline quotes)")
    text = quote.text if len(quote.text) <= 80 else quote.text[:79] + "…"
    print(f"Deleted quote {quote.id}: “{text}” — {quote.speaker or 'unattributed'}")
    return 0


def cmd_fetch_text(args: argparse.Namespace) -> int:
    from reader.core.feeds.fulltext import fetch_text

    config = load_config(args)
    with _store(args, config) as store:
        if store.entry(args.entry) is None:
            raise UserError(f"no entry {args.entry} (see: byline entries)")
    result = fetch_text(config, _data_dir(args), args.entry)
    if result.status == "ok":
        print(f"Fetched the full text of entry {args.entry} from {result.url}")
        return 0
    print(f"Could not fetch the full text of entry {args.entry}: {result.error}")
    return 1


def cmd_sync(args: argparse.Namespace) -> int:
    """Sync with the [sync] server, or subscribe/unsubscribe there."""
    from reader.core import sync as syncing

    config = load_config(args)
    try:
        if args.subscribe:
            syncing.subscribe(config, args.subscribe, args.folder)
            print(f"Subscribed to {args.subscribe} on the server; syncing")
        elif args.unsubscribe:
            title = syncing.unsubscribe(config, _data_dir(args), args.unsubscribe)
            print(f"Unsubscribed from {title} on the server")
            return 0
        show = not args.json and sys.stderr.isatty()
        report = syncing.sync(config, _data_dir(args), _sync_progress if show else None)
        if show:
            sys.stderr.write("\r\x1b[K")
    except (syncing.SyncAuthError, syncing.SyncConfigError, syncing.SyncUnsupported) as err:
        raise UserError(str(err)) from None
    except syncing.SyncServerError as err:
        pending = _pending_changes(args)
        if args.json:
            _print_json({"ok": False, "error": str(err), "reason": err.reason, "pending": pending})
        else:
            _note(
                f"byline: sync failed: {err}; {count(pending, 'local change')} kept for the next sync"
            )
        return 1
    if args.json:
        _print_json(report.to_json())
    else:
        print(report.summary())
    return 0


def _pending_changes(args: argparse.Namespace) -> int:
    from reader.core.store import Store
    from reader.core.sync import queue

    with Store.in_dir(_data_dir(args)) as store:
        return queue.count(store)


def _sync_progress(p) -> None:
    sys.stderr.write(f"\r\x1b[K{p.text()}")
    sys.stderr.flush()


def cmd_mark(args: argparse.Namespace) -> int:
    """Mark entries read/unread/saved/unsaved; synced ones are queued for the server."""
    config = load_config(args)
    with _store(args, config) as store:
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


# ---------------------------------------------------------------- parser


_CACHE_HINTS = (
    (("readonly", "unable to open"), "is read-only or cannot be opened: check its permissions"),
    (("disk is full", "disk i/o"), "cannot be written: the disk is full; nothing was half-written"),
    (("locked", "busy"), "is busy with another writer for too long; try again"),
    (
        ("not a database", "malformed"),
        "is damaged or not a Byline cache: move it away to start afresh",
    ),
)


def _cache_problem(error: str, data_dir: Path) -> str:
    """A cache failure in words a user can act on, with SQLite's own words kept."""
    lowered = error.lower()
    for needles, hint in _CACHE_HINTS:
        if any(n in lowered for n in needles):
            return f"the cache in {data_dir} {hint} ({error})"
    return f"the cache in {data_dir} cannot be used ({error})"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="config file (default: $BYLINE_CONFIG or the platform's config dir)",
    )
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="cache directory (default: $BYLINE_DATA_DIR or the platform's data dir)",
    )
    parser = argparse.ArgumentParser(
        prog="byline", parents=[common],
        description="A fast terminal news reader that finds who said what. Without a command, opens the app.",
    )  # fmt: skip
    parser.add_argument("--version", action="version", version=f"byline {__version__}")
    parser.set_defaults(func=cmd_app)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("demo", cmd_demo, "open the app on a bundled sample, offline")
    p.add_argument(
        "--no-app", action="store_true", help="only build the sample cache and print its folder"
    )
    p = add("refresh", cmd_refresh, "refresh all feeds, or only the given ones")
    p.add_argument("urls", nargs="*", metavar="URL")
    p.add_argument(
        "--force",
        action="store_true",
        help="also refresh feeds that are backing off after failures",
    )
    p.add_argument(
        "--full-text",
        action="store_true",
        help="also fetch missing full articles (full_text feeds, saved entries)",
    )
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p = add("add", cmd_add, "subscribe to a feed (a feed URL or a web page that links to one)")
    p.add_argument("url", metavar="URL")
    p.add_argument("--title", help="your title for the feed")
    p.add_argument("--tag", action="append", help="a tag (repeatable)")
    p = add("remove", cmd_remove, "unsubscribe from a feed (saved entries are kept)")
    p.add_argument("url", metavar="URL")
    p = add("feeds", cmd_feeds, "list feeds with unread/total counts and last status")
    p.add_argument("--json", action="store_true")
    p = add("entries", cmd_entries, "list cached entries, newest first")
    p.add_argument("--feed", metavar="URL")
    p.add_argument("--tag")
    p.add_argument("--unread", action="store_true")
    p.add_argument("--saved", action="store_true")
    p.add_argument("--search", metavar="WORDS", help="full-text search over titles and bodies")
    p.add_argument("--view", metavar="NAME", help="a view of the config's [[views]]")
    p.add_argument("--hidden", action="store_true", help="the entries rules hid (and only them)")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.add_argument("--json", action="store_true")
    p = add("rules", cmd_rules_help, "run the config's [[rules]] (see: byline rules apply -h)")
    rules_sub = p.add_subparsers(title="rules commands", metavar="COMMAND")
    p = rules_sub.add_parser(
        "apply", parents=[common], help="run every rule over the whole cache",
        description="Run every [[rules]] over the whole cache and say how many entries each touches.",
    )  # fmt: skip
    p.set_defaults(func=cmd_rules_apply)
    p.add_argument("--dry-run", action="store_true", help="count only; change nothing")
    p.add_argument("--json", action="store_true")
    p = add("import", cmd_import, "import feeds from an OPML file")
    p.add_argument("file", metavar="FILE.opml")
    p = add("export", cmd_export, "export feeds as OPML 2.0 (to stdout without FILE)")
    p.add_argument("file", nargs="?", metavar="FILE")
    p = add("quotes", cmd_quotes, "print saved quotes, or the quotes of one entry")
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
    p = add("people", cmd_people, "who is quoted most across your feeds")
    p.add_argument("--since", metavar="AGE", help="only quotes newer than AGE, like 7d, 12h")
    p.add_argument("--limit", type=int, default=None, metavar="N")
    p.add_argument("--index", action="store_true", help="(kept for scripts: always done now)")
    p.add_argument("--json", action="store_true")
    p = add("fetch-text", cmd_fetch_text, "fetch and keep the full article of one entry")
    p.add_argument("entry", type=int, metavar="ENTRY")
    p = add("sync", cmd_sync, "sync with the [sync] server (Google Reader API, Fever, TT-RSS)")
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p.add_argument("--subscribe", metavar="URL", help="subscribe on the server, then sync")
    p.add_argument("--folder", metavar="NAME", help="the server folder for --subscribe")
    p.add_argument("--unsubscribe", metavar="URL", help="unsubscribe a server feed")
    p = add("mark", cmd_mark, "mark entries read, unread, saved or unsaved (synced on next sync)")
    p.add_argument("state", choices=["read", "unread", "saved", "unsaved"])
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "limit", 1) is not None and getattr(args, "limit", 1) < 1:
        parser.error("--limit must be 1 or more")
    try:
        return args.func(args)
    except (ConfigError, UserError) as err:
        _note(f"byline: {err}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except sqlite3.DatabaseError as err:  # read-only, full, locked, corrupt, not a database
        _note(f"byline: {_cache_problem(str(err), _data_dir(args))}")
        return EXIT_USAGE
    except PermissionError as err:
        _note(f"byline: permission denied: {err.filename or err}")
        return EXIT_USAGE
    except OSError as err:
        if err.errno == 28:  # ENOSPC
            _note(f"byline: the disk is full ({err.filename or 'cache'}); nothing was half-written")
            return EXIT_USAGE
        raise
