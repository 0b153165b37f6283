"""Score article extractors on the shared corpus, side by side, to choose one by numbers.

Run: ``python bench/eval_extract.py [--repeat N] [--sweep] [--quiet]``

Corpus: ``../shared/corpus/articles/<name>/{source.html,expected.html,expected-metadata.json}``
relative to the repo root, or ``$BYLINE_CORPUS/articles``.

Metrics, per page then averaged over pages:

- text: bag-of-words precision / recall / F1 of the extracted text against the text of
  ``expected.html``. Words are ``\\w+`` runs, case-folded; overlap is multiset intersection.
- title: right when, after normalisation (NFKC, case-fold, every non-word run turned into one
  space), the two are equal or one contains the other (an empty side never contains: a page
  whose expected title is empty is right only when the extractor found none either).
- byline: same rule as title, over pages whose expected byline is non-empty (reported only).
- time: wall time of one extraction from bytes (median of ``--repeat`` runs per page),
  summarised as the median and p95 over pages. A warm-up call runs first, untimed.
"""

from __future__ import annotations

import argparse
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

from reader.core.extract import ExtractError, extract_article  # noqa: E402

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
    """The production path: reader.core.extract with its tuned trafilatura options."""
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


def score(extractor: Extractor, cases: list[Case], repeat: int) -> list[Row]:
    extractor(cases[0].source)  # warm-up: imports and lazy tables are not per-page cost
    rows = []
    for case in cases:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            out = extractor(case.source)
            times.append(time.perf_counter() - start)
        p, r, f = prf(out.text, case.expected_text)
        byline_ok = same_label(out.byline, case.byline) if case.byline else None
        title_ok = same_label(out.title, case.title)
        seconds = statistics.median(times)
        rows.append(Row(case.name, p, r, f, title_ok, byline_ok, seconds))
    return rows


def summary(rows: list[Row]) -> dict[str, float]:
    times = sorted(r.seconds for r in rows)
    bylines = [r.byline_ok for r in rows if r.byline_ok is not None]
    return {
        "P": statistics.mean(r.precision for r in rows),
        "R": statistics.mean(r.recall for r in rows),
        "F1": statistics.mean(r.f1 for r in rows),
        "title": sum(r.title_ok for r in rows) / len(rows),
        "byline": sum(bylines) / len(bylines) if bylines else 0.0,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": statistics.quantiles(times, n=20, method="inclusive")[-1] * 1000,
    }


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


def print_summary(results: dict[str, dict[str, float]], n: int) -> None:
    print(f"\n== means over {n} pages")
    print(
        f"{'library':32} {'P':>5} {'R':>5} {'F1':>5} {'title':>6} {'byline':>6} "
        f"{'med ms':>7} {'p95 ms':>7}"
    )
    for name, s in results.items():
        print(
            f"{name:32} {s['P']:5.3f} {s['R']:5.3f} {s['F1']:5.3f} {s['title']:6.0%} "
            f"{s['byline']:6.0%} {s['median_ms']:7.1f} {s['p95_ms']:7.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per page (median)")
    parser.add_argument("--sweep", action="store_true", help="also sweep trafilatura options")
    parser.add_argument("--quiet", action="store_true", help="means only, no per-page tables")
    args = parser.parse_args(argv)
    folder = corpus_dir()
    if not folder.is_dir():
        print(f"corpus not found: {folder} (set BYLINE_CORPUS)", file=sys.stderr)
        return 2
    cases = load_cases(folder)
    contenders = dict(CONTENDERS)
    if args.sweep:
        contenders |= {f"trafilatura {k}": trafilatura_with(**v) for k, v in SWEEP.items()}
    results = {}
    for name, extractor in contenders.items():
        rows = score(extractor, cases, max(1, args.repeat))
        if not args.quiet:
            print_table(name, rows)
        results[name] = summary(rows)
    print_summary(results, len(cases))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
