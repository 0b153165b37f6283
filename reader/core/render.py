"""Turn an entry's HTML into terminal-ready text with numbered links.

html2text does the heavy lifting (headings, lists, blockquotes stay legible); a tag callback
replaces each link with a `[n]` marker and collects `(n, text, url)` so the app can open link
n with a key, and shows images as `[image: alt]`. Relative links are resolved here (feeds are
parsed without resolving, GUIDE §3) and every control character is stripped from the result.
Lines are not wrapped: the app wraps to the pane's width in terminal cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import html2text

from reader.core.sanitize import clean_line, clean_text, clean_url

_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING = re.compile(r"[ \t]+\n")
_LINKABLE = ("http://", "https://", "mailto:")


@dataclass(frozen=True, slots=True)
class Link:
    number: int
    text: str
    url: str


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    links: list[Link] = field(default_factory=list)

    def link(self, number: int) -> Link | None:
        return next((link for link in self.links if link.number == number), None)


class _Converter:
    """One html2text run with the link and image handling of Byline."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.links: list[Link] = []
        self._numbers: dict[str, int] = {}
        self._open: list[tuple[str | None, int]] = []
        h = html2text.HTML2Text(baseurl=base_url, bodywidth=0)
        h.unicode_snob = True
        h.ignore_emphasis = True
        h.ignore_images = True
        h.ignore_links = True
        h.single_line_break = False
        h.mark_code = False
        h.tag_callback = self._tag
        self.h = h

    def convert(self, markup: str) -> str:
        return self.h.handle(markup)

    def _resolve(self, href: str | None) -> str | None:
        href = clean_url(href)
        if not href or href.startswith("#"):
            return None
        url = urljoin(self.base_url, href) if self.base_url else href
        return url if url.lower().startswith(_LINKABLE) else None

    def _tag(self, h: html2text.HTML2Text, tag: str, attrs: dict, start: bool) -> bool | None:
        if tag == "img" and start:
            alt = clean_line(attrs.get("alt") or attrs.get("title") or "")
            h.o(f"[image: {alt}]" if alt else "[image]")
            return True
        if tag != "a":
            return None
        if start:
            self._open.append((self._resolve(attrs.get("href")), len(h.outtextlist)))
            return True
        if not self._open:
            return True
        url, mark = self._open.pop()
        if url:
            text = clean_line("".join(h.outtextlist[mark:])) or url
            number = self._numbers.get(url)
            if number is None:
                number = self._numbers[url] = len(self._numbers) + 1
                self.links.append(Link(number, text[:200], url))
            h.o(f"[{number}]")
        return True


def render_html(markup: str, base_url: str = "") -> Rendered:
    """HTML (hostile, from a feed or a page) to safe text plus its numbered links."""
    converter = _Converter(clean_url(base_url))
    try:
        text = converter.convert(markup or "")
    except Exception:  # noqa: BLE001 - a pathological page still shows as plain text
        text = re.sub(r"<[^>]*>", " ", markup or "")
    text = _MD_ESCAPE.sub(r"\1", clean_text(text))
    text = _BLANK_RUNS.sub("\n\n", _TRAILING.sub("\n", text)).strip("\n")
    return Rendered(text, converter.links)
