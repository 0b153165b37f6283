"""Where a quotation sits: body prose, or a heading, caption, code block or link list.

Issue 11: on real feeds a quarter of the "quotes" were headings, captions and code strings,
and names in headings were given as speakers of body quotes. The renderer may say where
those are (``reader.core.text.blocks``); without it, the stored html2text renderings still show
them: ``## `` headings, ``[image: …]`` captions, code indented by four spaces and inline
code between backticks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from reader.core.text.blocks import Block, BlockKind

#: Zone kinds. Quotations in CODE are nobody's words (not found); in the others they are
#: kept as "partial" quotes with no speaker, and nothing there attributes body text.
CODE = "code"
HEADING = "heading"
CAPTION = "caption"
LINKS = "links"

_HEADING_LINE = re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+[^\n]*")
_CAPTION = re.compile(r"\[image:[^\]\n]*\]?")
_INLINE_CODE = re.compile(r"`[^`\n]{1,400}`")
_PARA = re.compile(r"\n[ \t]*\n")
_BULLET = re.compile(r"[ \t]*(?:[*+\-•]|\d+[.)])[ \t]")
_INDENTED = re.compile(r"(?: {4,}|\t)")


def _indented_code(text: str) -> list[tuple[int, int]]:
    """Paragraphs every line of which is indented by four spaces or a tab (html2text's
    rendering of ``<pre>``), unless they are list items."""
    found = []
    pos = 0
    for m in [*_PARA.finditer(text), None]:
        end = m.start() if m else len(text)
        para = text[pos:end]
        lines = [line for line in para.split("\n") if line.strip()]
        if lines and all(_INDENTED.match(line) for line in lines) and not _BULLET.match(lines[0]):
            found.append((pos, end))
        pos = m.end() if m else end
    return found


#: “Read more: <title of another article>” lines (TIME, The Week): links, not prose.
_LINK_LINE = re.compile(
    r"(?m)^[ \t]*(?:Read|Read more|Read More|More|Related|See also|Watch|Listen|Also read|"
    r"READ MORE|Recommended|Further reading|Subscribe)\s*:[^\n]*"
)


def _plain_zones(text: str) -> list[tuple[int, int, str]]:
    zones = [(m.start(), m.end(), HEADING) for m in _HEADING_LINE.finditer(text)]
    if ":" in text:
        zones += [(m.start(), m.end(), LINKS) for m in _LINK_LINE.finditer(text)]
    if "[image:" in text:
        zones += [(m.start(), m.end(), CAPTION) for m in _CAPTION.finditer(text)]
    if "    " in text or "\t" in text:
        zones += [(a, b, CODE) for a, b in _indented_code(text)]
    if "`" in text:
        zones += [(m.start(), m.end(), CODE) for m in _INLINE_CODE.finditer(text)]
    return zones


_KIND = {
    BlockKind.HEADING: HEADING,
    BlockKind.CAPTION: CAPTION,
    BlockKind.CODE: CODE,
}


def _block_zones(text: str, blocks: Sequence[Block]) -> list[tuple[int, int, str]]:
    zones = [(b.start, b.end, _KIND[b.kind]) for b in blocks if b.kind in _KIND]
    links = [(b.start, b.end) for b in blocks if b.kind == BlockKind.LINK]
    for item in (b for b in blocks if b.kind == BlockKind.LIST_ITEM):
        inside = sum(min(y, item.end) - max(x, item.start) for x, y in links if x < item.end)
        words = len(text[item.start : item.end].strip(" •*-\n"))
        if words and inside * 2 >= words:  # an item that is mostly a link: a link list
            zones.append((item.start, item.end, LINKS))
    if links:  # a line that is (nearly) all link: related articles, not prose
        pos = 0
        for line in text.split("\n"):
            end = pos + len(line)
            size = len(line.strip())
            if size >= 12:
                inside = sum(min(y, end) - max(x, pos) for x, y in links if x < end and y > pos)
                if inside >= 0.8 * size:
                    zones.append((pos, end, LINKS))
            pos = end + 1
    if ":" in text:  # “Read more: …” lines
        zones += [(m.start(), m.end(), LINKS) for m in _LINK_LINE.finditer(text)]
    return zones


class Zones:
    """The non-prose ranges of an article, from ``blocks`` when given, else from the text."""

    def __init__(self, text: str, blocks: Sequence[Block] | None = None):
        zones = _block_zones(text, blocks) if blocks is not None else _plain_zones(text)
        self._zones = sorted(zones)
        self._starts = [z[0] for z in self._zones]
        merged: list[list[int]] = []  # their union, for `covers` by one look-up
        for x, y, _ in self._zones:
            if merged and x <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], y)
            else:
                merged.append([x, y])
        self._union_starts = [x for x, _ in merged]
        self._union_ends = [y for _, y in merged]

    def __bool__(self) -> bool:
        return bool(self._zones)

    def kind_at(self, a: int, b: int) -> str | None:
        """The zone holding most of ``[a, b)``; code wins over the others (a code block
        under a heading is still code)."""
        best = None
        k = bisect.bisect_right(self._starts, b)
        for x, y, kind in self._zones[max(0, k - 64) : k]:
            if y <= a or x >= b:
                continue
            if (min(y, b) - max(x, a)) * 2 < b - a and not (x <= a and b <= y):
                continue
            if kind == CODE:
                return CODE
            best = best or kind
        return best

    def covers(self, pos: int) -> bool:
        """Is ``pos`` inside any zone (a name there never speaks for body text)?"""
        k = bisect.bisect_right(self._union_starts, pos) - 1
        return k >= 0 and pos < self._union_ends[k]


#: A string handed to code: `println "…"`, `print("…")`, `uri = "…"`, `"key": "…"`.
_CODE_BEFORE = re.compile(r"(?:\(\s*[\w.\-!?>/:*]+\s+|[\w\])]\(\s*|[=:]\s*|,\s*)[\"'`]?$")
_CODE_AFTER = re.compile(r"[\"'`]?\s*(?:[),;\]}]|$)")
_URLISH = re.compile(r"^(?:\S*://\S*|[~.]?/\S+|\$\{?\S+|\S+\.(?:[a-z]{1,4})|\S*[_/\\]\S*)$")


def code_string(text: str, a: int, b: int) -> bool:
    """Is ``text[a:b]`` (a quotation's inside) a string in code rather than anyone's words?

    Two shapes: a string passed to a call or assigned (``(println "…")``, ``f("…")``,
    ``uri = "…"``) and a single token that is a URL, a path or an identifier
    (``"qemu+ssh://host/system"``, ``"${path.module}/network.cfg"``).
    """
    inner = text[a:b]
    if " " not in inner.strip() and _URLISH.match(inner.strip()):
        return True
    if text[a - 1 : a] not in ('"', "'"):
        return False  # code quotes with straight marks only
    before = text[max(0, a - 40) : a]
    if "\n" in before:
        before = before.rsplit("\n", 1)[1]
    if not _CODE_BEFORE.search(before):
        return False
    after = text[b : b + 4]
    if not _CODE_AFTER.match(after):
        return False
    # prose has “, ” before a quotation too: only count it as code when the line looks
    # like code (an opening call, brackets or an operator before the string)
    return bool(re.search(r"[(=\[{]", before)) and not re.search(r"\b(?:said|says)\b", before)
