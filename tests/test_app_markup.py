"""No text from a feed, a page, the config or the user is ever read as Textual markup (issue 10,
defect 2; GUIDE §4). Markup goes through every field (title, link, author, feed title, quote,
speaker, error messages) and every notice, and must show literally; `[@click=app.quit]` must
never quit."""

from __future__ import annotations

import ast
import io
from dataclasses import replace
from pathlib import Path

import pytest
from conftest_app import NOW, AppEnv
from rich.console import Console

from reader.core.config import Config, FeedConfig, Settings
from reader.core.store import FullText, Store
from reader.core.text.parse import ParsedEntry
from reader.tui.app import BylineApp
from reader.tui.screens.dialogs import FeedStatusScreen, PickScreen, QuoteScreen

CLICK = "[@click=app.quit]x[/]"
BOLD = "[b]bold[/b]"
LINK = "[link=https://evil.example]y[/link]"
ALL = (CLICK, BOLD, LINK)
MARKUP = f"{CLICK} {BOLD} {LINK}"
SIZE = (160, 50)


def screen_text(app: BylineApp) -> str:
    """What the terminal shows, as text (toasts included)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, force_terminal=True,
        color_system="truecolor", legacy_windows=False, safe_box=False,
    )  # fmt: skip
    update = app.screen._compositor.render_update(  # noqa: SLF001 - the screen as drawn
        full=True,
        screen_stack=app._background_screens,
        simplify=True,  # noqa: SLF001
    )
    console.print(update)
    return console.export_text()


def shows_literally(app: BylineApp, *needles: str) -> None:
    shown = screen_text(app)
    flat = shown.replace("\n", "")
    for needle in needles:
        assert needle in shown or needle in flat, f"{needle!r} not shown literally:\n{shown}"


SENT: list[tuple[str, bool]] = []  # (message, markup) of every toast, kept past its timeout


def notices(app: BylineApp) -> list[str]:
    return [message for message, _markup in SENT]


@pytest.fixture(autouse=True)
def record_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.app import App

    original = App.notify
    SENT.clear()

    def notify(self, message, *, markup=True, **kwargs):
        SENT.append((message, markup))
        return original(self, message, markup=markup, **kwargs)

    monkeypatch.setattr(App, "notify", notify)


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppEnv:
    monkeypatch.setattr("reader.tui.format.now", lambda: NOW)
    feed = FeedConfig("https://evil.example/rss", CLICK, ("world",))
    data_dir = tmp_path / "data"
    html = (
        f"<p>The mayor spoke. “We keep the ferry {MARKUP} for years to come,” said "
        f"Jane {BOLD} Doe.</p><p>He added: “Another long sentence {CLICK} here today.”</p>"
        f'<p>Read <a href="https://evil.example/{BOLD}">the {CLICK} link</a>.</p>'
    )
    with Store.in_dir(data_dir) as store:
        store.sync_feeds([feed])
        feed_id = store.feed_by_url(feed.url).id
        store.update_feed(feed_id, title=CLICK, status="error", error=f"HTTP {MARKUP}")
        entry = ParsedEntry(
            uid="e", title=f"Title {MARKUP}", author=f"Author {BOLD}",
            link=f"https://evil.example/a{BOLD}c", published=NOW - 3600, content=html,
        )  # fmt: skip
        store.store_entries(feed_id, [entry], now=NOW)
        entry_id = store._rows("SELECT id FROM entries")[0][0]  # noqa: SLF001
        store.save_quote(
            entry_id, f"Saved {MARKUP} quote text", "quote", 0, 5, speaker=f"Speaker {CLICK}"
        )
    config_dir = tmp_path / "[b]conf"
    config_dir.mkdir()
    config_path = config_dir / "config.toml"
    config_path.write_text("")
    settings = Settings(refresh_on_start=False, refresh_minutes=0, browser="")
    config = Config(path=config_path, settings=settings, feeds=(feed,))
    return AppEnv(config, data_dir, {"e": entry_id}, tmp_path / "browser.log")


async def test_every_field_and_notice_shows_markup_literally(
    hostile: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("webbrowser.open", lambda url: False)  # "no browser found; set …"

    def failing_fetch(config, data_dir, entry_id):
        return FullText(entry_id, "u", "", None, None, None, NOW, "error", f"HTTP {MARKUP}")

    monkeypatch.setattr("reader.core.feeds.fulltext.fetch_text", failing_fetch)
    app = BylineApp(hostile.config, hostile.data_dir, notice=f"Starter config {BOLD} written")
    async with app.run_test(size=SIZE) as pilot:
        main = app.main
        # The list (title, feed title) and the sidebar (feed title, with its ⚠).
        shows_literally(app, f"Title {MARKUP}", CLICK, "⚠ [@click=app.quit]")
        # The notice given at start.
        assert f"Starter config {BOLD} written" in notices(app)
        # The article: title, author, feed title, link, quotes and the speaker label.
        await pilot.press("enter")
        shows_literally(app, f"Title {MARKUP}", f"Author {BOLD}", f"https://evil.example/a{BOLD}c")
        shows_literally(app, f"We keep the ferry {MARKUP}", f"the {CLICK} link")
        # The quote dialog: quote, speaker, context, entry and feed titles.
        await pilot.press("right_square_bracket", "enter")
        assert isinstance(app.screen, QuoteScreen)
        shows_literally(app, f"We keep the ferry {MARKUP}", f"Jane {BOLD} Doe", CLICK)
        await pilot.press("s", "escape")
        # The quotes of the article (Q) and its links (l).
        await pilot.press("Q")
        assert isinstance(app.screen, PickScreen)
        shows_literally(app, f"We keep the ferry {MARKUP}", f"sentence {CLICK} here")
        await pilot.press("escape", "l")
        shows_literally(app, f"the {CLICK} link", f"https://evil.example/{BOLD}")
        # Opening a link: "no browser found; set `browser` in the config's [settings]".
        await pilot.press("enter")
        assert any("[settings]" in n for n in notices(app)), notices(app)
        # Full text failure: the error message, in the article and in a notice.
        await pilot.press("F")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shows_literally(app, f"Full text failed: HTTP {MARKUP}")
        # Feed problems: feed title and error.
        await pilot.press("e")
        assert isinstance(app.screen, FeedStatusScreen)
        shows_literally(app, CLICK, f"HTTP {MARKUP}")
        await pilot.press("escape")
        # The saved quotes view: quote, speaker, entry title.
        main.sidebar.select_key("quotes")
        main.sidebar.focus()
        await pilot.press("enter")
        shows_literally(app, f"Saved {MARKUP} quote text", f"Speaker {CLICK}")
        # What the user types: a search shows in the status line as typed.
        await pilot.press("slash", *BOLD, "enter")
        assert BOLD in main.status.line
        # Every notice so far was sent without markup and reads literally.
        assert SENT
        for message, markup in SENT:
            assert markup is False, message
        await pilot.pause()
        assert app.is_running  # no [@click=app.quit] ran


async def test_refresh_error_and_palette_keys_read_literally(
    hostile: AppEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_refresh(*args, **kwargs):
        raise RuntimeError(f"boom {MARKUP}")

    monkeypatch.setattr("reader.core.background.refresh_in_child", broken_refresh)
    settings = replace(hostile.config.settings, browser="true", theme=f"dark {BOLD}")
    config = replace(hostile.config, keys={"search": "slash,ctrl+f"}, settings=settings)
    app = BylineApp(config, hostile.data_dir)
    async with app.run_test(size=SIZE) as pilot:
        assert f"Unknown theme 'dark {BOLD}'; using textual-dark." in notices(app)
        await pilot.press("o")  # "Opening <the entry's link>"
        assert f"Opening https://evil.example/a{BOLD}c" in notices(app), notices(app)
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(f"boom {MARKUP}" in n for n in notices(app)), notices(app)
        shows_literally(app, CLICK)
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        from textual.content import Content

        # The palette reads help as markup: the keys in brackets must survive it.
        assert Content.from_markup(helps["Search"]).plain.endswith("[/, ctrl+f]")
        assert app.is_running


def test_app_never_notifies_with_markup() -> None:
    """Every toast of the app goes through reader.tui.safe.notify (markup off)."""
    tui = Path(__file__).resolve().parents[1] / "reader" / "tui"
    offenders = []
    for path in tui.rglob("*.py"):
        if path.name == "safe.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "notify"
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_no_markup_string_built_from_variables() -> None:
    """Static(...)/update(...)/Option(...) never get an f-string (it would be read as markup);
    they get `safe.text(...)`."""
    tui = Path(__file__).resolve().parents[1] / "reader" / "tui"
    offenders = []
    for path in tui.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in ("Static", "update", "Option", "Label") and isinstance(
                node.args[0], ast.JoinedStr | ast.BinOp
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
