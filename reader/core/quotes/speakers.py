"""Turn the mention a cue attaches to into a name: pronouns, descriptions, full names."""

from __future__ import annotations

import bisect
import re

from reader.core.quotes.attribution import _np_in
from reader.core.quotes.context import _Article
from reader.core.quotes.lexicon import _FOREIGN_PRON, _NAME_AFTER, _NAME_APPOSED, _ORG, _TITLE


def _resolve(art: _Article, a: int, b: int) -> tuple[str | None, bool]:
    """Name for the mention ``[a, b)``; True when it was a pronoun or description."""
    mention = art.text[a:b]
    low = mention.lower()
    low = _FOREIGN_PRON.get(low, low)
    if low in ("he", "she", "his", "her"):
        name = _nearest_name(art, a, low)
        return (name, True) if name else (mention, False)
    if low in ("who", "which", "that"):  # “Smith, who said …”
        span = _np_in(art.masked[max(0, a - 120) : a].rstrip(" ,"), max(0, a - 120))
        if span and art.text[span[0] : span[1]].lower() not in ("it", "that", "which"):
            return _resolve(art, *span)[0], True
        return None, False
    if low.startswith("the ") and mention.split()[-1].islower():
        name = _described(art, a, mention)
        if name:
            return name, True
    return mention, False


def _nearest_name(art: _Article, pos: int, pron: str) -> str | None:
    """Nearest person-like name before ``pos`` whose known gender fits the pronoun.

    “Person-like” means titled, written in full (two words or more) or a surname
    that was earlier written in full, so “the 13th Amendment” never speaks.
    """
    want = "she" if pron in ("she", "her") else "he"
    names = art.names()
    k = bisect.bisect_left(names, (pos, pos))
    text = art.text
    for a, b in reversed(names[max(0, k - 40) : k]):
        if b > pos:
            continue
        full = _full_name(art, text[a:b], a)
        if _ORG.search(full):
            continue
        known = _gender(art, full, text[a:b], text[max(0, a - 9) : a])
        if known and want not in known:
            continue
        if " " in full or re.match(_TITLE, text[a:b]):
            return full
    return None


_FEMALE_TITLE = re.compile(r"\b(?:Ms|Mrs|Mme|Mlle)\.|\b(?:Frau|Madame|Mademoiselle|госпожа)\s")
_MALE_TITLE = re.compile(r"\b(?:Mr|M)\.\s|\b(?:Herr|Monsieur|господин)\s")
_RU_FEMALE = re.compile(r"[а-я](?:ова|ева|ёва|ина|ына|ская|цкая)$")
_RU_MALE = re.compile(r"[а-я](?:ов|ев|ёв|ин|ын|ский|цкий)$")


def _gender(art: _Article, full: str, name: str, before: str) -> set[str]:
    """Genders a name is known to take: its title (Mr./Ms./Frau/Mme), a Russian
    surname ending, or the pronoun it takes in “Smith said she …”."""
    last = full.split()[-1]
    titled = before + name
    if _FEMALE_TITLE.search(titled) or _FEMALE_TITLE.search(full) or _RU_FEMALE.search(last):
        return {"she"}
    if _MALE_TITLE.search(titled) or _MALE_TITLE.search(full) or _RU_MALE.search(last):
        return {"he"}
    votes = art.gender_votes()
    he = sum(votes.get(n, {}).get("he", 0) for n in {name, full})
    she = sum(votes.get(n, {}).get("she", 0) for n in {name, full})
    return {"he"} if he > she else {"she"} if she > he else set()


def _full_name(art: _Article, name: str, pos: int) -> str:
    """Longest earlier form of a name (“Eismont” → “Natalia Eismont”)."""
    best = name
    for a, cand in art.by_surname().get(name.split()[-1], ()):
        if a >= pos:
            break
        if len(cand) > len(best) and "\n" not in cand:
            best = cand
    return best


def _described(art: _Article, pos: int, mention: str) -> str | None:
    """“the Belarusian dictator” → the name earlier written as “Belarusian dictator X”."""
    head = mention.split()[-1]
    text = art.text
    lo = max(0, pos - 4000)
    best = None
    for m in re.finditer(rf"(?i)(?<![\w’']){re.escape(head)}\b", text[lo:pos]):
        at = lo + m.end()
        after = _NAME_AFTER.match(text, at, pos)  # “dictator Alexander Lukashenko”
        if after:
            best = after.group("n")
            continue
        before = _NAME_APPOSED.search(text, max(0, lo + m.start() - 120), lo + m.start())
        if before:  # “Lukashenko, the Belarusian dictator”
            best = before.group("n")
    return best
