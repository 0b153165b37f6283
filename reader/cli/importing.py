"""`byline import` and `byline export`: OPML, newsboat, newsraft and plain lists in; OPML and
a newsboat urls file out (issue 27). Handlers only: the work is in reader.core.feeds.migrate.

Wiring (argparse) is `add_import_arguments` / `add_export_arguments` beside the handlers, so a
CLI module that owns the feed commands takes them in a few lines.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path


def add_import_arguments(p: argparse.ArgumentParser) -> None:
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


def add_export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument(
        "--newsboat", metavar="DIR", help="write a newsboat urls file (feeds, tags, views) into DIR"
    )


def cmd_import(args: argparse.Namespace) -> int:
    from reader import cli
    from reader.core import config as cfg
    from reader.core.feeds import migrate
    from reader.core.feeds import newsboat as nb

    if (args.file is None) == (args.newsboat is None):
        raise cli.UserError("give a FILE to import, or --newsboat [DIR] (not both)")
    if args.file is not None and not args.dry_run and _is_opml(Path(args.file)):
        return cli.cmd_import_opml(args)  # as before issue 27: feeds only
    path = cli._config_path(args)
    if not path.exists() and not args.dry_run:
        cfg.write_starter(path, with_feeds=False)  # a newcomer's feeds, not our samples
    current = cfg.load(path) if path.exists() else None
    if current is not None:
        cli._check_keys(current)
    try:
        if args.newsboat is not None:
            where = Path(args.newsboat).expanduser() if args.newsboat else None
            plan = migrate.plan_newsboat(
                nb.locate(where),
                _default_keys(),
                _key_problem,
                dict(current.keys) if current else {},
            )
        else:
            plan = migrate.plan_file(Path(args.file))
    except nb.NewsboatError as err:
        raise cli.UserError(str(err)) from None
    if plan.items or plan.feed_details:
        from reader.core.store import DB_NAME, Store

        data = cli._data_dir(args)
        if args.dry_run and not (data / DB_NAME).exists():
            with tempfile.TemporaryDirectory() as scratch, Store.in_dir(Path(scratch)) as store:
                report = migrate.apply(plan, path, store, dry_run=True)  # no cache yet: none made
        else:
            with Store.in_dir(data) as store:
                report = migrate.apply(plan, path, store, dry_run=args.dry_run)
    else:
        report = migrate.apply(plan, path, None, dry_run=args.dry_run)
    if args.json:
        cli._print_json(report.as_json())
    else:
        print("\n".join(report.lines()))
    return 0


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
    from reader import cli

    clash = cli._key_clash(keys)
    if clash is None:
        return None
    binding_id, key, other = clash
    return f"{key!r} is already bound to {other} in Byline ({binding_id} would take it too)"


def cmd_export(args: argparse.Namespace) -> int:
    from reader import cli

    if args.newsboat is None:
        return cli.cmd_export_opml(args)
    from reader.core.feeds import newsboat as nb
    from reader.core.rules.newsboat_filter import to_newsboat

    config = cli.load_config(args)
    folder = Path(args.newsboat).expanduser()
    feeds = [nb.UrlEntry(f.url, f.tags, f.title) for f in config.feeds]
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
        raise cli.UserError(f"cannot write {target}: {err.strerror or err}") from None
    print(f"Exported {len(feeds)} feed(s) and {len(queries)} view(s) as query feeds to {target}")
    for name in left:
        print(
            f"  view {json.dumps(name)} left out: newsboat's filter language cannot say it",
            file=sys.stderr,
        )
    return 0
