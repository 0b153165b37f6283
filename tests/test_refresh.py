"""Refresh end to end against a real HTTP server on 127.0.0.1 and a real SQLite cache.

Each test scripts the server, runs the engine's `refresh()` (its real fetcher, process pool
and store), then checks both what the server saw and what landed in the cache.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from httpserver import FeedServer, Response, http_date
from samples import FORMATS, MALFORMED, SALVAGEABLE, atom10, items, rss20

from reader.core import config as cfg
from reader.core.feeds.refresh import RefreshReport, refresh
from reader.core.store import Store, View

LAST_MODIFIED = http_date(1_700_000_000)


def run(config_path: Path, data: Path, **kwargs) -> RefreshReport:
    return refresh(cfg.load(config_path), data, **kwargs)


def store_at(data: Path) -> Store:
    return Store.in_dir(data)


def outcome(report: RefreshReport, url: str):
    return next(o for o in report.outcomes if o.url == url)


@pytest.fixture
def data(isolated_env: Path) -> Path:
    return isolated_env / "data"


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_is_stored(name, http_server, write_config, data):
    build, mime = FORMATS[name]
    url = http_server.route(f"/{name}", body=build(items(3)), content_type=mime)
    report = run(write_config([url]), data)
    assert outcome(report, url).status == "ok", outcome(report, url).error
    assert outcome(report, url).new == 3
    with store_at(data) as store:
        feed = store.feed_by_url(url)
        assert feed.status == "ok" and feed.entry_count == 3 == feed.unread_count
        rows = store.page(View("feed", feed.id))
        assert sorted(r.title for r in rows) == ["Story 0", "Story 1", "Story 2"]
        entry = store.entry(rows[0].id)
        assert "Body of story" in entry.body_html
        assert entry.link.startswith("https://example.org/story/")


def test_gzip_body_is_decoded_and_accept_encoding_sent(http_server, write_config, data):
    url = http_server.route("/gz", body=rss20(items(2)), gzip=True)
    report = run(write_config([url]), data)
    assert outcome(report, url).status == "ok" and outcome(report, url).new == 2
    assert "gzip" in http_server.requests_for("/gz")[0].headers.get("accept-encoding", "")


def test_file_url_feed(tmp_path, write_config, data):
    path = tmp_path / "local feed.xml"  # a space, to prove the URL is unquoted
    path.write_text(atom10(items(2)), encoding="utf-8")
    report = run(write_config([path.as_uri()]), data)
    assert outcome(report, path.as_uri()).status == "ok"
    assert outcome(report, path.as_uri()).new == 2


# ---------------------------------------------------------------- conditional GET


def test_second_refresh_is_304_and_sends_validators(http_server, write_config, data):
    url = http_server.route("/cond", body=rss20(items(2)), etag='"v1"', last_modified=LAST_MODIFIED)
    config = write_config([url])
    assert outcome(run(config, data), url).status == "ok"
    second = outcome(run(config, data), url)
    assert second.status == "not_modified" and second.http_status == 304
    first_req, second_req = http_server.requests_for("/cond")
    assert "if-none-match" not in first_req.headers
    assert second_req.headers["if-none-match"] == '"v1"'
    assert second_req.headers["if-modified-since"] == LAST_MODIFIED
    with store_at(data) as store:
        feed = store.feed_by_url(url)
        assert (feed.status, feed.etag, feed.last_modified) == (
            "not_modified",
            '"v1"',
            LAST_MODIFIED,
        )
        assert feed.entry_count == 2


def test_a_304_without_validators_keeps_the_stored_ones(http_server, write_config, data):
    """RFC 9110 lets a 304 omit ETag/Last-Modified: the stored ones still stand, and the
    next request sends them again (forgetting them would cost a full download each time)."""
    first = Response(body=rss20(items(2)), etag='"v1"', last_modified=LAST_MODIFIED)
    url = http_server.script("/bare304", [first, Response(status=304)])
    config = write_config([url])
    assert outcome(run(config, data), url).status == "ok"
    for _ in range(2):
        assert outcome(run(config, data), url).status == "not_modified"
        with store_at(data) as store:
            feed = store.feed_by_url(url)
            assert (feed.etag, feed.last_modified) == ('"v1"', LAST_MODIFIED)
    third = http_server.requests_for("/bare304")[2]
    assert third.headers["if-none-match"] == '"v1"'
    assert third.headers["if-modified-since"] == LAST_MODIFIED


def test_last_modified_alone_gives_304(http_server, write_config, data):
    url = http_server.route("/lm", body=rss20(items(1)), last_modified=LAST_MODIFIED)
    config = write_config([url])
    run(config, data)
    assert outcome(run(config, data), url).status == "not_modified"
    assert http_server.requests_for("/lm")[1].headers["if-modified-since"] == LAST_MODIFIED


def test_no_validators_same_body_is_not_reparsed(http_server, write_config, data):
    url = http_server.route("/plain", body=rss20(items(2)))
    config = write_config([url])
    assert outcome(run(config, data), url).status == "ok"
    with store_at(data) as store:
        store.set_read([r.id for r in store.page(View("all"))])
    second = outcome(run(config, data), url)
    assert second.status == "not_modified" and second.http_status == 200
    with store_at(data) as store:
        assert store.feed_by_url(url).status == "not_modified"
    # A changed body is parsed again.
    http_server.route("/plain", body=rss20(items(3)))
    third = outcome(run(config, data), url)
    assert (third.status, third.new) == ("ok", 1)


# ---------------------------------------------------------------- redirects


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_updates_fetch_url(code, http_server, write_config, data):
    old = http_server.route("/old", redirect="/new", status=code)
    new = http_server.route("/new", body=rss20(items(2)))
    config = write_config([old])
    assert outcome(run(config, data), old).status == "ok"
    with store_at(data) as store:
        feed = store.feed_by_url(old)  # the config's URL stays the key
        assert feed.fetch_url == new and feed.entry_count == 2
    http_server.reset()
    http_server.route("/new", body=rss20(items(3)))
    assert outcome(run(config, data), old).new == 1
    assert [r.route for r in http_server.requests] == ["/new"]


def test_temporary_redirect_keeps_the_url(http_server, write_config, data):
    old = http_server.route("/tmp", redirect="/elsewhere", status=302)
    http_server.route("/elsewhere", body=rss20(items(2)))
    config = write_config([old])
    assert outcome(run(config, data), old).status == "ok"
    with store_at(data) as store:
        assert store.feed_by_url(old).fetch_url is None
    run(config, data)
    assert len(http_server.requests_for("/tmp")) == 2


def test_redirect_loop_is_bounded(http_server, write_config, data):
    url = http_server.route("/loop", redirect="/loop", status=302)
    result = outcome(run(write_config([url]), data), url)
    assert result.status == "error" and "redirect" in result.error
    assert len(http_server.requests_for("/loop")) <= 6


# ---------------------------------------------------------------- failures


@pytest.mark.parametrize(
    ("code", "words"), [(404, "not found"), (410, "gone"), (500, "internal error")]
)
def test_http_errors_are_recorded(code, words, http_server, write_config, data):
    url = http_server.route(f"/e{code}", status=code, body="nope")
    result = outcome(run(write_config([url]), data), url)
    assert (result.status, result.http_status) == ("error", code)
    with store_at(data) as store:
        feed = store.feed_by_url(url)
        assert feed.status == "error" and feed.http_status == code and feed.failures == 1
        assert str(code) in feed.error and words in feed.error
        assert feed.next_due > time.time()


def test_429_retry_after_backs_off_until_forced(http_server, write_config, data):
    url = http_server.route("/busy", status=429, retry_after=7200)
    config = write_config([url])
    before = time.time()
    result = outcome(run(config, data), url)
    assert (result.status, result.http_status) == ("error", 429)
    with store_at(data) as store:
        feed = store.feed_by_url(url)
        assert feed.next_due >= before + 7200 and "429" in feed.error
    skipped = outcome(run(config, data), url)
    assert skipped.status == "skipped" and "--force" in skipped.error
    assert len(http_server.requests_for("/busy")) == 1  # the backing-off feed was not asked
    http_server.route("/busy", body=rss20(items(1)))
    forced = outcome(run(config, data, force=True), url)
    assert forced.status == "ok" and len(http_server.requests_for("/busy")) == 2
    with store_at(data) as store:
        assert store.feed_by_url(url).failures == 0


def test_retry_after_as_http_date(http_server, write_config, data):
    url = http_server.route("/busy2", status=503, retry_after=http_date(time.time() + 3 * 3600))
    run(write_config([url]), data)
    with store_at(data) as store:
        assert store.feed_by_url(url).next_due >= time.time() + 3 * 3600 - 60


def test_slow_server_hits_the_timeout(http_server, write_config, data):
    slow = http_server.route("/slow", body=rss20(items(1)), delay=30)
    started = time.monotonic()
    result = outcome(run(write_config([slow], timeout_s=1), data), slow)
    # Ended by the 1 s timeout, not by the server's 30 s: a 15x margin for a loaded machine.
    assert time.monotonic() - started < 15
    assert result.status == "error" and "timed out" in result.error


def test_slow_drip_hits_the_total_deadline(http_server, write_config, data):
    """A body that trickles in (each read well inside the timeout) still ends at the deadline."""
    body = rss20(items(60))  # 15 KB at 64 bytes per 0.2 s: 45 s to send it all
    drip = http_server.route("/drip", body=body, drip=(64, 0.2))
    started = time.monotonic()
    result = outcome(run(write_config([drip], timeout_s=1), data), drip)
    # Ended by the 1 s deadline, not by the end of the body: a 15x margin for a loaded machine.
    assert time.monotonic() - started < 15
    assert result.status == "error" and "timed out" in result.error


@pytest.mark.parametrize("declared", [True, False])
def test_oversize_body_is_refused(declared, http_server, write_config, data):
    big = rss20(items(60))
    assert len(big) > 5000
    url = http_server.route("/big", body=big, declare_length=declared)
    result = outcome(run(write_config([url], max_bytes=5000), data), url)
    assert result.status == "error" and "too large" in result.error
    with store_at(data) as store:
        assert store.feed_by_url(url).entry_count == 0


def test_malformed_xml_reason_is_recorded(http_server, write_config, data):
    url = http_server.route("/bad", body=MALFORMED)
    result = outcome(run(write_config([url]), data), url)
    assert result.status == "error" and "malformed" in result.error
    with store_at(data) as store:
        feed = store.feed_by_url(url)
        assert feed.status == "error" and "malformed" in feed.error


def test_malformed_xml_after_good_items_keeps_them_with_the_reason(http_server, write_config, data):
    url = http_server.route("/half", body=SALVAGEABLE)
    result = outcome(run(write_config([url]), data), url)
    assert result.status == "ok" and result.new >= 2
    with store_at(data) as store:
        feed = store.feed_by_url(url)
        assert feed.status == "ok" and "malformed" in feed.error


def test_html_page_is_not_a_feed(http_server, write_config, data):
    url = http_server.route(
        "/page", body="<html><body>hello</body></html>", content_type="text/html"
    )
    result = outcome(run(write_config([url]), data), url)
    assert result.status == "error" and "HTML page" in result.error


def test_one_failure_never_stops_the_others(http_server, tmp_path, write_config, data):
    good = http_server.route("/good", body=rss20(items(2)))
    urls = [
        http_server.route("/boom", status=500),
        http_server.route("/broken", body=MALFORMED),
        http_server.route("/hang", body="x", delay=30),
        http_server.route("/reset", reset=True),
        http_server.route("/cut", body=rss20(items(30)), truncate=100),
        "http://127.0.0.1:9/refused",
        (tmp_path / "missing.xml").as_uri(),
        good,
    ]
    report = run(write_config(urls, timeout_s=1), data)
    assert outcome(report, good).status == "ok" and outcome(report, good).new == 2
    assert report.count("error") == len(urls) - 1
    assert all(o.error for o in report.outcomes if o.status == "error")


# ---------------------------------------------------------------- entries


def test_entry_identity_guid_else_link_else_title_date(http_server, write_config, data):
    entries = [
        {"title": "Has guid", "guid": "g-1", "link": "https://example.org/a", "date": 0},
        {"title": "Only link", "link": "https://example.org/b", "date": 0},
        {"title": "Nothing stable", "date": 1},
        {"title": "Nothing stable", "date": 2},  # same title, other date: another entry
    ]
    url = http_server.route("/ids", body=rss20(entries))
    config = write_config([url])
    assert outcome(run(config, data), url).new == 4
    with store_at(data) as store:
        uids = {r[0] for r in store._rows("SELECT uid FROM entries")}
    assert "g-1" in uids and "https://example.org/b" in uids
    assert sum(u.startswith("sha1:") for u in uids) == 2
    # The same feed again (no validators, body changed only by a comment): no duplicates.
    http_server.route("/ids", body=rss20(entries) + "<!-- again -->")
    again = outcome(run(config, data), url)
    assert (again.status, again.new, again.updated) == ("ok", 0, 0)


def test_updated_entry_replaces_content_keeps_state(http_server, write_config, data):
    first = items(2)
    url = http_server.route("/upd", body=rss20(first))
    config = write_config([url])
    run(config, data)
    with store_at(data) as store:
        target = next(r for r in store.page(View("all")) if r.title == "Story 1")
        store.set_read([target.id])
        store.set_saved(target.id)
    changed = [dict(e) for e in first]
    changed[1]["title"] = "Story 1 (corrected)"
    changed[1]["body"] = "<p>Corrected body.</p>"
    http_server.route("/upd", body=rss20(changed))
    result = outcome(run(config, data), url)
    assert (result.new, result.updated) == (0, 1)
    with store_at(data) as store:
        entry = store.entry(target.id)
        assert entry.title == "Story 1 (corrected)" and "Corrected body" in entry.body_html
        assert entry.read and entry.saved
        feed = store.feed_by_url(url)
        assert (feed.entry_count, feed.unread_count) == (2, 1)
        assert [r.id for r in store.page(View("search", "corrected"))] == [target.id]


# ---------------------------------------------------------------- two processes at once

_WRITER = """
import sys, time
from pathlib import Path
from reader.core.store import Store, View
store = Store.in_dir(Path(sys.argv[1]))
ids = [r.id for r in store.page(View("all"), 0, 200)]
stop = Path(sys.argv[2])
deadline = time.monotonic() + 60
print("ready", flush=True)
n = 0
while not stop.exists() and time.monotonic() < deadline:
    store.set_read(ids[n % len(ids):][:5], read=bool(n % 2))
    store.set_saved(ids[n % len(ids)], saved=bool(n % 3))
    n += 1
