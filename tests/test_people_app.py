"""The People view under Pilot (issue 15): speakers this week / all time, filter by typing,
a person's quotes, search, and enter opening the article at the quote."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest_app import AppEnv

from reader.core.quotes import index as quoteindex
from reader.tui import app as app_module
from reader.tui.app import BylineApp
from reader.tui.screens.people import PeopleScreen

SIZE = (120, 36)


def _index(app_env: AppEnv) -> None:
    with app_env.store() as store:
        quoteindex.backfill(store)


async def _open_people(pilot) -> PeopleScreen:
    await pilot.pause()
    main = pilot.app.main
    main.sidebar.select_key("people")
    main.sidebar.focus()
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PeopleScreen)
    return screen


def _rows(screen: PeopleScreen) -> list[str]:
    return [str(o.prompt) for o in screen.list.options]


async def test_people_filter_person_and_article_at_the_quote(app_env: AppEnv) -> None:
    _index(app_env)
    async with app_env.app().run_test(size=SIZE) as pilot:
        screen = await _open_people(pilot)
        # the fixture's entries are from 2026-01-01: nobody this week, everyone all time
        assert "Nobody quoted this week" in _rows(screen)[0]
        await pilot.press("ctrl+t")
        rows = _rows(screen)
        assert any("Ines Okafor" in r for r in rows), rows
        # one "high" quote each (Okafor's second is inherited: "low", not counted), by name
        assert [r.strip().split("  ")[1] for r in rows] == [
            "Ines Okafor",
            "Paul Whitcombe",
            "Tomas Reyes",
        ]
        await pilot.press(*"whit")
        assert [r.strip().split("  ")[1] for r in _rows(screen)] == ["Paul Whitcombe"]
        await pilot.press("escape")  # clears the filter first
        assert len(_rows(screen)) == len(rows)
        await pilot.press(*"okafor", "enter")
        assert screen.mode == "person" and screen.person.name == "Ines Okafor"
        # the page counts quotes as the list did (and rows apart only when some merged)
        title = str(screen.query_one("#people-title").render())
        assert title == f"Ines Okafor · {screen.person.quotes} quote, newest first", title
        assert "nurses get home" in _rows(screen)[0] and "World Wire" in _rows(screen)[0]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        main = pilot.app.main
        assert pilot.app.screen is main
        assert main.article_id == app_env.ids["ferry"]
        quote = main.article.current_quote
        assert quote is not None
        assert "nurses get home" in main.article.content.quotes[quote].text


async def test_people_search_finds_quote_text_and_speakers(app_env: AppEnv) -> None:
    _index(app_env)
    async with app_env.app().run_test(size=SIZE) as pilot:
        screen = await _open_people(pilot)
        await pilot.press("slash", *"hospital", "enter")
        assert screen.mode == "search" and len(screen.found) == 1
        assert "night shift" in _rows(screen)[0] and "Ines Okafor (uncertain)" in _rows(screen)[0]
        await pilot.press("escape")
        assert screen.mode == "people"
        await pilot.press("escape")
        assert pilot.app.screen is pilot.app.main


async def test_backfill_runs_in_the_background_and_the_view_fills(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The backfill's child process outlives the start-up timer's 1 s: a second start would
    # cancel this one (exclusive worker) before the wait below sees it finish.
    monkeypatch.setattr(app_module, "INDEX_DELAY_S", 3600)
    with app_env.store() as store:
        assert quoteindex.pending_count(store) == len(app_env.ids)
    async with app_env.app().run_test(size=SIZE) as pilot:
        pilot.app.index_quotes()
        await pilot.app.workers.wait_for_complete()
        with app_env.store() as store:
            assert quoteindex.pending_count(store) == 0
        screen = await _open_people(pilot)
        await pilot.press("ctrl+t")
        assert any("Ines Okafor" in r for r in _rows(screen))


async def test_an_entry_a_rule_hides_leaves_the_people_view(app_env: AppEnv) -> None:
    from reader.core import config as cfg
    from reader.core.rules.engine import apply_to_cache

    _index(app_env)
    rules = '[[rules]]\nmatch = \'title contains "ferry"\'\naction = "hide"\n'
    with app_env.store() as store:
        report = apply_to_cache(store, cfg.parse(rules, app_env.data_dir / "rules.toml"))
        assert report.outcomes[0].changed == {"hide": 1}
    async with app_env.app().run_test(size=SIZE) as pilot:
        screen = await _open_people(pilot)
        await pilot.press("ctrl+t")
        assert "Nobody quoted all time" in _rows(screen)[0], _rows(screen)
        await pilot.press("slash", *"hospital", "enter")
        assert screen.mode == "search" and screen.found == []


async def test_enter_right_after_fast_typing_reads_all_that_was_typed(app_env: AppEnv) -> None:
    """A paste or fast typing: the keys wait in the box's queue when enter's (priority)
    binding runs; the search and the filter still see every one of them."""
    from textual import events

    def type_fast(app, text: str) -> None:
        for ch in text:
            app.post_message(events.Key(ch, ch))
        app.post_message(events.Key("enter", "\r"))

    _index(app_env)
    async with app_env.app().run_test(size=SIZE) as pilot:
        screen = await _open_people(pilot)
        await pilot.press("slash")
        type_fast(pilot.app, "hospital")
        await pilot.pause()
        await pilot.pause()
        assert screen.mode == "search" and len(screen.found) == 1, screen.filter_box.value
        await pilot.press("escape", "ctrl+t")
        assert screen.mode == "people"
        type_fast(pilot.app, "whitcombe")
        await pilot.pause()
        await pilot.pause()
        assert screen.mode == "person" and screen.person.name == "Paul Whitcombe"
        # typed at a normal pace, a row chosen with down: enter opens that one
        await pilot.press("escape", *"o")
        names = [r.strip().split("  ")[1] for r in _rows(screen)]
        assert len(names) > 1, names
        await pilot.press("down", "enter")
        assert screen.mode == "person" and screen.person.name == names[1]


async def test_people_keys_have_ids_that_keys_overrides_reach(app_env: AppEnv) -> None:
    """Issue 22: the People view's keys are in the keymap, so `[keys]` moves them too."""
    _index(app_env)
    config = replace(app_env.config, keys={"people_span": "ctrl+w"})
    async with BylineApp(config, app_env.data_dir).run_test(size=SIZE) as pilot:
        screen = await _open_people(pilot)
        assert screen.week
        await pilot.press("ctrl+t")  # no longer bound: typed into nothing
        assert screen.week
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert not screen.week
