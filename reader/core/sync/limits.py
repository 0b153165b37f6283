"""Rate limits (HTTP 429) as a named error, and how long the server asks to wait."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from reader.core.sync.base import Answer, SyncServerError

MAX_WAIT_S = 30.0  # a limit lifted sooner than this is waited out; a longer one is reported
RATE_RETRIES = 2
RETRY_MARGIN_S = 0.2  # "after N seconds" is a lower bound: come a little after it


class SyncRateLimited(SyncServerError):
    """The server answered 429: `retry_after` says in how many seconds to try again."""

    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message, "ratelimit", 429)
        self.retry_after = retry_after


def retry_after(answer: Answer) -> float | None:
    """Seconds to wait from Retry-After (seconds or an HTTP date) or Inoreader's
    X-Reader-Limits-Reset-After; None when the server does not say."""
    for name in ("retry-after", "x-reader-limits-reset-after"):
        value = answer.headers.get(name, "").strip()
        if not value:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError, IndexError):
            continue
    return None


def wait_words(seconds: float | None) -> str:
    if seconds is None:
        return "later"
    if seconds < 120:
        return f"in {seconds:.0f} s"
    if seconds < 7200:
        return f"in {seconds / 60:.0f} min"
    return f"in {seconds / 3600:.1f} h"


def limited(host: str, what: str, wait: float | None) -> SyncRateLimited:
    return SyncRateLimited(
        f"{host} is rate-limiting this account (HTTP 429) at {what}: nothing was lost,"
        f" sync again {wait_words(wait)}",
        wait,
    )
