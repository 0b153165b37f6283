"""Bytes of a feed in, plain records out.

Well-formed UTF-8 RSS/Atom is read by the lxml fast path (reader/core/text/fastparse.py), which
gives what feedparser gives; feedparser reads the rest (RSS 0.9x/1.0/2.0, Atom, anything
malformed); JSON Feed 1.x is read here. Sanitizing HTML and
resolving relative links are left to render time (GUIDE §3: 3.4x faster parsing, and only what
is read gets rendered); titles, authors and URLs are cleaned of control characters here, where
the text enters the engine.
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import html
import json
import re
from dataclasses import replace
from datetime import datetime
from typing import Any

import feedparser

from reader.core.text.dedupe import link_key, title_key
from reader.core.text.fastparse import read_fast
from reader.core.text.malformed import loose_parse
from reader.core.text.records import ParsedEntry, ParsedFeed
from reader.core.text.sanitize import clean_line, clean_url
from reader.core.text.searchtext import content_hash, html_to_search_text

# Bozo exceptions that still leave a fully usable feed (GUIDE §3).
_SURVIVABLE = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def parse_feed(
    body: bytes, url: str = "", content_type: str = "", limit: int = 0, *, fast: bool = True
) -> ParsedFeed:
    """Parse a downloaded feed. Never raises: a broken feed comes back with `error` set.

    Well-formed UTF-8 RSS/Atom goes through the lxml fast path (reader/core/text/fastparse.py),
    everything else through feedparser; `fast=False` forces feedparser (the parity tests)."""
    try:
        if _looks_like_json(body, content_type):
            feed = _parse_json_feed(body)
        else:
            feed = _parse_xml_feed(body, url, content_type, fast)
    except Exception as err:  # noqa: BLE001 - one broken feed must never stop a refresh
        return ParsedFeed(error=f"could not parse the feed: {type(err).__name__}: {err}")
    entries = feed.entries[:limit] if limit else feed.entries
    return replace(feed, entries=[_prepared(e) for e in entries])


def _prepared(entry: ParsedEntry) -> ParsedEntry:
    """Hash, index text and duplicate keys are pure functions of the entry: computing them
    here, where the refresh parses (its parse child, else its writer thread), keeps that work
    off its event loop and out of its transactions."""
    e = entry
    return ParsedEntry(
        e.uid, e.title, e.author, e.link, e.published, e.updated, e.summary, e.content,
        e.enclosures, content_hash(e), html_to_search_text(e.content or e.summary),
        (e.link, e.title, link_key(e.link), title_key(e.title)),
    )  # fmt: skip


# ---------------------------------------------------------------- XML (feedparser)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")
_CHARSET_PARAM = re.compile(r";\s*charset\s*=[^;]*", re.I)


def _from_bom(body: bytes, content_type: str) -> tuple[bytes, str]:
    """A UTF-16/32 byte order mark is enough for XML, but feedparser ignores it when the
    declaration names no encoding and reads the bytes as UTF-8 (nothing parses). Such a
    body is decoded here and handed on as UTF-8, with the declaration and header to match."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = body.decode(codec, "replace")
            text = _DECLARED_ENCODING.sub(r'\1"utf-8"', text, count=1)
            return text.encode("utf-8"), _CHARSET_PARAM.sub("", content_type)
    return body, content_type


_LAST_RESORT = {"windows-1252", "cp1252", "iso-8859-2", "iso-8859-1"}
_NOT_A_BETTER_GUESS = {"ascii", "utf_8", "cp1252", "latin_1", "iso8859_15"}
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']""")


