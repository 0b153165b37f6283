"""One sync at a time per cache: a lock file beside the database that the app and the CLI both
take (issue 29: the app's timer and a cron `byline sync` running together lost the last of
save, unsave, save). The lock is an flock(2) on `sync.lock`: the kernel drops it when the
holder exits or is killed, so a crashed sync never leaves a stale lock. The second sync waits
briefly, then says a sync is busy (nothing local is lost: its queue waits)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.core.sync.base import SyncServerError

LOCK_NAME = "sync.lock"
WAIT_S = 5.0


class SyncBusy(SyncServerError):
    """Another sync of the same cache is running."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "busy")


@contextmanager
def sync_lock(data_dir: Path, wait_s: float | None = None) -> Iterator[None]:
    """Hold the cache's sync lock, waiting up to wait_s (default WAIT_S) for another sync."""
    wait_s = WAIT_S if wait_s is None else wait_s
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    raise SyncBusy(
                        f"another sync of this cache is running{holder}; this one did not start"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing drops the lock


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 20, 0).decode().strip()
    except OSError:
        return ""
    return f" (process {pid})" if pid.isdigit() else ""
