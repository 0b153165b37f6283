"""The reading app driven through Pilot on a real cache (see conftest_app.py)."""

from __future__ import annotations

import ast
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest_app import NOW, AppEnv
from textual.widgets import OptionList

from reader.core.quotes.textfragment import text_fragment_url
from reader.core.store import FullText, View
from reader.tui.app import BylineApp, MainScreen
from reader.tui.keymap import DEFAULT_KEYS, KeymapError
from reader.tui.screens.dialogs import FeedStatusScreen, HelpScreen, PickScreen, QuoteScreen
from reader.tui.screens.people import PeopleScreen

SIZE = (120, 40)


def main_of(app: BylineApp) -> MainScreen:
    main = app.main
    assert main is not None
    return main


def list_text(main: MainScreen) -> list[str]:
    entries = main.entries
    return [entries.render_line(y).text for y in range(entries.size.height)]


def article_text(main: MainScreen) -> str:
    return "\n".join(main.article.text_lines)


def status_text(main: MainScreen) -> str:
    return main.status.line


def row_titles(main: MainScreen) -> list[str]:
    return [main.entries.row(i).title for i in range(main.entries.count)]


async def test_main_screen_lists_newest_first(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        assert main.entries.count == 5
        titles = row_titles(main)
        assert titles[0] == "Harbour town keeps its night ferry"
        assert titles[1] == "New chips promise cooler laptops"
        lines = list_text(main)
        assert "Harbour town keeps its night ferry" in lines[0]
        assert "World Wire" in lines[0] and "1h" in lines[0] and "●" in lines[0]
        assert "All · 5 entries" in status_text(main)
        sidebar = [str(o.prompt) for o in main.sidebar.options]
        assert any(s.startswith("Unread") and s.endswith("5") for s in sidebar)
        assert any("World Wire" in s for s in sidebar) and any("# tech" in s for s in sidebar)
        assert any("Feed problems" in s for s in sidebar)


async def test_move_open_marks_read(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("j", "down", "k")
        assert main.entries.cursor == 1
        await pilot.press("enter")
        assert main.article_id == app_env.ids["chips"]
        assert "New chips promise cooler laptops" in article_text(main)
        assert "halves the heat" in article_text(main)
        with app_env.store() as store:
            assert store.entry(app_env.ids["chips"]).read
            assert store.entry(app_env.ids["ferry"]).read is False
        assert "●" not in list_text(main)[1]
        # Sidebar counts follow.
        assert any(str(o.prompt).startswith("Unread") and str(o.prompt).endswith("4")
                   for o in main.sidebar.options)  # fmt: skip


async def test_mark_read_on_open_off(app_env: AppEnv) -> None:
    async with app_env.app(mark_read_on_open=False).run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        with app_env.store() as store:
            assert not store.entry(app_env.ids["ferry"]).read


async def test_space_pages_article(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("j", "j", "enter")
        assert main.article_id == app_env.ids["long"]
        assert main.article.scroll_offset.y == 0
        await pilot.press("space")
        await pilot.pause()
        first = main.article.scroll_offset.y
        assert first > 10
        await pilot.press("pagedown")
        await pilot.pause()
        assert main.article.scroll_offset.y > first
        await pilot.press("b")
        await pilot.pause()
        assert main.article.scroll_offset.y == first


async def test_next_and_previous_unread(app_env: AppEnv) -> None:
    with app_env.store() as store:
        store.set_read([app_env.ids["chips"]], True)
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter")  # ferry
        await pilot.press("n")  # chips is read: skip to long
        assert main.article_id == app_env.ids["long"]
        assert main.entries.current.id == app_env.ids["long"]
        await pilot.press("n")
        assert main.article_id == app_env.ids["hostile"]
        with app_env.store() as store:
            store.set_read([app_env.ids["long"]], False)
        await pilot.press("p")
        assert main.article_id == app_env.ids["long"]


async def test_toggle_read_and_saved(app_env: AppEnv, monkeypatch) -> None:
    calls = []

    def fake_fetch(config, data_dir, entry_id):
        calls.append(entry_id)
        return FullText(entry_id, "u", "", None, None, None, NOW, "error", "offline")

    monkeypatch.setattr("reader.core.feeds.fulltext.fetch_text", fake_fetch)
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("m")
        with app_env.store() as store:
            assert store.entry(app_env.ids["ferry"]).read
        await pilot.press("m")
        with app_env.store() as store:
            assert not store.entry(app_env.ids["ferry"]).read
        await pilot.press("s")
        await pilot.app.workers.wait_for_complete()
        with app_env.store() as store:
            assert store.entry(app_env.ids["ferry"]).saved
        assert "★" in list_text(main)[0]
        assert calls == [app_env.ids["ferry"]]  # saving fetches the full text
        await pilot.press("s")
        with app_env.store() as store:
            assert not store.entry(app_env.ids["ferry"]).saved


async def test_mark_view_read_and_undo(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("A")
        with app_env.store() as store:
            assert store.totals()["unread"] == 0
        assert all("●" not in line for line in list_text(main))
        await pilot.press("u")
        with app_env.store() as store:
            assert store.totals()["unread"] == 5


async def test_mark_feed_view_read_only_touches_that_feed(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        with app_env.store() as store:
            tech = store.feed_by_url("https://tech.example/feed").id
        main.show_view(View("feed", tech))
        await pilot.press("A")
        with app_env.store() as store:
            assert store.totals()["unread"] == 3


async def browser_calls(pilot, app_env: AppEnv, count: int, timeout: float = 30) -> list:
    """The fake browser's calls once `count` have come (it is a real process: its start
    takes what the machine's load makes it take), or what came by the deadline."""
    deadline = time.monotonic() + timeout
    while len(app_env.browser_calls()) < count and time.monotonic() < deadline:
        await pilot.pause(0.05)
    return app_env.browser_calls()


async def test_open_in_browser_with_fake_command(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.press("enter", "2")
        calls = await browser_calls(pilot, app_env, 2)
        assert ["--new-tab", "https://world.example/ferry"] in calls
        assert ["--new-tab", "https://ferry.example/timetable"] in calls


async def test_unsafe_link_is_not_opened(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        main.entries.go_to_id(app_env.ids["javascript"])
        await pilot.press("o")
        await pilot.pause()
        assert app_env.browser_calls() == []
        assert any("only http and https" in n.message for n in pilot.app._notifications)


async def test_links_list_and_copy(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        await pilot.press("enter", "l")
        assert isinstance(pilot.app.screen, PickScreen)
        options = pilot.app.screen.query_one(OptionList)
        assert options.option_count == 2
        await pilot.press("down", "enter")
        assert isinstance(pilot.app.screen, MainScreen)
        await pilot.press("y")
        assert pilot.app.clipboard == "https://world.example/ferry"


async def test_search_is_a_view(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("slash")
        await pilot.press(*"chips", "enter")
        assert main.view == View("search", "chips")
        assert row_titles(main) == ["New chips promise cooler laptops"]
        assert "Search “chips” (escape: clear) · 1 entry" in status_text(main)
        await pilot.press("slash", *"zzzqqq", "enter")
        assert main.entries.count == 0


async def test_sidebar_views_and_toggle(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        assert main.sidebar.display
        await pilot.press("backslash")
        assert not main.sidebar.display
        await pilot.press("backslash")
        assert main.sidebar.display and main.sidebar.has_focus
        ids = [o.id for o in main.sidebar.options]
        main.sidebar.highlighted = ids.index("tag:tech")
        await pilot.press("enter")
        assert main.view == View("tag", "tech")
        assert main.entries.count == 2
        assert main.entries.has_focus


async def test_tab_switches_panes_and_quit(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        assert main.entries.has_focus
        await pilot.press("tab")
        assert main.article.has_focus
        await pilot.press("tab")
        assert main.sidebar.has_focus
        await pilot.press("tab")
        assert main.entries.has_focus
        await pilot.press("q")
        await pilot.pause()
        assert pilot.app.return_code == 0 and not pilot.app.is_running


async def test_feed_status_screen(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        await pilot.press("e")
        screen = pilot.app.screen
        assert isinstance(screen, FeedStatusScreen)
        text = " ".join(str(s.content) for s in screen.query("Static"))
        assert "Broken Feed" in text and "HTTP 404" in text and "1 failing" in text
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, MainScreen)


async def test_help_lists_every_key(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        text = " ".join(" ".join(row) for row in screen.rows)
        for binding_id in DEFAULT_KEYS:
            if not binding_id.startswith("open_link_") or binding_id == "open_link_1":
                assert binding_id in text


async def test_keymap_override_from_config(app_env: AppEnv) -> None:
    from dataclasses import replace

    app_env.config = replace(app_env.config, keys={"cursor_down": "x", "quit": "ctrl+q"})
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("x")
        assert main.entries.cursor == 1
        await pilot.press("j")
        assert main.entries.cursor == 1  # j no longer bound
        await pilot.press("q")
        assert pilot.app.is_running


async def test_click_opens_entry(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.click("#entries", offset=(10, 1))
        assert main.article_id == app_env.ids["chips"]


async def test_quotes_in_article(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter", "right_square_bracket")
        quotes = main.article.content.quotes
        assert len(quotes) >= 3
        assert main.article.current_quote == 0
        assert "Ines Okafor" in status_text(main)
        await pilot.press("right_square_bracket")
        assert main.article.current_quote == 1
        await pilot.press("left_square_bracket")
        assert main.article.current_quote == 0
        # The speaker of a pronoun-attributed quote is shown after it.
        assert "— Treasurer Paul Whitcombe" in article_text(main) or "— Paul Whitcombe" in (
            article_text(main)
        )
        # Q: the panel; pick the last quote.
        await pilot.press("Q")
        assert isinstance(pilot.app.screen, PickScreen)
        await pilot.press("end", "enter")
        assert main.article.current_quote == len(quotes) - 1
        # enter on the current quote opens the quote screen.
        main.article.select_quote(0)
        main.article.focus()
        await pilot.press("enter")
        screen = pilot.app.screen
        assert isinstance(screen, QuoteScreen)
        text = " ".join(str(s.content) for s in screen.query("Static"))
        assert "The ferry is not a luxury" in text and "Ines Okafor" in text
        assert "Harbour town keeps its night ferry" in text and "World Wire" in text
        await pilot.press("s")
        with app_env.store() as store:
            saved = store.saved_quotes()
        assert len(saved) == 1 and saved[0].speaker.endswith("Ines Okafor")
        assert "said Councillor Ines Okafor" in saved[0].context
        await pilot.press("y")
        assert pilot.app.clipboard.startswith("“The ferry is not a luxury")
        assert "Ines Okafor, Harbour town keeps its night ferry, https://world.example/ferry" in (
            pilot.app.clipboard
        )
        await pilot.press("o")
        url = (await browser_calls(pilot, app_env, 1))[0][1]
        assert url == text_fragment_url("https://world.example/ferry", quotes[0].text)
        assert url.startswith("https://world.example/ferry#:~:text=")


async def test_saved_quotes_view(app_env: AppEnv) -> None:
    with app_env.store() as store:
        store.save_quote(
            app_env.ids["ferry"], "We will be back here in the spring, with the same numbers"
            " and the same questions.", "quote", 0, 10, speaker="Paul Whitcombe",
        )  # fmt: skip
        store.save_quote(
            app_env.ids["chips"], "halves the heat", "partial", 0, 5, speaker="Engineers"
        )
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        ids = [o.id for o in main.sidebar.options]
        main.sidebar.highlighted = ids.index("quotes")
        main.sidebar.focus()
        await pilot.press("enter")
        assert main.mode == "quotes"
        assert main.quotes_list.option_count == 2
        assert "halves the heat" in str(main.quotes_list.get_option_at_index(0).prompt)
        await pilot.press("S")
        assert main.quotes_list.option_count == 4  # two speaker headings
        await pilot.press("S")
        await pilot.press("slash", *"spring", "enter")
        assert main.quotes_list.option_count == 1
        main.quotes_list.highlighted = 0
        main.quotes_list.focus()
        await pilot.press("enter")
        assert main.article_id == app_env.ids["ferry"]
        quote = main.article.content.quotes[main.article.current_quote]
        assert quote.text.startswith("We will be back here in the spring")


async def test_full_text_toggle_and_failure(app_env: AppEnv, monkeypatch) -> None:
    outcome = {"status": "ok"}

    def fake_fetch(config, data_dir, entry_id):
        from reader.core.store import Store

        with Store.in_dir(data_dir) as store:
            if outcome["status"] == "ok":
                text = FullText(
                    entry_id, "https://world.example/ferry",
                    "<p>The whole article, “with a long quotation from the mayor here,” said "
                    "Mayor Jane Doe.</p>", None, None, None, NOW, "ok", None,
                )  # fmt: skip
            else:
                text = FullText(entry_id, "u", "", None, None, None, NOW, "error", "HTTP 403")
            store.save_fulltext(text)
        return text

    monkeypatch.setattr("reader.core.feeds.fulltext.fetch_text", fake_fetch)
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter", "F")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert main.article_source == "full"
        assert "The whole article" in article_text(main)
        assert "Full article" in article_text(main)
        assert main.article.content.quotes[0].speaker.endswith("Jane Doe")
        await pilot.press("F")
        assert main.article_source == "feed"
        assert "The ferry is not a luxury" in article_text(main)
        # A failure keeps the feed content and says why.
        outcome["status"] = "error"
        await pilot.press("j", "enter", "F")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert main.article_source == "feed"
        assert "Full text failed: HTTP 403" in article_text(main)
        assert "New chips promise" in article_text(main)


async def test_escape_sequences_are_harmless(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        main.entries.go_to_id(app_env.ids["hostile"])
        await pilot.press("enter")
        shown = "\n".join(list_text(main)) + article_text(main)
        for bad in ("\x1b", "\x07", "\x9b", "\x9d"):
            assert bad not in shown
        assert "Evil" in shown and "title" in shown and "Body" in shown
        # The real terminal output too.
        svg = pilot.app.export_screenshot()
        assert "\x1b" not in svg and "pwned" not in svg


async def test_refresh_all_and_feed_from_files(tmp_path: Path, monkeypatch) -> None:
    from reader.core.config import Config, FeedConfig, Settings

    feed_file = tmp_path / "feed.xml"
    items = "".join(
        f"<item><title>Local story {n}</title><link>https://local.example/{n}</link>"
        f"<guid>local-{n}</guid><description>Story {n}</description>"
        f"<pubDate>Wed, 31 Dec 2025 0{n}:00:00 GMT</pubDate></item>"
        for n in range(1, 4)
    )
    feed_file.write_text(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Local</title>{items}"
        "</channel></rss>"
    )
    missing = FeedConfig((tmp_path / "missing.xml").as_uri(), "Missing")
    config = Config(
        tmp_path / "config.toml",
        Settings(refresh_on_start=False, refresh_minutes=0),
        (FeedConfig(feed_file.as_uri(), "Local"), missing),
    )
    app = BylineApp(config, tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        main = main_of(app)
        assert main.entries.count == 0
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert main.entries.count == 3, [n.message for n in app._notifications] + [
            status_text(main)
        ]
        assert row_titles(main)[0] == "Local story 3"
        assert "1 feed failing" in status_text(main)
        # Keep the cursor on its entry across a refresh that adds a newer one.
        await pilot.press("j")
        keep = main.entries.current.id
        feed_file.write_text(
            feed_file.read_text().replace(
                "<item>",
                "<item><title>Newest</title><guid>n</guid><link>https://local.example/n</link>"
                "<pubDate>Wed, 31 Dec 2025 09:00:00 GMT</pubDate></item><item>",
                1,
            )
        )
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert main.entries.count == 4
        assert main.entries.current.id == keep
        await pilot.press("e")
        text = " ".join(str(s.content) for s in app.screen.query("Static"))
        assert "Missing" in text


async def test_theme_from_config_and_remembered(app_env: AppEnv) -> None:
    from dataclasses import replace

    app_env.config = replace(
        app_env.config, settings=replace(app_env.config.settings, theme="nord")
    )
    async with app_env.app().run_test(size=SIZE) as pilot:
        assert pilot.app.theme == "nord"
        pilot.app.theme = "gruvbox"
        await pilot.pause()
        await pilot.pause()
    assert 'theme = "gruvbox"' in app_env.config.path.read_text()


async def test_palette_has_commands(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "Theme" in titles and "Refresh all feeds" in titles and "Toggle saved" in titles


async def test_narrow_layout_and_live_resize(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=(80, 24)) as pilot:
        main = main_of(pilot.app)
        assert not main.sidebar.display
        assert main.has_class("narrow")
        await pilot.press("enter")
        assert "Harbour town" in article_text(main)
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        assert main.sidebar.display and not main.has_class("narrow")


async def test_large_view_pages_lazily(tmp_path: Path, monkeypatch) -> None:
    from reader.core.config import Config, FeedConfig, Settings
    from reader.core.store import Store
    from reader.core.text.parse import ParsedEntry
    from reader.tui.widgets import entry_list

    feed = FeedConfig("https://big.example/rss", "Big")
    with Store.in_dir(tmp_path / "data") as store:
        store.sync_feeds([feed])
        entries = [
            ParsedEntry(uid=str(n), title=f"Item {n}", published=NOW - n * 60) for n in range(3000)
        ]
        store.store_entries(store.feed_by_url(feed.url).id, entries, now=NOW)
    pages = []
    original = Store.page

    def counting(self, view, offset=0, limit=50):
        pages.append((offset, limit))
        return original(self, view, offset, limit)

    monkeypatch.setattr(Store, "page", counting)
    config = Config(tmp_path / "c.toml", Settings(refresh_on_start=False), (feed,))
    async with BylineApp(config, tmp_path / "data").run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        assert main.entries.count == 3000
        assert pages == [(0, entry_list.PAGE)]
        await pilot.press("G")  # jump to the end: only the last page is read
        await pilot.pause()
        assert main.entries.cursor == 2999
        assert main.entries.current.title == "Item 2999"
        assert len(pages) <= 3
        assert "Item 2999" in "".join(list_text(main))
        await pilot.press("g")  # and back to the top, from the cached first page
        await pilot.pause()
        assert main.entries.cursor == 0 and main.entries.current.title == "Item 0"
        assert "Item 0" in "".join(list_text(main))
        await pilot.press("end")
        await pilot.pause()
        assert main.entries.cursor == 2999
        await pilot.press("home")
        await pilot.pause()
        assert main.entries.cursor == 0
        assert len(pages) <= 4


def test_core_never_imports_textual() -> None:
    core = Path(__file__).resolve().parents[1] / "reader" / "core"
    offenders = []
    for path in core.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "textual" or n.startswith(("textual.", "reader.tui")) for n in names):
                offenders.append(f"{path.name}: {names}")
    assert offenders == []


def test_keymap_table_is_plain_data() -> None:
    path = Path(__file__).resolve().parents[1] / "reader" / "tui" / "keymap.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        n.module if isinstance(n, ast.ImportFrom) else n.names[0].name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
    }
    assert imported <= {"__future__"}
    assert all(isinstance(v, tuple) and len(v) == 2 for v in DEFAULT_KEYS.values())
    screens = (MainScreen, QuoteScreen, PeopleScreen, HelpScreen, PickScreen)
    bound = {b.id for screen in screens for b in screen.BINDINGS}
    assert set(DEFAULT_KEYS) <= bound


@pytest.mark.parametrize(
    ("url", "quote", "expected"),
    [
        ("https://a.example/x", "Hello, world & co-op", "https://a.example/x#:~:text=Hello%2C%20world%20%26%20co%2Dop"),
        ("https://a.example/x#top", "“Short one.”", "https://a.example/x#:~:text=Short%20one"),
        (
            "https://a.example/x",
            "one two three four five six seven eight nine ten eleven twelve,",
            "https://a.example/x#:~:text=one%20two%20three%20four%20five,eight%20nine%20ten%20eleven%20twelve",
        ),
    ],
)  # fmt: skip
def test_text_fragment_url(url: str, quote: str, expected: str) -> None:
    assert text_fragment_url(url, quote) == expected


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ({"fly_away": "f"}, 'unknown binding id(s) in [keys]: "fly_away"'),
        ({"quit": "j"}, "'j' is already bound to cursor_down by default"),
        ({"people_span": "slash"}, "'slash' is already bound to people_search by default"),
        ({"help_up": "?,j"}, "'j' is already bound to help_down by default"),
    ],
)
def test_the_app_checks_its_keys_without_the_cli(app_env: AppEnv, keys, says) -> None:
    """Issue 22: the keymap validates, so `BylineApp(config)` refuses what the CLI refuses."""
    config = replace(app_env.config, keys=keys)
    with pytest.raises(KeymapError) as raised:
        BylineApp(config, app_env.data_dir)
    assert says in str(raised.value)
    assert raised.value.binding_id == next(iter(keys))
