"""URL text fragments (`#:~:text=`) so a browser opens an article scrolled to a quote.

Spec: https://wicg.github.io/scroll-to-text-fragment/ . Each part is percent-encoded, and
`-`, `&` and `,` must be too, since they are the syntax of the directive. A long quote is
given as `textStart,textEnd` (its first and last few words), which survives small
differences between the feed's text and the page's.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from reader.core.quotes.marks import QUOTE_MARKS

_EDGE_WORDS = 5
_WHOLE_MAX_WORDS = 10
_TRIM = " \t\n" + QUOTE_MARKS + ".,;:!?…"


def _encode(text: str) -> str:
    return quote(text, safe="").replace("-", "%2D")


def text_fragment_url(url: str, quote_text: str) -> str:
    """`url` with a text fragment pointing at `quote_text` (an existing #fragment is dropped)."""
    base = url.split("#", 1)[0]
    words = re.sub(r"\s+", " ", quote_text).strip(_TRIM).split(" ")
    words = [w for w in words if w]
    if not words:
        return base
    if len(words) <= _WHOLE_MAX_WORDS:
        directive = _encode(" ".join(words))
    else:
        start = " ".join(words[:_EDGE_WORDS])
        end = " ".join(words[-_EDGE_WORDS:]).rstrip(_TRIM)
        directive = f"{_encode(start)},{_encode(end)}"
    return f"{base}#:~:text={directive}"
