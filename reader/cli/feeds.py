"""Feed commands: refresh, add (finding the feed of a page), remove, list, and feeds in and
out: OPML, and newsboat's files (issue 27: `import --newsboat` brings its history too)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.cli.common import (
    Command,
    UserError,
    check_keys,
    config_path,
    data_dir,
    iso,
    load_config,
    note,
    open_store,
    print_json,
    when,
)
from reader.core import config as cfg
from reader.core.config import FeedConfig
from reader.core.text.words import count


def _refresh_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
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


def cmd_refresh(args: argparse.Namespace) -> int:
    from reader.core.feeds.refresh import refresh

    config = load_config(args)
    show_bar = not args.json and sys.stderr.isatty()
    report = refresh(
        config,
        data_dir(args),
        args.urls or None,
        force=args.force,
        full_text=args.full_text,
        progress=_progress_bar if show_bar else None,
    )
    if show_bar:
        sys.stderr.write("\r\x1b[K")
    kept, refused = _keep_pictures(config, data_dir(args))
    if args.json:
        print_json({**report.to_json(), "pictures_kept": kept, "pictures_refused": refused})
    else:
        for outcome in report.outcomes:
            if outcome.status in ("error", "skipped"):
                print(f"{outcome.status}: {outcome.title} <{outcome.url}>: {outcome.error}")
        print(report.summary())
        if kept or refused:
            print(f"{count(kept, 'picture')} kept for offline reading ({refused} not shown)")
    attempted = [o for o in report.outcomes if o.status != "skipped"]
    nothing_done = bool(attempted) and all(o.status == "error" for o in attempted)
    return 1 if nothing_done or not report.outcomes and config.feeds else 0


def _keep_pictures(config, data: Path) -> tuple[int, int]:
    """Saved entries' and full-text feeds' pictures into the cache, so they show offline (issue 23)."""
    from reader.core.media.images import keep_pictures
    from reader.core.store import Store

    with Store.in_dir(data) as store:
        return keep_pictures(store, config, data)


def _progress_bar(p) -> None:
    width = 30
    filled = int(width * p.done / max(p.total, 1))
    bar = "#" * filled + "-" * (width - filled)
    sys.stderr.write(f"\r[{bar}] {p.done}/{count(p.total, 'feed')}, {p.new} new")
    sys.stderr.flush()


def _add_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("url", metavar="URL")
    p.add_argument("--title", help="your title for the feed")
    p.add_argument("--tag", action="append", help="a tag (repeatable)")


def cmd_add(args: argparse.Namespace) -> int:
    from reader.core.feeds.discover import DiscoverError, find_feed, same_feed_key
    from reader.core.feeds.refresh import refresh

    config = load_config(args)
    known = _subscribed_keys(args, config)
    if same_feed_key(args.url) in known:
        return _already(args.url, known[same_feed_key(args.url)])
    try:
        found = find_feed(args.url, config.settings)
    except DiscoverError as err:
        raise UserError(f"cannot add {args.url}: {err}") from None
    fetched = found.fetched.get(found.url)
    for url in (found.url, fetched.final_url if fetched else None):
        if url and same_feed_key(url) in known:
            return _already(args.url, known[same_feed_key(url)])
    feed = FeedConfig(found.url, args.title, tuple(args.tag or ()))
    cfg.add_feeds(config.path, [feed])
    name = f"{args.title or found.title or found.url} <{found.url}>"
    # Store what was just fetched (no second download), so `byline feeds` and the app show
    # the entries at once; "Added (6 entries)" then 0/0 until a refresh was issue 10.
    report = refresh(cfg.load(config.path), data_dir(args), [found.url], fetched=found.fetched)
    outcome = report.outcomes[0] if report.outcomes else None
    with open_store(args, cfg.load(config.path)) as store:
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


def _subscribed_keys(args: argparse.Namespace, config) -> dict[str, str]:
    """Each configured feed under every URL it answers to (as written, and where a permanent
    redirect moved it), by `same_feed_key`, so `add` knows a second address of one feed."""
    from reader.core.feeds.discover import same_feed_key

    keys = {same_feed_key(f.url): f.url for f in config.feeds}
    if config.feeds:
        with open_store(args, config) as store:
            for feed in store.feeds():
                if feed.fetch_url and feed.url in keys.values():
                    keys.setdefault(same_feed_key(feed.fetch_url), feed.url)
    return keys


def _already(asked: str, subscribed: str) -> int:
    """`add` of a feed already subscribed: said, nothing added (a duplicate was issue 28)."""
    if asked == subscribed:
        print(f"Already subscribed: {subscribed}")
    else:
        print(f"Already subscribed: {asked} is the feed you follow as {subscribed}; nothing added")
    return 0


def _url_argument(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("url", metavar="URL")


def cmd_remove(args: argparse.Namespace) -> int:
    config = load_config(args)
    if not cfg.remove_feed(config.path, args.url):
        if config.sync is not None and _is_server_feed(args, args.url):
            raise UserError(
                f"{args.url} is a feed of the sync server: byline sync --unsubscribe {args.url}"
            )
        raise UserError(f"not subscribed: {args.url} (see: byline feeds)")
    with open_store(args, cfg.load(config.path)) as store:
        store.drop_feed(args.url)
    print(f"Removed {args.url}")
    return 0


def _is_server_feed(args: argparse.Namespace, url: str) -> bool:
    from reader.core.store import Store

    with Store.in_dir(data_dir(args)) as store:
        return store.feed_is_remote(url)


def _json_argument(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")


def cmd_feeds(args: argparse.Namespace) -> int:
    config = load_config(args)
    with open_store(args, config) as store:
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
            "checked": iso(f.checked_at),
            "checked_ts": f.checked_at,
            "moved_to": f.fetch_url,
        }
        for f in feeds
    ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(f"No feeds yet. Add one: byline add URL (config: {config.path})")
    for r in rows:
        tags = f" [{', '.join(r['tags'])}]" if r["tags"] else ""
        status = f"{r['status']}: {r['error']}" if r["error"] else r["status"]
        print(
            f"{r['unread']:>5}/{r['total']:<5} {r['title']}{tags}\n            {r['url']}  ({status}, {when(r['checked_ts'])})"
        )
    return 0


def _import_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument(
        "file", nargs="?", metavar="FILE",
        help="OPML, a newsboat urls file, a newsraft feeds file or one URL a line",
    )  # fmt: skip
    p.add_argument(
        "--newsboat", nargs="?", const="", default=None, metavar="DIR",
        help="bring everything over from newsboat (default: ~/.newsboat or the XDG dirs)",
    )  # fmt: skip
    p.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def cmd_import(args: argparse.Namespace) -> int:
    """OPML as before; newsboat, newsraft and URL lists through reader.core.feeds.migrate,
    which plans first (a dry run prints the plan) and writes the cache in one transaction."""
    from reader.core.feeds import migrate
    from reader.core.feeds import newsboat as nb

    if (args.file is None) == (args.newsboat is None):
        raise UserError("give a FILE to import, or --newsboat [DIR] (not both)")
    if args.file is not None and not args.dry_run and _is_opml(Path(args.file)):
        return _import_opml(args)
    path = config_path(args)
    if not path.exists() and not args.dry_run:
        cfg.write_starter(path, with_feeds=False)  # a newcomer's own feeds, not our samples
    current = cfg.load(path) if path.exists() else None
    if current is not None:
        check_keys(current)
    try:
        if args.newsboat is not None:
            where = Path(args.newsboat).expanduser() if args.newsboat else None
            keys = dict(current.keys) if current else {}
            plan = migrate.plan_newsboat(nb.locate(where), _default_keys(), _key_problem, keys)
        else:
            plan = migrate.plan_file(Path(args.file))
    except nb.NewsboatError as err:
        raise UserError(str(err)) from None
    try:
        report = _apply_import(plan, path, data_dir(args), args.dry_run)
    except nb.NewsboatError as err:  # the cache went away or got busy mid-way: nothing written
        raise UserError(str(err)) from None
    if args.json:
        print_json(report.as_json())
    else:
        print("\n".join(report.lines()))
    return 0


def _apply_import(plan, path: Path, cache_dir: Path, dry_run: bool):
    from reader.core.feeds import migrate
    from reader.core.store import DB_NAME, Store

    if not (plan.item_counts or plan.feed_details):
        return migrate.apply(plan, path, None, dry_run=dry_run)
    if dry_run and not (cache_dir / DB_NAME).exists():
        import tempfile

        with tempfile.TemporaryDirectory() as scratch, Store.in_dir(Path(scratch)) as store:
            return migrate.apply(plan, path, store, dry_run=True)  # no cache yet: none made
    with Store.in_dir(cache_dir) as store:
        return migrate.apply(plan, path, store, dry_run=dry_run)


def _is_opml(path: Path) -> bool:
    from reader.core.feeds import newsboat as nb

    try:
        with path.open("rb") as handle:
            return nb.detect(handle.read(65536), path.name) == "opml"
    except (OSError, nb.NewsboatError):
        return True  # the OPML path says what is wrong with the file, as it always did


def _default_keys() -> dict[str, str]:
    from reader.tui.keymap import DEFAULT_KEYS  # plain data, no textual import

    return {name: keys for name, (keys, _) in DEFAULT_KEYS.items()}


def _key_problem(keys: dict[str, str]) -> str | None:
    """Why these [keys] would be refused (a key bound twice on a screen), or None."""
    from reader.tui.keymap import key_clash

    found = key_clash(keys)
    if found is None:
        return None
    binding_id, key, other = found
    return f"{key!r} is already bound to {other} in Byline ({binding_id} would take it too)"


def _import_opml(args: argparse.Namespace) -> int:
    """OPML as before issue 27: feeds only, the one-line summary."""
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


def _export_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument(
        "--newsboat", metavar="DIR", help="write a newsboat urls file (feeds, tags, views) into DIR"
    )


def cmd_export(args: argparse.Namespace) -> int:
    if args.newsboat is None:
        return _export_opml(args)
    from reader.core.feeds import newsboat as nb
    from reader.core.rules.newsboat_filter import to_newsboat

    config = load_config(args)
    folder = Path(args.newsboat).expanduser()
    feeds = [
        nb.UrlEntry(f.url, f.tags, f.title, command=f.command, filter=f.filter)
        for f in config.feeds
    ]
    queries, left = [], []
    for view in config.views:
        expression = to_newsboat(view.match.source)
        if expression is None or ":" in view.name or '"' in view.name:
            left.append(view.name)
        else:
            queries.append(nb.QueryFeed(view.name, expression))
    target = folder / "urls"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name("urls.tmp")
        tmp.write_text(nb.write_urls(feeds, queries), encoding="utf-8")
        tmp.replace(target)
    except OSError as err:
        raise UserError(f"cannot write {target}: {err.strerror or err}") from None
    print(
        f"Exported {count(len(feeds), 'feed')} and {count(len(queries), 'view')} (as query feeds) to {target}"
    )
    for name in left:
        note(f"  view {name!r} left out: newsboat's filter language cannot say it")
    return 0


def _export_opml(args: argparse.Namespace) -> int:
    from reader.core.feeds.opml import importable, to_opml

    config = load_config(args)
    with open_store(args, config) as store:
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
        note(
            f"Left out {count(len(local), 'local feed')} ({', '.join(local[:3])}"
            f"{', …' if len(local) > 3 else ''}): OPML import takes http(s) addresses only"
        )
    return 0


COMMANDS = (
    Command("refresh", cmd_refresh, "refresh all feeds, or only the given ones", _refresh_arguments),
    Command(
        "add", cmd_add, "subscribe to a feed (a feed URL or a web page that links to one)",
        _add_arguments,
    ),
    Command("remove", cmd_remove, "unsubscribe from a feed (saved entries are kept)", _url_argument),
    Command("feeds", cmd_feeds, "list feeds with unread/total counts and last status", _json_argument),
    Command(
        "import", cmd_import,
        "import feeds (OPML, newsboat, newsraft, a URL list), or all of newsboat with --newsboat",
        _import_arguments,
    ),
    Command(
        "export", cmd_export, "export feeds as OPML 2.0 (to stdout without FILE), or --newsboat DIR",
        _export_arguments,
    ),
)  # fmt: skip
