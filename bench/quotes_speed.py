"""Speed of the quote finder on real-feed entries (issue 30: median ≤ 1 ms per entry).

    python bench/quotes_speed.py [--runs 3] [--repo PATH]

Every entry of the corpus feeds (``$BYLINE_CORPUS/feeds`` or ``../shared/corpus/feeds``) is
rendered as the app renders it (``render_html`` of its content, else its summary), then the
finder (``extract`` with the renderer's blocks) is timed on it: CPU time of this process
(``time.process_time``), best of ``--runs`` runs per entry, so a loaded machine inflates it
less than wall time would. Reported: the median and p95 over all entries, over the entries
that hold a quotation mark (the only ones the index reads: ``index.may_quote`` clears the
others without rendering), and the peer measured in the same run: a naive regex pass
(``eval_quotes.naive``), so a slower machine moves both. ``--repo PATH`` times the finder of
another checkout (e.g. main's) instead: run both in turns on a shared machine to compare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

_REPO = sys.argv[sys.argv.index("--repo") + 1] if "--repo" in sys.argv[:-1] else None
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if _REPO:  # the finder (and renderer) of that checkout, the bench's own helpers
    sys.path.insert(0, str(Path(_REPO).resolve()))

from bench.common import percentile  # noqa: E402
from bench.eval_quotes import corpus_dir, naive  # noqa: E402
from reader.core.quotes import extract  # noqa: E402
from reader.core.quotes.index import may_quote  # noqa: E402
from reader.core.text.parse import parse_feed  # noqa: E402
from reader.core.text.render import render_html  # noqa: E402


def entries() -> list[tuple[str, object, bool]]:
    """(feed file, rendered entry, may quote) for every entry of the corpus feeds."""
    out = []
    for path in sorted((corpus_dir() / "feeds").glob("*.xml")):
        feed = parse_feed(path.read_bytes(), path.as_uri())
        for e in feed.entries:
            body = e.content or e.summary
            out.append((path.name, render_html(body, e.link), may_quote(body)))
    return out


def best_of(fn, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per entry (best is kept)")
    parser.add_argument("--repo", metavar="PATH", help="time the finder of this checkout")
    args = parser.parse_args()
    if not (corpus_dir() / "feeds").is_dir():
        print(f"corpus not found under {corpus_dir()}", file=sys.stderr)
        return 1
    items = entries()
    ours, peer, quoting = [], [], []
    for _, rendered, may in items:
        ms = best_of(lambda r=rendered: extract(r.text, r.blocks), args.runs)
        ours.append(ms)
        peer.append(best_of(lambda r=rendered: naive(r.text), args.runs))
        if may:
            quoting.append(ms)
    import reader

    print(f"quote finder on {len(items)} corpus feed entries ({len(quoting)} with a mark)")
    print(f"finder from {Path(reader.__file__).parent}")
    print(f"load average (1 min): {os.getloadavg()[0]:.2f}\n")
    print(f"{'':<34}{'median ms':>10}{'p95 ms':>10}{'goal':>8}")
    for label, xs, goal in (
        ("byline, every entry", ours, "1.00"),
        ("byline, entries with a mark", quoting, ""),
        ("naive peer, every entry", peer, ""),
    ):
        print(f"{label:<34}{statistics.median(xs):>10.3f}{percentile(xs, 0.95):>10.3f}{goal:>8}")
    print(f"\ntotal: byline {sum(ours):.0f} ms, peer {sum(peer):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
