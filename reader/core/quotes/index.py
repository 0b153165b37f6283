"""The quote index: who said what, across the whole cache (issue 15).

Every entry's shown text (its kept full text, else the feed's content: reader/core/quotes/articles.py)
goes through the quote finder once; its quotations are kept in `quote_index` with their
offsets into that text, kind, speaker as written, a display name and a normalised key
(reader/core/quotes/people.py), and in `quotes_fts` for search. `quote_stamps` records the
entry's content hash and the extractor version each entry was read with: an entry whose text
changed, whose full text arrived (a trigger drops its stamp) or that an older extractor read
is "pending" and is read again.

Who reads entries: the refresh, for the entries it stores, within a time budget (a share of
the refresh's own time, so a cold refresh of many feeds is not made several times slower);
`backfill` for whatever is left (an existing cache, a new extractor): the app runs it in a
background thread with progress, in small transactions, so it never blocks reading.

Only speakers of confidence "high" are counted as people (a wrong name spread across the
cache is worse than none); "low" ones are kept with their confidence, unlisted.
"""

from __future__ import annotations

import hashlib
import html
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.quotes.people import SpeakerName, article_keys, merge_keys, normalise
from reader.core.text.searchtext import fold

if TYPE_CHECKING:
    from reader.core.store import Store

_QUOTES_DIR = Path(__file__).resolve().parent
_NOT_FINDER = {"index.py", "articles.py", "textfragment.py"}  # they read no quotation


def _version() -> str:
    """The extractor's version: a hash of the quote finder's source, so any change to it
    (speakers' rules, the key normaliser) re-reads the cache in the background."""
    digest = hashlib.sha1(b"quoteindex 2")  # 2: may_quote clears only what the finder cannot read
    for path in sorted(_QUOTES_DIR.glob("*.py")):
        if path.name in _NOT_FINDER:
            continue
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


VERSION = _version()


@dataclass(frozen=True, slots=True)
class IndexedQuote:
    """One quotation of the index, with what a list of them shows."""

    id: int
    entry_id: int
    feed_id: int
    sort_ts: float
    source: str  # "feed" or "full": which text `start`/`end` index
    start: int
    end: int
    text: str
    kind: str
    speaker: str | None
    speaker_name: str | None
    speaker_key: str | None
    confidence: str
    entry_title: str = ""
    entry_link: str = ""
    feed_title: str = ""


@dataclass(frozen=True, slots=True)
class Person:
    """A speaker of the index: shown `name`, `key`, quotes and entries counted."""

    name: str
    key: str
    quotes: int
    entries: int
    keys: tuple[str, ...] = ()  # the stored keys merged into this person


@dataclass(slots=True)
class QuoteGroup:
    """The same quotation as several outlets reported it: one row "4 articles, 3 feeds";
    `wordings` holds each distinct wording (more than one: the outlets differ)."""

    quotes: list[IndexedQuote] = field(default_factory=list)

    @property
    def first(self) -> IndexedQuote:
        return self.quotes[0]

    @property
    def articles(self) -> int:
        return len({q.entry_id for q in self.quotes})

    @property
    def feeds(self) -> int:
        return len({q.feed_id for q in self.quotes})

    @property
    def wordings(self) -> list[str]:
        seen: dict[str, str] = {}
        for q in self.quotes:
            seen.setdefault(_flat(q.text), q.text.strip())
        return list(seen.values())


# ---------------------------------------------------------------- writing


def _rows_for(
    entry_id: int, feed_id: int, sort_ts: float, source: str, quotes, text: str
) -> list[tuple]:
    positions = [q.start if q.speaker_start is None else q.speaker_start for q in quotes]
    names: list[SpeakerName | None] = article_keys([q.speaker for q in quotes], text, positions)
    rows = []
    for q, name in zip(quotes, names, strict=True):
        rows.append(
            (
                entry_id, feed_id, sort_ts, source, q.start, q.end, q.text, q.kind, q.speaker,
                name.name if name else None, name.key if name else None, q.confidence,
            )
        )  # fmt: skip
    return rows


