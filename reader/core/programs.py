"""Running the user's programs: the one way Byline starts a command from the config.

Feeds made by a program and filters (`command`, `filter`), `notify_command` and the article pipes (`pipe_commands`)
all come here. A program is an argv list, never a shell string, so nothing a feed or a title says can become a
command or an argument. Each run has a timeout and a cap on what it may write; a timeout stops the program's whole
process group (what it started too), and on Linux the program is killed if Byline dies (`setpriv --pdeathsig`), so a
killed refresh leaves nothing running. The outcome says in one line what went wrong, with the last line the program
wrote on standard error.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass

_STDERR_KEEP = 4096


@dataclass(frozen=True, slots=True)
class Ran:
    """What a program did: its output, or `error` (one line) when it failed."""

    output: bytes = b""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run(
    argv: Sequence[str],
    stdin: bytes | None = None,
    timeout: float = 30.0,
    max_output: int = 20_000_000,
) -> Ran:
    """Run `argv` with `stdin`; its standard output, or why it failed. Never raises for the program's faults."""
    name = _shown(argv[0]) if argv else "(no program)"
    if not argv or shutil.which(argv[0]) is None:
        why = (
            "cannot be run (permission denied)" if argv and os.path.exists(argv[0]) else "not found"
        )
        return Ran(error=f"{name} {why}")
    try:
        proc = subprocess.Popen(  # noqa: S603 - an argv list from the user's own config
            _guarded(argv),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout stops what it started too
        )
    except OSError as err:
        return Ran(error=f"cannot run {name}: {err.strerror or err}")
    out, err, over = _collect(proc, stdin, max_output, timeout)
    if over == "timeout":
        return Ran(error=f"{name} timed out after {timeout:g} s")
    if over == "cap":
        return Ran(error=f"{name} wrote over the {max_output:,}-byte cap")
    if proc.returncode != 0:
        said = _last_line(err)
        code = proc.returncode
        how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        return Ran(error=f"{name} {how}" + (f": {said}" if said else ""))
    return Ran(output=out)


def first_line(data: bytes) -> str:
    """The first non-blank line of a program's output, safe to show."""
    from reader.core.text.sanitize import clean_line

    for line in data.decode("utf-8", "replace").splitlines():
        if line.strip():
            return clean_line(line)[:200]
    return ""


def _guarded(argv: Sequence[str]) -> list[str]:
    """The program under `setpriv --pdeathsig KILL` where there is one: it dies with Byline."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--", *argv] if setpriv else list(argv)


def _collect(proc: subprocess.Popen, stdin: bytes | None, cap: int, timeout: float):
    """Feed stdin and read both pipes in threads, so neither can fill and stall the program."""
    out: list[bytes] = []
    err = [b""]
    over: list[str] = []

    def feed() -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            if stdin:
                proc.stdin.write(stdin)
            proc.stdin.close()

    def read_out() -> None:
        size = 0
        while chunk := proc.stdout.read1(65536):
            size += len(chunk)
            if size > cap:
                over.append("cap")
                _kill(proc)
                return
            out.append(chunk)

    def read_err() -> None:
        while chunk := proc.stderr.read1(65536):
            err[0] = (err[0] + chunk)[-_STDERR_KEEP:]

    threads = [
        threading.Thread(target=read_out, daemon=True),
        threading.Thread(target=read_err, daemon=True),
    ]
    if stdin is not None:
        threads.append(threading.Thread(target=feed, daemon=True))
    for thread in threads:
        thread.start()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        over.append("timeout")
        _kill(proc)
        proc.wait()
    for thread in threads:
        thread.join(5)
    for pipe in (proc.stdout, proc.stderr):
        with contextlib.suppress(OSError):
            pipe.close()
    return b"".join(out), err[0], (over[0] if over else None)


def _kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _shown(name: str) -> str:
    from reader.core.text.sanitize import clean_line

    return clean_line(name)


def _last_line(err: bytes) -> str:
    from reader.core.text.sanitize import clean_line

    lines = [ln for ln in err.decode("utf-8", "replace").splitlines() if ln.strip()]
    return clean_line(lines[-1])[:200] if lines else ""
