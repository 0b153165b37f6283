"""The Python functions the SQL of a compiled expression calls (`byline_eq`, `byline_re`, ...).

Kept apart from the parser in expr.py because the predicates (predicate.py) share them
without the grammar. The store defines none of them: whoever runs a compiled expression
hands FUNCTIONS to it (`SavedView.where`, the rules engine), and the store registers them on
its connection (`Store.use_functions`).
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_REGEX_INPUT = 8_192  # characters of a field a regular expression searches


@lru_cache(maxsize=512)
def compiled_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _eq(text: str | None, folded: str) -> int:
    return int(text is not None and str(text).casefold() == folded)


def _contains(text: str | None, folded: str) -> int:
    return int(text is not None and folded in str(text).casefold())


def _regex(text: str | None, pattern: str) -> int:
    if text is None:
        return 0
    return int(compiled_pattern(pattern).search(str(text)[:MAX_REGEX_INPUT]) is not None)


def name_matches(speaker: str, folded: str) -> bool:
    """`speaker = "Zelensky"` matches "Volodymyr Zelensky": the words given are a run of
    whole words of the speaker's name (case ignored)."""
    have, want = speaker.casefold().split(), folded.split()
    if not want:
        return False
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


def _speaker_test(content: str, summary: str, link: str, op: str, value: str) -> int:
    names = speakers(content or summary or "", link or "")
    if op == "=":
        return int(any(name_matches(n, value) for n in names))
    if op == "contains":
        return int(any(value in n.casefold() for n in names))
    return int(any(_regex(n, value) for n in names))


@lru_cache(maxsize=4096)
def speakers(html: str, base_url: str = "") -> tuple[str, ...]:
    """Who is quoted in an entry's content. The one place that says it: when a quote index
    exists, this becomes a look-up in it."""
    from reader.core.quotes import extract
    from reader.core.text.render import render_html

    text = render_html(html, base_url).text
    return tuple(sorted({q.speaker for q in extract(text) if q.speaker}))


# The functions compiled expressions call: (name, arguments, function), as
# reader.core.store.SqlFunction (the store registers them, deterministic).
FUNCTIONS = (
    ("byline_eq", 2, _eq),
    ("byline_contains", 2, _contains),
    ("byline_re", 2, _regex),
    ("byline_speaker", 5, _speaker_test),
)
