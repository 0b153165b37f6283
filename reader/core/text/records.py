"""What parsing a feed gives: plain records, apart from the parsers that make them.

Apart so that a process that only stores parsed feeds (a refresh whose parsing runs in its
child, reader/core/feeds/parseworker.py) never imports lxml and feedparser (issue 24).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    uid: str
    title: str = ""
    author: str = ""
    link: str = ""
    published: float | None = None
    updated: float | None = None
    summary: str = ""
    content: str = ""
    enclosures: list[dict[str, Any]] = field(default_factory=list)
    digest: str = ""  # content_hash, computed with the parse (see `parse._prepared`)
    search_body: str = ""  # the body's words for the index, likewise
    # (link, title, link_key, title_key): the duplicate keys, computed with the parse (in the
    # parse child, off the storing process) for the link and title they were made from.
    keys: tuple = ()


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str = ""
    link: str = ""
    entries: list[ParsedEntry] = field(default_factory=list)
    error: str | None = None  # set when nothing usable came out
    warning: str | None = None  # a survivable problem (bozo with entries)
