"""The one way to put untrusted text on screen: never as Textual/Rich markup (GUIDE §4).

Titles, links, authors, quotes, error messages, config values and what the user types can
all hold `[b]`, `[link=…]` or `[@click=app.quit]`; a markup string would style them, hide
them or run an action. Build UI text with `text()` (a Rich `Text`, never parsed) and send
notices with `notify()` (markup off). A test in tests/test_app_markup.py pushes markup
through every field and notice, and tests/test_app.py checks that the app calls
`Widget.notify` only through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.content import Content

from reader.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.notifications import SeverityLevel

Part = str | tuple[str, str]


def text(*parts: Part, style: str = "") -> Text:
    """Literal text from plain strings or (string, style) pairs; control characters removed.

    Newlines are kept (a part may span lines); nothing in any part is read as markup."""
    out = Text(style=style)
    for part in parts:
        string, part_style = (part, "") if isinstance(part, str) else part
        out.append(clean_text(string), part_style)
    return out


def content(*parts: Part, style: str = "") -> Content:
    """`text()` as Textual `Content`, for widgets that measure every row (an `OptionList`
    sizes each option before drawing: from Content 1,000 rows take 2 ms, from Rich Text
    27 ms, which was a 1,000-feed sidebar's share of the first screen, issue 16)."""
    pieces = [clean_text(p) if isinstance(p, str) else (clean_text(p[0]), p[1]) for p in parts]
    out = Content.assemble(*pieces)
    return out.stylize_before(style) if style else out


def notify(
    node: DOMNode,
    message: str,
    *,
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """A toast whose text is shown literally, whatever brackets it holds."""
    node.notify(message, severity=severity, timeout=timeout, markup=False)


def markup(value: str) -> str:
    """For the few Textual APIs that only take a markup string (the command palette's help):
    `value` escaped so it reads literally."""
    from textual.markup import escape

    return escape(clean_text(value))
