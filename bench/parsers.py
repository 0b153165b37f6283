"""Feed parsers on the corpus, one core: `python bench/parsers.py [--runs 5]`.

The measurement behind the choice of Byline's fast path (README, Parsing; issue 12): for
every feed of ../shared/corpus/feeds, feedparser as Byline calls it (the reference), Byline's
`parse_feed` (lxml fast path, feedparser for what it declines) and fastfeedparser (if
installed: `pip install fastfeedparser`), CPU seconds for the whole corpus (best of --runs),
and how many entries and fields differ from the reference once put through the same
cleaning (clean_line / clean_url, as Byline stores them).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import corpus_dir  # noqa: E402
from reader.core.text.fastparse import parse_fast  # noqa: E402
from reader.core.text.parse import parse_feed  # noqa: E402
from reader.core.text.sanitize import clean_line, clean_url  # noqa: E402

FIELDS = ("uid", "title", "link", "author", "published", "summary", "content")


def best_cpu(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def ffp_fields(entry) -> dict:
    content = entry.get("content") or []
    body = content[0].get("value", "") if content else ""
    published = entry.get("published")
    return {
        "uid": clean_url(entry.get("id")) or clean_url(entry.get("link")),
        "title": clean_line(entry.get("title")),
        "link": clean_url(entry.get("link")),
        "author": clean_line(entry.get("author")),
        "published": published,
        "summary": entry.get("description") or entry.get("summary") or "",
        "content": body,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args(argv)
    corpus = corpus_dir()
    if corpus is None:
        print("corpus not found (set BYLINE_CORPUS)", file=sys.stderr)
        return 2
    folder = corpus / "feeds"
    index = {i["file"]: i["url"] for i in json.loads((folder / "index.json").read_text())}
    feeds = [(p.read_bytes(), index.get(p.name, "")) for p in sorted(folder.glob("*.xml"))]
    ctype = "application/xml"  # what the bench's feed server sends
    mb = sum(len(b) for b, _ in feeds) / 1e6

    def reference():
        return [parse_feed(b, u, ctype, fast=False) for b, u in feeds]

    def byline():
        return [parse_feed(b, u, ctype) for b, u in feeds]

    ref, ours = reference(), byline()
    took = sum(parse_fast(b, u, ctype) is not None for b, u in feeds)
    rows = [
        ("feedparser (reference)", best_cpu(reference, a.runs), 0, "0"),
        (
            f"Byline parse_feed (fast path took {took} of {len(feeds)})",
            best_cpu(byline, a.runs),
            sum(x != y for x, y in zip(ours, ref, strict=True)),
            "0" if ours == ref else "see feeds",
        ),
    ]
    readable = [(b, u) for b, u in feeds if parse_fast(b, u, ctype) is not None]
    rows.append(
        (
            f"Byline fast path alone, the {len(readable)} it reads",
            best_cpu(lambda: [parse_fast(b, u, ctype) for b, u in readable], a.runs),
            0,
            "(lxml + replay: no hash, index text or records)",
        )
    )
    try:
        import fastfeedparser
    except ImportError:
        fastfeedparser = None
    if fastfeedparser is not None:

        def ffp():
            out = []
            for b, _ in feeds:
                try:
                    out.append(fastfeedparser.parse(b).entries)
                except Exception:  # noqa: BLE001 - counted as a feed with nothing
                    out.append([])
            return out

        theirs = ffp()
        feeds_off, fields_off = 0, dict.fromkeys(FIELDS, 0)
        for mine, r in zip(theirs, ref, strict=True):
            if len(mine) != len(r.entries):
                feeds_off += 1
                continue
            for e, want in zip(mine, r.entries, strict=True):
                got = ffp_fields(e)
                for f in FIELDS:
                    if f == "published":
                        continue  # different types (string vs timestamp): not compared
                    if f in ("summary", "content"):
                        if got[f] and got[f] not in (want.summary, want.content):
                            fields_off[f] += 1
                    elif got[f] != getattr(want, f):
                        fields_off[f] += 1
        detail = ", ".join(f"{f} {n}" for f, n in fields_off.items() if n)
        rows.append(("fastfeedparser (parse only)", best_cpu(ffp, a.runs), feeds_off, detail))
    print(f"{len(feeds)} corpus feeds, {mb:.1f} MB, CPU seconds (best of {a.runs}):")
    for name, cpu, feeds_off, detail in rows:
        print(f"  {name:<48} {cpu:6.3f} s   feeds with other entry counts or fields: "
              f"{feeds_off}; entries with other fields: {detail}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
