"""Where the article view shows who spoke a quotation: never inside the sentence.

A label goes on its own line after the quotation's paragraph ("— Paul Whitcombe"), so a
reader never takes it for part of the text (issue 10: "— Takaichi Needs Votes From and
channel…" read as if written there). Pure: the view only draws what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.quotes.marks import _paragraphs

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reader.core.quotes import Quote


@dataclass(frozen=True, slots=True)
class SpeakerLabel:
    """`speakers` of the quotes `quotes` (indexes), shown after the paragraph ending at `at`."""

    at: int
    speakers: tuple[str, ...]
    quotes: tuple[int, ...]

    @property
    def text(self) -> str:
        return "— " + ", ".join(self.speakers)


def _named_by_cue(text: str, quote: Quote, a: int, b: int) -> bool:
    """The cue of the quotation names the speaker in its paragraph ("…," said Jane Doe): a
    label would only repeat it. A pronoun or a description ("he added", "the minister
    said") gets a label."""
    if quote.speaker_start is None or quote.speaker_end is None or not quote.speaker:
        return False
    if not (a <= quote.speaker_start and quote.speaker_end <= b):
        return False
    surname = quote.speaker.split()[-1]
    return surname in text[quote.speaker_start : quote.speaker_end]


def speaker_labels(text: str, quotes: Sequence[Quote]) -> list[SpeakerLabel]:
    """One label per paragraph holding quotations whose speaker the paragraph does not name.

    Shown: whole quotations ("quote", not "partial") with a speaker found at "high"
    confidence. "low" speakers (inherited, guessed) stay out of the article text; the quote
    dialog may still show them as uncertain.
    """
    paras = _paragraphs(text)
    labels: dict[int, tuple[list[str], list[int]]] = {}
    k = 0
    for index, quote in sorted(enumerate(quotes), key=lambda iq: iq[1].start):
        if quote.kind != "quote" or not quote.speaker or quote.confidence == "low":
            continue
        while k + 1 < len(paras) and paras[k + 1][0] <= quote.start:
            k += 1
        if not paras:
            break
        # A quotation running over paragraphs is labelled after the one it ends in.
        end_para = k
        while end_para + 1 < len(paras) and paras[end_para][1] < quote.end:
            end_para += 1
        a, b = paras[k][0], paras[end_para][1]
        if _named_by_cue(text, quote, a, b):
            continue
        speakers, indexes = labels.setdefault(b, ([], []))
        if quote.speaker not in speakers:
            speakers.append(quote.speaker)
        indexes.append(index)
    return [
        SpeakerLabel(at, tuple(speakers), tuple(indexes))
        for at, (speakers, indexes) in sorted(labels.items())
    ]
