"""Find direct quotations in article text and say who spoke them.

Pure Python (stdlib ``re`` only) so it runs in the engine, the CLI, tests and
benchmarks alike. Two passes:

1. *Marks*: pair quotation marks across many typographic conventions (English,
   German/Polish, French/Russian, Danish, Swedish, CJK, straight ASCII) while
   never mistaking an apostrophe for a mark and never letting an unclosed mark
   run past its paragraph.
2. *Attribution*: look at the sentence around each quotation (with the text of
   every quotation masked out, so words *inside* quotes never act as cues) for
   a speech cue and the noun phrase it attaches to.

Measured with ``python bench/eval_quotes.py`` against PolNeAr annotations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.core.quotes.attribution import _attribute, _may_inherit, _standalone
from reader.core.quotes.context import _Article
from reader.core.quotes.marks import _DOUBLED, _JOINER, _find_spans
from reader.core.quotes.speakers import _resolve
from reader.core.quotes.titles import _in_title_slot, _is_term, _looks_like_title

__all__ = ["Quote", "extract"]


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


def _word_count(s: str) -> int:
    if re.search("[\u3040-\u30ff\u4e00-\u9fff]", s):
        return len(s) // 2
    return len(re.findall(r"\w+(?:[’'\-]\w+)*", s))


def extract(text: str) -> list[Quote]:
    """All quotations in ``text`` sorted by start, each with its speaker if the text says."""
    work = _DOUBLED.sub(_JOINER + '"', text) if ("''" in text or "``" in text) else text
    spans = _find_spans(work)
    art = _Article(work, spans)
    quotes: list[Quote] = []
    last_by_para: dict[int, Quote] = {}
    for a, b in spans:
        qtext = text[a:b]  # the caller's text, not the rewritten one
        if _in_title_slot(art, a, b):
            continue
        floor = art.sentence_start(a + 1)
        found = _attribute(art, a, b, floor)
        para = art.para_of(a)[0]
        words = _word_count(qtext)
        if found is not None:
            name, resolved = _resolve(art, found.start, found.end)
            mention = text[found.start : found.end]
            cue = f"{mention} {found.cue}" if resolved else found.cue
            kind = "quote" if words >= 4 or found.adjacent else "partial"
            if name is None:  # an unresolvable “which said”
                q = Quote(a, b, qtext, kind, None, cue, "low")
            else:
                q = Quote(a, b, qtext, kind, name, cue, "high", found.start, found.end)
            last_by_para[para] = q
        else:
            if _looks_like_title(art, a, b) or _is_term(art, a, b):
                continue
            kind = "quote" if words >= 4 else "partial"
            q = Quote(a, b, qtext, kind, None, None, "low")
            prev = last_by_para.get(para)
            whole = kind == "quote" or _standalone(art, a, b, floor)
            if prev is not None and whole and prev.speaker and _may_inherit(art, prev, a):
                q = Quote(
                    a, b, qtext, kind, prev.speaker, None, "low",
                    prev.speaker_start, prev.speaker_end,
                )  # fmt: skip
        quotes.append(q)
    return quotes
