"""Hostile feed text never reaches the terminal as control sequences, and links only ever
open as http(s) URLs handed to the browser as one argv item.

Payloads (ESC/CSI/OSC, OSC 52 clipboard writes, C1, other C0, bidi overrides, zero-width
characters) are put in every field a feed controls: feed title, entry title, author, link,
enclosure URL and type, summary, content (text and attributes), full text, and the quotes
found in them. They are checked after parse -> store -> render -> quotes, in the CLI's output
bytes, and at the browser opener.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from faultserver import FaultServer, respond

from reader.core.feeds.fetch import Fetcher
from reader.core.feeds.fulltext import fetch_one
from reader.core.quotes import extract
from reader.core.quotes.articles import article_quotes, render_entry
from reader.core.store import FullText, Store, View
from reader.core.text.parse import parse_feed
from reader.core.text.render import render_html
from reader.core.text.sanitize import clean_line, clean_text, clean_url, is_openable
from reader.tui import browser

REPO = Path(__file__).resolve().parents[1]

PAYLOADS = {
    "osc title": "\x1b]0;PWNED-TITLE\x07",
    "osc 52 clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "osc 8 hyperlink": "\x1b]8;;http://evil.example/\x1b\\",
    "tmux window rename": "\x1bkPWNED-RENAME\x1b\\",
    "csi clear": "\x1b[2J\x1b[H",
    "csi sgr": "\x1b[31;1m",
    "c1 csi": "\x9b2J",
    "c1 osc": "\x9d0;PWNED-C1\x9c",
    "bel bs cr": "\x07\x08\r",
    "nul del": "\x00\x7f",
    "bidi override": "\u202e",
    "zero width": "\u200b\u200d\u2060\ufeff",
}
ALL = "".join(PAYLOADS.values())

# Anything that a terminal would act on (C0 but \t \n, DEL, C1) or that disguises text.
BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\u2060\ufeff]")


def assert_clean(text: str, where: str = "", whole: bool = False) -> None:
    match = BAD.search(text or "")
    assert match is None, f"{where}: control character {match.group()!r} in {text[:200]!r}"
    if whole:
        # Whole sequences go, not just their ESC: no parameters left as visible garbage.
        # (Only where the ESC reaches the cleaner: XML parsers drop some themselves, which
        # leaves harmless text behind.)
        assert "PWNED" not in (text or ""), f"{where}: sequence parameters left in {text[:200]!r}"


def hostile(word: str) -> str:
    """A word with every payload around it."""
    return f"{ALL}{word}{ALL}"


# ---------------------------------------------------------------- feeds carrying payloads

QUOTE_HTML = (
    "<p>“We will {p}win this {p}election for every family,” said Jane {p}Doe, the "
    'candidate.</p><p>{p}Second paragraph with <a href="http://example.org/{p}x">a {p}link'
    '</a>, <a href="javascript:alert(1)">a script</a> and <img alt="{p}picture" src="x"></p>'
)


def json_feed() -> bytes:
    """JSON carries every code point as-is: the strictest test of cleaning at entry."""
    p = ALL
    item = {
        "id": f"id-{p}1",
        "url": f"http://example.org/a{p}b",
        "title": hostile("Headline"),
        "content_html": QUOTE_HTML.format(p=p),
        "summary": hostile("Summary"),
        "authors": [{"name": hostile("Author")}],
        "attachments": [{"url": f"http://example.org/e{p}.mp3", "mime_type": f"audio/{p}mpeg"}],
    }
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": hostile("Feedname"),
        "home_page_url": f"http://example.org/{p}",
        "items": [item],
    }
    return json.dumps(feed).encode()


def rss_feed(refs: bool) -> bytes:
    """RSS with the payloads raw (not well-formed XML: the loose parser reads it) or as
    numeric character references."""

    def x(text: str) -> str:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if refs:
            return "".join(f"&#{ord(c)};" if c in ALL else c for c in text)
        return text

    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{x(hostile("Feedname"))}</title><link>http://example.org/</link>
<item>
  <title>{x(hostile("Headline"))}</title>
  <link>{x(f"http://example.org/a{ALL}b")}</link>
  <guid>{x(f"guid-{ALL}")}</guid>
  <dc:creator>{x(hostile("Author"))}</dc:creator>
  <enclosure url="{x(f"http://example.org/e{ALL}.mp3")}" type="{x(f"audio/{ALL}mpeg")}" length="1"/>
  <description>{x(hostile("Summary"))}</description>
  <content:encoded>{x(QUOTE_HTML.format(p=ALL))}</content:encoded>
</item></channel></rss>""".encode()


