"""The quote finder: direct quotations in article text and who spoke them (the package's
`extract`; see reader/core/quotes/__init__.py)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.quotes.attribution import _attribute, _may_inherit, _modifies_noun, _standalone
from reader.core.quotes.context import _Article
from reader.core.quotes.lexicon import _FUNCTION, _LEAD_TRIM, _words
from reader.core.quotes.marks import _DOUBLED, _JOINER, _find_spans
from reader.core.quotes.speakers import _by_first_name, _person_or_body, _plausible, _resolve
from reader.core.quotes.structure import CODE, Zones, code_string
from reader.core.quotes.titles import _in_title_slot, _is_term, _looks_like_title

if TYPE_CHECKING:
    from reader.core.text.blocks import Block

__all__ = ["Quote", "extract", "label_offset", "shows_speaker"]


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation.

    ``speaker`` is the resolved name (pronouns and descriptions like "the
    Belarusian dictator" are replaced by the fitting name written before them);
    ``speaker_start``/``speaker_end`` locate the *mention* the cue attaches to,
    as written (so they may point at "he" while ``speaker`` says "Jane Doe").
    ``confidence`` is "high" when a cue in the quotation's own sentence names the
    speaker, "low" when the speaker is inherited from an earlier quotation of the
    paragraph or when nobody is named.
    """

    start: int
    end: int
    text: str
    kind: str
    speaker: str | None
    cue: str | None
    confidence: str
    speaker_start: int | None = None
    speaker_end: int | None = None
    rule: str = ""  # the construction that named the speaker: measured per source


def _word_count(s: str) -> int:
    if re.search("[\u3040-\u30ff\u4e00-\u9fff]", s):
        return len(s) // 2
    return len(re.findall(r"\w+(?:[’'\-]\w+)*", s))


#: Mentions that name nobody until resolved: “I said”, “you think”, “they say”.
_UNNAMED = _words(
    """i me my we us our you your they them it one i’d i'd we’d we'd you’d you'd he she him
    her his who which that this ich wir du ihr man je nous tu vous on я мы ты вы il elle
    ils elles er sie он она они"""
)


#: English present-tense and bare cues: a blog's “Python says”, “the compiler is telling
#: us”, “the voice that says”, unlike reporting's “Discord said”, „…“, sagte Becker.
_PRESENT_CUE = re.compile(r"(?:[a-z]+s|say|tell|call|ask|think|write|read)")


def _reported(cue: str | None) -> bool:
    last = (cue or "").split()[-1:] or [""]
    return bool(cue) and not _PRESENT_CUE.fullmatch(last[0])


_FOOTNOTE = re.compile(r"\[\d{1,3}\]")
_THIRD_PERSON = _words("he she they er sie il elle ils elles он она они")


