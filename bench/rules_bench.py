"""Rules and views at scale (issue 14 goals), on a synthetic cache in a temporary folder.

    python bench/rules_bench.py [--entries 100000] [--keep DIR]

Prints: the time [[rules]] (and dedupe) add to storing 1,000 new entries (goal < 50 ms),
`byline rules apply` over the whole cache (goal < 3 s) and a [[views]] view's first page
(goal < 200 ms), then its size and unread count (the app counts those in a thread). Entries
have ~1 KB bodies of mixed words, titles from a small vocabulary (so regexes and `contains`
find something), and quotes in one in 20.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.core import config as cfg  # noqa: E402
from reader.core.rules.engine import apply_rules, apply_to_cache  # noqa: E402
from reader.core.store import Store, View  # noqa: E402
from reader.core.text.parse import ParsedEntry  # noqa: E402

FEEDS = 100
WORDS = [
    "ferry",
    "council",
    "budget",
    "storm",
    "election",
    "market",
    "river",
    "school",
    "bakery",
    "bridge",
    "court",
    "minister",
    "police",
    "harbour",
    "library",
    "weather",
    "festival",
    "strike",
    "vote",
    "tariff",
    "museum",
    "hospital",
    "rail",
]
RULES = """
[[rules]]
match = 'title ~ "(?i)sponsored|advert"'
action = "hide"

[[rules]]
match = 'feed = "https://feed7.test/rss" and not title ~ "-9 "'
action = "mark_read"

[[rules]]
match = 'age > 30d and unread'
action = "mark_read"

[[rules]]
match = 'content contains "Zelensky" or speaker = "Zelensky"'
action = ["save", "tag:ukraine"]

[[rules]]
match = 'title contains "weather" or tag = "ukraine"'
action = "highlight"
"""
VIEWS = """
[[views]]
name = "storms"
match = 'title contains "storm" or content contains "storm"'

[[views]]
name = "rare"
match = 'title ~ "(?i)sponsored budget"'

[[views]]
name = "feeds"
match = 'feed = "https://feed3.test/rss" or tag = "ukraine" and age < 30d'
"""


def _config(path: Path) -> cfg.Config:
    feeds = "".join(f'[[feeds]]\nurl = "https://feed{i}.test/rss"\n' for i in range(FEEDS))
    return cfg.parse(feeds + RULES + VIEWS, path)


def _entries(rng: random.Random, feed: int, count: int, start: int, now: float):
    out = []
    for n in range(start, start + count):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()
        if n % 50 == 0:
            title = "Sponsored: " + title
        body = " ".join(rng.choice(WORDS) for _ in range(150))
        if n % 20 == 0:
            body += ' "We will not give up the fight for our land," Volodymyr Zelensky said.'
        out.append(
            ParsedEntry(
                f"f{feed}-{n}",
                title,
                link=f"https://site{feed}.test/story/{n}?utm_source=rss",
                published=now - rng.random() * 90 * 86400,
                content=f"<p>{body}</p>",
            )
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--keep", metavar="DIR", help="keep (or reuse) the cache in DIR")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="byline-rules-"))
    folder.mkdir(parents=True, exist_ok=True)
    config = _config(folder / "config.toml")
    rng = random.Random(14)
    now = time.time()
    per_feed = args.entries // FEEDS
    try:
        with Store.in_dir(folder) as store:
            store.sync_feeds(config.feeds)
            feed_ids = [store.feed_by_url(f.url).id for f in config.feeds]
            have = store.db.conn.execute("SELECT count(*) FROM entries").fetchone()[0]
            if have < args.entries - 2000:
                started = time.monotonic()
                for i, feed_id in enumerate(feed_ids):
                    store.store_entries(feed_id, _entries(rng, i, per_feed - 10, 0, now), now)
                print(
                    f"built {args.entries - 10 * FEEDS:,} entries in {time.monotonic() - started:.1f} s"
                )

            # 1. 1,000 new entries (10 per feed): storing them, then the rules on them
            store_s = rules_s = 0.0
            new_ids: list[int] = []
            for i, feed_id in enumerate(feed_ids):
                batch = _entries(rng, i, 10, 10_000_000 + int(now) % 1_000_000, now)
                t0 = time.perf_counter()
                with store.db.atomic():  # as refresh's writer does: one transaction
                    result = store.store_entries(feed_id, batch, now)
                    t1 = time.perf_counter()
                    apply_rules(store, result.ids, config)
                    t2 = time.perf_counter()
                store_s += t1 - t0
                rules_s += t2 - t1
                new_ids += result.ids
            print(
                f"rules + dedupe on {len(new_ids):,} new entries ({len(config.rules)} rules, "
                f"100 feeds): {rules_s * 1000:.1f} ms (storing them, before the commit:"
                f" {store_s * 1000:.1f} ms)"
                "  goal < 50 ms"
            )
            total = store.db.conn.execute("SELECT count(*) FROM entries").fetchone()[0]

            # 2. rules apply over the cache
            for dry in (True, False):
                t0 = time.perf_counter()
                report = apply_to_cache(store, config, dry_run=dry)
                took = time.perf_counter() - t0
                label = "rules apply --dry-run" if dry else "rules apply"
                touched = sum(o.matched for o in report.outcomes)
                print(
                    f"{label} over {total:,} entries: {took:.2f} s ({touched:,} matches)"
                    "  goal < 3 s"
                )

            # 3. a view as the app opens it: its first page at once (what the reader waits
            # for), then its exact size and its unread count (the sidebar's), both counted
            # in thread workers while the app stays responsive
            for saved in config.views:
                view = View("match", saved)
                t0 = time.perf_counter()
                page = store.page(view, 0, 200)
                t1 = time.perf_counter()
                size = store.count(view)
                t2 = time.perf_counter()
                unread = store.count((view, View("unread")))
                t3 = time.perf_counter()
                print(
                    f"view {saved.name!r} ({saved.match}): first page ({len(page)} rows)"
                    f" {(t1 - t0) * 1000:.0f} ms  goal < 200 ms; in a thread: size"
                    f" ({size:,}) {(t2 - t1) * 1000:.0f} ms, unread ({unread:,})"
                    f" {(t3 - t2) * 1000:.0f} ms"
                )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
