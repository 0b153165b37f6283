"""Pass 2: the speech cue around each quotation and the mention it attaches to.

Also decides when an unattributed quotation inherits the speaker of the one before.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.quotes.context import _Article, _strip_caps, _strip_fillers
from reader.core.quotes.lexicon import (
    _ACCORDING,
    _ACCORDING_RE,
    _AFTER_AS_PUT,
    _AFTER_CREDIT,
    _AFTER_CUE_NAME_ROLE,
    _AFTER_CUE_NP,
    _AFTER_CUE_ROLE,
    _AFTER_DASH,
    _AFTER_INVERT,
    _AFTER_LEAD,
    _AFTER_NP_CUE,
    _AFTER_OK,
    _AFTER_ROLE_CUE,
    _AFTER_SO,
    _APPOSITIVE,
    _BY_RE,
    _COLON_LEAD,
    _CONJ_TAIL,
    _CUE_RE,
    _DET_NP,
    _END_DET,
    _END_NAME,
    _END_PLURAL,
    _END_POSS,
    _END_PRON,
    _FILLER,
    _ING,
    _INVERTED,
    _LEAD_TRIM,
    _NAME,
    _NAME_RE,
    _NOUNISH_S,
    _ORG,
    _PROGRESSIVE_TAIL,
    _PRON_ANY,
    _RELATIVE,
    _SEEN_DOING,
    _SENT_END,
    _SPEECH_NOUNS,
)
from reader.core.quotes.marks import _JOINER, _SPACE
from reader.core.quotes.titles import _NOT_HEAD

if TYPE_CHECKING:
    from reader.core.quotes import Quote


@dataclass(slots=True)
class _Attr:
    """A speaker mention found for one quotation (before pronoun resolution)."""

    start: int
    end: int
    cue: str
    adjacent: bool = False  # the cue touches the quote: “Yes,” he said
    rule: str = ""  # the construction that found it (bench/eval_quotes.py groups by it)


#: A name in apposition after a role: “…, said a senior analyst at a think tank, Jane Roe.”
_NAMED_AFTER_ROLE = re.compile(
    rf"(?:\s+(?:at|of|for|with|from|in)\s+[^,.;:~\n]{{1,60}})?,\s*(?P<n>{_NAME})\s*(?:[.;]|,\s|$)"
)
#: Verbs that say someone spoke, not that they thought or were believed to.
_SAYING = re.compile(r"(?:said|says|told|tells|wrote|writes|added|adds|stated|declared|insisted)")
_PARTY_TAG = re.compile(r"\s*\([A-Z][^()~\n]{0,30}\)$")


def _np_at_end(art: _Article, lo: int, hi: int) -> tuple[int, int] | None:
    """The noun phrase that ends right before a verb at ``hi`` (its subject)."""
    raw = art.masked[max(lo, hi - 200) : hi]
    base = hi - len(raw)
    window = _strip_fillers(raw)
    if re.search(r"(?:he|she|they|it|He|She|They|It)[’']s$", window):
        window = window[:-2]  # “He’s claiming”
    tag = _PARTY_TAG.search(window)
    if tag and tag.start() > 0 and window[tag.start() - 1].isalpha():
        window = window[: tag.start()]  # “Gov. Pat McCrory (R) said”, “Rep. X (D-Calif.) said”
    m = _RELATIVE.search(window)
    if m:
        return base + m.start("rel"), base + m.end("rel")
    app = _APPOSITIVE.search(window)
    if app and not _END_PRON.search(window[: app.end()].rstrip(", ")):
        inner = re.fullmatch(rf",\s*({_NAME}),\s*", window[app.start() :])
        if inner:  # “The mayor, Jane Smith, said”: the name is more useful
            return base + app.start() + inner.start(1), base + app.start() + inner.end(1)
        found = _np_in(window[: app.start()], base)
        if found:
            return found
    return _np_in(window, base)


def _np_in(window: str, base: int, subject: bool = True) -> tuple[int, int] | None:
    """Subject candidates tried from the most to the least specific.

    A subject is never the object of a preposition: “Officials at Homeland Security
    Investigations said” gives the whole phrase, “people who appear in the files insist”
    nobody. ``subject=False`` (a relative pronoun's antecedent) lets objects through."""
    for rx in (_END_PRON, _END_POSS, _END_NAME, _END_DET, _END_PLURAL):
        m = rx.search(window)
        if not m:
            continue
        a, b = m.start(), len(window.rstrip())
        if rx is _END_NAME:
            span = _strip_caps(window, a, b)
            if span is None or window[span[1] : b] in ("’s", "'s"):
                continue
            if window[a:b].startswith(("the ", "The ")) and span[0] == a + 4:
                span = (a, span[1])  # keep “the White House” whole
            a, b = span
            co = _COORDINATED.search(window, 0, a)
            if co:  # “Britain, France, Germany, Sweden, and the Netherlands said”: all of them
                a = co.start()
        prep = _PREP_END.search(window, 0, a) if subject and rx is not _END_PRON else None
        if prep:
            head = _np_in(window[: prep.start()], base)
            if head and re.fullmatch(r"[\w.,’'\- ]+", window[head[0] - base : a]):
                return head[0], base + b  # “Officials at Homeland Security Investigations”
            return None  # “people who appear in the files insist”: not “the files”
        return base + a, base + b
    return None


def _clause_subject(art: _Article, lo: int, hi: int) -> tuple[int, int] | None:
    """First subject-like mention in ``[lo, hi)``: the doer of “…, telling X that”."""
    s = art.masked
    best: tuple[int, int] | None = None
    with_clause = _WITH_CLAUSE.search(s, lo, hi)
    if with_clause:  # “…, with Discord then publishing an update saying”
        lo = with_clause.end()
        m = _NAME_RE.match(s, lo, hi)
        span = m and _strip_caps(s, m.start(), m.end())
        if span and s[span[1] : span[1] + 2] not in ("’s", "'s"):
            return span
    m = _PRON_ANY.search(s, lo, hi)
    if m:
        best = (m.start(), m.end())
    for m in _NAME_RE.finditer(s, lo, best[0] if best else hi):
        span = _strip_caps(s, m.start(), m.end())
        if span is None or not art.person_like(*span):
            continue
        if re.match(r"\s+[a-z]+\s", s[span[1] : span[1] + 30]) and _nationality(s, *span):
            continue
        if _MODIFIER.match(s, span[1]) and (
            s[span[0] : span[1]].isupper() or _MODIFIER_HEAD.match(s, span[1])
        ):
            return None  # “The best UX pros …”, “The One Nation leader …”: a modifier, not them
        return span
    if best is None:
        m = re.match(rf"[\s~,”\"’“]*({_DET_NP})(?=\s+(?:{_FILLER}\s+)*\w)", s[lo:hi])
        if m:
            end = _NP_REST.match(s, lo + m.end(1), hi).end()
            if _VERBISH.match(s, end, hi):  # “The greater the struggle”: no verb, no subject
                best = (lo + m.start(1), end)
    return best


_VERBISH = re.compile(
    rf"\s+(?:{_FILLER}\s+)*(?:[a-z]+ed|[a-z]+[^s]s|is|was|are|were|has|had|have|will|would|"
    r"can|could|said|told|wrote|says|did|does)\b"
)


_MODIFIER = re.compile(r"\s+[a-z][a-z\-]+\b")
_MODIFIER_HEAD = re.compile(
    r"\s+(?:leader|leaders|chief|spokesperson|spokesman|spokeswoman|official|officials|"
    r"minister|member|members|pros|staff|team|group|editor|users|fans|supporters|voters|"
    r"lawmakers|executives|employees|workers|researchers|engineers|designers)\b"
)
_WITH_CLAUSE = re.compile(r"(?:,\s*|^\s*)(?:with|With)\s+(?=\S)")


def _nationality(s: str, a: int, b: int) -> bool:
    """“Ukrainian airstrikes”: a capitalised adjective, not a person."""
    word = s[a:b]
    return " " not in word and word.endswith(("an", "ese", "ish", "ic", "i"))


def _attr_after(art: _Article, qend: int, punct: str, sentence: bool = False) -> _Attr | None:
    """`“…,” X said` / `“…,” said X` / `“…,” according to X` / `“…” ― X`."""
    s = art.masked
    pos = qend + 1  # skip the closing mark
    seg = s[pos : pos + 200].split("\n", 1)[0]
    strict = punct in ".:"  # “We won.” Smith said the polls… is not attribution
    lead = re.match(_AFTER_LEAD, seg).end()
    m = _ACCORDING_RE.match(seg, lead)
    if m:
        return _Attr(
            pos + m.start("np"), pos + m.end("np"), m.group("cue"), True, rule="after:according"
        )
    m = _AFTER_CUE_NAME_ROLE.match(seg)
    if m and not m.group("cue").endswith("ing"):  # said Latvian foreign minister Baiba Braze
        return _Attr(
            pos + m.start("np"), pos + m.end("np"), m.group("cue"), True, rule="after:cue-name-role"
        )
    m = _AFTER_CUE_NP.match(seg)
    if m and not m.group("cue").endswith("ing") and seg[m.end() : m.end() + 2] not in ("’s", "'s"):
        end = m.end("np")
        if seg[end - 2 : end] in ("’s", "'s"):  # “said Jane Roe’s spokesperson”: her spokesperson
            noun = re.match(r"\s+[a-z][\w\-]*", seg[end:])
            if noun is None:
                return None
            end += noun.end()
        if re.match(r"(?:a|an|the|another|one)\s", seg[m.start("np") :]):  # “said a 40-year-old
            # businessman in Tehran”: the lazy match stopped at the first word
            end = _NP_REST.match(seg, end).end()
            named = _NAMED_AFTER_ROLE.match(seg, end)
            if named:  # “said a senior analyst at a think tank, Jane Roe.”: the name wins
                return _Attr(
                    pos + named.start("n"), pos + named.end("n"), m.group("cue"), True,
                    rule="after:cue-np",
                )  # fmt: skip
        return _Attr(pos + m.start("np"), pos + end, m.group("cue"), True, rule="after:cue-np")
    m = _AFTER_NP_CUE.match(seg)
    if m and strict and _NEW_CLAUSE.match(seg, m.end()):
        m = None  # “we’ve hardly noticed.” The Journal reported earlier that …
    if m and _introduces_next(seg, m):
        return None  # “…” A third wrote “…”: the cue belongs to the next quotation
    if m and not (strict and not _AFTER_OK.match(seg, m.end())):
        c = _CUE_RE.match(seg, m.start("cue"))
        if c.group("quoted"):
            return _Attr(
                pos + c.start("qnp"),
                pos + c.end("qnp"),
                c.group(0),
                True,
                rule="after:quoted-as-saying",
            )
        if c.group("verb") and not c.group(0).endswith("ing"):
            a, b = _trim_np(seg, m.start("np"), m.end("np"))
            return _Attr(pos + a, pos + b, c.group(0), True, rule="after:np-cue")
    m = _AFTER_INVERT.match(seg)
    if m:
        g, c = ("np", "cue") if m.group("np") else ("np2", "cue2")
        return _Attr(pos + m.start(g), pos + m.end(g), m.group(c), True, rule="after:inverted")
    m = _AFTER_SO.match(seg)
    if m:
        return _Attr(pos + m.start("np"), pos + m.end("np"), m.group("cue"), True, rule="after:so")
    m = _AFTER_ROLE_CUE.match(seg)
    if (
        m
        and not m.group("cue").endswith("ing")
        and not (strict and not _AFTER_OK.match(seg, m.end()))
    ):
        g = "np" if m.group("np") else "poss"
        return _Attr(pos + m.start(g), pos + m.end(g), m.group("cue"), True, rule="after:role-cue")
    m = _AFTER_CUE_ROLE.match(seg)
    if m and not m.group("cue").endswith("ing"):
        return _Attr(
            pos + m.start("np"), pos + m.end("np"), m.group("cue"), True, rule="after:cue-role"
        )
    m = _AFTER_AS_PUT.match(seg) or _AFTER_DASH.match(seg) or _AFTER_READ.match(seg)
    if m:
        return _Attr(
            pos + m.start("np"),
            pos + m.end("np"),
            m.group("cue"),
            True,
            rule="after:as-put/dash/read",
        )
    m = _AFTER_CREDIT.match(seg)
    if m and (punct in (".", "!", "?", "…") or sentence):  # a saying, never a title (‘No Good’)
        return _Attr(pos + m.start("np"), pos + m.end("np"), "—", True, rule="after:credit")
    return None


#: “…,” the article read. / “…,” the sign reads: a text that carries the words.
_AFTER_READ = re.compile(
    r"[\s,]*(?P<np>(?:the|its|his|her|their|a|an)\s+(?:[\w’'\-]+\s+){0,3}?"
    r"(?:article|letter|statement|sign|post|message|note|tweet|report|headline|text|"
    r"caption|banner|memo|email|editorial|release|filing|complaint|order|ruling))\s+"
    r"(?P<cue>read|reads|stated|states)(?=\s*(?:$|[.,;\n]))"
)


#: The rest of a lazily matched description: lower-case words up to a preposition,
#: a relative pronoun or punctuation.
_NP_REST = re.compile(
    r"(?:\s+(?!(?:in|of|at|from|on|for|with|who|which|that|and|but|to|as|after|before|The|"
    r"during|when|while|said|says|told|added|yesterday|today|tonight|tomorrow|earlier|later|"
    r"last|this|next|then|also|\w+day|\w+ly)\b)[A-Za-z][\w\-]*)*"
)
_NEW_CLAUSE = re.compile(r"[^.;:\n“”\"]*?\b(?:that|how|whether|why|what)\b")
_NEXT_OPENS = re.compile(r"\s*:?\s*[“„«‘\"]")


def _introduces_next(seg: str, m: re.Match[str]) -> bool:
    """`“…” Another wrote “…”`: no comma ties the cue to the quotation before it, and
    another quotation opens right after the cue."""
    return "," not in seg[: m.start("np")] and bool(_NEXT_OPENS.match(seg, m.end()))


def _trim_np(s: str, a: int, b: int) -> tuple[int, int]:
    while b > a and s[b - 1] in " ,":
        b -= 1
    span = _strip_caps(s, a, b)
    return span if span else (a, b)


def _last_cue(s: str, lo: int, hi: int) -> re.Match[str] | None:
    last = None
    for m in _CUE_RE.finditer(s, lo, hi):
        last = m
    return last


def _attr_before(art: _Article, qstart: int, floor: int) -> _Attr | None:
    """`X said (that) “…”`, `…, telling Y that “…”`, `what she described as “…”`."""
    s = art.masked
    open_mark = qstart - 1
    while open_mark > floor and s[open_mark - 1] in _SPACE + '“„«»‘‚「『"\u2060':
        open_mark -= 1
    last = _last_cue(s, max(floor, open_mark - 220), open_mark)
    if last is not None and last.group("poss"):
        gap = s[last.end() : open_mark].strip(" ,:;—–-")
        if not (gap in ("", "that") or gap.startswith(("that ", "of "))):
            # “Trump’s statement about “…”” names a topic, not words; a verb before it may
            # still be the cue: “Moore called Mr. Obama’s remarks “a wake-up call””
            last = _last_cue(s, max(floor, open_mark - 220), last.start())
            if last is None or not last.group("verb"):
                return None
    if last is None:
        lead = _LEAD_TRIM.match(s, floor, open_mark).end()
        m = _ACCORDING_RE.match(s, lead, open_mark)
        if m:  # “According to X, … “…””: the frame covers the whole sentence
            return _Attr(*_according_np(s, m), m.group("cue"), rule="before:according")
        m = _COLON_LEAD.fullmatch(s, floor, open_mark)
        span = m and _strip_caps(s, m.start("np"), m.end("np"))
        if span and art.person_like(*span):  # never “Remember: “…””
            return _Attr(span[0], span[1], ":", True, rule="before:colon")
        m = _AS_BEFORE.search(s, floor, open_mark)
        if m:  # “Reid has gone after Trump as a “human leech””: the subject's words
            subject = _SUBJECT_NAME.match(s, _LEAD_TRIM.match(s, floor, open_mark).end(), m.start())
            if subject and art.person_like(subject.start("np"), subject.end("np")):
                span = _strip_caps(s, subject.start("np"), subject.end("np"))
                if span:
                    return _Attr(span[0], span[1], "as", False, rule="before:as")
        return None
    gap = s[last.end() : open_mark].strip(" ,:;—–-")
    if re.search(r"\w\s*[—–]\s*\w|\w\s+-\s+\w", gap):
        return None  # “X claimed it was fine—never mind the investment, “…””: an aside
    if "~" in gap and len(re.findall(r"\w+", gap.rsplit("~", 1)[1])) > 4:
        return None  # “X maintained “…,” a perfect encapsulation of Trump’s “…””: not X's
    if _DET_ONLY.fullmatch(gap) and _modifies_noun(art, qstart):
        return None  # “the SVP, which says the “…” initiative”: the quote is in a noun phrase
    if last.group("verb") and _ADJ_PARTICIPLE.search(s, max(0, last.start() - 40), last.start()):
        return None  # “the above mentioned “summary route””: a participle used as adjective
    adjacent = gap in ("", "that")
    if last.group("poss") and not (adjacent or gap.startswith(("that ", "of "))):
        return None  # “Trump’s statement about “…”” names a topic, not words
    span = _cue_subject(art, last, floor, open_mark)
    if span is None:
        return None
    frame = _reporting_frame(art, span, floor)
    if frame is not None:
        return _Attr(frame[0], frame[1], frame[2], adjacent, rule="before:frame")
    return _Attr(span[0], span[1], last.group(0), adjacent, rule="before:cue")


_AS_BEFORE = re.compile(r"\s(?:as|as\s+(?:a|an|the))\s*$")
_SUBJECT_NAME = re.compile(
    rf"(?P<np>{_NAME}|he|she|He|She)(?:\s+\([^)~\n]{{1,40}}\))?(?:\s*,[^,~\n]{{1,80}},)?"
    rf"(?:\s+{_FILLER})*\s+(?:[a-z]+ed|[a-z]+s|has\s+gone|went|gone)\b"
)
_PASSIVE_BEFORE = re.compile(
    r"(?<![\w’'])(?:is|are|was|were|be|been|being)\s+(?:(?:also|not|often|widely|long|"
    r"generally|commonly|reportedly|allegedly|never|\w+ly)\s+)*$"
)
_TO_BEFORE = re.compile(r"(?<![\w’'])(?:him|her|them|me|us|you|people|others|everyone)\s+to\s+$")
_ING_NOUN = re.compile(
    r"\s+(?!(?:he|she|it|they|we|i|you|there|this|that|what|who)\b)[a-z]+\s+(?:are|is|was|were)\b"
)
_NAMING = frozenset(("called", "named", "dubbed", "titled", "termed", "labeled", "labelled"))
_DET_ONLY = re.compile(r"(?i:the|a|an|these|those|its|their|his|her|our|my|your)")
_ADJ_PARTICIPLE = re.compile(
    r"(?<![\w’'])(?i:the|a|an|this|that|these|those|its|their|his|her|our|my|your)\s+"
    r"(?:above|below|aforementioned|oft|often|much|widely|frequently|commonly|so|now|once|"
    r"previously|earlier|recently|just|already|much-|oft-|so-)[\s\-]*$"
)


def _modifies_noun(art: _Article, qstart: int) -> bool:
    """Is the quotation at ``qstart`` followed by the noun it modifies (“the “X” initiative”)?"""
    end = art.masked.find("~", qstart)
    end = qstart if end < 0 else end
    while end < len(art.masked) and art.masked[end] == "~":
        end += 1
    while end < len(art.masked) and art.masked[end] in "”\"’'»«“」』\u2060":
        end += 1
    m = re.match(r" ([a-z][a-z\-]+)\b", art.masked[end : end + 30])
    return bool(m) and m.group(1) not in _NOT_HEAD and not m.group(1).endswith("ly")


_COORDINATED = re.compile(
    rf"(?<![\w’'.])(?:(?:the\s+)?{_NAME},\s+)*(?:the\s+)?{_NAME},?\s+and\s+(?:the\s+)?$"
)
_PREP_END = re.compile(
    r"(?<![\w’'])(?:in|at|from|to|into|of|for|on|with|about|against|by|than|over|under|near|"
    r"between|among|through|during|via|across)\s+$"
)
_FRAME_GAP = re.compile(r"[\s,]*(?:that\s+)?")


def _reporting_frame(art: _Article, span: tuple[int, int], floor: int):
    """“Lynch said she recalled thinking, “…””: a pronoun clause reported by an outer
    speaker; the outer subject is the one the text names as the source."""
    s = art.masked
    if s[span[0] : span[1]].lower() not in ("he", "she", "they", "we", "i"):
        return None
    outer = _last_cue(s, floor, span[0])
    if outer is None or not outer.group("verb") or outer.group(0).endswith("ing"):
        return None
    if _FRAME_GAP.match(s, outer.end(), span[0]).end() != span[0]:
        return None
    sub = _cue_subject(art, outer, floor, outer.start())
    if sub is None:
        return None
    return sub[0], sub[1], outer.group(0)


def _according_np(s: str, m: re.Match[str]) -> tuple[int, int]:
    """The source of an according-to frame; German “Laut Becker ist …” has no comma,
    so the verb that follows the name ends it."""
    a, b = m.start("np"), m.end("np")
    if m.group("cue").lower() == "laut":
        name = _NAME_RE.match(s, a, b)
        if name and re.match(r"\s+[a-zäöüß]", s[name.end() : b]):
            return a, name.end()
    return a, b


def _cue_subject(art: _Article, cue: re.Match[str], floor: int, hi: int):
    """Who performs the cue, by its grammar: quoted Y as saying, Y’s claim, by Y, …"""
    s = art.masked
    if cue.group("quoted"):
        return cue.start("qnp"), cue.end("qnp")
    if cue.group("poss"):
        return _trim_np(s, cue.start("poss"), cue.end("poss"))
    verb = cue.group(0)
    m = _ACCORDING_RE.match(s, cue.start(), hi)
    if m:
        return _according_np(s, m)
    if re.fullmatch(_ACCORDING, verb):
        return None
    m = _BY_RE.match(s, cue.end(), hi)
    if m and verb.endswith("ed"):
        return m.start("np"), m.end("np")  # accused by critics of …
    if _PASSIVE_BEFORE.search(s, max(floor, cue.start() - 40), cue.start()) and (
        verb.endswith(("ed", "told", "said", "written", "thought"))
    ):
        return None  # “the contract is believed to be”, “the judges were told to”
    if _TO_BEFORE.search(s, max(floor, cue.start() - 16), cue.start()) and not re.match(
        r"(?:say|tell|ask)\b", verb
    ):
        return None  # “challenged him to write shorter “songs””: an infinitive
    if re.match(
        r"(?:wr[io]te|writes|written|call|calls|called|calling)\s+(?:off|down)\b", s[cue.start() :]
    ):
        return None  # “the government wrote off their debts”
    if _ING.match(verb.split()[0]) and _ING_NOUN.match(s, cue.end()):
        return None  # “charging times are “staggering””: a gerund before a noun
    if verb in _NAMING and re.search(
        r"(?<![\w’'])(?:a|an|A|An)\s+(?:[\w\-]+\s+){0,4}$", s[floor : cue.start()]
    ):
        return None  # “a type of laser called an “…””: naming, not speech
    before = _strip_fillers(s[floor : cue.start()])
    if _ING.match(verb.split()[0]):
        m = _SEEN_DOING.search(before)
        if m and not _ORG.search(m.group("np")):
            return _trim_np(s, floor + m.start("np"), floor + m.end("np"))
    progressive = _PROGRESSIVE_TAIL.search(s[floor : cue.start()])
    if _ING.match(verb.split()[0]) and not cue.group("asq") and not progressive:
        earlier = _last_cue(s, floor, cue.start())  # “X said, while adding that”: X adds
        between = s[earlier.end() : cue.start()] if earlier is not None else ""
        if (
            earlier is not None
            and earlier.group("verb")
            and not _ING.match(earlier.group(0))
            and len(between.split()) <= 4
            and not re.search(r"\b(?:but|and|yet|with|so)\b|;", between)
        ):
            span = _cue_subject(art, earlier, floor, earlier.start())
            if span is not None:
                return span
    if (_ING.match(verb.split()[0]) and not cue.group("asq") and not progressive) or (
        _CONJ_TAIL.search(before)
    ):
        return _clause_subject(art, floor, cue.start())
    span = _np_at_end(art, floor, cue.start())
    if span and verb in _NOUNISH_S and _adjective_use(s, *span):
        return None  # “the Republican claims” is a noun phrase, not a speaker
    if span is None:
        m = _INVERTED.match(s, cue.end(), hi)  # “…,” said Smith, “…”
        if m:
            return m.start("np"), m.end("np")
    return span


def _adjective_use(s: str, a: int, b: int) -> bool:
    if s[a : a + 4].lower() == "the ":
        a += 4  # “the Republican claims”
    word = s[a:b]
    before = s[max(0, a - 8) : a].split()
    if " " not in word and _nationality(s, a, b):
        return True  # “Republican claims”, “Democratic statements”
    return " " not in word and bool(before) and before[-1] in ("the", "a", "an", "its", "their")


def _attribute(art: _Article, a: int, b: int, floor: int) -> _Attr | None:
    """Attribution for the quotation ``[a, b)``: after-cue first, then before."""
    inner = re.sub(r"\[\d{1,3}\]$", "", art.text[a:b].rstrip())  # “… by name.[7]”
    close = b
    while close < len(art.text) and art.text[close] in _SPACE + _JOINER:
        close += 1
    owner = _owned_words(art, a, close)
    if owner is not None:
        return owner
    found = _attr_after(art, close, inner[-1:], len(inner.split()) >= 6)
    if found is not None and found.rule == "after:according":
        # “The minister said the plan was “…,” according to The Times”: the frame names
        # who reports it; a verb of saying before the quotation names who said it
        before = _attr_before(art, a, floor)
        if before is not None and before.rule == "before:cue" and _SAYING.fullmatch(before.cue):
            found = before
    if found is None:
        found = _attr_before(art, a, floor)
    lead = _LEAD_TRIM.match(art.masked, floor, a).end()
    if found is None and floor == art.para_of(a)[0] and lead >= a:
        found = _attr_lead_in(art, a)
    if found is None:
        found = _headline_source(art, a)
    if found is not None and art.text[found.end - 1 : found.end] == ".":
        last = (art.text[found.start : found.end - 1].rsplit(None, 1) or [""])[-1]
        if len(last) > 3 and last.isalpha():  # “said the outlet.”, never “U.S.”
            found.end -= 1
    return found


_OWNER_BEFORE = re.compile(rf"(?<![\w’'.])(?P<np>{_NAME})[’']s?[\s\u00a0]*[“„«‘\"]$")
_OWNED_AFTER = re.compile(
    r"[”\"’»]?\s+(?:post|posts|tweet|tweets|remark|remarks|comment|comments|message|speech|"
    r"statement|slogan|line|claim|claims|promise|pledge|warning|threat|vow|quip|rallying\s+cry|"
    r"catchphrase|mantra|motto)\b"
)


def _owned_words(art: _Article, a: int, close: int) -> _Attr | None:
    """`Trump’s “help is on its way” post`: the owner of a quoted post, remark or slogan."""
    m = _OWNER_BEFORE.search(art.masked, max(0, a - 60), a)
    if m is None or not _OWNED_AFTER.match(art.masked, close):
        return None
    span = _strip_caps(art.masked, m.start("np"), m.end("np"))
    return _Attr(span[0], span[1], "’s", True, rule="owned") if span else None


_HEADLINE_SOURCE = re.compile(rf"\s*(?P<np>{_NAME}):\s")


def _headline_source(art: _Article, a: int) -> _Attr | None:
    """A headline “Pence: Trump Was ‘Mocking’ Clinton Camp”: the name before the colon
    is who said the quoted words. (Headings the renderer marks are never attributed.)"""
    pa, pb = art.para_of(a)
    if "\n" in art.text[pa:pb] or art.text[pa:pb].rstrip()[-1:] == "." and pb - pa > 200:
        return None
    m = _HEADLINE_SOURCE.match(art.masked, pa, a)
    if m is None or not _title_like(art.masked[m.end() : pb]):
        return None
    span = _strip_caps(art.masked, m.start("np"), m.end("np"))
    return _Attr(span[0], span[1], ":", False, rule="headline") if span else None


def _title_like(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w’'\-]*", line) if len(w) > 3]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _attr_lead_in(art: _Article, a: int) -> _Attr | None:
    """A paragraph that is a quotation, introduced by “X said:” ending the one before."""
    k = bisect.bisect_right(art.para_starts, a) - 1
    if k <= 0:
        return None
    pa, pb = art.paras[k - 1]
    if not art.text[pa:pb].rstrip().endswith((":", " that", " saying", " said,")):
        return None  # “X said in 1918, that¶“…””: a paragraph that opens the quotation
    if art.zones and art.zones.covers(pb - 1):
        return None  # a heading ending with a colon introduces nobody's words
    floor = art.sentence_start(pb - 1)
    found = _attr_before(art, art.paras[k][0] + 1, floor)
    if found is None:  # “Sanders made the following comment:”, “this statement by Trump:”
        lead = art.masked[floor:pb]
        by = _LEAD_IN_BY.search(lead)
        m = by or _LEAD_IN_SUBJECT.match(lead)
        if m and (by or art.person_like(floor + m.start("np"), floor + m.end("np"))):
            found = _Attr(floor + m.start("np"), floor + m.end("np"), ":", True, rule="lead-in")
    return found


_LEAD_IN_BY = re.compile(rf"{_SPEECH_NOUNS}\s+(?:\w+\s+)?by\s+(?P<np>{_NAME})\b[^:]*:\s*$")
_LEAD_IN_SUBJECT = re.compile(
    rf"(?:[\w,’' ]{{0,40}},\s*)?(?P<np>{_NAME})\s+(?:made|issued|gave|posted|offered|"
    rf"released|shared|put\s+out)\s+(?:the|a|an|this|these|his|her|their)\s+"
    rf"(?:following\s+|short\s+|brief\s+)?{_SPEECH_NOUNS}[^:]*:\s*$"
)


def _standalone(art: _Article, a: int, b: int, floor: int) -> bool:
    """A quotation that is a whole sentence by itself: “Neither do I.”"""
    if _LEAD_TRIM.match(art.masked, floor, a).end() < a or art.text[b - 1 : b] not in ".!?…":
        return False
    end = b
    while end < len(art.text) and art.text[end] in "”\"’'»«“」』\u2060":
        end += 1
    return end >= len(art.text) or art.text[end].isspace()


def _may_inherit(art: _Article, prev: Quote, a: int) -> bool:
    """May the quotation at ``a`` inherit ``prev``'s speaker?

    Not when another cue or another person's name stands between them, outside
    the sentence that attributes ``prev`` (“…,” said X, a lawyer for Y. “…”).
    """
    s = art.masked
    lo = max(prev.end, prev.speaker_end or 0)
    ends = (m for m in _SENT_END.finditer(s, lo, a + 1) if not art._abbrev_before(m.start()))
    m = next(ends, None)  # the end of the sentence that attributes ``prev``
    lo = m.end() if m else a
    if lo < a and _CUE_RE.search(s, lo, a):
        return False
    k = bisect.bisect_left(art.names(), (lo, lo))
    for x, y in art.names()[k:]:
        if x >= a:
            break
        if art.text[x:y].split()[-1] not in (prev.speaker or ""):
            return False
    return True
