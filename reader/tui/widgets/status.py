"""The status line under the panes: where you are, refresh progress and short-lived notes.

Notes ("saved", "refreshed: 845 new") expire after a few seconds instead of staying all
session, and the line never wraps or spills: at any width it is cut with an ellipsis,
the place (view and count) first to stay.
"""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from reader.tui.safe import text

NOTE_SECONDS = 5.0
DONE_SECONDS = 10.0  # "refreshed: N new" stays a little longer than a note
SEPARATOR = "  ·  "


class StatusLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.place = ""
        self.progress = ""
        self.note = ""
        self._expiry: dict[str, Timer] = {}

    @property
    def line(self) -> str:
        """The whole line as plain text, before it is cut to the width (for tests)."""
        return SEPARATOR.join(p for p in (self.place, self.progress, self.note) if p)

    def set_place(self, place: str) -> None:
        self.place = place
        self.refresh()

    def set_progress(self, progress: str, expire: float | None = None) -> None:
        """Show refresh progress; with `expire`, clear it after that many seconds."""
        self.progress = progress
        self._expire("progress", expire)
        self.refresh()

    def flash(self, note: str, seconds: float | None = None) -> None:
        """A note that clears itself ("saved", "link copied")."""
        self.note = note
        self._expire("note", (seconds or NOTE_SECONDS) if note else None)
        self.refresh()

    def _expire(self, name: str, seconds: float | None) -> None:
        old = self._expiry.pop(name, None)
        if old is not None:
            old.stop()
        if seconds is not None and self.is_mounted:
            self._expiry[name] = self.set_timer(seconds, lambda: self._clear(name))

    def _clear(self, name: str) -> None:
        self._expiry.pop(name, None)
        setattr(self, name, "")
        self.refresh()

    def render(self) -> Text:
        width = max(1, self.content_region.width)
        line = text(self.line)
        line.no_wrap = True
        line.truncate(width, overflow="ellipsis")
        return line
