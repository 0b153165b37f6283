"""The article a quotation sits in: masked text, paragraphs, sentences and names."""

from __future__ import annotations

import bisect
import re

from reader.core.quotes.lexicon import (
    _ABBREV,
    _CUE_RE,
    _END_NAME,
    _FILLER,
    _FILLER_TAIL,
    _NAME,
    _NAME_RE,
    _PREPS,
    _SENT_END,
    _SPEECH_NOUNS,
    _STOPCAPS,
)
from reader.core.quotes.marks import _paragraphs
from reader.core.quotes.structure import Zones

_NOT_NEWLINE = re.compile(r"[^\n]")
_OPENER = re.compile(r"(?<![\w’'])([A-ZÀ-ÖØ-Þ][\w’'\-]*)[ \t\u00a0]+(?=[A-ZÀ-ÖØ-Þ])")
_FOOTNOTE = re.compile(r"(?<=[\w.,’'”\"])\[\d{1,3}\]")
_PLACE = re.compile(
    r"\b(?:in|from|across|throughout|within|into|inside|outside)\s+([A-ZÀ-ÖØ-Þ][\w’'\-]*)"
)
_LOWER_WORD = re.compile(r"(?<![\w’'\-])[a-zà-öø-ÿ][\w’'\-]*")
_POSS_NAME = re.compile(rf"(?<![\w’'.])(?P<n>{_NAME})(?:[’']s|(?<=s)[’'])(?=\s)")
_POSS_SPEECH = re.compile(
    rf"(?:[’']s|[’'])\s+(?:[a-z\-]+\s+){{0,2}}?{_SPEECH_NOUNS}|(?:[’']s|[’'])\s+speech"
)
_FILLER_GAP = re.compile(rf"(?:\s+{_FILLER})*\s+")
_PRON_HE_SHE = re.compile(r" (?P<p>he|she) ")
_SAID_BEFORE = re.compile(
    r"(?:^|\s)(?:said|says|told\s+\w+|added|argued|insisted|believes|believed|thinks|"
    r"thought|noted|explained)(?:\s+that)?$"
)


