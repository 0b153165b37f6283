"""Coming over from newsboat (issue 27), against files the real newsboat 2.21 made.

A FeedServer on 127.0.0.1 serves two feeds; newsboat reloads them (twice: it keeps a feed's
ETag/Last-Modified only from its second fetch) into its own cache.db; items are marked read
through newsboat's command line (-I) and flagged through SQL (it has no option for flags);
then the real `byline import --newsboat DIR` runs and every feed, item, state, tag, title,
view, rule, setting and key is checked, a second import must change nothing, and a SIGKILL in
the middle of the import must leave the cache as it was.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import REPO, wait_until
from httpserver import FeedServer
from newsboatrun import Newsboat, needs_newsboat, rss

from reader.core.config import command_url
from reader.core.store import DB_NAME

pytestmark = needs_newsboat

NOW = time.time()


def _date(days: float) -> str:
    return formatdate(NOW - days * 86400 - 3600, usegmt=True)


ALPHA = [
    {"guid": "a1", "title": "Launch day", "author": "Jo Smith", "link": "http://a.example/1",
     "content": "<p>Rocket <b>launch</b> today</p>", "date": _date(0)},
    {"guid": "a2", "title": "Second look", "link": "http://a.example/2",
     "content": "<p>More words</p>", "date": _date(1)},
    {"guid": "a3", "title": "Old news", "link": "http://a.example/3",
     "content": "<p>Long ago</p>", "date": _date(40), "enclosure": "http://a.example/a.mp3"},
]  # fmt: skip
BETA = [
    {"guid": "b1", "title": "Sponsored: deals", "link": "http://b.example/1",
     "content": "<p>buy</p>", "date": _date(0)},
    {"guid": "b2", "title": "Quiet news", "author": "Ann", "link": "http://b.example/2",
     "content": "<p>nothing happened</p>", "date": _date(2)},
]  # fmt: skip

MADE = [
    {"guid": "c1", "title": "Made by a program", "link": "http://c.example/1", "date": _date(1)}
]

CONFIG = """\
# my newsboat config
browser "firefox --new-tab %u"
notify-program /usr/local/bin/notify-rss
ignore-article "*" "title =~ \\"^sponsored\\""
ignore-article "{beta}" "author = \\"Nobody\\""
ignore-article "*" "date > \\"2020\\""
ignore-mode display
max-items 200
keep-articles-days 60
reload-threads 8
bind-key ^D pagedown
bind-key s toggle-article-read
color listfocus black yellow
"""


@pytest.fixture(scope="module")
def server():
    with FeedServer() as srv:
        srv.route(
            "/alpha.xml",
            body=rss("Alpha", ALPHA),
            etag='"alpha-v1"',
            last_modified=formatdate(NOW - 3600, usegmt=True),
        )
        srv.route("/beta.xml", body=rss("Beta", BETA), etag='"beta-v1"')
        yield srv


@pytest.fixture
def newsboat(server: FeedServer, tmp_path: Path) -> Newsboat:
    """A newsboat user's folder: urls with tags, a title, a hidden feed, query feeds and an
    exec: feed; a config; a cache with read and flagged items."""
    alpha, beta = server.url("/alpha.xml"), server.url("/beta.xml")
    program = tmp_path / "make_feed.py"  # a feed made by a program (newsboat's exec:)
    program.write_text(
        f"import sys\nsys.stdout.buffer.write({rss('Made', MADE)!r})\n", encoding="utf-8"
    )
    user = Newsboat(tmp_path / "newsboat")
    user.write(
        urls=(
            "# feeds\n"
            f'{alpha} tech "two words" "~My Alpha"\n'
            f"{beta} news !\n"
            '"query:Unread news:unread = \\"yes\\" and tags # \\"news\\""\n'
            '"query:Recent:age < 7 and (title =~ \\"launch\\" or flags # \\"s\\")"\n'
            '"query:By date:date > \\"2020\\""\n'
            f'"exec:{sys.executable} {program}"\n'  # quoted, as newsboat wants a command
            '"exec:cat ~/feed.xml | head -50"\n'
        ),
        config=CONFIG.format(beta=beta),
    )
    user.reload()
    user.reload()  # newsboat keeps the validators from a feed's second fetch on
    user.mark_read(["a2", "a3"])
    user.flag("a3", "s")
    user.flag("b2", "ab")
    return user


def _entries(data: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(data / DB_NAME)
    try:
        rows = conn.execute(
            """SELECT e.uid, e.title, e.author, e.link, e.content, e.read, e.saved, e.tags,
                      e.hidden, e.published, e.enclosures, f.url
               FROM entries e JOIN feeds f ON f.id = e.feed_id"""
        )
        return {r[0]: r[1:] for r in rows}
    finally:
        conn.close()


def _dump(data: Path) -> list:
    conn = sqlite3.connect(data / DB_NAME)
    try:
        return [
            conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()  # noqa: S608 - our tables
            for t in ("feeds", "entries", "fts_pending")
        ]
    finally:
        conn.close()


def test_import_brings_everything_that_maps(
    newsboat: Newsboat, server: FeedServer, run_cli, isolated_env: Path
) -> None:
    alpha, beta = server.url("/alpha.xml"), server.url("/beta.xml")
    nb_items = newsboat.items()
    assert set(nb_items) == {"a1", "a2", "a3", "b1", "b2", "c1"}
    made = next(url for _, _, _, url in nb_items.values() if url.startswith("exec:"))
    assert newsboat.feeds()[alpha][2] == '"alpha-v1"'  # real validators in newsboat's cache

    done = run_cli("import", "--newsboat", str(newsboat.dir))
    assert done.returncode == 0, done.stderr
    report = done.stdout
    config_path, data = isolated_env / "config.toml", isolated_env / "data"
    config = tomllib.loads(config_path.read_text(encoding="utf-8"))

    # feeds: URL, tags, "~Title"; the hidden one listed, and the report says so
    feeds = {f["url"]: f for f in config["feeds"] if "url" in f}
    assert feeds[alpha] == {"url": alpha, "title": "My Alpha", "tags": ["tech", "two words"]}
    assert feeds[beta] == {"url": beta, "tags": ["news"]}
    assert [f["command"] for f in config["feeds"] if "command" in f] == [made[5:].split()]
    assert f"urls:3: hidden feed (!) {beta}" in report
    # views from query feeds, translated
    assert config["views"] == [
        {"name": "Unread news", "match": 'unread and tag = "news"'},
        {"name": "Recent", "match": 'age < 7d and (title ~ "(?i)launch" or tag = "flag:s")'},
    ]
    # rules from ignore-article, scoped where newsboat scoped them
    assert config["rules"] == [
        {"match": 'title ~ "(?i)^sponsored"', "action": "hide"},
        {"match": r'author ~ "^Nobody\Z"', "action": "hide", "feeds": [beta]},
    ]
    settings = config["settings"]
    assert settings["browser"] == "firefox --new-tab"
    assert settings["notify_command"] == ["/usr/local/bin/notify-rss"]
    assert (settings["max_items_per_feed"], settings["keep_days"]) == (200, 60)
    assert config["keys"] == {"page_down": "space,pagedown,ctrl+d"}
    assert settings.get("concurrency", 64) == 64  # reload-threads 8 is reported, not carried
    # every translated line says where it came from
    text = config_path.read_text(encoding="utf-8")
    for line in (
        "urls:2",
        "urls:3",
        "urls:4",
        "urls:5",
        "config:2",
        "config:3",
        "config:4",
        "config:5",
        "config:8",
        "config:9",
        "config:11",
    ):
        assert f"{newsboat.dir}/{line}:" in text, line

    # every item, with its state, content and flags
    # Byline's parser resolves a permalink guid against the feed's address: so does the import
    entries = {
        guid: _entries(data)[urljoin(feed_url, guid) if feed_url.startswith("http") else guid]
        for guid, (_, _, _, feed_url) in nb_items.items()
    }
    assert len(_entries(data)) == len(nb_items)
    for guid, (title, unread, flags, feed_url) in nb_items.items():
        e_title, _, _, content, read, saved, tags, hidden, published, _, url = entries[guid]
        assert url == (feed_url if guid != "c1" else command_url(tuple(made[5:].split())))
        assert (e_title, bool(read), bool(saved)) == (title, not unread, bool(flags))
        assert json.loads(tags) == [f"flag:{c}" for c in sorted(flags)]
        assert content or guid == "c1"  # the stored HTML, readable offline at once
        assert published is not None
        assert bool(hidden) == (guid == "b1")  # ignore-mode display: hidden, as newsboat shows it
    assert entries["a1"][1:4] == (
        "Jo Smith",
        "http://a.example/1",
        "<p>Rocket <b>launch</b> today</p>",
    )
    assert json.loads(entries["a3"][9])[0]["url"] == "http://a.example/a.mp3"

    # the same unread counts newsboat shows, flagged under Saved, the query as a view
    listed = json.loads(run_cli("feeds", "--json").stdout)
    unread = {f["url"]: f["unread"] for f in listed}
    assert unread == {
        alpha: 1,
        beta: 1,
        command_url(tuple(made[5:].split())): 1,
    }  # a1; b2 (b1 ignored); c1
    saved = json.loads(run_cli("entries", "--saved", "--json").stdout)
    assert {e["title"] for e in saved} == {"Old news", "Quiet news"}
    view = json.loads(run_cli("entries", "--view", "Unread news", "--json").stdout)
    assert [e["title"] for e in view] == ["Quiet news"]
    recent = json.loads(run_cli("entries", "--view", "Recent", "--json").stdout)
    assert {e["title"] for e in recent} == {"Launch day"}  # a3 is flagged but 40 days old

    # the report: counts per kind and every line not carried over, with file:line and why
    for expected in ("feeds", "views (query feeds)", "articles", "marked read", "flagged -> saved"):
        assert expected in report
    assert "articles                                    6" in report
    assert "marked read                                 2" in report
    assert "flagged -> saved                            2" in report
    assert "feed validators (ETag/Last-Modified)        2" in report
    skipped = [
        ("urls:6", "date"), ("urls:8", "uses the shell"), ("config:6", "date"), ("config:10", "reload-threads"),
        ("config:12", "already bound"), ("config:13", "colours"),
    ]  # fmt: skip
    for where, why in skipped:
        line = next((x for x in report.splitlines() if f"{newsboat.dir}/{where}:" in x), "")
        assert why in line, (where, report)


def test_second_import_changes_nothing(newsboat: Newsboat, run_cli, isolated_env: Path) -> None:
    assert run_cli("import", "--newsboat", str(newsboat.dir)).returncode == 0
    config_path, data = isolated_env / "config.toml", isolated_env / "data"
    before = (config_path.read_bytes(), _dump(data))
    again = run_cli("import", "--newsboat", str(newsboat.dir))
    assert again.returncode == 0, again.stderr
    assert "nothing changed" in again.stdout
    assert (config_path.read_bytes(), _dump(data)) == before


def test_first_refresh_after_import_is_conditional(
    newsboat: Newsboat, server: FeedServer, run_cli
) -> None:
    assert run_cli("import", "--newsboat", str(newsboat.dir)).returncode == 0
    seen = len(server.requests_for("/alpha.xml"))
    assert run_cli("refresh").returncode == 0
    sent = server.requests_for("/alpha.xml")[seen:]
    assert sent and sent[0].headers.get("if-none-match") == '"alpha-v1"'
    listed = json.loads(run_cli("feeds", "--json").stdout)
    assert sorted(f["unread"] for f in listed) == [1, 1, 1]  # nothing came back unread


def test_dry_run_writes_nothing(newsboat: Newsboat, run_cli, isolated_env: Path) -> None:
    done = run_cli("import", "--newsboat", str(newsboat.dir), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert (
        "Would import" in done.stdout
        and "articles                                    6" in done.stdout
    )
    assert not (isolated_env / "config.toml").exists()
    assert not (isolated_env / "data").exists()


def test_default_location_is_dot_newsboat(newsboat: Newsboat, run_cli, isolated_env: Path) -> None:
    home = isolated_env / "home"
    (home / ".newsboat").symlink_to(newsboat.dir)
    done = run_cli("import", "--newsboat")
    assert done.returncode == 0, done.stderr
    assert "articles                                    6" in done.stdout


def test_xdg_locations(newsboat: Newsboat, run_cli, isolated_env: Path) -> None:
    home = isolated_env / "home"
    config_dir, data_dir = home / ".config" / "newsboat", home / ".local" / "share" / "newsboat"
    config_dir.mkdir(parents=True)
    data_dir.mkdir(parents=True)
    for name in ("urls", "config"):
        (config_dir / name).write_bytes((newsboat.dir / name).read_bytes())
    (data_dir / "cache.db").write_bytes(newsboat.cache.read_bytes())
    done = run_cli("import", "--newsboat")
    assert done.returncode == 0, done.stderr
    assert "articles                                    6" in done.stdout


def test_killed_import_leaves_the_cache_as_before(
    newsboat: Newsboat, run_cli, isolated_env: Path
) -> None:
    """SIGKILL inside the import's one transaction (items inserted, nothing committed)."""
    config_path, data = isolated_env / "config.toml", isolated_env / "data"
    config_path.write_text("# mine\n[settings]\nkeep_days = 30\n", encoding="utf-8")
    assert run_cli("feeds").returncode == 0  # the cache exists, as a user's would
    before = (config_path.read_bytes(), _dump(data))
    ready = isolated_env / "paused"
    env = {**os.environ, "BYLINE_PAUSE_AT": "import_entries:1", "BYLINE_PAUSE_READY": str(ready)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "import", "--newsboat", str(newsboat.dir)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        assert wait_until(lambda: ready.exists() or proc.poll() is not None, timeout=60)
        assert ready.exists(), proc.communicate()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    conn = sqlite3.connect(data / DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert (config_path.read_bytes(), _dump(data)) == before
    # and the next import does it all
    done = run_cli("import", "--newsboat", str(newsboat.dir))
    assert done.returncode == 0 and len(_entries(data)) == 6
    assert "# mine" in config_path.read_text(encoding="utf-8")


def test_export_writes_a_urls_file_newsboat_reads(
    newsboat: Newsboat, server: FeedServer, run_cli, isolated_env: Path
) -> None:
    assert run_cli("import", "--newsboat", str(newsboat.dir)).returncode == 0
    out = isolated_env / "exported"
    done = run_cli("export", "--newsboat", str(out))
    assert done.returncode == 0, done.stderr
    text = (out / "urls").read_text(encoding="utf-8")
    assert f'{server.url("/alpha.xml")} "tech" "two words" "~My Alpha"' in text
    assert '"query:Unread news:unread = \\"yes\\" and tags # \\"news\\""' in text
    # newsboat itself reads it: the same feeds, titles and query feeds
    again = Newsboat(isolated_env / "again")
    again.write((out / "urls").read_text(encoding="utf-8"))
    again.reload()
    opml = again.run("-e").stdout
    assert "My Alpha" in opml and server.url("/beta.xml") in opml
    # and importing it back changes nothing
    back = run_cli("import", str(out / "urls"))
    assert back.returncode == 0, back.stderr
    assert "newsboat urls file" in back.stdout and "nothing changed" in back.stdout


def test_bad_dirs_are_clear(run_cli, isolated_env: Path) -> None:
    done = run_cli("import", "--newsboat", str(isolated_env / "nope"))
    assert (
        done.returncode == 2
        and "no such directory" in done.stderr
        and "Traceback" not in done.stderr
    )
    empty = isolated_env / "empty"
    empty.mkdir()
    done = run_cli("import", "--newsboat", str(empty))
    assert done.returncode == 2 and "no newsboat urls file" in done.stderr
    (empty / "urls").write_text("http://x.example/rss\n", encoding="utf-8")
    (empty / "cache.db").write_bytes(b"not a database at all" * 100)
    done = run_cli("import", "--newsboat", str(empty))
    assert done.returncode == 2 and "not a newsboat cache" in done.stderr
    assert not (isolated_env / "data" / DB_NAME).exists() or "Traceback" not in done.stderr


def test_byline_refresh_finds_the_entries_newsboat_had(
    server: FeedServer, tmp_path: Path, run_cli
) -> None:
    """Entry identity agrees: RSS guid, RSS without guid (the link), Atom id. After the import
    a full refresh (new ETag, whole body) adds nothing and keeps every read state."""
    from newsboatrun import atom

    items = [
        {"guid": "g1", "title": "With guid", "link": "http://g.example/1", "date": _date(1)},
        {"guid": "", "title": "No guid", "link": "http://g.example/2", "date": _date(2)},
    ]
    entries = [{"guid": "urn:uuid:1", "title": "Atom one", "link": "http://h.example/1",
                "date": "2026-11-01T10:00:00Z"}]  # fmt: skip
    server.route("/gamma.xml", body=rss("Gamma", items), etag='"g1"')
    server.route("/delta.xml", body=atom("Delta", entries), etag='"d1"')
    user = Newsboat(tmp_path / "nb2")
    user.write(f"{server.url('/gamma.xml')}\n{server.url('/delta.xml')}\n")
    user.reload()
    user.mark_read(list(user.items()))
    assert run_cli("import", "--newsboat", str(user.dir)).returncode == 0
    server.route("/gamma.xml", body=rss("Gamma", items), etag='"g2"')  # a whole new response
    server.route("/delta.xml", body=atom("Delta", entries), etag='"d2"')
    done = run_cli("refresh", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(run_cli("feeds", "--json").stdout)
    assert sorted((f["total"], f["unread"]) for f in listed) == [(1, 0), (2, 0)]


def test_the_same_story_in_two_feeds_is_counted_in_the_report(
    server: FeedServer, tmp_path: Path, run_cli
) -> None:
    """Byline shows a story carried by several feeds once (settings.dedupe); newsboat showed
    it in each. The report says how many, never silently."""
    story = {"title": "The same story", "link": "http://same.example/story", "date": _date(1)}
    server.route("/one.xml", body=rss("One", [{**story, "guid": "one-1"}]))
    server.route("/two.xml", body=rss("Two", [{**story, "guid": "two-1"}]))
    user = Newsboat(tmp_path / "nb3")
    user.write(f"{server.url('/one.xml')}\n{server.url('/two.xml')}\n")
    user.reload()
    done = run_cli("import", "--newsboat", str(user.dir))
    assert done.returncode == 0, done.stderr
    assert re.search(r"shown once: same story in another feed +1 ", done.stdout), done.stdout
    report = json.loads(run_cli("import", "--newsboat", str(user.dir), "--json").stdout)
    assert report["articles"] == 0 and report["duplicates"] == 0  # the second run: nothing


def test_import_never_undoes_what_you_did_in_byline(
    newsboat: Newsboat, run_cli, isolated_env: Path
) -> None:
    """Read or saved in Byline after the import, unread and unflagged in newsboat: a second
    import leaves it read and saved (an import only ever adds marks)."""
    assert run_cli("import", "--newsboat", str(newsboat.dir)).returncode == 0
    data = isolated_env / "data"
    unread = [row for row in json.loads(run_cli("entries", "--unread", "--json").stdout)]
    target = next(e for e in unread if e["title"] == "Launch day")
    assert run_cli("mark", "read", str(target["id"])).returncode == 0
    assert run_cli("mark", "saved", str(target["id"])).returncode == 0
    before = _dump(data)
    again = run_cli("import", "--newsboat", str(newsboat.dir))
    assert "nothing changed" in again.stdout
    assert _dump(data) == before
