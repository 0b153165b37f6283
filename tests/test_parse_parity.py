"""The lxml fast path (reader/core/text/fastparse.py) against feedparser, the reference.

Every corpus feed and every feed the encoding, hostile-content, property and format suites
generate is parsed twice, `parse_feed(..., fast=False)` being feedparser alone; both must give
the same feed title and link and the same entries, field by field (uid, title, link, author,
published, updated, summary, content, enclosures, and the hash and search text made from
them). Where the fast path declines a feed, feedparser parses it in both runs and the check is
trivially true, so the suite also checks that the fast path really reads what it should.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import samples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_encodings import ATOM, CHARSETS, RSS_EDGES
from test_hostile_content import FEEDS as HOSTILE_FEEDS
from test_property_pipeline import FORMATS as PROPERTY_FORMATS
from test_property_pipeline import TEXT, entries

from reader.core.text.fastparse import parse_fast
from reader.core.text.parse import ParsedFeed, parse_feed

URL = "http://example.org/feed"
CONTENT_TYPES = ["", "application/rss+xml", "application/xml; charset=UTF-8", "text/xml"]


def assert_same(body: bytes, url: str = URL, content_type: str = "", where: str = "") -> bool:
    """Both paths give the same feed; returns whether the fast path read it."""
    if parse_fast(body, url, content_type) is None:
        return False  # feedparser reads it either way
    fast = parse_feed(body, url, content_type)
    slow = parse_feed(body, url, content_type, fast=False)
    if fast != slow:
        _explain(fast, slow, where or repr(body[:80]))
    return True


def _explain(fast: ParsedFeed, slow: ParsedFeed, where: str) -> None:
    for name in ("title", "link", "error", "warning"):
        assert getattr(fast, name) == getattr(slow, name), (where, name)
    assert len(fast.entries) == len(slow.entries), (where, "entry count")
    for i, (a, b) in enumerate(zip(fast.entries, slow.entries, strict=True)):
        for name in a.__slots__:
            assert getattr(a, name) == getattr(b, name), (where, f"entry {i}", name)
    raise AssertionError(where)  # pragma: no cover - some difference the loop missed


# ---------------------------------------------------------------- the corpus


def test_every_corpus_feed_parses_the_same_through_both_paths(corpus: Path) -> None:
    folder = corpus / "feeds"
    index = {i["file"]: i["url"] for i in json.loads((folder / "index.json").read_text())}
    files = sorted(folder.glob("*.xml"))
    assert len(files) >= 40
    read_fast = 0
    for path in files:
        body = path.read_bytes()
        url = index.get(path.name, f"http://corpus.invalid/{path.name}")
        for content_type in ("", "application/rss+xml; charset=UTF-8"):
            took = assert_same(body, url, content_type, f"{path.name} {content_type!r}")
            read_fast += took and bool(content_type)
    # Well-formed UTF-8 is the rule on the web: the fast path must read nearly all of them
    # (the corpus has 3 malformed feeds and one whose encoding only a guess can give).
    assert read_fast >= len(files) - 5, read_fast


# ---------------------------------------------------------------- generated feeds


@pytest.mark.parametrize("name", sorted(samples.FORMATS))
def test_every_sample_format(name: str) -> None:
    build, mime = samples.FORMATS[name]
    for items in (samples.items(3), samples.items(1, "Other"), []):
        body = build(items).encode("utf-8")
        took = assert_same(body, URL, mime, name)
        if name in ("rss20", "rss10", "atom10"):
            assert took, f"{name}: the fast path declined a plain well-formed feed"
    for body in (samples.MALFORMED, samples.SALVAGEABLE):
        assert not assert_same(body.encode(), URL, "", "malformed")


@pytest.mark.parametrize("name", list(CHARSETS))
def test_every_charset_case(name: str) -> None:
    body, content_type, _ = CHARSETS[name]
    assert_same(body, URL, content_type, name)
    assert_same(body, "", content_type, name)


def test_atom_structures_and_rss_edges() -> None:
    assert_same(ATOM.encode(), URL, "", "atom")  # xhtml inside: declined, feedparser reads it
    assert assert_same(RSS_EDGES.encode().replace(b'<!DOCTYPE rss [<!ENTITY copy "&#169;">]>', b""))
    assert not assert_same(RSS_EDGES.encode(), URL, "", "doctype")


@pytest.mark.parametrize("name", list(HOSTILE_FEEDS))
def test_hostile_feeds(name: str) -> None:
    assert_same(HOSTILE_FEEDS[name](), URL, "", name)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    kind=st.sampled_from(["rss", "atom"]),
    title=TEXT,
    items=entries(),
    well_formed=st.booleans(),
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_generated_hostile_feeds(
    kind: str, title: str, items: list[dict], well_formed: bool, content_type: str
) -> None:
    body = PROPERTY_FORMATS[kind](title, items, well_formed)
    assert_same(body, URL, content_type, "property")


def _legal(text: str) -> str:
    return XML_ILLEGAL.sub("", text)


XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(kind=st.sampled_from(["rss", "atom"]), title=TEXT, items=entries())
def test_generated_well_formed_feeds_take_the_fast_path(
    kind: str, title: str, items: list[dict]
) -> None:
    """The same hostile text with only the characters XML forbids removed: well-formed, so
    the fast path must read every one of them, and read it as feedparser does."""
    items = [{k: _legal(v) for k, v in item.items()} for item in items]
    body = PROPERTY_FORMATS[kind](_legal(title), items, True)
    assert assert_same(body, URL, "application/xml", "property, well-formed"), body[:300]


# ---------------------------------------------------------------- hand-made shapes

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom"
 xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Shapes</title><link>http://example.org/</link>
<atom:link rel="self" href="http://example.org/feed"/>
<image><title>Logo</title><url>http://example.org/logo.png</url><link>http://example.org/</link></image>
{items}
</channel></rss>"""

