"""The `byline` command: the bare command opens the app; subcommands call the engine.

Each module here holds one domain's commands, their arguments beside their handlers:
`app` (the bare command, demo), `feeds`, `entries`, `rules`, `quotes` (and people), `sync`;
`common` is what they share. This module builds the parser from them and runs a command.

User errors (a broken config, an unknown feed, a bad OPML file) end with one clear message and
exit status 2, never a traceback. The app is imported only when it is opened, so engine
commands start fast; so is every engine module, by the command that needs it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from reader import __version__
from reader.cli import app, entries, feeds, media, quotes, rules, sync
from reader.cli.common import EXIT_USAGE, Command, UserError, run

__all__ = ["EXIT_USAGE", "UserError", "build_parser", "main"]

# The commands in the order `byline -h` lists them.
_ORDER = (
    "demo", "refresh", "add", "remove", "feeds", "entries", "rules", "import", "export",
    "quotes", "people", "fetch-text", "downloads", "sync", "mark",
)  # fmt: skip


def _commands() -> list[Command]:
    """Every module's commands, in `_ORDER` (a command missing from it is a bug, said here)."""
    found = {
        c.name: c for m in (app, feeds, entries, rules, quotes, media, sync) for c in m.COMMANDS
    }
    assert set(found) == set(_ORDER), sorted(set(found) ^ set(_ORDER))
    return [found[name] for name in _ORDER]


def _common_options() -> argparse.ArgumentParser:
    """--config and --data-dir, taken before or after any command."""
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
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="byline", parents=[common],
        description="A fast terminal news reader that finds who said what. Without a command, opens the app.",
    )  # fmt: skip
    parser.add_argument("--version", action="version", version=f"byline {__version__}")
    parser.set_defaults(func=app.cmd_app)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in _commands():
        p = sub.add_parser(
            command.name, parents=[common], help=command.help, description=command.help
        )
        p.set_defaults(func=command.func)
        if command.arguments is not None:
            command.arguments(p, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "limit", 1) is not None and getattr(args, "limit", 1) < 1:
        parser.error("--limit must be 1 or more")
    return run(args.func, args)
