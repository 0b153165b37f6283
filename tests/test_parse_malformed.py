"""Malformed feeds straight to feedparser's loose parser (reader/core/text/malformed.py).

When libxml2 refuses a feed, `parse_feed` skips feedparser's strict pass (it would fail) and
runs its loose one after an expat check. feedparser stays the reference: for every malformed
feed here, the corpus's three and a set made to break in different places, the raw result
(feed, entries, version, encoding, namespaces, the bozo error's message and place) and what
Byline stores must be exactly what `feedparser.parse` gives.
"""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
import samples

from reader.core.text.fastparse import read_fast
from reader.core.text.malformed import loose_parse
from reader.core.text.parse import parse_feed

URL = "http://example.org/feed.xml"
RSS = samples.rss20(samples.items(3))
ATOM = samples.atom10(samples.items(3))

BROKEN = {
    "junk after the root": RSS + "<script>x()</script>",
    "undefined entity in a title": RSS.replace("Story 1", "Story &colon; one", 1),
    "bare ampersand": RSS.replace("Story 2", "Fish & chips", 1),
    "unclosed element": RSS.replace("</item>", "", 1),
    "mismatched tag": ATOM.replace("</title>", "</titel>", 1),
    "unbound prefix": RSS.replace("<item>", "<item><dc:creator>Ann</dc:creator>", 1),
    "cut off": RSS[: len(RSS) // 2],
    "control character": RSS.replace("Story 0", "Story \x01 zero", 1),
    "html entity in atom": ATOM.replace("Story 1", "Caf&eacute; story", 1),
    "salvageable": samples.SALVAGEABLE,
    "hopeless": samples.MALFORMED,
    "two roots": RSS + RSS,
}
CONTENT_TYPES = ["application/xml", "application/rss+xml", "text/xml; charset=utf-8", ""]


def reference(body: bytes, content_type: str) -> feedparser.FeedParserDict:
    headers = {"content-location": URL}
    if content_type:
        headers["content-type"] = content_type
    return feedparser.parse(
        body, sanitize_html=False, resolve_relative_uris=False, response_headers=headers
    )


def assert_same_raw(body: bytes, content_type: str) -> None:
    headers = {"content-location": URL}
    if content_type:
        headers["content-type"] = content_type
    got = loose_parse(body, headers)
    want = reference(body, content_type)
    assert got is not None, "expat read a broken feed"  # every body here is malformed
    for key in ("feed", "entries", "version", "encoding", "namespaces", "bozo"):
        assert got.get(key) == want.get(key), key
    mine, theirs = got["bozo_exception"], want["bozo_exception"]
    assert type(mine) is type(theirs)
    assert mine.getMessage() == theirs.getMessage()
    assert (mine.getLineNumber(), mine.getColumnNumber()) == (
        theirs.getLineNumber(),
        theirs.getColumnNumber(),
    )


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_malformed_feed_reads_as_feedparser_reads_it(name: str, content_type: str) -> None:
    body = BROKEN[name].encode()
    assert_same_raw(body, content_type)
    assert parse_feed(body, URL, content_type) == parse_feed(body, URL, content_type, fast=False)


def test_the_corpus_malformed_feeds(corpus: Path) -> None:
    folder = corpus / "feeds"
    index = {i["file"]: i["url"] for i in json.loads((folder / "index.json").read_text())}
    refused = 0
    for path in sorted(folder.glob("*.xml")):
        body, url = path.read_bytes(), index.get(path.name, "")
        _, malformed = read_fast(body, url, "application/xml")
        if not malformed:
            continue
        refused += 1
        assert_same_raw(body, "application/xml")
        fast = parse_feed(body, url, "application/xml")
        assert fast == parse_feed(body, url, "application/xml", fast=False), path.name
        assert fast.entries and fast.warning, path.name
    assert refused == 3  # the corpus's three malformed feeds, as the corpus says


def test_the_loose_pass_runs_alone() -> None:
    """The point of it: feedparser's strict parser is never started on a malformed feed."""
    from feedparser.parsers import strict

    calls = []
    original = strict._StrictFeedParser.startElementNS

    def counting(self, *args):  # pragma: no cover - must not run
        calls.append(args)
        return original(self, *args)

    strict._StrictFeedParser.startElementNS = counting
    try:
        body = BROKEN["junk after the root"].encode()
        feed = parse_feed(body, URL, "application/xml")
    finally:
        strict._StrictFeedParser.startElementNS = original
    assert len(feed.entries) == 3 and feed.warning
    assert calls == []
