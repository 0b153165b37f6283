"""Feeds whose source is a program, and filters a feed's bytes pass through (newsboat's `exec:`/`filter:`).

`[[feeds]] command = ["script", "arg"]`: the program's standard output is the feed.
`[[feeds]] filter = ["prog", "arg"]`: the fetched bytes go to the program's standard input and what it writes is
parsed instead. Both come only from the user's own config (never from OPML or feed content) and run as an argv list,
never through a shell, so a `;`, `$(…)` or backquote in an argument is just text. Each run has the feed's timeout and
size cap; on Linux the program is also killed if Byline dies (`setpriv --pdeathsig`), so a killed refresh leaves
nothing behind. A non-zero exit, a timeout or an over-size output is the feed's error, with the last line the program
wrote on standard error.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal

from reader.core.feeds.fetch import FetchResult
from reader.core.text.sanitize import clean_line

_STDERR_KEEP = 4096


def _argv(argv: tuple[str, ...]) -> list[str]:
    """The program under `setpriv --pdeathsig KILL` where there is one: it dies with us."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--", *argv] if setpriv else list(argv)


async def run_command(
    argv: tuple[str, ...], url: str, timeout: float, max_bytes: int, stdin: bytes | None = None
) -> FetchResult:
    """Run `argv` (feeding it `stdin`), its output as a fetch result; never raises."""
    name = argv[0]
    if shutil.which(name) is None:  # said here: under setpriv it would only be "status 127"
        why = "not executable" if os.path.exists(name) else "not found"
        return FetchResult(url, "error", error=f"command {why}: {clean_line(name)}")
    try:
        proc = await asyncio.create_subprocess_exec(
            *_argv(argv),
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout kills what it started too
        )
    except FileNotFoundError:
        return FetchResult(url, "error", error=f"command not found: {clean_line(name)}")
    except PermissionError:
        return FetchResult(url, "error", error=f"command not executable: {clean_line(name)}")
    except OSError as err:
        return FetchResult(url, "error", error=f"cannot run {clean_line(name)}: {err.strerror}")
    try:
        out, err, code = await asyncio.wait_for(_collect(proc, stdin, max_bytes), timeout)
    except TimeoutError:
        _kill(proc)
        await proc.wait()
        return FetchResult(url, "error", error=f"{clean_line(name)} timed out after {timeout:g} s")
    except _TooLarge:
        _kill(proc)
        await proc.wait()
        return FetchResult(
            url, "error", error=f"{clean_line(name)} wrote over the {max_bytes:,}-byte cap"
        )
    if code != 0:
        said = _last_line(err)
        how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        return FetchResult(
            url, "error", error=f"{clean_line(name)} {how}" + (f": {said}" if said else "")
        )
    return FetchResult(url, "ok", body=out, nbytes=len(out), final_url=url)


async def apply_filter(
    argv: tuple[str, ...], result: FetchResult, timeout: float, max_bytes: int
) -> FetchResult:
    """The fetched body through the filter program; the validators of the fetch are kept."""
    filtered = await run_command(argv, result.url, timeout, max_bytes, stdin=result.body)
    if filtered.status != "ok":
        return filtered
    return FetchResult(
        result.url,
        "ok",
        http_status=result.http_status,
        body=filtered.body,
        content_type="",  # the filter decides what the bytes are now
        etag=result.etag,
        last_modified=result.last_modified,
        moved_to=result.moved_to,
        final_url=result.final_url,
        nbytes=result.nbytes,
    )


class _TooLarge(Exception):
    pass


async def _collect(proc: asyncio.subprocess.Process, stdin: bytes | None, max_bytes: int):
    """Standard output up to the cap, the tail of standard error, the exit status."""

    async def feed() -> None:
        if stdin is None or proc.stdin is None:
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            proc.stdin.write(stdin)
            await proc.stdin.drain()
        proc.stdin.close()

    async def read_out() -> bytes:
        chunks, size = [], 0
        while chunk := await proc.stdout.read(65536):
            size += len(chunk)
            if size > max_bytes:
                raise _TooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    async def read_err() -> bytes:
        tail = b""
        while chunk := await proc.stderr.read(65536):
            tail = (tail + chunk)[-_STDERR_KEEP:]
        return tail

    _, out, err = await asyncio.gather(feed(), read_out(), read_err())
    return out, err, await proc.wait()


def _kill(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _last_line(err: bytes) -> str:
    lines = [ln for ln in err.decode("utf-8", "replace").splitlines() if ln.strip()]
    return clean_line(lines[-1])[:200] if lines else ""
