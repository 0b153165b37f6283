"""Real feeds at scale and generated edge cases: every feed of the shared corpus and feeds in
cp1251, koi8-r, Shift_JIS, UTF-16 (with and without BOM), mis-declared charsets, entities,
CDATA, xml:base, Atom text/html/xhtml content, enclosures, and entries missing their guid,
date or title. Each is stored without a crash, with as many entries as feedparser counts,
and its words are readable (Cyrillic and Japanese words appear as written, no mojibake).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from reader.core.config import FeedConfig
from reader.core.quotes.articles import render_entry
from reader.core.store import Store, View
from reader.core.text.parse import parse_feed

BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MOJIBAKE = re.compile("Ð|Ñ|Ã|â€|\ufffd|Р[ЃЌЋЏђ‘’“”•–—™љ›њќћџ]")


def store_feed(store: Store, url: str, body: bytes, content_type: str = ""):
    """parse -> store as a refresh does; returns (parsed feed, stored entries newest first)."""
    parsed = parse_feed(body, url, content_type)
    store.sync_feeds([*(FeedConfig(f.url) for f in store.feeds()), FeedConfig(url)])
    feed = store.feed_by_url(url)
    if not parsed.error:
        store.store_entries(feed.id, parsed.entries)
        store.update_feed(feed.id, title=parsed.title, link=parsed.link, status="ok")
    rows = store.page(View("feed", feed.id), 0, 10_000)
    return parsed, [store.entry(r.id) for r in rows]


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "cache.db") as s:
        yield s


# ---------------------------------------------------------------- the shared corpus


def test_every_corpus_feed_is_stored_as_feedparser_counts_it(corpus: Path, store: Store) -> None:
    index = {
        item["file"]: item["url"] for item in json.loads((corpus / "feeds/index.json").read_text())
    }
    files = sorted((corpus / "feeds").glob("*.xml"))
    assert len(files) >= 40
    total = 0
    for path in files:
        body = path.read_bytes()
        url = index.get(path.name, f"http://corpus.invalid/{path.name}")
        expected = len({_uid(e) for e in feedparser.parse(body).entries})
        parsed, entries = store_feed(store, url, body)
        assert parsed.error is None, (path.name, parsed.error)
        assert len(parsed.entries) == len(feedparser.parse(body).entries), path.name
        assert len(entries) == expected, path.name  # an id listed twice is one entry
        for entry in entries[:20]:
            assert not BAD.search(entry.title + entry.author + entry.link), path.name
            text = render_entry(entry).text
            assert not BAD.search(text) and "\x1b" not in text, path.name
            assert "\ufffd" not in entry.title, (path.name, entry.title)
        total += len(entries)
    assert total > 500
    assert store.totals()["all"] == total


def _uid(e) -> str:
    from reader.core.text.parse import _xml_entry

    return _xml_entry(e, "").uid


# ---------------------------------------------------------------- generated: charsets

RU_TITLE, RU_ITEM, RU_BODY = "Новости дня", "Привет, мир", "Москва и Иван читают газету"
# Undeclared single-byte text is guessed from its letters: give the guess enough of them.
RU_LONG = " ".join(
    [RU_BODY, "Сегодня в городе тепло, на улицах много людей, магазины открыты до вечера."] * 4
)
JA_TITLE, JA_ITEM, JA_BODY = "ニュース", "東京の天気", "今日は晴れです"


def rss(title: str, item: str, body: str, encoding: str | None) -> str:
    decl = f' encoding="{encoding}"' if encoding else ""
    return (
        f'<?xml version="1.0"{decl}?>\n<rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.org/</link><item><title>{item}</title><guid>1</guid>"
        f"<link>http://example.org/1</link><description>{body}</description></item>"
        "</channel></rss>"
    )


RU = (RU_TITLE, RU_ITEM, RU_LONG)
CHARSETS = {
    # name: (bytes, HTTP content-type, expected words)
    "cp1251 declared": (rss(*RU, "windows-1251").encode("cp1251"), "", RU),
    "koi8-r declared": (rss(*RU, "koi8-r").encode("koi8-r"), "", RU),
    "shift_jis declared": (
        rss(JA_TITLE, JA_ITEM, JA_BODY, "shift_jis").encode("shift_jis"),
        "",
        (JA_TITLE, JA_ITEM, JA_BODY),
    ),
    "utf-16 with BOM": (rss(*RU, "utf-16").encode("utf-16"), "", RU),
    "utf-16 BOM, no declaration": (rss(*RU, None).encode("utf-16"), "", RU),
    "utf-16-be BOM, no declaration": (("\ufeff" + rss(*RU, None)).encode("utf-16-be"), "", RU),
    "utf-32 BOM, no declaration": (rss(*RU, None).encode("utf-32"), "", RU),
    "utf-16-le without BOM": (rss(*RU, "utf-16").encode("utf-16-le"), "", RU),
    "utf-16-be without BOM": (rss(*RU, "utf-16").encode("utf-16-be"), "", RU),
    "utf-16 with BOM, header says utf-16": (
        rss(*RU, None).encode("utf-16"),
        "application/rss+xml; charset=utf-16",
        RU,
    ),
    "utf-8 BOM": (b"\xef\xbb\xbf" + rss(*RU, "utf-8").encode(), "", RU),
    # Mis-declared, but the bytes tell: invalid in the declared charset, so feedparser
    # falls back to one they are valid in.
    "utf-8 declared windows-1251": (rss(*RU, "windows-1251").encode("utf-8"), "", RU),
    "cp1251 declared utf-8": (rss(*RU, "utf-8").encode("cp1251"), "", RU),
    "cp1251 undeclared": (rss(*RU, None).encode("cp1251"), "", RU),
    "utf-8 declared iso-8859-1": (rss(*RU, "iso-8859-1").encode("utf-8"), "", RU),
    "cp1251, header says utf-8": (
        rss(*RU, None).encode("cp1251"),
        "application/rss+xml; charset=utf-8",
        RU,
    ),
}


@pytest.mark.parametrize("name", list(CHARSETS))
def test_charsets_are_read_as_written(name: str, store: Store) -> None:
    body, content_type, (title, item, words) = CHARSETS[name]
    parsed, entries = store_feed(store, "http://example.org/feed", body, content_type)
    assert parsed.error is None, parsed.error
    assert parsed.title == title
    (entry,) = entries
    assert entry.title == item
    assert words in entry.summary
    assert not MOJIBAKE.search(parsed.title + entry.summary)
    text = render_entry(entry).text
    assert words in text and not MOJIBAKE.search(text + entry.title), text


def test_a_wrong_single_byte_charset_is_garbled_but_harmless(store: Store) -> None:
    """koi8-r bytes declared windows-1251: both decode every byte, nothing can tell them
    apart, so the text is garbled, but it is stored, clean and the feed works."""
    body = rss(*RU, "windows-1251").encode("koi8-r")
    parsed, (entry,) = store_feed(store, "http://example.org/feed", body)
    assert parsed.error is None and entry.title and entry.title != RU_ITEM
    assert not BAD.search(entry.title + render_entry(entry).text)


# ---------------------------------------------------------------- generated: structure

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.org/blog/">
<title type="text">Caf&#233; &amp; friends</title><id>urn:feed</id>
<updated>2024-03-01T10:00:00Z</updated><link href="/"/>
<entry><title type="text">Plain &lt;b&gt;not bold&lt;/b&gt;</title><id>urn:1</id>
  <updated>2024-03-01T10:00:00Z</updated><link href="posts/1"/>
  <content type="text">Line one &amp; more.

Second paragraph &lt;i&gt;as text&lt;/i&gt;.</content></entry>
<entry xml:base="http://example.org/other/"><title type="html">Escaped &lt;b&gt;markup&lt;/b&gt;</title>
  <id>urn:2</id><updated>2024-03-02T10:00:00Z</updated><link href="posts/2"/>
  <content type="html">&lt;p&gt;A &lt;a href="../about"&gt;relative link&lt;/a&gt;.&lt;/p&gt;</content></entry>
<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">XHTML <b>title</b></div></title>
  <id>urn:3</id><updated>2024-03-03T10:00:00Z</updated><link href="posts/3"/>
  <link rel="enclosure" href="media/3.mp3" type="audio/mpeg" length="123"/>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Real <em>xhtml</em>
  with <a href="pics/">pictures</a>.</p></div></content></entry>
</feed>"""

