"""Finding a quotation again in an article, and the marks the article puts around it.

The app reopens a saved quote in its article (the article's text may have changed since:
full text fetched, feed updated) and shows a quote with the article's own marks («…», „…“)
rather than forcing English ones. Pure text functions, kept out of the UI.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reader.core.quotes.marks import QUOTE_MARKS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reader.core.quotes import Quote

_SPACES = " \u00a0\u202f"  # French « x » puts (thin) spaces inside the marks


def find_quote(text: str, quotes: Sequence[Quote], wanted: str) -> tuple[int | None, int | None]:
    """Where `wanted` is in the article: (index of the found quotation, None), else
    (None, offset of the text), else (None, None). Whitespace differences are forgiven."""
    for i, quote in enumerate(quotes):
        if quote.text == wanted:
            return i, None
    pos = text.find(wanted)
    if pos < 0:
        flat = re.sub(r"\s+", " ", wanted).strip()
        pos = re.sub(r"\s", " ", text).find(flat[:60]) if flat else -1
    return None, (pos if pos >= 0 else None)


def marks_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The opening and closing marks around text[start:end]; “ ” when it has none."""
    while start > 0 and text[start - 1] in _SPACES:
        start -= 1
    while end < len(text) and text[end] in _SPACES:
        end += 1
    before = text[start - 1] if start > 0 and text[start - 1] in QUOTE_MARKS else ""
    after = text[end] if end < len(text) and text[end] in QUOTE_MARKS else ""
    if not before or not after:
        return ("“", "”")
    return (before, after)
