"""Start-up (issue 16): the first screen loads only what it shows, and draws its keys once.

Not timed: what is imported and how often the footer is rebuilt are counted instead, so the
tests hold on a loaded machine. The figures live in bench/startup.py.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap

import pytest
from conftest_app import AppEnv

from reader.tui.widgets.footer import KeyFooter

# What the first screen never needs: network, parsing, article rendering, quotes, sync.
NOT_AT_START = (
    "httpx",
    "httpcore",
    "feedparser",
    "lxml",
    "trafilatura",
    "html2text",
    "sqlite_utils",
    "reader.core.fetch",
    "reader.core.parse",
    "reader.core.refresh",
    "reader.core.render",
    "reader.core.quotes",
    "reader.core.extract",
    "reader.core.fulltext",
    "reader.core.sync",
    "tomlkit",  # only edits of the config need it
)


def test_the_app_module_imports_nothing_the_first_screen_does_not_use() -> None:
    script = textwrap.dedent(
        f"""
        import sys
        import reader.tui.app
        names = {NOT_AT_START!r}
        print(sorted(n for n in sys.modules if n in names or n.split(".")[0] in names))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


async def test_the_footer_is_rebuilt_only_when_its_keys_change(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the footer showed at each rebuild: background work may change the keys (and then
    # a rebuild is right), but two rebuilds in a row must never draw the same keys.
    drawn: list[tuple] = []
    rebuild = KeyFooter.recompose

    async def recording(self: KeyFooter) -> None:
        drawn.append(self.shown())
        await rebuild(self)

    monkeypatch.setattr(KeyFooter, "recompose", recording)
    async with app_env.app().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        footer = pilot.app.screen.query_one(KeyFooter)
        for _ in range(5):  # what focus and screen-stack changes do
            pilot.app.screen.refresh_bindings()
            await pilot.pause()
        await pilot.press("question_mark")  # another screen, then back: same keys again
        await pilot.press("escape")
        first = footer.shown()
        await pilot.press("slash")  # the search box has keys of its own
        await pilot.pause()
        assert footer.shown() != first
        assert drawn, "the footer was drawn"
        assert all(a != b for a, b in itertools.pairwise(drawn)), drawn
        labels = [str(key.description) for key in footer.query("FooterKey")]
        assert labels == [entry[2] for entry in footer.shown()]
