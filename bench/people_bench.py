"""Bench of the quote index and the People view (issue 15).

    python bench/people_bench.py [--entries 100000] [--refresh-runs 3] [--skip-views]

1. Refresh of the 40 corpus feeds (file://, cold cache, a process each) with quote reading
   off, as shipped (QUOTE_SHARE) and for every entry: the extraction's cost on a refresh;
   what entries with no quotation cost, and the cheap test that clears them.
2. A synthetic cache of N entries with a quote index like the corpus's (about 1.4 "high"
   quotes per entry, speakers Zipf-distributed over 5,000 people, bare surnames among them):
   the People view's queries (people this week / all time, one speaker's page with grouping,
   search) and `byline people` end to end. Prints figures with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reader.core.quotes import index as quoteindex  # noqa: E402
from reader.core.store import Store  # noqa: E402
from reader.core.text.parse import ParsedEntry  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "feeds"


def load() -> str:
    return os.getloadavg().__repr__()


_ONE_REFRESH = """
import json, sys, time
from pathlib import Path
from reader.core.quotes import index as quoteindex
from reader.core.feeds import refresh as r
from reader.core.config import load
from reader.core.store import Store
mode, config, data = sys.argv[1:4]
r.QUOTE_SHARE = {"off": 0.0, "every": 1e9}.get(mode, r.QUOTE_SHARE)
report = r.refresh(load(Path(config)), Path(data), force=True)
with Store.in_dir(Path(data)) as store:
    left = quoteindex.pending_count(store)
print(json.dumps([report.seconds, report.quote_seconds, report.quotes_indexed, left]))
"""


def refresh_cost(runs: int) -> None:
    """A cold refresh of the corpus feeds, each in a fresh process and data dir (as `byline
    refresh` runs: the quote finder not loaded yet), interleaved: quotes off, as shipped
    (QUOTE_SHARE), and every entry read in the refresh."""
    feeds = sorted(CORPUS.glob("*.xml"))
    if not feeds:
        print("corpus feeds missing: refresh cost skipped")
        return
    modes = ("off", "shipped", "every")
    results: dict[str, list[list[float]]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "config.toml"
        config_path.write_text("".join(f'[[feeds]]\nurl = "{p.as_uri()}"\n\n' for p in feeds))
        for run in range(runs):
            for mode in modes:
                data = Path(tmp) / f"d{run}-{mode}"
                out = subprocess.run(
                    [sys.executable, "-c", _ONE_REFRESH, mode, str(config_path), str(data)],
                    capture_output=True, text=True, check=True, cwd=REPO,
                )  # fmt: skip
                results[mode].append(json.loads(out.stdout))
    off = statistics.median(r[0] for r in results["off"])
    print(
        f"refresh of {len(feeds)} corpus feeds, cold, median of {runs}: without quotes {off:.2f} s"
    )
    for mode in ("shipped", "every"):
        took = statistics.median(r[0] for r in results[mode])
        quote = statistics.median(r[1] for r in results[mode])
        read = [int(r[2]) for r in results[mode]]
        print(
            f"  {mode}: {took:.2f} s ({(took / off - 1) * 100:+.0f}%), quote time {quote:.2f} s;"
            f" entries read in the refresh {min(read)}-{max(read)}, left to the backfill"
            f" {results[mode][-1][3]}"
        )


def prefilter_cost() -> None:
    """Of reading every corpus entry: what the entries with no quotation cost, rendered and
    read or cleared by the cheap test (quoteindex.may_quote), against those with quotations."""
    from reader.core.quotes import extract
    from reader.core.text.parse import parse_feed
    from reader.core.text.render import render_html

    none = [0, 0.0]
    some = [0, 0.0]
    cleared = [0, 0.0]
    for path in sorted(CORPUS.glob("*.xml")):
        for entry in parse_feed(path.read_bytes(), path.as_uri()).entries:
            markup = entry.content or entry.summary
            started = time.perf_counter()
            rendered = render_html(markup, entry.link)
            found = extract(rendered.text, rendered.blocks)
            took = time.perf_counter() - started
            bucket = some if found else none
            bucket[0] += 1
            bucket[1] += took
            started = time.perf_counter()
            if not quoteindex.may_quote(markup):
                cleared[0] += 1
            cleared[1] += time.perf_counter() - started
    print(
        f"reading every corpus entry: {none[0]} with no quotation {none[1]:.2f} s, {some[0]} with"
        f" quotations {some[1]:.2f} s; the cheap test on all {cleared[1]:.2f} s, clearing"
        f" {cleared[0]}"
    )


FIRST = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
Richard Susan Joseph Jessica Thomas Sarah Olena Dmytro Ana Luis Wei Priya Kofi Amara Yuki Omar
Ines Paul Tomas Ingrid Lars Sanae Mark Keir Marco Emmanuel Friedrich Volodymyr""".split()  # noqa: SIM905 - prose lists
LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Wilson Anderson Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Walker Hall
Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Carter Roberts Okafor
Reyes Whitcombe Kovalenko Tanaka Nakamura Singh Mensah Haddad Larsen Takaichi Carney Starmer
Rubio Macron Merz Zelensky Sato Ito Kim Park Chen Wang Novak Horvat Petrov Ivanova""".split()  # noqa: SIM905 - prose lists


def build(path: Path, entries: int, seed: int = 15) -> None:
    rnd = random.Random(seed)
    people = [(rnd.choice(FIRST), rnd.choice(LAST)) for _ in range(5000)]
    weights = [1 / (i + 1) for i in range(len(people))]
    now = time.time()
    with Store(path) as store:
        feed_ids = []
        for n in range(100):
            store.db.execute(
                "INSERT INTO feeds (url, title) VALUES (?, ?)", [f"b://{n}", f"Feed {n}"]
            )
            feed_ids.append(store._rows("SELECT id FROM feeds WHERE url = ?", [f"b://{n}"])[0][0])
        for start in range(0, entries, 5000):
            batch = range(start, min(entries, start + 5000))
            by_feed: dict[int, list[ParsedEntry]] = {}
            for i in batch:
                by_feed.setdefault(feed_ids[i % 100], []).append(
                    ParsedEntry(
                        uid=str(i), title=f"Story {i}", published=now - i * 60, content="<p>x</p>"
                    )
                )
            for feed_id, items in by_feed.items():
                store.store_entries(feed_id, items, now=now)
        ids = [r for r in store._rows("SELECT id, feed_id, sort_ts FROM entries")]
        rows = []
        for entry_id, feed_id, sort_ts in ids:
            for _ in range(rnd.choice((0, 1, 1, 2, 3))):
                first, last = rnd.choices(people, weights)[0]
                bare = rnd.random() < 0.3
                name = last if bare else f"{first} {last}"
                key = name.casefold()
                said = " ".join(rnd.choice(LAST + FIRST).lower() for _ in range(12))
                rows.append(
                    (
                        entry_id,
                        feed_id,
                        sort_ts,
                        "feed",
                        0,
                        len(said),
                        said,
                        "quote",
                        name,
                        name,
                        key,
                        "high",
                    )
                )
            if rnd.random() < 0.3:
                rows.append(
                    (
                        entry_id,
                        feed_id,
                        sort_ts,
                        "feed",
                        0,
                        5,
                        "a term",
                        "partial",
                        None,
                        None,
                        None,
                        "low",
                    )
                )
        with store.db.atomic():
            for entry_id, _, _ in ids:
                store.db.execute(
                    "INSERT INTO quote_stamps (entry_id, version, hash) SELECT id, ?, content_hash FROM entries WHERE id = ?",
                    [quoteindex.VERSION, entry_id],
                )
            for row in rows:
                cursor = store.db.execute(
                    """INSERT INTO quote_index (entry_id, feed_id, sort_ts, source, start, "end", text,
                       kind, speaker, speaker_name, speaker_key, confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
                    row,
                )
                store.db.execute(
                    "INSERT INTO quotes_fts (rowid, text, speaker) VALUES (?, ?, ?)",
                    [cursor.lastrowid, row[6], row[9] or ""],
                )
    print(f"built {entries:,} entries, {len(rows):,} quotes in {path}")