class _Article:
    """Per-article state: the masked text, sentence and name indexes."""

    def __init__(self, text: str, spans: list[tuple[int, int]], zones: Zones | None = None):
        self.text = text
        pieces, at = [], 0
        for a, b in sorted(spans):  # a quotation's characters become “~”, line breaks stay
            a = max(a, at)  # a nested span's characters are masked once
            if b <= a:
                continue
            piece = text[a:b]
            pieces += (
                text[at:a],
                _NOT_NEWLINE.sub("~", piece) if "\n" in piece else "~" * len(piece),
            )
            at = b
        pieces.append(text[at:])
        masked = "".join(pieces)
        if "]" in masked:  # html2text's link references: “Politico[4] said”
            masked = _FOOTNOTE.sub(lambda m: " " * len(m.group(0)), masked)
        self.masked = masked
        self.zones = zones
        self.far = False  # set by the last pronoun resolution that went beyond a paragraph
        self.paras = _paragraphs(text)
        self.para_starts = [a for a, _ in self.paras]
        self._names: list[tuple[int, int]] | None = None
        self._speakers: list[tuple[int, str]] | None = None
        self._poss: list[tuple[int, int]] | None = None
        self._places: set[str] | None = None
        self._lower: frozenset[str] | None = None
        self._surnames: dict[str, list[tuple[int, str]]] | None = None
        self._firsts: dict[str, list[tuple[int, str]]] | None = None
        self._openers: frozenset[str] | None = None
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
        if re.search(r"\([A-Z]-[A-Z][\w.\- ]{0,20}$", self.masked[max(0, dot - 24) : dot]):
            return True  # “Rep. Gwen Moore (D-Wis.) said”: a party tag
        if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word):
            return True  # “the U.K. and”, “E.U. leaders”: an initialism, not a sentence end
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

    def possessives(self) -> list[tuple[int, int]]:
        """Spans of names written as possessives (“Rubio’s speech”, “Kallas’ remarks”):
        a pronoun may refer to them though they are not subjects themselves."""
        if self._poss is None:
            found = []
            # no possessive before a speech noun anywhere: no name can be kept, no scan
            names = _POSS_NAME.finditer(self.masked) if _POSS_SPEECH.search(self.masked) else ()
            for m in names:
                span = _strip_caps(self.masked, m.start("n"), m.end("n"))
                if not _POSS_SPEECH.match(self.masked, m.end("n")):
                    continue  # only “Rubio’s speech”, never “McSweeney’s resignation”
                if span and not (self.zones and self.zones.covers(m.start())):
                    found.append(span)
            self._poss = found
        return self._poss

    def speakers_before(self, pos: int) -> set[str]:
        """Names that are the subject of a speech verb before ``pos`` (“Trump said”,
        “Rubio has repeatedly praised”) or own someone's words (“Rubio’s speech”):
        one-word names known to be people."""
        if self._speakers is None:
            found: list[tuple[int, str]] = []
            for a, b in self.names():
                gap = _FILLER_GAP.match(self.masked, b)
                cue = gap and _CUE_RE.match(self.masked, gap.end())
                if cue and cue.group("verb"):  # “Trump said”, “Rubio has repeatedly praised”
                    found.append((a, self.text[a:b]))
            for a, b in self.possessives():
                if _POSS_SPEECH.match(self.masked, b):
                    found.append((a, self.text[a:b]))
            self._speakers = found
        return {name for at, name in self._speakers if at < pos}

    def place_like(self, word: str) -> bool:
        """“in Iran”, “from Greenland”: a one-word name the text uses as a place."""
        if self._places is None:
            self._places = {m.group(1) for m in _PLACE.finditer(self.masked)}
        return word in self._places

    def lower_words(self) -> frozenset[str]:
        """Every lower-case word of the article (“users” makes a sentence-initial “Users”
        a common word, not a name)."""
        if self._lower is None:
            self._lower = frozenset(_LOWER_WORD.findall(self.text))
        return self._lower

    def by_surname(self) -> dict[str, list[tuple[int, str]]]:
        """Name mentions grouped by their last word, in text order."""
        if self._surnames is None:
            self._surnames = {}
            for a, b in self.names():
                name = self.text[a:b]
                self._surnames.setdefault(name.split()[-1], []).append((a, name))
        return self._surnames

    def name_openers(self) -> frozenset[str]:
        """Capitalised words written before another capitalised word (“Kofi” of “Kofi
        Mensah”): one pass, so a bare first name is looked up only when it could open one."""
        if self._openers is None:
            self._openers = frozenset(_OPENER.findall(self.text))
        return self._openers

    def by_first(self) -> dict[str, list[tuple[int, str]]]:
        """Full names (two words or more) grouped by each word but the last (a role word
        may open them: “Chef Ingrid Solberg Dahl” is found by “Ingrid”), in text order."""
        if self._firsts is None:
            self._firsts = {}
            for a, b in self.names():
                name = self.text[a:b]
                for word in name.split()[:-1]:
                    self._firsts.setdefault(word, []).append((a, name))
        return self._firsts

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
        if s[b : b + 1] in "’'" and s[b - 1 : b] == "s" and s[b + 1 : b + 2] == " ":
            return False  # “Kallas’ remarks”: a possessive
        name = s[a:b]
        return not (name.isupper() and " " in name)


def _strip_caps(s: str, a: int, b: int) -> tuple[int, int] | None:
    """Drop sentence-initial function words (“But Trump” → “Trump”) and a possessive."""
    while a < b:
        m = _TOKEN.match(s, a, b)
        if not m or m.group(0) not in _STOPCAPS:
            break
        a = m.end()
        while a < b and s[a].isspace():
            a += 1
    m = _LEAD_PARTICIPLE.match(s, a, b)
    if m:  # “Describing Europe”, “Speaking Tuesday”: a participle opens the sentence
        a = m.end()
    if s[b - 2 : b] in ("’s", "'s"):
        b -= 2
    elif s[b - 1 : b] in "’'" and s[b - 2 : b - 1] == "s":
        b -= 1  # “Kallas’”
    return (a, b) if b > a else None


_LEAD_PARTICIPLE = re.compile(r"[A-Z][a-z]{3,}ing\s+(?=\S)")
_TOKEN = re.compile(r"[^\s]+")


def _strip_fillers(window: str) -> str:
    """Drop auxiliaries and adverbs before a verb: “Smith has repeatedly” → “Smith”."""
    while True:
        m = _FILLER_TAIL.search(window)
        if not m or m.start() == len(window):
            return window.rstrip()
        window = window[: m.start()]
