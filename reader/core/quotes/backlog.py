"""Read what is pending before answering who said what (issue 30).

`byline refresh` reads quotes within a share of its own time, so after it (from cron, or a
first refresh of many feeds) entries may be left unread; `byline people` and `byline quotes
--speaker` read them first, so a CLI user sees everyone without a detour (`--index` was the
detour). On a terminal a progress bar is drawn on one line; otherwise plain lines, one per
tenth, so a log stays readable. Pure engine code: the CLI passes its stream.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from reader.core.quotes.index import (
    Progress,
    backfill,
    pending,
    pending_count,
    read_entries,
    write_entries,
)

if TYPE_CHECKING:
    from reader.core.store import Store

_BAR = 24
PARALLEL_FROM = 256  # pending entries from which a second process pays for its start (fork: ~20 ms)
_CHUNK = 32


def bar_line(p: Progress) -> str:
    """`reading quotes [######------------------]  250/1,000 entries` (one terminal line)."""
    share = p.done / p.total if p.total else 1.0
    full = round(share * _BAR)
    return f"reading quotes [{'#' * full}{'-' * (_BAR - full)}] {p.done:,}/{p.total:,} entries"


def catch_up(store: Store, stream: TextIO | None, tty: bool | None = None) -> int:
    """Index every pending entry, telling `stream` how far it is (None: silently).
    Returns how many entries were read. `tty` overrides `stream.isatty()` (tests)."""
    if pending_count(store) == 0:
        return 0
    if stream is None:
        return read_all(store)
    on_tty = stream.isatty() if tty is None else tty
    last = [-1]

    def tell(p: Progress) -> None:
        if on_tty:
            stream.write("\r" + bar_line(p))
            stream.flush()
            return
        tenth = 10 if p.done >= p.total else p.done * 10 // max(p.total, 1)
        if tenth != last[0]:  # plain lines: the start, each tenth, the end
            last[0] = tenth
            stream.write(f"reading quotes: {p.done:,}/{p.total:,} entries\n")
            stream.flush()

    done = read_all(store, progress=tell)
    if on_tty:
        stream.write("\r\x1b[K")  # the bar goes: what follows is the answer
        stream.flush()
    return done


def read_all(store: Store, progress: Callable[[Progress], None] | None = None) -> int:
    """Index every pending entry. Rendering an entry (html2text) and finding its quotes is CPU work, ~5 ms an
    entry, so with many pending and more than one core the reading is shared with worker processes (forked, each
    with its own read-only connection) while this one writes what they read, in short transactions."""
    workers = min(os.cpu_count() or 1, 4)
    total = pending_count(store)
    if workers < 2 or total < PARALLEL_FROM:
        return backfill(store, progress=progress)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ids = pending(store, total + _CHUNK)
    chunks = [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]
    context = multiprocessing.get_context("fork")  # the finder and renderer are loaded once, here
    _load_finder()
    done = 0
    if progress:
        progress(Progress(0, len(ids)))
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_open, initargs=(str(store.path),)
    ) as pool:
        for read in pool.map(_read, chunks):
            write_entries(store, read)
            done += len(read)
            if progress:
                progress(Progress(min(done, len(ids)), len(ids)))
    return done


def _load_finder() -> None:
    from reader.core.quotes import extract  # noqa: F401 - imported before the fork, so each worker has it
    from reader.core.quotes.articles import render_entry  # noqa: F401


_worker_store: Store | None = None


def _open(path: str) -> None:
    global _worker_store
    from reader.core.store import Store

    _worker_store = Store(Path(path))


def _read(entry_ids: list[int]) -> list[tuple[int, str, list[tuple]]]:
    return read_entries(_worker_store, entry_ids)