# ---------------------------------------------------------------- what cannot quote

# The finder's quotations all open at a mark of quotes/marks.py (QUOTE_MARKS) that
# `_can_open` accepts: “ „ « 「 『 ‚ " anywhere, ‘ ' » ” only after a character that is not a
# letter or digit (the set it accepts, _OPEN_BEFORE, has none), '' and `` read as ".
# A text with none of these holds no quotation, so `extract` returns [] for it. Most of the
# cost of reading an entry is rendering it (html2text), so the test runs on the markup, on a
# superset of what the rendering can show: text between tags (a tag becomes a space, which
# can only admit more marks), the alt and title values html2text and the renderer print
# (`[image: alt]`, abbreviations), <q> (rendered as "), and an entity html.unescape left
# alone (&mdash' without its ;, which html2text decodes) counted as a possible mark.
# tests/test_quote_prefilter.py holds it to the full finder on every corpus entry.
_OPENER = re.compile(r"[“„«「『‚\"]|``|''|(?<![^\W_])[‘'»”]|&[#a-zA-Z]")
_TAG = re.compile(r"<!--.*?-->|</?[a-zA-Z][^<>]*>", re.S)
_ELEMENT = re.compile(r"</?[a-zA-Z][^<>]*>")  # _TAG without comments (never shown)
_Q_TAG = re.compile(r"<q[\s/>]", re.I)
# A tag's quoted attributes, left to right: alt and title keep their value (shown), the
# others go; what is left (names, unquoted values) is tested too.
_ATTRS = re.compile(
    r"""\s(?:(?:alt|title)\s*=\s*(?:"([^"]*)"|'([^']*)')|[^\s"'<>/=]+\s*=\s*(?:"[^"]*"|'[^']*'))""",
    re.I,
)


