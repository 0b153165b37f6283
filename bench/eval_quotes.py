"""Measure ``reader.core.quotes`` on real feeds (wild-dev, wild-dev2) and on PolNeAr (dev).

Run ``python bench/eval_quotes.py`` (``--errors`` lists the remaining wild errors grouped
by family, ``--polnear-errors`` PolNeAr's misses and false hits, ``--half A|B`` scores one half
of wild-dev only, ``--set dev|dev2|both`` which wild set). The corpus is read from
``$BYLINE_CORPUS`` or ``../shared/corpus`` beside the repo; nothing from it is copied into the
project.

wild-dev2 (``quotes/wild-dev2.json``, 300 quotations from 2011 blogs and news feeds, labelled by
the same rules) is scored the same way; the rules were never written for it, so it is the
held-out figure. Then, over both wild sets pooled, **generalisation**: precision and coverage
in-sample and leave-one-source-out (a source is a feed). A rule engine has no weights to refit,
so "trained on every source but one" means: a rule (``Quote.rule``, the construction in
``attribution.py`` that named the speaker, or ``inherit``) counts as learnt for the held-out
source only if it also names a speaker on another source; its speakers on a source it alone
serves are withdrawn, then the source is scored. The rules that fire on one source only,
per-source precision and precision by rule are printed too. Both for all speakers and for the
shown ("high") ones.

wild-dev (``quotes/wild-dev.json``, 240 labelled quotations from the 40 corpus feeds), scored
as issue 11 defines it: a found quote overlapping the labelled span by more than half of the
span stands for it; its speaker is right when it shares a content word with the label
(case-folded, without titles, pronouns and stop words).

- precision: right / speakers given (a speaker on a "NONE" item is wrong; "UNSURE" items
  are not judged);
- coverage: right / items labelled with a name;
- detection: of the labelled spans still found as kind "quote", the share that are real
  quotations (``is_quote``);
- by confidence: the precision of "high" and of "low" speakers.

The halves for a held-out check split wild-dev by feed: A is TIME's world feed (120 items),
B the 16 other feeds (120 items: The Week, 404 Media, personal and tech blogs).

PolNeAr dev:

- precision: found quotations lying mostly (>50%) inside an annotated Content span;
- recall: annotated Content spans holding a quote mark and 3+ words that a found
  quotation overlaps;
- speaker share: found quotations given a speaker;
- speaker correct: of those lying in a Content, the share whose speaker mention
  overlaps a Source span linked to that Content;
- ms per article, median and p95: CPU time of this process (`time.process_time`, best of
  three runs per article), so a loaded machine inflates it less than wall time would.

A naive regex extractor is measured in the same run as the peer.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import percentile  # noqa: E402
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
    by_conf = {"high": [0, 0], "low": [0, 0]}
    q_found = q_inside = 0
    targets = hit = 0
    times = []
    for name, text, contents in docs:
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            quotes = fn(text)
            best = min(best, time.process_time() - t0)
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
                tally = by_conf.setdefault(q.confidence, [0, 0])
                tally[0] += 1
                tally[1] += ok
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
        "correct if high": by_conf["high"][1] / max(by_conf["high"][0], 1),
        "correct if low": by_conf["low"][1] / max(by_conf["low"][0], 1),
        "ms median": statistics.median(times),
        "ms p95": percentile(times, 0.95),  # interpolated, not the lower rank
        "load avg (1 min)": os.getloadavg()[0],  # a shared machine: timings move with it
        "found": found,
        "targets": targets,
    }


# -- wild-dev: real feeds --------------------------------------------------------


def _wordset(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


#: Words that never decide whether a speaker matches its label.
_NOT_CONTENT = _wordset(
    """the a an of and or in on at to for with by from as is are be was were it its this that
    mr mrs ms dr prof sir dame lord president minister prime secretary senator sen rep gov
    governor chancellor king queen pope chief former new he she they we i you him her them us
    me his hers their our my your who which spokesperson spokesman spokeswoman"""
)
_PRONOUNS = _wordset("i you we he she it they him her them us me who which this that")
#: Feed of half A (TIME world: 120 items); half B is every other feed (120 items).
HALF_A = frozenset({"9f9555d69283aeda.xml"})


def content_words(s: str) -> set[str]:
    return {w for w in re.findall(r"\w+", s.casefold()) if w not in _NOT_CONTENT}


def speaker_right(speaker: str, label: str) -> bool:
    return label not in ("NONE", "UNSURE") and bool(content_words(speaker) & content_words(label))


def load_wild(half: str | None = None, name: str = "wild-dev.json") -> list[dict]:
    items = json.loads((corpus_dir() / "quotes" / name).read_text(encoding="utf-8"))
    for it in items:
        it["source"] = f"{name.removesuffix('.json')}/{it['feed']}"
    if half == "A":
        items = [it for it in items if it["feed"] in HALF_A]
    elif half == "B":
        items = [it for it in items if it["feed"] not in HALF_A]
    return items


def standing(quotes: list[Quote], a: int, b: int) -> Quote | None:
    """The found quote that stands for the labelled span [a, b): overlap > half of it."""
    for q in quotes:
        if (min(q.end, b) - max(q.start, a)) * 2 > b - a:
            return q
    return None


def wrong_family(speaker: str, label: str, is_quote: bool) -> str:
    """Name the family of a wrong speaker from its shape, so --errors groups like with like."""
    if label == "NONE":
        if not is_quote:
            return "speaker on a non-quotation (title, term, code string, scare quote)"
        return "speaker on words the text gives nobody"
    words = speaker.split()
    if speaker.casefold() in _PRONOUNS:
        return "unresolved pronoun as speaker"
    if re.search(r"[’']s\b", speaker):
        return "possessive fragment as speaker"
    if len(words) >= 3 and all(w[:1].isupper() for w in words if w.casefold() not in _NOT_CONTENT):
        return "Title Case run (headline, product) as speaker"
    if len(words) == 1 and speaker[:1].isupper():
        return "single capitalised word: wrong person or not a person"
    return "wrong person or phrase"


def judge_wild(fn: Callable[[str], list[Quote]], items: list[dict]) -> list[dict]:
    """Each labelled item with the speaker given, its confidence, its rule and whether it
    is right: the raw rows the per-source and leave-one-source-out figures are made of."""
    cache: dict[str, list[Quote]] = {}
    rows = []
    for it in items:
        text = it["text"]
        if text not in cache:
            cache[text] = fn(text)
        q = standing(cache[text], it["start"], it["end"])
        label = it["speaker"]
        given = q is not None and bool(q.speaker) and label != "UNSURE"
        rows.append(
            {
                "source": it["source"],
                "named": label not in ("NONE", "UNSURE"),
                "given": given,
                "right": given and speaker_right(q.speaker, label),
                "high": given and q.confidence == "high",
                "rule": (q.rule or "?") if given else "",
            }
        )
    return rows


def _p_c(rows: list[dict], high: bool) -> tuple[float, float, int]:
    """Precision, coverage and speakers given over ``rows`` (all, or "high" only)."""
    given = [r for r in rows if r["given"] and (r["high"] or not high)]
    right = sum(r["right"] for r in given)
    named = sum(r["named"] for r in rows)
    return right / max(len(given), 1), right / max(named, 1), len(given)


def leave_one_source_out(rows: list[dict]) -> dict:
    """A rule engine has no weights to refit, so "trained on the other sources" means: a
    rule (a construction in ``attribution.py``) counts as learnt for a held-out source only
    if it also gives a speaker on some other source. Speakers the held-out source gets from
    a rule nothing else uses are withdrawn (an abstention), then the source is scored.
    A rule written for one feed shows as a drop here; the rules seen on one source only
    are listed."""
    sources_of: dict[str, set[str]] = {}
    for r in rows:
        if r["given"]:
            sources_of.setdefault(r["rule"], set()).add(r["source"])
    held = []
    for r in rows:
        lonely = r["given"] and sources_of[r["rule"]] == {r["source"]}
        held.append(dict(r, given=False, right=False, high=False) if lonely else r)
    singles = {rule: next(iter(srcs)) for rule, srcs in sources_of.items() if len(srcs) == 1}
    return {"rows": held, "single-source rules": singles}


def print_generalisation(rows: list[dict], title: str) -> None:
    """In-sample against leave-one-source-out, all speakers and shown ("high") ones, and
    per-source precision (the sources where the rules do worst first)."""
    loso = leave_one_source_out(rows)
    print(f"{title}: {len({r['source'] for r in rows})} sources, {len(rows)} items\n")
    print(f"{'':<28}{'precision':>10}{'coverage':>10}{'given':>7}")
    for label, rs in (("in-sample", rows), ("leave-one-source-out", loso["rows"])):
        for high in (False, True):
            p, c, n = _p_c(rs, high)
            name = f"{label} ({'high' if high else 'all'})"
            print(f"{name:<28}{p:>10.3f}{c:>10.3f}{n:>7}")
    singles = loso["single-source rules"]
    print(
        "rules firing on one source only: "
        + (", ".join(f"{k} ({v})" for k, v in singles.items()) or "none")
    )
    per: dict[str, list[dict]] = {}
    for r in rows:
        per.setdefault(r["source"], []).append(r)
    scored = sorted(
        ((_p_c(rs, False), src) for src, rs in per.items() if _p_c(rs, False)[2]),
        key=lambda t: (t[0][0], -t[0][2]),
    )
    worst = [f"{src} {p:.2f} ({n})" for (p, _, n), src in scored if p < 1.0]
    share = sum(1 for (p, _, _), _ in scored if p == 1.0)
    print(
        f"per-source precision: {share}/{len(scored)} sources at 1.00; below: " + ", ".join(worst)
    )
    by_rule: dict[str, list[int]] = {}
    for r in rows:
        if r["given"]:
            t = by_rule.setdefault(r["rule"], [0, 0, 0])
            t[0] += 1
            t[1] += r["right"]
    srcs = {k: len({r["source"] for r in rows if r["given"] and r["rule"] == k}) for k in by_rule}
    print(
        "by rule (right/given, sources): "
        + ", ".join(
            f"{k} {v[1]}/{v[0]} ({srcs[k]})"
            for k, v in sorted(by_rule.items(), key=lambda kv: -kv[1][0])
        )
    )
    print()


def evaluate_wild(
    fn: Callable[[str], list[Quote]], items: list[dict], errors: bool = False
) -> dict[str, float]:
    """Precision, coverage and detection on wild-dev as issue 11 defines them."""
    cache: dict[str, list[Quote]] = {}
    times = []
    given = right = named = as_quote = real = 0
    conf = {"high": [0, 0], "low": [0, 0]}
    families: dict[str, list[str]] = {}

    def err(family: str, it: dict, q: Quote | None) -> None:
        said = f"{q.speaker!r} [{q.confidence}, cue {q.cue!r}]" if q and q.speaker else "-"
        kind = q.kind if q else "not found"
        line = (
            f"#{it['id']:<3} {kind:<9} want {it['speaker']!r:<22} got {said}  "
            f":: {it['quote'][:60]!r}"
        )
        families.setdefault(family, []).append(line)

    for it in items:
        text = it["text"]
        if text not in cache:
            best = float("inf")
            for _ in range(3):
                t0 = time.process_time()
                cache[text] = fn(text)
                best = min(best, time.process_time() - t0)
            times.append(best * 1000)
        q = standing(cache[text], it["start"], it["end"])
        label = it["speaker"]
        if label not in ("NONE", "UNSURE"):
            named += 1
        if q is not None and q.kind == "quote":
            as_quote += 1
            real += bool(it["is_quote"])
            if not it["is_quote"]:
                err("non-quotation found as kind quote (detection)", it, q)
        ok = False
        if q is not None and q.speaker and label != "UNSURE":
            given += 1
            ok = speaker_right(q.speaker, label)
            right += ok
            tally = conf.setdefault(q.confidence, [0, 0])
            tally[0] += 1
            tally[1] += ok
            if not ok:
                err("wrong speaker: " + wrong_family(q.speaker, label, it["is_quote"]), it, q)
        if label not in ("NONE", "UNSURE") and not ok and not (q is not None and q.speaker):
            if q is None:
                err("missed speaker: quotation not found", it, q)
            else:
                err("missed speaker: found, no speaker given", it, q)
    if errors:
        for family, lines in sorted(families.items(), key=lambda kv: -len(kv[1])):
            print(f"\n== {family} ({len(lines)})")
            for line in lines:
                print("  " + line)
        print()
    return {
        "precision": right / max(given, 1),
        "coverage": right / max(named, 1),
        "detection": real / max(as_quote, 1),
        "high precision": conf["high"][1] / max(conf["high"][0], 1),
        "low precision": conf["low"][1] / max(conf["low"][0], 1),
        "ms median": statistics.median(times) if times else 0.0,
        "ms p95": percentile(times, 0.95) if times else 0.0,  # interpolated, not the lower rank
        "given": given,
        "right": right,
        "named": named,
        "high given": conf["high"][0],
        "low given": conf["low"][0],
        "items": len(items),
    }


def print_wild(items: list[dict], errors: bool, label: str, coverage_goal: float = 0.60) -> None:
    ours = evaluate_wild(extract, items, errors)
    peer = evaluate_wild(naive, items)
    goals = {
        "precision": 0.95,
        "coverage": coverage_goal,
        "detection": 0.95,
        "high precision": 0.95,
    }
    print(f"{label}: {ours['items']} labelled quotations, {ours['named']} with a speaker\n")
    print(f"{'metric':<24}{'byline':>10}{'naive peer':>12}{'goal':>8}")
    for key in ours:
        if key == "items":
            continue
        a, b = ours[key], peer[key]
        fmt = "{:>10.3f}{:>12.3f}" if isinstance(a, float) else "{:>10.0f}{:>12.0f}"
        goal = f"{goals[key]:>8.2f}" if key in goals else ""
        print(f"{key:<24}" + fmt.format(a, b) + goal)
    print()


def print_polnear(errors: bool) -> None:
    docs = load()
    ours = evaluate(extract, docs, errors)
    peer = evaluate(naive, docs)
    goals = {"precision": 0.97, "recall": 0.95, "speaker share": 0.85, "speaker correct": 0.93}
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="wild-dev errors by family")
    parser.add_argument("--polnear-errors", action="store_true", help="PolNeAr misses, false hits")
    parser.add_argument("--half", choices=("A", "B"), help="score one half of wild-dev only")
    parser.add_argument("--wild-only", action="store_true", help="skip PolNeAr")
    parser.add_argument(
        "--set", choices=("dev", "dev2", "both"), default="both", help="which wild set(s) to score"
    )
    args = parser.parse_args()
    root = corpus_dir() / "quotes"
    if not (root / "polnear-dev").is_dir() or not (root / "wild-dev.json").is_file():
        print(f"corpus not found under {corpus_dir()}", file=sys.stderr)
        return 1
    everything: list[dict] = []
    if args.set in ("dev", "both"):
        dev = load_wild(args.half)
        print_wild(dev, args.errors, "wild-dev" + (f" half {args.half}" if args.half else ""))
        everything += dev
    if args.set in ("dev2", "both") and (root / "wild-dev2.json").is_file():
        dev2 = load_wild(name="wild-dev2.json")
        print_wild(dev2, args.errors, "wild-dev2 (held out)", coverage_goal=0.40)
        everything += dev2
    rows = judge_wild(extract, everything)
    print_generalisation(rows, "generalisation over the wild sets")
    if not args.wild_only:
        print_polnear(args.polnear_errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