def extract(text: str, blocks: Sequence[Block] | None = None) -> list[Quote]:
    """All quotations in ``text`` sorted by start, each with its speaker if the text says.

    ``blocks`` (optional, from the renderer) say which ranges are headings, captions, code
    and links; without them the stored html2text renderings are read for the same
    (``## `` headings, ``[image: …]`` captions, indented and backticked code). Offsets
    always index ``text``.
    """
    work = _DOUBLED.sub(_JOINER + '"', text) if ("''" in text or "``" in text) else text
    spans = _find_spans(work)
    zones = Zones(text, blocks)
    art = _Article(work, spans, zones)
    quotes: list[Quote] = []
    spoken: set[int] = set()  # quotations a third-person cue gives to someone
    last_by_para: dict[int, Quote] = {}
    for a, b in spans:
        qtext = text[a:b]  # the caller's text, not the rewritten one
        zone = zones.kind_at(a, b) if zones else None
        if zone == CODE or code_string(work, a, b):
            continue  # a string in code is nobody's words
        if _in_title_slot(art, a, b):
            continue
        if zone is not None:  # a heading, caption or link list: never attributed
            quotes.append(Quote(a, b, qtext, "partial", None, None, "low"))
            continue
        if _linked_heading(text, a, b):  # a list item or heading that links elsewhere
            quotes.append(Quote(a, b, qtext, "partial", None, None, "low"))
            continue
        floor = art.sentence_start(a + 1)
        found = _attribute(art, a, b, floor)
        para = art.para_of(a)[0]
        words = _word_count(qtext)
        if found is not None:
            art.far = False
            name, resolved = _resolve(art, found.start, found.end)
            sure = not art.far
            mention = text[found.start : found.end]
            if mention.casefold() in _THIRD_PERSON:
                spoken.add(a)
            if name is not None and name.casefold() in _UNNAMED:
                name = None  # “When unsure, no speaker”: a pronoun nobody was named for
            if name is not None and not _plausible(art, name, -1 if resolved else found.start):
                name = None
            if name is not None and "[" in name:
                name = _FOOTNOTE.sub("", name)  # “a release[4] from the RCMP”
            if name is not None and _not_a_name(art, name):
                name = None  # a place the text is set in, a currency code
            if name is not None and (
                _nobodys_words(art, a, b, words, found) or _denied(art, found)
            ):
                name = None  # a term, a title, or words the cue says were not said
            if name is not None:
                name = _by_first_name(art, name, found.start) or _expanded(art, name)
            cue = f"{mention} {found.cue}" if resolved else found.cue
            # a short quotation is a quote when it is an utterance of its own (“No,” she
            # said), not a word someone used (what he called “reunification”)
            utterance = found.adjacent and qtext.rstrip()[-1:] in ",.!?…"
            kind = "quote" if words >= 4 or utterance else "partial"
            if name is None:  # an unresolvable “which said”
                q = Quote(a, b, qtext, kind, None, cue, "low")
            else:
                conf = "high" if sure else "low"
                q = Quote(a, b, qtext, kind, name, cue, conf, found.start, found.end, found.rule)
            last_by_para[para] = q
        else:
            if _looks_like_title(art, a, b) or _is_term(art, a, b):
                continue
            kind = "quote" if words >= 4 else "partial"
            q = Quote(a, b, qtext, kind, None, None, "low")
            prev = last_by_para.get(para)
            whole = kind == "quote" or _standalone(art, a, b, floor)
            if prev is None and kind == "quote" and quotes:
                prev = _continued(art, quotes[-1], a, b)
            if prev is not None and whole and prev.speaker and _may_inherit(art, prev, a):
                q = Quote(
                    a, b, qtext, kind, prev.speaker, None, "low",
                    prev.speaker_start, prev.speaker_end, "inherit",
                )  # fmt: skip
                last_by_para[para] = q
        quotes.append(q)
    if not any(q.speaker and (_person_or_body(art, q.speaker) or _reported(q.cue)) for q in quotes):
        # A text that reports nobody's words (a blog post, a how-to): its quoted phrases
        # are the author's terms, examples and imagined lines, and what “Python says” or
        # “the compiler is telling us” is a figure of speech, not a quotation; only a cue
        # with a third person (“No,” she said) still says someone spoke them.
        quotes = [_as_partial(q) if q.start not in spoken else _unnamed(q) for q in quotes]
    return quotes


_TERMINAL = ".!?…,;:"
_LINK_MARK_END = re.compile(r"[”\"’'»]?\s*\[\d{1,4}\][ \t]*(?:\n|$)")
_LINE_LEAD = re.compile(
    r"[ \t]*(?:[#*•\-–]+\s*|\d{1,3}[.)]\s*)?(?:(?:[A-Z][\w.’'\-]*[ \t]*){1,5}:\s*)?[“\"‘]?$"
)


def _linked_heading(text: str, a: int, b: int) -> bool:
    """A quotation that is its line's whole text and ends in a link marker
    (“Name: “Title of a piece”[12]”, “3. “…”[7]”): a list of linked headings, whose words
    are titles, not anyone's speech."""
    if not _LINK_MARK_END.match(text, b):
        return False
    line = text.rfind("\n", 0, a) + 1
    return _LINE_LEAD.match(text, line, a) is not None


