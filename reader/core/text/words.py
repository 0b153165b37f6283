"""Counts in words: "1 entry", "2 entries" (issue 10: "1 entries" was printed everywhere)."""

from __future__ import annotations


def count(n: int, one: str, many: str | None = None) -> str:
    """`n` (thousands grouped: "1,234") and the noun that agrees with it; `many` defaults to
    `one` + "s"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
