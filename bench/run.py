"""Byline against newsboat, same feeds, same caches, same run: `python bench/run.py`.

Builds its own data, starts its own loopback feed server (a separate process, 127.0.0.2..26),
and prints one table: each figure for Byline, the peer's figure, and their ratio
(peer / Byline, so > 1 means Byline is better), as the median of --runs runs with min-max.
Raw samples go to bench/results/run-<time>.json. Rows:

1 cold refresh, 100 feeds x 50 items, 150-250 ms per response, 25 hosts
2 warm refresh of the same feeds (nothing changed): 304 answers and bytes downloaded
3 cold refresh of the real corpus feeds at zero latency
4 start to first screen with the list filled, caches of --sizes entries
5 peak RSS of the app right after that first screen
6 first page of search results over 100,000 entries
7 article open: render + quotes, per article / feed entry (p50, p95), in process
8 key-to-screen latency in the app while a row-1 refresh runs (p50, p95)
"""

from __future__ import annotations

import argparse
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
from bench import common  # noqa: E402
from bench import newsboat as nbm  # noqa: E402
from bench.common import (  # noqa: E402
    MARKER_TITLE,
    Sample,
    Tmux,
    corpus_dir,
    fmt,
    key_latencies,
    percentile,
    save_json,
)
from bench.feedserver import FeedServer  # noqa: E402


@dataclass
class Line:
    row: str
    measure: str
    byline: Sample
    peer: Sample | None = None
    peer_name: str = "newsboat"
    goal: str = ""
    check: Callable[[float | None, float | None], bool] | None = None
    ratio: bool = True  # show peer/Byline
    note: str = ""

    def ratio_value(self) -> float | None:
        if not (self.ratio and self.peer and self.peer.median and self.byline.median):
            return None
        return self.peer.median / self.byline.median

    def met(self) -> str:
        if self.check is None or self.byline.median is None:
            return ""
        try:
            return "yes" if self.check(self.byline.median, self.ratio_value()) else "NO"
        except TypeError:  # ratio needed but no peer
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
        self._caches[size] = (root / "byline", nb_db, urls)
        return self._caches[size]

    def drop_cache(self, size: int) -> None:
        if size in self._caches and not self.args.keep:
            shutil.rmtree(self.work / f"cache-{size}", ignore_errors=True)
            del self._caches[size]


