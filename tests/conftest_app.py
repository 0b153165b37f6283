"""Fixtures for the app tests: a small, fixed cache built through the engine.

Imported by tests/test_app*.py (`from conftest_app import ...`). Content and time are fixed
so snapshots are stable: `format.now` is frozen and TZ is UTC.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from reader.core.config import Config, FeedConfig, Settings
from reader.core.store import Store
from reader.core.text.parse import ParsedEntry

NOW = 1_767_225_600.0  # 2026-01-01 00:00 UTC
HOUR = 3600.0

WORLD = FeedConfig("https://world.example/rss", "World Wire", ("world",))
TECH = FeedConfig("https://tech.example/feed", "Tech Daily", ("tech",))
BROKEN = FeedConfig("https://broken.example/rss", "Broken Feed", ("tech",))

QUOTES_HTML = """
<p>The council of Port Averne voted on Tuesday to keep the night ferry running for two
more years, ending a debate that had filled the town hall for three evenings.</p>
<p>“The ferry is not a luxury, it is how our nurses get home,” said Councillor Ines Okafor,
who led the campaign. “If we cut it, we cut the hospital’s night shift in half.”</p>
<p>The harbour master, Tomas Reyes, called the plan to close it “a false economy”.</p>
<p>Treasurer Paul Whitcombe warned of a gap in the budget. He added: “We will be back here
in the spring, with the same numbers and the same questions.”</p>
<p>Read the <a href="https://council.example/minutes">council minutes</a> or the
<a href="https://ferry.example/timetable">new timetable</a>.</p>
"""

LONG_HTML = "".join(
    f"<p>Paragraph {n}: the quick brown fox jumps over the lazy dog, again and again, "
    f"until the sun sets over the hills.</p>"
    for n in range(1, 61)
)

HOSTILE_TITLE = "Evil \x1b]0;pwned\x07title \x1b[2J here \x9b31m red"
HOSTILE_HTML = "<p>Body \x1b]0;pwned\x07 with \x1b[2J clear and \x9b31m C1 CSI.</p>"


@dataclass
class AppEnv:
    config: Config
    data_dir: Path
    ids: dict[str, int]
    browser_log: Path

    def store(self) -> Store:
        return Store.in_dir(self.data_dir)

    def app(self, **settings):
        from reader.tui.app import BylineApp

        config = self.config
        if settings:
            config = replace(config, settings=replace(config.settings, **settings))
        return BylineApp(config, self.data_dir)

    def browser_calls(self) -> list[list[str]]:
        if not self.browser_log.exists():
            return []
        return [line.split("\x1f") for line in self.browser_log.read_text().splitlines()]


ENTRIES = {
    # key: (feed, hours ago, title, html, link)
    "ferry": (WORLD, 1, "Harbour town keeps its night ferry", QUOTES_HTML,
              "https://world.example/ferry"),
    "long": (WORLD, 3, "A very long read about foxes", LONG_HTML, "https://world.example/foxes"),
    "hostile": (WORLD, 5, HOSTILE_TITLE, HOSTILE_HTML, "https://world.example/evil"),
    "chips": (TECH, 2, "New chips promise cooler laptops",
              "<p>Engineers say the new design <b>halves</b> the heat.</p>",
              "https://tech.example/chips"),
    "javascript": (TECH, 30, "Unsafe link entry", "<p>Nothing to see.</p>",
                   "javascript:alert(1)"),
}  # fmt: skip


def build_cache(data_dir: Path, feeds=(WORLD, TECH, BROKEN)) -> dict[str, int]:
    ids: dict[str, int] = {}
    with Store.in_dir(data_dir) as store:
        store.sync_feeds(list(feeds))
        for key, (feed, hours, title, html, link) in ENTRIES.items():
            feed_id = store.feed_by_url(feed.url).id
            entry = ParsedEntry(
                uid=key, title=title, author="A. Writer", link=link,
                published=NOW - hours * HOUR, content=html,
            )  # fmt: skip
            store.store_entries(feed_id, [entry], now=NOW)
        for key in ENTRIES:
            ids[key] = store._rows("SELECT id FROM entries WHERE uid = ?", [key])[0][0]
        broken = store.feed_by_url(BROKEN.url)
        store.update_feed(
            broken.id, status="error", error="HTTP 404: Not Found", http_status=404,
            checked_at=NOW - HOUR, failures=3,
        )  # fmt: skip
    return ids


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppEnv:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr("reader.tui.format.now", lambda: NOW)
    data_dir = tmp_path / "data"
    ids = build_cache(data_dir)
    log = tmp_path / "browser.log"
    fake = tmp_path / "fake-browser"
    fake.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"open({str(log)!r}, 'a').write(chr(31).join(sys.argv[1:]) + chr(10))\n"
    )
    fake.chmod(0o755)
    config_path = tmp_path / "config.toml"
    config_path.write_text('[settings]\ntheme = "textual-dark"\n')
    settings = Settings(refresh_on_start=False, refresh_minutes=0, browser=f"{fake} --new-tab")
    config = Config(path=config_path, settings=settings, feeds=(WORLD, TECH, BROKEN))
    return AppEnv(config, data_dir, ids, log)


async def settle(app) -> None:
    """Wait until the app's workers are done. An exclusive worker replaced by a newer one ends
    cancelled, and `wait_for_complete` raises for it: wait again for the one that replaced it
    (under load this happens to the quote-index worker a refresh restarts)."""
    from textual.worker import WorkerCancelled

    for _ in range(50):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue
    raise AssertionError("the app's workers kept being replaced")
