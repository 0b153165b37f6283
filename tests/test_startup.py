"""Start-up (issue 16): the first screen loads only what it shows, and draws its keys once.

Not timed: what is imported and how often the footer is rebuilt are counted instead, so the
tests hold on a loaded machine. The figures live in bench/startup.py.
"""

from __future__ import annotations

import gc
import itertools
import subprocess
import sys
import textwrap

import pytest
from conftest_app import AppEnv

from reader.cli.app import gc_paused
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
    "reader.core.feeds.fetch",
    "reader.core.text.parse",
    "reader.core.feeds.refresh",
    "reader.core.text.render",
    "reader.core.quotes",
    "reader.core.text.extract",
    "reader.core.feeds.fulltext",
    "reader.core.sync",
    "tomlkit",  # only edits of the config need it
    "reader.tui.screens.dialogs",  # dialogs: loaded when one first opens
    "webbrowser",  # opening a link
    "reader.core.rules.expr",  # the rule grammar: only a config with rules or views parses it
    "hashlib",  # content hashes: written by refreshes, not read by the first screen
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


def test_the_rule_grammar_still_checks_a_config_with_views(tmp_path) -> None:
    # Loaded lazily now: a bad expression must still be a clear error at load.
    from reader.core.config import ConfigError, load

    path = tmp_path / "config.toml"
    path.write_text('[[views]]\nname = "Long"\nmatch = "title contains"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load(path)
    assert "match" in str(err.value) and "^" in str(err.value), str(err.value)


async def test_the_app_resumes_the_collector_the_cli_paused_once_its_first_screen_is_drawn(
    app_env: AppEnv,
) -> None:
    try:
        with gc_paused():
            assert not gc.isenabled()
            async with app_env.app().run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                assert gc.isenabled(), "collection resumed after the first screen"
                assert gc.get_freeze_count() > 0, "start-up's objects are frozen, not rescanned"
    finally:
        gc.unfreeze()  # leave this test process as it was
        gc.enable()


def test_the_collector_resumes_when_the_app_ends_before_its_first_screen() -> None:
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("the app failed before drawing anything")
    assert gc.isenabled()


async def test_the_first_screen_is_styled_once_and_later_resumes_restyle_as_textual_does(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual import events
    from textual.css.stylesheet import Stylesheet

    from reader.tui.screens.main import MainScreen

    restyled: list[str] = []
    update_nodes = Stylesheet.update_nodes

    def recording(self: Stylesheet, nodes, animate: bool = False) -> None:
        nodes = list(nodes)
        restyled.extend(type(n).__name__ for n in nodes if isinstance(n, MainScreen))
        update_nodes(self, nodes, animate=animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", recording)
    async with app_env.app().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert restyled == [], "the first resume restyled the whole screen again"
        pilot.app.screen.post_message(events.ScreenResume())  # as switch_screen sends it
        await pilot.pause()
        assert restyled == ["MainScreen"], "a later resume restyles the whole screen again"


async def test_a_sidebar_of_many_feeds_adds_a_screenful_first_then_every_row(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from textual.widgets import OptionList

    from reader.core.config import FeedConfig
    from reader.tui.app import BylineApp
    from reader.tui.widgets.sidebar import FIRST_ROWS, Sidebar

    many = tuple(FeedConfig(f"https://f{i}.example/rss", f"Feed {i:03}", ()) for i in range(400))
    config = replace(app_env.config, feeds=(*app_env.config.feeds, *many))
    batches: list[int] = []
    add = OptionList.add_options

    def recording(self: OptionList, items) -> OptionList:
        items = list(items)
        if isinstance(self, Sidebar) and items:
            batches.append(len(items))
        return add(self, items)

    monkeypatch.setattr(OptionList, "add_options", recording)
    async with BylineApp(config, app_env.data_dir).run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        sidebar = pilot.app.screen.query_one(Sidebar)
        rows = [o.id for o in sidebar.options if o.id]
        assert batches[0] == FIRST_ROWS and sum(batches) == sidebar.option_count
        assert rows == list(sidebar.items) and rows[-1] == sidebar.items[rows[-1]].key
        assert sidebar.items[rows[-1]].label == "Feed 399"
        # Two rebuilds before either's tail is added: the first tail belongs to rows that are
        # gone and is dropped, so no row is added twice.
        for _ in range(2):
            sidebar.clear_options()
            sidebar.reload()
        await pilot.pause()
        assert [o.id for o in sidebar.options if o.id] == rows


async def test_an_article_opened_while_the_finder_loads_shows_at_once_then_its_quotes(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.quotes import articles
    from reader.tui.messages import FinderReady

    async with app_env.app().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        main = pilot.app.main
        # As right after start-up: the warm-up is still loading the quote finder.
        pilot.app.warming = True
        monkeypatch.setattr(articles, "finder_ready", lambda: False)
        main.articles.open_entry(app_env.ids["ferry"])
        content = main.article.content
        assert content.entry.id == app_env.ids["ferry"] and "ferry" in content.rendered.text
        assert content.quotes == [] and content.quotes_pending
        assert main.unavailable("next_quote") == "Finding the quotes in this article…"
        # The warm-up ends: the article on screen gets its quotes, where the reader is.
        monkeypatch.setattr(articles, "finder_ready", lambda: True)
        pilot.app.warming = False
        main.post_message(FinderReady())
        await pilot.pause()
        assert main.article.content is content and not content.quotes_pending
        assert any("nurses get home" in q.text for q in content.quotes)
        # Once loaded, an article has its quotes at once, as before.
        main.articles.open_entry(app_env.ids["ferry"])
        assert main.article.content.quotes and not main.article.content.quotes_pending