def _nobodys_words(art: _Article, a: int, b: int, words: int, found) -> bool:
    """Quoted words that are a term or a title, not what the named subject said: one word
    with no punctuation of its own (what a site suggests after “liking”), or a Title Case
    run with none (a song “That's My Name”, ‘No Good’), when only a loose frame ties them
    to the subject: a label colon, a trailing dash, an according-to, or a cue more than a
    short clause away. A cue close by keeps them (Trump called her “disgusting”), and an
    utterance carries its punctuation inside the marks (“No,” she said)."""
    inner = art.text[a:b].rstrip()
    if inner[-1:] in _TERMINAL:
        return False
    term = words <= 1 or (words <= 3 and found.rule != "owned" and _modifier_term(art, a))
    if not (term or (words <= 8 and _capitalised_run(inner))):
        return False  # (a term in a noun phrase: “the group’s “deep state” theory”)
    if found.rule in _LOOSE_FRAMES:
        return True
    if not found.rule.startswith("before:") or found.end > a:
        return False
    verb = (found.cue or "").split()[-1:] or [""]
    follows = found.rule in ("before:cue", "before:frame") and len(verb[0]) > 1
    at = art.masked.rfind(verb[0], found.end, a) if follows else -1
    start = at + len(verb[0]) if at >= 0 else found.end  # from the cue when it follows
    return len(re.findall(r"\w+", art.masked[start:a])) > _CLOSE_CUE_WORDS


_DET_OR_POSS = re.compile(
    r"(?:\w[’']s?|(?<![\w’'])(?i:the|a|an|its|their|his|her|this|that|these|those|our|my|your))"
    r"[\s\u00a0]*[“„«‘\"]*$"
)


def _modifier_term(art: _Article, a: int) -> bool:
    """A quoted term inside a noun phrase: a determiner or possessive before it, the noun it
    modifies after (“the group’s “deep state” theory”, “the “Smart Reply” feature”)."""
    return bool(_DET_OR_POSS.search(art.masked, max(0, a - 24), a)) and _modifies_noun(art, a)


def _capitalised_run(inner: str) -> bool:
    """Every word capitalised but the small ones: “That's My Name”, “Blue Harbour Lights”."""
    every = re.findall(r"[^\W\d_][\w’'\-]*", inner)
    words = [w for w in every if w.lower() not in _FUNCTION]
    return len(every) >= 2 and bool(words) and all(w[0].isupper() for w in words)


#: Frames that tie a quotation to a name without a verb of saying right beside it.
_LOOSE_FRAMES = frozenset(("before:colon", "after:as-put/dash/read", "after:credit"))
#: How many words may stand between the cue and a one-word quotation it reports.
_CLOSE_CUE_WORDS = 12


#: ISO codes of the currencies news quotes prices in, and abbreviations of formats and
#: technologies: “USD said”, “PDF said” name nobody.
_CURRENCIES = _words(
    """USD EUR GBP JPY CNY RMB CHF CAD AUD NZD INR RUB BRL MXN KRW HKD SGD SEK NOK DKK PLN
    TRY ZAR BTC ETH PDF FAQ URL API HTML CSV JSON USB GPS AI FYI IMO TLDR"""
)


def _not_a_name(art: _Article, name: str) -> bool:
    """Tokens that are not a speaker whatever verb follows: a currency code, or a one-word
    name the article uses as a place (“in Kyiv” … “Kyiv said”: a capital standing for its
    government, whose named minister the text may give; precision first, nobody)."""
    bare = name.removeprefix("the ").removeprefix("The ")
    if bare in _CURRENCIES:
        return True
    if " " in bare or not bare[:1].isupper() or not art.place_like(bare):
        return False
    if not re.search(
        rf"(?<![\w’'])(?:in|across|throughout|inside|outside)\s+{re.escape(bare)}"
        rf"(?![\w’'\-])(?!\s+[A-Z])",
        art.masked,
    ):
        return False  # “emails from Epstein”, “in Clinton's campaign”: not set there
    # a word that is part of a full name the text writes is a person's
    full = [c for _, c in art.by_surname().get(bare, ()) if " " in c]
    return not full and bare not in art.name_openers()


_NEGATION = re.compile(r"(?<![\w’'])(?:never|not|no\s+longer)(?![\w’'])|n[’']t(?![\w’'])")


def _denied(art: _Article, found) -> bool:
    """“X would never say”, “X did not say”, “X doesn't tell”: the subject of a negated cue
    did not say the words, so nobody is named."""
    verb = (found.cue or "").split()[-1:] or [""]
    if not verb[0] or found.end >= len(art.masked):
        return False
    gap_end = art.masked.find(verb[0], found.end, found.end + 60)
    if gap_end < 0:
        return False
    return _NEGATION.search(art.masked, found.end, gap_end) is not None