RSS_EDGES = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [<!ENTITY copy "&#169;">]>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Edges &amp;amp; entities &#x263A;</title><link>http://example.org/</link>
<item><title>Caf&amp;eacute; &amp;mdash; caf&#233; &amp;nbsp;done</title><guid>a</guid>
  <description><![CDATA[<p>CDATA <b>bold</b> & ampersand < less</p>]]></description>
  <enclosure url="http://example.org/a.mp3" type="audio/mpeg" length="1024"/></item>
<item><title>No guid, has link</title><link>http://example.org/no-guid</link></item>
<item><description>No title, no guid, no link, no date: only a body.</description></item>
<item><title>No guid, no link, no date</title></item>
<item><title>Bad date</title><guid>d</guid><pubDate>Not a date at all</pubDate></item>
<item><title>Future date</title><guid>f</guid><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>
<item><title>Duplicate guid first</title><guid>dup</guid></item>
<item><title>Duplicate guid second</title><guid>dup</guid></item>
</channel></rss>"""


def test_atom_content_types_xml_base_and_enclosures(store: Store) -> None:
    parsed, entries = store_feed(store, "http://example.org/feed", ATOM.encode())
    assert parsed.error is None and parsed.title == "Café & friends"
    by_id = {e.uid: e for e in entries}
    assert len(entries) == len(feedparser.parse(ATOM.encode()).entries) == 3
    plain, escaped, xhtml = by_id["urn:1"], by_id["urn:2"], by_id["urn:3"]
    assert plain.title == "Plain <b>not bold</b>"  # type="text": shown as written
    assert plain.link == "http://example.org/blog/posts/1"  # xml:base
    plain_text = render_entry(plain).text
    assert "Line one & more." in plain_text and "<i>as text</i>" in plain_text
    assert escaped.link == "http://example.org/other/posts/2"  # the entry's own xml:base
    rendered = render_entry(escaped)
    assert "relative link" in rendered.text
    # Relative links in content resolve at render time against the entry's link (GUIDE §3:
    # feeds are parsed without resolving); an xml:base on the content itself is not kept.
    assert [link.url for link in rendered.links] == ["http://example.org/other/about"]
    assert "XHTML" in xhtml.title and "title" in xhtml.title
    xhtml_rendered = render_entry(xhtml)
    assert "Real xhtml" in xhtml_rendered.text
    assert xhtml.enclosures[0]["url"] == "http://example.org/blog/media/3.mp3"
    assert xhtml.enclosures[0]["length"] == 123


def test_rss_entities_cdata_and_missing_fields(store: Store) -> None:
    body = RSS_EDGES.encode()
    parsed, entries = store_feed(store, "http://example.org/feed", body)
    assert parsed.error is None, parsed.error
    assert len(parsed.entries) == len(feedparser.parse(body).entries) == 8
    assert len(entries) == 7  # the duplicate guid is one entry (the first)
    titles = {e.title for e in entries}
    assert "Café — café  done".replace("  ", "\u00a0") in titles or any(
        t.startswith("Café — café") for t in titles
    )
    assert "Duplicate guid first" in titles and "Duplicate guid second" not in titles
    assert "" in titles  # the untitled entry is kept
    cafe = next(e for e in entries if e.title.startswith("Café"))
    assert cafe.enclosures[0] == {
        "url": "http://example.org/a.mp3",
        "type": "audio/mpeg",
        "length": 1024,
    }
    text = render_entry(cafe).text
    assert "CDATA bold & ampersand < less" in text
    no_guid = next(e for e in entries if e.title == "No guid, has link")
    assert no_guid.uid == "http://example.org/no-guid"
    anonymous = next(e for e in entries if e.title == "No guid, no link, no date")
    assert anonymous.uid.startswith("sha1:")
    bad_date = next(e for e in entries if e.title == "Bad date")
    assert bad_date.published is None
    future = next(e for e in entries if e.title == "Future date")
    assert future.sort_ts <= max(e.sort_ts for e in entries)
    assert future.published and future.sort_ts < future.published  # clamped to now
    assert "Edges" in store.feed_by_url("http://example.org/feed").title


def test_storing_the_same_feed_again_changes_nothing(store: Store) -> None:
    for body in (ATOM.encode(), RSS_EDGES.encode()):
        store_feed(store, "http://example.org/again", body)
        before = store.totals()["all"]
        store_feed(store, "http://example.org/again", body)
        assert store.totals()["all"] == before