def atom_feed() -> bytes:
    body = QUOTE_HTML.format(p=ALL).replace("&", "&amp;").replace("<", "&lt;")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{hostile("Feedname")}</title>
<id>urn:x</id><updated>2024-01-01T00:00:00Z</updated>
<entry><title type="html">{hostile("Headline")}</title><id>urn:{ALL}1</id>
<updated>2024-01-01T00:00:00Z</updated><link rel="alternate" href="http://example.org/a{ALL}b"/>
<link rel="enclosure" href="http://example.org/e{ALL}.mp3" type="audio/mpeg"/>
<author><name>{hostile("Author")}</name></author>
<content type="html">{body}</content></entry></feed>""".encode()


FEEDS = {
    "json feed": json_feed,
    "rss raw": lambda: rss_feed(refs=False),
    "rss char refs": lambda: rss_feed(refs=True),
    "atom": atom_feed,
}


@pytest.fixture(params=list(FEEDS))
def stored(request: pytest.FixtureRequest, tmp_path: Path):
    """A store holding the hostile feed, and the ids of its feed and entry."""
    parsed = parse_feed(FEEDS[request.param](), "http://example.org/feed")
    assert parsed.error is None, parsed.error
    assert parsed.entries, "the hostile feed must yield its entry"
    store = Store(tmp_path / "cache.db")
    from reader.core.config import FeedConfig

    store.sync_feeds([FeedConfig("http://example.org/feed")])
    feed = store.feed_by_url("http://example.org/feed")
    store.store_entries(feed.id, parsed.entries)
    store.update_feed(feed.id, title=parsed.title, link=parsed.link, status="ok")
    (row,) = store.page(View("all"))
    yield store, feed.id, row.id, request.param
    store.close()


def test_parsed_feed_fields_are_clean() -> None:
    for name, make in FEEDS.items():
        parsed = parse_feed(make(), "http://example.org/feed")
        whole = name == "json feed"
        assert_clean(parsed.title, f"{name} feed title", whole)
        assert_clean(parsed.link, f"{name} feed link", whole)
        for e in parsed.entries:
            for field in ("uid", "title", "author", "link"):
                assert_clean(getattr(e, field), f"{name} {field}", whole)
            for enclosure in e.enclosures:
                assert_clean(enclosure["url"], f"{name} enclosure url", whole)
                assert_clean(enclosure["type"] or "", f"{name} enclosure type", whole)


def test_the_words_survive_the_cleaning(stored) -> None:
    store, feed_id, entry_id, name = stored
    entry = store.entry(entry_id)
    assert "Headline" in entry.title
    assert "Feedname" in store.feed(feed_id).title
    if name == "json feed":  # the XML parsers drop some ESCs themselves and keep the rest
        assert entry.title == "Headline"
        assert entry.link == "http://example.org/ab"
    assert entry.link.startswith("http://example.org/a") and entry.link.endswith("b")


def test_store_rows_are_clean(stored) -> None:
    store, feed_id, entry_id, name = stored
    feed = store.feed(feed_id)
    assert_clean(feed.title, "feed title")
    assert_clean(feed.link, "feed link")
    (row,) = store.page(View("all"))
    for field in ("feed_title", "title", "author", "link"):
        assert_clean(getattr(row, field), f"row {field}")
    entry = store.entry(entry_id)
    for field in ("uid", "title", "author", "link", "feed_title", "feed_link"):
        assert_clean(getattr(entry, field), f"entry {field}")
    for enclosure in entry.enclosures:
        assert_clean(enclosure["url"], "enclosure url")
        assert_clean(enclosure["type"] or "", "enclosure type")
    search = store.page(View("search", "family election"))
    assert [r.id for r in search] == [entry_id]


def test_rendered_article_and_links_are_clean(stored) -> None:
    store, _, entry_id, _ = stored
    rendered = render_entry(store.entry(entry_id))
    assert_clean(rendered.text, "rendered text")
    assert "election" in rendered.text
    for link in rendered.links:
        assert_clean(link.text, "link text")
        assert_clean(link.url, "link url")
        assert is_openable(link.url), link.url
    assert all("javascript" not in link.url for link in rendered.links)


def test_quotes_and_saved_quotes_are_clean(stored) -> None:
    store, _, entry_id, _ = stored
    quotes = article_quotes(store, entry_id)
    assert quotes, "the quote in the hostile body is still found"
    for q in quotes:
        for field in ("text", "speaker", "cue"):
            assert_clean(getattr(q, field) or "", f"quote {field}")
    q = next(q for q in quotes if "election" in q.text)
    assert q.speaker and "Jane" in q.speaker
    store.save_quote(entry_id, q.text, q.kind, q.start, q.end, q.speaker, q.cue, "context")
    (saved,) = store.saved_quotes()
    for field in ("text", "speaker", "cue", "context", "entry_title", "entry_link", "feed_title"):
        assert_clean(getattr(saved, field) or "", f"saved quote {field}")


def test_full_text_is_clean_when_rendered(stored) -> None:
    store, _, entry_id, _ = stored
    page = QUOTE_HTML.format(p=ALL) + f"<h1>{hostile('Fulltitle')}</h1>"
    store.save_fulltext(
        FullText(entry_id, "http://example.org/a", page, None, None, None, time.time(), "ok", None)
    )
    rendered = render_entry(store.entry(entry_id), store.fulltext(entry_id))
    assert "Fulltitle" in rendered.text
    assert_clean(rendered.text, "full text")
    for q in extract(rendered.text):
        assert_clean(q.text, "full-text quote")


def test_full_text_fetched_from_a_hostile_page_is_clean(tmp_path: Path) -> None:
    """The page's own title and byline (shown above the article) are cleaned on the way in."""
    p = ALL.replace("\x00", "")  # a NUL makes it binary data, not a page
    page = (
        f"<html><head><title>{p}Pagetitle is long enough here{p}</title>"
        f'<meta name="author" content="{p}Bylinename{p}"></head><body><article>'
        + "".join(f"<p>{p}Paragraph number {i} of a real article body.</p>" for i in range(30))
        + QUOTE_HTML.format(p=p)
        + "</article></body></html>"
    )
    with FaultServer() as server, Store(tmp_path / "cache.db") as store:
        url = server.route("/page", respond(page.encode(), content_type="text/html"))
        from reader.core.config import FeedConfig
        from reader.core.text.parse import ParsedEntry

        store.sync_feeds([FeedConfig("http://example.org/feed")])
        feed = store.feed_by_url("http://example.org/feed")
        store.store_entries(feed.id, [ParsedEntry("u1", "T", link=url)])
        (row,) = store.page(View("all"))

        async def go() -> FullText:
            async with Fetcher() as fetcher:

                async def run(func, *args):
                    return func(*args)

                return await fetch_one(store, fetcher, run, row.id)

        text = asyncio.run(go())
    assert text.status == "ok", text.error
    for field in ("title", "byline", "published", "url"):
        assert_clean(getattr(text, field) or "", f"full text {field}")
    assert_clean(render_html(text.html, text.url).text, "full text body")


