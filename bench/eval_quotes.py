"""Measure ``reader.core.quotes`` against PolNeAr attribution annotations.

Run ``python bench/eval_quotes.py`` (``--errors`` lists misses and false hits).
The corpus is read from ``$BYLINE_CORPUS`` or ``../shared/corpus`` beside the repo;
nothing from it is copied into the project.

Figures (see the issue for the goals):

- precision: found quotations lying mostly (>50%) inside an annotated Content span;
- recall: annotated Content spans holding a quote mark and 3+ words that a found
  quotation overlaps;
- speaker share: found quotations given a speaker;
- speaker correct: of those lying in a Content, the share whose speaker mention
  overlaps a Source span linked to that Content;
- ms per article, median and p95 (best of three runs per article).

A naive regex extractor is measured in the same run as the peer.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reader.core.quotes import Quote, extract  # noqa: E402

_MARKS = re.compile("[“”„«»\"「」『』]|(?<!\\w)[‘']\\w")


@dataclass
class Content:
    spans: list[tuple[int, int]]
    text: str
    sources: list[tuple[int, int]] = field(default_factory=list)


def corpus_dir() -> Path:
    env = os.environ.get("BYLINE_CORPUS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "corpus"


def parse_ann(path: Path) -> list[Content]:
    """Content spans of a brat file, each with the Source spans linked to it."""
    spans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, offsets = parts[1].partition(" ")
            ranges = [tuple(int(x) for x in r.split()) for r in offsets.split(";")]
            spans[parts[0]] = (kind, ranges, parts[2] if len(parts) > 2 else "")
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(arg.split(":", 1) for arg in parts[1].split()))
    contents: dict[str, Content] = {}
    for tid, (kind, ranges, text) in spans.items():
        if kind == "Content":
            contents[tid] = Content(ranges, text)
    for ev in events:
        cid = ev.get("Content")
        if cid in contents and ev.get("Source") in spans:
            contents[cid].sources.extend(spans[ev["Source"]][1])
    return list(contents.values())


def overlap(a: int, b: int, spans: list[tuple[int, int]]) -> int:
    return sum(max(0, min(b, y) - max(a, x)) for x, y in spans)


def load() -> list[tuple[str, str, list[Content]]]:
    root = corpus_dir() / "quotes" / "polnear-dev"
    anns = sorted((root / "attributions").glob("*.ann"))
    docs = []
    for txt in sorted((root / "text").glob("*.txt")):
        mine = [a for a in anns if a.name.startswith(txt.stem + "_")]
        if mine:  # a few texts have several annotators' files: take the first
            docs.append((txt.stem, txt.read_text(encoding="utf-8"), parse_ann(mine[0])))
    return docs


_NAIVE_Q = re.compile(r"[“\"]([^”\"\n]{2,}?)[”\"]")
_NAIVE_AFTER = re.compile(
    r"^[,\s]*(?:said|says)\s+([A-Z]\w+(?:\s[A-Z]\w+)*)|^[,\s]*([A-Z]\w+|he|she)\s+(?:said|says)"
)


def naive(text: str) -> list[Quote]:
    """The peer: paired marks, speaker from `said X` / `X said` right after."""
    out = []
    for m in _NAIVE_Q.finditer(text):
        after = _NAIVE_AFTER.match(text[m.end() : m.end() + 60])
        sp = None
        if after:
            g = 1 if after.group(1) else 2
            sp = (m.end() + after.start(g), m.end() + after.end(g))
        out.append(
            Quote(
                m.start(1),
                m.end(1),
                m.group(1),
                "quote",
                text[sp[0] : sp[1]] if sp else None,
                None,
                "high",
                sp[0] if sp else None,
                sp[1] if sp else None,
            )  # fmt: skip
        )
    return out


def evaluate(fn: Callable[[str], list[Quote]], docs, errors: bool = False) -> dict[str, float]:
    found = inside = with_sp = judged = right = 0
    q_found = q_inside = 0
    targets = hit = 0
    times = []
    for name, text, contents in docs:
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            quotes = fn(text)
            best = min(best, time.perf_counter() - t0)
        times.append(best * 1000)
        for q in quotes:
            found += 1
            q_found += q.kind == "quote"
            length = max(1, q.end - q.start)
            home = next(
                (c for c in contents if overlap(q.start, q.end, c.spans) * 2 > length), None
            )
            inside += home is not None
            q_inside += home is not None and q.kind == "quote"
            if home is None and errors:
                print(f"FP {name}: {q.kind} {q.text[:70]!r}")
            if q.speaker is None:
                continue
            with_sp += 1
            if home is not None:
                judged += 1
                ok = q.speaker_start is not None and (
                    overlap(q.speaker_start, q.speaker_end, home.sources) > 0
                )
                right += ok
                if errors and not ok:
                    src = [text[a:b] for a, b in home.sources]
                    print(f"SP {name}: {q.speaker!r} [{q.cue}] want {src} :: {q.text[:50]!r}")
        for c in contents:
            if not _MARKS.search(c.text) or len(c.text.split()) < 3:
                continue
            targets += 1
            ok = any(overlap(q.start, q.end, c.spans) for q in quotes)
            hit += ok
            if errors and not ok:
                print(f"FN {name}: {c.text[:90]!r}")
    return {
        "precision": inside / max(found, 1),
        "precision (kind=quote)": q_inside / max(q_found, 1),
        "recall": hit / max(targets, 1),
        "speaker share": with_sp / max(found, 1),
        "speaker correct": right / max(judged, 1),
        "ms median": statistics.median(times),
        "ms p95": sorted(times)[int(0.95 * (len(times) - 1))],
        "found": found,
        "targets": targets,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list misses and false hits")
    args = parser.parse_args()
    if not (corpus_dir() / "quotes" / "polnear-dev").is_dir():
        print(f"corpus not found under {corpus_dir()}", file=sys.stderr)
        return 1
    docs = load()
    ours = evaluate(extract, docs, args.errors)
    peer = evaluate(naive, docs)
    goals = {"precision": 0.97, "recall": 0.90, "speaker share": 0.85, "speaker correct": 0.92}
    print(f"PolNeAr dev: {len(docs)} articles, {ours['targets']} quoted Content spans\n")
    print(f"{'metric':<24}{'byline':>10}{'naive peer':>12}{'goal':>8}")
    for key in ours:
        if key == "targets":
            continue
        a, b = ours[key], peer[key]
        fmt = "{:>10.0f}{:>12.0f}" if key == "found" else "{:>10.3f}{:>12.3f}"
        goal = f"{goals[key]:>8.2f}" if key in goals else ""
        print(f"{key:<24}" + fmt.format(a, b) + goal)
    ratio = peer["ms median"] / max(ours["ms median"], 1e-9)
    print(f"\nspeed vs peer (median): {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
