"""The whole path, parse -> store -> render -> quotes, on 2,000 generated hostile feeds:
no exception anywhere and no control character in anything shown.

Feeds are RSS, Atom or JSON Feed, well-formed or not, with every field drawn from text that
mixes terminal escape sequences, C0/C1 controls, bidi and zero-width characters, entities,
markup, quotation marks and arbitrary Unicode.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.config import FeedConfig
from reader.core.quotes import extract
from reader.core.quotes.articles import render_entry
from reader.core.store import Store
from reader.core.text.parse import parse_feed

SHOWN_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f]")

NASTY = [
    "\x1b]0;TITLE\x07", "\x1b]52;c;Y2xpcA==\x07", "\x1b[2J", "\x1b[31m", "\x1bP1;2|x\x1b\\",
    "\x1b", "\x9b", "\x9d0;x\x9c", "\x07", "\x08", "\r", "\x00", "\x7f", "\x85", "\u202e",
    "\u2066", "\u200b", "\ufeff", "\u2028", "&amp;", "&lt;", "&#27;", "&#x9b;", "&eacute;",
    "&nbsp;", "&bogus;", "<b>", "</b>", "<script>alert(1)</script>", "<a href='javascript:x'>",
    "<img alt='\x1b[2J' src=x>", "<![CDATA[", "]]>", "“", "”", "«", "»", "„", '"', "'",
    " said ", "Jane Doe", ", he said.", "\n\n", "\t", "日本語", "Привет", "😀", "\u0301",
]  # fmt: skip
TEXT = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), max_size=12).map("".join)
URL = st.one_of(
    st.builds(lambda t: f"http://example.org/{t}", TEXT),
    st.sampled_from(["javascript:alert(1)", "file:///etc/passwd", "data:,x", "", "/rel/x"]),
    TEXT,
)


@st.composite
def entries(draw) -> list[dict]:
    return draw(
        st.lists(
            st.fixed_dictionaries(
                {"title": TEXT, "author": TEXT, "link": URL, "guid": TEXT, "body": TEXT,
                 "summary": TEXT, "enclosure": URL}
            ),
            min_size=1,
            max_size=3,
        )
    )  # fmt: skip


def xml_text(text: str, well_formed: bool) -> str:
    return escape(text, quote=True) if well_formed else text


def rss(title: str, items: list[dict], well_formed: bool) -> bytes:
    x = lambda t: xml_text(t, well_formed)  # noqa: E731
    body = "".join(
        f"<item><title>{x(i['title'])}</title><link>{x(i['link'])}</link>"
        f"<guid>{x(i['guid'])}</guid><author>{x(i['author'])}</author>"
        f"<description>{x(i['summary'])}</description>"
        f"<content:encoded>{x(i['body'])}</content:encoded>"
        f'<enclosure url="{escape(i["enclosure"], quote=True)}" type="audio/x" length="1"/>'
        "</item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{x(title)}</title>{body}</channel></rss>"
    ).encode("utf-8", "surrogatepass")


def atom(title: str, items: list[dict], well_formed: bool) -> bytes:
    x = lambda t: xml_text(t, well_formed)  # noqa: E731
    body = "".join(
        f"<entry><title type='html'>{x(i['title'])}</title><id>{x(i['guid'])}</id>"
        f'<link href="{escape(i["link"], quote=True)}"/><author><name>{x(i["author"])}</name>'
        f"</author><summary>{x(i['summary'])}</summary>"
        f"<content type='html'>{x(i['body'])}</content></entry>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{x(title)}</title>{body}</feed>"
    ).encode("utf-8", "surrogatepass")


def json_feed(title: str, items: list[dict], _: bool) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [
                {"id": i["guid"], "url": i["link"], "title": i["title"], "content_html": i["body"],
                 "summary": i["summary"], "authors": [{"name": i["author"]}],
                 "attachments": [{"url": i["enclosure"], "mime_type": "audio/x"}]}
                for i in items
            ],
        }
    ).encode()  # fmt: skip


FORMATS = {"rss": rss, "atom": atom, "json": json_feed}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("property") / "cache.db"
    with Store(path) as s:
        s.sync_feeds([FeedConfig("http://example.org/feed")])
        yield s


def assert_shown_clean(text: str | None, where: str) -> None:
    match = SHOWN_BAD.search(text or "")
    assert match is None, f"{where}: {match.group()!r} in {text!r}"


@settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    kind=st.sampled_from(sorted(FORMATS)),
    title=TEXT,
    items=entries(),
    well_formed=st.booleans(),
)
def test_hostile_feeds_pass_the_whole_path_clean(
    store: Store, kind: str, title: str, items: list[dict], well_formed: bool
) -> None:
    body = FORMATS[kind](title, items, well_formed)
    parsed = parse_feed(body, "http://example.org/feed", "")
    assert_shown_clean(parsed.title, "feed title")
    assert_shown_clean(parsed.error, "feed error")
    feed = store.feed_by_url("http://example.org/feed")
    if parsed.error:
        store.update_feed(feed.id, status="error", error=parsed.error)
        return
    store.update_feed(feed.id, title=parsed.title, link=parsed.link, status="ok")
    store.store_entries(feed.id, parsed.entries)
    assert_shown_clean(store.feed(feed.id).title, "stored feed title")
    uids = {e.uid for e in parsed.entries}
    rows = store._rows(
        f"SELECT id FROM entries WHERE feed_id = ? AND uid IN ({','.join('?' * len(uids))})",
        [feed.id, *uids],
    )
    assert len(rows) == len(uids)
    for (entry_id,) in rows:
        entry = store.entry(entry_id)
        for field in ("title", "author", "link", "uid", "feed_title", "feed_link"):
            assert_shown_clean(getattr(entry, field), field)
        for enclosure in entry.enclosures:
            assert_shown_clean(enclosure["url"], "enclosure url")
            assert_shown_clean(enclosure["type"], "enclosure type")
        rendered = render_entry(entry)
        assert_shown_clean(rendered.text, "rendered text")
        assert "\x1b" not in rendered.text
        for link in rendered.links:
            assert_shown_clean(link.text, "link text")
            assert link.url.startswith(("http://", "https://", "mailto:")), link.url
            assert_shown_clean(link.url, "link url")
        for quote in extract(rendered.text):
            for field in ("text", "speaker", "cue"):
                assert_shown_clean(getattr(quote, field), f"quote {field}")
            assert rendered.text[quote.start : quote.end] == quote.text
