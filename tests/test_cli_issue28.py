"""Issue 28, friction items 6 and 8: the command line as a newsboat user first meets it.

`entries --feed TITLE`, `byline show ID`, empty results said, ISO 8601 dates in --json, and
`add` knowing a second address of a feed already followed. Real CLI, real cache, real HTTP
server on 127.0.0.1 (tests/httpserver.py)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from samples import atom10, items, rss20

from reader.core import config as cfg

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
FERRY = (
    "<p>“The ferry is not a luxury, it is how our nurses get home,” said Councillor "
    "Ines Okafor, who led the <a href='https://example.org/campaign'>campaign</a>.</p>"
)


def _feed_file(tmp_path: Path, name: str, title: str, entries: list[dict]) -> str:
    path = tmp_path / name
    path.write_text(rss20(entries, title=title), encoding="utf-8")
    return path.as_uri()


def _two_feeds(tmp_path: Path, write_config, in_cli, second_title: str = "Beta Times") -> tuple:
    a = _feed_file(tmp_path, "a.xml", "Alpha News", items(3, "Alpha"))
    b = _feed_file(tmp_path, "b.xml", second_title, items(2, "Beta"))
    write_config([a, b])
    assert in_cli("refresh").returncode == 0
    return a, b


def _titles(in_cli, *args: str) -> list[str]:
    result = in_cli("entries", "--json", *args)
    assert result.returncode == 0, result.stderr
    return sorted(e["title"] for e in json.loads(result.stdout))


# ---------------------------------------------------------------- 8a: --feed TITLE


def test_entries_feed_takes_a_title_in_any_case(tmp_path, write_config, in_cli):
    a, _ = _two_feeds(tmp_path, write_config, in_cli)
    assert _titles(in_cli, "--feed", "alpha news") == ["Alpha 0", "Alpha 1", "Alpha 2"]
    assert _titles(in_cli, "--feed", "BETA TIMES") == ["Beta 0", "Beta 1"]
    assert _titles(in_cli, "--feed", a) == ["Alpha 0", "Alpha 1", "Alpha 2"]  # the URL still works
    unknown = in_cli("entries", "--feed", "Alpha")  # exact titles only, no prefix guess
    assert unknown.returncode == 2 and "not subscribed: Alpha" in unknown.stderr


def test_entries_feed_refuses_a_title_two_feeds_share(tmp_path, write_config, in_cli):
    a, b = _two_feeds(tmp_path, write_config, in_cli, second_title="alpha NEWS")
    result = in_cli("entries", "--feed", "Alpha News")
    assert result.returncode == 2 and result.stdout == ""
    assert "2 feeds are titled 'Alpha News'" in result.stderr
    assert a in result.stderr and b in result.stderr and "give the URL" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- 8b: show ID


def _ferry_entry(tmp_path, write_config, in_cli) -> int:
    entry = {
        "title": "Ferry",
        "guid": "q1",
        "link": "https://example.org/q",
        "date": 0,
        "body": FERRY,
    }
    write_config([_feed_file(tmp_path, "q.xml", "Harbour Post", [entry])])
    assert in_cli("refresh").returncode == 0
    return json.loads(in_cli("entries", "--json").stdout)[0]["id"]


def test_show_prints_the_text_with_its_quotes_marked(tmp_path, write_config, run_cli, in_cli):
    entry_id = _ferry_entry(tmp_path, write_config, in_cli)
    result = run_cli("show", str(entry_id))  # the installed command, end to end
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Ferry\nHarbour Post")
    # the speaker right after the quotation, and the quotes listed at the end
    assert "nurses get home,” [— Councillor Ines Okafor]" in out
    assert "\nQuotes:\n  1. “The ferry is not a luxury, it is how our nurses get home" in out
    assert out.rstrip().endswith("— Councillor Ines Okafor")
    assert "[1] https://example.org/campaign" in out
    assert "#" not in out.splitlines()[0]

    markdown = in_cli("show", str(entry_id), "--format", "markdown")
    assert markdown.returncode == 0
    assert markdown.stdout.startswith("# Ferry\n")
    assert "[— Councillor Ines Okafor]" in markdown.stdout
    assert "\n## Quotes\n\n- “The ferry is not a luxury" in markdown.stdout
    assert "[1]: https://example.org/campaign" in markdown.stdout


def test_show_full_uses_the_kept_full_text(
    tmp_path, write_config, in_cli, isolated_env, http_server
):
    from reader.core.store import Store

    page = http_server.route(
        "/article",
        content_type="text/html; charset=utf-8",
        body="<html><body><article><p>“Kept words from the whole article,” said Mayor Ada Lind, "
        "speaking at the pier on Monday evening to a crowd of residents.</p>"
        + "<p>More of the article follows here for the extractor to take as the body.</p>" * 6
        + "</article></body></html>",
    )
    entry = {
        "title": "Pier",
        "guid": "p1",
        "link": page,
        "date": 0,
        "body": "<p>Short summary.</p>",
    }
    write_config([_feed_file(tmp_path, "p.xml", "Pier News", [entry])])
    assert in_cli("refresh").returncode == 0
    entry_id = json.loads(in_cli("entries", "--json").stdout)[0]["id"]
    plain = in_cli("show", str(entry_id), "--full")
    assert plain.returncode == 0 and "Short summary." in plain.stdout
    assert "no full text kept" in plain.stderr  # said, then the feed's text
    assert in_cli("fetch-text", str(entry_id)).returncode == 0
    with Store.in_dir(isolated_env / "data") as store:
        assert store.fulltext(entry_id).status == "ok"
    full = in_cli("show", str(entry_id), "--full")
    assert full.returncode == 0 and full.stderr == ""
    assert "Kept words from the whole article" in full.stdout
    assert "[— Mayor Ada Lind]" in full.stdout
    assert "Kept words" not in in_cli("show", str(entry_id)).stdout  # without --full: the feed's


def test_show_a_missing_entry_is_a_message(tmp_path, write_config, in_cli):
    _ferry_entry(tmp_path, write_config, in_cli)
    result = in_cli("show", "999999")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == "byline: no entry 999999 (see: byline entries)"
    assert in_cli("show", "nine").returncode == 2  # not a number: argparse says so


# ---------------------------------------------------------------- 8c: empty results


def test_empty_results_say_so_and_json_stays_an_empty_list(write_config, in_cli):
    write_config([])
    for args, words in (
        (["entries"], "No entries yet"),
        (["entries", "--search", "nothing-like-this"], "No entries match."),
        (["quotes"], "No saved quotes yet"),
        (["people"], "Nobody quoted yet"),
        (["feeds"], "No feeds yet"),
    ):
        result = in_cli(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert words in result.stdout + result.stderr, args
        listed = in_cli(*args, "--json")
        assert listed.returncode == 0 and json.loads(listed.stdout) == [], args


# ---------------------------------------------------------------- 8d: ISO 8601 in --json


def test_json_dates_are_iso_8601_with_the_epoch_kept(tmp_path, write_config, in_cli, isolated_env):
    from reader.core.store import Store

    entry_id = _ferry_entry(tmp_path, write_config, in_cli)
    (row,) = json.loads(in_cli("entries", "--json").stdout)
    assert ISO.fullmatch(row["published"]) and isinstance(row["published_ts"], float)
    assert row["published"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(row["published_ts"]))
    (feed,) = json.loads(in_cli("feeds", "--json").stdout)
    assert ISO.fullmatch(feed["checked"]) and isinstance(feed["checked_ts"], float)
    with Store.in_dir(isolated_env / "data") as store:
        store.save_quote(entry_id, "it is how our nurses get home", "direct", 0, 10, "Ines Okafor")
    spoken = json.loads(in_cli("quotes", "--speaker", "Okafor", "--json").stdout)
    assert spoken and all(ISO.fullmatch(q["date"]) and "date_ts" in q for q in spoken)
    saved = json.loads(in_cli("quotes", "--json").stdout)
    assert len(saved) == 1
    for q in saved:
        assert ISO.fullmatch(q["saved_at"]) and isinstance(q["saved_at_ts"], float)


# ---------------------------------------------------------------- 6b: a second URL of a feed


def test_add_a_second_address_of_a_subscribed_feed_says_so(http_server, write_config, in_cli):
    config = write_config([])
    feed = http_server.route(
        "/feed.atom", body=atom10(items(2)), content_type="application/atom+xml"
    )
    assert in_cli("add", feed).returncode == 0
    old = http_server.route("/old-feed", redirect="/feed.atom", status=301)
    page = http_server.route(
        "/blog/",
        content_type="text/html; charset=utf-8",
        body='<html><head><link rel="alternate" type="application/atom+xml" href="/feed.atom">'
        "</head><body>Hi</body></html>",
    )
    spelled = feed.replace("http://127.0.0.1", "HTTP://127.0.0.1") + "#top"
    for other in (old, page, spelled, feed + "/"):
        result = in_cli("add", other)
        assert result.returncode == 0, (other, result.stderr)
        assert "Already subscribed" in result.stdout and feed in result.stdout, other
    assert [f.url for f in cfg.load(config).feeds] == [feed]
    assert len(http_server.requests_for("/feed.atom")) <= 3  # the spellings were not fetched
    for bad in ("http://127.0.0.1:abc/feed", "http://[::1"):  # still a message, not a traceback
        refused = in_cli("add", bad)
        assert refused.returncode == 2 and refused.stderr.startswith("byline: cannot add"), bad
