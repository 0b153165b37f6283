"""Counts in words: "1 entry", "2 entries" (issue 10: "1 entries" was printed everywhere)."""

from __future__ import annotations


def count(n: int, one: str, many: str | None = None, *, grouped: bool = False) -> str:
    """`n` and the noun that agrees with it; `many` defaults to `one` + "s". `grouped`
    writes thousands as the app's status line does ("1,234"); the CLI's output does not."""
    number = f"{n:,}" if grouped else str(n)
    return f"{number} {one if n == 1 else (many or one + 's')}"
