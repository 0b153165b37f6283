"""Read what is pending before answering who said what (issue 30).

`byline refresh` reads quotes within a share of its own time, so after it (from cron, or a
first refresh of many feeds) entries may be left unread; `byline people` and `byline quotes
--speaker` read them first, so a CLI user sees everyone without a detour (`--index` was the
detour). On a terminal a progress bar is drawn on one line; otherwise plain lines, one per
tenth, so a log stays readable. Pure engine code: the CLI passes its stream.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from reader.core.quotes.index import Progress, backfill, pending_count

if TYPE_CHECKING:
    from reader.core.store import Store

_BAR = 24


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
        return backfill(store)
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

    done = backfill(store, progress=tell)
    if on_tty:
        stream.write("\r\x1b[K")  # the bar goes: what follows is the answer
        stream.flush()
    return done
