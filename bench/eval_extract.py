"""Score article extractors on the shared corpus, side by side, to choose one by numbers.

Run: ``python bench/eval_extract.py [--repeat N] [--sweep] [--quiet]``

Pages are split once, by a hash of their folder name (not by score), into a tuning set
(~3/4) and a held-out set (~1/4, ``held_out()``): ``--sweep``, the tool for choosing
options, scores the tuning set only, and every contender is reported on both sets. The
production options were chosen on all 32 pages before this split existed (2026-11), so the
held-out figures guard future tuning; they are not an unseen test of today's choice.

Corpus: ``../shared/corpus/articles/<name>/{source.html,expected.html,expected-metadata.json}``
relative to the repo root, or ``$BYLINE_CORPUS/articles``.

Metrics, per page then averaged over pages:

- text: bag-of-words precision / recall / F1 of the extracted text against the text of
  ``expected.html``. Words are ``\\w+`` runs, case-folded; overlap is multiset intersection.
- title: right when, after normalisation (NFKC, case-fold, every non-word run turned into one
  space), the two are equal or one contains the other (an empty side never contains: a page
  whose expected title is empty is right only when the extractor found none either).
- byline: same rule as title, over pages whose expected byline is non-empty (reported only).
- time: wall time of one extraction from bytes. ``--repeat`` passes over all pages, the
  contenders interleaved page by page (their order rotating), so a change in the shared
  machine's load falls on all of them alike; each pass gives a median and a p95 over pages
  (p95 interpolated, never the lower rank), printed as the median over passes with min–max
  and n, beside the load average before and after. A warm-up call runs first, untimed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import load_line, percentile  # noqa: E402
from reader.core.text.extract import ExtractError, extract_article  # noqa: E402

URL = "http://fakehost/test/page.html"  # the corpus pages were captured under this address


@dataclass(frozen=True)
class Case:
    name: str
    source: bytes
    expected_text: str
    title: str | None
    byline: str | None


@dataclass(frozen=True)
class Output:
    text: str
    title: str | None
    byline: str | None


@dataclass(frozen=True)
class Row:
    name: str
    precision: float
    recall: float
    f1: float
    title_ok: bool
    byline_ok: bool | None
    seconds: float


Extractor = Callable[[bytes], Output]


def corpus_dir() -> Path:
    """``$BYLINE_CORPUS`` wins so CI and other checkouts can point elsewhere."""
    base = os.environ.get("BYLINE_CORPUS")
    root = Path(base) if base else ROOT.parent / "shared" / "corpus"
    return root / "articles"


def load_cases(folder: Path) -> list[Case]:
    """Every sub-folder that has all three files is one case."""
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
            )
        )
    return cases


def held_out(name: str) -> bool:
    """A page of the held-out set: a fixed quarter of pages by hash, never by score."""
    return int(hashlib.sha1(name.encode()).hexdigest(), 16) % 4 == 0


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


# --- the contenders -------------------------------------------------------------------


def byline_trafilatura(source: bytes) -> Output:
    """The production path: reader.core.text.extract with its tuned trafilatura options."""
    try:
        art = extract_article(source, URL)
    except ExtractError:
        return Output("", None, None)
    return Output(art.text, art.title, art.byline)


def trafilatura_with(**options: object) -> Extractor:
    """Plain trafilatura with given options, to show what each tuning choice is worth."""
    import trafilatura

    def run(source: bytes) -> Output:
        doc = trafilatura.bare_extraction(source, url=URL, with_metadata=True, **options)
        if doc is None:
            return Output("", None, None)
        return Output(doc.text or "", doc.title, doc.author)

    return run


def readability_lxml(source: bytes) -> Output:
    """readability-lxml as documented: summary() for the body, short_title() for the title."""
    from readability import Document

    doc = Document(source, url=URL)
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


def timings(
    contenders: dict[str, Extractor], cases: list[Case], passes: int
) -> dict[str, list[list[float]]]:
    """Seconds per page, per pass, per contender; contenders interleaved page by page."""
    names = list(contenders)
    for name in names:
        contenders[name](cases[0].source)  # warm-up: imports and lazy tables are not per-page
    out: dict[str, list[list[float]]] = {n: [] for n in names}
    for k in range(passes):
        for n in names:
            out[n].append([])
        for i, case in enumerate(cases):
            shift = (i + k) % len(names)
            for n in names[shift:] + names[:shift]:
                start = time.perf_counter()
                contenders[n](case.source)
                out[n][k].append(time.perf_counter() - start)
    return out


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
        out = extractor(case.source)
        p, r, f = prf(out.text, case.expected_text)
        byline_ok = same_label(out.byline, case.byline) if case.byline else None
        title_ok = same_label(out.title, case.title)
        seconds = statistics.median(t[i] for t in times) if times else float("nan")
        rows.append(Row(case.name, p, r, f, title_ok, byline_ok, seconds))
    return rows


def summary(rows: list[Row], times: list[list[float]] | None = None) -> dict[str, object]:
    """Mean quality over `rows`; with `times`, the per-pass median and p95 over pages (ms)."""
    bylines = [r.byline_ok for r in rows if r.byline_ok is not None]
    out: dict[str, object] = {
        "pages": len(rows),
        "P": statistics.mean(r.precision for r in rows),
        "R": statistics.mean(r.recall for r in rows),
        "F1": statistics.mean(r.f1 for r in rows),
        "title": sum(r.title_ok for r in rows) / len(rows),
        "byline": sum(bylines) / len(bylines) if bylines else 0.0,
    }
    if times:
        out["median_ms"] = [statistics.median(t) * 1000 for t in times]
        out["p95_ms"] = [percentile(t, 0.95) * 1000 for t in times]
    return out


def ms_spread(values: list[float]) -> str:
    """median (min–max) of per-pass figures in ms."""
    m = statistics.median(values)
    if len(values) == 1:
        return f"{m:.1f}"
    return f"{m:.1f} ({min(values):.1f}–{max(values):.1f})"


def print_table(name: str, rows: list[Row]) -> None:
    print(f"\n== {name}")
    print(f"{'page':40} {'P':>5} {'R':>5} {'F1':>5} {'title':>5} {'byl':>4} {'ms':>6}")
    for r in rows:
        byline = "-" if r.byline_ok is None else ("ok" if r.byline_ok else "NO")
        title = "ok" if r.title_ok else "NO"
        print(
            f"{r.name:40} {r.precision:5.2f} {r.recall:5.2f} {r.f1:5.2f} "
            f"{title:>5} {byline:>4} {r.seconds * 1000:6.1f}"
        )


def print_summary(results: dict[str, dict[str, dict]], passes: int, loads: list[str]) -> None:
    """Quality per set (tuning / held-out / all), then timings over all pages."""
    for key, label in (("tuning", "tuning set"), ("held_out", "held-out set"), ("all", "all")):
        first = next(iter(results.values()))
        if key not in first:
            continue
        print(f"\n== quality, {label}: means over {first[key]['pages']} pages")
        print(f"{'library':36} {'P':>5} {'R':>5} {'F1':>5} {'title':>6} {'byline':>6}")
        for name, sets in results.items():
            if key in sets:
                s = sets[key]
                print(
                    f"{name:36} {s['P']:5.3f} {s['R']:5.3f} {s['F1']:5.3f} {s['title']:6.0%} "
                    f"{s['byline']:6.0%}"
                )
    print(
        f"\n== time per page, ms, all pages: median over {passes} passes of each pass's"
        " figure (min–max across passes)"
    )
    print(f"{'library':36} {'median over pages':>24} {'p95 over pages':>24}")
    for name, sets in results.items():
        s = sets.get("all", {})
        if "median_ms" in s:
            print(f"{name:36} {ms_spread(s['median_ms']):>24} {ms_spread(s['p95_ms']):>24}")
    print(f"machine: {loads[0]} before, {loads[1]} after")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over all pages")
    parser.add_argument(
        "--sweep", action="store_true", help="also sweep trafilatura options (tuning set only)"
    )
    parser.add_argument("--quiet", action="store_true", help="means only, no per-page tables")
    parser.add_argument("--limit", type=int, default=None, help="first N pages (smoke test)")
    args = parser.parse_args(argv)
    folder = corpus_dir()
    if not folder.is_dir():
        print(f"corpus not found: {folder} (set BYLINE_CORPUS)", file=sys.stderr)
        return 2
    cases = load_cases(folder)[: args.limit]
    tuning = [c for c in cases if not held_out(c.name)]
    held = [c for c in cases if held_out(c.name)]
    print(
        f"{len(cases)} pages: {len(tuning)} tuning, {len(held)} held out "
        f"({', '.join(c.name for c in held) or 'none'})"
    )
    loads = [load_line()]
    passes = max(1, args.repeat)
    times = timings(dict(CONTENDERS), cases, passes)
    results: dict[str, dict[str, dict]] = {}
    for name, extractor in CONTENDERS.items():
        rows = score(extractor, cases, times[name])
        if not args.quiet:
            print_table(name, rows)
        results[name] = {"all": summary(rows, times[name])}
        for key, part in (("tuning", tuning), ("held_out", held)):
            chosen = [r for r in rows if any(r.name == c.name for c in part)]
            if chosen:
                results[name][key] = summary(chosen)
    if args.sweep:  # choosing options: the held-out pages are never scored here
        for k, v in SWEEP.items():
            rows = score(trafilatura_with(**v), tuning, [])
            results[f"sweep: {k}"] = {"tuning": summary(rows)}
    loads.append(load_line())
    print_summary(results, passes, loads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
