"""Parsing feed bytes into plain records: every format, identity rules, and text cleaned of
control characters where it enters the engine."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime

import pytest
from samples import FORMATS, MALFORMED, SALVAGEABLE, items, rss20

from reader.core.text.parse import entry_identity, parse_feed

CONTROL = "\x1b]0;pwned\x07\x1b[31mRed\x1b[0m\x9b2J\x07\x00"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format(name: str):
    build, mime = FORMATS[name]
    feed = parse_feed(build(items(3)).encode("utf-8"), "https://example.org/feed", mime)
    assert feed.error is None, feed.error
    assert feed.title and [e.title for e in feed.entries] == ["Story 0", "Story 1", "Story 2"]
    for e in feed.entries:
        assert e.link.startswith("https://example.org/story/")
        assert "Body of story" in (e.content or e.summary)
        assert e.uid
    if name != "rss091":  # RSS 0.91 items have no date
        assert all(e.published or e.updated for e in feed.entries)
    pickle.loads(pickle.dumps(feed))  # crosses the process pool


def test_rss_identity_guid_link_hash():
    entries = [
        {"title": "G", "guid": "guid-1", "link": "https://example.org/g", "date": 0},
        {"title": "L", "link": "https://example.org/l", "date": 0},
        {"title": "H", "date": 1},
    ]
    feed = parse_feed(rss20(entries).encode())
    uids = [e.uid for e in feed.entries]
    assert uids[0] == "guid-1" and uids[1] == "https://example.org/l"
    assert uids[2] == entry_identity(None, "", "H", feed.entries[2].published)
    assert uids[2].startswith("sha1:")
    assert entry_identity(None, "", "H", 1.0) != entry_identity(None, "", "H", 2.0)
    assert entry_identity(None, "", "H", 1.0) != entry_identity(None, "", "I", 1.0)
    again = parse_feed(rss20(entries).encode())
    assert [e.uid for e in again.entries] == uids  # stable across runs


def test_json_feed_details():
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J \x1b[2Jtitle",
        "home_page_url": "https://example.org/",
        "authors": [{"name": "Feed Author"}],
        "items": [
            {"id": 42, "content_text": "One.\n\nTwo & <three>", "date_published": "2026-11-24T10:00:00+02:00"},
            {"id": "b", "url": "https://example.org/b", "title": "T", "content_html": "<p>x</p>",
             "authors": [{"name": "Item Author"}], "summary": "short",
             "attachments": [{"url": "https://example.org/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 10}]},
            {"url": "https://example.org/c"},
            "not an item",
        ],
    }  # fmt: skip
    feed = parse_feed(json.dumps(data).encode(), content_type="application/feed+json")
    assert feed.title == "J title" and len(feed.entries) == 3
    first, second, third = feed.entries
    assert first.uid == "42" and first.content == "<p>One.</p><p>Two &amp; &lt;three&gt;</p>"
    assert first.published == datetime(2026, 11, 24, 8, tzinfo=UTC).timestamp()
    assert first.author == "Feed Author" and second.author == "Item Author"
    assert second.enclosures == [
        {"url": "https://example.org/a.mp3", "type": "audio/mpeg", "length": 10}
    ]
    assert third.uid == "https://example.org/c"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"version": "1", "items": []}', "not a JSON Feed"),
        (b"{not json", "malformed JSON"),
        (MALFORMED.encode(), "malformed feed"),
        (b"<html><body><p>hi</p></body></html>", "HTML page"),
        (b"", "empty"),
    ],
)
def test_broken_input_never_raises(body: bytes, words: str):
    feed = parse_feed(body)
    assert feed.error and words in feed.error and feed.entries == []


def test_salvageable_feed_has_entries_and_a_warning():
    feed = parse_feed(SALVAGEABLE.encode())
    assert feed.error is None and len(feed.entries) >= 2 and "malformed" in feed.warning


def test_survivable_encoding_mismatch():
    body = rss20([{"title": "Café — ok", "link": "https://example.org/c", "date": 0}])
    feed = parse_feed(body.encode("utf-8"), content_type="text/plain")
    assert feed.error is None and feed.entries[0].title == "Café — ok"


def test_entities_unescaped_and_controls_removed():
    body = (
        f"""<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
    <channel><title>Feed{CONTROL}&amp;amp; Co</title><link>https://example.org/</link>
    <item><title>Caf&amp;eacute; &amp;mdash; {CONTROL}news&#x1b;[1m</title>
    <link>https://example.org/a{CONTROL}</link><guid>id-1</guid>
    <dc:creator>Ann{CONTROL} Author</dc:creator><description>x</description></item>
    </channel></rss>""".replace("\x00", "")
        .replace("\x07", "")
        .replace("\x1b", "&#x1b;")
    )
    feed = parse_feed(body.encode("utf-8"))
    (entry,) = feed.entries
    for text in (feed.title, entry.title, entry.author, entry.link):
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text), repr(text)
    assert entry.title.startswith("Café — ") and "news" in entry.title
    assert entry.link.startswith("https://example.org/a") and " " not in entry.link


def test_plain_text_content_becomes_paragraphs_and_limit_applies():
    feed = parse_feed(rss20(items(10)).encode(), limit=4)
    assert len(feed.entries) == 4
