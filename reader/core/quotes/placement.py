"""Which speaker labels the article view shows, and where: never inside the sentence.

Built on the finder's own rules (`label_offset`: the end of the quotation's paragraph;
`shows_speaker`: only "high" confidence speakers), this groups the quotations of one
paragraph into one label line ("— Paul Whitcombe") drawn after that paragraph, so a reader
never takes a label for part of the text (issue 10: "— Takaichi Needs Votes From and
channel…" read as if written there). Pure: the view only draws what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.quotes import label_offset, shows_speaker

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


def _named_by_cue(text: str, quote: Quote, at: int) -> bool:
    """The quotation's cue names the speaker in the same paragraph ("…," said Jane Doe): a
    label would only repeat it. A pronoun or a description ("he added", "the minister
    said") gets a label."""
    if quote.speaker_start is None or quote.speaker_end is None or not quote.speaker:
        return False
    if quote.speaker_end > at or "\n\n" in text[quote.speaker_start : at]:
        return False
    if quote.speaker_start < quote.start and "\n\n" in text[quote.speaker_start : quote.start]:
        return False
    surname = quote.speaker.split()[-1]
    return surname in text[quote.speaker_start : quote.speaker_end]


def speaker_labels(text: str, quotes: Sequence[Quote]) -> list[SpeakerLabel]:
    """One label per paragraph holding quotations whose speaker its text does not name.

    Shown: whole quotations ("quote", not "partial") whose speaker `shows_speaker` allows;
    "low" speakers stay out of the article text (the quote dialog marks them uncertain).
    """
    labels: dict[int, tuple[list[str], list[int]]] = {}
    for index, quote in enumerate(quotes):
        if quote.kind != "quote" or not shows_speaker(quote):
            continue
        at = label_offset(text, quote)
        if _named_by_cue(text, quote, at):
            continue
        speakers, indexes = labels.setdefault(at, ([], []))
        if quote.speaker not in speakers:
            speakers.append(quote.speaker)
        indexes.append(index)
    return [
        SpeakerLabel(at, tuple(speakers), tuple(indexes))
        for at, (speakers, indexes) in sorted(labels.items())
    ]