# ---------------------------------------------------------------- the engine's cleaners


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_every_cleaner_removes_each_payload(name: str) -> None:
    payload = PAYLOADS[name]
    for clean in (clean_text, clean_line, clean_url):
        out = clean(f"a{payload}b")
        assert_clean(out, f"{clean.__name__}({name})", whole=True)
        assert out == "ab"
    assert render_html(f"<p>a{payload}b</p>").text in ("ab", "a b")  # HTML: \r is a space


# ---------------------------------------------------------------- the CLI's output bytes


def run_cli(*args: str) -> tuple[int, bytes, bytes]:
    """The real CLI in a subprocess: (exit status, stdout bytes, stderr bytes)."""
    proc = subprocess.run(
        [sys.executable, "-m", "reader.cli", *args], capture_output=True, timeout=60, cwd=REPO
    )
    return proc.returncode, proc.stdout, proc.stderr


def call_cli(*args: str) -> tuple[int, bytes, bytes]:
    """`reader.cli.main` in-process, its output captured as the bytes a terminal would get."""
    from reader.cli import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.buffer.getvalue(), err.buffer.getvalue()


def assert_bytes_clean(data: bytes, where: str) -> None:
    assert b"\x1b" not in data, f"{where}: ESC in output"
    text = data.decode("utf-8")
    assert_clean(text, where)


