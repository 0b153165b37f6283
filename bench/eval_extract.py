"""Score article extractors on several sets of pages, side by side, to choose one by numbers.

Run: ``python bench/eval_extract.py [--repeat N] [--sweep] [--quiet] [--pages DIR]``

Sources of pages (a source that is absent is skipped with a note, never an error):

- ``corpus``: ``../shared/corpus/articles/<name>/{source.html,expected.html,expected-metadata.json}``
  relative to the repo root, or ``$BYLINE_CORPUS/articles`` (mozilla/readability test pages:
  the expected text is Readability.js's output).
- ``newspaper4k``: the test pages shipped in newspaper4k's source distribution on PyPI
  (``tests/data/{html,txt,metadata}``: the expected text is newspaper's own output), read
  straight from the tarball, never unpacked or copied into this repository. Get it once with
  ``pip download --no-deps --no-binary :all: -d ~/.cache/byline/bench-pages newspaper4k==0.9.6``
  (``--pages DIR`` or ``$BYLINE_BENCH_PAGES`` names another folder).

Pages are split once, by a hash of their *site* (the page's host where the source says it,
else its name), never by score: a fixed quarter of sites is held out (``held_out()``), the
rest is the development set. ``--sweep``, the tool for choosing options, scores the
development set only; every contender is reported on both, for each source and for all.

Metrics, per page then averaged over pages:

- text: bag-of-words precision / recall / F1 of the extracted text against the expected
  text. Words are ``\\w+`` runs, case-folded; overlap is multiset intersection.
- title: right when, after normalisation (NFKC, case-fold, every non-word run turned into one
  space), the two are equal or one contains the other, over pages whose expected title is
  non-empty (newspaper4k has no metadata for some pages: nothing to judge there).
- byline: same rule as title, over pages whose expected byline is non-empty (corpus only:
  newspaper4k's author lists are its own noisy guesses, "Print", "on December").
- date: the day found is within one day of the expected publication date (time zones), over
  pages whose metadata gives one.
- time: wall and CPU (thread) time of one extraction from bytes. ``--repeat`` passes over all
  pages, the contenders interleaved page by page (their order rotating), so a change in the
  shared machine's load falls on all of them alike; each pass gives a median and a p95 over
  pages (p95 interpolated, never the lower rank), printed as the median over passes with
  min–max, beside the load average before and after. A warm-up call runs first, untimed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import statistics
import sys
import tarfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import load_line, percentile  # noqa: E402
from reader.core.text.extract import ExtractError, extract_article  # noqa: E402

URL = "http://fakehost/test/page.html"  # the corpus pages were captured under this address
NEWSPAPER_SDIST = "newspaper4k-*.tar.gz"


@dataclass(frozen=True)
class Case:
    name: str
    source: bytes
    expected_text: str
    title: str | None
    byline: str | None
    date: str | None = None
    site: str = ""
    origin: str = "corpus"
    url: str = URL


@dataclass(frozen=True)
class Output:
    text: str
    title: str | None
    byline: str | None
    date: str | None = None


@dataclass(frozen=True)
class Row:
    name: str
    precision: float
    recall: float
    f1: float
    title_ok: bool | None
    byline_ok: bool | None
    seconds: float
    date_ok: bool | None = None


Extractor = Callable[..., Output]


def corpus_dir() -> Path:
    """``$BYLINE_CORPUS`` wins so CI and other checkouts can point elsewhere."""
    base = os.environ.get("BYLINE_CORPUS")
    if base:
        return Path(base) / "articles"
    # ../shared beside the checkout, or two up for a worktree under a folder of its own
    found = [p / "shared" / "corpus" for p in (ROOT.parent, ROOT.parent.parent)]
    return next((p for p in found if p.is_dir()), found[0]) / "articles"


def pages_dir(given: str | None = None) -> Path:
    """Where downloaded third-party page sets live: ``--pages``, ``$BYLINE_BENCH_PAGES``, or
    ``~/.cache/byline/bench-pages``."""
    base = given or os.environ.get("BYLINE_BENCH_PAGES")
    return Path(base).expanduser() if base else Path.home() / ".cache" / "byline" / "bench-pages"


def load_cases(folder: Path) -> list[Case]:
    """Every sub-folder of the corpus that has all three files is one case."""
    cases = []
    for page in sorted(p for p in folder.iterdir() if (p / "source.html").is_file()):
        meta = json.loads((page / "expected-metadata.json").read_text(encoding="utf-8"))
        expected = (page / "expected.html").read_text(encoding="utf-8")
        cases.append(
            Case(
                name=page.name,
                source=(page / "source.html").read_bytes(),
                expected_text=html_text(expected),
                title=meta.get("title"),
                byline=meta.get("byline"),
                date=meta.get("publishedTime"),
                site=page.name,
            )
        )
    return cases


def load_newspaper_cases(folder: Path) -> list[Case]:
    """newspaper4k's test pages with an expected text, read from its sdist tarball."""
    tarballs = sorted(folder.glob(NEWSPAPER_SDIST)) if folder.is_dir() else []
    if not tarballs:
        return []
    with tarfile.open(tarballs[-1]) as tar:
        files = {
            m.name.split("/tests/data/", 1)[1]: m
            for m in tar.getmembers()
            if "/tests/data/" in m.name
        }

        def read(key: str) -> bytes | None:
            member = files.get(key)
            handle = tar.extractfile(member) if member is not None else None
            return handle.read() if handle is not None else None

        cases = []
        for key in sorted(files):
            if not (key.startswith("html/") and key.endswith(".html")):
                continue
            name = key[5:-5]
            html, text = read(key), read(f"txt/{name}.txt")
            if html is None or text is None:
                continue
            raw_meta = read(f"metadata/{name}.json")
            meta = json.loads(raw_meta) if raw_meta else {}
            url = meta.get("url") or ""
            host = urlsplit(url).hostname or ""
            cases.append(
                Case(
                    name=f"np:{name}",
                    source=html,
                    expected_text=text.decode("utf-8"),
                    title=meta.get("title"),
                    byline=None,
                    date=meta.get("publish_date"),
                    site=host.removeprefix("www.") or name,
                    origin="newspaper4k",
                    url=url or URL,
                )
            )
        return cases


