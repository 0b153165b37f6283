"""Feeds whose source is a program, and filters a feed's bytes pass through (newsboat's `exec:`/`filter:`).

`[[feeds]] command = ["script", "arg"]`: the program's standard output is the feed.
`[[feeds]] filter = ["prog", "arg"]`: the fetched bytes go to the program's standard input and what it writes is
parsed instead. Both come only from the user's own config (never from OPML or feed content) and run through
reader.core.programs (argv only, the feed's timeout and size cap, killed with Byline); a failure is the feed's error.
"""

from __future__ import annotations

import asyncio

from reader.core import programs
from reader.core.feeds.fetch import FetchResult


async def run_command(
    argv: tuple[str, ...], url: str, timeout: float, max_bytes: int
) -> FetchResult:
    """The feed a program writes, as a fetch result; never raises."""
    ran = await asyncio.to_thread(programs.run, argv, None, timeout, max_bytes)
    if not ran.ok:
        return FetchResult(url, "error", error=ran.error)
    return FetchResult(url, "ok", body=ran.output, nbytes=len(ran.output), final_url=url)


async def apply_filter(
    argv: tuple[str, ...], result: FetchResult, timeout: float, max_bytes: int
) -> FetchResult:
    """The fetched body through the filter program; the validators of the fetch are kept."""
    ran = await asyncio.to_thread(programs.run, argv, result.body, timeout, max_bytes)
    if not ran.ok:
        return FetchResult(result.url, "error", error=ran.error)
    return FetchResult(
        result.url,
        "ok",
        http_status=result.http_status,
        body=ran.output,
        content_type="",  # the filter decides what the bytes are now
        etag=result.etag,
        last_modified=result.last_modified,
        moved_to=result.moved_to,
        final_url=result.final_url,
        nbytes=result.nbytes,
    )
