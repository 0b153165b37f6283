"""Every built-in theme is readable (issue 10, defect 1).

Light themes drew list titles white on light grey (51% of characters at >= 3:1 against 99% in
textual-dark). The app is run headless and every visible character of its screen is checked
with the same WCAG count as ../shared/tools/contrast.py, in every theme Textual ships (but
textual-ansi, whose colours are the terminal's own): the list, a saved entry, an open article
with its quotes, a selected quote, the sidebar with a failing feed, the status line and footer.
"""

from __future__ import annotations

import pytest
from conftest_app import AppEnv
from screen_contrast import contrast_share, screen_cells

from reader.tui.app import BylineApp

GOAL = 0.97
SIZE = (120, 40)


def builtin_themes() -> list[str]:
    from textual.theme import BUILTIN_THEMES

    return sorted(name for name in BUILTIN_THEMES if name != "textual-ansi")


def test_there_are_light_and_dark_themes_to_check() -> None:
    themes = builtin_themes()
    assert {"textual-dark", "textual-light", "solarized-light", "gruvbox"} <= set(themes)


async def test_every_builtin_theme_keeps_contrast(app_env: AppEnv) -> None:
    app: BylineApp = app_env.app()
    async with app.run_test(size=SIZE) as pilot:
        # The ferry article (quotes, a speaker label), saved; its quote selected; the cursor
        # row of the list on a saved entry; a read row below it.
        await pilot.press("s", "enter", "right_square_bracket", "right_square_bracket")
        await pilot.pause()
        failures = {}
        for theme in builtin_themes():
            app.theme = theme
            await pilot.pause()
            # Truecolor, and as a 256-colour terminal (tmux's default) shows it.
            for eight_bit in (False, True):
                share, total, low = contrast_share(screen_cells(app, eight_bit))
                assert total > 800  # the screen really was drawn
                if share < GOAL:
                    failures[theme, eight_bit] = (round(share, 3), low.most_common(3))
        assert not failures, failures


@pytest.mark.parametrize("theme", ["textual-light", "solarized-light"])
async def test_light_theme_list_and_article_text_are_dark_on_light(
    app_env: AppEnv, theme: str
) -> None:
    """The rows drawn in Python (entry list, article) take their colours from the theme."""
    async with app_env.app(theme=theme).run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        rows = screen_cells(pilot.app, eight_bit=True)
        main = pilot.app.main
        for widget in (main.entries, main.article):
            region = widget.content_region
            share, total, _ = contrast_share(
                rows, (region.x, region.y, region.width, region.height)
            )
            assert total > 50 and share >= 0.99, (widget.id, share)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_narrow_screen_keeps_contrast(app_env: AppEnv, theme: str) -> None:
    """80x24: the sidebar hidden, the article under the list, the short footer."""
    async with app_env.app(theme=theme).run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "right_square_bracket")
        await pilot.pause()
        for eight_bit in (False, True):
            share, total, low = contrast_share(screen_cells(pilot.app, eight_bit))
            assert total > 400 and share >= GOAL, (eight_bit, share, low.most_common(3))


async def test_saved_quotes_view_keeps_contrast_in_every_theme(app_env: AppEnv) -> None:
    """The Quotes view (an OptionList): its cursor row too, where gruvbox's own cursor colours
    read at 1.9:1 and a dim second line faded into the cursor."""
    app: BylineApp = app_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "right_square_bracket", "enter", "s", "escape")
        await pilot.pause()
        app.main.quotes.show()
        await pilot.pause()
        assert app.main.quotes_view.count == 1
        failures = {}
        for theme in builtin_themes():
            app.theme = theme
            await pilot.pause()
            for eight_bit in (False, True):
                share, _, low = contrast_share(screen_cells(app, eight_bit))
                if share < GOAL:
                    failures[theme, eight_bit] = (round(share, 3), low.most_common(2))
        assert not failures, failures
