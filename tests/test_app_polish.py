"""What a newcomer tripped over in the app (issue 10), each driven through Pilot."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest_app import NOW, AppEnv
from test_app_markup import screen_text

from reader.core.store import Store
from reader.core.text.parse import ParsedEntry
from reader.tui.app import BylineApp, MainScreen
from reader.tui.kinds import Mode
from reader.tui.screens.dialogs import HelpScreen, PickScreen, QuoteScreen
from reader.tui.widgets import status as status_module

SIZE = (120, 40)


def main_of(app: BylineApp) -> MainScreen:
    main = app.main
    assert main is not None
    return main


def article_lines(main: MainScreen) -> list[str]:
    return [line.strip() for line in main.article.text_lines]


def save_two_quotes(env: AppEnv) -> None:
    with env.store() as store:
        store.save_quote(
            env.ids["ferry"], "We will be back here in the spring, with the same numbers"
            " and the same questions.", "quote", 0, 10, speaker="Paul Whitcombe",
        )  # fmt: skip
        store.save_quote(env.ids["chips"], "halves the heat", "partial", 0, 5, speaker="Engineers")


async def open_quotes_view(pilot, main: MainScreen) -> None:
    main.sidebar.select_key("quotes")
    main.sidebar.focus()
    await pilot.press("enter")
    assert main.mode == Mode.QUOTES


# ---------------------------------------------------------------- 3: the footer at 80x24


async def test_footer_at_80_columns_shows_help_and_quit_whole(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        footer = screen_text(pilot.app).rstrip("\n").splitlines()[-1]
        assert "? Help" in footer and "q Close" in footer, footer  # issue 28: q closes it
        assert "palettes" not in footer


# ---------------------------------------------------------------- 4: help at 80 columns


async def test_help_at_80_columns_keeps_ids_on_their_rows_and_scrolls(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        lines = screen_text(pilot.app).splitlines()
        ids = [binding_id for _keys, _description, binding_id in screen.rows]
        shown = [i for i in ids if any(i in line for line in lines)]
        assert len(shown) >= 5
        for binding_id in shown:
            # The id shares its line with its keys or description: never alone on a line.
            line = next(line for line in lines if binding_id in line)
            assert line.replace("█", "").strip() != binding_id, line
        scroll = screen.query_one("#help-scroll")
        assert scroll.scroll_y == 0
        await pilot.press("j", "j", "j")
        assert scroll.scroll_y == 3
        await pilot.press("k")
        assert scroll.scroll_y == 2


# ---------------------------------------------------------------- 5: deleting saved quotes


async def test_delete_saved_quote_in_quotes_view_with_undo(app_env: AppEnv) -> None:
    save_two_quotes(app_env)
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await open_quotes_view(pilot, main)
        assert main.quotes_view.count == 2
        first = main.quotes_view.current
        await pilot.press("d")
        with app_env.store() as store:
            assert [q.text for q in store.saved_quotes()] == [
                q.text for q in main.quotes_view.quotes
            ]
            assert first.text not in [q.text for q in store.saved_quotes()]
        assert main.quotes_view.count == 1
        assert "1 quote" in main.status.line
        await pilot.press("u")
        with app_env.store() as store:
            assert first.text in [q.text for q in store.saved_quotes()]
        assert main.quotes_view.count == 2


async def test_delete_from_the_quote_dialog_of_a_saved_quote(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter", "right_square_bracket", "enter")
        assert isinstance(pilot.app.screen, QuoteScreen)
        await pilot.press("d")  # not saved yet: nothing to delete
        with app_env.store() as store:
            assert store.saved_quotes() == []
        await pilot.press("s")
        with app_env.store() as store:
            assert len(store.saved_quotes()) == 1
        await pilot.press("d")
        with app_env.store() as store:
            assert store.saved_quotes() == []
        await pilot.press("escape", "u")
        with app_env.store() as store:
            assert len(store.saved_quotes()) == 1
        assert main.undo_stack == []
        # d on the article's current quote, once it is saved, deletes it too.
        assert main.focused is main.article and main.article.current_quote == 0
        await pilot.press("d")
        with app_env.store() as store:
            assert store.saved_quotes() == []
        await pilot.press("d")
        assert "This quote is not saved" in main.status.line


# ---------------------------------------------------------------- 6: leaving a search


async def test_escape_clears_an_entry_search(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("slash", *"chips", "enter")
        assert main.entries.count == 1
        await pilot.press("escape")
        assert main.view.kind == "all" and main.entries.count == 5
        assert "Search" not in main.status.line


async def test_quotes_view_search_without_match_says_so(app_env: AppEnv) -> None:
    save_two_quotes(app_env)
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await open_quotes_view(pilot, main)
        await pilot.press("slash", *"zzzqq", "enter")
        prompt = str(main.quotes_view.get_option_at_index(0).prompt)
        assert "No saved quote matches “zzzqq”" in prompt
        assert "No saved quotes yet" not in prompt
        await pilot.press("escape")
        assert main.quotes_view.search == "" and main.quotes_view.count == 2


# ---------------------------------------------------------------- 10: smaller ones


async def test_status_notes_expire_and_never_overflow(app_env: AppEnv, monkeypatch) -> None:
    monkeypatch.setattr(status_module, "NOTE_SECONDS", 1.5)
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("m")
        assert "marked read" in main.status.line
        await pilot.pause(2.5)
        assert "marked read" not in main.status.line
        main.status.set_progress("refreshing 38/40 · 845 new " + "x" * 200)
        await pilot.pause()
        status_line = screen_text(pilot.app).splitlines()[-2]
        assert len(status_line.rstrip()) <= 120
        assert status_line.rstrip().endswith("…")
        assert status_line.startswith(" All · 5 entries")


async def test_quote_number_follows_a_jump_from_the_quotes_panel(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter", "right_square_bracket")
        total = len(main.article.content.quotes)
        assert f"quote 1/{total}" in main.status.line
        await pilot.press("Q")
        assert isinstance(pilot.app.screen, PickScreen)
        await pilot.press("end", "enter")
        assert f"quote {total}/{total}" in main.status.line


async def test_q_and_l_without_an_article_say_there_is_none(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        for key in ("Q", "l", "right_square_bracket"):
            await pilot.press(key)
            assert isinstance(pilot.app.screen, MainScreen)
            assert "No article open" in main.status.line, key
            assert "No quotes found" not in main.status.line
        assert main.check_action("quotes_panel", ()) is None  # the footer greys it out
        await pilot.press("enter")
        assert main.check_action("quotes_panel", ()) is True


async def test_home_end_g_and_shift_g_in_the_list(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("G")
        assert main.entries.cursor == 4
        await pilot.press("g")
        assert main.entries.cursor == 0
        await pilot.press("end")
        assert main.entries.cursor == 4
        await pilot.press("home")
        assert main.entries.cursor == 0


async def test_sidebar_toggle_is_not_tmux_prefix(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("ctrl+b")
        assert main.sidebar.display
        await pilot.press("backslash")
        assert not main.sidebar.display


async def test_focused_pane_is_marked(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter")

        def marked(widget) -> bool:
            return widget.styles.outline_left[0] not in ("", "none", "hidden")

        assert marked(main.entries) and not marked(main.article)
        await pilot.press("tab")
        assert marked(main.article) and not marked(main.entries)


def test_first_article_needs_are_warmed_off_the_main_thread(tmp_path: Path) -> None:
    """After the first screen, a worker loads the renderer and the quote finder, so the
    first enter does not pay for their import (0.27-0.32 s measured in issue 10)."""
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from conftest_app import build_cache, WORLD, TECH, BROKEN
        from reader.core.config import Config, Settings
        from reader.tui.app import BylineApp

        data = Path({str(tmp_path)!r}) / "data"
        build_cache(data)
        config = Config(Path({str(tmp_path)!r}) / "c.toml", Settings(refresh_on_start=False),
                        (WORLD, TECH, BROKEN))
        print("before", "reader.core.quotes" in sys.modules)

        async def main():
            app = BylineApp(config, data)
            async with app.run_test(size=(120, 40)) as pilot:
                await app.workers.wait_for_complete()
                await pilot.pause()
                print("loaded", "reader.core.quotes" in sys.modules, "reader.core.text.render" in sys.modules)

        asyncio.run(main())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert "before False" in out.stdout, out.stdout + out.stderr
    assert "loaded True True" in out.stdout, out.stdout + out.stderr


# ---------------------------------------------------------------- speaker labels


async def test_speaker_label_is_its_own_line_after_the_paragraph(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter")
        lines = article_lines(main)
        assert "— Treasurer Paul Whitcombe" in lines
        label = lines.index("— Treasurer Paul Whitcombe")
        assert lines[label - 1].endswith("same questions.”")
        # Never inline: no line of the text carries a label after words.
        assert not any("— " in line and not line.startswith("— ") for line in lines)
        # Okafor is named by her cue right there: no label repeats her.
        assert not any(line.startswith("— ") and "Okafor" in line for line in lines)


async def test_low_confidence_speakers_stay_out_of_the_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.config import Config, FeedConfig, Settings

    monkeypatch.setattr("reader.tui.format.now", lambda: NOW)
    feed = FeedConfig("https://x.example/rss", "X")
    html = (
        "<p>“The first quotation is long enough to count,” said Mayor Jane Doe.</p>"
        "<p>The debate went on for hours.</p>"
        "<p>“And here is another quotation nobody is named for today.”</p>"
    )
    with Store.in_dir(tmp_path / "d") as store:
        store.sync_feeds([feed])
        store.store_entries(
            store.feed_by_url(feed.url).id,
            [ParsedEntry(uid="1", title="T", published=NOW, content=html)],
            now=NOW,
        )
    config = Config(tmp_path / "c.toml", Settings(refresh_on_start=False), (feed,))
    async with BylineApp(config, tmp_path / "d").run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter")
        quotes = main.article.content.quotes
        low = [q for q in quotes if q.speaker and q.confidence == "low"]
        lines = article_lines(main)
        for quote in low:
            assert f"— {quote.speaker}" not in lines
        assert not any(line.startswith("— ") for line in lines)


async def test_quote_dialog_keeps_the_articles_own_marks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.config import Config, FeedConfig, Settings

    monkeypatch.setattr("reader.tui.format.now", lambda: NOW)
    feed = FeedConfig("https://fr.example/rss", "Fr")
    html = "<p>« Nous garderons le bac de nuit pour deux ans », a déclaré le maire Jean Dupont.</p>"
    with Store.in_dir(tmp_path / "d") as store:
        store.sync_feeds([feed])
        store.store_entries(
            store.feed_by_url(feed.url).id,
            [ParsedEntry(uid="1", title="T", published=NOW, content=html)],
            now=NOW,
        )
    config = Config(tmp_path / "c.toml", Settings(refresh_on_start=False), (feed,))
    async with BylineApp(config, tmp_path / "d").run_test(size=SIZE) as pilot:
        await pilot.press("enter", "right_square_bracket", "enter")
        screen = pilot.app.screen
        assert isinstance(screen, QuoteScreen)
        shown = str(screen.query_one("#quote-text").content)
        assert shown.startswith("«") and shown.endswith("»"), shown
        await pilot.press("y")
        assert pilot.app.clipboard.startswith("«")


async def test_a_new_sidebar_section_is_one_function(app_env: AppEnv, monkeypatch) -> None:
    """How sync/rules/people add a sidebar section (see reader/tui/widgets/sidebar.py)."""
    from reader.tui.kinds import ViewKind
    from reader.tui.widgets import sidebar as sidebar_module
    from reader.tui.widgets.sidebar import Section, SidebarItem

    def saved_tech(store) -> Section:
        return Section("Mine", [SidebarItem(ViewKind.SEARCH, "Chips, mine", 7, "chips")])

    monkeypatch.setattr(sidebar_module, "SECTIONS", [*sidebar_module.SECTIONS, saved_tech])
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        prompts = [str(o.prompt) for o in main.sidebar.options]
        assert prompts[-2].startswith("Mine") and prompts[-1].startswith("Chips, mine")
        main.sidebar.highlighted = len(prompts) - 1
        main.sidebar.focus()
        await pilot.press("enter")
        assert main.view.kind == ViewKind.SEARCH and main.entries.count == 1
