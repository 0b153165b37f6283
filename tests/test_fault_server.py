"""Broken servers: each failure is recorded on its feed in plain words, the feed backs off,
and a good feed refreshed in the same run is not affected.

All feeds live on one misbehaving server (tests/faultserver.py) and are refreshed together,
twice (the second time with --force semantics), then once more without force.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from faultserver import (
    FaultServer,
    bad_chunked,
    changing_feed,
    closed_port_url,
    invalid_gzip,
    redirect,
    reset_mid_body,
    respond,
    short_body,
)

from reader.core.config import parse as parse_config
from reader.core.feeds.refresh import refresh
from reader.core.store import Store, View


def rss(items: list[tuple[str, str]], title: str = "Good", encoding: str | None = None) -> str:
    decl = f' encoding="{encoding}"' if encoding else ""
    body = "".join(
        f"<item><title>{t}</title><guid>{t}</guid><description>{d}</description></item>"
        for t, d in items
    )
    return (
        f'<?xml version="1.0"{decl}?>\n<rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.org/</link>{body}</channel></rss>"
    )


GOOD = rss([(f"Good item {i}", "word " * 200) for i in range(20)]).encode()
CYRILLIC = rss([("Привет мир", "Москва и Иван читают новости")], title="Новости")
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Shop</title></head>"
    b"<body><p>Hello<br><img src=x></body></html>"
)


def changing(n: int) -> bytes:
    return rss([(f"Edition {n}", f"body {n}"), ("Evergreen", "same")], title="Changing").encode()


# (name, path, handler, words the error must contain)
FAULTS = [
    ("reset", "/reset", reset_mid_body(GOOD), "reset by the server"),
    ("bad chunked", "/chunked", bad_chunked(), "broke off the response"),
    ("short body", "/short", short_body(GOOD), "broke off the response"),
    ("invalid gzip", "/gzip", invalid_gzip(), "could not be decoded"),
    ("redirect loop", "/loop", redirect("/loop2"), "too many redirects"),
    ("redirect to file", "/to-file", redirect("file:///etc/passwd"), "not http(s)"),
    ("redirect to ftp", "/to-ftp", redirect("ftp://127.0.0.1/feed.xml"), "not http(s)"),
    ("html page", "/html", respond(HTML_PAGE, content_type="text/html"), "HTML page, not a feed"),
    ("empty body", "/empty", respond(b""), "empty response"),
    (
        "429",
        "/busy",
        respond(b"slow down", status=429, content_type="text/plain", Retry_After="3000"),
        "too many requests",
    ),
]
CHARSETS = [
    # cp1251 bytes, HTTP says utf-8 and the document says nothing: feedparser's fallbacks
    # (utf-8 fails, then it tries others) still find the Cyrillic words.
    ("cp1251 as utf-8", "/cp1251-as-utf8", CYRILLIC.encode("cp1251"), "utf-8"),
    # cp1251 bytes, HTTP says utf-8, the document's prolog says windows-1251.
    (
        "cp1251 declared in prolog",
        "/cp1251-prolog",
        rss([("Привет мир", "Москва и Иван читают новости")], "Новости", "windows-1251").encode(
            "cp1251"
        ),
        "utf-8",
    ),
    # utf-8 bytes, HTTP says windows-1251: the bytes are not valid cp1251 text (0x98), so
    # the declared charset is overridden and utf-8 wins.
    ("utf-8 as cp1251", "/utf8-as-cp1251", CYRILLIC.encode("utf-8"), "windows-1251"),
]


class Run:
    """Outcomes of three refreshes of every feed: snapshots of the feed rows after each."""

    def __init__(self, data_dir: Path, urls: dict[str, str]) -> None:
        self.data_dir, self.urls = data_dir, urls
        self.after: list[dict[str, object]] = []
        self.reports: list = []
        self.started: list[float] = []

    def snapshot(self) -> None:
        with Store.in_dir(self.data_dir) as store:
            self.after.append({name: store.feed_by_url(url) for name, url in self.urls.items()})

    def entries(self, name: str) -> list:
        with Store.in_dir(self.data_dir) as store:
            feed = store.feed_by_url(self.urls[name])
            return [store.entry(r.id) for r in store.page(View("feed", feed.id), 0, 1000)]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("faults")
    with FaultServer() as server:
        urls = {"closed port": closed_port_url()}
        for name, path, handler, _ in FAULTS:
            urls[name] = server.route(path, handler)
        server.route("/loop2", redirect("/loop"))
        for name, path, body, charset in CHARSETS:
            urls[name] = server.route(
                path, respond(body, content_type=f"application/rss+xml; charset={charset}")
            )
        urls["changing"] = server.route("/changing", changing_feed(changing))
        urls["good"] = server.route("/good", respond(GOOD))
        # dedupe off: the charset feeds tell the same story, and each is checked on its own.
        text = "[settings]\ntimeout_s = 5\nrefresh_minutes = 30\ndedupe = false\n" + "".join(
            f'\n[[feeds]]\nurl = "{url}"\n' for url in urls.values()
        )
        config = parse_config(text, root / "config.toml")
        result = Run(root / "data", urls)
        for force in (False, True, False):
            result.started.append(time.time())
            result.reports.append(refresh(config, result.data_dir, force=force))
            result.snapshot()
        result.hits = {path: server.hits(path) for _, path, _, _ in FAULTS}
        yield result


@pytest.mark.parametrize(
    ("name", "words"),
    [("closed port", "connection refused")] + [(n, w) for n, _, _, w in FAULTS],
)
def test_failure_is_recorded_in_plain_words_and_backs_off(run: Run, name: str, words: str) -> None:
    first, second, third = (snap[name] for snap in run.after)
    assert first.status == "error"
    assert words in first.error, first.error
    assert first.entry_count == 0
    # Backoff: failures count up, and the wait after the second failure is longer.
    assert (first.failures, second.failures) == (1, 2)
    wait1 = first.next_due - first.checked_at
    wait2 = second.next_due - second.checked_at
    assert wait1 >= 30 * 60 - 1
    assert wait2 > wait1
    # The third refresh, without force, leaves a backing-off feed alone.
    assert third.failures == 2 and third.checked_at == second.checked_at
    outcome = next(o for o in run.reports[2].outcomes if o.url == run.urls[name])
    assert outcome.status == "skipped" and "backing off" in outcome.error


def test_retry_after_is_honoured(run: Run) -> None:
    busy = run.after[0]["429"]
    assert busy.http_status == 429
    assert busy.next_due >= busy.checked_at + 3000


def test_a_redirect_loop_is_bounded(run: Run) -> None:
    # MAX_REDIRECTS is 5: at most 6 requests per refresh across /loop and /loop2.
    assert run.hits["/loop"] <= 3 * 2


@pytest.mark.parametrize("name", [n for n, *_ in CHARSETS])
def test_wrong_charset_declarations_stay_readable(run: Run, name: str) -> None:
    feed = run.after[0][name]
    assert feed.status == "ok", feed.error
    assert feed.title == "Новости"
    (entry,) = run.entries(name)
    assert entry.title == "Привет мир"
    assert "Москва" in entry.summary and "Иван" in entry.summary


def test_good_feed_in_the_same_run_is_unaffected(run: Run) -> None:
    for snap in run.after:
        good = snap["good"]
        assert good.status in ("ok", "not_modified") and good.error is None
        assert good.failures == 0 and good.entry_count == 20
    titles = {e.title for e in run.entries("good")}
    assert titles == {f"Good item {i}" for i in range(20)}
    assert run.reports[0].count("ok") == 1 + len(CHARSETS) + 1  # good, charsets, changing


def test_a_feed_that_changes_every_request_keeps_every_edition(run: Run) -> None:
    snaps = [snap["changing"] for snap in run.after]
    assert all(s.status == "ok" and s.failures == 0 for s in snaps)
    titles = sorted(e.title for e in run.entries("changing"))
    assert titles == ["Edition 1", "Edition 2", "Edition 3", "Evergreen"]
