"""OPML 2.0 import and export. Tags travel as outline folders (and the `category`
attribute); import only ever yields feed URLs and titles, never anything that runs.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import formatdate

from reader.core.config import FeedConfig
from reader.core.text.sanitize import clean_line, clean_url

MAX_OUTLINES = 100_000


class OpmlError(Exception):
    pass


@dataclass(slots=True)
class ImportResult:
    feeds: list[FeedConfig] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)


def _forbid_dtd(data: bytes) -> None:
    """ElementTree does not fetch external entities, but an internal entity bomb would
    still expand: OPML never needs a DOCTYPE, so refuse any."""
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise OpmlError(
            "OPML with a DOCTYPE or entities is refused (not needed, possibly an entity bomb)"
        )


def parse_opml(data: bytes) -> ImportResult:
    """Feeds from an OPML document: http(s) URLs only, deduplicated, tags from folders."""
    _forbid_dtd(data)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise OpmlError(f"not valid OPML/XML: {err}") from None
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise OpmlError("not an OPML document (no <opml><body>)")
    result = ImportResult()
    seen: set[str] = set()
    count = 0

    def walk(node: ET.Element, folders: tuple[str, ...]) -> None:
        nonlocal count
        for outline in node.findall("outline"):
            count += 1
            if count > MAX_OUTLINES:
                raise OpmlError(f"more than {MAX_OUTLINES:,} outlines; refusing")
            title = clean_line(outline.get("title") or outline.get("text"))
            raw = outline.get("xmlUrl")
            if raw is None:
                walk(outline, (*folders, title) if title else folders)
                continue
            url = clean_url(raw)
            reason = _bad_url(url, raw)
            if reason:
                result.rejected.append((clean_line(raw)[:200], reason))
                continue
            if url in seen:
                continue
            seen.add(url)
            categories = [clean_line(c) for c in (outline.get("category") or "").split(",")]
            tags = tuple(
                dict.fromkeys(t.strip("/") for t in (*folders, *categories) if t.strip("/"))
            )
            result.feeds.append(FeedConfig(url, title or None, tags))

    walk(body, ())
    return result


def _bad_url(url: str, raw: str) -> str | None:
    if raw.strip() != raw.strip().replace("\n", ""):
        return "contains a line break"
    if not url:
        return "empty URL"
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        return "not an absolute http(s) URL" if not scheme else f"scheme {scheme!r} is not allowed"
    return None


def importable(url: str) -> bool:
    """Whether `parse_opml` takes this feed address back (export writes only these)."""
    return _bad_url(url, url) is None


def to_opml(feeds: list[FeedConfig], titles: dict[str, str] | None = None) -> str:
    """OPML 2.0: untagged feeds at the top, tagged ones in a folder per first tag. Feeds made by a
    program (`command = [...]`) have no address another reader could fetch: they are left out."""
    titles = titles or {}
    feeds = [feed for feed in feeds if not feed.command]
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "Byline subscriptions"
    ET.SubElement(head, "dateCreated").text = formatdate(time.time(), usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        title = feed.title or titles.get(feed.url) or feed.url
        parent = body
        if feed.tags:
            tag = feed.tags[0]
            if tag not in folders:
                folders[tag] = ET.SubElement(body, "outline", text=tag, title=tag)
            parent = folders[tag]
        attrs = {"type": "rss", "text": title, "title": title, "xmlUrl": feed.url}
        if feed.tags:
            attrs["category"] = ",".join(feed.tags)
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
