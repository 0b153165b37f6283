"""The real `byline` command in a subprocess, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from samples import MALFORMED, atom10, items, rss20

from reader import __version__
from reader.cli import build_parser, main
from reader.core import config as cfg
from reader.core.store import Store, View


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(action.choices)


# ---------------------------------------------------------------- install / demo


def test_version_and_help_as_installed():
    script = shutil.which("byline")
    assert script, "byline is not on PATH (pip install -e .)"
    version = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0 and version.stdout.strip() == f"byline {__version__}"
    helped = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=30)
    assert helped.returncode == 0
    for name in subcommands():
        assert name in helped.stdout


def test_every_subcommand_has_help(capsys):
    names = subcommands()
    assert {"demo", "refresh", "add", "remove", "feeds", "entries", "import", "export"} <= set(
        names
    ) and "quotes" in names
    for name in names:
        with pytest.raises(SystemExit) as done:
            main([name, "--help"])
        assert done.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: byline {name}") and "--config" in out, name


def test_subcommand_help_in_a_subprocess(run_cli):
    result = run_cli("entries", "--help")
    assert result.returncode == 0 and "--search" in result.stdout and "--unread" in result.stdout


def test_demo_builds_the_sample_offline(run_cli, isolated_env: Path):
    # No network at all: an unroutable proxy would break any attempt to go out.
    env = {
        **__import__("os").environ,
        "HTTP_PROXY": "http://0.0.0.0:9",
        "HTTPS_PROXY": "http://0.0.0.0:9",
    }
    result = run_cli("demo", "--no-app", env=env)
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip().splitlines()[-1])
    try:
        assert folder.is_dir()
        with Store.in_dir(folder) as store:
            (feed,) = store.feeds()
            assert feed.status == "ok" and feed.entry_count == 6 == feed.unread_count
            assert feed.title == "Byline Demo Gazette"
            assert all(r.title for r in store.page(View("all")))
        assert not (isolated_env / "config.toml").exists()  # nothing of the user's touched
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- refresh


def test_refresh_summary_and_exit_status(http_server, write_config, run_cli, in_cli):
    good = http_server.route("/good", body=rss20(items(3)))
    bad = http_server.route("/bad", status=500)
    write_config([good, bad], timeout_s=2)
    result = run_cli("refresh")
    assert result.returncode == 0, result.stderr  # completed, even though one feed failed
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith("1 ok, 0 not modified, 1 failed; 3 new entries")
    assert any(line.startswith("error:") and bad in line and "500" in line for line in lines)
    assert "Traceback" not in result.stderr

    result = in_cli("refresh", good, "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 0
    assert (report["feeds"], report["not_modified"], report["new_entries"]) == (1, 1, 0)
    assert report["outcomes"][0]["url"] == good


def test_refresh_exit_1_when_nothing_could_be_done(http_server, write_config, run_cli, in_cli):
    urls = [http_server.route("/a", status=404), http_server.route("/b", body=MALFORMED)]
    write_config(urls)
    result = run_cli("refresh", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["failed"] == 2
    # Now both back off: nothing is attempted, the run still completed (exit 0).
    result = in_cli("refresh")
    assert result.returncode == 0 and "2 skipped" in result.stdout
    result = in_cli("refresh", "--force")
    assert result.returncode == 1


def test_refresh_unknown_url_is_reported(http_server, write_config, in_cli):
    good = http_server.route("/good", body=rss20(items(1)))
    write_config([good])
    result = in_cli("refresh", "http://127.0.0.1:1/not-configured")
    assert result.returncode == 1 and "byline add URL" in result.stdout
    assert http_server.requests == []  # the configured feed was not asked either


# ---------------------------------------------------------------- add / remove / feeds


def test_add_a_feed_url(http_server, write_config, run_cli, in_cli):
    config = write_config([])
    feed = http_server.route(
        "/feed.atom", body=atom10(items(4)), content_type="application/atom+xml"
    )
    result = run_cli("add", feed, "--tag", "tech")
    assert result.returncode == 0, result.stderr
    assert "Atom One" in result.stdout and "4 entries" in result.stdout
    assert cfg.load(config).feed(feed).tags == ("tech",)
    assert len(http_server.requests_for("/feed.atom")) == 1  # validated by fetching
    again = in_cli("add", feed)
    assert again.returncode == 0 and "Already subscribed" in again.stdout
    assert len(cfg.load(config).feeds) == 1


def test_add_an_html_page_finds_its_feed(http_server, write_config, run_cli):
    config = write_config([])
    http_server.route("/blog/feed.xml", body=rss20(items(2), title="The Blog"))
    page = http_server.route(
        "/blog/",
        content_type="text/html; charset=utf-8",
        body="<html><head><title>Blog</title>"
        '<link rel="stylesheet" href="/style.css">'
        '<link rel="alternate" type="application/rss+xml" title="RSS" href="feed.xml">'
        "</head><body>Hello</body></html>",
    )
    result = run_cli("add", page, "--title", "Mine")
    assert result.returncode == 0, result.stderr
    (feed,) = cfg.load(config).feeds
    assert feed.url == http_server.url("/blog/feed.xml") and feed.title == "Mine"


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        ("<html><body>No feed here</body></html>", "text/html", "links to no feed"),
        ("just text", "text/plain", "no feed"),
        (MALFORMED, "application/xml", "malformed"),
    ],
)
def test_add_a_non_feed_is_refused(body, content_type, words, http_server, write_config, in_cli):
    config = write_config([])
    url = http_server.route("/nofeed", body=body, content_type=content_type)
    result = in_cli("add", url)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"byline: cannot add {url}: ") and words in result.stderr
    assert cfg.load(config).feeds == ()


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "javascript:alert(1)", "feed.xml"])
def test_add_refuses_other_schemes(url, write_config, in_cli):
    write_config([])
    result = in_cli("add", url)
    assert result.returncode == 2 and "http(s)" in result.stderr


def test_add_an_unreachable_feed(write_config, run_cli, http_server):
    write_config([])
    url = http_server.route("/gone", status=410)
    result = run_cli("add", url)
    assert result.returncode == 2 and "410" in result.stderr


def test_feeds_lists_counts_and_status(http_server, write_config, run_cli, in_cli, isolated_env):
    good = http_server.route("/good", body=rss20(items(3)))
    bad = http_server.route("/bad", status=404)
    write_config([good, bad])
    in_cli("refresh")
    with Store.in_dir(isolated_env / "data") as store:
        store.set_read([store.page(View("all"))[0].id])
    result = run_cli("feeds", "--json")
    assert result.returncode == 0
    rows = {r["url"]: r for r in json.loads(result.stdout)}
    assert rows[good]["title"] == "RSS Two" and (rows[good]["unread"], rows[good]["total"]) == (
        2,
        3,
    )
    assert rows[good]["status"] == "ok" and rows[good]["error"] is None
    assert rows[bad]["status"] == "error" and "404" in rows[bad]["error"]
    assert set(rows[good]) >= {"title", "url", "tags", "unread", "total", "status", "error"}
    text = in_cli("feeds").stdout
    assert "2/3" in text and "RSS Two" in text and "HTTP 404" in text


def test_remove_drops_unsaved_entries_keeps_saved(
    http_server, write_config, run_cli, in_cli, isolated_env
):
    a = http_server.route("/a", body=rss20(items(3, "Alpha")))
    b = http_server.route("/b", body=rss20(items(2, "Beta")))
    config = write_config([a, b])
    in_cli("refresh")
    with Store.in_dir(isolated_env / "data") as store:
        keep = store.page(View("feed", store.feed_by_url(a).id))[0]
        store.set_saved(keep.id)
    result = run_cli("remove", a)
    assert result.returncode == 0 and f"Removed {a}" in result.stdout
    assert [f.url for f in cfg.load(config).feeds] == [b]
    entries = json.loads(in_cli("entries", "--json").stdout)
    assert sorted(e["title"] for e in entries) == sorted([keep.title, "Beta 0", "Beta 1"])
    assert json.loads(in_cli("entries", "--saved", "--json").stdout)[0]["id"] == keep.id
    missing = in_cli("remove", a)
    assert missing.returncode == 2 and "not subscribed" in missing.stderr


# ---------------------------------------------------------------- entries


def test_entries_filters(http_server, write_config, run_cli, in_cli, isolated_env):
    a = http_server.route("/a", body=rss20(items(4, "Alpha")))
    b = http_server.route("/b", body=rss20(items(3, "Beta")))
    config = write_config([a, b])
    text = config.read_text(encoding="utf-8").replace(
        f'url = "{b}"', f'url = "{b}"\ntags = ["second"]'
    )
    config.write_text(text, encoding="utf-8")
    assert in_cli("refresh").returncode == 0
    with Store.in_dir(isolated_env / "data") as store:
        alpha = store.page(View("feed", store.feed_by_url(a).id))
        store.set_read([alpha[0].id, alpha[1].id])
        store.set_saved(alpha[1].id)

    def titles(*args: str) -> list[str]:
        result = in_cli("entries", "--json", *args)
        assert result.returncode == 0, result.stderr
        return sorted(e["title"] for e in json.loads(result.stdout))

    assert len(titles()) == 7
    assert titles("--feed", a) == ["Alpha 0", "Alpha 1", "Alpha 2", "Alpha 3"]
    assert titles("--tag", "second") == ["Beta 0", "Beta 1", "Beta 2"]
    assert titles("--unread", "--feed", a) == sorted(r.title for r in alpha[2:])
    assert titles("--saved") == [alpha[1].title]
    assert titles("--search", "beta 2") == ["Beta 2"]
    assert titles("--search", '"NEAR( * -') == []  # FTS syntax is just text
    assert len(titles("--limit", "2")) == 2
    row = json.loads(run_cli("entries", "--json", "--limit", "1").stdout)[0]
    assert set(row) >= {"id", "title", "feed", "link", "published", "read", "saved"}
    plain = in_cli("entries", "--feed", a).stdout
    assert "Alpha 3" in plain and "RSS Two" in plain
    unknown = in_cli("entries", "--feed", "https://nope.example/")
    assert unknown.returncode == 2 and "not subscribed" in unknown.stderr
    assert in_cli("entries", "--limit", "0").returncode == 2


# ---------------------------------------------------------------- quotes


def test_quotes_of_an_entry(tmp_path, write_config, run_cli, in_cli):
    feed = tmp_path / "q.xml"
    body = (
        "<p>“The ferry is not a luxury, it is how our nurses get home,” said Councillor "
        "Ines Okafor, who led the campaign.</p>"
    )
    feed.write_text(
        rss20(
            [
                {
                    "title": "Ferry",
                    "guid": "q1",
                    "link": "https://example.org/q",
                    "date": 0,
                    "body": body,
                }
            ]
        ),
        encoding="utf-8",
    )
    write_config([feed.as_uri()])
    assert in_cli("refresh").returncode == 0
    (entry,) = json.loads(in_cli("entries", "--json").stdout)
    result = run_cli("quotes", "--entry", str(entry["id"]), "--json")
    assert result.returncode == 0, result.stderr
    quotes = json.loads(result.stdout)
    assert any("nurses get home" in q["text"] for q in quotes)
    assert any(q["speaker"] and "Okafor" in q["speaker"] for q in quotes)
    text = in_cli("quotes", "--entry", str(entry["id"])).stdout
    assert "nurses get home" in text
    missing = in_cli("quotes", "--entry", "999999")
    assert missing.returncode == 2 and "no entry 999999" in missing.stderr
    saved = in_cli("quotes")
    assert saved.returncode == 0 and "No saved quotes" in saved.stdout


# ---------------------------------------------------------------- robustness


def test_unusable_cache_is_a_message(write_config, run_cli, isolated_env):
    write_config([])
    data = isolated_env / "data"
    data.mkdir()
    (data / "byline.db").write_bytes(b"this is not a database" * 100)
    result = run_cli("feeds")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a Byline cache: move it away" in result.stderr
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(data / "byline.db").execute("SELECT * FROM sqlite_master").fetchall()


def test_cli_via_python_dash_m_matches_script(write_config):
    write_config([])
    script = subprocess.run(
        [sys.executable, "-m", "reader.cli", "--version"], capture_output=True, text=True
    )
    assert script.stdout.strip() == f"byline {__version__}"
