"""Quoted text that is nobody's words: names of works, nicknames, quoted terms."""

from __future__ import annotations

import re

from reader.core.quotes.context import _Article
from reader.core.quotes.lexicon import _FUNCTION, _UP, _words
from reader.core.quotes.marks import _SPACE


def _looks_like_title(art: _Article, a: int, b: int, slot: bool = False) -> bool:
    """“Face the Nation”, “The Apprentice,”: capitalised names of works, not speech.

    ``slot`` says the context already calls for a name (“on CBS’s “…””, “his
    book, “…””), so a single capitalised word is enough.
    """
    words = re.findall(r"[\w’'\-]+", art.text[a:b])
    caps = [w for w in words if w.lower() not in _FUNCTION]
    if not caps or not all(w[0].isupper() or w[0].isdigit() for w in caps) or len(words) > 8:
        return False
    pa, pb = art.para_of(a)
    if _title_case(art.masked[pa:pb]):
        return False  # in a headline every quotation is capitalised
    if len(words) > 1 or slot:
        return True
    before = art.masked[max(0, a - 30) : a - 1].rstrip(_SPACE + '“„«»‘‚「『"\u2060')
    return bool(before) and before[-1].isalpha() and before[-1].islower()


_TITLE_SLOT = re.compile(
    r"(?:\b(?:(?i:on|of|in|at|to|for|from)|titled|entitled|called|named|dubbed|show|program|"
    r"book|film|song|album|series|column|article|segment|documentary|movie|anthem|hymn|"
    r"poem|podcast|newsletter|episode|broadcast|commentary|essay|editorial|op-ed|novel|"
    r"memoir|play|musical)(?:,\s*|\s+)(?:[\w’'.\-]+[’']s\s+)?"
    rf"|[{_UP}][\w.\-]*[’']s?[’']?s\s+)$"
)
#: “his “Keepin’ It Real” radio program”: a capitalised name before the kind of work.
_WORK_AFTER = re.compile(
    r"[\s,.]*(?:(?:radio|TV|television|talk|news|cable|web|reality|morning|evening)\s+)?"
    r"(?:show|program|programme|podcast|series|documentary|film|movie|book|song|album|"
    r"segment|column|newsletter|broadcast|special|anthem|musical|novel|memoir)s?\b"
)
#: A nickname between the parts of a name: Robert C. “Bobby” Scott.
_NICK_BEFORE = re.compile(rf"(?:[{_UP}][\w’'\-]*|[{_UP}]\.)$")
_NICK_AFTER = re.compile(rf"[{_UP}][\w’'\-]+")


def _in_title_slot(art: _Article, a: int, b: int) -> bool:
    """A capitalised name where the sentence calls for one, even if attributed.

    “on CBS’s “Face the Nation,” X said”, “MSNBC’s “Morning Joe””, “his book, “…””,
    “his “Keepin’ It Real” radio program”, and nicknames (Robert C. “Bobby” Scott).
    """
    s = art.masked
    before = s[max(0, a - 40) : a].rstrip(_SPACE + '“„«»‘‚「『"\u2060')
    end = b
    while end < len(s) and s[end] in _SPACE + "”\"’'»«“」』\u2060":
        end += 1
    if _TITLE_SLOT.search(before + " "):
        return _looks_like_title(art, a, b, slot=before.endswith(","))
    if _WORK_AFTER.match(s, end) and _looks_like_title(art, a, b, slot=True):
        return True
    gap = s[a - 2 : a - 1] if a >= 2 else ""
    if gap in _SPACE and gap and _NICK_BEFORE.search(before) and len(art.text[a:b].split()) <= 2:
        nxt = s[end : end + 30]
        if _NICK_AFTER.match(nxt) and _looks_like_title(art, a, b, slot=True):
            return True
    return False


#: Words a quoted term modifies rather than ends with: “the “sex tape” reference”.
_NOT_HEAD = _words(
    """in on at to of for from by with and or but nor that which who whom whose is was are
    were be been has had have will would can could should may might must as than yet so
    often also if when because after before during since until while about into over
    under against between through via per like unlike not never now then there here just
    only even still already again too instead either"""
)
_TERM_DET = re.compile(
    r"(?<![\w’'])(?:the|a|an|its|this|that|these|those|The|A|An|Its|This|That|These|Those)"
    r"\s+(?:[a-z][\w\-]*\s+){0,2}$"
)
_MENTION_WORDS = _words("he she it they we i you him her them us me his hers its their")


def _is_term(art: _Article, a: int, b: int) -> bool:
    """An unattributed quoted word used as a term, not as anyone's words.

    Two shapes: a quoted pronoun (“because “she” is a “he””: the word itself is
    meant), and a short quoted modifier inside a noun phrase (“the “sex tape”
    reference”, “the notorious “carried interest” loophole”).
    """
    words = re.findall(r"[\w’'\-]+", art.text[a:b])
    if words and all(w.lower() in _MENTION_WORDS for w in words):
        return True
    if not words or len(words) > 3 or art.text[b - 1 : b] in ",.;:!?":
        return False
    s = art.masked
    before = s[max(0, a - 40) : a].rstrip(_SPACE + '“„«»‘‚「『"\u2060')
    if not _TERM_DET.search(before + " "):
        return False
    end = b
    while end < len(s) and s[end] in "”\"’'»«“」』\u2060":
        end += 1
    m = re.match(r" ([a-z][a-z\-]+)\b", s[end : end + 30])
    return bool(m) and m.group(1) not in _NOT_HEAD and not m.group(1).endswith("ly")


def _title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w’'\-]*", line) if w.lower() not in _FUNCTION]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)