def _decoded(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def may_quote(markup: str) -> bool:
    """False only when the quote finder can find nothing in what `markup` renders to: such
    an entry is stamped without rendering it or loading the finder (~0.08 ms, where reading
    it costs 2-5 ms). True means "render and look"."""
    if not markup:
        return False
    if _Q_TAG.search(markup) or _OPENER.search(_decoded(_TAG.sub(" ", markup))):
        return True
    shown = _ATTRS.sub(r" \1\2 ", " ".join(_ELEMENT.findall(markup)))
    return _OPENER.search(_decoded(shown)) is not None


def read_entries(
    store: Store, entry_ids: Sequence[int], render: bool = True
) -> list[tuple[int, str, list[tuple]]]:
    """(entry id, content hash, quote rows) of each entry still in the cache; no writes.
    Runs the renderer and the finder (the cost of indexing) on entries that may quote, so
    callers keep it outside their write transactions; `render=False` reads only the entries
    that cannot quote (no rows) and leaves the others out."""
    out = []
    for entry_id in entry_ids:
        found = store.quote_source(entry_id)
        if found is None:
            continue
        feed_id, sort_ts, digest, content, summary, full = found
        if not may_quote(full or content or summary):  # what render_entry would render
            out.append((entry_id, digest, []))
            continue
        if not render:
            continue
        from reader.core.quotes.articles import quotes_of, render_entry

        entry = store.entry(entry_id)
        fulltext = store.fulltext(entry_id) if full else None
        if entry is None:
            continue
        rendered = render_entry(entry, fulltext)
        quotes = quotes_of(rendered)
        source = "full" if full else "feed"
        rows = _rows_for(entry_id, feed_id, sort_ts, source, quotes, rendered.text)
        out.append((entry_id, digest, rows))
    return out


def write_entries(store: Store, read: Sequence[tuple[int, str, list[tuple]]]) -> int:
    """Replace the index rows of these entries and stamp them, in one short transaction.
    Returns the number of quotes written."""
    return store.write_quote_rows(read, VERSION)


def index_entries(
    store: Store, entry_ids: Sequence[int], deadline: float | None = None, render: bool = True
) -> int:
    """Read and index these entries (all, or as many as fit before `deadline`, a
    time.monotonic() value). With a deadline the entries that cannot quote go first, at a
    fraction of the cost, then the others while time is left; `render=False` only the
    first kind (a refresh whose share cannot pay for loading the finder). Returns how many
    entries were indexed."""
    step = 16
    if deadline is None and render:
        done = 0
        for start in range(0, len(entry_ids), step):
            read = read_entries(store, entry_ids[start : start + step])
            write_entries(store, read)
            done += len(read)
        return done
    read: list[tuple[int, str, list[tuple]]] = []
    for entry_id in entry_ids:
        if deadline is not None and time.monotonic() >= deadline:
            break
        read += read_entries(store, [entry_id], render=False)
    write_entries(store, read)
    done = len(read)
    if not render:
        return done
    stamped = {r[0] for r in read}
    rest = [i for i in entry_ids if i not in stamped]
    for start in range(0, len(rest), step):
        read = []
        for entry_id in rest[start : start + step]:
            if time.monotonic() >= deadline:
                break
            read += read_entries(store, [entry_id])
        write_entries(store, read)
        done += len(read)
    return done


def pending(store: Store, limit: int = 200, below: int | None = None) -> list[int]:
    """Entries with no stamp, a stale one (text changed) or one from another extractor,
    highest id (newest stored) first; `below` pages on by id."""
    return store.quote_pending(VERSION, limit, below)


def pending_count(store: Store) -> int:
    """How many entries `pending` would give: each entry has at most one stamp, a changed
    text drops it (m007) and a stamp is written only for the text it was read from, so this
    is the entries minus the stamps of this extractor (two counts over indexes)."""
    return store.quote_pending_count(VERSION)


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int


def backfill(
    store: Store,
    progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
    batch: int = 16,
) -> int:
    """Index every pending entry, newest first, a few at a time (each batch its own short
    transaction, so the app and a refresh keep writing). `stop()` true ends it early.
    Returns the number of entries indexed."""
    total = pending_count(store)
    done = 0
    below: int | None = None
    if progress:
        progress(Progress(0, total))
    while True:
        ids = pending(store, batch, below)
        if not ids:
            break
        below = ids[-1]
        write_entries(store, read_entries(store, ids))
        done += len(ids)
        if progress:
            progress(Progress(min(done, total), total))
        if stop is not None and stop():
            break
    return done


# ---------------------------------------------------------------- reading


# Quotes of entries no list shows (hidden by a rule, or a duplicate of another feed's story)
# count for nobody: the store's speaker_* methods leave them out (store/quoteindex.py).


def people(store: Store, since: float | None = None, limit: int | None = None) -> list[Person]:
    """Speakers by number of quotes (only "high" confidence ones), most quoted first. Keys
    of one person across articles are merged (a bare surname joins the one full name that
    carries it: people.merge_keys); entries are counted once per person, however many of
    their names an article used."""
    rows = store.speaker_counts(since)
    # A bare surname this week still joins the full name written any time before.
    merged = merge_keys(_all_keys(store) if since is not None else [r[0] for r in rows])
    # Per person: [quotes, entries, rows, {name: weight}, {keys}]; plain lists and dicts,
    # one pass (Counters per person cost a third of `byline people` on 100,000 entries).
    found: dict[str, list] = {}
    for key, name, n, m in rows:
        target = merged.get(key, key)
        # the full name's own wordings first, a bare surname's only when nothing else
        weight = n * 1000 if key == target else n
        person = found.get(target)
        if person is None:
            found[target] = [n, m, 1, {name: weight}, {key}]
            continue
        person[0] += n
        person[1] += m  # exact only for a person of one (key, name) row: see below
        person[2] += 1
        person[3][name] = person[3].get(name, 0) + weight
        person[4].add(key)
    ranked = []
    for key, (n, m, parts, names, keys) in found.items():
        shown = next(iter(names)) if len(names) == 1 else max(names.items(), key=_heaviest)[0]
        if not shown[:1].isupper():
            continue  # "the report", "joint statement": said by no one to list
        ranked.append((-n, shown.casefold(), shown, key, m, parts, keys))
    ranked.sort()
    out = []
    for minus_n, _, shown, key, m, parts, keys in ranked[:limit] if limit else ranked:
        keys = tuple(sorted(keys))
        # An article quoting "Volodymyr Zelensky" and "Zelensky" is one entry of one person:
        # summing the rows counted it twice, so a person of several rows is counted again.
        m = m if parts == 1 else _entries_of(store, keys, since)
        out.append(Person(shown, key, -minus_n, m, keys))
    return out


def _heaviest(item: tuple[str, int]) -> int:
    return item[1]


def _entries_of(store: Store, keys: Sequence[str], since: float | None) -> int:
    """Distinct entries quoting any of these keys ("high" quotes of shown entries)."""
    return store.speaker_entries(keys, since)


def _all_keys(store: Store) -> list[str]:
    return store.speaker_keys()


def keys_for(store: Store, speaker: str) -> list[str]:
    """The stored keys that are this person: the name's key, the keys merged with it; a bare
    surname that names several people gives all of them."""
    wanted = normalise(speaker)
    if wanted is None:
        return []
    all_keys = _all_keys(store)
    merged = merge_keys(all_keys)
    target = merged.get(wanted.key, wanted.key)
    keys = [k for k in all_keys if merged[k] == target]
    if not keys and not wanted.is_full:
        keys = [k for k in all_keys if k.endswith(" " + wanted.key)]
    return keys


def quotes_by(
    store: Store, keys: Iterable[str], since: float | None = None, limit: int = 500
) -> list[IndexedQuote]:
    """The "high" confidence quotes of these speaker keys, newest first."""
    keys = list(keys)
    if not keys:
        return []
    return [IndexedQuote(*row) for row in store.quotes_of_speakers(keys, since, limit)]


def search(store: Store, words: str, limit: int = 200) -> list[IndexedQuote]:
    """Quotes whose text or speaker has these words (FTS), newest first."""
    return [IndexedQuote(*row) for row in store.quotes_matching(words, limit)]


# ---------------------------------------------------------------- one quotation, many outlets

_WORDS = re.compile(r"\w+", re.U)


def _flat(text: str) -> str:
    return " ".join(_WORDS.findall(fold(text).casefold()))


def _shingles(words: list[str]) -> set[str]:
    if len(words) < 4:
        return {" ".join(words)}
    return {" ".join(words[i : i + 4]) for i in range(len(words) - 3)}


def group_quotes(quotes: Sequence[IndexedQuote]) -> list[QuoteGroup]:
    """The same quotation in several articles as one group, newest first: equal words, or
    sharing half their 4-word shingles (one outlet trimmed or changed a word)."""
    groups: list[QuoteGroup] = []
    shingles: list[set[str]] = []
    by_shingle: dict[str, set[int]] = defaultdict(set)
    for q in quotes:
        mine = _shingles(_flat(q.text).split())
        candidates: Counter[int] = Counter()
        for s in mine:
            for g in by_shingle.get(s, ()):
                candidates[g] += 1
        home = None
        for g, shared in candidates.most_common(3):
            if shared * 2 >= min(len(mine), len(shingles[g])):
                home = g
                break
        if home is None:
            home = len(groups)
            groups.append(QuoteGroup())
            shingles.append(set())
        groups[home].quotes.append(q)
        shingles[home] |= mine
        for s in mine:
            by_shingle[s].add(home)
    return groups


def wording_diff(a: str, b: str) -> str:
    """How wording `b` differs from `a`, in words: "-removed +added" pairs (a misquote is
    news too)."""
    import difflib

    wa, wb = a.split(), b.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb).get_opcodes():
        if op == "equal":
            continue
        if i2 > i1:
            parts.append("-" + " ".join(wa[i1:i2]))
        if j2 > j1:
            parts.append("+" + " ".join(wb[j1:j2]))
    return " ".join(parts)
