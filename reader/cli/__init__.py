"""The `byline` command: the bare command opens the app; subcommands call the engine.

Each module here holds one domain's commands, their arguments beside their handlers:
`app` (the bare command, demo), `feeds`, `entries`, `rules`, `quotes` (and people), `sync`;
`common` is what they share. This module builds the parser from them (only the module of the
command being run, so a command starts with what it needs) and runs it.

User errors (a broken config, an unknown feed, a bad OPML file) end with one clear message and
exit status 2, never a traceback. The app is imported only when it is opened, so engine
commands start fast; so is every engine module, by the command that needs it.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from reader import __version__
from reader.cli.common import EXIT_USAGE, Command, UserError, run

__all__ = ["EXIT_USAGE", "UserError", "build_parser", "main"]

# The commands in the order `byline -h` lists them, and the module (reader/cli/NAME.py) of each:
# a command line imports only its own module, help and unknown commands all of them.
_MODULE_OF = {
    "demo": "app", "refresh": "feeds", "add": "feeds", "remove": "feeds", "feeds": "feeds",
    "entries": "entries", "show": "entries", "rules": "rules", "import": "feeds", "export": "feeds",
    "quotes": "quotes", "people": "quotes", "fetch-text": "entries", "downloads": "media",
    "sync": "sync", "mark": "entries",
}  # fmt: skip
_ORDER = tuple(_MODULE_OF)
MODULES = ("app", "feeds", "entries", "rules", "quotes", "media", "sync")
_VALUED = ("--config", "--data-dir")  # options before the command that take a value


def _commands(names: Sequence[str] = _ORDER) -> list[Command]:
    """The commands `names`, in `_ORDER` (a command missing from its module is a bug, said here)."""
    modules = dict.fromkeys(_MODULE_OF[name] for name in names)
    found = {
        c.name: c
        for m in modules
        for c in importlib.import_module(f"reader.cli.{m}").COMMANDS
        if c.name in names
    }
    assert set(found) == set(names), sorted(set(found) ^ set(names))
    return [found[name] for name in _ORDER if name in found]


def _command_named(argv: Sequence[str]) -> str | None:
    """The command an argv runs, when it is one of ours and no help is asked for; else None."""
    args = iter(argv)
    for token in args:
        if token in ("-h", "--help"):
            return None
        if token in _VALUED:
            next(args, None)
        elif not token.startswith("-"):
            return token if token in _MODULE_OF and not {"-h", "--help"} & set(argv) else None
    return None


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


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (`only`) the one for a command line that runs that command."""
    from reader.cli import app

    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="byline", parents=[common],
        description="A fast terminal news reader that finds who said what. Without a command, opens the app.",
    )  # fmt: skip
    parser.add_argument("--version", action="version", version=f"byline {__version__}")
    parser.set_defaults(func=app.cmd_app)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in _commands([only] if only else _ORDER):
        p = sub.add_parser(
            command.name, parents=[common], help=command.help, description=command.help
        )
        p.set_defaults(func=command.func)
        if command.arguments is not None:
            command.arguments(p, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import sys

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_named(argv))
    args = parser.parse_args(argv)
    if getattr(args, "limit", 1) is not None and getattr(args, "limit", 1) < 1:
        parser.error("--limit must be 1 or more")
    return run(args.func, args)
