"""Rules and views in the app (issue 14), driven through Pilot on a real cache."""

from __future__ import annotations

from dataclasses import replace

from conftest_app import AppEnv

from reader.core.config import parse
from reader.core.rules.engine import apply_to_cache
from reader.tui.app import BylineApp, MainScreen

SIZE = (120, 40)

RULES = """
[[rules]]
match = 'title contains "chips"'
action = "highlight"

[[rules]]
match = 'title ~ "(?i)unsafe"'
action = "hide"

[[views]]
name = "Ferries and foxes"
match = 'title contains "ferry" or title contains "foxes"'
"""


def with_rules(app_env: AppEnv, text: str = RULES) -> AppEnv:
    """The fixture's cache with the rules applied, and a config that has them."""
    extra = parse(text, app_env.config.path)
    config = replace(app_env.config, rules=extra.rules, views=extra.views)
    with app_env.store() as store:
        apply_to_cache(store, config)
    return replace(app_env, config=config)


def main_of(app: BylineApp) -> MainScreen:
    assert app.main is not None
    return app.main


def list_text(main: MainScreen) -> list[str]:
    return [main.entries.render_line(y).text for y in range(main.entries.count)]


async def test_highlighted_rows_are_marked_and_hidden_rows_absent(app_env: AppEnv) -> None:
    env = with_rules(app_env)
    async with env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        lines = list_text(main)
        assert main.entries.count == 4
        assert not any("Unsafe link entry" in line for line in lines)
        chips = next(line for line in lines if "New chips" in line)
        assert chips[3] == "▌"  # before the title (column 0 is the focus outline's)
        assert all(line[3] == " " for line in lines if "New chips" not in line)
        sidebar = [str(o.prompt) for o in main.sidebar.options]
        assert any(s.startswith("Unread") and s.endswith("4") for s in sidebar)


async def test_views_in_the_sidebar_with_unread_counts(app_env: AppEnv) -> None:
    env = with_rules(app_env)
    async with env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.app.workers.wait_for_complete()  # the views' counts come from a thread
        prompts = {o.id: str(o.prompt) for o in main.sidebar.options}
        assert "Views" in [str(o.prompt) for o in main.sidebar.options if o.id is None]
        row = prompts["match:Ferries and foxes"]
        assert row.startswith("Ferries and foxes") and row.endswith(" 2")
        ids = [o.id for o in main.sidebar.options]
        main.sidebar.focus()
        main.sidebar.highlighted = ids.index("match:Ferries and foxes")
        await pilot.press("enter")
        assert main.entries.has_focus
        await pilot.app.workers.wait_for_complete()  # its rows and count come from threads
        titles = [main.entries.row(i).title for i in range(main.entries.count)]
        assert titles == ["Harbour town keeps its night ferry", "A very long read about foxes"]
        assert main.status.line.startswith("Ferries and foxes · 2 entries")
        await pilot.press("enter")  # open the first: it is read now, the count follows
        await pilot.pause()
        row = {o.id: str(o.prompt) for o in main.sidebar.options}["match:Ferries and foxes"]
        assert row.endswith(" 1")


async def test_the_article_header_names_the_other_feeds(app_env: AppEnv) -> None:
    from reader.core.text.parse import ParsedEntry

    with app_env.store() as store:  # the same story again, in another feed, tracking added
        tech = store.feed_by_url("https://tech.example/feed").id
        copy = ParsedEntry(
            "copy", "Ferry stays", link="https://world.example/ferry?utm_source=rss",
            published=1_767_220_000.0, content="<p>Same story.</p>",
        )  # fmt: skip
        store.store_entries(tech, [copy], 1_767_225_600.0)
    env = with_rules(app_env, "")
    async with env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        titles = [main.entries.row(i).title for i in range(main.entries.count)]
        assert "Ferry stays" not in titles and len(titles) == 5
        main.articles.open_entry(env.ids["ferry"])
        await pilot.pause()
        header = "\n".join(main.article.text_lines[:4])
        assert "Also in: Tech Daily" in header


async def test_a_view_shows_its_first_page_before_its_counts_are_known(
    app_env: AppEnv, monkeypatch
) -> None:
    """A [[views]] view's first page, its exact count and the sidebar's unread counts come
    from thread workers: the counts held here on an Event, the first page and the rest of the
    app are there already, with "…" for the counts; released, the counts show."""
    import threading

    from reader.core.rules import views as view_counts
    from reader.tui.widgets import entry_list

    gate = threading.Event()
    counting = {"list": 0, "sidebar": 0}
    count_view, count_unread = entry_list.count_view, view_counts.count_unread

    def held_count_view(*args):
        counting["list"] += 1
        assert gate.wait(30)
        return count_view(*args)

    def held_count_unread(*args):
        counting["sidebar"] += 1
        assert gate.wait(30)
        return count_unread(*args)

    monkeypatch.setattr(entry_list, "count_view", held_count_view)
    monkeypatch.setattr(view_counts, "count_unread", held_count_unread)
    monkeypatch.setattr(entry_list, "PAGE", 1)  # the view's 2 entries span 2 pages
    env = with_rules(app_env)
    try:
        async with env.app().run_test(size=SIZE) as pilot:
            main = main_of(pilot.app)
            prompts = {o.id: str(o.prompt) for o in main.sidebar.options}
            assert prompts["match:Ferries and foxes"].endswith(" …")
            main.sidebar.focus()
            ids = [o.id for o in main.sidebar.options]
            main.sidebar.highlighted = ids.index("match:Ferries and foxes")
            await pilot.press("enter")
            assert main.entries.has_focus
            assert main.status.line.startswith("Ferries and foxes · … entries")
            await main.entries.page_worker.wait()  # the first page (a thread too): not held
            await pilot.pause()
            assert not main.entries.count_known and main.entries.count == 1
            assert main.entries.row(0).title == "Harbour town keeps its night ferry"
            assert "Harbour town keeps its night ferry" in main.entries.render_line(0).text
            assert main.status.line.startswith("Ferries and foxes · … entries")
            assert counting == {"list": 1, "sidebar": 1}
            gate.set()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            assert main.entries.count_known and main.entries.count == 2
            assert main.entries.row(1).title == "A very long read about foxes"
            assert main.status.line.startswith("Ferries and foxes · 2 entries")
            row = {o.id: str(o.prompt) for o in main.sidebar.options}["match:Ferries and foxes"]
            assert row.endswith(" 2")
    finally:
        gate.set()