def all_cases(pages: Path | None = None) -> tuple[list[Case], list[str]]:
    """Cases of every source found, and a note per source that was not."""
    notes, cases = [], []
    folder = corpus_dir()
    if folder.is_dir():
        cases += load_cases(folder)
    else:
        notes.append(f"corpus: not found at {folder} (set BYLINE_CORPUS); skipped")
    where = pages or pages_dir()
    found = load_newspaper_cases(where)
    if found:
        cases += found
    else:
        notes.append(
            f"newspaper4k: no {NEWSPAPER_SDIST} in {where}; skipped (see --help to get it)"
        )
    return cases, notes


def held_out(site: str) -> bool:
    """A page of the held-out set: a fixed quarter of sites by hash, never by score."""
    return int(hashlib.sha1(site.encode()).hexdigest(), 16) % 4 == 0


def html_text(html: str) -> str:
    """Text nodes joined by spaces: enough for bag-of-words, and blocks never merge words."""
    if not html or not html.strip():
        return ""
    return " ".join(lxml.html.fromstring(html).itertext())


def tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.casefold()))


def prf(got: str, expected: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall, F1; an empty side scores 0 rather than dividing by 0."""
    g, e = tokens(got), tokens(expected)
    overlap = sum((g & e).values())
    p = overlap / sum(g.values()) if g else 0.0
    r = overlap / sum(e.values()) if e else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def norm(value: str | None) -> str:
    text = unicodedata.normalize("NFKC", value or "").casefold()
    return " ".join(re.sub(r"\W+", " ", text).split())


def same_label(got: str | None, expected: str | None) -> bool:
    """Equal or containing, after normalisation: sites append " | Site" to titles.

    A page without an expected title is right only when nothing was found either.
    """
    g, e = norm(got), norm(expected)
    if not e:
        return not g
    return bool(g) and (g == e or g in e or e in g)


def same_day(got: str | None, expected: str) -> bool:
    """Within a day: a page's local date and its UTC timestamp may differ by one."""
    try:
        a = dt.date.fromisoformat((got or "")[:10])
        b = dt.date.fromisoformat(expected[:10])
    except ValueError:
        return False
    return abs((a - b).days) <= 1


# --- the contenders -------------------------------------------------------------------


def byline_trafilatura(source: bytes, url: str = URL) -> Output:
    """The production path: reader.core.text.extract (trafilatura, checked, second opinion)."""
    try:
        art = extract_article(source, url)
    except ExtractError:
        return Output("", None, None)
    return Output(art.text, art.title, art.byline, art.date)


def trafilatura_with(**options: object) -> Extractor:
    """Plain trafilatura with given options, to show what each tuning choice is worth."""
    import trafilatura

    def run(source: bytes, url: str = URL) -> Output:
        doc = trafilatura.bare_extraction(source, url=url, with_metadata=True, **options)
        if doc is None:
            return Output("", None, None)
        return Output(doc.text or "", doc.title, doc.author, doc.date)

    return run


def readability_lxml(source: bytes, url: str = URL) -> Output:
    """readability-lxml as documented: summary() for the body, short_title() for the title."""
    from readability import Document

    doc = Document(source, url=url)
    html = doc.summary(html_partial=True)
    return Output(html_text(html), doc.short_title(), None)


CONTENDERS: dict[str, Extractor] = {
    "trafilatura (tuned, production)": byline_trafilatura,
    "trafilatura (defaults)": trafilatura_with(),
    "readability-lxml": readability_lxml,
}

SWEEP: dict[str, dict[str, object]] = {
    "defaults": {},
    "favor_recall": {"favor_recall": True},
    "favor_precision": {"favor_precision": True},
    "no_fallback": {"no_fallback": True},
    "precision, no comments": {"favor_precision": True, "include_comments": False},
    "precision, no tables": {"favor_precision": True, "include_tables": False},
    "precision, fast": {"favor_precision": True, "fast": True},
}


# --- running and reporting --------------------------------------------------------------

Times = dict[str, list[list[float]]]


def timings(
    contenders: dict[str, Extractor], cases: list[Case], passes: int
) -> tuple[Times, Times]:
    """Wall and CPU seconds per page, per pass, per contender; interleaved page by page."""
    names = list(contenders)
    for name in names:
        contenders[name](cases[0].source, cases[0].url)  # warm-up: imports, lazy tables
    wall: Times = {n: [] for n in names}
    cpu: Times = {n: [] for n in names}
    for k in range(passes):
        for n in names:
            wall[n].append([])
            cpu[n].append([])
        for i, case in enumerate(cases):
            shift = (i + k) % len(names)
            for n in names[shift:] + names[:shift]:
                start, start_cpu = time.perf_counter(), time.thread_time()
                contenders[n](case.source, case.url)
                cpu[n][k].append(time.thread_time() - start_cpu)
                wall[n][k].append(time.perf_counter() - start)
    return wall, cpu


def score(
    extractor: Extractor,
    cases: list[Case],
    times: list[list[float]] | None = None,
    repeat: int | None = None,
) -> list[Row]:
    """Quality of one extraction per page, with that page's median time over the passes of
    `times` (from `timings`; nan without). `repeat` is accepted from older callers and unused:
    timing is `timings`' job, interleaved across contenders."""
    rows = []
    for i, case in enumerate(cases):
        out = extractor(case.source, case.url)
        p, r, f = prf(out.text, case.expected_text)
        byline_ok = same_label(out.byline, case.byline) if case.byline else None
        date_ok = same_day(out.date, case.date) if case.date else None
        title_ok = same_label(out.title, case.title) if case.title else None
        seconds = statistics.median(t[i] for t in times) if times else float("nan")
        rows.append(Row(case.name, p, r, f, title_ok, byline_ok, seconds, date_ok))
    return rows


def _rate(values: list[bool | None]) -> float:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else float("nan")


def summary(
    rows: list[Row], times: list[list[float]] | None = None, cpu: list[list[float]] | None = None
) -> dict[str, object]:
    """Mean quality over `rows`; with `times`/`cpu`, per-pass median and p95 over pages (ms)."""
    out: dict[str, object] = {
        "pages": len(rows),
        "P": statistics.mean(r.precision for r in rows),
        "R": statistics.mean(r.recall for r in rows),
        "F1": statistics.mean(r.f1 for r in rows),
        "title": _rate([r.title_ok for r in rows]),
        "byline": _rate([r.byline_ok for r in rows]),
        "date": _rate([r.date_ok for r in rows]),
        "n_byline": sum(r.byline_ok is not None for r in rows),
        "n_date": sum(r.date_ok is not None for r in rows),
    }
    for key, series in (("", times), ("cpu_", cpu)):
        if series:
            out[f"{key}median_ms"] = [statistics.median(t) * 1000 for t in series]
            out[f"{key}p95_ms"] = [percentile(t, 0.95) * 1000 for t in series]
    return out


def ms_spread(values: list[float]) -> str:
    """median (min–max) of per-pass figures in ms."""
    m = statistics.median(values)
    if len(values) == 1:
        return f"{m:.1f}"
    return f"{m:.1f} ({min(values):.1f}–{max(values):.1f})"


def print_table(name: str, rows: list[Row]) -> None:
    print(f"\n== {name}")
    print(f"{'page':40} {'P':>5} {'R':>5} {'F1':>5} {'title':>5} {'byl':>4} {'date':>4} {'ms':>6}")
    for r in rows:
        byline = "-" if r.byline_ok is None else ("ok" if r.byline_ok else "NO")
        date = "-" if r.date_ok is None else ("ok" if r.date_ok else "NO")
        title = "-" if r.title_ok is None else ("ok" if r.title_ok else "NO")
        print(
            f"{r.name:40} {r.precision:5.2f} {r.recall:5.2f} {r.f1:5.2f} "
            f"{title:>5} {byline:>4} {date:>4} {r.seconds * 1000:6.1f}"
        )


def _pct(value: object) -> str:
    return "-" if value != value else f"{value:.0%}"  # nan: no page has one


def print_summary(results: dict[str, dict[str, dict]], passes: int, loads: list[str]) -> None:
    """Quality per set (dev, then held-out; all sources then each), then timings."""
    first = next(iter(results.values()))
    keys = [k for k in first if k != "all"]
    keys = sorted(keys, key=lambda k: (k.startswith("held_out"), k != "dev" and k != "held_out"))
    for key in [*keys, "all"]:
        label = key.replace("held_out", "held-out set").replace("dev", "dev set")
        print(f"\n== quality, {label}: means over {first[key]['pages']} pages")
        print(f"{'library':36} {'P':>5} {'R':>5} {'F1':>5} {'title':>6} {'byline':>6} {'date':>6}")
        for name, sets in results.items():
            if key in sets:
                s = sets[key]
                print(
                    f"{name:36} {s['P']:5.3f} {s['R']:5.3f} {s['F1']:5.3f} {_pct(s['title']):>6} "
                    f"{_pct(s['byline']):>6} {_pct(s['date']):>6}"
                )
    print(
        f"\n== time per page, ms, all pages: median over {passes} passes of each pass's"
        " figure (min–max across passes)"
    )
    print(f"{'library':36} {'wall median':>20} {'wall p95':>20} {'CPU median':>20} {'CPU p95':>20}")
    for name, sets in results.items():
        s = sets.get("all", {})
        if "median_ms" in s:
            print(
                f"{name:36} {ms_spread(s['median_ms']):>20} {ms_spread(s['p95_ms']):>20}"
                f" {ms_spread(s['cpu_median_ms']):>20} {ms_spread(s['cpu_p95_ms']):>20}"
            )
    print(f"machine: {loads[0]} before, {loads[1]} after")


def split_sets(cases: list[Case]) -> dict[str, list[Case]]:
    """dev / held_out over all sources, then per source when there is more than one."""
    sets = {
        "dev": [c for c in cases if not held_out(c.site)],
        "held_out": [c for c in cases if held_out(c.site)],
    }
    origins = sorted({c.origin for c in cases})
    if len(origins) > 1:
        for origin in origins:
            mine = [c for c in cases if c.origin == origin]
            sets[f"dev: {origin}"] = [c for c in mine if not held_out(c.site)]
            sets[f"held_out: {origin}"] = [c for c in mine if held_out(c.site)]
    return {k: v for k, v in sets.items() if v}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Third-party pages: pip download --no-deps --no-binary :all: "
        "-d ~/.cache/byline/bench-pages newspaper4k==0.9.6",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over all pages")
    parser.add_argument(
        "--sweep", action="store_true", help="also sweep trafilatura options (dev set only)"
    )
    parser.add_argument("--quiet", action="store_true", help="means only, no per-page tables")
    parser.add_argument("--limit", type=int, default=None, help="first N pages (smoke test)")
    parser.add_argument("--pages", default=None, help="folder of downloaded page sets")
    parser.add_argument("--only", default=None, help="one source: corpus or newspaper4k")
    args = parser.parse_args(argv)
    cases, notes = all_cases(pages_dir(args.pages))
    for note in notes:
        print(note)
    if args.only:
        cases = [c for c in cases if c.origin == args.only]
    cases = cases[: args.limit]
    if not cases:
        print("no pages found (see --help)", file=sys.stderr)
        return 2
    sets = split_sets(cases)
    held = sets.get("held_out", [])
    print(
        f"{len(cases)} pages from {len({c.site for c in cases})} sites: {len(sets['dev'])} dev, "
        f"{len(held)} held out ({', '.join(c.name for c in held) or 'none'})"
    )
    loads = [load_line()]
    passes = max(1, args.repeat)
    wall, cpu = timings(dict(CONTENDERS), cases, passes)
    results: dict[str, dict[str, dict]] = {}
    for name, extractor in CONTENDERS.items():
        rows = score(extractor, cases, wall[name])
        if not args.quiet:
            print_table(name, rows)
        results[name] = {"all": summary(rows, wall[name], cpu[name])}
        for key, part in sets.items():
            names = {c.name for c in part}
            results[name][key] = summary([r for r in rows if r.name in names])
    if args.sweep:  # choosing options: the held-out pages are never scored here
        for k, v in SWEEP.items():
            rows = score(trafilatura_with(**v), sets["dev"], [])
            results[f"sweep: {k}"] = {"dev": summary(rows)}
    loads.append(load_line())
    print_summary({k: v for k, v in results.items()}, passes, loads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
