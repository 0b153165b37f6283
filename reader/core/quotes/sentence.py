"""The sentence a quotation sits in, for the quote dialog and a saved quote's context.

It uses the finder's own article model, so abbreviations ("Mr.", "U.S.") and the full stops
inside the quotation never cut the sentence short (the app's old scan split at every ". ").
"""

from __future__ import annotations

from reader.core.quotes.context import _Article
from reader.core.quotes.lexicon import _SENT_END
from reader.core.quotes.marks import QUOTE_MARKS


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence(s) holding text[start:end], whitespace collapsed to single spaces."""
    if not text:
        return ""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    art = _Article(text, [(start, end)] if end > start else [])
    para_start, para_end = art.para_of(start)
    first = art.sentence_start(start + 1 if end > start else start)
    last = para_end
    closed = end
    while closed < para_end and text[closed] in QUOTE_MARKS:
        closed += 1
    after = text[closed : closed + 2]
    if (
        text[end - 1 : end] in ".!?…"
        and len(after) == 2
        and after[0].isspace()
        and after[1].isupper()
    ):
        # “… Sorry.” She left: the quotation's own full stop ends the sentence.
        return " ".join(text[max(first, para_start) : closed].split())
    for m in _SENT_END.finditer(art.masked, end, para_end):
        if not art._abbrev_before(m.start()):  # noqa: SLF001 - same package
            last = m.start() + len(m.group().rstrip())
            break
    first = max(first, para_start)
    return " ".join(text[first:last].split())
