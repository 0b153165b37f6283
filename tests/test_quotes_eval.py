"""bench/eval_quotes.py's generalisation figures (issue 30): leave-one-source-out withdraws
the speakers a rule gives only on the held-out source, and names such rules."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.eval_quotes import _p_c, judge_wild, leave_one_source_out  # noqa: E402
from reader.core.quotes import extract  # noqa: E402


def _item(source: str, text: str, quote: str, speaker: str) -> dict:
    start = text.index(quote)
    return {"source": source, "text": text, "start": start, "end": start + len(quote),
            "speaker": speaker, "is_quote": True}  # fmt: skip


def test_a_rule_of_one_source_is_withdrawn_when_that_source_is_held_out() -> None:
    said = "“We will open the bridge in May,” Mayor Ana Ruiz said."
    credit = "“Well begun is half done, so begin today.” ~ Ada Morrow\n\nMore."
    items = [
        _item("a", said, "We will open", "Ana Ruiz"),
        _item("b", said, "We will open", "Ana Ruiz"),
        _item("c", credit, "Well begun", "Ada Morrow"),  # after:credit: only source c
    ]
    rows = judge_wild(extract, items)
    assert [r["rule"] for r in rows] == ["after:np-cue", "after:np-cue", "after:credit"]
    assert all(r["right"] for r in rows)
    loso = leave_one_source_out(rows)
    assert loso["single-source rules"] == {"after:credit": "c"}
    assert _p_c(rows, high=False) == (1.0, 1.0, 3)
    assert _p_c(loso["rows"], high=False) == (1.0, 2 / 3, 2)  # precision kept, coverage lost
