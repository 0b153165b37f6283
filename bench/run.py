"""Byline against newsboat, same feeds, same caches, same run: `python bench/run.py`.

Builds its own data, installs Byline from a wheel into a fresh venv (as a user installs it),
starts its own loopback feed server (a separate process, 127.0.0.2..26), and prints one
table: each figure for Byline, the peer's figure and their ratio (peer / Byline, so > 1
means Byline is better), as the median of --runs runs with min–max and n, the goal and
whether it is met. Raw samples, the environment and the load go to bench/results/.

1 cold refresh, 100 feeds x 50 items, 150-250 ms per response, 25 hosts (newsboat at
  reload-threads 1, 8 and the best of a sweep, --nb-threads)
2 warm refresh of the same feeds (nothing changed), after an untimed extra refresh: newsboat
  stores validators only from its second fetch; 304 answers and bytes downloaded
3 cold refresh of the real corpus feeds at zero latency
4 start to first screen with the list filled, caches of --sizes entries
5 peak RSS of the app right after that first screen
6 search over 100,000 entries: in the app, Enter to results on screen, for both; the engine
  and the CLI against a proxy of newsboat's query (labelled so)
7 article open: render + quotes, per article / feed entry (p50, p95), in process
8 key-to-screen latency in the app while a row-1 refresh runs (p50, p95), same cache and
  feeds for both programs
9 cold refresh of row 1's feeds padded to ~100 KB a feed (real feeds average 225 KB)

Adding a row: write `def row_n(ctx: Ctx) -> None` that measures into `Sample`s (through
`common.measure`, so failures are logged and counted) and calls `ctx.add(Line(...))` with
its goal and check; register it with `@row(n)`. `refresh_compare` times any list of feed
URLs for both programs (cold, and warm after the untimed extra refresh).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import byline_side as bl  # noqa: E402
from bench import (
    common,  # noqa: E402
    report,  # noqa: E402
)
from bench import newsboat as nbm  # noqa: E402
from bench.common import (  # noqa: E402
    MARKER_TITLE,
    BenchFailure,
    Sample,
    Tmux,
    corpus_dir,
    environment,
    fmt,
    key_latencies,
    measure,
    percentile,
    save_json,
)
from bench.feedserver import FeedServer  # noqa: E402

Check = Callable[[float, float | None], bool]


@dataclass
class Line:
    """One line of the table: Byline's figure, the peer's, the goal and how to check it.

    `check(byline_median, ratio)` decides the verdict; ratio is peer/Byline.
    """

    row: str
    measure: str
    byline: Sample
    peer: Sample | None = None
    peer_name: str = "newsboat"
    goal: str = ""
    check: Check | None = None
    ratio: bool = True  # show peer/Byline
    note: str = ""

    def ratio_value(self) -> float | None:
        if not (self.ratio and self.peer and self.peer.median and self.byline.median):
            return None
        return self.peer.median / self.byline.median

    def met(self) -> str:
        if self.check is None:
            return ""
        if self.byline.median is None:
            return "?"
        try:
            return "yes" if self.check(self.byline.median, self.ratio_value()) else "no"
        except TypeError:  # the goal needs a ratio and there is no peer figure
            return "?"


@dataclass
class Ctx:
    args: argparse.Namespace
    work: Path
    tmux: Tmux
    lines: list[Line] = field(default_factory=list)
    raw: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    best_threads: int | None = None  # newsboat's best cold reload-threads, from row 1
    _server: FeedServer | None = None
    _schema: list[str] | None = None
    _caches: dict[int, tuple[Path, Path, list[str]]] = field(default_factory=dict)

    @property
    def newsboat(self) -> bool:
        return self.args.newsboat and nbm.available()

    def server(self) -> FeedServer:
        if self._server is None:
            corpus = corpus_dir()
            self._server = FeedServer(
                hosts=self.args.hosts,
                feeds=self.args.feeds,
                items=self.args.items,
                latency=self.args.latency,
                corpus=corpus / "feeds" if corpus else None,
                lifetime=self.args.server_lifetime,
                big_item_bytes=self.args.big_item_bytes if 9 in self.args.rows else 0,
            )
        return self._server

    def add(self, line: Line) -> None:
        self.lines.append(line)
        b = fmt(line.byline.median, line.byline.unit)
        p = fmt(line.peer.median, line.peer.unit) if line.peer else "—"
        print(f"  [{line.row}] {line.measure}: Byline {b} | {line.peer_name} {p}", file=sys.stderr)

    def caches(self, size: int) -> tuple[Path, Path, list[str]]:
        """(Byline data dir, newsboat cache.db, feed urls) of `size` entries, built once."""
        if size in self._caches:
            return self._caches[size]
        feeds = max(100, size // 1000)  # Byline keeps 1000 per feed by default
        urls = [f"{nbm.DEAD_BASE}/feed/{f}.xml" for f in range(feeds)]
        root = self.work / f"cache-{size}"
        if self.args.cache_dir:  # reused across runs while nothing they depend on changed
            root = Path(self.args.cache_dir) / f"cache-{size}-{cache_fingerprint(self.args)}"
            done = root / "complete"
            if done.exists() and done.read_text() == ("newsboat" if self.newsboat else "byline"):
                log(f"reusing the caches of {size:,} entries in {root}")
                self.raw.setdefault("cache_reused", []).append(str(root))
                self._caches[size] = (root / "byline", root / "newsboat" / "cache.db", urls)
                self.index_quotes(size, root)
                return self._caches[size]
            shutil.rmtree(root, ignore_errors=True)
        t = bl.build_cache(root / "byline", urls, size)
        self.raw.setdefault("cache_build_s", {})[f"byline-{size}"] = t
        log(f"built Byline cache of {size:,} entries in {t:.1f} s")
        nb_db = root / "newsboat" / "cache.db"
        if self.newsboat:
            if self._schema is None:
                srv = self.server()
                self._schema = nbm.schema_from_reload(self.work / "nb-schema", srv.feed_urls()[0])
            nb_db.parent.mkdir(parents=True, exist_ok=True)
            t0 = time.perf_counter()
            nbm.build_cache(nb_db, self._schema, size, feeds)
            t = time.perf_counter() - t0
            self.raw.setdefault("cache_build_s", {})[f"newsboat-{size}"] = t
            log(f"built newsboat cache of {size:,} entries in {t:.1f} s")
        (root / "complete").write_text("newsboat" if self.newsboat else "byline")
        self._caches[size] = (root / "byline", nb_db, urls)
        self.index_quotes(size, root)
        return self._caches[size]

    def index_quotes(self, size: int, root: Path) -> None:
        """Read the quotes of every entry of a cache up to --index-max entries, as the app's
        background reading would have by then: a user's cache is in that steady state, and
        otherwise the app reads quotes in the background during rows 6 and 8. Larger caches
        are left pending (the app starts reading 1 s after its first screen; rows 4-5)."""
        marker = root / "quotes-indexed"
        if size > self.args.index_max or marker.exists():
            self.raw.setdefault("quotes_indexed", {})[str(size)] = marker.exists()
            return
        from reader.core.quotes import index as quoteindex
        from reader.core.store import Store

        t0 = time.perf_counter()
        with Store.in_dir(root / "byline") as store:
            n = quoteindex.backfill(store)
        marker.write_text(str(n))
        self.raw.setdefault("quotes_indexed", {})[str(size)] = True
        log(f"read the quotes of {n:,} entries of the {size:,}-entry cache in "
            f"{time.perf_counter() - t0:.0f} s")  # fmt: skip

    def drop_cache(self, size: int) -> None:
        if size in self._caches and not self.args.keep and not self.args.cache_dir:
            shutil.rmtree(self.work / f"cache-{size}", ignore_errors=True)
            del self._caches[size]


def cache_fingerprint(args: argparse.Namespace) -> str:
    """What a built cache depends on: the store's code, the bench's data, the bodies, newsboat."""
    h = hashlib.sha1(f"{args.bodies}|{nbm.version()}".encode())
    for rel in ("reader/core/store/__init__.py", "reader/core/store/schema.py", "reader/core/text/searchtext.py",
                "reader/core/text/sanitize.py", "reader/core/text/parse.py", "bench/common.py",
                "bench/byline_side.py", "bench/newsboat.py"):  # fmt: skip
        path = common.REPO / rel
        h.update(path.read_bytes() if path.exists() else rel.encode())
    return h.hexdigest()[:12]


def log(msg: str) -> None:
    print(f"# {msg}", file=sys.stderr, flush=True)


BARE_NOTE = (
    "the yardstick of issue 16: the same Python and Textual as Byline (the bench venv) start an"
    " app that shows one Static; what Byline spends beyond it is Byline's own. It runs beside"
    " Byline in every run, before it in even runs and after it in odd ones."
)


def order(i: int) -> tuple[str, str]:
    """Which program goes first in run i: they alternate, so neither always runs first."""
    return ("byline", "newsboat") if i % 2 == 0 else ("newsboat", "byline")


ROWS: dict[int, Callable[[Ctx], None]] = {}
ALIASES: dict[int, int] = {}  # a row measured by another row's function


def row(n: int, *also: int) -> Callable[[Callable[[Ctx], None]], Callable[[Ctx], None]]:
    """Register a row function; `also` are rows it measures too (rows 1 and 2 run together)."""

    def deco(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
        ROWS[n] = fn
        for m in also:
            ALIASES[m] = n
        return fn

    return deco


# ---------------------------------------------------------------- refresh rows


@dataclass
class Side:
    """Cold and warm refresh figures of one program (one newsboat thread count)."""

    name: str
    cold: Sample = field(default_factory=Sample)
    warm: Sample = field(default_factory=Sample)
    answered_304: Sample = field(default_factory=lambda: Sample(unit="n"))
    requests: Sample = field(default_factory=lambda: Sample(unit="n"))
    bytes: Sample = field(default_factory=lambda: Sample(unit="B"))
    counts: list[int] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            k: getattr(self, k).to_json()
            for k in ("cold", "warm", "answered_304", "requests", "bytes")
        } | {"counts": self.counts}


def cold_warm(
    ctx: Ctx,
    side: Side,
    clear: Callable[[], None],
    refresh: Callable[[], float],
    count: Callable[[], int],
    warm: bool,
) -> None:
    """One run: a timed cold refresh; then, if `warm`, an untimed refresh and a timed warm one.

    Every program starts from the same latency draws (the server's sequences restart). The
    untimed refresh is there because newsboat 2.21 stores a feed's ETag/Last-Modified only
    from its second fetch: only its third reload sends conditional GET. Byline gets the same
    extra refresh, so both warm timings are taken with validators stored.
    """
    srv = ctx.server()
    srv.reset(draws=True)
    clear()
    if measure(side.cold, f"{side.name} cold refresh", refresh) is None:
        if warm:
            side.warm.fail("its cold refresh failed")
        return
    side.counts.append(count())
    if not warm:
        return
    try:
        refresh()
    except BenchFailure as err:
        side.warm.fail(f"untimed second refresh failed: {err}")
        log(f"FAILED {side.name} untimed second refresh: {err}")
        return
    srv.reset()
    if measure(side.warm, f"{side.name} warm refresh", refresh) is None:
        return
    s = srv.stats()
    side.answered_304.add(s["status"].get("304", 0))
    side.requests.add(s["requests"])
    side.bytes.add(s["bytes"])
    ctx.raw.setdefault("server_warm", {}).setdefault(side.name, []).append(s)


def refresh_compare(
    ctx: Ctx,
    key: str,
    urls: list[str],
    expected: int | None,
    threads: list[int],
    warm: bool,
    nb1: bool = False,
) -> tuple[Side, dict[int, Side]]:
    """Byline (its default settings) and newsboat at each of `threads` on the same URLs.

    `expected` is the entry count every refresh must store (None: the same in every run
    and above 0). Runs alternate which program goes first. With `nb1`, newsboat at
    reload-threads 1 is timed cold too.
    """
    a = ctx.args
    work = ctx.work / key
    byl = bl.Byline(bl.write_config(work / "byline.toml", urls), work / "byline-data")
    sides = {"byline": Side("Byline")}
    b_side = sides["byline"]
    nb_sides: dict[int, Side] = {}
    counts: dict[str, set[int]] = {}

    def checked(name: str, fn: Callable[[int | None], float], n: Callable[[], int]) -> float:
        t = fn(expected)
        if expected is None:
            seen = counts.setdefault(name, {n()})
            if n() not in seen:
                raise BenchFailure(f"stored {n()} entries, {sorted(seen)} in an earlier run")
        return t

    for i in range(a.runs):
        ctx.raw.setdefault(f"{key}_order", []).append(order(i))
        for who in order(i):
            if who == "byline":
                cold_warm(ctx, b_side, byl.clear,
                          lambda: checked("byline", byl.refresh, byl.entry_count),
                          byl.entry_count, warm)  # fmt: skip
                continue
            if not ctx.newsboat:
                continue
            for th in ([1] if nb1 else []) + threads:
                nb_name = f"newsboat-{th}"
                nb = nbm.Newsboat(work / f"nb{th}", urls, reload_threads=th)
                side = nb_sides.setdefault(th, Side(f"newsboat reload-threads {th}"))
                cold_warm(ctx, side, nb.clear_cache,
                          lambda nb=nb, nb_name=nb_name: checked(nb_name, nb.reload, nb.item_count),
                          nb.item_count, warm and th != 1)  # fmt: skip
        log(f"{key} run {i + 1}/{a.runs} done")
    ctx.raw[key] = {
        "byline": b_side.to_json(),
        "newsboat": {str(k): v.to_json() for k, v in nb_sides.items()},
    }
    return b_side, nb_sides


def best(sides: dict[int, Side], threads: list[int], attr: str) -> tuple[int | None, Side | None]:
    """newsboat's best thread count of the sweep by the median of `attr` (cold or warm)."""
    timed = [(getattr(sides[t], attr).median, t) for t in threads if t in sides]
    timed = [(m, t) for m, t in timed if m is not None]
    if not timed:
        return None, None
    t = min(timed)[1]
    return t, sides[t]


def sweep_note(sides: dict[int, Side], attr: str) -> str:
    return ", ".join(
        f"{t}: {fmt(getattr(s, attr).median, 's')}"
        for t, s in sorted(sides.items())
        if getattr(s, attr).attempts
    )


def vs(th: int | None, threads: list[int], sweep: bool = True) -> str:
    if th is None:
        return "newsboat"
    if sweep and len(threads) > 1:
        return f"reload-threads {th} (best of {'/'.join(map(str, threads))})"
    return f"reload-threads {th}"


@row(1, 2)
def rows_1_2(ctx: Ctx) -> None:
    a = ctx.args
    srv = ctx.server()
    urls = srv.feed_urls(per_host=max(1, a.feeds // a.hosts))
    total = a.feeds * a.items
    threads = a.nb_threads
    b, nb = refresh_compare(ctx, "row1", urls, total, threads, warm=True, nb1=a.nb1)
    cold_t, cold_best = best(nb, threads, "cold")
    warm_t, warm_best = best(nb, threads, "warm")
    ctx.best_threads = cold_t
    lo, hi = a.latency
    desc = f"{a.feeds} feeds × {a.items} items, {lo * 1000:.0f}–{hi * 1000:.0f} ms, {a.hosts} hosts"
    note = (
        f"every timed refresh stored all {total} entries (else it is not a timing). newsboat"
        f" by reload-threads, cold: {sweep_note(nb, 'cold') or '—'}; warm: "
        f"{sweep_note(nb, 'warm') or '—'}. Warm = the third refresh: an untimed second one"
        f" first, because newsboat 2.21 stores ETag/Last-Modified only from its second fetch."
    )
    rows = a.rows
    if 1 in rows:
        if a.nb1:
            ctx.add(Line("1", f"cold refresh, {desc}", b.cold, nb.get(1, Side("")).cold,
                         "reload-threads 1 (its default)", note=note))  # fmt: skip
        if 8 in nb and cold_t != 8:
            ctx.add(Line("1", f"cold refresh, {desc}", b.cold, nb[8].cold,
                         "reload-threads 8", note=note))  # fmt: skip
        ctx.add(
            Line("1", f"cold refresh, {desc}", b.cold, cold_best.cold if cold_best else None,
                 vs(cold_t, threads), "< 2 s, ≥ 2x", lambda m, r: m < 2 and r >= 2, note=note)
        )  # fmt: skip
    if 2 in rows:
        if 8 in nb and warm_t != 8:
            ctx.add(Line("2", "warm refresh, nothing changed", b.warm, nb[8].warm,
                         "reload-threads 8", note=note))  # fmt: skip
        ctx.add(
            Line("2", "warm refresh, nothing changed", b.warm,
                 warm_best.warm if warm_best else None, vs(warm_t, threads), "≥ 5x",
                 lambda m, r: r >= 5, note=note)
        )  # fmt: skip
        peer = vs(warm_t, threads, sweep=False)
        n = a.feeds
        ctx.add(
            Line("2", f"warm refresh: requests answered 304 (of {n})", b.answered_304,
                 warm_best.answered_304 if warm_best else None, peer, f"all {n}",
                 lambda m, r: m == n, ratio=False)
        )  # fmt: skip
        ctx.add(Line("2", "warm refresh: requests made", b.requests,
                     warm_best.requests if warm_best else None, peer, ratio=False))  # fmt: skip
        ctx.add(Line("2", "warm refresh: bytes downloaded (bodies)", b.bytes,
                     warm_best.bytes if warm_best else None, peer, ratio=False))  # fmt: skip


@row(3)
def row_3(ctx: Ctx) -> None:
    srv = ctx.server()
    urls = srv.corpus_urls()
    if not urls:
        ctx.skipped.append("row 3: corpus not found (set BYLINE_CORPUS)")
        return
    if ctx.args.quick:
        urls = urls[:6]
    threads = ctx.args.nb_threads
    b, nb = refresh_compare(ctx, "row3", urls, None, threads, warm=False)
    t, best_side = best(nb, threads, "cold")
    counts = (b.counts[:1] or ["—"])[0], (best_side.counts[:1] or ["—"])[0] if best_side else "—"
    note = (
        f"stored: Byline {counts[0]} / newsboat {counts[1]} entries (each program the same"
        f" count in every run, else not a timing); newsboat by reload-threads: "
        f"{sweep_note(nb, 'cold') or '—'}"
    )
    ctx.add(
        Line("3", f"cold refresh, {len(urls)} real corpus feeds, 0 ms", b.cold,
             best_side.cold if best_side else None, vs(t, threads), "no slower (≥ 1.0x)",
             lambda m, r: r >= 1.0, note=note)
    )  # fmt: skip


@row(9)
def row_9(ctx: Ctx) -> None:
    """Row 1's feeds at a real feed's size: every item padded so a feed is ~100 KB (real
    feeds average 225 KB), where parsing cost grows with the bytes (issue 12)."""
    a = ctx.args
    srv = ctx.server()
    urls = srv.feed_urls(per_host=max(1, a.feeds // a.hosts), kind="big")
    total = a.feeds * a.items
    threads = a.nb_threads
    b, nb = refresh_compare(ctx, "row9", urls, total, threads, warm=False)
    t, best_side = best(nb, threads, "cold")
    size = srv.stats().get("big_feed_bytes")  # not served by old servers
    lo, hi = a.latency
    kb = f"~{size / a.feeds / 1024:.0f} KB" if size else f"items of ~{a.big_item_bytes} B"
    desc = (
        f"cold refresh, {a.feeds} feeds × {a.items} items, {kb} a feed,"
        f" {lo * 1000:.0f}–{hi * 1000:.0f} ms, {a.hosts} hosts"
    )
    note = (
        f"every timed refresh stored all {total} entries; newsboat by reload-threads: "
        f"{sweep_note(nb, 'cold') or '—'}"
    )
    if 8 in nb and t != 8:
        ctx.add(Line("9", desc, b.cold, nb[8].cold, "reload-threads 8", note=note))
    ctx.add(Line("9", desc, b.cold, best_side.cold if best_side else None, vs(t, threads),
                 "≥ 2x", lambda m, r: r >= 2, note=note))  # fmt: skip


# ---------------------------------------------------------------- rows 4 and 5


@row(4, 5)
def rows_4_5(ctx: Ctx) -> None:
    a = ctx.args
    for size in a.sizes:
        data_dir, nb_db, urls = ctx.caches(size)
        byl = bl.Byline(bl.write_config(ctx.work / f"r4-{size}.toml", urls), data_dir)
        nb = nbm.Newsboat(ctx.work / f"r4-nb-{size}", urls, reload_threads=8)
        nb.cache = nb_db
        timeout = 20 if a.quick else 60 + size / 5000
        tb, tn, tbare = Sample(), Sample(), Sample()
        mb, mn, mbare = Sample(unit="MiB"), Sample(unit="MiB"), Sample(unit="MiB")
        for i in range(a.runs):
            # The bare app runs beside Byline, before it in even runs and after it in odd ones.
            whos = [w for who in order(i) for w in (("bare", who) if who == "byline" else (who,))]
            for who in whos if i % 2 == 0 else whos[::-1]:
                if who == "bare":
                    fn, t_s, m_s, name = bl.bare_app_first_screen, tbare, mbare, f"a{size}-{i}"
                elif who == "byline":
                    fn, t_s, m_s, name = byl.first_screen, tb, mb, f"b{size}-{i}"
                elif ctx.newsboat:
                    fn, t_s, m_s, name = nb.first_screen, tn, mn, f"n{size}-{i}"
                else:
                    continue
                got: list[float] = []

                def once(fn=fn, name=name, got=got, timeout=timeout) -> float:
                    took, rss = fn(ctx.tmux, name, timeout)
                    got.append(rss)
                    return took

                label = f"{who} first screen, {size:,} entries"
                if measure(t_s, label, once) is None:
                    m_s.fail("no first screen")
                else:
                    m_s.add(got[0])
        note = (
            "caches built through Byline's store API (and newsboat's schema, by SQL), the same"
            " rows; each program opens its own, untouched by the others. Byline's caches up to"
            f" {a.index_max:,} entries have their quotes read first, as the app leaves a cache;"
            " a larger one is left pending and the app starts reading it in the background 1 s"
            " after its first screen. newsboat's cache lock is released between runs."
        )
        goal4, check4 = "< 0.5 s", (lambda m, r: m < 0.5)
        if size == 100_000:
            goal4, check4 = "< 0.5 s, ≥ 10x", (lambda m, r: m < 0.5 and r >= 10)
        if 4 in a.rows:
            ctx.add(Line("4", f"first screen, list filled, {size:,} entries", tb, tn,
                         "feed list from its cache", goal4, check4, note=note))  # fmt: skip
            ctx.add(Line("4", f"first screen against a bare Textual app, {size:,} entries", tb,
                         tbare, "a bare Textual app showing one Static (bench/bare_app.py)",
                         "≤ 1.5x the bare app's (peer/Byline ≥ 0.67x)",
                         lambda m, r: r >= 1 / 1.5, note=BARE_NOTE))  # fmt: skip
        if 5 in a.rows:
            ctx.add(Line("5", f"peak RSS after first screen, {size:,} entries", mb, mn,
                         "feed list from its cache", "under newsboat's",
                         lambda m, r: r > 1, note=note))  # fmt: skip
        keep = (6 in a.rows and size == a.search_size) or (8 in a.rows and size == min(a.sizes))
        if not keep:
            ctx.drop_cache(size)


# ---------------------------------------------------------------- row 6


@row(6)
def row_6(ctx: Ctx) -> None:
    a = ctx.args
    data_dir, nb_db, urls = ctx.caches(a.search_size)
    byl = bl.Byline(bl.write_config(ctx.work / "r6.toml", urls), data_dir)
    nb = nbm.Newsboat(ctx.work / "r6-nb", urls, reload_threads=8)
    nb.cache = nb_db
    titles = bl.search_titles(data_dir)
    app_b, app_n = Sample(), Sample()
    cli, eng, like = Sample(), Sample(), Sample()
    hits: dict[str, int] = {}
    timeout = 20 if a.quick else 60 + a.search_size / 5000

    def run(key: str, fn: Callable[[], tuple[float, int]]) -> Callable[[], float]:
        def once() -> float:
            t, hits[key] = fn()
            return t

        return once

    for i in range(a.runs):
        for who in order(i):
            if who == "byline":
                fn = lambda i=i: byl.app_search(ctx.tmux, f"s{i}b", titles, timeout)  # noqa: E731
                measure(app_b, "byline search in the app", fn)
            elif ctx.newsboat:
                fn = lambda i=i: nb.app_search(ctx.tmux, f"s{i}n", titles, timeout)  # noqa: E731
                measure(app_n, "newsboat search in the app", fn)
    for _ in range(max(a.runs, 5)):
        measure(cli, "byline entries --search", run("byline_cli", byl.search_cli))
        measure(eng, "engine search", run("byline_engine", lambda: bl.search_engine(data_dir)))
        if ctx.newsboat:
            measure(like, "newsboat query proxy", run("proxy", lambda: nbm.search_like(nb_db)))
    ctx.raw["row6_hits"] = hits
    n = f"{a.search_size:,}"
    proxy = "proxy: its SQL LIKE query run by Python's sqlite3, not newsboat"
    note = (
        "in the app: `/`, the word, Enter, timed from Enter until the first result that was not"
        " already on screen shows (tmux polled every 5 ms); both list matches newest first,"
        " newsboat all of them at once, Byline a page at a time. The other"
        " newsboat figure is not newsboat: the LIKE query its search runs, timed through"
        " Python's sqlite3 on its cache (no start-up, no drawing); it compares like for like"
        " only with the engine's figure."
    )
    goal, check = "< 50 ms", (lambda m, r: m < 0.05)
    ctx.add(Line("6", f"search in the app, {n} entries: Enter to results on screen", app_b,
                 app_n, "its own search (`/`)", goal, check, note=note))  # fmt: skip
    ctx.add(Line("6", f"search, first 50 results, {n} entries: engine, in process", eng, like,
                 proxy, goal, check, note=note))  # fmt: skip
    ctx.add(Line("6", f"search, first 50 results, {n} entries: `byline entries --search` process",
                 cli, like, proxy, goal, check, note=note))  # fmt: skip


# ---------------------------------------------------------------- row 7


@row(7)
def row_7(ctx: Ctx) -> None:
    corpus = corpus_dir()
    if corpus is None:
        ctx.skipped.append("row 7: corpus not found (set BYLINE_CORPUS)")
        return
    limit = 4 if ctx.args.quick else None
    samples: dict[tuple[str, float], Sample] = {}
    labels: dict[str, str] = {}
    for i in range(ctx.args.runs):
        arts, ents, info = bl.article_open_times(corpus, limit)
        ctx.raw.setdefault("row7", []).append({"articles": arts, "entries": ents, **info})
        sets = {
            "articles": (f"render + quotes, {len(arts)} corpus articles", arts),
            "entries": (f"render + quotes, {len(ents)} corpus feed entries", ents),
            "extract": (f"full-text extraction alone, {len(info['extract'])} articles",
                        info["extract"]),
        }  # fmt: skip
        for key, (label, values) in sets.items():
            labels[key] = label
            for q in (0.5, 0.95):
                if values:
                    samples.setdefault((key, q), Sample()).add(percentile(values, q))
        log(f"row 7 pass {i + 1}/{ctx.args.runs}")
    note = (
        "each figure is the median over passes (one pass opens every article once) of that"
        " pass's percentile; min–max across passes. In the bench's own Python process."
    )
    for (key, q), s in samples.items():
        goal, check = ("p95 < 50 ms", lambda m, r: m < 0.05)
        if key == "extract" or q != 0.95:
            goal, check = "", None
        ctx.add(Line("7", f"article open: {labels[key]}, p{int(q * 100)}", s, None, "—", goal,
                     check, note=note))  # fmt: skip


# ---------------------------------------------------------------- row 8


def key_window(ctx: Ctx, name: str, keys: list[str], needle: str, timeout: float) -> dict:
    """Wait for the list and for the refresh's first feed answer, then send keys for
    --key-window seconds.

    Feed answers are counted inside the window only (the server's count at its start and
    at its end), so the figure says how much of the refresh the keys actually overlapped.
    """
    srv = ctx.server()
    if ctx.tmux.wait_for(name, needle, timeout) is None:
        raise BenchFailure(f"no list on screen after {timeout:.0f} s")
    t0 = time.perf_counter()
    while (before := srv.stats()["requests"]) == 0:
        if time.perf_counter() - t0 > timeout:
            raise BenchFailure(f"the refresh sent no feed request in {timeout:.0f} s")
        time.sleep(0.01)
    waited = time.perf_counter() - t0
    vals, notes = key_latencies(ctx.tmux, name, keys, ctx.args.key_window)
    notes["feed_answers_in_window"] = srv.stats()["requests"] - before
    notes["feed_answers_before_window"] = before
    notes["latencies"] = vals
    notes["waited_for_refresh_s"] = round(waited, 3)
    if notes["timeouts"]:
        log(f"row 8 {name}: {notes['timeouts']} key(s) without a screen change in 1.5 s")
    return notes


@row(8)
def row_8(ctx: Ctx) -> None:
    """Same cache (a copy of the smallest one, per program) and same feeds for both: the
    cache's feeds (dead, refused at once) plus row 1's slow feeds, refreshed at start."""
    a = ctx.args
    srv = ctx.server()
    slow = srv.feed_urls(per_host=max(1, a.feeds // a.hosts))
    size = min(a.sizes)
    data_dir, nb_db, dead = ctx.caches(size)
    work = ctx.work / "r8"
    threads = ctx.best_threads or 8
    timeout = 20 if a.quick else 60
    runs: dict[str, list[dict]] = {"byline": [], "newsboat": []}
    for i in range(a.runs):
        for who in order(i):
            name = f"k{who[0]}{i}"
            if who == "byline":
                d = work / f"byline-data-{i}"
                shutil.rmtree(d, ignore_errors=True)
                shutil.copytree(data_dir, d)
                cfg = bl.write_config(work / "byline.toml", dead + slow, refresh_on_start=True)
                cmd, env, keys = bl.Byline(cfg, d).app_cmd(), bl._tmux_env(), ["j", "k"]
                needle = MARKER_TITLE[:22]
            elif ctx.newsboat:
                nb = nbm.Newsboat(work / f"nb-{i}", dead + slow, threads, refresh_on_startup=True)
                shutil.copyfile(nb_db, nb.cache)
                # newsboat 2.21 binds no j/k by default: its own cursor keys.
                cmd, env, keys = "exec " + " ".join(nb.argv()), nb.env, ["Down", "Up"]
                needle = common.feed_title(0)
            else:
                continue
            srv.reset(draws=True)
            ctx.tmux.start(name, cmd, env)
            try:
                runs[who].append(key_window(ctx, name, keys, needle, timeout))
            except BenchFailure as err:
                runs[who].append({"failed": str(err)})
                log(f"FAILED row 8 {who} run {i + 1}: {err}")
            finally:
                ctx.tmux.kill(name)
    ctx.raw["row8"] = runs

    def sample(who: str, q: float) -> Sample:
        s = Sample()
        for r in runs[who]:
            if "failed" in r:
                s.fail(r["failed"])
            elif r["latencies"]:
                s.add(percentile(r["latencies"], q))
            else:
                s.fail("no key changed the screen")
        return s

    def summary(who: str) -> str:
        ok = [r for r in runs[who] if "failed" not in r]
        sent = sum(r["sent"] for r in ok)
        lost = sum(r["timeouts"] for r in ok)
        answers = [r["feed_answers_in_window"] for r in ok]
        return (
            f"{'Byline' if who == 'byline' else 'newsboat'}: {sent} keys, {lost} without a screen"
            f" change in 1.5 s, feed answers inside each window {answers} of {a.feeds}"
        )

    note = (
        f"{a.key_window:.1f} s of cursor keys per run, started once the list shows; both open a"
        f" copy of the same {size:,}-entry cache with the same {len(dead)} cached + {a.feeds}"
        f" slow feeds and refresh them at start (newsboat reload-threads {threads}); keys start"
        f" at the refresh's first feed answer. "
        + "; ".join(summary(w) for w in runs if runs[w])
        + ". Each figure: median over runs of that run's percentile."
    )
    for q in (0.5, 0.95):
        goal, check = ("p95 < 100 ms", lambda m, r: m < 0.1) if q == 0.95 else ("", None)
        peer = sample("newsboat", q) if runs["newsboat"] else None
        ctx.add(Line("8", f"key to screen during a refresh, p{int(q * 100)}", sample("byline", q),
                     peer, f"reload-threads {threads}", goal, check, note=note))  # fmt: skip


# ---------------------------------------------------------------- main


def line_json(ln: Line) -> dict:
    return {
        "row": ln.row,
        "measure": ln.measure,
        "byline": ln.byline.to_json(),
        "peer_name": ln.peer_name,
        "peer": ln.peer.to_json() if ln.peer else None,
        "ratio": ln.ratio_value(),
        "goal": ln.goal,
        "met": ln.met(),
        "note": ln.note,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", default="1,2,3,4,5,6,7,8,9", help="which rows, e.g. 1,2,4")
    ap.add_argument("--runs", type=int, default=None, help="runs per figure (default 3)")
    ap.add_argument("--sizes", default=None, help="cache sizes for rows 4-5")
    ap.add_argument(
        "--bodies",
        choices=("generated", "corpus"),
        default="generated",
        help="entry bodies of the caches (rows 4-6): short generated copy, or the corpus feeds' real bodies",
    )
    ap.add_argument("--search-size", type=int, default=None, help="cache size for row 6")
    ap.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke test")
    ap.add_argument("--markdown", action="store_true", help="print the README's Markdown block")
    ap.add_argument("--no-newsboat", dest="newsboat", action="store_false")
    ap.add_argument("--no-nb1", dest="nb1", action="store_false",
                    help="skip newsboat reload-threads 1 (slow: ~25 s a run)")  # fmt: skip
    ap.add_argument("--nb-threads", default=None,
                    help="newsboat reload-threads sweep, best reported (default 8,16,32,64)")  # fmt: skip
    ap.add_argument(
        "--byline",
        choices=("wheel", "checkout"),
        default="wheel",
        help="wheel: build a wheel and install it in a fresh venv, as a user does (default);"
        " checkout: run this working tree with the runner's Python",
    )
    ap.add_argument("--byline-venv", default=None, help="where the wheel's venv goes")
    ap.add_argument("--latency", default=None, help="LO,HI seconds per response")
    ap.add_argument("--feeds", type=int, default=None)
    ap.add_argument("--items", type=int, default=None)
    ap.add_argument("--hosts", type=int, default=None)
    ap.add_argument("--big-item-bytes", type=int, default=1500,
                    help="row 9: body bytes an item (1500: ~100 KB feeds of 50 items)")  # fmt: skip
    ap.add_argument("--key-window", type=float, default=None, help="seconds of keys, row 8")
    ap.add_argument("--workdir", default=None, help="keep data here instead of a temp dir")
    ap.add_argument("--keep", action="store_true", help="do not delete the data afterwards")
    ap.add_argument("--index-max", type=int, default=100_000,
                    help="caches up to this size get their quotes read before the rows")  # fmt: skip
    ap.add_argument("--cache-dir", default=None,
                    help="keep the big caches (rows 4-6, 8) here and reuse them in later runs while"
                         " the store's code, the bench data and newsboat are unchanged")  # fmt: skip
    ap.add_argument("--out", default=None, help="JSON results file (default bench/results/)")
    ap.add_argument("--report", default=None, metavar="JSON", help="re-print a saved run")
    ap.add_argument("--write-readme", action="store_true",
                    help="put this run's (or --report's) Markdown block into docs/benchmarks.md")  # fmt: skip
    a = ap.parse_args(argv)
    q = a.quick
    a.rows = sorted({int(x) for x in a.rows.split(",") if x.strip()})
    a.runs = a.runs or (1 if q else 3)
    a.sizes = [int(x) for x in (a.sizes or ("300,2000" if q else "5000,100000,1000000")).split(",")]
    a.search_size = a.search_size or (max(a.sizes) if q else 100_000)
    lat = a.latency or ("0.01,0.03" if q else "0.15,0.25")
    a.latency = tuple(float(x) for x in lat.split(","))
    a.feeds = a.feeds or (8 if q else 100)
    a.items = a.items or (10 if q else 50)
    a.hosts = a.hosts or (2 if q else 25)
    a.nb_threads = [int(x) for x in (a.nb_threads or ("8,32" if q else "8,16,32,64")).split(",")]
    a.key_window = a.key_window or (1.0 if q else 2.5)
    a.server_lifetime = 600 if q else 3600
    return a


def readme_block(path: Path, data: dict) -> None:
    try:
        rel = path.resolve().relative_to(common.REPO).as_posix()
    except ValueError:
        raise SystemExit(f"--write-readme: {path} is not inside the repository") from None
    report.write_readme(common.REPO / "docs" / "benchmarks.md", rel, data)
    log(f"docs/benchmarks.md's block now shows {rel}: re-read the text around it, commit both")


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    common.BODIES["source"] = a.bodies
    if a.report:
        data = json.loads(Path(a.report).read_text())
        print(report.render(data, a.markdown, source=a.report), end="")
        if a.write_readme:
            readme_block(Path(a.report), data)
        return 0
    tmp = Path(a.workdir) if a.workdir else Path(tempfile.mkdtemp(prefix="byline-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    env_start = environment()
    started = time.time()
    if a.byline == "wheel":
        venv = Path(a.byline_venv) if a.byline_venv else tmp / "venv-byline"
        log(f"installing Byline from a wheel into {venv} ...")
        install = bl.install_wheel(venv)
        log(f"installed in {install['install_s']} s: {install['package']}")
    else:
        install = {"mode": "checkout", "python": sys.version.split()[0]}
        bl.INSTALL.update(mode="checkout", exe=None)
    tmux = Tmux()
    tmux.start("keepalive", "sleep 3600")  # keep one tmux server up: no server start in timings
    ctx = Ctx(a, tmp, tmux)
    log(f"work dir {tmp}; newsboat: {nbm.version() if ctx.newsboat else 'not run'}")
    try:
        done = set()
        for r in a.rows:
            fn_key = ALIASES.get(r, r)
            if fn_key in done or fn_key not in ROWS:
                continue
            done.add(fn_key)
            log(f"row {r} ... ({common.load_line()})")
            load = os.getloadavg()[0]
            try:
                ROWS[fn_key](ctx)
            except Exception as err:  # noqa: BLE001 - one broken row must not hide the others
                ctx.errors.append(f"row {r}: {type(err).__name__}: {err}")
                traceback.print_exc()
            # The machine is shared: keep how busy it was next to the figures.
            ctx.raw.setdefault("loadavg_1min", {})[f"row{r}"] = [load, os.getloadavg()[0]]
    finally:
        tmux.shutdown()
        if ctx._server:
            ctx._server.stop()
        if not a.keep and not a.workdir:
            shutil.rmtree(tmp, ignore_errors=True)
    cmd = "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    data = {
        "command": cmd.strip(),
        "started": started,
        "seconds": time.time() - started,
        "newsboat": nbm.version() if ctx.newsboat else None,
        "cpus": os.cpu_count(),
        "environment": env_start,
        "environment_end": environment(),
        "byline_install": install,
        "args": dict(vars(a)),
        "lines": [line_json(ln) for ln in ctx.lines],
        "raw": ctx.raw,
        "errors": ctx.errors,
        "skipped": ctx.skipped,
    }
    print(report.render(data, a.markdown), end="")
    kind = "quick" if a.quick else "run"  # quick runs are not committed (.gitignore)
    path = save_json(f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}.json", data, a.out)
    log(f"results in {path} ({time.time() - started:.0f} s)")
    if a.write_readme:
        readme_block(path, data)
    return 1 if ctx.errors else 0


if __name__ == "__main__":
    sys.exit(main())
