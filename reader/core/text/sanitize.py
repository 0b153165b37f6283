"""Make untrusted text safe to show in a terminal.

Feed text is hostile (GUIDE §4): an ESC sequence in a title can rewrite the screen, set the
window title or write the clipboard (OSC 52). Everything that comes from a feed, a page or a
URL passes through :func:`clean_text` where it enters the engine, so no layer above has to
remember to do it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

# Whole escape sequences first, so their parameters do not survive as visible garbage.
# String sequences (OSC, DCS, PM, APC) are removed whole only when terminated: a stray
# introducer (a lone U+009F in a JSON feed or a page) must not swallow the rest of an article;
# its control characters are dropped below and the text after it stays.
_OSC = r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
_CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
# ESC k ... ST is screen's and tmux's "rename this window": a string sequence like APC.
_DCS_PM_APC = r"(?:\x1b[PX^_k]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)"
_ESC_OTHER = r"\x1b[ -/]*[0-~]?"
_SEQUENCES = re.compile("|".join((_OSC, _CSI, _DCS_PM_APC, _ESC_OTHER)))

# C0 but \t and \n, DEL, C1; bidi overrides/isolates and zero-width characters that can
# disguise what a line says (U+202E turns "txt.exe" around).
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
_SPACES = re.compile(r"\s+")

SAFE_SCHEMES = frozenset({"http", "https"})


def clean_text(text: str | None) -> str:
    """Remove every terminal control sequence and control character; keep newlines and tabs."""
    if not text:
        return ""
    if text.isprintable():
        # No Cc or Cf character at all (checked over every code point): nothing below
        # could match. Most titles, authors and links take this path.
        return text
    text = text.replace("\r\n", "\n")
    text = _SEQUENCES.sub("", text)
    return _CONTROLS.sub("", text)


def clean_line(text: str | None) -> str:
    """A one-line label (title, author, feed name): unescaped, cleaned, whitespace folded."""
    # str.split() splits on exactly the characters `\s` matches: same result, no regex.
    return " ".join(clean_text(html.unescape(text or "")).split())


def clean_url(url: str | None) -> str:
    """A URL as stored and shown: no control characters and no whitespace anywhere."""
    return "".join(clean_text(url or "").split())


def is_openable(url: str) -> bool:
    """Only http(s) URLs with a host and no whitespace or control characters may be opened."""
    if not url or url != url.strip() or _SPACES.search(url) or clean_text(url) != url:
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in SAFE_SCHEMES and bool(parts.netloc)
