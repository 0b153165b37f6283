"""Articles read as styled text, not Markdown source (issue 10, defect 9), in the app.

`## What did the commentators say?` showed its hashes: the renderer now gives text without
syntax plus its structure, the article view styles that structure from the theme, and the
quotes found index the text on screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest_app import NOW, TECH

from reader.core.config import Config, Settings
from reader.core.store import Store
from reader.core.text.parse import ParsedEntry

ARTICLE = """
<h2>What did the commentators say?</h2>
<p>Most were <em>unimpressed</em> and a few were <strong>furious</strong>.</p>
<ul><li>the budget</li><li>the timetable</li></ul>
<p>“We will be back here in the spring with the same numbers,” said Councillor Ines Okafor.</p>
<pre>total = 42</pre>
"""


@pytest.fixture
def article_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("reader.tui.format.now", lambda: NOW)
    data = tmp_path / "data"
    with Store.in_dir(data) as store:
        store.sync_feeds([TECH])
        entry = ParsedEntry(
            uid="c", title="Commentators", author="", link="https://tech.example/c",
            published=NOW - 60, content=ARTICLE,
        )  # fmt: skip
        store.store_entries(store.feed_by_url(TECH.url).id, [entry], now=NOW)
    config = Config(
        path=tmp_path / "config.toml",
        settings=Settings(refresh_on_start=False, refresh_minutes=0, theme="textual-light"),
        feeds=(TECH,),
    )

    def make():
        from reader.tui.app import BylineApp

        return BylineApp(config, data)

    return make


def _segments(article, needle: str):
    """The Rich segments drawn for the line of the article holding `needle`."""
    for strip in article._lines:
        if needle in strip.text:
            return [seg for seg in strip if seg.text.strip()]
    raise AssertionError(f"{needle!r} not drawn")


async def test_article_shows_structure_without_markdown(article_app) -> None:
    async with article_app().run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        article = pilot.app.main.article
        shown = "\n".join(article.text_lines)
        assert "What did the commentators say?" in shown
        for syntax in ("## ", "**", "_unimpressed_", "  * ", "`"):
            assert syntax not in shown, syntax
        assert "  • the budget" in shown and "  • the timetable" in shown
        heading = _segments(article, "commentators say")
        assert all(seg.style.bold for seg in heading if "commentators" in seg.text)
        line = _segments(article, "unimpressed")
        assert any(seg.text == "unimpressed" and seg.style.italic for seg in line)
        assert any(seg.text == "furious" and seg.style.bold for seg in line)
        assert not any(seg.style.italic for seg in line if "Most were" in seg.text)
        bullet = _segments(article, "the budget")
        assert bullet[0].text == "•" and bullet[0].style.color is not None
        # The quote is found on this same text and highlighted where it is.
        content = article.content
        (quote,) = [q for q in content.quotes if "back here" in q.text]
        assert content.rendered.text[quote.start : quote.end] == quote.text
        assert quote.speaker and quote.speaker.endswith("Ines Okafor")
