"""Find direct quotations in article text and say who spoke them.

Pure Python (stdlib ``re`` only) so it runs in the engine, the CLI, tests and
benchmarks alike. Two passes:

1. *Marks*: pair quotation marks across many typographic conventions (English,
   German/Polish, French/Russian, Danish, Swedish, CJK, straight ASCII) while
   never mistaking an apostrophe for a mark and never letting an unclosed mark
   run past its paragraph.
2. *Attribution*: look at the sentence around each quotation (with the text of
   every quotation masked out, so words *inside* quotes never act as cues) for
   a speech cue and the noun phrase it attaches to.

Measured with ``python bench/eval_quotes.py`` against PolNeAr annotations.

The finder costs ~0.2 s to import (its lexicon and patterns), so this package loads it on first
use: `from reader.core.quotes import extract` (or `Quote`, `label_offset`, `shows_speaker`)
imports `finder`, while the quote index, people's names and the rest import without it (a
refresh that needs no finder must not pay for it).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.core.quotes.finder import Quote, extract, label_offset, shows_speaker

__all__ = ["Quote", "extract", "label_offset", "shows_speaker", "finder_loaded"]
_FINDER = frozenset({"Quote", "extract", "label_offset", "shows_speaker"})


def __getattr__(name: str) -> Any:
    if name in _FINDER:
        from reader.core.quotes import finder

        value = getattr(finder, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def finder_loaded() -> bool:
    """Whether the finder is imported (its import may be under way in another thread: `extract`
    exists once all its own imports are done). Never loads it."""
    return hasattr(sys.modules.get("reader.core.quotes.finder"), "extract")
