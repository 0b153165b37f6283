"""Pass 1: find quotation marks and pair them into spans.

Many typographic conventions (English, German/Polish, French/Russian, Danish,
Swedish, CJK, straight ASCII); an apostrophe is never taken for a mark, an unclosed
mark never runs past its paragraph, and a quotation may run over paragraphs that
each reopen with the mark.
"""

from __future__ import annotations

import re

#: Every quotation mark Byline reads, written once: the finder, the article view, the
#: quote dialog and text fragments all take their set from here.
QUOTE_MARKS = "“”„«»‘’‚「」『』\"'"

#: Which closing marks end a quotation opened by each mark. “ closes „ (German)
#: but opens in English; » opens in Danish but closes in French.
_CLOSERS: dict[str, str] = {
    "“": '”"“',  # mixed “…" is a common typo, and so is “…“ (see _can_close)
    "„": "“”",
    "«": "»",
    "»": "«",
    "”": "”",
    "‘": "’",
    "‚": "‘’",
    "「": "」",
    "『": "』",
    '"': '"”',
    "'": "'",
}
_MARK_RE = re.compile(f"[{re.escape(QUOTE_MARKS)}]")
#: Marks whose unclosed use is too ambiguous (apostrophes, inches) to keep.
_WEAK = "'\"‘‚"
_SPACE = " \t\u00a0\u202f\u2009"
_OPEN_BEFORE = "([{—–-/:;,“”„«»‘‚「『\"' \t\n\u00a0\u202f\u2009\u2060"
#: Doubled apostrophes or backticks (''…'', ``…'') stand for a double mark; they are
#: rewritten as WORD JOINER + '"' so offsets stay the same.
_JOINER = "\u2060"
_DOUBLED = re.compile("''|``")
_MAX_PARAGRAPHS = 12  # a multi-paragraph quotation may continue this far
_MAX_QUOTE = 4000  # characters within one paragraph
_MAX_DEPTH = 4
_MAX_MARKS = 64  # marks one quotation may contain (nested pairs count once)


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _can_open(text: str, i: int) -> bool:
    """Decide from the neighbours whether the mark at ``i`` may open a quotation."""
    mark = text[i]
    prev = text[i - 1] if i else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt in "\n" or (nxt in _SPACE and mark not in "«„"):
        return False  # an opener hugs what follows (French « x » excepted)
    if mark in "“„«「『":
        return True
    if mark in "»”":  # Danish »x«, Swedish ”x”: only at a word start
        return prev in _OPEN_BEFORE and (nxt.isalnum() or nxt in "„‚‘'\"")
    if mark in "‘'":  # never the apostrophe of it’s, ’90s, rock 'n' roll
        return prev in _OPEN_BEFORE and prev not in "'‘" and _is_letter(nxt)
    if mark == "‚":
        return prev in _OPEN_BEFORE
    if mark == '"':
        return prev in _OPEN_BEFORE
    return False


def _can_close(text: str, i: int, opener: str) -> bool:
    """Decide whether the mark at ``i`` closes a quotation opened by ``opener``."""
    mark = text[i]
    prev = text[i - 1]
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if mark not in _CLOSERS[opener]:
        return False
    if prev in _SPACE and opener not in "«»":  # French « x » has inner spaces
        return opener in '”"' and not (nxt.isalnum())
    if mark in "’'‘":  # it’s, can’t: a letter after means apostrophe
        return not _is_letter(nxt)
    if mark == "“" and opener == "“":  # “C++ Brain Teasers“, and …: a typo for ”
        return not nxt.isalnum() and nxt not in "‘'\"`"
    return True


def _match(
    text: str, i: int, limit: int, memo: dict[int, int | None] | None = None, depth: int = 0
) -> int | None:
    """Index of the mark closing the one at ``i`` before ``limit``; nested pairs are skipped.

    Depth, length and the marks looked at are capped and inner results memoised,
    so hostile text (a paragraph of ten thousand “ marks) stays linear.
    """
    memo = {} if memo is None else memo
    if i in memo:
        return memo[i]
    memo[i] = None  # also guards against re-entry
    if depth > _MAX_DEPTH:
        return None
    opener = text[i]
    limit = min(limit, i + _MAX_QUOTE)
    pos = i + 1
    for _ in range(_MAX_MARKS):
        m = _MARK_RE.search(text, pos, limit)
        if m is None:
            return None
        k = m.start()
        if _can_close(text, k, opener):
            memo[i] = k
            return k
        ch = text[k]
        symmetric = ch in _CLOSERS[opener] and ch == opener != "“"  # “ closes “ by typo only
        if not symmetric and ch not in "'’" and _can_open(text, k):
            inner = _match(text, k, limit, memo, depth + 1)
            if inner is not None:
                pos = inner + 1
                continue
        elif symmetric and _can_open(text, k) and text[k - 1] in _SPACE:
            return None  # a fresh opener of the same kind: ours was never closed
        pos = k + 1
    return None


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blank-line separated blocks (a single newline does not end one)."""
    spans = []
    pos = 0
    for m in re.finditer(r"\n[ \t]*\n\s*", text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if b > a]


def _continuation(text: str, paras: list[tuple[int, int]], p: int, i: int) -> int | None:
    """Close of a quotation that runs over paragraphs: each next one reopens with the mark."""
    opener = text[i]
    for q in range(p + 1, min(p + _MAX_PARAGRAPHS, len(paras))):
        start, stop = paras[q]
        if text[start] != opener or not _can_open(text, start):
            return None
        close = _match(text, start, stop)
        if close is not None:
            return close
    return None


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] == _JOINER):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] == _JOINER):
        b -= 1
    return a, b


def _find_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of top-level quotations, inner whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    paras = _paragraphs(text)
    p = 0
    pos = 0
    while p < len(paras):
        start, stop = paras[p]
        pos = max(pos, start)
        m = _MARK_RE.search(text, pos, stop)
        if m is None:
            p += 1
            continue
        i = m.start()
        if not _can_open(text, i):
            pos = i + 1
            continue
        close = _match(text, i, stop)
        if close is None:
            close = _continuation(text, paras, p, i)
        if close is None:
            if text[i] in _WEAK:
                pos = i + 1
                continue
            close = min(stop, i + _MAX_QUOTE)  # unclosed: bounded by its paragraph
        a, b = _trim(text, i + 1, close)
        if any(ch.isalnum() for ch in text[a:b]):
            spans.append((a, b))
        pos = close + 1
        while p < len(paras) and paras[p][1] < pos:
            p += 1
    return spans
