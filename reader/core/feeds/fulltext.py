"""Whole articles for offline reading: fetch an entry's page with the engine's own HTTP
client (same limits as feeds), extract the article, keep it (or why it failed) in the cache.

A page is fetched once: a recorded failure is not retried by refreshes (no loops on a
paywall); `fetch_text` (the app's `F`, `byline fetch-text`) always tries again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from reader.core.config import Config
from reader.core.feeds.fetch import Fetcher
from reader.core.store import FullText, Store
from reader.core.text.extract import Extracted, ExtractError, extract_article
from reader.core.text.sanitize import clean_line, clean_url, is_openable

Runner = Callable[..., Awaitable]
HTML_TYPES = ("text/html", "application/xhtml")


def extract_or_reason(
    body: bytes, url: str, selector: str | None = None, summary: str | None = None
) -> tuple[Extracted | None, str | None]:
    """Extraction that returns its failure instead of raising (it may run in another process).

    ``selector`` is the feed's ``full_text_selector``; ``summary`` the feed's own text of the
    entry, which the extractor uses to notice an article it cut short (issue 25)."""
    try:
        return extract_article(body, url, selector=selector, summary=summary), None
    except ExtractError as err:
        return None, str(err)
    except Exception as err:  # noqa: BLE001 - a library bug on one page must not stop a refresh
        return None, f"extraction failed: {type(err).__name__}: {err}"


async def fetch_one(
    store: Store,
    fetcher: Fetcher,
    run: Runner,
    entry_id: int,
    selectors: dict[str, str] | None = None,
) -> FullText:
    """Fetch, extract and store the full text of one entry; the outcome is always stored.

    ``selectors`` maps a feed URL to its ``full_text_selector`` (see `feed_selectors`)."""
    entry = store.entry(entry_id)
    if entry is None:
        raise KeyError(entry_id)
    selector = _selector_of(store, entry.feed_id, selectors or {})
    url = entry.link
    now = time.time()
    if not is_openable(url):
        text = FullText(
            entry_id, url, "", None, None, None, now, "error", "the entry has no http(s) link"
        )
        store.save_fulltext(text)
        return text
    result = await fetcher.fetch(url)
    if result.status != "ok":
        reason = result.error or f"HTTP {result.http_status}"
        text = FullText(entry_id, url, "", None, None, None, now, "error", reason)
    else:
        mime = result.content_type.split(";")[0].strip().lower()
        if mime and not mime.startswith(HTML_TYPES):
            extracted, reason = None, f"not an HTML page ({mime})"
        else:
            extracted, reason = await run(
                extract_or_reason, result.body, result.final_url or url, selector,
                entry.summary or entry.content or None,
            )  # fmt: skip
        if extracted is None:
            text = FullText(entry_id, url, "", None, None, None, now, "error", reason)
        else:
            # Page metadata is shown as labels: clean it where it enters (GUIDE §4), bidi
            # overrides and zero-width characters included.
            text = FullText(
                entry_id, clean_url(result.final_url or url), extracted.html,
                clean_line(extracted.title) or None, clean_line(extracted.byline) or None,
                clean_line(extracted.date) or None, now, "ok", None,
            )  # fmt: skip
    store.save_fulltext(text)
    return text


async def fill_missing(
    store: Store, config: Config, fetcher: Fetcher, run: Runner, include_saved: bool
) -> tuple[int, int]:
    """Fetch full texts never tried yet for feeds with full_text on (and saved entries when
    asked). Returns (fetched, failed)."""
    settings = config.settings
    feed_ids = []
    for fc in config.feeds:
        feed = store.feed_by_url(fc.url)
        if feed is not None and fc.setting(settings, "full_text"):
            feed_ids.append(feed.id)
    wanted = store.missing_fulltexts(feed_ids, include_saved=include_saved)
    selectors = feed_selectors(config)
    results = await asyncio.gather(*(fetch_one(store, fetcher, run, i, selectors) for i in wanted))
    failed = sum(1 for r in results if r.status != "ok")
    return len(results) - failed, failed


def fetch_text(config: Config, data_dir: Path, entry_id: int) -> FullText:
    """Fetch one entry's full text now (the app's `F` in a worker, `byline fetch-text`)."""

    async def main() -> FullText:
        with Store.in_dir(data_dir) as store:
            async with Fetcher.from_settings(config.settings) as fetcher:
                return await fetch_one(store, fetcher, _in_thread, entry_id, feed_selectors(config))

    return asyncio.run(main())


def feed_selectors(config: Config) -> dict[str, str]:
    """Feed URL -> its `full_text_selector`, for the feeds that set one."""
    return {fc.url: fc.full_text_selector for fc in config.feeds if fc.full_text_selector}


def _selector_of(store: Store, feed_id: int, selectors: dict[str, str]) -> str | None:
    """The selector configured for the feed an entry came from, if any."""
    if not selectors:
        return None
    feed = store.feed(feed_id)
    return selectors.get(feed.url) if feed is not None else None


async def _in_thread(func, *args):
    return await asyncio.to_thread(func, *args)
