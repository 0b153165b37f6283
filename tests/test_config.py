"""Config: where it lives, the first-run starter, strict validation with file:line messages
through the real CLI, and edits (add/remove/import) that keep the user's comments."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import platformdirs
import pytest
from samples import items, rss20

from reader.cli import main
from reader.core import config as cfg
from reader.core.config import ConfigError, FeedConfig


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BYLINE_CONFIG", raising=False)
    monkeypatch.delenv("BYLINE_DATA_DIR", raising=False)


# ---------------------------------------------------------------- locations


def test_platformdirs_defaults(no_env, isolated_env: Path):
    expected = Path(platformdirs.user_config_dir("byline")) / "config.toml"
    assert cfg.config_path() == expected
    assert cfg.data_dir() == Path(platformdirs.user_data_dir("byline"))
    # The autouse fixture points XDG at the test's own home: nothing of the user's is used.
    assert str(expected).startswith(str(isolated_env))


def test_flag_beats_env_beats_default(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("BYLINE_CONFIG", str(tmp_path / "env.toml"))
    monkeypatch.setenv("BYLINE_DATA_DIR", str(tmp_path / "envdata"))
    assert cfg.config_path() == tmp_path / "env.toml"
    assert cfg.config_path(str(tmp_path / "flag.toml")) == tmp_path / "flag.toml"
    assert cfg.data_dir() == tmp_path / "envdata"
    assert cfg.data_dir(str(tmp_path / "flag")) == tmp_path / "flag"
    assert cfg.config_path("~/x.toml") == Path(os.environ["HOME"]) / "x.toml"


def test_first_run_writes_the_starter_in_the_platform_dir(no_env, isolated_env, run_cli):
    result = run_cli("feeds")
    path = Path(platformdirs.user_config_dir("byline")) / "config.toml"
    assert result.returncode == 0, result.stderr
    assert path.is_file() and str(path) in result.stderr and "starter config" in result.stderr
    text = path.read_text(encoding="utf-8")
    assert text == cfg.STARTER and text.count("#") > 5  # commented
    config = cfg.load(path)
    assert config.settings == cfg.Settings() and len(config.feeds) == 5
    assert (Path(platformdirs.user_data_dir("byline")) / "byline.db").is_file()
    again = run_cli("feeds")  # announced once, never rewritten
    assert "starter" not in again.stderr and path.read_text(encoding="utf-8") == text


def test_config_and_data_dir_flags_and_env(tmp_path: Path, run_cli, monkeypatch):
    flag_cfg, flag_data = tmp_path / "flag" / "c.toml", tmp_path / "flagdata"
    result = run_cli("--config", str(flag_cfg), "--data-dir", str(flag_data), "feeds")
    assert result.returncode == 0 and flag_cfg.is_file() and (flag_data / "byline.db").is_file()
    # After the command too (argparse parents): the same flags work in either position.
    other = tmp_path / "other.toml"
    result = run_cli("feeds", "--config", str(other), "--data-dir", str(tmp_path / "od"))
    assert result.returncode == 0 and other.is_file() and (tmp_path / "od" / "byline.db").is_file()
    # The environment (set by the autouse fixture) is the fallback.
    result = run_cli("feeds")
    assert (tmp_path / "config.toml").is_file() and (tmp_path / "data" / "byline.db").is_file()


# ---------------------------------------------------------------- broken configs


BROKEN = {
    "bad TOML": ("[settings]\ntimeout_s = 3\n[feeds\n", 3, "not valid TOML"),
    "unknown key": ("[settings]\ntimeout_s = 3\ntimeot_s = 4\n", 3, "unknown key 'timeot_s'"),
    "unknown table": ("[setings]\ntimeout_s = 3\n", 1, "unknown key 'setings'"),
    "wrong type": ('[settings]\n\nconcurrency = "many"\n', 3, "must be a whole number"),
    "bool as int": ("[settings]\nper_host = true\n", 2, "must be a whole number"),
    "negative": ("[settings]\nkeep_days = -1\n", 2, "0 or more"),
    "zero": ("[settings]\nmax_bytes = 0\n", 2, "greater than 0"),
    "duplicate feed": (
        '[[feeds]]\nurl = "https://a.example/f"\n\n[[feeds]]\ntitle = "again"\n'
        'url = "https://a.example/f"\n',
        6,
        "duplicate feed https://a.example/f",
    ),
    "feed without url": ('[[feeds]]\ntitle = "x"\n', 1, "needs url"),
    "feed tags not a list": ('[[feeds]]\nurl = "https://a.example/f"\ntags = "x"\n', 3, "tags"),
    "unknown feed key": ('[[feeds]]\nurl = "https://a.example/f"\ncolour = 1\n', 3, "colour"),
    "feed override type": (
        '[[feeds]]\nurl = "https://a.example/f"\ntimeout_s = "x"\n',
        3,
        "number",
    ),
    "unknown [keys] id": ('[keys]\nquit = "q"\nfly_away = "f"\n', 3, "fly_away"),
    "[keys] value type": ("[keys]\nquit = 3\n", 2, "keys.quit must be a string"),
}


def _in_process(capsys, *args: str) -> tuple[int, str, str]:
    """The CLI's own `main()` in this process: the same code as the `byline` script, without
    paying an interpreter start per case (the end-to-end subprocess cases are below)."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_config_is_one_clear_message(case, tmp_path: Path, capsys):
    text, line, words = BROKEN[case]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    code, _, err = _in_process(capsys, "feeds")
    assert code == 2, err
    message = err.strip()
    assert len(message.splitlines()) == 1, message
    assert message.startswith(f"byline: {path}:{line}: "), message
    assert words in message
    assert path.read_text(encoding="utf-8") == text  # never "repaired" behind the user's back