COMMANDS = [
    ("entries",),
    ("entries", "--json"),
    ("entries", "--search", "family"),
    ("feeds",),
    ("feeds", "--json"),
    ("quotes", "--entry", "1"),
    ("quotes", "--entry", "1", "--json"),
    ("quotes",),
    ("quotes", "--json"),
    ("export",),
]


@pytest.mark.parametrize(
    ("name", "runner"),
    [(name, call_cli) for name in FEEDS] + [("json feed", run_cli)],
    ids=[f"{name}-in-process" for name in FEEDS] + ["json feed-subprocess"],
)
def test_cli_output_bytes_are_clean(name: str, runner, isolated_env: Path) -> None:
    feed_file = isolated_env / "hostile.feed"
    feed_file.write_bytes(FEEDS[name]())
    (isolated_env / "config.toml").write_text(
        f'[settings]\nrefresh_minutes = 0\n\n[[feeds]]\nurl = "{feed_file.as_uri()}"\n',
        encoding="utf-8",
    )
    outputs = {"refresh": runner("refresh")}
    assert outputs["refresh"][0] == 0, outputs["refresh"]
    with Store.in_dir(isolated_env / "data") as store:
        (row,) = store.page(View("all"))
        assert row.id == 1
        q = next(q for q in article_quotes(store, row.id) if "election" in q.text)
        store.save_quote(row.id, q.text, q.kind, q.start, q.end, q.speaker, q.cue, "ctx")
    commands = COMMANDS if runner is call_cli else [("entries",), ("feeds",), ("quotes",)]
    for args in commands:
        outputs[" ".join(args)] = runner(*args)
    for what, (code, stdout, stderr) in outputs.items():
        assert code == 0, (what, stderr)
        assert_bytes_clean(stdout, f"byline {what} stdout")
        assert_bytes_clean(stderr, f"byline {what} stderr")
    assert b"Headline" in outputs["entries"][1]
    assert b"Feedname" in outputs["feeds"][1]
    assert b"election" in outputs["quotes"][1]
    if runner is call_cli:
        assert b"Jane" in outputs["quotes --entry 1"][1]


# ---------------------------------------------------------------- opening links


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "javascript://example.org/%0Aalert(1)",  # has a "host": only the scheme refuses it
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "data://example.org/text/html,x",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.org/x",
        "mailto:a@example.org",
        "http://example.org/a b",
        "http://example.org/a\nb",
        "http://example.org/\tb",
        " http://example.org/",
        "http://example.org/\x1b]0;x\x07",
        "http://example.org/\u202e",
        "http://",
        "http:///path",
        "//example.org/x",
        "example.org",
        "",
    ],
)
def test_unsafe_urls_are_not_openable(url: str) -> None:
    assert not is_openable(url)


