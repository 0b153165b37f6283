"""Storing a feed's new entries in fewer statements (issue 24): the ids of the new rows are
known from the insert itself, and the parser's duplicate keys are used when they belong to
the entry's own link and title.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reader.core.config import FeedConfig
from reader.core.store import Store
from reader.core.text.dedupe import link_key, title_key
from reader.core.text.parse import ParsedEntry, parse_feed

NOW = 1_800_000_000.0


def entry(uid: str, title: str = "") -> ParsedEntry:
    return ParsedEntry(uid, title or f"A story called {uid} here", "", f"https://example.org/{uid}",
                       NOW - 60, None, "", f"<p>Body of {uid}</p>")  # fmt: skip


@pytest.fixture
def store(tmp_path: Path):
    with Store.in_dir(tmp_path / "data") as s:
        s.sync_feeds([FeedConfig("http://a.example/feed"), FeedConfig("http://b.example/feed")])
        yield s


def ids_of(store: Store, feed_id: int) -> dict[str, int]:
    rows = store._rows("SELECT uid, id FROM entries WHERE feed_id = ?", [feed_id])
    return dict(rows)


def pending(store: Store) -> dict[int, str]:
    return dict(store._rows("SELECT entry_id, title FROM fts_pending"))


def test_the_ids_returned_are_the_new_rows_in_order(store: Store) -> None:
    a, b = (store.feed_by_url(u).id for u in ("http://a.example/feed", "http://b.example/feed"))
    store.store_entries(a, [entry("x1"), entry("x2")], NOW)
    result = store.store_entries(b, [entry("z"), entry("y"), entry("x")], NOW)
    rows = ids_of(store, b)
    assert result.new == 3 and list(result.ids) == [rows["z"], rows["y"], rows["x"]]
    assert {i: pending(store)[i] for i in result.ids} == {
        rows[u]: f"A story called {u} here" for u in "zyx"
    }


def test_ids_that_are_not_consecutive_are_looked_up(store: Store) -> None:
    """With the largest id in use at 2**63-1 SQLite picks new ids at random."""
    a, b = (store.feed_by_url(u).id for u in ("http://a.example/feed", "http://b.example/feed"))
    store.store_entries(a, [entry("first")], NOW)
    store.db.execute("UPDATE entries SET id = ? WHERE uid = 'first'", [2**63 - 1])
    result = store.store_entries(b, [entry(f"n{i}") for i in range(20)], NOW)
    rows = ids_of(store, b)
    assert list(result.ids) == [rows[f"n{i}"] for i in range(20)]
    assert set(pending(store)) >= set(result.ids)
    assert all(pending(store)[rows[f"n{i}"]] == f"A story called n{i} here" for i in range(20))


def test_the_parsers_keys_are_used_only_for_their_own_link_and_title(store: Store) -> None:
    a = store.feed_by_url("http://a.example/feed").id
    body = (
        b"<rss version='2.0'><channel><title>t</title><item><guid>g1</guid>"
        b"<title>Council approves the new budget tonight</title>"
        b"<link>https://www.example.org/news/1?utm_source=rss</link></item></channel></rss>"
    )
    parsed = parse_feed(body, "http://a.example/feed", "application/rss+xml").entries[0]
    assert parsed.keys[2:] == (link_key(parsed.link), title_key(parsed.title))
    changed = dataclasses.replace(parsed, uid="g2", title="Another title of a story entirely")
    store.store_entries(a, [parsed, changed], NOW)
    got = dict(store._rows("SELECT uid, title_key FROM entries"))
    assert got == {parsed.uid: "council approves the new budget tonight",
                   "g2": "another title of a story entirely"}  # fmt: skip
    assert {r[0] for r in store._rows("SELECT link_key FROM entries")} == {"example.org/news/1"}