print(n)
"""


def test_app_store_and_cli_refresh_write_at_once(tmp_path, write_config, data):
    """The app's Store writes (read/saved toggles) in one process while `byline refresh`
    writes hundreds of entries in another: both finish, nobody sees 'database is locked'."""
    with FeedServer() as server:  # its own server: the CLI must not share routes with others
        urls = []
        for n in range(12):
            body = rss20(items(150, f"F{n}x"))
            urls.append(server.route(f"/f{n}", body=body))
        seed = tmp_path / "seed.xml"
        seed.write_text(rss20(items(100, "Seed")), encoding="utf-8")
        config = write_config([seed.as_uri()])
        run(config, data)  # something for the writer to toggle
        config = write_config([seed.as_uri(), *urls])
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(data), str(tmp_path / "stop")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout.readline().strip() == "ready"
        cli = subprocess.run(
            [sys.executable, "-m", "reader.cli", "refresh", "--json"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        (tmp_path / "stop").touch()
        out, err = writer.communicate(timeout=30)
    assert writer.returncode == 0, err
    assert int(out) > 10  # it really wrote throughout the refresh
    assert cli.returncode == 0, cli.stderr
    assert "locked" not in cli.stderr + cli.stdout + err
    with store_at(data) as store:
        assert store.totals()["all"] == 100 + 12 * 150


def test_refresh_in_a_thread_while_the_store_writes(http_server, write_config, data):
    """The app's layout: refresh in a worker thread with its own connection, the UI thread
    toggling state on another connection of the same file."""
    urls = [http_server.route(f"/t{n}", body=rss20(items(100, f"T{n}x"))) for n in range(6)]
    config = write_config(urls[:1])
    run(config, data)
    config = write_config(urls)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            run(config, data)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    worker = threading.Thread(target=work)
    with store_at(data) as store:
        ids = [r.id for r in store.page(View("all"), 0, 100)]
        worker.start()
        flips = 0
        while worker.is_alive():
            store.set_read(ids[:10], read=bool(flips % 2))
            flips += 1
        worker.join()
        assert not errors and flips > 0
        assert store.totals()["all"] == 600


def test_report_json_and_summary(http_server, write_config, data):
    ok = http_server.route("/ok", body=rss20(items(2)))
    bad = http_server.route("/bad", status=500)
    report = run(write_config([ok, bad]), data)
    assert report.summary().startswith("1 ok, 0 not modified, 1 failed; 2 new entries")
    as_json = report.to_json()
    assert (as_json["ok"], as_json["failed"], as_json["new_entries"]) == (1, 1, 2)


def test_script_sequence_helper_recovers(http_server, write_config, data):
    """A feed that fails once then works: failures reset after success (forced retry)."""
    url = http_server.script("/flaky", [Response(status=503), Response(body=rss20(items(1)))])
    config = write_config([url])
    assert outcome(run(config, data), url).status == "error"
    assert outcome(run(config, data, force=True), url).status == "ok"
    with store_at(data) as store:
        feed = store.feed_by_url(url)
        assert (feed.failures, feed.error) == (0, None)