@pytest.mark.parametrize(
    "url", ["http://example.org/", "https://example.org/a?b=c#d", "HTTPS://Example.org/x"]
)
def test_http_urls_are_openable(url: str) -> None:
    assert is_openable(url)


@pytest.fixture
def fake_browser(tmp_path: Path) -> tuple[Path, Path]:
    """A 'browser' that records its argv as JSON; returns (script, record file). It lives in
    a folder with spaces in its name, as on many desktops ("Program Files", "My Apps")."""
    record = tmp_path / "argv.json"
    folder = tmp_path / "my browsers"
    folder.mkdir()
    script = folder / "fake browser"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(record)!r}, 'w').write(json.dumps(sys.argv))\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script, record


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen]:
    """Every process the browser opener starts (real processes, only recorded), so a test
    can wait for them to end instead of sleeping and hoping they did."""
    procs: list[subprocess.Popen] = []
    real = subprocess.Popen

    def spy(*args, **kwargs) -> subprocess.Popen:
        proc = real(*args, **kwargs)
        procs.append(proc)
        return proc

    monkeypatch.setattr(browser.subprocess, "Popen", spy)
    return procs


def run_browser(url: str, command: str, launched: list[subprocess.Popen]) -> None:
    """open_url, then wait until everything it started has exited."""
    browser.open_url(url, command)
    assert len(launched) == 1, launched
    assert launched[0].wait(timeout=30) == 0


@pytest.mark.parametrize(
    "template",
    [
        "http://example.org/?q=$(touch${{IFS}}{m})",
        "http://example.org/`touch${{IFS}}{m}`",
        "http://example.org/';touch${{IFS}}{m};'",
        'http://example.org/";touch${{IFS}}{m};"',
        "http://example.org/a|touch${{IFS}}{m}",
        "http://example.org/a&&touch${{IFS}}{m}",
    ],
)
def test_shell_syntax_in_a_url_is_inert(
    template: str, fake_browser, launched, tmp_path: Path
) -> None:
    script, record = fake_browser
    marker = tmp_path / "marker"
    url = template.format(m=marker)
    assert is_openable(url)
    run_browser(url, f"{shlex.quote(str(script))} --new-tab", launched)
    assert json.loads(record.read_text()) == [str(script), "--new-tab", url]
    assert not marker.exists()


@pytest.mark.parametrize(
    "command",
    [
        "'{script}' --new-tab",
        '"{script}" --new-tab',
        "{escaped} --new-tab",
    ],
)
def test_a_browser_path_with_spaces_is_one_argv_item(command: str, fake_browser, launched) -> None:
    """The `browser` setting is split as a shell would split it (quotes and backslashes),
    without a shell: a path with spaces stays one program name."""
    script, record = fake_browser
    escaped = str(script).replace(" ", "\\ ")
    run_browser("https://example.org/a", command.format(script=script, escaped=escaped), launched)
    assert json.loads(record.read_text()) == [str(script), "--new-tab", "https://example.org/a"]


def test_an_unbalanced_browser_setting_is_a_clear_error(launched) -> None:
    with pytest.raises(browser.BrowserError, match="not a valid command"):
        browser.open_url("https://example.org/a", "'/opt/my browser --new-tab")
    assert launched == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "http://example.org/$(touch MARK)",
        "http://example.org/'; rm -rf ~",
        "http://example.org/a\ntouch MARK",
    ],
)
def test_unsafe_urls_never_reach_the_browser(
    url: str, fake_browser, launched, tmp_path: Path
) -> None:
    script, record = fake_browser
    marker = tmp_path / "MARK"
    with pytest.raises(browser.BrowserError, match="only http and https"):
        browser.open_url(url.replace("MARK", str(marker)), shlex.quote(str(script)))
    assert launched == []  # nothing was started, so nothing can still be on its way
    assert not record.exists() and not marker.exists()