@pytest.mark.parametrize("case", ["bad TOML", "duplicate feed", "unknown [keys] id"])
def test_broken_config_end_to_end(case, tmp_path: Path, run_cli):
    text, line, words = BROKEN[case]
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    result = run_cli("feeds")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"byline: {tmp_path / 'config.toml'}:{line}: ")
    assert words in result.stderr and result.stdout == ""


@pytest.mark.parametrize("command", ["refresh", "entries", "export", "add", "remove", "import"])
def test_every_command_reports_a_broken_config(command, tmp_path: Path, capsys):
    (tmp_path / "config.toml").write_text("[settings\n", encoding="utf-8")
    extra = {"add": ["https://x.example/"], "remove": ["https://x.example/"], "import": ["x"]}
    code, _, err = _in_process(capsys, command, *extra.get(command, []))
    assert code == 2 and "config.toml:1: not valid TOML" in err


def test_unreadable_config_is_a_message(tmp_path: Path, run_cli):
    (tmp_path / "config.toml").write_bytes(b"\xff\xfe[settings]")
    result = run_cli("feeds")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "config.toml" in result.stderr and "cannot read" in result.stderr


def test_parse_is_strict_and_typed(tmp_path: Path):
    path = tmp_path / "c.toml"
    config = cfg.parse(
        '[settings]\ntimeout_s = 2\nmax_bytes = 1_000\n\n[[feeds]]\nurl = " https://a.example/f "\n'
        'tags = ["x", "y"]\ntimeout_s = 5\n',
        path,
    )
    assert config.settings.timeout_s == 2.0 and isinstance(config.settings.timeout_s, float)
    (feed,) = config.feeds
    assert (feed.url, feed.tags) == ("https://a.example/f", ("x", "y"))
    assert feed.setting(config.settings, "timeout_s") == 5.0
    assert feed.setting(config.settings, "max_bytes") == 1000
    with pytest.raises(ConfigError) as err:
        cfg.load(tmp_path / "missing.toml")
    assert "missing.toml" in str(err.value)


# ---------------------------------------------------------------- edits keep the layout

