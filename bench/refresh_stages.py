"""CPU of each stage of a refresh, one core: `python bench/refresh_stages.py [--runs 3]`.

A refresh's wall time on a loaded or fast machine is its CPU (issue 24). This splits that CPU
into the stages a feed goes through, on the corpus feeds (../shared/corpus/feeds) and on the
bench's generated feeds (row 1: 100 x 50 items; row 9: the same padded to ~100 KB), with
process CPU time (best of --runs), so the figures hold on a machine shared with others:

- start-up: a fresh interpreter importing what `byline refresh` imports before any feed
  (measured in a child process, user+sys; since issue 24 the parsers' share of it is paid
  in the refresh's parse child, not in its own process);
- decode: which charset feedparser's rules pick (and the BOM check);
- parse, fast path: lxml + the replay, for the feeds it reads;
- parse + normalise of the feeds the fast path declines (feedparser; the malformed ones);
- normalise: feedparser-shaped dicts to ParsedEntry (clean_line/clean_url: the sanitising
  that happens where text enters the engine);
- hash, index text, keys: content_hash, the search words of each body, the duplicate keys;
- store: Store.store_entries into a fresh cache (SQLite writes and the FTS queue);
- rules/dedupe: apply_rules with the default settings (dedupe on);
- quotes (index queue): quoteindex.index_entries without the finder (render=False); a
  refresh now runs it only when its CPU share can pay for loading the finder.
`BYLINE_CODE=DIR` measures the reader/ of another checkout (before and after a change).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if os.environ.get("BYLINE_CODE"):  # another checkout's reader/, to compare before and after
    sys.path.insert(0, os.environ["BYLINE_CODE"])

from bench.common import corpus_dir, rss_xml  # noqa: E402

START_UP = (
    "import reader.cli, reader.cli.feeds, reader.core.feeds.refresh, reader.core.text.parse;"
    "import reader.core.store"
)


def start_up_cpu(runs: int) -> tuple[float, float]:
    """(interpreter alone, interpreter + the refresh path's imports), CPU seconds."""

    def child(code: str) -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-P", "-c", code], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime

    return (min(child("pass") for _ in range(runs)), min(child(START_UP) for _ in range(runs)))


def stages(feeds: list[tuple[bytes, str]], runs: int) -> dict[str, float]:
    from reader.core.config import Config, FeedConfig, Settings
    from reader.core.rules.engine import apply_rules
    from reader.core.store import Store
    from reader.core.text import fastparse, parse

    ctype = "application/xml"
    out: dict[str, float] = {}

    def best(name: str, fn) -> object:
        times, result = [], None
        for _ in range(runs):
            t = time.process_time()
            result = fn()
            times.append(time.process_time() - t)
        out[name] = min(times)
        return result

    best("decode", lambda: [fastparse.utf8_by_feedparser_rules(b, ctype, u) for b, u in feeds])
    fast = [(b, u) for b, u in feeds if fastparse.parse_fast(b, u, ctype) is not None]
    slow = [(b, u) for b, u in feeds if (b, u) not in fast]
    raw_fast = best(
        "parse, fast path", lambda: [fastparse.parse_fast(b, u, ctype) for b, u in fast]
    )
    best(
        f"parse + normalise, the {len(slow)} feeds declined (feedparser)",
        lambda: [parse._parse_xml_feed(b, u, ctype) for b, u in slow],
    )
    dicts = [(e, u) for (_, es), (_, u) in zip(raw_fast, fast, strict=True) for e in es]
    entries = best("normalise, fast path", lambda: [parse._xml_entry(e, u) for e, u in dicts])
    entries += [e for b, u in slow for e in parse._parse_xml_feed(b, u, ctype).entries]
    prepared = best("hash, index text, keys", lambda: [parse._prepared(e) for e in entries])
    per_feed = [parse.parse_feed(b, u, ctype).entries for b, u in feeds]
    best("parse_feed, whole", lambda: [parse.parse_feed(b, u, ctype) for b, u in feeds])
    del prepared
    config = Config(Path("bench.toml"), Settings(), tuple(FeedConfig(u) for _, u in feeds))
    store_times, rules_times, quote_times = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.in_dir(Path(tmp))
            store.sync_feeds(config.feeds)
            feed_ids = [store.feed_by_url(fc.url).id for fc in config.feeds]
            ids: list[int] = []
            t = time.process_time()
            results = [
                store.store_entries(fid, es, time.time())
                for fid, es in zip(feed_ids, per_feed, strict=True)
            ]
            store_times.append(time.process_time() - t)
            for r in results:
                ids.extend(r.ids)
            t = time.process_time()
            with store.db.atomic():
                apply_rules(store, ids, config)
            rules_times.append(time.process_time() - t)
            from reader.core.quotes.index import index_entries

            t = time.process_time()
            index_entries(store, ids, deadline=time.monotonic() + 3600, render=False)
            quote_times.append(time.process_time() - t)
            store.close()
    out["store (SQLite)"] = min(store_times)
    out["rules/dedupe"] = min(rules_times)
    out["quotes (no finder)"] = min(quote_times)
    return out


def corpus_feeds() -> list[tuple[bytes, str]]:
    folder = corpus_dir()
    if folder is None:
        return []
    folder = folder / "feeds"
    index = {i["file"]: i["url"] for i in json.loads((folder / "index.json").read_text())}
    return [(p.read_bytes(), index.get(p.name, "")) for p in sorted(folder.glob("*.xml"))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sets", default="corpus,row1,row9")
    a = ap.parse_args(argv)
    bare, imports = start_up_cpu(a.runs)
    print(f"start-up: interpreter {bare:.3f} s, + refresh imports {imports:.3f} s (CPU)")
    sets = {
        "corpus": corpus_feeds,
        "row1": lambda: [(rss_xml(n, 50), f"http://127.0.0.2/feed/{n}.xml") for n in range(100)],
        "row9": lambda: [
            (rss_xml(n, 50, item_bytes=1500), f"http://127.0.0.2/big/{n}.xml") for n in range(100)
        ],
    }
    for name in a.sets.split(","):
        feeds = sets[name]()
        if not feeds:
            print(f"{name}: not found")
            continue
        mb = sum(len(b) for b, _ in feeds) / 1e6
        figures = stages(feeds, a.runs)
        print(f"{name}: {len(feeds)} feeds, {mb:.1f} MB, CPU seconds (best of {a.runs})")
        for stage, cpu in figures.items():
            print(f"  {stage:<32} {cpu:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
