"""The article a quotation sits in: masked text, paragraphs, sentences and names."""

from __future__ import annotations

import bisect
import re

from reader.core.quotes.lexicon import (
    _ABBREV,
    _END_NAME,
    _FILLER_TAIL,
    _NAME_RE,
    _PREPS,
    _SENT_END,
    _STOPCAPS,
)
from reader.core.quotes.marks import _paragraphs
from reader.core.quotes.structure import Zones

_FOOTNOTE = re.compile(r"(?<=[\w.,’'”\"])\[\d{1,3}\]")
_PRON_HE_SHE = re.compile(r" (?P<p>he|she) ")
_SAID_BEFORE = re.compile(
    r"(?:^|\s)(?:said|says|told\s+\w+|added|argued|insisted|believes|believed|thinks|"
    r"thought|noted|explained)(?:\s+that)?$"
)


class _Article:
    """Per-article state: the masked text, sentence and name indexes."""

    def __init__(self, text: str, spans: list[tuple[int, int]], zones: Zones | None = None):
        self.text = text
        chars = list(text)
        for a, b in spans:
            for k in range(a, b):
                if chars[k] != "\n":
                    chars[k] = "~"
        masked = "".join(chars)
        if "]" in masked:  # html2text's link references: “Politico[4] said”
            masked = _FOOTNOTE.sub(lambda m: " " * len(m.group(0)), masked)
        self.masked = masked
        self.zones = zones
        self.far = False  # set by the last pronoun resolution that went beyond a paragraph
        self.paras = _paragraphs(text)
        self.para_starts = [a for a, _ in self.paras]
        self._names: list[tuple[int, int]] | None = None
        self._surnames: dict[str, list[tuple[int, str]]] | None = None
        self._gender: dict[str, dict[str, int]] | None = None

    def para_of(self, pos: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.para_starts, pos) - 1
        return self.paras[max(k, 0)]

    def sentence_start(self, pos: int) -> int:
        """Start of the sentence holding ``pos``; quotations are masked so never split it."""
        lo = self.para_of(pos)[0]
        start = lo
        for m in _SENT_END.finditer(self.masked, max(lo, pos - 600), pos):
            if not self._abbrev_before(m.start()):
                start = m.end()
        return start

    def _abbrev_before(self, dot: int) -> bool:
        if self.masked[dot] != ".":
            return False
        m = re.search(r"([\w.]+)$", self.masked[max(0, dot - 12) : dot])
        if not m:
            return False
        word = m.group(1)
        return word.lower() in _ABBREV or (len(word) == 1 and word.isupper())

    def names(self) -> list[tuple[int, int]]:
        """Spans of capitalised names that could be people (for pronoun resolution)."""
        if self._names is None:
            found = []
            zones = self.zones
            for m in _NAME_RE.finditer(self.masked):
                span = _strip_caps(self.masked, m.start(), m.end())
                if zones and zones.covers(m.start()):
                    continue  # a name in a heading or caption does not speak for the body
                if span and self.person_like(*span):
                    found.append(span)
            self._names = found
        return self._names

    def by_surname(self) -> dict[str, list[tuple[int, str]]]:
        """Name mentions grouped by their last word, in text order."""
        if self._surnames is None:
            self._surnames = {}
            for a, b in self.names():
                name = self.text[a:b]
                self._surnames.setdefault(name.split()[-1], []).append((a, name))
        return self._surnames

    def gender_votes(self) -> dict[str, dict[str, int]]:
        """Pronouns names take in “Smith said she …” / “Smith told reporters he …”,
        keyed by the name as written (relatives share a surname)."""
        if self._gender is None:
            self._gender = {}
            s = self.masked
            for m in _PRON_HE_SHE.finditer(s):
                verb = _SAID_BEFORE.search(s, max(0, m.start() - 30), m.start())
                if verb is None:
                    continue
                lo = max(0, verb.start() - 80)
                found = _END_NAME.search(_strip_fillers(s[lo : verb.start()]))
                span = found and _strip_caps(s, lo + found.start(), lo + found.end())
                if not span:
                    continue
                name = self.text[span[0] : span[1]].strip()
                seen = [c for at, c in self.by_surname().get(name, ()) if at < span[0]]
                fulls = {c for c in seen if " " in c and "\n" not in c}
                if " " not in name and len(fulls) == 1 and " " in seen[0]:
                    # “Brown” after “Tom Brown”; never one of two Trumps, nor the bare
                    # “Trump” of an article that names “Ivanka Trump” only later
                    name = fulls.pop()
                votes = self._gender.setdefault(name, {})
                g = m.group("p").lower()
                votes[g] = votes.get(g, 0) + 1
        return self._gender

    def person_like(self, a: int, b: int) -> bool:
        """Not the object of a preposition, a possessive, a (D-Mo.) tag or a SHOUTED line."""
        s = self.masked
        before = s[max(0, a - 12) : a].split()
        if before and before[-1].lower() in _PREPS:
            return False
        if s[a - 1 : a] in "(-/" and a > 0 or s[b : b + 2] in ("’s", "'s"):
            return False
        name = s[a:b]
        return not (name.isupper() and " " in name)


def _strip_caps(s: str, a: int, b: int) -> tuple[int, int] | None:
    """Drop sentence-initial function words (“But Trump” → “Trump”) and a possessive."""
    while a < b:
        m = re.match(r"[^\s]+", s[a:b])
        if not m or m.group(0) not in _STOPCAPS:
            break
        a += m.end()
        while a < b and s[a].isspace():
            a += 1
    if s[b - 2 : b] in ("’s", "'s"):
        b -= 2
    return (a, b) if b > a else None


def _strip_fillers(window: str) -> str:
    """Drop auxiliaries and adverbs before a verb: “Smith has repeatedly” → “Smith”."""
    while True:
        m = _FILLER_TAIL.search(window)
        if not m or m.start() == len(window):
            return window.rstrip()
        window = window[: m.start()]
