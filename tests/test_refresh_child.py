"""The app's refresh runs in a child process: same results as in-process, progress arrives,
and a failing child is an error with its reason, never a hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.background import refresh_in_child
from reader.core.config import Config, FeedConfig, Settings
from reader.core.store import Store

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>
<item><title>One</title><guid>1</guid></item><item><title>Two</title><guid>2</guid></item>
</channel></rss>"""


def test_child_refresh_stores_and_reports_progress(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS)
    config = Config(tmp_path / "c.toml", Settings(), (FeedConfig(feed.as_uri()),))
    seen = []
    report = refresh_in_child(config, tmp_path / "data", progress=seen.append)
    assert report.new == 2 and report.count("ok") == 1
    assert [p.done for p in seen] == [1] and seen[0].total == 1
    with Store.in_dir(tmp_path / "data") as store:
        assert store.totals()["all"] == 2


def test_child_failure_is_an_error_with_its_reason(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data dir should be")
    config = Config(tmp_path / "c.toml", Settings(), (FeedConfig("file:///nowhere.xml"),))
    with pytest.raises(RuntimeError, match="the refresh process failed"):
        refresh_in_child(config, blocker / "data")
