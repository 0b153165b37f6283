"""Deferred search indexing (issue 12): a refresh queues index text in fts_pending, in the
same transaction as the entries; every search (and the app after a refresh) moves the queue
into entries_fts first. Real SQLite files, the real CLI, real kills; no mocks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from samples import items, rss20

from reader.core import config as cfg
from reader.core.rules import SavedView
from reader.core.rules.expr import parse
from reader.core.store import Store, View
from reader.core.text.parse import ParsedEntry

REPO = Path(__file__).resolve().parent.parent
NOW = 1_767_000_000.0


def _entry(uid: str, title: str, body: str) -> ParsedEntry:
    return ParsedEntry(uid, title, link=f"https://example.org/{uid}", published=NOW, content=body)


def _counts(store: Store) -> tuple[int, int]:
    """(queued, indexed) rows."""
    queued = store._rows("SELECT count(*) FROM fts_pending")[0][0]
    indexed = store._rows("SELECT count(*) FROM entries_fts")[0][0]
    return queued, indexed


def _titles(store: Store, text: str) -> set[str]:
    return {r.title for r in store.page(View("search", text), 0, 100)}


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "byline.db")
    s.sync_feeds([cfg.FeedConfig("https://a.test/rss", None, ())])
    yield s
    s.close()


def _feed(store: Store) -> int:
    return store.feed_by_url("https://a.test/rss").id


def test_storing_queues_and_the_first_search_indexes(store):
    bodies = [f"<p>Story {n} about the harbour{' walrus' if n == 3 else ''}</p>" for n in range(5)]
    result = store.store_entries(
        _feed(store), [_entry(f"u{n}", f"Title {n}", b) for n, b in enumerate(bodies)], NOW
    )
    assert result.new == 5
    assert _counts(store) == (5, 0)  # nothing tokenized in the refresh's transaction
    assert store.pending_index() == 5
    assert _titles(store, "walrus") == {"Title 3"}  # the search indexed first
    assert _counts(store) == (0, 5)
    assert _titles(store, "harbour") == {f"Title {n}" for n in range(5)}
    assert _titles(store, "title 4") == {"Title 4"}


def test_index_pending_in_batches_and_limits(store):
    store.store_entries(
        _feed(store), [_entry(f"u{n}", f"T{n}", f"<p>word{n}</p>") for n in range(25)], NOW
    )
    assert store.index_pending(batch=10, limit=12) == 12
    assert store.pending_index() == 13
    assert store.index_pending(batch=10) == 13
    assert store.pending_index() == 0
    assert store.index_pending() == 0  # an empty queue: nothing to do
    assert _titles(store, "word24") == {"T24"}


def test_an_update_is_indexed_again(store):
    feed = _feed(store)
    store.store_entries(feed, [_entry("u", "Old title", "<p>alpha text</p>")], NOW)
    assert _titles(store, "alpha") == {"Old title"}
    store.store_entries(feed, [_entry("u", "New title", "<p>omega text</p>")], NOW + 10)
    assert _counts(store) == (1, 1)
    assert _titles(store, "omega") == {"New title"}
    assert _titles(store, "alpha") == set()
    assert _titles(store, "old") == set()
    assert _counts(store) == (0, 1)


def test_deleted_and_pruned_entries_leave_index_and_queue(store):
    feed = _feed(store)
    store.store_entries(feed, [_entry(f"i{n}", f"I{n}", "<p>indexed</p>") for n in range(3)], NOW)
    store.index_pending()
    # Two queued only (an update of an indexed one, and a new one).
    store.store_entries(feed, [_entry("i0", "I0", "<p>changed</p>"), _entry("q", "Q", "<p>x</p>")])
    assert _counts(store) == (2, 3)
    ids = [r.id for r in store.page(View("all"), 0, 10)]
    store.set_read(ids)
    store.update_feed(feed, checked_at=time.time() + 100)  # the feed lists none of them now
    assert store.prune(keep_days=0, max_items={feed: 0}, now=time.time() + 10) == 4
    assert _counts(store) == (0, 0)
    # And `byline remove` (drop_feed): queued and indexed entries both go.
    store.store_entries(feed, [_entry("r1", "R1", "<p>a</p>"), _entry("r2", "R2", "<p>b</p>")])
    store.index_pending(limit=1)
    assert _counts(store) == (1, 1)
    store.drop_feed("https://a.test/rss")
    assert _counts(store) == (0, 0)


def test_views_and_rules_read_queued_text_without_indexing(store):
    """[[views]]/[[rules]] testing `content` see an entry stored a moment ago, queued or not."""
    feed = _feed(store)
    store.store_entries(feed, [_entry("u", "Plain", "<p>Over the Bridge</p>")], NOW)
    view = View("match", SavedView("v", parse('content contains "bridge"')))
    assert [r.title for r in store.page(view)] == ["Plain"]
    assert store.pending_index() == 1  # a view does not pay for the index
    store.index_pending()
    assert [r.title for r in store.page(view)] == ["Plain"]


def test_a_fulltext_index_supersedes_the_queue(store):
    feed = _feed(store)
    store.store_entries(feed, [_entry("u", "T", "<p>short</p>")], NOW)
    entry_id = store.page(View("all"))[0].id
    store._index(entry_id, "T", "<p>short</p>", extra="<p>the whole article zebra</p>")
    assert _counts(store) == (0, 1)
    assert _titles(store, "zebra") == {"T"}


_STORE_THEN_DIE = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {tests!r})
    from reader.core import config as cfg
    from reader.core.text.parse import ParsedEntry
    from reader.core.store import Store
    store = Store({db!r})
    store.sync_feeds([cfg.FeedConfig("https://a.test/rss", None, ())])
    feed = store.feed_by_url("https://a.test/rss").id
    store.store_entries(feed, [ParsedEntry(f"u{{n}}", f"Killed {{n}}", content=f"<p>kiwi{{n}}</p>")
                               for n in range(6)])
    if {index}:
        store.index_pending(batch=2)  # stops at the seam inside its first batch
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.parametrize("where", ["after_store", "inside_index_pending"])
def test_a_kill_loses_nothing(tmp_path: Path, where: str):
    db = tmp_path / "byline.db"
    ready = tmp_path / "ready"
    env = {**os.environ, "BYLINE_PAUSE_AT": "index_pending:2", "BYLINE_PAUSE_READY": str(ready)}
    script = _STORE_THEN_DIE.format(
        tests=str(REPO / "tests"), db=str(db), index=where == "inside_index_pending"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=env)
    if where == "inside_index_pending":
        deadline = time.monotonic() + 60
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "never reached the seam"
        os.kill(proc.pid, signal.SIGKILL)  # the 2nd batch's transaction open, uncommitted
    assert proc.wait(timeout=60) == -signal.SIGKILL
    with Store(db) as store:
        queued, indexed = _counts(store)
        if where == "after_store":
            assert (queued, indexed) == (6, 0)
        else:
            assert (queued, indexed) == (4, 2)  # the first batch committed, the second not
        assert _titles(store, "kiwi5") == {"Killed 5"}
        assert _titles(store, "killed") == {f"Killed {n}" for n in range(6)}
        assert _counts(store) == (0, 6)


def test_cli_refresh_then_search(http_server, write_config, run_cli, in_cli, isolated_env):
    url = http_server.route("/a", body=rss20(items(4, "Pelican")))
    write_config([url])
    assert run_cli("refresh").returncode == 0
    with Store.in_dir(isolated_env / "data") as store:
        assert _counts(store) == (4, 0)  # the refresh left indexing to the first search
    result = run_cli("entries", "--json", "--search", "pelican 2")
    assert result.returncode == 0, result.stderr
    assert [e["title"] for e in json.loads(result.stdout)] == ["Pelican 2"]
    with Store.in_dir(isolated_env / "data") as store:
        assert _counts(store) == (0, 4)


async def test_app_catches_up_after_a_refresh(tmp_path: Path):
    from reader.core.config import Config, FeedConfig, Settings
    from reader.tui.app import BylineApp

    feed_file = tmp_path / "feed.xml"
    feed_file.write_text(rss20(items(5, "Heron")))
    config = Config(
        tmp_path / "config.toml",
        Settings(refresh_on_start=False, refresh_minutes=0),
        (FeedConfig(feed_file.as_uri(), "Local"),),
    )
    app = BylineApp(config, tmp_path / "data")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("R")
        for _ in range(50):  # the refresh worker, then the index worker it starts
            await app.workers.wait_for_complete()
            await pilot.pause()
            with Store.in_dir(tmp_path / "data") as store:
                counts = _counts(store)
            if counts == (0, 5):
                break
        assert counts == (0, 5)


async def test_app_catches_up_what_a_cli_refresh_queued(tmp_path: Path, monkeypatch):
    """A cron `byline refresh` leaves its queue; the app indexes it soon after it starts."""
    import reader.tui.app as app_module
    from reader.core.config import Config, FeedConfig, Settings
    from reader.tui.app import BylineApp

    monkeypatch.setattr(app_module, "INDEX_DELAY_S", 0.1)
    url = "https://a.test/rss"
    with Store.in_dir(tmp_path / "data") as store:
        store.sync_feeds([cfg.FeedConfig(url, None, ())])
        store.store_entries(
            store.feed_by_url(url).id, [_entry(f"u{n}", f"Cron {n}", "<p>x</p>") for n in range(7)]
        )
        assert _counts(store) == (7, 0)
    config = Config(
        tmp_path / "config.toml",
        Settings(refresh_on_start=False, refresh_minutes=0),
        (FeedConfig(url, "A"),),
    )
    app = BylineApp(config, tmp_path / "data")
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            with Store.in_dir(tmp_path / "data") as store:
                counts = _counts(store)
            if counts == (0, 7):
                break
        assert counts == (0, 7)
