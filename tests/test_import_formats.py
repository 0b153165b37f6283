"""`byline import FILE` finds out what FILE is (OPML, a newsboat urls file, a newsraft feeds
file, one URL a line), says so, and imports it; `--dry-run` writes nothing (issue 27)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from reader.core.feeds import newsboat as nb

NEWSBOAT_URLS = """\
# newsboat
https://a.example/rss tech "~Alpha"
https://b.example/atom news "two words"
"query:Tech:tags # \\"tech\\""
"""
NEWSRAFT_FEEDS = """\
# newsraft
@ World news
https://a.example/rss "Alpha Daily"
https://b.example/atom
@ Tech { reload-period 30 }
https://c.example/feed "C feed" { item-limit 50 }
$(curl https://x.example/) "command"
"""
PLAIN = "https://a.example/rss\n\nhttps://b.example/atom\nnot-a-url\n"
OPML = """<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline text="News"><outline type="rss" text="Alpha" xmlUrl="https://a.example/rss"/></outline>
</body></opml>"""


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        (NEWSBOAT_URLS, "x", "newsboat"),
        (NEWSRAFT_FEEDS, "x", "newsraft"),
        (PLAIN, "x", "urls"),
        (OPML, "x", "opml"),
        ('https://a.example/rss "Alpha Daily"\n', "feeds", "newsraft"),
        ("https://a.example/rss tech\n", "urls", "newsboat"),
        ("https://a.example/rss !\n", "feeds", "newsboat"),  # the "!" says newsboat
        ('https://a.example/rss "~Title"\n', "feeds", "newsboat"),
    ],
)
def test_detect(text: str, name: str, kind: str) -> None:
    assert nb.detect(text.encode(), name) == kind


@pytest.mark.parametrize("text", ["", "# only a comment\n", "<html><body/></html>"])
def test_detect_refuses_what_is_no_list(text: str) -> None:
    with pytest.raises(nb.NewsboatError):
        nb.detect(text.encode(), "x")


def test_urls_file_tokens() -> None:
    parsed = nb.parse_urls(
        'https://a.example/ "tag with \\"quote\\"" ~NoQuotes "~Quoted title" ! # a comment\n'
        "https://a.example/ again\n"
        "ftp://nope.example/\n"
        '"query:Broken"\n'
    )
    feed = parsed.feeds[0]
    assert feed.tags == ('tag with "quote"',)
    assert feed.title == "Quoted title" and feed.hidden
    assert [s.line for s in parsed.skipped] == [2, 3, 4]
    assert "same address" in parsed.skipped[0].reason


def test_config_tokens() -> None:
    lines = nb.parse_config('# c\nbrowser "w3m %u"  # trailing\nbind-key ^D pagedown articlelist\n')
    assert [(c.command, c.args, c.line) for c in lines] == [
        ("browser", ("w3m %u",), 2),
        ("bind-key", ("^D", "pagedown", "articlelist"), 3),
    ]


def _config(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_import_newsboat_urls_file(run_cli, isolated_env: Path) -> None:
    source = isolated_env / "urls"
    source.write_text(NEWSBOAT_URLS, encoding="utf-8")
    done = run_cli("import", str(source))
    assert done.returncode == 0, done.stderr
    assert "a newsboat urls file" in done.stdout
    config = _config(isolated_env / "config.toml")
    assert [(f["url"], f.get("title"), f["tags"]) for f in config["feeds"]] == [
        ("https://a.example/rss", "Alpha", ["tech"]),
        ("https://b.example/atom", None, ["news", "two words"]),
    ]
    assert config["views"] == [{"name": "Tech", "match": 'tag = "tech"'}]
    assert "bbci" not in (isolated_env / "config.toml").read_text()  # no sample feeds added


def test_import_newsraft_feeds_file(run_cli, isolated_env: Path) -> None:
    source = isolated_env / "feeds"
    source.write_text(NEWSRAFT_FEEDS, encoding="utf-8")
    done = run_cli("import", str(source))
    assert done.returncode == 0, done.stderr
    assert "a newsraft feeds file" in done.stdout
    feeds = _config(isolated_env / "config.toml")["feeds"]
    assert [(f["url"], f.get("title"), f["tags"]) for f in feeds] == [
        ("https://a.example/rss", "Alpha Daily", ["World news"]),
        ("https://b.example/atom", None, ["World news"]),
        ("https://c.example/feed", "C feed", ["Tech"]),
    ]
    for line in (
        "feeds:5: newsraft settings",
        "feeds:6: newsraft settings",
        "feeds:7: command feeds",
    ):
        assert line in done.stdout


def test_import_plain_list_dry_run_then_real(run_cli, isolated_env: Path) -> None:
    source = isolated_env / "list.txt"
    source.write_text(PLAIN, encoding="utf-8")
    dry = run_cli("import", str(source), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "a plain list of feed addresses" in dry.stdout and "Would import" in dry.stdout
    assert "list.txt:4: not a feed address" in dry.stdout
    assert not (isolated_env / "config.toml").exists()
    done = run_cli("import", str(source))
    assert done.returncode == 0
    assert [f["url"] for f in _config(isolated_env / "config.toml")["feeds"]] == [
        "https://a.example/rss",
        "https://b.example/atom",
    ]
    again = run_cli("import", str(source))
    assert "nothing changed" in again.stdout


def test_file_feeds_only_from_your_own_newsboat_dir(run_cli, isolated_env: Path) -> None:
    source = isolated_env / "list.txt"
    source.write_text("file:///etc/passwd\nhttps://a.example/rss\n", encoding="utf-8")
    done = run_cli("import", str(source))
    assert done.returncode == 0
    assert "list.txt:1: a local file:// feed" in done.stdout
    assert [f["url"] for f in _config(isolated_env / "config.toml")["feeds"]] == [
        "https://a.example/rss"
    ]


def test_opml_import_as_before(run_cli, isolated_env: Path) -> None:
    source = isolated_env / "subs.opml"
    source.write_text(OPML, encoding="utf-8")
    done = run_cli("import", str(source))
    assert done.returncode == 0, done.stderr
    assert "Imported 1 new feed (" in done.stdout
    dry = run_cli("import", str(source), "--dry-run")
    assert "an OPML file" in dry.stdout and "would change nothing" in dry.stdout


def test_import_needs_exactly_one_source(run_cli, isolated_env: Path) -> None:
    assert run_cli("import").returncode == 2
    both = run_cli("import", "x", "--newsboat", "y")
    assert both.returncode == 2 and "not both" in both.stderr
    missing = run_cli("import", str(isolated_env / "nope.txt"))
    assert (
        missing.returncode == 2
        and "cannot read" in missing.stderr
        and "Traceback" not in missing.stderr
    )


def test_json_report_and_bad_addresses(run_cli, isolated_env: Path) -> None:
    import json

    source = isolated_env / "urls"
    source.write_text(
        'https://a.example/rss tech\nhttp:// x\n"query:Q:date > \\"1\\""\n', encoding="utf-8"
    )
    done = run_cli("import", str(source), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["kind"], report["feeds"], report["views"]) == ("newsboat", 1, 0)
    assert [(s["line"], s["reason"][:16]) for s in report["skipped"]] == [
        (2, "'http://' is inc"),
        (3, "query not transl"),
    ]


def test_program_feeds_only_when_allowed() -> None:
    text = '"exec:~/bin/feed --all" tech\n"filter:tidy -q:https://a.example/rss"\n"exec:cat x | sort"\n'
    assert [s.line for s in nb.parse_urls(text).skipped] == [1, 2, 3]  # import FILE: none
    parsed = nb.parse_urls(text, allow_programs=True)
    exec_feed, filter_feed = parsed.feeds
    assert exec_feed.command == (str(Path.home() / "bin/feed"), "--all") and exec_feed.tags == (
        "tech",
    )
    assert (filter_feed.filter, filter_feed.url) == (
        ("tidy", "-q"),
        "filter:tidy -q:https://a.example/rss",
    )
    assert "uses the shell" in parsed.skipped[0].reason


def test_filter_feed_plans_url_and_filter(tmp_path: Path) -> None:
    from reader.core.feeds import migrate

    (tmp_path / "urls").write_text(
        '"filter:tidy -q:https://a.example/rss" news\n', encoding="utf-8"
    )
    plan = migrate.plan_newsboat(nb.locate(tmp_path))
    (feed,) = [i.value for i in plan.config.feeds]
    assert (feed.url, feed.filter, feed.tags) == (
        "https://a.example/rss",
        ("tidy", "-q"),
        ("news",),
    )
    assert plan.aliases == {"filter:tidy -q:https://a.example/rss": "https://a.example/rss"}


def test_config_lines_map_or_say_why(tmp_path: Path) -> None:
    from reader.core.feeds import migrate

    (tmp_path / "urls").write_text("https://a.example/rss\n", encoding="utf-8")
    (tmp_path / "config").write_text(
        "auto-reload yes\n"
        "reload-time 15\n"
        "refresh-on-startup no\n"
        'browser "lynx %u -dump"\n'
        "max-items 0\n"
        "bind-key ENTER open\n"
        "bind-key x toggle-source-view\n"
        "bind-key ^[ quit\n"
        "include ~/.newsboat/colors\n"
        'notify-program "notify-send"\n',
        encoding="utf-8",
    )
    plan = migrate.plan_newsboat(nb.locate(tmp_path), {"open": "enter"}, lambda keys: None)
    settings = {k: v.value for k, v in plan.config.settings.items()}
    assert settings == {
        "refresh_minutes": 15,
        "refresh_on_start": False,
        "notify_command": ("notify-send",),
    }
    assert plan.config.keys == {}  # ENTER already opens
    reasons = {s.line: s.reason for s in plan.skipped}
    assert "not the last word" in reasons[4]
    assert "no limit" in reasons[5]
    assert "toggle-source-view" in reasons[7]
    assert "no Byline name" in reasons[8]
    assert "not followed" in reasons[9]
    assert set(reasons) == {4, 5, 7, 8, 9}


@pytest.mark.parametrize(
    ("command", "browser"),
    [("firefox %u", "firefox"), ("w3m", "w3m"), ("'my browser' --new", "'my browser' --new")],
)
def test_browser_commands(tmp_path: Path, command: str, browser: str) -> None:
    from reader.core.feeds import migrate

    (tmp_path / "urls").write_text("https://a.example/rss\n", encoding="utf-8")
    (tmp_path / "config").write_text(f'browser "{command}"\n', encoding="utf-8")
    plan = migrate.plan_newsboat(nb.locate(tmp_path))
    assert plan.config.settings["browser"].value == browser


def test_shell_browsers_are_reported(tmp_path: Path) -> None:
    from reader.core.feeds import migrate

    (tmp_path / "urls").write_text("https://a.example/rss\n", encoding="utf-8")
    (tmp_path / "config").write_text('browser "open %u; echo done"\n', encoding="utf-8")
    plan = migrate.plan_newsboat(nb.locate(tmp_path))
    assert not plan.config.settings and "shell" in plan.skipped[0].reason