def timed(label: str, func, repeat: int = 5):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    print(f"{label}: median {statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f})")
    return result


def view_costs(entries: int, keep: Path | None) -> None:
    tmp = Path(tempfile.mkdtemp()) if keep is None else keep
    path = tmp / "byline.db"
    if not path.exists():
        build(path, entries)
    with Store(path) as store:
        week = time.time() - 7 * 86400
        timed("People view: people this week", lambda: quoteindex.people(store, week))
        everyone = timed("People view: people all time", lambda: quoteindex.people(store))
        top = everyone[0]
        groups = timed(
            f"speaker's page ({top.name}, {top.quotes} quotes): quotes + grouping",
            lambda: quoteindex.group_quotes(quoteindex.quotes_by(store, top.keys)),
        )
        print(f"  {len(groups)} groups")
        timed("search 'smith'", lambda: quoteindex.search(store, "smith"))
    env = dict(os.environ, BYLINE_DATA_DIR=str(tmp), BYLINE_CONFIG=str(tmp / "none.toml"))
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "reader.cli", "people", "--limit", "20"], env=env,
                       capture_output=True, check=True, cwd=REPO)  # fmt: skip
        times.append(time.perf_counter() - started)
    print(
        f"`byline people --limit 20` on {entries:,} entries: median {statistics.median(times):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--refresh-runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the synthetic cache here")
    parser.add_argument("--skip-refresh", action="store_true")
    parser.add_argument("--skip-views", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {load()}")
    if not args.skip_refresh:
        refresh_cost(args.refresh_runs)
        prefilter_cost()
    if not args.skip_views:
        view_costs(args.entries, args.keep)
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
