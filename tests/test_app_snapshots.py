"""Snapshot tests of the app's main screens (fixed cache, frozen time, UTC).

Update after an intended change with `pytest tests/test_app_snapshots.py --snapshot-update`
and look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

from conftest_app import AppEnv


def test_snapshot_main_screen(app_env: AppEnv, snap_compare) -> None:
    assert snap_compare(app_env.app(), terminal_size=(120, 36))


def test_snapshot_article(app_env: AppEnv, snap_compare) -> None:
    assert snap_compare(app_env.app(), press=["j", "enter"], terminal_size=(120, 36))


def test_snapshot_article_with_quotes(app_env: AppEnv, snap_compare) -> None:
    assert snap_compare(
        app_env.app(), press=["enter", "right_square_bracket"], terminal_size=(120, 36)
    )


def test_snapshot_quote_screen(app_env: AppEnv, snap_compare) -> None:
    assert snap_compare(
        app_env.app(), press=["enter", "right_square_bracket", "enter"], terminal_size=(120, 36)
    )


def test_snapshot_help(app_env: AppEnv, snap_compare) -> None:
    assert snap_compare(app_env.app(), press=["question_mark"], terminal_size=(120, 50))


def test_snapshot_narrow(app_env: AppEnv, snap_compare) -> None:
    assert snap_compare(app_env.app(), press=["enter"], terminal_size=(80, 24))


def test_snapshot_main_screen_light(app_env: AppEnv, snap_compare) -> None:
    """Issue 10, defect 1: a light theme (dark text on light grounds, quotes and cursor too)."""
    assert snap_compare(
        app_env.app(theme="textual-light"),
        press=["s", "enter", "right_square_bracket"],
        terminal_size=(120, 36),
    )


def test_snapshot_narrow_light(app_env: AppEnv, snap_compare) -> None:
    assert snap_compare(app_env.app(theme="textual-light"), press=["enter"], terminal_size=(80, 24))


def test_snapshot_article_speaker_label_120x40(app_env: AppEnv, snap_compare) -> None:
    """The speaker label on its own line after the paragraph; the article pane focused."""
    assert snap_compare(app_env.app(), press=["enter", "tab"], terminal_size=(120, 40))


def test_snapshot_quotes_view_120x40(app_env: AppEnv, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("enter", "right_square_bracket", "enter", "s", "escape")
        main = pilot.app.main
        main.sidebar.select_key("quotes")
        main.sidebar.focus()
        await pilot.press("enter")
        pilot.app.clear_notifications()  # toasts expire on a clock: keep them out
        await pilot.pause()

    assert snap_compare(app_env.app(), run_before=run_before, terminal_size=(120, 40))


def test_snapshot_help_80x24(app_env: AppEnv, snap_compare) -> None:
    assert snap_compare(app_env.app(), press=["question_mark"], terminal_size=(80, 24))


def test_snapshot_people_view_120x36(app_env: AppEnv, snap_compare) -> None:
    """The People view, all time (issue 15)."""
    from reader.core.quotes import index as quoteindex

    with app_env.store() as store:
        quoteindex.backfill(store)

    async def run_before(pilot) -> None:
        await pilot.pause()
        main = pilot.app.main
        main.sidebar.select_key("people")
        main.sidebar.focus()
        await pilot.press("enter")  # on all time: nobody was quoted this week (issue 28)
        await pilot.pause()

    assert snap_compare(app_env.app(), run_before=run_before, terminal_size=(120, 36))