def log(msg: str) -> None:
    print(f"# {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- rows 1 and 2


def rows_1_2(ctx: Ctx) -> None:
    a = ctx.args
    srv = ctx.server()
    urls = srv.feed_urls(per_host=max(1, a.feeds // a.hosts))
    total = a.feeds * a.items
    work = ctx.work / "r1"
    byl = bl.Byline(bl.write_config(work / "byline.toml", urls), work / "byline-data")
    cold_b, warm_b = Sample(), Sample()
    b304, bbytes, breq = Sample(unit="n"), Sample(unit="B"), Sample(unit="n")
    cold_n1, cold_n8, warm_n8 = Sample(), Sample(), Sample()
    n304, nbytes, nreq = Sample(unit="n"), Sample(unit="n"), Sample(unit="n")
    nbytes.unit = "B"
    counts: dict[str, int] = {}
    for i in range(a.runs):
        byl.clear()
        srv.reset()
        t, report = byl.refresh()
        cold_b.add(t)
        cold_stats = srv.stats()
        counts["byline_entries"] = byl.entry_count()
        srv.reset()
        t, _ = byl.refresh()
        s = srv.stats()
        warm_b.add(t)
        b304.add(s["status"].get("304", 0))
        breq.add(s["requests"])
        bbytes.add(s["bytes"])
        ctx.raw.setdefault("row1_byline_server", []).append({"cold": cold_stats, "warm": s})
        if i == 0:
            ctx.raw["row1_byline_report"] = report
        if ctx.newsboat:
            nb1 = nbm.Newsboat(work / "nb1", urls, reload_threads=1)
            nb1.clear_cache()
            if a.nb1:
                srv.reset()
                cold_n1.add(nb1.reload())
            nb8 = nbm.Newsboat(work / "nb8", urls, reload_threads=8)
            nb8.clear_cache()
            srv.reset()
            cold_n8.add(nb8.reload())
            counts["newsboat_items"] = nb8.item_count()
            srv.reset()
            warm_n8.add(nb8.reload())
            s = srv.stats()
            n304.add(s["status"].get("304", 0))
            nreq.add(s["requests"])
            nbytes.add(s["bytes"])
            ctx.raw.setdefault("row1_newsboat_server_warm", []).append(s)
        log(f"rows 1-2 run {i + 1}/{a.runs} done")
    ctx.raw["row1_counts"] = counts
    lo, hi = a.latency
    desc = f"{a.feeds} feeds x {a.items} items, {lo * 1000:.0f}-{hi * 1000:.0f} ms, {a.hosts} hosts"
    note = f"stored: Byline {counts.get('byline_entries')} / newsboat {counts.get('newsboat_items')} of {total}"
    rows = a.rows
    if 1 in rows:
        if a.nb1:
            ctx.add(
                Line("1", f"cold refresh, {desc}", cold_b, cold_n1, "newsboat reload-threads 1",
                     note=note)
            )  # fmt: skip
        ctx.add(
            Line("1", f"cold refresh, {desc}", cold_b, cold_n8, "newsboat reload-threads 8",
                 "< 2 s, >= 2x", lambda m, r: m < 2 and r >= 2, note=note)
        )  # fmt: skip
    if 2 in rows:
        ctx.add(
            Line("2", "warm refresh, nothing changed", warm_b, warm_n8,
                 "newsboat reload-threads 8", ">= 5x", lambda m, r: r >= 5)
        )  # fmt: skip
        n = a.feeds
        ctx.add(
            Line("2", f"warm refresh: requests answered 304 (of {n})", b304, n304,
                 "newsboat reload-threads 8", f"all {n}", lambda m, r: m == n, ratio=False)
        )  # fmt: skip
        ctx.add(
            Line("2", "warm refresh: requests made", breq, nreq, "newsboat reload-threads 8",
                 ratio=False)
        )  # fmt: skip
        ctx.add(
            Line("2", "warm refresh: bytes downloaded (bodies)", bbytes, nbytes,
                 "newsboat reload-threads 8")
        )  # fmt: skip


# ---------------------------------------------------------------- row 3


def row_3(ctx: Ctx) -> None:
    srv = ctx.server()
    urls = srv.corpus_urls()
    if not urls:
        ctx.skipped.append("row 3: corpus not found (set BYLINE_CORPUS)")
        return
    if ctx.args.quick:
        urls = urls[:6]
    work = ctx.work / "r3"
    byl = bl.Byline(bl.write_config(work / "byline.toml", urls), work / "byline-data")
    nb = nbm.Newsboat(work / "nb8", urls, reload_threads=8)
    tb, tn = Sample(), Sample()
    counts = {}
    for _ in range(ctx.args.runs):
        byl.clear()
        tb.add(byl.refresh()[0])
        counts["byline_entries"] = byl.entry_count()
        if ctx.newsboat:
            nb.clear_cache()
            tn.add(nb.reload())
            counts["newsboat_items"] = nb.item_count()
    ctx.raw["row3_counts"] = counts
    ctx.add(
        Line("3", f"cold refresh, {len(urls)} real corpus feeds, 0 ms", tb, tn,
             "newsboat reload-threads 8",
             note=f"stored: Byline {counts.get('byline_entries')} / newsboat "
                  f"{counts.get('newsboat_items')}")
    )  # fmt: skip


# ---------------------------------------------------------------- rows 4 and 5


def rows_4_5(ctx: Ctx) -> None:
    a = ctx.args
    for size in a.sizes:
        data_dir, nb_db, urls = ctx.caches(size)
        byl = bl.Byline(bl.write_config(ctx.work / f"r4-{size}.toml", urls), data_dir)
        nb = nbm.Newsboat(ctx.work / f"r4-nb-{size}", urls, reload_threads=8)
        nb.cache = nb_db
        timeout = 20 if a.quick else 60 + size / 5000
        tb, tn = Sample(), Sample()
        mb, mn = Sample(unit="MiB"), Sample(unit="MiB")
        for i in range(a.runs):
            t, m = byl.first_screen(ctx.tmux, f"b{size}-{i}", timeout)
            tb.add(t)
            mb.add(m if t is not None else None)
            if ctx.newsboat:
                t, m = nb.first_screen(ctx.tmux, f"n{size}-{i}", timeout)
                tn.add(t)
                mn.add(m if t is not None else None)
        if 4 in a.rows:
            ctx.add(Line("4", f"first screen, list filled, {size:,} entries", tb, tn,
                         "newsboat (feed list)"))  # fmt: skip
        if 5 in a.rows:
            ctx.add(Line("5", f"peak RSS after first screen, {size:,} entries", mb, mn,
                         "newsboat (feed list)"))  # fmt: skip
        if size != a.search_size:
            ctx.drop_cache(size)


# ---------------------------------------------------------------- row 6


def row_6(ctx: Ctx) -> None:
    a = ctx.args
    data_dir, nb_db, urls = ctx.caches(a.search_size)
    byl = bl.Byline(bl.write_config(ctx.work / "r6.toml", urls), data_dir)
    cli, eng, like = Sample(), Sample(), Sample()
    hits = {}
    for _ in range(max(a.runs, 5)):
        t, hits["byline_cli"] = byl.search_cli()
        cli.add(t)
        t, hits["byline_engine"] = bl.search_engine(data_dir)
        eng.add(t)
        if ctx.newsboat:
            t, hits["newsboat_like"] = nbm.search_like(nb_db)
            like.add(t)
    ctx.raw["row6_hits"] = hits
    n = f"{a.search_size:,}"
    ctx.add(Line("6", f"search, first 50 results, {n} entries: CLI wall", cli, like,
                 "newsboat SQL LIKE", "< 50 ms", lambda m, r: m < 0.05))  # fmt: skip
    ctx.add(Line("6", f"search, first 50 results, {n} entries: engine", eng, like,
                 "newsboat SQL LIKE", "< 50 ms", lambda m, r: m < 0.05))  # fmt: skip


# ---------------------------------------------------------------- row 7


def row_7(ctx: Ctx) -> None:
    corpus = corpus_dir()
    if corpus is None:
        ctx.skipped.append("row 7: corpus not found (set BYLINE_CORPUS)")
        return
    limit = 4 if ctx.args.quick else None
    arts, ents, info = bl.article_open_times(corpus, limit)
    ctx.raw["row7"] = {"articles": arts, "entries": ents, **info}
    sets = (
        (f"render + quotes, {len(arts)} corpus articles", arts),
        (f"render + quotes, {len(ents)} corpus feed entries", ents),
        (f"full-text extraction alone, {len(info['extract'])} articles", info["extract"]),
    )
    for label, values in sets:
        for q in (0.5, 0.95):
            if values:
                ctx.add(Line("7", f"article open: {label}, p{int(q * 100)}",
                             Sample([percentile(values, q)]), None, "—"))  # fmt: skip


# ---------------------------------------------------------------- row 8


def row_8(ctx: Ctx) -> None:
    a = ctx.args
    srv = ctx.server()
    slow = srv.feed_urls(per_host=max(1, a.feeds // a.hosts))
    data_dir, _, dead = ctx.caches(min(a.sizes))
    work = ctx.work / "r8"
    lat_b, lat_n = Sample(unit="s"), Sample(unit="s")
    notes: dict = {}
    for i in range(a.runs):
        # A filled list to move in (a copy of the small cache) and a real slow refresh.
        d = work / f"byline-data-{i}"
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(data_dir, d)
        cfg = bl.write_config(work / "byline.toml", dead + slow, refresh_on_start=True)
        byl = bl.Byline(cfg, d)
        name = f"k{i}"
        srv.reset()
        ctx.tmux.start(name, byl.app_cmd(), bl._tmux_env())
        shown = ctx.tmux.wait_for(name, MARKER_TITLE[:22], 20 if a.quick else 60)
        if shown is None:
            ctx.errors.append("row 8: Byline app never showed its list")
            ctx.tmux.kill(name)
            continue
        vals, n = key_latencies(ctx.tmux, name, ["j", "k"], a.key_window)
        s = srv.stats()
        notes.setdefault("byline", []).append({**n, "feed_requests_during": s["requests"]})
        lat_b.values += vals
        ctx.tmux.kill(name)
        if ctx.newsboat:
            nb = nbm.Newsboat(work / f"nb-{i}", slow, reload_threads=8)
            nb.clear_cache()
            nb.config.write_text(nb.config.read_text().replace("no\n", "yes\n", 1))
            name = f"kn{i}"
            srv.reset()
            ctx.tmux.start(name, "exec " + " ".join(nb.argv()), nb.env)
            if ctx.tmux.wait_for(name, "Your feeds", 30) is not None:
                # newsboat 2.21 binds no j/k by default: its own cursor keys.
                vals, n = key_latencies(ctx.tmux, name, ["Down", "Up"], a.key_window)
                s = srv.stats()
                notes.setdefault("newsboat", []).append(
                    {**n, "feed_requests_during": s["requests"]}
                )
                lat_n.values += vals
            ctx.tmux.kill(name)
    ctx.raw["row8"] = {"byline": lat_b.values, "newsboat": lat_n.values, "notes": notes}

    def summary(side: str) -> str:
        runs = notes.get(side, [])
        sent = sum(n["sent"] for n in runs)
        lost = sum(n["timeouts"] for n in runs)
        done = [n["feed_requests_during"] for n in runs]
        return f"{side}: {sent} keys, {lost} without a screen change in 1.5 s, feed answers during the window {done}"

    note = f"{a.key_window:.1f} s of j/k per run; " + "; ".join(
        summary(side) for side in ("byline", "newsboat") if side in notes
    )
    for q in (0.5, 0.95):
        b = Sample([percentile(lat_b.values, q)] if lat_b.values else [])
        p = Sample([percentile(lat_n.values, q)] if lat_n.values else [])
        goal, check = ("< 100 ms", lambda m, r: m < 0.1) if q == 0.95 else ("", None)
        ctx.add(Line("8", f"key to screen during refresh, p{int(q * 100)} "
                          f"({len(lat_b.values)} keys)", b, p, "newsboat reload-threads 8",
                     goal, check, note=note))  # fmt: skip


# ---------------------------------------------------------------- table


def cell(s: dict | None) -> str:
    if not s or not s["values"]:
        return "—"
    unit, vals = s["unit"], s["values"]
    m = fmt(s["median"], unit)
    if len(vals) > 1 and min(vals) != max(vals):
        return f"{m} ({fmt(min(vals), unit)}–{fmt(max(vals), unit)})"
    return m


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


def table(lines: list[dict], markdown: bool) -> str:
    """The one table, from the JSON form of the lines (so a saved run can be re-printed)."""
    head = ["#", "measure", "Byline", "peer", "peer figure", "peer/Byline", "goal", "met"]
    body = []
    for ln in lines:
        r = ln["ratio"]
        body.append(
            [
                ln["row"],
                ln["measure"],
                cell(ln["byline"]),
                ln["peer_name"],
                cell(ln["peer"]),
                f"{r:.1f}x" if r else "—",
                ln["goal"],
                ln["met"],
            ]
        )
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in body]
        return "\n".join(out)
    widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(head)]
    fmt_row = "  ".join(f"{{:{w}}}" for w in widths)
    out = [fmt_row.format(*head), fmt_row.format(*("-" * w for w in widths))]
    out += [fmt_row.format(*row) for row in body]
    return "\n".join(out)


def print_report(data: dict, markdown: bool) -> None:
    print(f"$ {data['command']}")
    print(table(data["lines"], markdown))
    seen = set()
    for ln in data["lines"]:
        if ln["note"] and (ln["row"], ln["note"]) not in seen:
            seen.add((ln["row"], ln["note"]))
            print(f"  [{ln['row']}] {ln['note']}")
    loads = data.get("raw", {}).get("loadavg_1min")
    if loads:
        worst = max(max(v) for v in loads.values())
        print(f"  machine: {data.get('cpus')} cores, 1-min load average up to {worst:.1f}")
    for e in data.get("skipped", []):
        print(f"SKIPPED {e}")
    for e in data.get("errors", []):
        print(f"ERROR {e}")


ROWS: dict[int, Callable[[Ctx], None]] = {
    1: rows_1_2,
    3: row_3,
    4: rows_4_5,
    6: row_6,
    7: row_7,
    8: row_8,
}
ALIASES = {2: 1, 5: 4}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", default="1,2,3,4,5,6,7,8", help="which rows, e.g. 1,2,4")
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
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--no-newsboat", dest="newsboat", action="store_false")
    ap.add_argument("--no-nb1", dest="nb1", action="store_false",
                    help="skip newsboat reload-threads 1 (slow: ~20 s a run)")  # fmt: skip
    ap.add_argument("--latency", default=None, help="LO,HI seconds per response")
    ap.add_argument("--feeds", type=int, default=None)
    ap.add_argument("--items", type=int, default=None)
    ap.add_argument("--hosts", type=int, default=None)
    ap.add_argument("--key-window", type=float, default=None, help="seconds of keys, row 8")
    ap.add_argument("--workdir", default=None, help="keep data here instead of a temp dir")
    ap.add_argument("--keep", action="store_true", help="do not delete the data afterwards")
    ap.add_argument("--out", default=None, help="JSON results file (default bench/results/)")
    ap.add_argument("--report", default=None, metavar="JSON", help="re-print a saved run")
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
    a.key_window = a.key_window or (1.0 if q else 2.5)
    a.server_lifetime = 600 if q else 3600
    return a


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    common.BODIES["source"] = a.bodies
    if a.report:
        print_report(json.loads(Path(a.report).read_text()), a.markdown)
        return 0
    tmp = Path(a.workdir) if a.workdir else Path(tempfile.mkdtemp(prefix="byline-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    tmux = Tmux()
    tmux.start("keepalive", "sleep 3600")  # keep one tmux server up: no server start in timings
    ctx = Ctx(a, tmp, tmux)
    log(f"work dir {tmp}; newsboat: {nbm.version() if ctx.newsboat else 'not run'}")
    started = time.time()
    try:
        done = set()
        for r in a.rows:
            fn_key = ALIASES.get(r, r)
            if fn_key in done or fn_key not in ROWS:
                continue
            done.add(fn_key)
            log(f"row {r} ...")
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
        "command": cmd,
        "started": started,
        "seconds": time.time() - started,
        "newsboat": nbm.version() if ctx.newsboat else None,
        "cpus": os.cpu_count(),
        "args": dict(vars(a)),
        "lines": [line_json(ln) for ln in ctx.lines],
        "raw": ctx.raw,
        "errors": ctx.errors,
        "skipped": ctx.skipped,
    }
    print_report(data, a.markdown)
    path = save_json(f"run-{time.strftime('%Y%m%d-%H%M%S')}.json", data, a.out)
    log(f"results in {path} ({time.time() - started:.0f} s)")
    return 1 if ctx.errors else 0


if __name__ == "__main__":
    sys.exit(main())
