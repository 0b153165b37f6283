"""A refresh, or the quote index's backfill, in a child process, for callers that must stay
responsive (the app).

A refresh is CPU work in Python (HTTP machinery, parsing, storing), and in
the app's process it competed with the UI for the GIL: keys took over 100 ms to show while 100
feeds refreshed. In a child process it competes with nothing. The parent sends the arguments
and reads back pickled progress and the report: both ends are this module, so the pickles are
trusted. A crash of the child becomes a RuntimeError with its last words, never a hang.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from reader.core.config import Config
from reader.core.feeds.refresh import Progress, RefreshReport, refresh


def refresh_in_child(
    config: Config,
    data_dir: Path,
    urls: Sequence[str] | None = None,
    *,
    force: bool = False,
    only_due: bool = False,
    full_text: bool = False,
    progress: Callable[[Progress], None] | None = None,
) -> RefreshReport:
    """`refresh()` with the same arguments, run by `python -m reader.core.background`."""
    args = (config, Path(data_dir), list(urls) if urls else None, force, only_due, full_text)
    report = _run_child("refresh", args, progress)
    if not isinstance(report, RefreshReport):
        raise RuntimeError(f"the refresh process answered {type(report).__name__}")
    return report


def index_quotes_in_child(
    data_dir: Path,
    progress: Callable[[object], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> int:
    """`quoteindex.backfill()` in a child process; returns the number of entries read.

    A backfill of a large cache is minutes of CPU in Python (the quote finder on every
    entry); in a thread of the app it took the GIL from the UI, so it runs here, niced, like a
    refresh. `stop()` is asked at every progress frame; true kills the child (each batch is
    its own transaction, so nothing half-written stays)."""
    return int(_run_child("index", (Path(data_dir),), progress, stop) or 0)


def _run_child(job: str, args: tuple, progress, stop=None) -> object:
    """Run `job` in `python -m reader.core.background`; its result, or RuntimeError."""
    # stderr goes to a file, not a pipe: a chatty child can never block on it.
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(
            # -P: a folder named "reader" in the working directory must not shadow Byline.
            [sys.executable, "-P", "-m", "reader.core.background", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        ) as child:
            assert child.stdin is not None and child.stdout is not None
            pickle.dump((job, args), child.stdin)
            child.stdin.close()

            def stopped() -> bool:
                if stop is not None and stop():
                    child.kill()
                    return True
                return False

            report, error = _read_frames(child.stdout, progress, stopped)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    if report is None and not (stop is not None and stop()):
        last = error or stderr.strip().splitlines()[-1:] or [f"exit status {child.returncode}"]
        raise RuntimeError(f"the {job} process failed: {''.join(last)}")
    return report


def _read_frames(stream, progress, stopped=lambda: False) -> tuple[object, str]:
    """Progress frames to the callback, until the report (or an error, or the end)."""
    report, error = None, ""
    while True:
        try:
            kind, payload = pickle.load(stream)
        except EOFError:
            return report, error
        if kind == "progress":
            if progress is not None:
                progress(payload)
            if stopped():
                return None, ""
        elif kind == "report":
            report = payload
        elif kind == "error":
            error = payload


def _die_with_parent(parent: int) -> None:
    """Never outlive the app (issue 12): a refresh whose reader is gone would go on fetching
    and writing for nobody. On Linux the kernel kills this process when the parent dies
    (PR_SET_PDEATHSIG); elsewhere, and as a second line, a thread watches the parent's pid."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before the line above took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="byline-parent-watch", daemon=True).start()


def _main() -> None:
    if len(sys.argv) > 1:
        _die_with_parent(int(sys.argv[1]))
    out = sys.stdout.buffer

    def send(kind: str, payload: object) -> None:
        pickle.dump((kind, payload), out)
        out.flush()

    job, args = pickle.load(sys.stdin.buffer)
    # Background work: the reader in front (and its keys) comes first for the CPU, and so
    # does everything else the user runs.
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)
    try:
        report = _JOBS[job](*args, progress=lambda p: send("progress", p))
    except Exception as err:  # noqa: BLE001 - reported to the parent, which raises it
        send("error", f"{type(err).__name__}: {err}")
        return
    send("report", report)


def _refresh_job(config, data_dir, urls, force, only_due, full_text, progress) -> RefreshReport:
    report = refresh(
        config, data_dir, urls, force=force, only_due=only_due, full_text=full_text,
        progress=progress,
    )  # fmt: skip
    from reader.core.media.images import (
        keep_pictures,  # saved and full-text articles show them offline
    )
    from reader.core.store import Store

    with Store.in_dir(data_dir) as store:
        keep_pictures(store, config, data_dir)
    return report


def _index_job(data_dir: Path, progress) -> int:
    from reader.core.quotes import index as quoteindex
    from reader.core.store import Store

    with Store.in_dir(data_dir) as store:
        return quoteindex.backfill(store, progress=progress)


_JOBS = {"refresh": _refresh_job, "index": _index_job}


if __name__ == "__main__":
    _main()
