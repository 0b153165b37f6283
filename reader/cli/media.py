"""`byline downloads`: the queue of podcast episodes and videos saved for offline listening."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import Command, UserError, load_config, note, open_store, print_json
from reader.core.text.words import count


def _downloads_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument("--add", type=int, metavar="ENTRY", help="queue the entry's enclosures")
    p.add_argument("--remove", type=int, metavar="ID", help="take a download off the queue")
    p.add_argument("--run", action="store_true", help="download what is queued, then list")
    p.add_argument("--json", action="store_true")


def cmd_downloads(args: argparse.Namespace) -> int:
    """List the download queue; queue an entry's enclosures, run the queue, or remove one."""
    from reader.core.media import downloads

    config = load_config(args)
    with open_store(args, config) as store:
        if args.add is not None:
            try:
                queued = downloads.queue_entry(store, config.settings, args.add)
            except ValueError as err:
                raise UserError(str(err)) from None
            if not args.json:
                print(
                    f"Queued {count(len(queued), 'download')}: {', '.join(q.path for q in queued)}"
                )
        if args.remove is not None:
            if store.download(args.remove) is None:
                raise UserError(f"no download {args.remove} (see: byline downloads)")
            store.remove_download(args.remove)
        if args.run:
            settings = config.settings
            show = sys.stderr.isatty() and not args.json
            finished = downloads.run_queue(
                store, settings.timeout_s, int(settings.max_download_mb * 1024 * 1024),
                _progress if show else None,
            )  # fmt: skip
            if show:
                sys.stderr.write("\r\x1b[K")
            failed = [d for d in finished if d.status == "failed"]
            if not args.json:
                print(
                    f"{count(len(finished) - len(failed), 'download')} done, {len(failed)} failed"
                )
            for item in failed:
                note(f"byline: {item.url}: {item.error}")
        rows = store.downloads()
    if args.json:
        print_json([_as_json(d) for d in rows])
    elif not rows:
        print("The download queue is empty (queue an episode with: byline downloads --add ENTRY)")
    else:
        for d in rows:
            print(_line(d))
    return 1 if args.run and any(d.status == "failed" for d in rows) else 0


def _line(d) -> str:
    size = f"{d.done:,}/{d.total:,} B" if d.total else f"{d.done:,} B"
    why = f"  ({d.error})" if d.error else ""
    return f"{d.id:>4}  {d.status:<7}  {size:>22}  {d.path}{why}"


def _as_json(d) -> dict:
    return {
        "id": d.id, "entry_id": d.entry_id, "url": d.url, "path": d.path, "status": d.status,
        "bytes": d.done, "total": d.total, "sha256": d.sha256, "error": d.error,
    }  # fmt: skip


def _progress(p) -> None:
    total = f" of {p.total:,}" if p.total else ""
    sys.stderr.write(f"\r\x1b[Kdownload {p.download_id}: {p.done:,}{total} bytes")
    sys.stderr.flush()


COMMANDS = (
    Command(
        "downloads", cmd_downloads, "list, queue and run downloads of podcast episodes and videos",
        _downloads_arguments,
    ),
)  # fmt: skip
