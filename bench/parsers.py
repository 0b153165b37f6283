"""Feed parsers on the corpus, one core: `python bench/parsers.py [--runs 3] [--set corpus]`.

The measurement behind Byline's parser choices (docs/benchmarks.md, Parsers; issues 12 and
24): for every feed of ../shared/corpus/feeds (or the bench's generated feeds, `--set row1`
or `row9`), each candidate's CPU seconds for the whole set (best of --runs) and how it reads
the feeds against the reference, feedparser as Byline calls it:

- feeds whose entry count differs from feedparser's;
- entries with a field that differs, by field, after the same normalisation Byline applies to
  feedparser's own output (`parse._xml_entry`: clean_line/clean_url, identity, dates as
  timestamps, the HTML of summary/content), so a difference left is one Byline would store.

Candidates: Byline's `parse_feed` (the lxml fast path, feedparser for what it declines); the
fast path extended to the malformed feeds with libxml2's recovering parser (measured, not
used: see docs); feedparser-rs and fastfeedparser when installed (`pip install feedparser-rs
fastfeedparser`; neither is a dependency of Byline).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import corpus_dir, rss_xml  # noqa: E402
from reader.core.text import fastparse, parse  # noqa: E402
from reader.core.text.records import ParsedFeed  # noqa: E402

FIELDS = ("uid", "title", "author", "link", "published", "updated", "summary", "content",
          "enclosures")  # fmt: skip
CTYPE = "application/xml"  # what the bench's feed server sends

Feeds = list[tuple[bytes, str]]


def best_cpu(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def reference(feeds: Feeds) -> list[ParsedFeed]:
    return [parse.parse_feed(b, u, CTYPE, fast=False) for b, u in feeds]


def byline(feeds: Feeds) -> list[ParsedFeed]:
    return [parse.parse_feed(b, u, CTYPE) for b, u in feeds]


def recovering(feeds: Feeds) -> list[ParsedFeed]:
    """The fast path with libxml2's recovering parser: what it would make of malformed feeds."""
    from lxml import etree

    def parser() -> etree.XMLParser:
        return etree.XMLParser(encoding="utf-8", resolve_entities=False, no_network=True,
                               load_dtd=False, recover=True, strip_cdata=True)  # fmt: skip

    strict, fastparse._parser = fastparse._parser, parser
    try:
        return byline(feeds)
    finally:
        fastparse._parser = strict


def normalised(raw_entries, url: str) -> ParsedFeed:
    """A feedparser-like parser's entries put through Byline's own normalisation."""
    return ParsedFeed(entries=[parse._xml_entry(e, url) for e in raw_entries])


def _plain(value: object) -> object:
    """feedparser-rs's objects (Entry, Person, Content, ...) as the dicts feedparser gives."""
    if value is None or isinstance(value, str | int | float | time.struct_time):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    names = [n for n in dir(value) if not n.startswith("_") and n not in ("get", "keys")]
    out = {}
    for n in names:
        v = getattr(value, n, None)
        if not callable(v):
            out[n] = _plain(v)
    return out


_RS_KEYS = ("id", "title", "link", "published_parsed", "updated_parsed", "summary",
            "summary_detail", "content", "author", "authors", "enclosures")  # fmt: skip


def feedparser_rs(feeds: Feeds) -> list[ParsedFeed]:
    import feedparser_rs as fr
    from feedparser.util import FeedParserDict

    out = []
    for b, u in feeds:
        try:
            entries = [
                FeedParserDict({k: v for k in _RS_KEYS if (v := _plain(getattr(e, k, None)))})
                for e in fr.parse(b).entries
            ]
            out.append(normalised(entries, u))
        except Exception:  # noqa: BLE001 - counted as a feed read with nothing
            out.append(ParsedFeed())
    return out


def fast_feedparser(feeds: Feeds) -> list[ParsedFeed]:
    import fastfeedparser as ffp

    out = []
    for b, u in feeds:
        try:
            out.append(normalised(ffp.parse(b).entries, u))
        except Exception:  # noqa: BLE001 - counted as a feed read with nothing
            out.append(ParsedFeed())
    return out


def compare(got: list[ParsedFeed], want: list[ParsedFeed]) -> tuple[int, Counter]:
    """(feeds whose entry counts differ, entries with a differing field, by field)."""
    counts, fields = 0, Counter()
    for mine, ref in zip(got, want, strict=True):
        if len(mine.entries) != len(ref.entries):
            counts += 1
            continue
        for a, b in zip(mine.entries, ref.entries, strict=True):
            for f in FIELDS:
                if getattr(a, f) != getattr(b, f):
                    fields[f] += 1
    return counts, fields


def corpus_feeds() -> Feeds:
    folder = corpus_dir()
    if folder is None:
        return []
    folder = folder / "feeds"
    index = {i["file"]: i["url"] for i in json.loads((folder / "index.json").read_text())}
    return [(p.read_bytes(), index.get(p.name, "")) for p in sorted(folder.glob("*.xml"))]


SETS: dict[str, Callable[[], Feeds]] = {
    "corpus": corpus_feeds,
    "row1": lambda: [(rss_xml(n, 50), f"http://127.0.0.2/feed/{n}.xml") for n in range(100)],
    "row9": lambda: [
        (rss_xml(n, 50, item_bytes=1500), f"http://127.0.0.2/big/{n}.xml") for n in range(100)
    ],
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--set", default="corpus", choices=sorted(SETS))
    a = ap.parse_args(argv)
    feeds = SETS[a.set]()
    if not feeds:
        print("corpus not found (set BYLINE_CORPUS)", file=sys.stderr)
        return 2
    mb = sum(len(b) for b, _ in feeds) / 1e6
    want = reference(feeds)
    took = sum(fastparse.parse_fast(b, u, CTYPE) is not None for b, u in feeds)
    candidates: list[tuple[str, Callable[[Feeds], list[ParsedFeed]]]] = [
        ("feedparser 6 (the reference)", reference),
        (f"Byline parse_feed (fast path reads {took} of {len(feeds)})", byline),
        ("fast path + libxml2 recover (not used)", recovering),
    ]
    for name, module, fn in (("feedparser-rs", "feedparser_rs", feedparser_rs),
                             ("fastfeedparser", "fastfeedparser", fast_feedparser)):  # fmt: skip
        try:
            __import__(module)
        except ImportError:
            print(f"({name} not installed: skipped)", file=sys.stderr)
            continue
        candidates.append((f"{name} {_version(module)} + Byline's normalising", fn))
    print(f"{a.set}: {len(feeds)} feeds, {mb:.1f} MB; CPU seconds, best of {a.runs}\n")
    print(
        "| parser | CPU s | vs feedparser | feeds, other entry count | entries with other fields |"
    )
    print("|---|---|---|---|---|")
    ref_cpu = None
    for name, fn in candidates:
        cpu = best_cpu(lambda fn=fn: fn(feeds), a.runs)
        ref_cpu = ref_cpu or cpu
        counts, fields = compare(fn(feeds), want)
        detail = ", ".join(f"{f} {n}" for f, n in fields.most_common()) or "none"
        print(f"| {name} | {cpu:.3f} | {ref_cpu / cpu:.1f}x | {counts} | {detail} |")
    return 0


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module.replace("_", "-"))
    except PackageNotFoundError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
