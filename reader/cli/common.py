"""What every `byline` command shares: exit codes, output, the config and cache it opens, and
how a failure becomes one clear message instead of a traceback.

Imports only what the bare command needs at start-up; the engine is imported by the commands.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core import config as cfg
from reader.core.config import Config, ConfigError

if TYPE_CHECKING:
    from reader.core.store import Store

EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]
# Adds a command's arguments to its parser; the second parser holds --config/--data-dir, for
# commands that have subcommands of their own.
Arguments = Callable[[argparse.ArgumentParser, argparse.ArgumentParser], None]


class UserError(Exception):
    """A problem the user can fix; printed without a traceback, exit status 2."""


@dataclass(frozen=True)
class Command:
    """One `byline COMMAND`: its handler, its one-line help and what adds its arguments."""

    name: str
    func: Handler
    help: str
    arguments: Arguments | None = None


# ---------------------------------------------------------------- output


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def note(message: str) -> None:
    """A message for the person, on stderr, so stdout stays the command's output."""
    print(message, file=sys.stderr)


def when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "-"


def iso(ts: float | None) -> str | None:
    """A timestamp as ISO 8601 in UTC ("2026-12-07T06:00:00Z") for --json, which also keeps the
    epoch as a `*_ts` field for scripts that used it (issue 28)."""
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def one_line(text: str | None) -> str:
    """Index text (already cleaned where it entered the engine) on one line."""
    return " ".join((text or "").split())


# ---------------------------------------------------------------- config and cache


def config_path(args: argparse.Namespace) -> Path:
    return cfg.config_path(getattr(args, "config", None))


def data_dir(args: argparse.Namespace) -> Path:
    return cfg.data_dir(getattr(args, "data_dir", None))


def load_config(args: argparse.Namespace) -> Config:
    """The user's config; on first run a commented starter config is written and announced."""
    return load_config_noting(args)[0]


def load_config_noting(args: argparse.Namespace) -> tuple[Config, str]:
    """The user's config and the first-run notice ("" when the config was already there), for
    the app to show the notice too."""
    path = config_path(args)
    notice = ""
    if not path.exists():
        cfg.write_starter(path)
        notice = f"Wrote a starter config to {path} — edit it to choose your feeds."
        note(notice)
    config = cfg.load(path)
    check_keys(config)
    return config, notice


def check_keys(config: Config) -> None:
    """The config's [keys] name known bindings and bind no key twice on one screen (the keymap says
    what is wrong; this adds the file and line). No [keys], nothing to check: the defaults never
    clash (a test holds them to it), and the keymap is not loaded."""
    if not config.keys:
        return
    from reader.tui.keymap import KeymapError, validate  # plain data, no textual import

    try:
        validate(config.keys)
    except KeymapError as err:
        line = cfg.key_line(config.path, "keys", err.binding_id)
        raise ConfigError(config.path, str(err), line) from None


def open_store(args: argparse.Namespace, config: Config) -> Store:
    """The cache, its feeds brought in line with the config."""
    from reader.core.store import Store

    store = Store.in_dir(data_dir(args))
    store.sync_feeds(config.feeds)
    return store


# ---------------------------------------------------------------- failures


_CACHE_HINTS = (
    (("readonly", "unable to open"), "is read-only or cannot be opened: check its permissions"),
    (("disk is full", "disk i/o"), "cannot be written: the disk is full; nothing was half-written"),
    (("locked", "busy"), "is busy with another writer for too long; try again"),
    (
        ("not a database", "malformed"),
        "is damaged or not a Byline cache: move it away to start afresh",
    ),
)


def cache_problem(error: str, cache_dir: Path) -> str:
    """A cache failure in words a user can act on, with SQLite's own words kept."""
    lowered = error.lower()
    for needles, hint in _CACHE_HINTS:
        if any(n in lowered for n in needles):
            return f"the cache in {cache_dir} {hint} ({error})"
    return f"the cache in {cache_dir} cannot be used ({error})"


def run(func: Handler, args: argparse.Namespace) -> int:
    """Run one command; what the user can fix ends in one line on stderr and exit status 2."""
    try:
        return func(args)
    except (ConfigError, UserError) as err:
        note(f"byline: {err}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except sqlite3.DatabaseError as err:  # read-only, full, locked, corrupt, not a database
        note(f"byline: {cache_problem(str(err), data_dir(args))}")
        return EXIT_USAGE
    except PermissionError as err:
        note(f"byline: permission denied: {err.filename or err}")
        return EXIT_USAGE
    except OSError as err:
        if err.errno == 28:  # ENOSPC
            note(f"byline: the disk is full ({err.filename or 'cache'}); nothing was half-written")
            return EXIT_USAGE
        raise
