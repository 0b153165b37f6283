"""Issue 28: the first hour of a newsboat/elfeed user. Each bug has a test here that failed
on the main of the day (Pilot on the real app and cache of conftest_app.py)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest_app import AppEnv
from test_tmux_e2e import REPO, Tmux
from textual.binding import Binding
from textual.widgets import OptionList

from reader.core.quotes import index as quoteindex
from reader.tui.app import BylineApp, MainScreen
from reader.tui.keymap import ALIASES
from reader.tui.screens.dialogs import HelpScreen, PickScreen
from reader.tui.screens.people import PeopleScreen
from reader.tui.widgets.footer import KeyFooter

SIZE = (120, 40)


def main_of(app: BylineApp) -> MainScreen:
    main = app.main
    assert main is not None
    return main


async def browser_calls(pilot, app_env: AppEnv, count: int, timeout: float = 30) -> list:
    deadline = time.monotonic() + timeout
    while len(app_env.browser_calls()) < count and time.monotonic() < deadline:
        await pilot.pause(0.05)
    return app_env.browser_calls()


# ---------------------------------------------------------------- bug 1: j/k in pick lists


async def test_bug1_j_and_k_move_in_the_links_list(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        await pilot.press("enter", "l")
        assert isinstance(pilot.app.screen, PickScreen)
        await pilot.press("j", "enter")
        calls = await browser_calls(pilot, app_env, 1)
        assert calls == [["--new-tab", "https://ferry.example/timetable"]]


async def test_bug1_j_and_k_move_in_the_quotes_popup(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter", "Q")
        assert isinstance(pilot.app.screen, PickScreen)
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        assert main.article.current_quote == 2


# ---------------------------------------------------------------- bug 4: Q opens on the quote


async def test_bug4_the_quotes_popup_opens_on_the_current_quote(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        await pilot.press("enter", "right_square_bracket", "right_square_bracket")
        await pilot.press("right_square_bracket")
        await pilot.press("Q")
        assert isinstance(pilot.app.screen, PickScreen)
        assert pilot.app.screen.query_one(OptionList).highlighted == 2


# ---------------------------------------------------------------- bug 5: stale status notes


async def test_bug5_no_article_note_goes_when_the_article_opens(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("right_square_bracket")
        assert "No article open" in main.status.line
        await pilot.press("enter")
        await pilot.pause()
        assert "No article open" not in main.status.line


async def test_bug5_marked_unread_goes_after_mark_all_read(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("m", "m")
        assert "marked unread" in main.status.line
        await pilot.press("A")
        await pilot.pause()
        assert "marked unread" not in main.status.line


async def test_bug5_the_quotes_view_drops_the_article_quote_note(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter", "right_square_bracket", "right_square_bracket")
        await pilot.press("right_square_bracket")
        assert "quote 3/" in main.status.line
        main.sidebar.select_key("quotes")
        main.sidebar.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "quote 3/" not in main.status.line
        main.status.flash("quote 3/4 — Tomas Reyes")
        await pilot.press("S")
        await pilot.pause()
        assert "quote 3/" not in main.status.line


# ---------------------------------------------------------------- bug 6: sidebar after People


async def test_bug6_leaving_people_highlights_the_view_shown(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.pause()
        main.sidebar.select_key("people")
        main.sidebar.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PeopleScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is main
        option = main.sidebar.get_option_at_index(main.sidebar.highlighted)
        assert option.id == "all"


# ---------------------------------------------------------------- bug 10: one speaker label


async def test_bug10_status_line_and_quotes_popup_name_the_same_speaker(
    app_env: AppEnv,
) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter", "right_square_bracket", "right_square_bracket")
        quote = main.article.content.quotes[1]
        assert quote.confidence == "low"  # the fixture's second quote: a guessed speaker
        assert "quote 2/" in main.status.line
        assert "— Councillor Ines Okafor (uncertain)" in main.status.line
        await pilot.press("Q")
        rows = [str(o.prompt) for o in pilot.app.screen.query_one(OptionList).options]
        assert "— Councillor Ines Okafor (uncertain)" in rows[1]


# ---------------------------------------------------------------- bug 2: no dead scrollbar row


async def test_bug2_a_long_list_has_no_horizontal_scrollbar(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=(80, 16)) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter")  # the list shares the screen with the article
        await pilot.pause()
        entries = main.entries
        assert entries.show_vertical_scrollbar  # the list is longer than its pane
        assert not entries.show_horizontal_scrollbar
        assert entries.scrollable_content_region.height == entries.content_region.height


# ---------------------------------------------------------------- bug 3: bad key names


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ('next_quote = "ctrl+shift+banana"', "'banana' is not a key name"),
        ('prev_quote = ",,["', "write comma for the , key"),
        ('help = "hyperctrl+x"', "'hyperctrl' is not a modifier"),
    ],
)
def test_bug3_a_key_name_textual_cannot_send_exits_2(write_config, in_cli, keys, says) -> None:
    path = write_config(text=f"[settings]\nrefresh_minutes = 0\n\n[keys]\n{keys}\n")
    result = in_cli("feeds")
    assert result.returncode == 2, result.stdout
    assert says in result.stderr
    assert f"{path}:5" in result.stderr  # the line of the entry


def test_bug3_every_character_alias_is_the_name_textual_binds() -> None:
    for char, name in ALIASES.items():
        if char != " ":
            assert [b.key for b in Binding.make_bindings([Binding(char, "x")])] == [name]


async def test_bug3_comma_binds_the_comma_key(app_env: AppEnv) -> None:
    config = replace(app_env.config, keys={"prev_quote": "comma,left_square_bracket"})
    async with BylineApp(config, app_env.data_dir).run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter", "right_square_bracket", "right_square_bracket")
        assert main.article.current_quote == 1
        await pilot.press("comma")
        assert main.article.current_quote == 0


# ---------------------------------------------------------------- bug 9: the unknown table's line


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[settings]\nrefresh_minutes = 0\n\n[key]\nquit = "x"\n', 4),
        ("[settings]\nrefresh_minutes = 0\n\n[[feed]]\nurl = 'https://a.example/f'\n", 4),
        ('colour = "red"\n\n[settings]\nrefresh_minutes = 0\n', 1),
        ("[settings]\nrefresh_minutes = 0\n[themes.dark]\nx = 1\n", 3),
    ],
)
def test_bug9_an_unknown_table_is_reported_at_its_line(write_config, in_cli, text, line) -> None:
    path = write_config(text=text)
    result = in_cli("feeds")
    assert result.returncode == 2
    assert result.stderr.startswith(f"byline: {path}:{line}: "), result.stderr


# ---------------------------------------------------------------- bug 7: demo cache on hang-up


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("how", ["close the terminal", "kill"])
def test_bug7_demo_removes_its_cache_when_its_terminal_closes(tmp_path: Path, how: str) -> None:
    tmux = Tmux(f"byline-hup-{os.getpid()}-{tmp_path.name}")  # a server of its own
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command = (
        f"cd {REPO} && TMPDIR={scratch} TERM=xterm-256color {sys.executable} -m reader.cli demo"
    )
    tmux("new-session", "-d", "-s", "byline", "-x", "100", "-y", "30", command)
    try:
        tmux.wait_for("Harbour town votes")
        assert len(list(scratch.glob("byline-demo-*"))) == 1
        if how == "kill":
            pid = tmux("display", "-p", "-t", "byline", "#{pane_pid}").strip()
            found = subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout
            os.kill(int((found.split() or [pid])[0]), signal.SIGTERM)
        else:
            tmux("kill-session", "-t", "byline")  # the pane's process gets SIGHUP
        deadline = time.monotonic() + 20
        while list(scratch.glob("byline-demo-*")) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        tmux("kill-server", check=False)  # the server on its own socket only
    assert list(scratch.glob("byline-demo-*")) == []


# ---------------------------------------------------------------- bug 8: changes from outside


async def test_bug8_a_mark_from_the_cli_shows_in_the_open_app(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.tui.app.WATCH_SECONDS", 0.1, raising=False)
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.pause(0.3)
        ferry = app_env.ids["ferry"]
        assert not main.entries.row(0).saved and main.entries.row(0).id == ferry
        with app_env.store() as other:  # what `byline mark saved` does: its own connection
            other.set_saved(ferry, True)
        deadline = time.monotonic() + 10
        while not main.entries.row(0).saved and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert main.entries.row(0).saved
        assert "★" in "".join(s.text for s in main.entries.render_line(0))


async def test_bug8_a_feed_added_to_the_config_shows_in_the_open_app(
    app_env: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.tui.app.WATCH_SECONDS", 0.1, raising=False)
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.pause(0.3)
        feeds = [
            app_env.config.feeds[0].url,
            app_env.config.feeds[1].url,
            "https://new.example/rss",
        ]
        app_env.config.path.write_text(
            "".join(f'[[feeds]]\nurl = "{url}"\n\n' for url in feeds), encoding="utf-8"
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "new.example" not in _sidebar(main):
            await pilot.pause(0.1)
        assert "new.example" in _sidebar(main)
        assert "Broken Feed" not in _sidebar(main)  # taken out of the config: hidden
        assert [f.url for f in pilot.app.config.feeds] == feeds  # R refreshes these


def _sidebar(main: MainScreen) -> str:
    return "\n".join(str(o.prompt) for o in main.sidebar.options)


# ---------------------------------------------------------------- friction 1: room and layout


async def test_f1_the_list_has_the_room_until_an_article_opens(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.pause()
        assert not main.article.display  # no empty article pane
        assert main.entries.size.height > 30
        await pilot.press("tab", "tab")  # sidebar, list: tab never stops on a hidden pane
        assert main.focused in (main.sidebar, main.entries)
        await pilot.press("enter")
        await pilot.pause()
        assert main.article.display and main.entries.size.height < 20
        await pilot.press("z")  # maximise the list (it has focus) ...
        await pilot.pause()
        assert not main.article.display
        await pilot.press("z", "tab")  # ... both again; to the article and maximise it
        await pilot.pause()
        assert main.focused is main.article
        await pilot.press("z")
        await pilot.pause()
        assert not main.entries.display and not main.sidebar.display
        assert main.article.size.height > 30


async def test_f1_layout_side_puts_the_article_beside_the_list(app_env: AppEnv) -> None:
    async with app_env.app(layout="side").run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter")
        await pilot.pause()
        assert main.has_class("side")
        assert main.article.region.x > main.entries.region.x + main.entries.region.width - 1
        assert main.article.region.y == main.entries.region.y


def test_f1_a_layout_that_does_not_exist_exits_2(write_config, in_cli) -> None:
    write_config(text='[settings]\nlayout = "diagonal"\n')
    result = in_cli("feeds")
    assert result.returncode == 2
    assert 'layout in [settings] must be one of "auto", "stacked", "side"' in result.stderr


# ---------------------------------------------------------------- friction 2: q goes back


async def test_f2_q_goes_back_and_quits_only_from_the_all_list(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter", "q")  # closes the article
        await pilot.pause()
        assert pilot.app.is_running and main.article.content is None
        main.sidebar.select_key("tag:tech")
        main.sidebar.focus()
        await pilot.press("enter", "q")  # back from a view to All
        await pilot.pause()
        assert pilot.app.is_running and main.view.kind == "all"
        await pilot.press("quotation_mark", "q")  # the Quotes view, back
        await pilot.pause()
        assert pilot.app.is_running and main.mode == "entries"
        await pilot.press("q")
        await pilot.pause()
        assert not pilot.app.is_running


async def test_f2_ctrl_q_quits_from_an_article(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        await pilot.press("enter", "tab", "ctrl+q")
        await pilot.pause()
        assert not pilot.app.is_running


# ---------------------------------------------------------------- friction 3: keys for views


async def test_f3_keys_for_saved_quotes_people_and_feeds(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("s", "asterisk")
        await pilot.pause()
        assert main.view.kind == "saved" and main.entries.count == 1
        await pilot.press("quotation_mark")
        assert main.mode == "quotes" and main.focused is main.quotes_view
        await pilot.press("f")
        option = main.sidebar.get_option_at_index(main.sidebar.highlighted)
        assert main.focused is main.sidebar and option.id.startswith("feed:")
        await pilot.press("f")
        assert main.sidebar.get_option_at_index(main.sidebar.highlighted).id != option.id
        await pilot.press("at")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PeopleScreen)


async def test_f3_n_moves_on_to_the_next_feed_with_unread(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        main.sidebar.select_key(f"feed:{_feed_id(app_env, 'World Wire')}")
        main.sidebar.focus()
        await pilot.press("enter")
        world, opened = _feed_id(app_env, "World Wire"), []
        for _ in range(5):
            await pilot.press("n")
            await pilot.pause()
            if main.view.value != world:
                break
            opened.append(main.article_id)
        assert opened[-1] == app_env.ids["hostile"]  # World Wire's last entry came first
        assert main.view.value == _feed_id(app_env, "Tech Daily")
        assert main.article_id in (app_env.ids["chips"], app_env.ids["javascript"])
        assert "next feed with unread entries: Tech Daily" in main.status.line


async def test_f3_space_at_the_end_of_an_article_opens_the_next_unread(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("enter", "tab")
        first = main.article_id
        for _ in range(6):
            await pilot.press("space")
            await pilot.pause()
            if main.article_id != first:
                break
        assert main.article_id != first


def _feed_id(app_env: AppEnv, title: str) -> int:
    with app_env.store() as store:
        return next(f.id for f in store.feeds() if f.title == title)


# ---------------------------------------------------------------- friction 4: the footer


def _footer(pilot) -> str:
    return " ".join(
        f"{key}:{label}"
        for key, _shown, label, _on, _tip in pilot.app.screen.query_one(KeyFooter).shown()
    )


async def test_f4_the_footer_shows_the_keys_of_what_has_focus(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "s:Save" in _footer(pilot) and "q:Quit" in _footer(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert "Q:Quotes" in _footer(pilot) and "q:Close" in _footer(pilot)
        assert "s:Save" not in _footer(pilot)
        await pilot.press("quotation_mark")
        await pilot.pause()
        assert "S:By speaker" in _footer(pilot) and "d:Delete" in _footer(pilot)
        assert "q:Back" in _footer(pilot)


# ---------------------------------------------------------------- friction 4: help, People's ?


async def test_f4_question_mark_closes_help_and_g_ends_it(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        await pilot.press("G")
        await pilot.pause()
        scroll = screen.query_one("#help-scroll")
        assert scroll.scroll_y == scroll.max_scroll_y > 0
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, MainScreen)


async def test_f4_question_mark_in_people_opens_help_not_the_filter(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        await pilot.press("at")
        await pilot.pause()
        people = pilot.app.screen
        assert isinstance(people, PeopleScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        assert people.filter_box.value == ""
        assert any(i == "people_span" for _k, _d, i in pilot.app.screen.rows)


# ---------------------------------------------------------------- friction 5: People


async def test_f5_people_opens_on_all_time_when_nobody_was_quoted_this_week(
    app_env: AppEnv,
) -> None:
    with app_env.store() as store:
        quoteindex.backfill(store)
    async with app_env.app().run_test(size=SIZE) as pilot:
        await pilot.press("at")
        await pilot.pause()
        screen = pilot.app.screen
        assert not screen.week  # the fixture's entries are from 2026-01-01
        assert any("Ines Okafor" in str(o.prompt) for o in screen.list.options)


async def test_f5_escape_from_an_article_returns_to_the_persons_page(app_env: AppEnv) -> None:
    with app_env.store() as store:
        quoteindex.backfill(store)
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("at")
        await pilot.pause()
        await pilot.press(*"okafor", "enter")
        await pilot.pause()
        assert pilot.app.screen.mode == "person"
        await pilot.press("enter")  # the quote: its article opens
        await pilot.pause()
        await pilot.pause()
        assert pilot.app.screen is main and main.article_id == app_env.ids["ferry"]
        await pilot.press("escape")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, PeopleScreen)
        assert screen.mode == "person" and screen.person.name == "Ines Okafor"
        assert not screen.week  # the span chosen before is kept


# ---------------------------------------------------------------- friction 7: config messages


def test_f7_a_mistyped_theme_exits_2_with_a_suggestion(write_config, run_cli) -> None:
    path = write_config(text='[settings]\nrefresh_on_start = false\ntheme = "textual-drak"\n')
    result = run_cli()  # the bare command opens the app: the theme is checked first
    assert result.returncode == 2, result.stderr
    assert f"{path}:3:" in result.stderr and "did you mean 'textual-dark'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_f7_an_unknown_key_says_did_you_mean(write_config, in_cli) -> None:
    write_config(text="[settings]\nrefrsh_minutes = 5\n")
    result = in_cli("feeds")
    assert result.returncode == 2
    assert "unknown key 'refrsh_minutes' in [settings]; did you mean 'refresh_minutes'?" in (
        result.stderr
    )
    assert "allowed:" not in result.stderr


# ---------------------------------------------------------------- friction 6: browser argv


def test_f6_browser_takes_an_argv_list_like_notify_command(tmp_path: Path) -> None:
    from reader.core.config import ConfigError, parse

    path = tmp_path / "config.toml"
    config = parse('[settings]\nbrowser = ["my browser", "--new-tab"]\n', path)
    assert config.settings.browser == ("my browser", "--new-tab")
    with pytest.raises(ConfigError, match="browser in \\[settings\\] must be a command"):
        parse("[settings]\nbrowser = [1]\n", path)


async def test_f6_an_argv_browser_gets_the_url_as_one_argument(app_env: AppEnv) -> None:
    fake = app_env.config.settings.browser.split()[0]
    async with app_env.app(browser=(fake, "--new-tab", "two words")).run_test(size=SIZE) as pilot:
        await pilot.press("o")
        calls = await browser_calls(pilot, app_env, 1)
        assert calls == [["--new-tab", "two words", "https://world.example/ferry"]]


def test_f6_opml_folders_are_tags_whatever_their_case() -> None:
    from reader.core.feeds.opml import parse_opml

    opml = b"""<?xml version="1.0"?><opml version="2.0"><head/><body>
      <outline text="Blogs"><outline text="A" xmlUrl="https://a.example/feed"/></outline>
      <outline text="blogs"><outline text="B" xmlUrl="https://b.example/feed"/></outline>
      <outline text="C" xmlUrl="https://c.example/feed" category="BLOGS,news"/>
    </body></opml>"""
    feeds = parse_opml(opml).feeds
    assert [f.tags for f in feeds] == [("Blogs",), ("Blogs",), ("Blogs", "news")]


# ---------------------------------------------------------------- polish


async def test_polish_palette_hides_keys_and_screenshot_and_names_the_theme(
    app_env: AppEnv,
) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        commands = list(pilot.app.get_system_commands(main_of(pilot.app)))
        titles = [c.title for c in commands]
        assert "Keys" not in titles and "Screenshot" not in titles
        theme = next(c for c in commands if c.title == "Theme")
        assert "now: textual-dark" in theme.help
        assert "Saved quotes" in titles  # the new keys are commands too


def test_polish_the_quotes_list_keeps_the_articles_own_marks() -> None:
    from reader.core.quotes import extract
    from reader.tui.screens.dialogs import quotes_screen

    body = "„Wir bleiben hier“, sagte Anna Berg. «Nous restons», a dit Paul Martin."
    quotes = extract(body)
    assert len(quotes) == 2
    rows = [str(o) for o in quotes_screen(quotes, body=body).options]
    assert rows[0].startswith("„Wir bleiben hier“") and rows[1].startswith("«Nous restons»")


def test_the_default_keys_never_clash_on_one_screen() -> None:
    from reader.tui.keymap import DEFAULT_KEYS, key_clash, key_problem, parse_keys

    assert key_clash({}) is None
    assert all(
        key_problem(k) is None for keys, _ in DEFAULT_KEYS.values() for k in parse_keys(keys)
    )


def test_f6_add_with_a_file_path_suggests_its_file_url(write_config, in_cli, tmp_path) -> None:
    write_config([])
    feed = tmp_path / "feed.xml"
    result = in_cli("add", str(feed))
    assert result.returncode != 0
    assert f"for a local feed give '{feed.as_uri()}'" in result.stderr


async def test_polish_the_search_words_are_marked_in_the_opened_article(app_env: AppEnv) -> None:
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await pilot.press("slash", *"ferry", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        content = main.article.content
        assert content.highlight == ("ferry",)
        body = main.article._body(content)
        marked = main.article._style("article--search")
        found = {body.plain[s.start : s.end].lower() for s in body.spans if s.style == marked}
        assert found == {"ferry"}