def _undeclared_charset(body: bytes, content_type: str, used: str) -> str | None:
    """The charset of an undeclared non-UTF-8 feed, when feedparser fell back to cp1252.

    Nothing declared and not UTF-8: feedparser asks chardet if it happens to be installed,
    else reads cp1252, which turns cp1251/koi8-r Cyrillic into mojibake. charset_normalizer
    (a trafilatura dependency, always here) guesses from the letters instead. Only consulted
    in that fallback, so declared feeds never pay for it."""
    if used.lower() not in _LAST_RESORT or body.isascii():
        return None
    if _CHARSET_PARAM.search(content_type) or _XML_ENCODING.match(body[:512]):
        declared = (_XML_ENCODING.match(body[:512]) or [b"", b""])[1].decode("ascii", "replace")
        header = _CHARSET_PARAM.search(content_type)
        names = {
            declared.lower(),
            header.group().split("=", 1)[1].strip().lower() if header else "",
        }
        if names & _LAST_RESORT or names & {"iso-8859-1", "latin-1", "us-ascii"}:
            return None  # the feed asked for this charset
    import charset_normalizer

    best = charset_normalizer.from_bytes(body[:65536]).best()
    if best is None or best.encoding in _NOT_A_BETTER_GUESS:
        return None
    return best.encoding


def _parse_xml_feed(body: bytes, url: str, content_type: str, fast: bool = True) -> ParsedFeed:
    body, content_type = _from_bom(body, content_type)
    malformed = False
    if fast:
        replayed, malformed = read_fast(body, url, content_type)
        if replayed is not None:
            meta, raw_entries = replayed
            entries = [_xml_entry(e, url) for e in raw_entries]
            return ParsedFeed(clean_line(meta.get("title")), clean_url(meta.get("link")), entries)
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    # libxml2 refused it: feedparser's strict pass would fail too, so straight to its loose one.
    parsed = loose_parse(body, dict(headers)) if malformed else None
    if parsed is None:
        parsed = feedparser.parse(
            body, sanitize_html=False, resolve_relative_uris=False, response_headers=headers
        )
    guessed = _undeclared_charset(body, content_type, parsed.get("encoding", ""))
    if guessed:
        body = _DECLARED_ENCODING.sub(r'\1"utf-8"', body.decode(guessed, "replace"), count=1)
        headers.pop("content-type", None)
        parsed = feedparser.parse(
            body.encode("utf-8"), sanitize_html=False, resolve_relative_uris=False,
            response_headers=headers,
        )  # fmt: skip
    meta = parsed.get("feed", {})
    entries = [_xml_entry(e, url) for e in parsed.entries]
    title, link = clean_line(meta.get("title")), clean_url(meta.get("link"))
    problem = _bozo_reason(parsed)
    if not entries and not parsed.get("version"):
        # An HTML page is rarely well-formed XML: say what it is before how it is broken.
        if body[:2048].lower().find(b"<html") >= 0:
            return ParsedFeed(title, link, [], error="an HTML page, not a feed")
        if not body.strip():
            return ParsedFeed(title, link, [], error="the server sent an empty response")
    if not entries and problem:
        return ParsedFeed(title, link, [], error=problem)
    if not entries and not parsed.get("version"):
        return ParsedFeed(title, link, [], error="no feed found in the response")
    return ParsedFeed(title, link, entries, warning=problem)