USER_CONFIG = """\
# My feeds — hand-written, please keep this comment.
[settings]
timeout_s = 2      # short: my server is close
keep_days = 30

[keys]
# quit = "ctrl+q"

# --- news ---
[[feeds]]
url = "https://keep.example/feed"   # the one I read first
title = "Keep me"
tags = ["news"]
"""


def _comments(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]


def test_add_remove_import_keep_comments(tmp_path: Path, http_server, run_cli):
    path = tmp_path / "config.toml"
    path.write_text(USER_CONFIG, encoding="utf-8")
    feed = http_server.route("/feed.xml", body=rss20(items(2)))
    result = run_cli("add", feed, "--title", "Local", "--tag", "a", "--tag", "b")
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith(USER_CONFIG.rstrip("\n")) and _comments(text) == _comments(USER_CONFIG)
    added = cfg.load(path).feed(feed)
    assert (added.title, added.tags) == ("Local", ("a", "b"))

    opml = tmp_path / "in.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="Tech">'
        '<outline xmlUrl="https://new.example/rss" text="New"/></outline></body></opml>',
        encoding="utf-8",
    )
    assert run_cli("import", str(opml)).returncode == 0
    assert run_cli("remove", feed).returncode == 0
    text = path.read_text(encoding="utf-8")
    assert _comments(text) == _comments(USER_CONFIG)
    assert text.startswith(USER_CONFIG.rstrip("\n"))
    data = tomllib.loads(text)
    assert [f["url"] for f in data["feeds"]] == [
        "https://keep.example/feed",
        "https://new.example/rss",
    ]
    assert data["settings"] == {"timeout_s": 2, "keep_days": 30}


def test_remove_the_commented_feed_keeps_the_rest(tmp_path: Path, run_cli):
    path = tmp_path / "config.toml"
    path.write_text(USER_CONFIG + '\n[[feeds]]\nurl = "https://b.example/f"\n', encoding="utf-8")
    result = run_cli("remove", "https://keep.example/feed")
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# My feeds — hand-written, please keep this comment.\n[settings]\n")
    assert "timeout_s = 2      # short: my server is close" in text
    assert [f.url for f in cfg.load(path).feeds] == ["https://b.example/f"]
    assert run_cli("remove", "https://keep.example/feed").returncode == 2  # not subscribed


def test_edits_are_validated_before_writing(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text(USER_CONFIG, encoding="utf-8")
    assert cfg.add_feeds(path, [FeedConfig("https://keep.example/feed")]) == []
    with pytest.raises(ConfigError):
        cfg.set_setting(path, "timeout_s", "slow")
    assert path.read_text(encoding="utf-8") == USER_CONFIG
    assert not list(tmp_path.glob("*.tmp"))
    cfg.set_setting(path, "theme", "nord")
    assert "# My feeds" in path.read_text(encoding="utf-8")
    assert cfg.load(path).settings.theme == "nord"


@pytest.mark.parametrize(
    "start",
    [
        '[settings]\ntimeout_s = 1\n\n[[feeds]]\nurl = "https://a.example/feed"\n',
        '[[feeds]]\nurl = "https://a.example/feed"\n\n[settings]\ntimeout_s = 1\n',
        "",
    ],
)
def test_add_feeds_keeps_a_blank_line_between_feed_tables(tmp_path, start):
    """Issue 28 (friction 6): `byline add` appended [[feeds]] tables with no blank line."""
    path = tmp_path / "config.toml"
    path.write_text(start, encoding="utf-8")
    cfg.add_feeds(path, [FeedConfig("https://b.example/feed", "B", ("x",))])
    cfg.add_feeds(path, [FeedConfig("https://c.example/feed"), FeedConfig("https://d.example/")])
    text = path.read_text(encoding="utf-8")
    tables = text.count("[[feeds]]")
    assert text.count("\n\n[[feeds]]") == tables - text.startswith("[[feeds]]")
    assert "\n\n\n" not in text and not text.startswith("\n")
    if "[settings]" in text.split("[[feeds]]")[-1]:  # a table after the feeds keeps its gap
        assert "\n\n[settings]" in text
    assert len(cfg.load(path).feeds) == tables
