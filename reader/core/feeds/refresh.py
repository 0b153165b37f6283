"""Refreshing feeds: download concurrently, parse in a second process where there is a
second core (else in the writer thread), store in one thread beside the downloads, in short
transactions, and record on each feed what happened and when to try it next.

`refresh()` is synchronous and owns its event loop, its HTTP client and its own Store
connection, so the app can run it in a thread worker and cron can run it as `byline refresh`
while the app is open.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.config import Config, FeedConfig
from reader.core.feeds.fetch import Fetcher, FetchResult
from reader.core.store import Feed, Store, StoreResult
from reader.core.text.words import count

if TYPE_CHECKING:
    from reader.core.text.records import ParsedFeed

MAX_BACKOFF_S = 24 * 3600
MIN_BACKOFF_S = 5 * 60


@dataclass(slots=True)
class FeedOutcome:
    url: str
    title: str
    status: str  # ok | not_modified | error | skipped
    new: int = 0
    updated: int = 0
    nbytes: int = 0
    http_status: int | None = None
    error: str | None = None


@dataclass(slots=True)
class RefreshReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)
    seconds: float = 0.0
    fulltexts: int = 0
    fulltext_errors: int = 0
    rules_seconds: float = 0.0  # time the [[rules]] and dedupe took, inside `seconds`
    quote_seconds: float = 0.0  # time finding quotes of stored entries took, inside `seconds`
    quotes_indexed: int = 0  # entries whose quotes were indexed (the rest: backfill)
    notify_error: str | None = None  # notify_command failed (never fatal)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def new(self) -> int:
        return sum(o.new for o in self.outcomes)

    @property
    def nbytes(self) -> int:
        return sum(o.nbytes for o in self.outcomes)

    def summary(self) -> str:
        line = (
            f"{self.count('ok')} ok, {self.count('not_modified')} not modified,"
            f" {self.count('error')} failed"
        )
        if self.count("skipped"):
            line += f", {self.count('skipped')} skipped"
        line += f"; {count(self.new, 'new entry', 'new entries')}"
        line += f", {_human_bytes(self.nbytes)} in {self.seconds:.2f} s"
        if self.fulltexts or self.fulltext_errors:
            line += f"; {count(self.fulltexts, 'full text')} ({self.fulltext_errors} failed)"
        if self.notify_error:
            line += f"; {self.notify_error}"
        return line

    def to_json(self) -> dict:
        return {
            "feeds": len(self.outcomes),
            "ok": self.count("ok"),
            "not_modified": self.count("not_modified"),
            "failed": self.count("error"),
            "skipped": self.count("skipped"),
            "new_entries": self.new,
            "bytes": self.nbytes,
            "seconds": round(self.seconds, 3),
            "fulltexts": self.fulltexts,
            "fulltext_errors": self.fulltext_errors,
            "rules_seconds": round(self.rules_seconds, 3),
            "quote_seconds": round(self.quote_seconds, 3),
            "quotes_indexed": self.quotes_indexed,
            "notify_error": self.notify_error,
            "outcomes": [asdict(o) for o in self.outcomes],
        }


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    new: int
    last: FeedOutcome | None = None


def _human_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


# ---------------------------------------------------------------- scheduling (pure)


def backoff_delay(failures: int, interval_s: float) -> float:
    """Wait longer after each failure in a row: interval, 2x, 4x ... capped at a day."""
    base = max(interval_s, MIN_BACKOFF_S)
    return min(base * 2 ** max(failures - 1, 0), MAX_BACKOFF_S)


def next_due_after_failure(
    now: float, failures: int, interval_s: float, retry_after: float | None
) -> float:
    due = now + backoff_delay(failures, interval_s)
    if retry_after is not None:
        due = max(due, now + retry_after)
    return due


def in_backoff(feed: Feed, now: float) -> bool:
    return feed.failures > 0 and feed.next_due > now


# ---------------------------------------------------------------- the worker thread


FINDER_IMPORT_S = 0.25  # CPU of loading the quote finder's tables (measured 0.21-0.24 s)
QUOTE_SHARE = 0.10  # of a refresh's CPU for finding quotes (measured: adds <= 15%)


class _Writer:
    """A refresh's per-feed parsing and writes, in one thread with its own connection.

    SQLite and libxml2 work without holding the GIL, so the event loop keeps the downloads
    moving while a feed is parsed and stored (on the loop itself, storing was a third of a
    100-feed refresh). With a second core, a forked child parses (parseworker.py), driven
    from a thread of its own, so feed n+1 is parsed while feed n is stored (issue 24); the
    old process pool cost more to start than it saved (issue 12), a fork costs milliseconds."""

    def __init__(self, data_dir: Path, config: Config | None = None, parser=None) -> None:
        self._data_dir = data_dir
        self._config = config
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="byline-writer")
        self._parser = parser  # a ParseWorker, or None: parse in the writer thread
        self._parse_pool = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="byline-parse")
            if parser is not None
            else self._pool
        )
        self._store: Store | None = None
        self._closed = False
        self.new_ids: list[int] = []
        self.rules_seconds = 0.0
        self.started_cpu = time.process_time()
        self.quote_seconds = 0.0  # finding the quotes of stored entries (quoteindex)
        self.quote_cpu = 0.0  # the same in CPU time, what the share is measured in
        self.quotes_indexed = 0

    async def parse(self, body: bytes, url: str, content_type: str, limit: int) -> ParsedFeed:
        """`parse_feed` in the parse child if there is one, else in turn with the writes."""
        loop = asyncio.get_running_loop()
        if self._parser is not None:
            from reader.core.feeds.parseworker import Gone

            # Sent from a thread of its own (the pipe may be full while the child works),
            # awaited here: the next feeds are sent while this one is parsed.
            pending = await loop.run_in_executor(
                self._parse_pool, self._parser.submit, body, url, content_type, limit
            )
            try:
                return await asyncio.wrap_future(pending)
            except Gone:
                pass  # the child is gone: parse here
        from reader.core.text.parse import parse_feed  # not needed by a refresh of 304s

        return await loop.run_in_executor(self._pool, parse_feed, body, url, content_type, limit)

    async def write(self, feed_id: int, entries, values: dict, now: float) -> StoreResult:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._write, feed_id, entries, values, now)

    def _write(self, feed_id: int, entries, values: dict, now: float) -> StoreResult:
        if self._store is None:
            self._store = Store.in_dir(self._data_dir)
        stored = StoreResult()
        if entries is not None:
            # One transaction: an entry a rule hides is never visible, even for a moment.
            with self._store.transaction():
                stored = self._store.store_entries(feed_id, entries, now)
                if stored.ids and self._config is not None:
                    from reader.core.rules.engine import apply_rules

                    ruled = apply_rules(self._store, stored.ids, self._config)
                    self.rules_seconds += ruled.seconds
            self.new_ids.extend(stored.ids[stored.updated :])
        self._store.update_feed(feed_id, **values)
        if stored.ids:
            self._index_quotes(stored.ids)
        return stored

    def _index_quotes(self, entry_ids) -> None:
        """Find the quotes of the entries just stored, within QUOTE_SHARE of the refresh's
        time so far: rendering and reading an article costs several times its parsing, and a
        cold refresh of many feeds must not become several times slower. What does not fit
        stays pending for `quoteindex.backfill` (the app, `byline people --index`) and the
        next refresh."""
        # The share is of this process's CPU, not of the wall clock: on a loaded machine a
        # refresh waits longer for the same work, and its share used to grow with the wait
        # until it paid for loading the finder (0.5 s more CPU for the same feeds; issue 24).
        cpu = time.process_time()
        budget = QUOTE_SHARE * (cpu - self.started_cpu) - self.quote_cpu
        if budget <= 0:
            return
        from reader.core.quotes import finder_loaded  # the package loads its finder only on use
        from reader.core.quotes.index import index_entries

        # Entries that cannot quote are stamped without the finder (quoteindex.may_quote); the
        # others only when the share can pay for loading it, else the backfill reads them.
        render = finder_loaded() or budget >= FINDER_IMPORT_S
        now = time.monotonic()
        self.quotes_indexed += index_entries(
            self._store, list(entry_ids), deadline=now + budget, render=render
        )
        self.quote_seconds += time.monotonic() - now
        self.quote_cpu += time.process_time() - cpu

    def close(self) -> None:
        """Wait for the pending writes and close the connection (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        if self._store is not None:
            self._pool.submit(self._store.close).result()
        self._pool.shutdown()
        if self._parser is not None:
            self._parse_pool.shutdown()
            self._parser.close()


# ---------------------------------------------------------------- refresh


def refresh(
    config: Config,
    data_dir: Path,
    urls: Sequence[str] | None = None,
    *,
    force: bool = False,
    only_due: bool = False,
    full_text: bool = False,
    progress: Callable[[Progress], None] | None = None,
    fetched: dict[str, FetchResult] | None = None,
) -> RefreshReport:
    """Refresh the configured feeds (or only `urls`) into the cache in `data_dir`.

    Feeds backing off after failures are skipped unless `force`; with `only_due` (the app's
    timer) feeds not yet due are skipped too. With `full_text`, missing full texts of feeds
    that ask for them and of saved entries are fetched as well. `fetched`: downloads already
    made (by `byline add`, which proves a feed works), used instead of fetching again.
    """
    return asyncio.run(
        _refresh(config, Path(data_dir), urls, force, only_due, full_text, progress, fetched)
    )


async def _refresh(
    config, data_dir, urls, force, only_due, full_text, progress, fetched=None
) -> RefreshReport:
    started = time.monotonic()
    report = RefreshReport()
    settings = config.settings
    store = Store.in_dir(data_dir)
    writer = None
    try:
        store.sync_feeds(config.feeds)
        targets = _targets(store, config, urls, force, only_due, report)
        # Forked before this refresh starts any thread (parseworker.py says why it matters).
        writer = _Writer(data_dir, config, _parse_worker(len(targets)))
        total = len(targets) + len(report.outcomes)
        done_new = [len(report.outcomes), 0]

        def tick(outcome: FeedOutcome) -> None:
            report.outcomes.append(outcome)
            done_new[0] += 1
            done_new[1] += outcome.new
            if progress:
                progress(Progress(done_new[0], total, done_new[1], outcome))

        async with Fetcher.from_settings(settings) as fetcher:
            tasks = [
                asyncio.ensure_future(
                    _refresh_feed(
                        writer, fetcher, feed, fc, settings, tick, (fetched or {}).get(fc.url)
                    )
                )
                for feed, fc in targets
            ]
            await _all_or_none(tasks)
            writer.close()  # every feed is written before the prune below
            grew = {o.url for o in report.outcomes if o.new}  # only they can exceed their cap
            caps = {
                feed.id: fc.setting(settings, "max_items_per_feed")
                for feed, fc in targets
                if fc.url in grew
            }
            store.prune(settings.keep_days, caps)
            if full_text or any(fc.setting(settings, "full_text") for _, fc in targets):
                from reader.core.feeds.fulltext import fill_missing

                done, failed = await fill_missing(
                    store, config, fetcher, _in_thread, include_saved=full_text
                )
                report.fulltexts, report.fulltext_errors = done, failed
        report.rules_seconds = writer.rules_seconds
        report.quote_seconds = writer.quote_seconds
        report.quotes_indexed = writer.quotes_indexed
        if settings.notify_command and writer.new_ids:
            from reader.core.rules.notify import new_entries_summary, run_notify

            summary = new_entries_summary(store, writer.new_ids)
            report.notify_error = await asyncio.to_thread(
                run_notify, settings.notify_command, summary
            )
    finally:
        if writer is not None:
            writer.close()
        store.close()
    report.seconds = time.monotonic() - started
    return report


async def _all_or_none(tasks: list[asyncio.Future]) -> None:
    """Wait for every feed; if one fails (the cache cannot be written), stop the others and
    wait for them too before raising, so that none is still handing work to the writer or
    the parse child while they are closed."""
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _parse_worker(feeds: int):
    """A parse child for a refresh of several feeds, where a second core can run it."""
    if feeds < 2:
        return None
    from reader.core.feeds import parseworker

    return parseworker.ParseWorker.start() if parseworker.wanted() else None


def _targets(
    store: Store, config: Config, urls, force: bool, only_due: bool, report: RefreshReport
):
    """Which feeds to fetch now; the others are reported as skipped with the reason."""
    now = time.time()
    wanted = list(config.feeds)
    if urls:
        known = {f.url for f in config.feeds}
        for url in urls:
            if url not in known:
                report.outcomes.append(
                    FeedOutcome(
                        url, url, "error", error="not in the config (add it with: byline add URL)"
                    )
                )
        wanted = [f for f in config.feeds if f.url in set(urls)]
    targets = []
    for fc in wanted:
        feed = store.feed_by_url(fc.url)
        if feed is None:
            continue
        if not force and in_backoff(feed, now):
            when = time.strftime("%H:%M", time.localtime(feed.next_due))
            reason = (
                f"backing off after {feed.failures} failure(s) until {when} (--force to try now)"
            )
            report.outcomes.append(FeedOutcome(fc.url, feed.title, "skipped", error=reason))
        elif only_due and feed.next_due > now:
            continue
        else:
            targets.append((feed, fc))
    return targets


async def _refresh_feed(
    writer: _Writer,
    fetcher: Fetcher,
    feed: Feed,
    fc: FeedConfig,
    settings,
    tick,
    fetched: FetchResult | None = None,
) -> None:
    """Fetch, parse and store one feed; every outcome lands on the feed row."""
    interval = fc.setting(settings, "refresh_minutes") * 60
    result = fetched or await _fetch(fetcher, feed, fc, settings)
    now = time.time()
    outcome = FeedOutcome(
        fc.url, feed.title, result.status, nbytes=result.nbytes, http_status=result.http_status
    )
    moved = {"fetch_url": result.moved_to} if result.moved_to else {}
    entries = None
    if result.status == "error":
        outcome.error = result.error
        values = _failure(feed, now, interval, result.retry_after, outcome)
    elif result.status == "not_modified" or _unchanged(feed, result):
        outcome.status = "not_modified"
        values = {
            "status": "not_modified", "error": None, "http_status": result.http_status,
            "checked_at": now, "ok_at": now, "failures": 0, "next_due": now + interval,
            **_validators(result, feed),
        }  # fmt: skip
    else:
        limit = fc.setting(settings, "max_items_per_feed")
        parsed = await writer.parse(
            result.body, result.final_url or fc.url, result.content_type, limit
        )
        if parsed.error:
            outcome.status, outcome.error = "error", parsed.error
            values = _failure(feed, now, interval, None, outcome)
        else:
            entries = parsed.entries
            outcome.title = parsed.title or feed.title
            values = {
                "status": "ok", "error": parsed.warning, "http_status": result.http_status,
                "checked_at": now, "ok_at": now, "failures": 0, "next_due": now + interval,
                "title": parsed.title, "link": parsed.link, "body_hash": _digest(result.body),
                **_validators(result),
            }  # fmt: skip
    stored = await writer.write(feed.id, entries, {**values, **moved}, now)
    outcome.new, outcome.updated = stored.new, stored.updated
    outcome.title = fc.title or outcome.title or fc.url
    tick(outcome)


async def _fetch(fetcher: Fetcher, feed: Feed, fc: FeedConfig, settings) -> FetchResult:
    """The feed's bytes: downloaded, or written by its command; then through its filter."""
    timeout, max_bytes = fc.setting(settings, "timeout_s"), fc.setting(settings, "max_bytes")
    if fc.command or fc.filter:
        from reader.core.feeds import commands  # only configs with programs load it

        if fc.command:
            result = await commands.run_command(fc.command, fc.url, timeout, max_bytes)
        else:
            result = await _download(fetcher, feed, timeout, max_bytes)
        if fc.filter and result.status == "ok":
            result = await commands.apply_filter(fc.filter, result, timeout, max_bytes)
        return result
    return await _download(fetcher, feed, timeout, max_bytes)


async def _download(fetcher: Fetcher, feed: Feed, timeout: float, max_bytes: int) -> FetchResult:
    return await fetcher.fetch(
        feed.fetch_url or feed.url,
        etag=feed.etag,
        last_modified=feed.last_modified,
        timeout=timeout,
        max_bytes=max_bytes,
    )


async def _in_thread(func, *args):
    """Full-text extraction off the event loop (the downloads of the others go on)."""
    return await asyncio.to_thread(func, *args)


def _failure(feed: Feed, now: float, interval: float, retry_after, outcome: FeedOutcome) -> dict:
    """The feed row after a failure: one more failure in a row, and a later retry."""
    failures = feed.failures + 1
    return {
        "status": "error", "error": outcome.error, "http_status": outcome.http_status,
        "checked_at": now, "failures": failures,
        "next_due": next_due_after_failure(now, failures, interval, retry_after),
    }  # fmt: skip


def _validators(result: FetchResult, feed: Feed | None = None) -> dict:
    """Keep the validators the server sent. A 304 may omit them: then the old ones stand;
    a 200 without them clears them (the server stopped sending them)."""
    if feed is not None and result.status == "not_modified":
        return {
            "etag": result.etag or feed.etag,
            "last_modified": result.last_modified or feed.last_modified,
        }
    return {"etag": result.etag, "last_modified": result.last_modified}


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _unchanged(feed: Feed, result: FetchResult) -> bool:
    """A server without validators: the same bytes as last time need no parsing."""
    return (
        bool(feed.body_hash)
        and feed.status in ("ok", "not_modified")
        and _digest(result.body) == feed.body_hash
    )
