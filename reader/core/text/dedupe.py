"""The same story in several feeds: keys that find it, computed once when an entry arrives.

Two entries of different feeds are the same story when their links agree once tracking
parameters, the fragment, `www.`, the scheme and a trailing slash are set aside, or when their
titles agree (case, punctuation and spacing ignored) and they were published within a day of
each other. The later one is kept in the cache but shown only as a line in the first one's
article header ("Also in: ...").
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

TITLE_WINDOW_S = 86_400
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gclsrc|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|ocid|"
    r"cmpid|cmp|ito|ref|ref_src|ref_url|src|at_\w+|wt\.\w+|ns_\w+|s_cid|sr_share|spm|"
    r"rss|via|share|smid|partner|__twitter_impression)$",
    re.I,
)
_PUNCT = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
MIN_TITLE_CHARS = 16
MIN_TITLE_WORDS = 3


def link_key(link: str) -> str | None:
    """A link with what varies between feeds for the same page taken out."""
    if not isinstance(link, str) or not link.strip():
        return None  # (not text: the store's insert reports it)
    link = link.strip()
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port not in (None, 80, 443):
        host = f"{host}:{port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    )
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{urlencode(query)}" if query else "")


def title_key(title: str) -> str | None:
    """A title with case, punctuation and spacing set aside; None when too short to say
    two stories are the same (\"Comments\", \"Update\")."""
    if not isinstance(title, str):
        return None  # (not text: the store's insert reports it)
    key = _SPACE.sub(" ", _PUNCT.sub(" ", title.casefold())).strip()
    if len(key) < MIN_TITLE_CHARS or key.count(" ") + 1 < MIN_TITLE_WORDS:
        return None
    return key
