"""A refresh in a child process, for callers that must stay responsive (the app).

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
from reader.core.refresh import Progress, RefreshReport, refresh


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
    """`refresh()` with the same arguments, run by `python -m reader.core.refresh_child`."""
    args = (config, Path(data_dir), list(urls) if urls else None, force, only_due, full_text)
    # stderr goes to a file, not a pipe: a chatty child can never block on it.
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(
            # -P: a folder named "reader" in the working directory must not shadow Byline.
            [sys.executable, "-P", "-m", "reader.core.refresh_child", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        ) as child:
            assert child.stdin is not None and child.stdout is not None
            pickle.dump(args, child.stdin)
            child.stdin.close()
            report, error = _read_frames(child.stdout, progress)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    if report is None:
        last = error or stderr.strip().splitlines()[-1:] or [f"exit status {child.returncode}"]
        raise RuntimeError(f"the refresh process failed: {''.join(last)}")
    return report


def _read_frames(stream, progress) -> tuple[RefreshReport | None, str]:
    """Progress frames to the callback, until the report (or an error, or the end)."""
    report, error = None, ""
    while True:
        try:
            kind, payload = pickle.load(stream)
        except EOFError:
            return report, error
        if kind == "progress" and progress is not None:
            progress(payload)
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

    config, data_dir, urls, force, only_due, full_text = pickle.load(sys.stdin.buffer)
    # Background work: the reader in front (and its keys) comes first for the CPU, and so
    # does everything else the user runs.
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)
    try:
        report = refresh(
            config, data_dir, urls, force=force, only_due=only_due, full_text=full_text,
            progress=lambda p: send("progress", p),
        )  # fmt: skip
    except Exception as err:  # noqa: BLE001 - reported to the parent, which raises it
        send("error", f"{type(err).__name__}: {err}")
        return
    send("report", report)


if __name__ == "__main__":
    _main()
