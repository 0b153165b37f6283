"""The app's R with [sync] set: the server's entries arrive with progress, marks made in the
app go to the server on the next R, and a server that is down is said, the queue kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from greader_server import GReaderServer
from syncservers import PASSWORD, write_config

from reader.core import config as cfg
from reader.core.store import Store
from reader.tui.app import BylineApp

SIZE = (120, 40)


@pytest.fixture
def server():
    made = GReaderServer("miniflux", password=PASSWORD)
    yield made
    made.stop()


async def test_r_syncs_and_marks_made_in_the_app_reach_the_server(
    server: GReaderServer, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    path = write_config(isolated_env / "config.toml", "greader", server.url, server.username)
    feed = server.add_feed("https://example.org/f.xml", "Server feed", "Theirs")
    server.add_items(feed, 3, "story")
    data = isolated_env / "data"
    app = BylineApp(cfg.load(path), data)
    progress: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        main = app.main
        assert main is not None and main.entries.count == 0
        original = main.status.set_progress

        def spy(text: str, *args, **kwargs):
            progress.append(text)
            return original(text, *args, **kwargs)

        main.status.set_progress = spy
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert main.entries.count == 3
        assert any(t.startswith("Sync:") for t in progress), progress
        assert "synced: 3 new" in main.status.line
        await pilot.press("enter")  # opening marks it read (mark_read_on_open)
        await pilot.press("s")  # and saves it
        await pilot.pause()
        with Store.in_dir(data) as store:
            assert store.sync_queue_count() == 2
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(server.ids("unread")) == 2 and len(server.ids("saved")) == 1
        with Store.in_dir(data) as store:
            assert store.sync_queue_count() == 0
        # The server goes down: R says so, the next change stays queued.
        await pilot.press("j", "enter")
        await pilot.pause()
        server.down()
        try:
            await pilot.press("R")
            await app.workers.wait_for_complete()
            await pilot.pause()
            messages = [str(n.message) for n in app._notifications]
            assert any("sync failed: cannot reach" in m for m in messages), messages
            assert PASSWORD not in " ".join(messages)
            with Store.in_dir(data) as store:
                assert store.sync_queue_count() == 1
        finally:
            server.up()
        await pilot.press("R")
        await app.workers.wait_for_complete()
        assert len(server.ids("unread")) == 1


async def test_r_while_a_cron_sync_runs_says_busy_and_keeps_the_queue(
    server: GReaderServer, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's R and a `byline sync` from cron share the cache's sync lock (issue 29): while
    another sync holds it, R waits briefly, then says so; nothing is sent or lost."""
    from reader.core.sync.lock import sync_lock

    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    monkeypatch.setattr("reader.core.sync.lock.WAIT_S", 0.5)
    path = write_config(isolated_env / "config.toml", "greader", server.url, server.username)
    feed = server.add_feed("https://example.org/f.xml", "Server feed", "Theirs")
    server.add_items(feed, 2, "story")
    data = isolated_env / "data"
    app = BylineApp(cfg.load(path), data)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # read: one change queued
        await pilot.pause()
        calls = len(server.requests)
        with sync_lock(data):  # the cron sync
            await pilot.press("R")
            await app.workers.wait_for_complete()
            await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any("another sync of this cache is running" in m for m in messages), messages
        assert len(server.requests) == calls
        with Store.in_dir(data) as store:
            assert store.sync_queue_count() == 1
        await pilot.press("R")
        await app.workers.wait_for_complete()
        with Store.in_dir(data) as store:
            assert store.sync_queue_count() == 0
