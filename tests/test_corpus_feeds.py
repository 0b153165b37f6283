"""Every real feed of the shared corpus, refreshed through file:// URLs, is stored with as
many entries as feedparser itself finds in it (the three malformed ones included)."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from reader.core import config as cfg
from reader.core.feeds.refresh import refresh
from reader.core.store import Store


def expected_entries(path: Path) -> tuple[int, bool]:
    """(entries, malformed): entries feedparser finds, counted by distinct identity the way a reader must: a feed
    that repeats an id (none of today's 40 does, but real feeds list a story twice) yields
    one stored entry per id.
    Identity: id/guid, else link, else title+date, mirroring parse.entry_identity."""
    parsed = feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False)
    ids = set()
    for e in parsed.entries:
        stable = (e.get("id") or "").strip() or (e.get("link") or "").strip()
        ids.add(stable or (e.get("title", ""), e.get("published") or e.get("updated")))
    survivable = feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType
    malformed = bool(parsed.get("bozo")) and not isinstance(
        parsed.get("bozo_exception"), survivable
    )
    return len(ids), malformed


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> tuple[dict[Path, tuple[int, bool]], Path]:
    from conftest import corpus_path

    files = sorted(corpus_path("feeds").glob("*.xml"))
    assert files, "the corpus has no feeds"
    work = tmp_path_factory.mktemp("corpus")
    lines = ["[settings]", "max_items_per_feed = 100000", "keep_days = 0"]
    for path in files:
        lines += ["", "[[feeds]]", f"url = {json.dumps(path.as_uri())}"]
    (work / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = refresh(cfg.load(work / "config.toml"), work / "data")
    assert len(report.outcomes) == len(files)
    return {path: expected_entries(path) for path in files}, work / "data"


def test_corpus_is_complete(corpus: Path, refreshed):
    files, _ = refreshed
    index = json.loads((corpus / "feeds" / "index.json").read_text(encoding="utf-8"))
    assert len(files) == len(index) == 40


def test_every_corpus_feed_stores_what_feedparser_finds(corpus: Path, refreshed):
    files, data = refreshed
    mismatches, failed = [], []
    with Store.in_dir(data) as store:
        for path in files:
            feed = store.feed_by_url(path.as_uri())
            want = files[path][0]
            if feed.entry_count != want:
                mismatches.append((path.name, feed.entry_count, want, feed.status, feed.error))
            if feed.status == "error":
                failed.append((path.name, want, feed.error))
            counted = store._rows("SELECT count(*) FROM entries WHERE feed_id = ?", [feed.id])[0][0]
            assert counted == feed.entry_count  # the kept counter matches real rows
    assert not mismatches, mismatches
    # A feed only fails when feedparser finds nothing in it either.
    assert all(want == 0 for _, want, _ in failed), failed


def test_corpus_malformed_feeds_keep_a_reason(refreshed):
    files, data = refreshed
    with Store.in_dir(data) as store:
        bozo = [path for path, (_, malformed) in files.items() if malformed]
        assert len(bozo) >= 3  # three are malformed on purpose of the wild
        for path in bozo:
            feed = store.feed_by_url(path.as_uri())
            assert feed.error and "malformed" in feed.error, (path.name, feed.status, feed.error)


def test_corpus_text_is_clean(refreshed):
    _, data = refreshed
    with Store.in_dir(data) as store:
        rows = store._rows("SELECT title, author, link FROM entries")
        titles = [f.title for f in store.feeds()]
    bad = [
        t for row in rows for t in (*row, *titles)
        if any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in t)
    ]  # fmt: skip
    assert not bad and len(rows) > 500