_ACRONYM = re.compile(r"(?:the\s+|The\s+)?([A-Z]{2,6})")


_DOCUMENT = re.compile(
    r"(?i:an?|the|its|his|her|their)\s+(?:[\w\-]+\s+){0,2}?(?i:release|press\s+release|"
    r"statement|report|post|letter|filing|memo|document|study|paper|tweet|email|notice|"
    r"announcement|bulletin|advisory)"
    r"(?:\s+(?:from|by|of)\s+(?P<by>[^\s].*))?"
)


_IN_MEDIUM = re.compile(
    r"\s+(?:published|posted|printed|released|shared|aired|broadcast|uploaded)\s+(?:in|on|by)\s.*$"
)


def _expanded(art: _Article, name: str) -> str:
    """The fullest form of a speaker: the issuer of a document (“a release from the RCMP”
    → the RCMP), an acronym the article spells out (“the CIA” → “Central Intelligence
    Agency”). A document that names no issuer (“the statement said”) stays itself: the
    text gives nothing better."""
    medium = _IN_MEDIUM.search(name)
    if medium and name[:1].islower():  # “a study published in Nature”: the study, not Nature
        name = name[: medium.start()]
    doc = _DOCUMENT.fullmatch(name)
    if doc is not None and doc.group("by"):
        name = doc.group("by").strip()
    m = _ACRONYM.fullmatch(name)
    if m is None:
        return name
    letters = m.group(1)
    words = r"\s+(?:(?:of|for|and|the|on|de|du|des)\s+)?".join(rf"{ch}[a-z]+" for ch in letters)
    full = re.search(rf"(?<![\w’'])(?:{words})(?![\w’'])", art.text)
    return full.group(0) if full else name


def _unnamed(q: Quote) -> Quote:
    return Quote(q.start, q.end, q.text, q.kind, None, q.cue, "low")


def _continued(art: _Article, prev: Quote, a: int, b: int) -> Quote | None:
    """A paragraph that is nothing but a quotation, right after a paragraph that ends by
    attributing one (“…,” he said.¶“…”): newswire's way of letting a speaker go on.
    Returns the quote it continues, or None."""
    if prev.speaker is None or prev.cue is None:
        return None
    pa, pb = art.para_of(a)
    if art.para_of(prev.start)[1] >= pa or _LEAD_TRIM.match(art.masked, pa, a).end() < a:
        return None
    rest = art.masked[b:pb]
    if re.search(r"[^\W_]", rest.replace("~", "")):
        return None  # the paragraph says more than the quotation
    k = bisect.bisect_right(art.para_starts, a) - 1
    qa, qb = art.paras[k - 1]
    if not qa <= prev.start < qb or len(art.masked[prev.end : qb]) > 80:
        return None  # the quote before must end its paragraph, with its attribution
    return prev


def _as_partial(q: Quote) -> Quote:
    return Quote(q.start, q.end, q.text, "partial", None, q.cue, "low")


def label_offset(text: str, quote: Quote) -> int:
    """Where a speaker label for ``quote`` goes in ``text``: the end of the paragraph that
    holds the quotation's end (the offset just past its last non-blank character).

    The app puts the label *there*, on its own line (or in a gutter beside that
    paragraph), never inside the sentence: a label read as part of the prose (“—
    Takaichi Needs Votes From …”) is the mistake issue 11 forbids. Several quotes of one
    paragraph share that offset; the caller groups them. Pure: no state, any text.
    """
    end = max(0, min(quote.end, len(text)))
    brk = _PARA_BREAK.search(text, end)
    stop = brk.start() if brk else len(text)
    while stop > end and text[stop - 1].isspace():
        stop -= 1
    return stop


def shows_speaker(quote: Quote) -> bool:
    """Whether the article text may show ``quote``'s speaker: only "high" confidence ones.

    Measured on wild-dev (``bench/eval_quotes.py``): "low" speakers (inherited from an
    earlier quotation, or a pronoun resolved further back than the paragraph before) are
    right less often; the quote dialog may still show them, marked as uncertain.
    """
    return quote.speaker is not None and quote.confidence == "high"


_PARA_BREAK = re.compile(r"\n[ \t]*\n")
