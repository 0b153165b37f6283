"""`byline sync`: sync with the [sync] server, or subscribe and unsubscribe there."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import Command, UserError, data_dir, load_config, note, print_json
from reader.core.text.words import count


def _sync_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print a machine-readable report")
    p.add_argument("--subscribe", metavar="URL", help="subscribe on the server, then sync")
    p.add_argument("--folder", metavar="NAME", help="the server folder for --subscribe")
    p.add_argument("--unsubscribe", metavar="URL", help="unsubscribe a server feed")


def cmd_sync(args: argparse.Namespace) -> int:
    """Sync with the [sync] server, or subscribe/unsubscribe there."""
    from reader.core import sync as syncing

    config = load_config(args)
    try:
        if args.subscribe:
            syncing.subscribe(config, args.subscribe, args.folder)
            print(f"Subscribed to {args.subscribe} on the server; syncing")
        elif args.unsubscribe:
            title = syncing.unsubscribe(config, data_dir(args), args.unsubscribe)
            print(f"Unsubscribed from {title} on the server")
            return 0
        show = not args.json and sys.stderr.isatty()
        report = syncing.sync(config, data_dir(args), _sync_progress if show else None)
        if show:
            sys.stderr.write("\r\x1b[K")
    except (syncing.SyncAuthError, syncing.SyncConfigError, syncing.SyncUnsupported) as err:
        if args.json:  # --json promises JSON on stdout, a refused login included (issue 29)
            reason = "auth" if isinstance(err, syncing.SyncAuthError) else "config"
            print_json({"ok": False, "error": str(err), "reason": reason})
            return 2
        raise UserError(str(err)) from None
    except syncing.SyncServerError as err:
        pending = _pending_changes(args)
        if args.json:
            print_json({"ok": False, "error": str(err), "reason": err.reason, "pending": pending})
        else:
            note(
                f"byline: sync failed: {err}; {count(pending, 'local change')} kept for the next sync"
            )
        return 1
    if args.json:
        print_json(report.to_json())
    else:
        print(report.summary())
    return 0


def _pending_changes(args: argparse.Namespace) -> int:
    from reader.core.store import Store
    from reader.core.sync import queue

    with Store.in_dir(data_dir(args)) as store:
        return queue.count(store)


def _sync_progress(p) -> None:
    sys.stderr.write(f"\r\x1b[K{p.text()}")
    sys.stderr.flush()


COMMANDS = (
    Command(
        "sync", cmd_sync, "sync with the [sync] server (Google Reader API, Fever, TT-RSS, Nextcloud News)",
        _sync_arguments,
    ),
)  # fmt: skip
