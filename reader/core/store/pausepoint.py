"""A test seam: stop a process at a named point of its write path, so a test can kill it there.

Crash tests (tests/test_nothing_lost.py) must kill `byline refresh` *inside* a write
transaction, between two commits, inside the prune: a kill after a timed sleep lands wherever
the machine's load puts it (issue 18). With two environment variables set, the process stops
at an exact point instead:

    BYLINE_PAUSE_AT=store_entries:3      # the 3rd time this process reaches that point
    BYLINE_PAUSE_READY=/tmp/x/ready      # written ("<pid> <point> <n>") once it has stopped

The stopped process waits, touching nothing, until the ready file is removed (it then goes
on) or it is killed; after `MAX_PAUSE_S` it goes on by itself, so a forgotten one never hangs.

Points (all in reader/core/store/__init__.py, the write path every refresh takes):

- ``store_entries``: inside a feed's write transaction, its rows inserted, nothing committed;
- ``update_feed``: a feed's entries committed, its feed row (status, validators) not yet;
- ``prune``: inside the prune's transaction, rows deleted, nothing committed;
- ``import_entries`` (reader/core/store/imports.py): inside an import's one transaction, a
  feed's entries inserted, nothing committed.

Unset (always, outside tests) the variables are read once at import and `pause_point` is a
single comparison; nothing else in Byline reads them.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

MAX_PAUSE_S = 300.0

_SPEC = os.environ.get("BYLINE_PAUSE_AT") or None
_READY = os.environ.get("BYLINE_PAUSE_READY") or None
_counts: dict[str, int] = {}
_lock = threading.Lock()


def _parse(spec: str) -> tuple[str, int]:
    name, _, nth = spec.partition(":")
    return name.strip(), int(nth) if nth.strip() else 1


def pause_point(name: str) -> None:
    """Stop here if BYLINE_PAUSE_AT names this point and this is its n-th passage."""
    if _SPEC is None:
        return
    _pause(name)


def _pause(name: str) -> None:
    wanted, nth = _parse(_SPEC)
    if name != wanted or _READY is None:
        return
    with _lock:
        _counts[name] = _counts.get(name, 0) + 1
        if _counts[name] != nth:
            return
    ready = Path(_READY)
    partial = ready.with_name(ready.name + ".tmp")
    partial.write_text(f"{os.getpid()} {name} {nth}\n", encoding="utf-8")
    partial.replace(ready)  # the test sees the whole line or nothing
    deadline = time.monotonic() + MAX_PAUSE_S
    while ready.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