def _bozo_reason(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    err = parsed.get("bozo_exception")
    if isinstance(err, _SURVIVABLE):
        return None
    message = getattr(err, "getMessage", lambda: str(err))()
    return f"malformed feed: {message}"


def _timestamp(value: Any) -> float | None:
    try:
        return float(calendar.timegm(value)) if value else None
    except (TypeError, ValueError, OverflowError):
        return None


def _xml_entry(e: Any, feed_url: str) -> ParsedEntry:
    title = clean_line(e.get("title"))
    link = clean_url(e.get("link"))
    published = _timestamp(e.get("published_parsed"))
    updated = _timestamp(
        dict.get(e, "updated_parsed")
    )  # e.get() would fall back to published, with a warning
    summary = _as_html(e.get("summary", ""), e.get("summary_detail", {}).get("type", ""))
    content = _best_content(e.get("content") or [])
    if content == summary:
        summary = ""
    author = clean_line(
        e.get("author") or ", ".join(a.get("name", "") for a in e.get("authors", []))
    )
    duration = _duration(e.get("itunes_duration"))
    enclosures = [
        {
            "url": clean_url(x.get("href")),
            "type": clean_line(x.get("type")),
            "length": _int(x.get("length")),
            **({"duration": duration} if duration else {}),  # only when given: no other hash moves
        }
        for x in e.get("enclosures", [])
        if x.get("href")
    ]
    uid = entry_identity(e.get("id"), link, title, published or updated)
    return ParsedEntry(uid, title, author, link, published, updated, summary, content, enclosures)


def _best_content(contents: list[Any]) -> str:
    """The HTML alternative if a feed offers several, else the first."""
    if not contents:
        return ""
    best = next((c for c in contents if "html" in c.get("type", "")), contents[0])
    return _as_html(best.get("value", ""), best.get("type", ""))


def _as_html(value: str, mime: str) -> str:
    """Store every body as HTML; plain text keeps its paragraphs."""
    if not value or "html" in mime or not mime:
        return value or ""
    paragraphs = (html.escape(p.strip()) for p in value.split("\n\n") if p.strip())
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _duration(value: Any) -> int | None:
    """itunes:duration in seconds: "3600", "59:30" or "1:02:03"; anything else is no duration."""
    if not isinstance(value, str) or not value.strip():
        return None
    parts = value.strip().split(":")
    if len(parts) > 3 or not all(p.strip().isdigit() for p in parts):
        return None
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds or None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def entry_identity(guid: str | None, link: str, title: str, when: float | None) -> str:
    """guid/id, else link, else a hash of title and date (the feed gave nothing stable)."""
    guid = clean_url(guid) if guid else ""
    if guid:
        return guid
    if link:
        return link
    digest = hashlib.sha1(f"{title}\x00{when}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"sha1:{digest}"


# ---------------------------------------------------------------- JSON Feed 1.x


def _looks_like_json(body: bytes, content_type: str) -> bool:
    if "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _iso(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return calendar.timegm(moment.timetuple())
    return moment.timestamp()


def _parse_json_feed(body: bytes) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return ParsedFeed(error=f"malformed JSON feed: {err}")
    version = data.get("version", "") if isinstance(data, dict) else ""
    if not isinstance(version, str) or "jsonfeed.org/version/1" not in version:
        return ParsedFeed(error="JSON that is not a JSON Feed 1.x (no jsonfeed.org version)")
    items = data.get("items") if isinstance(data.get("items"), list) else []
    entries = [_json_entry(item, data) for item in items if isinstance(item, dict)]
    return ParsedFeed(
        clean_line(_str(data.get("title"))), clean_url(_str(data.get("home_page_url"))), entries
    )


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_author(item: dict, feed: dict) -> str:
    authors = item.get("authors") or (
        [item["author"]] if isinstance(item.get("author"), dict) else []
    )
    if not authors:
        authors = feed.get("authors") or (
            [feed["author"]] if isinstance(feed.get("author"), dict) else []
        )
    names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
    return clean_line(", ".join(n for n in names if n))


def _json_entry(item: dict, feed: dict) -> ParsedEntry:
    title = clean_line(_str(item.get("title")))
    link = clean_url(_str(item.get("url")) or _str(item.get("external_url")))
    published, updated = _iso(item.get("date_published")), _iso(item.get("date_modified"))
    content = _str(item.get("content_html")) or _as_html(
        _str(item.get("content_text")), "text/plain"
    )
    summary = _as_html(_str(item.get("summary")), "text/plain")
    enclosures = [
        {"url": clean_url(_str(a.get("url"))), "type": clean_line(_str(a.get("mime_type"))),
         "length": _int(a.get("size_in_bytes"))}
        for a in item.get("attachments") or [] if isinstance(a, dict) and a.get("url")
    ]  # fmt: skip
    raw_id = item.get("id")
    guid = str(raw_id) if isinstance(raw_id, str | int) else None
    uid = entry_identity(guid, link, title, published or updated)
    return ParsedEntry(
        uid, title, _json_author(item, feed), link, published, updated, summary, content, enclosures
    )
