"""Issue 10's CLI, config and store defects, each through the real command.

quotes --delete and Store.saved_quote (5); `byline add` stores what it claims (7); config
checks at load with exit 2 and the file and line (8); plurals, export/import round trip and
the legend of `byline entries` (10).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from samples import atom10, items, rss20

from reader.core import config as cfg
from reader.core.store import Store


def _local_feed(tmp_path: Path, n: int = 2, name: str = "local.xml") -> str:
    path = tmp_path / name
    path.write_text(rss20(items(n)), encoding="utf-8")
    return path.as_uri()


# ---------------------------------------------------------------- 5: quotes --delete


def _saved_quotes(isolated_env: Path, in_cli, write_config, tmp_path: Path) -> list[int]:
    write_config([_local_feed(tmp_path)])
    assert in_cli("refresh").returncode == 0
    with Store.in_dir(isolated_env / "data") as store:
        entry_id = store.page([], 0, 1)[0].id
        first = store.save_quote(entry_id, "We will be back here in spring", "quote", 0, 30, "Ann")
        second = store.save_quote(entry_id, "Not a luxury at all", "quote", 40, 60)
    return [first, second]


def test_store_finds_and_deletes_one_saved_quote(isolated_env, in_cli, write_config, tmp_path):
    first, second = _saved_quotes(isolated_env, in_cli, write_config, tmp_path)
    with Store.in_dir(isolated_env / "data") as store:
        quote = store.saved_quote(first)
        assert quote is not None and quote.text == "We will be back here in spring"
        assert quote.speaker == "Ann" and store.saved_quote(999_999) is None
        assert store.delete_quote(first) is True
        assert store.delete_quote(first) is False  # already gone
        assert store.saved_quote(first) is None and store.saved_quote(second) is not None


def test_quotes_delete_by_id(isolated_env, in_cli, run_cli, write_config, tmp_path):
    first, second = _saved_quotes(isolated_env, in_cli, write_config, tmp_path)
    listed = in_cli("quotes")
    assert f"{first}  “We will be back here in spring” — Ann" in listed.stdout
    assert {q["id"] for q in json.loads(in_cli("quotes", "--json").stdout)} == {first, second}
    done = run_cli("quotes", "--delete", str(first))
    assert done.returncode == 0, done.stderr
    assert f"Deleted quote {first}" in done.stdout and "back here in spring" in done.stdout
    assert [q["id"] for q in json.loads(in_cli("quotes", "--json").stdout)] == [second]
    again = in_cli("quotes", "--delete", str(first))
    assert again.returncode == 2
    assert f"no saved quote {first}" in again.stderr and "byline quotes" in again.stderr
    unknown = in_cli("quotes", "--delete", "424242")
    assert unknown.returncode == 2 and "no saved quote 424242" in unknown.stderr


# ---------------------------------------------------------------- 7: add stores its entries


def test_add_stores_the_entries_it_announces(http_server, write_config, run_cli, in_cli):
    write_config([])
    feed = http_server.route("/f.atom", body=atom10(items(6)), content_type="application/atom+xml")
    added = run_cli("add", feed)
    assert added.returncode == 0, added.stderr
    assert "6 entries stored" in added.stdout
    (row,) = json.loads(in_cli("feeds", "--json").stdout)
    assert (row["unread"], row["total"], row["status"]) == (6, 6, "ok")
    assert len(json.loads(in_cli("entries", "--json").stdout)) == 6
    assert len(http_server.requests_for("/f.atom")) == 1  # the check's download, not a second


def test_add_one_entry_says_entry(http_server, write_config, in_cli):
    write_config([])
    feed = http_server.route("/one.xml", body=rss20(items(1)), content_type="application/rss+xml")
    assert "1 entry stored" in in_cli("add", feed).stdout


# ---------------------------------------------------------------- 8: config checks at load


@pytest.mark.parametrize(
    "keys, clash",
    [
        ('quit = "j"', "'j' is already bound to cursor_down"),
        ('help = "/"', "'slash' is already bound to search"),  # / is slash
        ('open_browser = "x"\ncopy_link = "x"', "'x' is already bound to"),
        ('quote_copy = "s"', "'s' is already bound to quote_save"),
    ],
)
def test_a_key_bound_twice_is_refused_at_load(write_config, in_cli, keys, clash):
    path = write_config(text=f"[settings]\nrefresh_minutes = 0\n\n[keys]\n{keys}\n")
    for command in (("feeds",), ("entries",)):
        result = in_cli(*command)
        assert result.returncode == 2
        assert clash in result.stderr and f"{path}:" in result.stderr


def test_keys_moved_out_of_the_way_are_fine(write_config, in_cli):
    write_config(text='[keys]\nquit = "j"\ncursor_down = "down"\nhelp = "question_mark,h"\n')
    assert in_cli("feeds").returncode == 0


@pytest.mark.parametrize(
    "url, words",
    [
        ("ftp://feeds.example.com/rss", "ftp:// is not supported"),
        ("feeds.example.com/rss", "is not a full address"),
        ("http://", "incomplete"),
        ("https:///rss", "incomplete"),
        ("file://", "incomplete"),
    ],
)
def test_a_feed_address_that_cannot_work_is_refused_at_load(write_config, in_cli, url, words):
    path = write_config(text=f'[settings]\nrefresh_minutes = 0\n\n[[feeds]]\nurl = "{url}"\n')
    result = in_cli("feeds")
    assert result.returncode == 2
    assert words in result.stderr and f"{path}:5:" in result.stderr  # the url's line


def test_good_feed_addresses_still_load(tmp_path):
    text = '[[feeds]]\nurl = "https://a.example/rss"\n[[feeds]]\nurl = "file:///tmp/x.xml"\n'
    assert len(cfg.parse(text, tmp_path / "c.toml").feeds) == 2


@pytest.mark.parametrize("url", ["http://", "https://", "ftp://a.example/rss", "a.example/rss"])
def test_add_an_address_that_cannot_work(write_config, in_cli, http_server, url):
    write_config([])
    result = in_cli("add", url)
    assert result.returncode == 2
    assert "redirected" not in result.stderr
    assert ("incomplete" in result.stderr) == url.endswith("//")
    assert http_server.requests == []


# ---------------------------------------------------------------- 10: plurals, export, legend


def test_counts_agree_with_their_number(tmp_path, write_config, in_cli):
    write_config([_local_feed(tmp_path, 1)])
    refreshed = in_cli("refresh")
    assert "1 new entry," in refreshed.stdout and "entries" not in refreshed.stdout
    opml = tmp_path / "one.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline xmlUrl="https://x.example/rss"/></body></opml>'
    )
    assert "Imported 1 new feed (" in in_cli("import", str(opml)).stdout


def test_export_then_import_round_trips(tmp_path, write_config, in_cli):
    local = _local_feed(tmp_path)
    write_config(
        text=(
            '[[feeds]]\nurl = "https://a.example/rss"\ntags = ["news"]\n\n'
            f'[[feeds]]\nurl = "{local}"\n\n'
            '[[feeds]]\nurl = "http://b.example/atom"\ntitle = "B"\n'
        )
    )
    out = tmp_path / "subs.opml"
    exported = in_cli("export", str(out))
    assert exported.returncode == 0
    assert "Exported 2 feeds" in exported.stdout
    assert "Left out 1 local feed" in exported.stderr and local in exported.stderr
    assert "file://" not in out.read_text()
    to_stdout = in_cli("export")
    assert "file://" not in to_stdout.stdout and "Left out" in to_stdout.stderr
    # Into a fresh config: everything exported comes back, nothing is refused.
    fresh = write_config(text="")
    imported = in_cli("import", str(out))
    assert "Imported 2 new feeds (0 already subscribed, 0 skipped)" in imported.stdout
    feeds = {f.url: f for f in cfg.load(fresh).feeds}
    assert set(feeds) == {"https://a.example/rss", "http://b.example/atom"}
    assert feeds["https://a.example/rss"].tags == ("news",)


def test_entries_explains_its_columns(tmp_path, write_config, in_cli):
    write_config([_local_feed(tmp_path, 2)])
    in_cli("refresh")
    lines = in_cli("entries").stdout.splitlines()
    assert "*: unread" in lines[0] and "S: saved" in lines[0]
    assert lines[0].split()[:2] == ["id", "*S"]
    assert all(" * " in line for line in lines[1:]) and len(lines) == 3
    assert "*" not in in_cli("entries", "--json").stdout.split("\n")[0]