ITEMS = {
    "guid is the link": "<item><title>A</title><guid>http://example.org/a</guid></item>",
    "guid not a permalink": '<item><title>A</title><guid isPermaLink="false">x1</guid></item>',
    "relative link": "<item><title>A</title><link>/a?x=1&amp;y=2</link></item>",
    "empty link after guid": "<item><guid>http://example.org/g</guid><link></link></item>",
    "description then content": "<item><description>S</description>"
    "<content:encoded><![CDATA[<p>C</p>]]></content:encoded></item>",
    "content then description": "<item><content:encoded>&lt;p&gt;C&lt;/p&gt;</content:encoded>"
    "<description>S</description></item>",
    "two descriptions": "<item><description>one</description><description>two</description></item>",
    "itunes summary after description": "<item><description>d</description>"
    "<itunes:summary>s &lt;b&gt;x&lt;/b&gt;</itunes:summary></item>",
    "plain text that looks like html": "<item><itunes:summary>a &amp;amp; b &lt;/p&gt;</itunes:summary></item>",
    "dc creators": "<item><dc:creator>Ann</dc:creator><dc:creator>Bob</dc:creator></item>",
    "author with email": "<item><author>ann@example.org (Ann Author)</author></item>",
    "media group": "<item><title>T</title><media:group><media:title>MT</media:title>"
    "<media:description>MD</media:description><media:content url='http://x/v.mp4'/>"
    "</media:group></item>",
    "media title only": "<item><media:title>Only</media:title></item>",
    "dates": "<item><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>"
    "<dc:date>2003-06-11T04:00:00Z</dc:date><atom:updated>2003-06-12T04:00:00+02:00</atom:updated></item>",
    "bad date": "<item><pubDate>yesterday</pubDate></item>",
    "enclosures": '<item><enclosure url="http://x/a.mp3" type="audio/mpeg" length="12"/>'
    '<enclosure url="/rel.mp3" length="x"/><atom:link rel="enclosure" href="b.ogg"/></item>',
    "atom alternate link": '<item><atom:link rel="alternate" type="text/html" href="/alt"/></item>',
    "mojibake repaired": "<item><title>Martine Ã©crit</title></item>",
    "cp1252 code points": "<item><title>&#150; dash &#128;</title></item>",
    "entities in text": "<item><title>Re&amp;colon; x &amp;amp; y</title></item>",
    "source": '<item><title>T</title><source url="http://s/">Src</source><title>Later</title></item>',
    "unknown elements": '<item><foo xmlns="urn:x">1</foo><bar a="1"/><comments>/c</comments></item>',
    "category": '<item><category domain="d">C</category><title>T</title></item>',
    "whitespace": "<item><title>\n  spaced   title \n</title><link>\n http://x/y \n</link></item>",
    "podcast": "<item><title>Episode 1</title><itunes:author>Host</itunes:author>"
    "<itunes:keywords>news, talk</itunes:keywords><itunes:duration>12:00</itunes:duration>"
    "<itunes:explicit>no</itunes:explicit><itunes:image href='http://x/i.png'/>"
    "<media:keywords>a, b</media:keywords><enclosure url='http://x/1.mp3' type='audio/mpeg'"
    " length='99'/><itunes:subtitle>sub</itunes:subtitle></item>",
}


@pytest.mark.parametrize("name", list(ITEMS))
def test_rss_shapes(name: str) -> None:
    body = RSS.format(items=ITEMS[name]).encode()
    assert assert_same(body, URL, "", name), f"{name}: declined"
    assert assert_same(body, "", "application/rss+xml", name)


