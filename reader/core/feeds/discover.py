"""`byline add URL`: accept a feed URL or a web page that links to its feed, and prove it
works by fetching and parsing it before anything is written to the config."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from reader.core.config import Settings, feed_url_problem
from reader.core.feeds.fetch import Fetcher, FetchResult
from reader.core.text.parse import parse_feed
from reader.core.text.sanitize import clean_url

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "text/xml",
    "application/xml",
)


class DiscoverError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Found:
    url: str
    title: str
    entries: int
    fetched: dict[str, FetchResult] = field(default_factory=dict)  # for refresh(fetched=)


class _AlternateLinks(HTMLParser):
    """Collects <link rel="alternate" type="...feed type..." href="..."> in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag != "link":
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        rels = a.get("rel", "").lower().split()
        if (
            "alternate" in rels
            and a.get("type", "").lower().split(";")[0] in FEED_TYPES
            and a.get("href")
        ):
            self.hrefs.append(a["href"])


def feed_links(page: bytes, base_url: str) -> list[str]:
    parser = _AlternateLinks()
    parser.feed(page.decode("utf-8", "replace"))
    return [clean_url(urljoin(base_url, href)) for href in parser.hrefs]


async def _find(url: str, settings: Settings) -> Found:
    async with Fetcher(4, 2, settings.timeout_s, settings.max_bytes) as fetcher:
        result = await fetcher.fetch(url)
        if result.status != "ok":
            raise DiscoverError(result.error or "download failed")
        base = result.final_url or url
        parsed = parse_feed(result.body, base, result.content_type)
        if not parsed.error:
            return Found(url, parsed.title, len(parsed.entries), {url: result})
        candidates = feed_links(result.body, base)
        if not candidates:
            raise DiscoverError(f"{parsed.error}, and the page links to no feed")
        for candidate in candidates:
            linked = await fetcher.fetch(candidate)
            if linked.status == "ok":
                feed = parse_feed(linked.body, linked.final_url or candidate, linked.content_type)
                if not feed.error:
                    return Found(candidate, feed.title, len(feed.entries), {candidate: linked})
        raise DiscoverError(f"the page links to {candidates[0]}, but it is not a working feed")


def find_feed(url: str, settings: Settings) -> Found:
    """The working feed at `url` (or linked from the page there); DiscoverError says why not."""
    url = clean_url(url)
    problem = feed_url_problem(url)
    if problem:
        raise DiscoverError(problem)
    return asyncio.run(_find(url, settings))


def same_feed_key(url: str) -> str:
    """A URL reduced to what names the feed, so two spellings of one subscription compare equal
    (issue 28): scheme (http or https) and case of the host, a default port, a fragment and a
    trailing slash do not count; the path's case and the query do."""
    from urllib.parse import urlsplit

    cleaned = clean_url(url)
    try:
        parts = urlsplit(cleaned)
        port = parts.port if parts.port not in (None, 80, 443) else None
    except ValueError:  # a bad port or IPv6 host: find_feed says what is wrong with it
        return cleaned
    if parts.scheme.lower() not in ("http", "https"):
        return cleaned.split("#", 1)[0].rstrip("/")
    host = (parts.hostname or "").lower()
    where = f"{host}:{port}" if port else host
    return f"web://{where}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")
