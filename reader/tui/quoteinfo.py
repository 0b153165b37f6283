"""One quotation as the quote dialog shows, saves and copies it (plain data).

Its own module so the app's services (`services.py`), the article actions and the dialogs can
all name it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class QuoteInfo:
    entry_id: int
    text: str
    kind: str
    start: int
    end: int
    speaker: str | None
    cue: str | None
    context: str
    entry_title: str
    entry_link: str
    feed_title: str
    marks: tuple[str, str] = ("“", "”")  # the article's own marks: «…», „…“
    uncertain: bool = False  # the speaker is a guess (confidence "low")

    @property
    def bare_text(self) -> str:
        """The quotation without the comma that led into "…," she said."""
        return " ".join(self.text.split()).rstrip(",;:")

    def citation(self) -> str:
        who = f" — {self.speaker}" if self.speaker else ""
        parts = [p for p in (self.entry_title, self.entry_link) if p]
        return f"{self.marks[0]}{self.bare_text}{self.marks[1]}{who}, " + ", ".join(parts)
