"""Reading what is pending with worker processes (issue 30's `byline people` after a refresh): the index it
writes is the one the serial reading writes, row for row."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.config import FeedConfig
from reader.core.quotes import backlog, index
from reader.core.store import Store
from reader.core.text.parse import ParsedEntry

NAMES = ["Ana Ruiz", "Tomas Berg", "Leila Haddad", "Kwame Mensah", "Ines Okafor", "Paul Whitcombe"]


def _cache(path: Path, n: int) -> Store:
    store = Store.in_dir(path)
    store.sync_feeds([FeedConfig("https://town.example/feed.xml")])
    feed = store.feed_by_url("https://town.example/feed.xml")
    entries = [
        ParsedEntry(
            f"e{i}",
            f"Story {i}",
            "",
            f"https://town.example/{i}",
            1_790_000_000.0 + i,
            None,
            "",
            f"<p>“We will rebuild the bridge {i},” said Mayor {NAMES[i % 6]}.</p>"
            f"<p>Others disagreed. “Not this year,” {NAMES[(i + 1) % 6]} told reporters.</p>"
            + ("<p>No quotation here at all.</p>" if i % 3 else ""),
            [],
        )  # fmt: skip
        for i in range(n)
    ]
    store.store_entries(feed.id, entries)
    return store


def _rows(store: Store) -> list[tuple]:
    return sorted(
        (q.entry_id, q.start, q.end, q.text, q.speaker)
        for person in index.people(store)
        for q in index.quotes_by(store, index.keys_for(store, person.name))
    )


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="workers are forked")
def test_reading_with_workers_writes_what_reading_alone_writes(tmp_path: Path, monkeypatch) -> None:
    serial, parallel = _cache(tmp_path / "a", 90), _cache(tmp_path / "b", 90)
    assert index.backfill(serial) == 90
    monkeypatch.setattr(backlog, "PARALLEL_FROM", 1)
    monkeypatch.setattr(backlog.os, "cpu_count", lambda: 2)
    seen = []
    assert backlog.read_all(parallel, progress=seen.append) == 90
    assert index.pending_count(parallel) == 0
    assert seen[0].done == 0 and seen[-1].done == seen[-1].total == 90
    rows = _rows(parallel)
    assert rows == _rows(serial) and len(rows) > 90
    assert {r[4] for r in rows} >= {"Mayor Ana Ruiz", "Tomas Berg"}
