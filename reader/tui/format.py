"""Small text helpers for the app (ages, dates); `now` is a seam tests freeze."""

from __future__ import annotations

import time
from datetime import datetime


def now() -> float:
    return time.time()


def age(ts: float | None) -> str:
    """A compact age: 5m, 3h, 2d, 6w, 4mo, 2y."""
    if not ts:
        return ""
    seconds = max(0.0, now() - ts)
    for limit, unit, size in (
        (3600, "m", 60),
        (86400, "h", 3600),
        (14 * 86400, "d", 86400),
        (60 * 86400, "w", 7 * 86400),
        (365 * 86400, "mo", 30 * 86400),
    ):
        if seconds < limit:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds // (365 * 86400))}y"


def date(ts: float | None) -> str:
    if not ts:
        return ""
    return datetime.fromtimestamp(ts).strftime("%a %d %b %Y %H:%M")


def speaker_label(quote) -> str:
    """Who said a quote, as the status line and the quotes list both say it: a guessed
    speaker (confidence "low") is named with "(uncertain)" rather than named in one place
    and hidden in the other (issue 28, bug 10). "" when nobody is named."""
    if not quote.speaker:
        return ""
    return f"{quote.speaker} (uncertain)" if quote.confidence == "low" else quote.speaker
