"""Media in the app (issue 23): pictures in the article, enclosures played and downloaded, the
Podcasts view, and piping the article to a program.

Pictures and episodes come from a real HTTP server on 127.0.0.1; the player is a fake mpv (a script
that records its argv and speaks mpv's JSON IPC, tests/test_media.py FAKE_MPV); pictures are drawn as
half-cells (BYLINE_GRAPHICS is cleared, TMUX set: the method a tmux session gets).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest_app import NOW, WORLD, AppEnv
from test_media import FAKE_MPV

from reader.core.config import PipeCommand
from reader.core.store import Store
from reader.core.text.parse import ParsedEntry
from reader.tui.kinds import Source

SIZE = (120, 40)


def png(width: int, height: int, colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def add_entry(
    app_env: AppEnv, uid: str, html: str, enclosures=(), hours: float = 0.5, link: str = ""
) -> int:
    with Store.in_dir(app_env.data_dir) as store:
        feed_id = store.feed_by_url(WORLD.url).id
        entry = ParsedEntry(
            uid=uid, title=f"Media {uid}", author="A. Writer",
            link=link or f"https://world.example/{uid}",
            published=NOW - hours * 3600 + 60, content=html, enclosures=list(enclosures),
        )  # fmt: skip
        store.store_entries(feed_id, [entry], now=NOW)
        return store._rows("SELECT id FROM entries WHERE uid = ?", [uid])[0][0]


@pytest.fixture(autouse=True)
def _halfcells(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BYLINE_GRAPHICS", raising=False)
    monkeypatch.setenv("TMUX", "/tmp/fake-tmux,1,0")


def picture_html(server) -> str:
    server.route("/cat.png", body=png(400, 200), content_type="image/png")
    server.route("/page.png", body=b"<!doctype html><p>not found</p>", content_type="image/png")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    server.route("/evil.svg", body=svg, content_type="image/png")
    return (
        f'<p>Before the picture, "a quote," said Ines Okafor.</p>'
        f'<p><img src="{server.url("/cat.png")}" alt="A red cat"></p>'
        f'<p>Between them, <a href="https://x.example/a">a link</a>.</p>'
        f'<p><img src="{server.url("/page.png")}" alt="A broken one"></p>'
        f'<p><img src="{server.url("/evil.svg")}" alt="A scripted one"></p>'
        f"<p>After the pictures.</p>"
    )


async def open_entry(pilot, entry_id: int) -> None:
    main = pilot.app.main
    await pilot.pause()
    main.articles.open_entry(entry_id)
    main.set_focus(main.article)
    await pilot.pause()


async def wait_for(pilot, test, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if test():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


def pictures_done(main) -> bool:
    content = main.article.content
    return bool(content.pictures) and all(s.path or s.error for s in content.pictures)


def halfcell_rows(main) -> list[int]:
    return [y for y, line in enumerate(main.article.text_lines) if "▀▀▀▀" in line]


async def test_pictures_are_drawn_in_place_with_a_caption_and_a_failed_one_keeps_its_line(
    app_env: AppEnv, http_server
) -> None:
    entry_id = add_entry(app_env, "pics", picture_html(http_server))
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = pilot.app.main
        await open_entry(pilot, entry_id)
        await wait_for(pilot, lambda: pictures_done(main) and halfcell_rows(main))
        lines = main.article.text_lines
        rows = halfcell_rows(main)
        assert rows, "\n".join(lines)
        text = "\n".join(lines)
        # the first picture replaced its line: blocks, then the alt text as a caption
        assert "[image: A red cat]" not in text
        assert lines[rows[-1] + 1].strip() == "A red cat"
        assert rows == list(range(rows[0], rows[-1] + 1))  # one block of lines
        before = next(y for y, line in enumerate(lines) if "Before the picture" in line)
        after = next(y for y, line in enumerate(lines) if "Between them" in line)
        assert before < rows[0] and rows[-1] < after
        # the width fits the pane (the picture is 400 px: 40 cells at 10 px a cell)
        width = max(len(lines[y].rstrip()) for y in rows)
        assert width <= main.article.scrollable_content_region.width
        # the refused one (a web page, not a picture) keeps its line, with the reason
        assert "[image: A broken one]" in text
        assert "picture not shown: a web page, not a picture" in text
        assert "[image: A scripted one]" in text and "an SVG document, not a picture" in text
        kept = [p for p in (app_env.data_dir / "images").iterdir() if p.is_file()]
        assert len(kept) == 1  # only the real picture was cached
        # link numbers and quotes work as before
        assert "a link[1]" in text
        await pilot.press("right_square_bracket")
        assert main.article.current_quote == 0
        assert main.article.y_of(main.article.content.quotes[0].start) == before


async def test_a_linked_picture_keeps_its_number_and_an_inline_one_its_sentence(
    app_env: AppEnv, http_server
) -> None:
    cat = http_server.route("/cat.png", body=png(200, 100), content_type="image/png")
    html = (
        f'<p><a href="https://big.example/cat.jpg"><img src="{cat}" alt="Linked cat"></a></p>'
        f'<p>An icon <img src="{cat}?inline" alt="tiny"> inside a sentence.</p>'
    )
    entry_id = add_entry(app_env, "linked", html)
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = pilot.app.main
        await open_entry(pilot, entry_id)
        await wait_for(pilot, lambda: pictures_done(main) and len(halfcell_rows(main)) == 10)
        lines = [line.strip() for line in main.article.text_lines]
        rows = halfcell_rows(main)
        first = [y for y in rows if y < lines.index("Linked cat [1]")]
        assert first and lines[first[0] - 1] == ""  # the `[image: …][1]` line gave way
        sentence = lines.index("An icon [image: tiny] inside a sentence.")  # kept, picture under
        assert sentence + 1 in rows and lines[max(rows) + 1] == "tiny"
        await pilot.press("1")
        calls = await_browser(app_env)
        assert calls and calls[-1][-1] == "https://big.example/cat.jpg"


def await_browser(app_env: AppEnv) -> list:
    import time

    for _ in range(100):
        if app_env.browser_calls():
            break
        time.sleep(0.05)
    return app_env.browser_calls()


async def test_the_toggle_hides_and_shows_pictures(app_env: AppEnv, http_server) -> None:
    entry_id = add_entry(app_env, "pics", picture_html(http_server))
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = pilot.app.main
        await open_entry(pilot, entry_id)
        await wait_for(pilot, lambda: pictures_done(main) and halfcell_rows(main))
        assert halfcell_rows(main)
        await pilot.press("i")
        text = "\n".join(main.article.text_lines)
        assert not halfcell_rows(main) and "[image: A red cat]" in text
        assert "Pictures off" in main.status.line
        await pilot.press("i")
        assert halfcell_rows(main)


async def test_images_off_looks_as_before(app_env: AppEnv, http_server) -> None:
    html = picture_html(http_server)
    entry_id = add_entry(app_env, "pics", html)
    async with app_env.app(images="off").run_test(size=SIZE) as pilot:
        main = pilot.app.main
        await open_entry(pilot, entry_id)
        await pilot.pause(0.3)
        off = [line.strip() for line in main.article.text_lines]
        rendered = main.article.content.rendered.text
        assert not main.article.content.pictures
        assert not http_server.requests_for("/cat.png")  # nothing fetched either
    # exactly what the article showed before pictures: the renderer's text, line for line
    body = off[off.index('Before the picture, "a quote," said Ines Okafor.') :]
    assert body[: len(rendered.split("\n"))] == rendered.split("\n")
    assert "[image: A red cat]" in body and not any("▀" in line for line in off)


async def test_a_saved_article_shows_its_cached_picture_offline(app_env: AppEnv) -> None:
    from httpserver import FeedServer

    server = FeedServer().start()
    try:
        html = picture_html(server)
        page = f"<html><body><article><h1>Media</h1>{html * 3}</article></body></html>"
        link = server.route("/article", body=page.encode(), content_type="text/html")
        entry_id = add_entry(app_env, "pics", html, link=link)
        async with app_env.app().run_test(size=SIZE) as pilot:
            main = pilot.app.main
            await pilot.pause()
            assert main.entries.current.id == entry_id  # the newest: saved from the list, unread
            await pilot.press("s")  # saving keeps its pictures, without opening it
            images = app_env.data_dir / "images"
            await wait_for(pilot, lambda: images.is_dir() and any(images.iterdir()))
            await pilot.app.workers.wait_for_complete()
            assert main.article.content is None
    finally:
        server.stop()
    async with app_env.app().run_test(size=SIZE) as pilot:  # the server is gone
        main = pilot.app.main
        await pilot.pause()
        # The feed's content: the full article kept at saving opens by default, and the
        # extractor (reader/core/text/extract.py) keeps no pictures of this page.
        main.articles.open_entry(entry_id, Source.FEED)
        await pilot.pause()
        await wait_for(pilot, lambda: pictures_done(main) and halfcell_rows(main))
        assert halfcell_rows(main)
        assert "A red cat" in "\n".join(main.article.text_lines)


def fake_player(tmp_path: Path, monkeypatch, until: float) -> tuple[Path, Path]:
    mpv = tmp_path / "bin" / "mpv"
    mpv.parent.mkdir(exist_ok=True)
    mpv.write_text(f"#!{sys.executable}\n{FAKE_MPV}")
    mpv.chmod(0o755)
    log = tmp_path / "argv.log"
    monkeypatch.setenv("FAKE_MPV_LOG", str(log))
    monkeypatch.setenv("FAKE_MPV_UNTIL", str(until))
    return mpv, log


async def test_p_plays_the_enclosure_and_a_second_p_resumes(
    app_env: AppEnv, http_server, tmp_path: Path, monkeypatch
) -> None:
    url = http_server.route("/episode.mp3", body=b"ID3" + b"\0" * 5000, content_type="audio/mpeg")
    enclosure = {"url": url, "type": "audio/mpeg", "length": 24_500_000, "duration": 2530}
    entry_id = add_entry(app_env, "pod", "<p>Show notes.</p>", [enclosure])
    mpv, log = fake_player(tmp_path, monkeypatch, until=150)
    async with app_env.app(player=(str(mpv), "--force-window=no")).run_test(size=SIZE) as pilot:
        main = pilot.app.main
        await open_entry(pilot, entry_id)
        text = "\n".join(main.article.text_lines)
        assert "▶ audio/mpeg · 24.5 MB · 42:10" in text
        await pilot.press("P")
        await wait_for(pilot, lambda: "position kept" in main.status.line)
        assert "played to 2:30" in "\n".join(main.article.text_lines)
        await pilot.press("P")
        await wait_for(pilot, lambda: len(log.read_text().splitlines()) == 2)
        await wait_for(pilot, lambda: "position kept" in main.status.line)
    runs = [json.loads(line) for line in log.read_text().splitlines()]
    assert runs[0][0] == "--force-window=no" and runs[0][-1] == url
    assert any(a.startswith("--input-ipc-server=") for a in runs[0])
    assert not any(a.startswith("--start") for a in runs[0])
    assert "--start=+150.0" in runs[1] and runs[1][-1] == url
    with Store.in_dir(app_env.data_dir) as store:
        assert store.playback(url).seconds == 150.0


async def test_d_queues_and_downloads_and_the_podcasts_view_lists(
    app_env: AppEnv, http_server, tmp_path: Path
) -> None:
    body = bytes(range(256)) * 400
    url = http_server.route("/ep1.mp3", body=body, content_type="audio/mpeg")
    enclosure = {"url": url, "type": "audio/mpeg", "length": len(body)}
    entry_id = add_entry(app_env, "pod", "<p>Show notes.</p>", [enclosure])
    older = add_entry(app_env, "pod-old", "<p>Old.</p>", [dict(enclosure, url=url + "?2")], 20)
    target = tmp_path / "downloads"
    async with app_env.app(download_dir=str(target)).run_test(size=SIZE) as pilot:
        main = pilot.app.main
        await open_entry(pilot, entry_id)
        await pilot.press("D")
        await wait_for(pilot, lambda: "Downloads: 1 done" in main.status.line)
        assert "downloaded" in "\n".join(main.article.text_lines)
        files = [p for p in target.rglob("*") if p.is_file()]
        assert len(files) == 1 and files[0].read_bytes() == body
        # the Podcasts view: newest first, with each one's state
        main.set_focus(main.sidebar)
        main.sidebar.select_key("podcasts")
        await pilot.press("enter")
        await pilot.pause()
        from reader.tui.screens.podcasts import PodcastsScreen

        screen = pilot.app.screen
        assert isinstance(screen, PodcastsScreen)
        rows = screen.rows_text()
        assert [r.split(" · ")[0] for r in rows[:2]] == ["Media pod", "Media pod-old"]
        assert "downloaded" in rows[0] and "downloaded" not in rows[1]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert pilot.app.screen is main and main.article_id == older


async def test_pipe_sends_the_article_and_shows_the_result(app_env: AppEnv, tmp_path: Path) -> None:
    out = tmp_path / "piped.md"
    script = tmp_path / "save.py"
    script.write_text(
        f"import sys\ndata = sys.stdin.read()\nopen({str(out)!r}, 'w').write(data)\n"
        "print('saved', len(data), 'chars')\n"
    )
    pipes = (
        PipeCommand("save", (sys.executable, str(script))),
        PipeCommand("link", (sys.executable, str(script)), send="link"),
    )
    app = app_env.app()
    app.config = replace(app.config, pipes=pipes)
    async with app.run_test(size=SIZE) as pilot:
        main = pilot.app.main
        await open_entry(pilot, app_env.ids["ferry"])
        await pilot.press("vertical_line")
        await pilot.pause()
        await pilot.press("enter")  # the chooser: the first, "save"
        await wait_for(pilot, lambda: "save: saved" in main.status.line)
    assert "Harbour town keeps its night ferry" in out.read_text()
    assert "night ferry running" in out.read_text()


@pytest.mark.parametrize(
    ("setting", "environ", "method"),
    [
        ("off", {"TERM": "xterm-kitty"}, None),
        ("auto", {"TERM": "xterm-kitty"}, "kitty"),
        ("auto", {"KITTY_WINDOW_ID": "1", "TERM": "xterm-256color"}, "kitty"),
        ("auto", {"TERM": "xterm-kitty", "TMUX": "/tmp/t,1,0"}, "halfcell"),  # 0.12: no passthrough
        ("blocks", {"TERM": "xterm-kitty"}, "halfcell"),
        ("auto", {"TERM": "xterm-256color"}, "halfcell"),
        ("auto", {"TERM": "foot", "BYLINE_GRAPHICS": "kitty"}, "kitty"),
        ("auto", {"TERM": "xterm-kitty", "BYLINE_GRAPHICS": "bogus"}, "kitty"),
    ],
)
def test_the_drawing_method_comes_from_the_setting_and_the_environment(
    setting, environ, method
) -> None:
    from reader.tui.widgets.pictures import graphics_method

    assert graphics_method(setting, environ) == method


def test_a_picture_fits_the_pane_keeps_its_shape_and_never_grows() -> None:
    from reader.tui.widgets.pictures import MAX_ROWS, fit

    assert fit(400, 200, 100, (10, 20)) == (40, 10)  # its own size: 40 cells, half as high in px
    assert fit(4000, 2000, 100, (10, 20)) == (96, MAX_ROWS)  # 25 rows at 100 cols: narrowed to 24
    cols, rows = fit(4000, 500, 100, (10, 20))
    assert cols == 100 and rows == round(100 * 10 * 500 / 4000 / 20)
    assert fit(16, 16, 100, (10, 20)) == (2, 1)  # an icon stays small


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_in_tmux_the_picture_is_drawn_in_half_cells(http_server, tmp_path: Path) -> None:
    from test_tmux_e2e import REPO, Tmux

    http_server.route("/scene.png", body=png(300, 120, (20, 160, 60)), content_type="image/png")
    item = (
        "<item><title>Pictures in tmux</title><guid>t1</guid><link>http://127.0.0.1/t1</link>"
        "<description><![CDATA[<p>Above the picture.</p>"
        f'<p><img src="{http_server.url("/scene.png")}" alt="A green field"></p>'
        "<p>Below the picture.</p>]]></description></item>"
    )
    feed = tmp_path / "feed.xml"
    feed.write_text(f"<rss version='2.0'><channel><title>T</title>{item}</channel></rss>")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[settings]\nrefresh_on_start = false\n\n[[feeds]]\nurl = "{feed.as_uri()}"\n'
    )
    data = tmp_path / "data"
    env = {**os.environ, "BYLINE_CONFIG": str(config), "BYLINE_DATA_DIR": str(data)}
    refresh = subprocess.run(
        [sys.executable, "-m", "reader.cli", "refresh"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=60,
    )  # fmt: skip
    assert refresh.returncode == 0, refresh.stderr
    tmux = Tmux(f"byline-media-{os.getpid()}")
    try:
        command = (
            f"cd {REPO} && BYLINE_CONFIG={config} BYLINE_DATA_DIR={data} "
            f"TERM=xterm-256color {sys.executable} -m reader.cli"
        )
        tmux("new-session", "-d", "-s", "byline", "-x", "120", "-y", "40", "sh")
        tmux("send-keys", "-t", "byline", command, "Enter")
        tmux.wait_for("Pictures in tmux")
        tmux("send-keys", "-t", "byline", "Enter")
        screen = tmux.wait_for("▀▀▀▀")  # until then, its `[image: A green field]` line
        lines = screen.splitlines()
        drawn = [y for y, line in enumerate(lines) if "▀▀▀▀" in line]
        above = next(y for y, line in enumerate(lines) if "Above the picture" in line)
        assert drawn and above < drawn[0] and "A green field" in lines[drawn[-1] + 1]
        coloured = tmux("capture-pane", "-e", "-p", "-t", "byline")
        assert "▀" in coloured and "\x1b[38;" in coloured  # the blocks carry colours
        tmux("send-keys", "-t", "byline", "i")
        off = tmux.wait_for("[image: A green field]")
        assert "▀▀▀▀" not in off
        tmux("send-keys", "-t", "byline", "q")
    finally:
        tmux("kill-server", check=False)  # the server on our own socket only


async def test_a_feed_with_images_off_shows_lines_until_the_toggle(
    app_env: AppEnv, http_server
) -> None:
    entry_id = add_entry(app_env, "pics", picture_html(http_server))
    world = replace(WORLD, overrides={"images": "off"})
    app = app_env.app()
    app.config = replace(app.config, feeds=(world, *app.config.feeds[1:]))
    async with app.run_test(size=SIZE) as pilot:
        main = pilot.app.main
        await open_entry(pilot, entry_id)
        await pilot.pause(0.3)
        assert not main.article.content.pictures and not halfcell_rows(main)
        assert not http_server.requests_for("/cat.png")
        await pilot.press("i")  # the reader asks for them anyway: half-cells
        await wait_for(pilot, lambda: pictures_done(main) and halfcell_rows(main))
