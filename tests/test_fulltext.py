"""Full articles, offline: fetched from a real HTTP server on 127.0.0.1, extracted, kept.

Covers per-feed `full_text` during refresh, saving an entry fetches its text, `F` in the app,
failures recorded with reasons (404, non-HTML, oversize, timeout), no retry loop, and reading
the kept article again with the server gone.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest
from conftest import corpus_path
from httpserver import FeedServer

from reader.core.config import Config, ConfigError, FeedConfig, Settings
from reader.core.config import load as load_config
from reader.core.feeds.refresh import refresh
from reader.core.quotes.articles import article_quotes, render_entry
from reader.core.store import Store, View

ARTICLE = """<!doctype html><html><head><meta charset="utf-8">
<title>Harbour keeps its ferry | The Gazette</title>
<meta property="og:title" content="Harbour keeps its ferry"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour keeps its ferry</h1><p class="byline">By Mara Lindqvist</p>
<p>The council of Port Averne voted on Tuesday to keep the night ferry running for at least two
more years, ending a debate that had filled the town hall for three long evenings.</p>
<p>“The ferry is not a luxury, it is how our nurses get home,” said Councillor Ines Okafor, who
led the campaign to save the crossing across the bay.</p>
<p>The harbour master told reporters the boat had carried more passengers this autumn than in
any year since it was launched, and that the timetable would stay as it is.</p>
<p>Treasurer Paul Whitcombe warned that the vote left a hole in next year's budget which
nobody has yet explained how to fill, and the council will meet again in the spring.</p>
</article><footer>Copyright The Gazette. Subscribe to our newsletter.</footer></body></html>"""


def rss(items: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>Only a summary of {t}.</description></item>"
        for t, link in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>{body}</channel></rss>'


@pytest.fixture
def server() -> FeedServer:
    with FeedServer() as srv:
        yield srv


def config_for(tmp_path: Path, feeds: list[FeedConfig], **settings) -> Config:
    base = Settings(refresh_on_start=False, timeout_s=2.0)
    return Config(tmp_path / "config.toml", replace(base, **settings), tuple(feeds))


def entry_id(data_dir: Path, link: str) -> int:
    with Store.in_dir(data_dir) as store:
        return store._rows("SELECT id FROM entries WHERE link = ?", [link])[0][0]


def test_full_text_feed_fetches_each_new_page_once(tmp_path: Path, server: FeedServer) -> None:
    page = server.route("/a", body=ARTICLE, content_type="text/html; charset=utf-8")
    feed = server.route("/feed", body=rss([("Ferry", page)]), content_type="application/rss+xml")
    config = config_for(tmp_path, [FeedConfig(feed, overrides={"full_text": True})])
    report = refresh(config, tmp_path)
    assert report.fulltexts == 1 and report.fulltext_errors == 0
    ident = entry_id(tmp_path, page)
    with Store.in_dir(tmp_path) as store:
        kept = store.fulltext(ident)
        assert kept.status == "ok" and "nurses get home" in kept.html
        assert kept.title == "Harbour keeps its ferry"
        text = render_entry(store.entry(ident), kept).text
        assert "Port Averne" in text and "Subscribe to our newsletter" not in text
        # The kept article is searchable and quotes come from it.
        assert store.count(View("search", "Whitcombe")) == 1
        assert any(q.speaker and "Okafor" in q.speaker for q in article_quotes(store, ident))
    refresh(config, tmp_path)
    assert len(server.requests_for("/a")) == 1, "a page is fetched once, not on every refresh"


def test_feeds_without_full_text_fetch_no_pages(tmp_path: Path, server: FeedServer) -> None:
    page = server.route("/a", body=ARTICLE, content_type="text/html")
    feed = server.route("/feed", body=rss([("Ferry", page)]))
    refresh(config_for(tmp_path, [FeedConfig(feed)]), tmp_path)
    assert server.requests_for("/a") == []


@pytest.mark.parametrize(
    ("route", "expect"),
    [
        ({"status": 404}, "HTTP 404"),
        ({"body": b"%PDF-1.7 binary", "content_type": "application/pdf"}, "not an HTML page"),
        (
            {"body": "<html><body>" + "x" * 5000 + "</body></html>", "content_type": "text/html"},
            "too large",
        ),
        ({"body": ARTICLE, "content_type": "text/html", "delay": 4}, "timed out"),
        (
            {
                "body": "<html><body><script>app()</script></body></html>",
                "content_type": "text/html",
            },
            "no article text",
        ),
    ],
    ids=["404", "non-html", "oversize", "timeout", "script-only"],
)
def test_failures_are_recorded_with_reasons_and_not_retried(
    tmp_path: Path, server: FeedServer, route: dict, expect: str
) -> None:
    page = server.route("/bad", **route)
    feed = server.route("/feed", body=rss([("Bad page", page)]))
    config = config_for(tmp_path, [FeedConfig(feed, overrides={"full_text": True})], max_bytes=4000)
    report = refresh(config, tmp_path)
    assert report.fulltext_errors == 1
    ident = entry_id(tmp_path, page)
    with Store.in_dir(tmp_path) as store:
        kept = store.fulltext(ident)
        assert kept.status == "error" and expect in kept.error
        # The reader keeps the feed's content.
        assert "Only a summary" in render_entry(store.entry(ident), kept).text
    tries = len(server.requests_for("/bad"))
    refresh(config, tmp_path)
    assert len(server.requests_for("/bad")) == tries, "a recorded failure is not retried in a loop"


def test_refresh_full_text_flag_fills_saved_entries(tmp_path: Path, server: FeedServer) -> None:
    page = server.route("/a", body=ARTICLE, content_type="text/html")
    feed = server.route("/feed", body=rss([("Ferry", page)]))
    config = config_for(tmp_path, [FeedConfig(feed)])
    refresh(config, tmp_path)
    ident = entry_id(tmp_path, page)
    with Store.in_dir(tmp_path) as store:
        store.set_saved(ident, True)
    refresh(config, tmp_path)
    assert server.requests_for("/a") == [], "plain refresh leaves saved entries alone"
    report = refresh(config, tmp_path, full_text=True)
    assert report.fulltexts == 1
    with Store.in_dir(tmp_path) as store:
        assert store.fulltext(ident).status == "ok"


def test_fetch_text_cli_and_offline_reopen(tmp_path: Path, run_cli, write_config) -> None:
    with FeedServer() as server:
        page = server.route("/a", body=ARTICLE, content_type="text/html")
        feed = server.route("/feed", body=rss([("Ferry", page)]))
        write_config([feed])
        assert run_cli("refresh").returncode == 0
        data_dir = tmp_path / "data"
        ident = entry_id(data_dir, page)
        done = run_cli("fetch-text", str(ident))
        assert done.returncode == 0, done.stderr
        assert "Fetched the full text" in done.stdout
    # The server is gone: the article still opens whole, and a new fetch says why it failed.
    with Store.in_dir(data_dir) as store:
        kept = store.fulltext(ident)
        assert "nurses get home" in render_entry(store.entry(ident), kept).text
    quotes = run_cli("quotes", "--entry", str(ident), "--json")
    assert "nurses get home" in quotes.stdout
    again = run_cli("fetch-text", str(ident))
    assert again.returncode == 1 and "connection refused" in again.stdout
    missing = run_cli("fetch-text", "999999")
    assert missing.returncode == 2 and "no entry 999999" in missing.stderr


async def test_app_F_fetches_full_text_and_save_keeps_it(
    tmp_path: Path, server: FeedServer
) -> None:
    from reader.tui.app import BylineApp

    page = server.route("/a", body=ARTICLE, content_type="text/html")
    other = server.route(
        "/b", body=ARTICLE.replace("Port Averne", "Port Bellmere"), content_type="text/html"
    )
    feed = server.route("/feed", body=rss([("Ferry", page), ("Second", other)]))
    config = config_for(tmp_path, [FeedConfig(feed)])
    await asyncio.to_thread(refresh, config, tmp_path)  # refresh owns its event loop
    first, second = entry_id(tmp_path, page), entry_id(tmp_path, other)
    app = BylineApp(config, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "F")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        main = pilot.app.main
        assert main.article_source == "full"
        opened = main.article_id
        town = "Port Averne" if opened == first else "Port Bellmere"
        assert town in "\n".join(main.article.text_lines)
        await pilot.press("j", "s")  # save the other entry: its page is fetched and kept
        await pilot.app.workers.wait_for_complete()
    saved = second if opened == first else first
    with Store.in_dir(tmp_path) as store:
        assert store.fulltext(opened).status == "ok"
        assert store.entry(saved).saved
        assert store.fulltext(saved).status == "ok"


# --- per-feed CSS selector (issue 25) ------------------------------------------------------


def _real_page_run(tmp_path: Path, server: FeedServer, selector: str | None) -> str:
    """Serve the corpus page herald-sun-1 from 127.0.0.1 under a feed, refresh with a config
    written as TOML (so the key's parsing is part of the test), return the kept text."""
    source = corpus_path("articles", "herald-sun-1", "source.html").read_bytes()
    page = server.route("/story", body=source, content_type="text/html; charset=utf-8")
    feed = server.route("/feed", body=rss([("Story", page)]))
    line = f"full_text_selector = {json.dumps(selector)}\n" if selector else ""
    tmp_path.mkdir()
    path = tmp_path / "config.toml"
    path.write_text(
        "[settings]\nrefresh_on_start = false\ntimeout_s = 5\n\n"
        f'[[feeds]]\nurl = "{feed}"\nfull_text = true\n{line}',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.feeds[0].full_text_selector == selector
    data = tmp_path / "data"
    assert refresh(config, data).fulltexts == 1
    ident = entry_id(data, page)
    with Store.in_dir(data) as store:
        kept = store.fulltext(ident)
        assert kept.status == "ok", kept.error
        return render_entry(store.entry(ident), kept).text


def _f1(got: str, expected_html: str) -> float:
    want = Counter(
        re.findall(r"\w+", lxml.html.fromstring(expected_html).text_content().casefold())
    )
    have = Counter(re.findall(r"\w+", got.casefold()))
    overlap = sum((want & have).values())
    p, r = overlap / sum(have.values()), overlap / sum(want.values())
    return 2 * p * r / (p + r)


def test_feed_selector_picks_the_article_on_a_real_page(tmp_path: Path, server: FeedServer) -> None:
    """On herald-sun-1 the automatic path keeps the page's side stories (F1 0.89 against the
    expected article); the feed's selector `.story-body` gives the article alone."""
    expected = corpus_path("articles", "herald-sun-1", "expected.html").read_text("utf-8")
    auto = _real_page_run(tmp_path / "auto", server, None)
    chosen = _real_page_run(tmp_path / "sel", server, ".story-body")
    assert _f1(auto, expected) < 0.95
    assert _f1(chosen, expected) > 0.98


def test_feed_selector_that_matches_nothing_falls_back(tmp_path: Path, server: FeedServer) -> None:
    """A site redesign must not cost the article: a selector that finds no text is ignored."""
    page = server.route("/a", body=ARTICLE, content_type="text/html")
    feed = server.route("/feed", body=rss([("Ferry", page)]))
    fc = FeedConfig(feed, overrides={"full_text": True}, full_text_selector="div.gone-since-2024")
    refresh(config_for(tmp_path, [fc]), tmp_path)
    with Store.in_dir(tmp_path) as store:
        kept = store.fulltext(entry_id(tmp_path, page))
    assert kept.status == "ok" and "nurses get home" in kept.html


@pytest.mark.parametrize("value", ['"div[["', '""', "3"])
def test_bad_selector_is_a_config_error_with_its_line(tmp_path: Path, value: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[[feeds]]\nurl = "https://example.org/feed"\nfull_text_selector = {value}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "full_text_selector" in str(err.value) and err.value.line == 3