ATOM_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.org/blog/">
<title>Atom shapes</title><link href="/"/><link rel="self" href="/feed"/><id>urn:f</id>
<updated>2024-03-01T10:00:00Z</updated>
{entries}
</feed>"""

ENTRIES = {
    "id as link": "<entry><id>http://example.org/p/1</id><title>x</title></entry>",
    "link after id": '<entry><id>tag:x,2024:1</id><link href="posts/1"/></entry>',
    "alternate and other links": '<entry><link rel="self" href="s"/><link rel="alternate" '
    'type="text/html" href="h"/><link rel="replies" href="r"/></entry>',
    "xml:base on the entry": '<entry xml:base="http://other.org/x/"><link href="y"/></entry>',
    "summary and content": '<entry><summary>S</summary><content type="html">&lt;p&gt;C</content></entry>',
    "content then summary": '<entry><content type="text">C\n\nD</content><summary>S</summary></entry>',
    "text content only": '<entry><content type="text">Line one.\n\nLine two.</content></entry>',
    "two authors": "<entry><author><name>A</name><email>a@x</email></author>"
    "<author><name>B</name><uri>http://b/</uri></author></entry>",
    "author email only": "<entry><author><email>a@x</email></author></entry>",
    "published and updated": "<entry><published>2024-01-01T00:00:00Z</published>"
    "<updated>2024-01-02T00:00:00-05:00</updated></entry>",
    "html title": '<entry><title type="html">&lt;b&gt;B&lt;/b&gt; &amp;amp;</title></entry>',
    "source": "<entry><title>T</title><source><title>S</title><id>urn:s</id></source></entry>",
    "enclosure": '<entry><link rel="enclosure" href="a.mp3" type="audio/mpeg" length="3"/></entry>',
}


@pytest.mark.parametrize("name", list(ENTRIES))
def test_atom_shapes(name: str) -> None:
    body = ATOM_FEED.format(entries=ENTRIES[name]).encode()
    assert assert_same(body, URL, "application/atom+xml", name), f"{name}: declined"
    assert assert_same(body, "", "", name)


def test_rss10() -> None:
    body = samples.rss10(samples.items(3)).replace(
        "<description>d</description>", "<description>d</description><dc:creator>C</dc:creator>"
    )
    assert assert_same(body.encode(), URL, "application/rdf+xml", "rss10")


# ---------------------------------------------------------------- what the fast path declines

DECLINED = {
    "not well-formed": b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</ti',
    "html entity": b'<rss version="2.0"><channel><item><title>caf&eacute;</title></item></channel></rss>',
    "undefined entity": b'<rss version="2.0"><channel><item><title>Re&colon; x</title></item></channel></rss>',
    "bare ampersand": b'<rss version="2.0"><channel><item><title>R & D</title></item></channel></rss>',
    "doctype": b'<!DOCTYPE rss [<!ENTITY e "x">]><rss version="2.0"><channel/></rss>',
    "cp1251": '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel>'
    "<title>Новости</title></channel></rss>".encode("cp1251"),
    "utf-8 bytes declared latin-1": '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0">'
    "<channel><title>café</title></channel></rss>".encode(),
    "invalid utf-8": b'<rss version="2.0"><channel><title>caf\xe9</title></channel></rss>',
    "atom 0.3": samples.atom03(samples.items(1)).encode(),
    "xhtml content": ATOM_FEED.format(
        entries='<entry><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "<p>x</p></div></content></entry>"
    ).encode(),
    "markup in a title": RSS.format(items="<item><title>a <b>b</b></title></item>").encode(),
    "keywords with attributes": RSS.format(
        items="<item><title>t</title><itunes:keywords x='1'>a, b</itunes:keywords></item>"
    ).encode(),
    "json": samples.jsonfeed(samples.items(1)).encode(),
}


@pytest.mark.parametrize("name", list(DECLINED))
def test_declined_feeds_go_to_feedparser(name: str) -> None:
    body = DECLINED[name]
    assert parse_fast(body, URL, "application/rss+xml") is None
    assert_same(body, URL, "application/rss+xml", name)


def test_text_xml_without_charset_is_feedparsers_us_ascii() -> None:
    """RFC 3023 as feedparser reads it: text/xml without a charset is US-ASCII, whatever the
    declaration says; non-ASCII bytes then make feedparser guess, so the fast path declines."""
    body = RSS.format(items="<item><title>café</title></item>").encode()
    assert parse_fast(body, URL, "text/xml") is None
    assert parse_fast(body, URL, "text/xml; charset=utf-8") is not None
    assert_same(body, URL, "text/xml")
