"""Rules and views (issue 14): the filter language, actions at refresh and by `rules apply`,
views, hidden entries, notify_command and duplicates, on a real SQLite cache, a real HTTP
server on 127.0.0.1 and the real CLI."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

import pytest
from samples import rss20

from reader.core import config as cfg
from reader.core.feeds.refresh import refresh
from reader.core.rules import SavedView
from reader.core.rules.engine import apply_rules
from reader.core.rules.expr import (
    BoolOp,
    Compare,
    ExprError,
    Flag,
    Not,
    parse,
)
from reader.core.rules.sqlfuncs import FUNCTIONS, MAX_REGEX_INPUT
from reader.core.store import Store, View
from reader.core.text.parse import ParsedEntry

NOW = time.time()
DAY = 86400
ZELENSKY = '<p>"We will not give up the fight for our land," Volodymyr Zelensky said on Monday.</p>'

# ---------------------------------------------------------------- the grammar


def test_precedence_not_binds_tighter_than_and_tighter_than_or():
    tree = parse('title = "a" or not unread and saved').tree
    assert tree == BoolOp(
        "or",
        (Compare("title", "=", "a", 8), BoolOp("and", (Not(Flag("unread")), Flag("saved")))),
    )
    grouped = parse('(title = "a" or not unread) and saved').tree
    assert isinstance(grouped, BoolOp) and grouped.op == "and"
    assert grouped.items[1] == Flag("saved")
    assert parse("not not saved").tree == Not(Not(Flag("saved")))


def test_every_operator_parses_and_keywords_ignore_case():
    for op in ("=", "!=", "~", "!~", "contains"):
        assert parse(f'title {op} "x"').tree == Compare("title", op, "x", len(f"title {op} "))
    assert parse("age > 30d").tree == Compare("age", ">", 30 * DAY, 6)
    assert parse("age < 12h").tree == Compare("age", "<", 12 * 3600, 6)
    assert parse('TITLE CONTAINS "x" AND Unread OR NOT saved').tree.op == "or"


def test_strings_escape_only_quotes_and_backslashes():
    assert parse(r'title contains "\d+ \"quoted\" \\"').tree.value == r'\d+ "quoted" \ '.rstrip()
    assert parse(r'title ~ "\d+"').tree.value == r"\d+"


@pytest.mark.parametrize(
    ("source", "column", "words"),
    [
        ('titel = "x"', 0, "unknown field 'titel'"),
        ('title == "x"', 7, "expected a"),
        ('title = "x', 8, "no closing double quote"),
        ('title ~ "(?i)spon[sored"', 17, "not a valid regular expression"),
        ('title = "a" and (unread or saved', 32, "expected ')'"),
        ('title = "a" saved', 12, "expected 'and', 'or' or the end"),
        ("age = 30d", 4, "age compares with < or >"),
        ('title > "b"', 6, "> only compares age"),
        ("age > 30", 6, "not a duration"),
        ('age > "30d"', 6, "expected a duration"),
        ("title = x", 8, "double-quoted string"),
        ("unread and", 10, "found the end"),
        ("", 0, "empty expression"),
        ("title = 'x'", 8, "unexpected character"),
        ("speaker", 7, "expected an operator after speaker"),
    ],
)
def test_errors_name_the_column(source, column, words):
    with pytest.raises(ExprError) as caught:
        parse(source)
    assert caught.value.column == column, caught.value
    assert words in caught.value.message
    caret_line = caught.value.caret(source).splitlines()[1]
    assert caret_line == " " * column + "^"


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(ExprError, match="nested"):
        parse("(" * 200 + "unread" + ")" * 200)
    with pytest.raises(ExprError, match="nested"):
        parse("not " * 200 + "unread")


# ---------------------------------------------------------------- semantics over a real cache


def _entry(uid, title, *, author="", link="", body="", age=0.0, enclosure=False):
    return ParsedEntry(
        uid,
        title,
        author=author,
        link=link or f"https://example.org/{uid}",
        published=NOW - age,
        content=body,
        enclosures=[{"href": "https://example.org/a.mp3"}] if enclosure else [],
    )


@pytest.fixture
def cache(tmp_path: Path) -> Store:
    store = Store(tmp_path / "byline.db")
    store.sync_feeds(
        [
            cfg.FeedConfig("https://alpha.test/rss", "Alpha News", ("world",)),
            cfg.FeedConfig("https://beta.test/rss", None, ("tech",)),
        ]
    )
    alpha = store.feed_by_url("https://alpha.test/rss").id
    beta = store.feed_by_url("https://beta.test/rss").id
    store.store_entries(
        alpha,
        [
            _entry(
                "a1", "Sponsored: buy now", author="Ann Lee", body=ZELENSKY, age=40 * DAY,
                enclosure=True,
            ),
            _entry("a2", "Daily -9 edition", author="Bob", body="<p>Nothing at all</p>", age=3600),
        ],
        NOW,
    )  # fmt: skip
    store.store_entries(
        beta,
        [_entry("b1", "New chips from Zürich", author="Cy", body="<p>Zelensky was mentioned</p>")],
        NOW,
    )
    store.set_saved(store.page(View("all"))[0].id)  # the newest: b1
    store.db.execute("""UPDATE entries SET tags = '["weather"]' WHERE uid = 'a2'""")
    yield store
    store.close()


def titles(store: Store, source: str) -> set[str]:
    view = View("match", SavedView("t", parse(source)))
    return {r.title for r in store.page(view, 0, 100)}


A1, A2, B1 = "Sponsored: buy now", "Daily -9 edition", "New chips from Zürich"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('title = "DAILY -9 EDITION"', {A2}),
        ('title != "daily -9 edition"', {A1, B1}),
        ('title ~ "(?i)sponsored"', {A1}),
        ('title ~ "sponsored"', set()),  # as written: no (?i), no match
        ('title !~ "(?i)sponsored"', {A2, B1}),
        ('title contains "CHIPS"', {B1}),
        ('title contains "zürich"', {B1}),
        ('author = "ann lee"', {A1}),
        ('author contains "o"', {A2}),
        ('link ~ "/a2$"', {A2}),
        ('content contains "Zelensky"', {A1, B1}),
        ('content ~ "give up the fight"', {A1}),
        ('feed = "https://alpha.test/rss"', {A1, A2}),
        ('feed = "alpha news"', {A1, A2}),
        ('feed = "https://beta.test/rss" and not title ~ "-9 "', {B1}),
        ('feed = "https://alpha.test/rss" and not title ~ "-9 "', {A1}),
        ('feed != "Alpha News"', {B1}),
        ('tag = "world"', {A1, A2}),
        ('tag != "world"', {B1}),
        ("age > 30d", {A1}),
        ("age < 12h", {A2, B1}),
        ("age > 30d and unread", {A1}),
        ("saved", {B1}),
        ("not saved", {A1, A2}),
        ("unread", {A1, A2, B1}),
        ("has_enclosure", {A1}),
        ('speaker = "Zelensky"', {A1}),
        ('speaker = "volodymyr zelensky"', {A1}),
        ('speaker = "Zelen"', set()),  # whole words of the name
        ('speaker contains "zelen"', {A1}),
        ('speaker ~ "^Volodymyr"', {A1}),
        ('speaker != "Zelensky"', {A2, B1}),
        ('content contains "Zelensky" or speaker = "Zelensky"', {A1, B1}),
        ('title contains "daily" or title contains "chips" and saved', {A2, B1}),
        ('(title contains "daily" or title contains "sponsored") and has_enclosure', {A1}),
    ],
)
def test_each_operator_over_the_cache(cache, source, expected):
    assert titles(cache, source) == expected


def test_a_regex_sees_only_the_first_characters_of_a_field(cache):
    feed = cache.feed_by_url("https://beta.test/rss").id
    pad = "x" * (MAX_REGEX_INPUT + 10)
    cache.store_entries(
        feed,
        [
            _entry("near", "near", body="<p>needle " + pad + "</p>"),
            _entry("far", "far", body="<p>" + pad + " needle</p>"),
        ],
        NOW,
    )
    assert titles(cache, 'content ~ "needle"') == {"near"}
    assert titles(cache, 'content contains "needle"') == {"near", "far"}  # not a regex


# ---------------------------------------------------------------- rules at refresh


def feed_body(entries: list[dict], title: str) -> str:
    return rss20(entries, title)


def item(n: int, title: str, link: str | None = None, body: str = "<p>Plain words.</p>") -> dict:
    return {"title": title, "link": link or f"https://example.org/{n}", "guid": f"g{n}",
            "date": n % 3, "body": body}  # fmt: skip


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def data(isolated_env: Path) -> Path:
    return isolated_env / "data"


def config_text(urls: list[str], extra: str = "", settings: str = "") -> str:
    feeds = "".join(f'\n[[feeds]]\nurl = "{u}"\ntags = ["t{i}"]\n' for i, u in enumerate(urls))
    return f"[settings]\nrefresh_minutes = 30\n{settings}\n{feeds}\n{extra}"


RULES = """
[[rules]]
match = 'title ~ "(?i)sponsored"'
action = "hide"

[[rules]]
match = 'title contains "weather"'
action = ["mark_read", "tag:weather"]

[[rules]]
match = 'tag = "weather" or title contains "budget"'
action = "highlight"

[[rules]]
match = 'content contains "Zelensky" or speaker = "Zelensky"'
action = "save"
feeds = ["FEED0"]
"""


def test_each_action_at_refresh(http_server, isolated_env, data, in_cli):
    one = http_server.route(
        "/one",
        body=feed_body(
            [
                item(1, "SPONSORED: a great deal"),
                item(2, "Weather for the weekend"),
                item(3, "City budget passes"),
                item(4, "War news", body=ZELENSKY),
            ],
            "One",
        ),
    )
    two = http_server.route(
        "/two", body=feed_body([item(5, "Zelensky visits", body=ZELENSKY)], "Two")
    )
    path = write(isolated_env / "config.toml", config_text([one, two], RULES.replace("FEED0", one)))
    report = refresh(cfg.load(path), data)
    assert report.new == 5
    with Store.in_dir(data) as store:
        rows = {r.title: r for r in store.page(View("all"), 0, 100)}
        assert "SPONSORED: a great deal" not in rows
        assert rows["Weather for the weekend"].read and rows["Weather for the weekend"].highlight
        assert rows["City budget passes"].highlight and not rows["City budget passes"].read
        assert rows["War news"].saved
        assert not rows["Zelensky visits"].saved  # out of the rule's feeds scope
        weather = rows["Weather for the weekend"].id
        assert store.entry_tags(weather) == ["weather"]
        # hidden: in no list, search or count
        feed = store.feed_by_url(one)
        assert (feed.entry_count, feed.unread_count) == (3, 2)
        assert store.totals()["all"] == 4 and store.totals()["unread"] == 3
        assert store.page(View("search", "sponsored")) == []
        assert store.count(View("search", "deal")) == 0
        assert store.count(View("tag", "t0")) == 3
        assert [r.title for r in store.page(View("hidden"))] == ["SPONSORED: a great deal"]
    # the hidden entry never comes back as new
    again = refresh(cfg.load(path), data, force=True)
    assert again.new == 0
    listed = in_cli("entries", "--hidden", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [e["title"] for e in json.loads(listed.stdout)] == ["SPONSORED: a great deal"]
    shown = json.loads(in_cli("entries", "--json").stdout)
    assert "SPONSORED: a great deal" not in {e["title"] for e in shown}
    assert {e["title"] for e in shown if e["highlight"]} == {
        "Weather for the weekend",
        "City budget passes",
    }


def test_rules_apply_counts_then_changes_the_cache(http_server, isolated_env, data, in_cli):
    url = http_server.route(
        "/f",
        body=feed_body(
            [item(1, "Sponsored post"), item(2, "Weather today"), item(3, "Other")], "F"
        ),
    )
    path = write(isolated_env / "config.toml", config_text([url]))
    refresh(cfg.load(path), data)  # no rules yet
    write(path, config_text([url], RULES.replace("FEED0", url)))
    dry = in_cli("rules", "apply", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert report["dry_run"] is True
    assert [(r["matched"], r["changed"]) for r in report["rules"]] == [
        (1, {"hide": 1}),
        (1, {"mark_read": 1, "tag:weather": 1}),
        (0, {"highlight": 0}),  # the tag is not there yet: nothing was written
        (0, {"save": 0}),
    ]
    with Store.in_dir(data) as store:
        assert store.totals()["all"] == 3 and store.totals()["unread"] == 3
    done = json.loads(in_cli("rules", "apply", "--json").stdout)
    assert [r["changed"] for r in done["rules"]][:3] == [
        {"hide": 1},
        {"mark_read": 1, "tag:weather": 1},
        {"highlight": 1},
    ]
    with Store.in_dir(data) as store:
        assert store.totals()["all"] == 2 and store.totals()["unread"] == 1
        feed = store.feed_by_url(url)
        assert (feed.entry_count, feed.unread_count) == (2, 1)
    twice = json.loads(in_cli("rules", "apply", "--json").stdout)
    assert all(set(r["changed"].values()) == {0} for r in twice["rules"])
    text = in_cli("rules", "apply", "--dry-run")
    assert 'rule 1: title ~ "(?i)sponsored"' in text.stdout and "matches 1" in text.stdout


def test_apply_rules_is_the_function_sync_calls(cache, tmp_path):
    """apply_rules(store, ids, config) acts on the given entries only."""
    config = cfg.parse("[[rules]]\nmatch = 'unread'\naction = \"mark_read\"\n", tmp_path / "c.toml")
    ids = [r.id for r in cache.page(View("all"))]
    report = apply_rules(cache, ids[:1], config)
    assert report.outcomes[0].matched == 1 and report.outcomes[0].changed == {"mark_read": 1}
    assert [r.read for r in cache.page(View("all"))] == [True, False, False]


# ---------------------------------------------------------------- config errors


def test_a_broken_rule_exits_2_with_file_line_and_caret(isolated_env, in_cli, run_cli):
    path = write(
        isolated_env / "config.toml",
        "[settings]\nrefresh_minutes = 30\n\n[[rules]]\nmatch = 'title ~ \"(?i)spon[sored\"'\n"
        'action = "hide"\n',
    )
    done = run_cli("entries")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"byline: {path}:5: match in [[rules]] #1: not a valid regular")
    source, caret = lines[1], lines[2]
    assert source.strip() == "match = 'title ~ \"(?i)spon[sored\"'"
    assert source[caret.index("^")] == "["


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ("[[rules]]\nmatch = 'unread'\naction = \"delete\"\n", "action in [[rules]] #1 must be"),
        ("[[rules]]\nmatch = 'unread'\n", "needs match"),
        ("[[rules]]\nmatch = 'unread'\naction = 'hide'\nfeeds = [1]\n", "feeds in [[rules]]"),
        ("[[views]]\nname = 'v'\nmatch = 'age > 1y'\n", "not a duration"),
        ("[[views]]\nname = 'v'\nmatch = 'unread'\nsort = 'random'\n", "sort in [[views]] #1"),
        ("[[views]]\nname = 'v'\nmatch = 'unread'\n[[views]]\nname = 'v'\nmatch = 'saved'\n",
         "two views are named 'v'"),
        ("[settings]\nnotify_command = 'notify-send hi'\n", "must be a list of strings"),
    ],
)  # fmt: skip
def test_config_checks(tmp_path, table, words):
    with pytest.raises(cfg.ConfigError, match=words.replace("[", r"\[").replace("]", r"\]")):
        cfg.parse(table, tmp_path / "c.toml")


# ---------------------------------------------------------------- views


VIEWS = """
[[views]]
name = "Weather"
match = 'title contains "weather" or title contains "rain"'

[[views]]
name = "Old first"
match = 'unread'
sort = "oldest"
"""


def test_entries_view_pages_from_sql(http_server, isolated_env, data, in_cli):
    url = http_server.route(
        "/f",
        body=feed_body([item(0, "Rain later"), item(1, "Weather now"), item(2, "Sports")], "F"),
    )
    write(isolated_env / "config.toml", config_text([url], VIEWS))
    refresh(cfg.load(isolated_env / "config.toml"), data)
    weather = json.loads(in_cli("entries", "--view", "Weather", "--json").stdout)
    assert [e["title"] for e in weather] == ["Weather now", "Rain later"]
    oldest = json.loads(in_cli("entries", "--view", "Old first", "--json").stdout)
    assert [e["title"] for e in oldest] == ["Rain later", "Weather now", "Sports"]
    limited = json.loads(in_cli("entries", "--view", "Weather", "--limit", "1", "--json").stdout)
    assert [e["title"] for e in limited] == ["Weather now"]
    unknown = in_cli("entries", "--view", "Nope")
    assert unknown.returncode == 2 and "no view named 'Nope'" in unknown.stderr
    config = cfg.load(isolated_env / "config.toml")
    with Store.in_dir(data) as store:
        view = View("match", config.views[1])
        first = store.page(view, 0, 1)[0]
        assert store.index_of(view, first.id) == 0
        nxt = store.next_unread(view, first.id)
        assert store.entry(nxt).title == "Weather now"


# ---------------------------------------------------------------- notify_command


NOTIFY_SCRIPT = """
import json, pathlib, sys
data = json.load(sys.stdin)
path = pathlib.Path(sys.argv[1])
runs = json.loads(path.read_text()) if path.exists() else []
path.write_text(json.dumps(runs + [data]))
"""


def test_notify_command_gets_a_json_summary(http_server, isolated_env, data):
    script = write(isolated_env / "notify.py", NOTIFY_SCRIPT)
    out = isolated_env / "notified.json"
    one = http_server.route(
        "/one", body=feed_body([item(1, "Sponsored thing"), item(2, "Real news")], "One")
    )
    two = http_server.route("/two", body=feed_body([item(3, "More news")], "Two"))
    argv = json.dumps([sys.executable, str(script), str(out)])
    rules = '[[rules]]\nmatch = \'title contains "sponsored"\'\naction = "hide"\n'
    path = write(
        isolated_env / "config.toml",
        config_text([one, two], rules, settings=f"notify_command = {argv}"),
    )
    report = refresh(cfg.load(path), data)
    assert report.notify_error is None
    (summary,) = json.loads(out.read_text())
    assert summary["source"] == "refresh"
    assert summary["new_entries"] == 2  # the hidden one is not news
    assert summary["feeds"] == [
        {"feed": "One", "url": one, "new": 1},
        {"feed": "Two", "url": two, "new": 1},
    ]
    assert {t["title"] for t in summary["titles"]} == {"Real news", "More news"}
    refresh(cfg.load(path), data, force=True)  # nothing new: not run again
    assert len(json.loads(out.read_text())) == 1


def test_a_failing_notify_command_is_reported_not_fatal(http_server, isolated_env, in_cli):
    url = http_server.route("/f", body=feed_body([item(1, "News")], "F"))
    fail = json.dumps([sys.executable, "-c", "import sys; sys.exit('cannot notify')"])
    write(isolated_env / "config.toml", config_text([url], settings=f"notify_command = {fail}"))
    done = in_cli("refresh")
    assert done.returncode == 0
    assert "notify_command:" in done.stdout and "status 1: cannot notify" in done.stdout
    missing = json.dumps(["/nonexistent/notifier"])
    http_server.route("/f", body=feed_body([item(2, "More")], "F"))
    write(isolated_env / "config.toml", config_text([url], settings=f"notify_command = {missing}"))
    done = in_cli("refresh", "--json")
    assert done.returncode == 0
    assert (
        json.loads(done.stdout)["notify_error"] == "notify_command: /nonexistent/notifier not found"
    )


# ---------------------------------------------------------------- duplicates


def test_the_same_story_in_several_feeds_is_shown_once(http_server, isolated_env, data, in_cli):
    story = "https://news.example.org/2026/ferry-vote"
    one = http_server.route("/one", body=feed_body([item(1, "Ferry vote", story + "/")], "One"))
    two = http_server.route(
        "/two",
        body=feed_body(
            [item(2, "Town keeps its ferry", story + "?utm_source=rss&utm_medium=feed#top")], "Two"
        ),
    )
    three = http_server.route(
        "/three",
        body=feed_body(
            [item(3, "Harbour town votes to keep its night ferry", "https://other.example/x")],
            "Three",
        ),
    )
    four = http_server.route(
        "/four",
        body=feed_body(
            [item(6, "Harbour Town votes to keep its night ferry!", "https://fourth.example/y")],
            "Four",
        ),
    )
    path = write(isolated_env / "config.toml", config_text([one, two, three, four]))
    refresh(cfg.load(path), data, urls=[one, three])
    refresh(cfg.load(path), data, urls=[two, four])
    with Store.in_dir(data) as store:
        rows = store.page(View("all"))
        assert sorted(r.title for r in rows) == [
            "Ferry vote",
            "Harbour town votes to keep its night ferry",
        ]
        by_title = {r.title: r.id for r in rows}
        assert store.duplicates(by_title["Ferry vote"]) == [
            ("Two", story + "?utm_source=rss&utm_medium=feed#top")
        ]
        assert [
            t for t, _ in store.duplicates(by_title["Harbour town votes to keep its night ferry"])
        ] == ["Four"]
        assert store.totals()["unread"] == 2
    # dedupe = false: every copy shows again
    write(path, config_text([one, two, three, four], settings="dedupe = false"))
    done = json.loads(in_cli("rules", "apply", "--json").stdout)
    assert done["duplicates"] == -2
    with Store.in_dir(data) as store:
        assert store.totals()["all"] == 4 == len(store.page(View("all")))
    # and on again: `rules apply` finds them over the whole cache (the shared-key pass)
    write(path, config_text([one, two, three, four]))
    done = json.loads(in_cli("rules", "apply", "--json").stdout)
    assert done["duplicates"] == 2
    with Store.in_dir(data) as store:
        assert store.totals()["all"] == 2 == len(store.page(View("all")))


def test_and_or_test_their_cheap_terms_first_in_sql_and_python():
    from reader.core.rules.expr import cheap_first, parse, to_sql

    expr = parse('speaker = "Ann" or content contains "x" or title ~ "y" or feed = "z" or unread')
    sql, params = to_sql(expr, 0.0)
    assert sql.startswith("((entries.read = 0) OR entries.feed_id IN")
    assert sql.index("byline_re") < sql.index("entries_fts") < sql.index("byline_speaker")
    assert params == ["z", "y", "x", "ann", "=", "ann"]
    fields = [getattr(n, "field", None) for n in cheap_first(expr.tree.items)]
    assert fields == ["unread", "feed", "title", "content", "speaker"]


def test_titles_a_day_apart_or_short_are_not_duplicates():
    from reader.core.text.dedupe import link_key, title_key

    assert title_key("Update") is None and title_key("Live: day 3") is None
    assert title_key("Harbour town votes, to keep!") == title_key("harbour  Town votes to keep")
    assert link_key("http://www.Example.org/a/?utm_source=x&id=3&fbclid=1#c") == link_key(
        "https://example.org/a?id=3"
    )
    assert link_key("https://example.org/a?id=3") != link_key("https://example.org/a?id=4")
    assert link_key("mailto:x@example.org") is None


# ---------------------------------------------------------------- counters and migration


def test_kept_counters_follow_hidden_and_read(cache):
    conn = cache.db.conn

    def check():
        for feed in cache.feeds():
            actual = conn.execute(
                "SELECT count(*), COALESCE(SUM(read = 0), 0) FROM entries WHERE feed_id = ?"
                " AND hidden = 0",
                [feed.id],
            ).fetchone()
            assert (feed.entry_count, feed.unread_count) == tuple(actual)

    ids = [r[0] for r in conn.execute("SELECT id FROM entries ORDER BY id")]
    steps = [
        ("UPDATE entries SET hidden = 1 WHERE id = ?", ids[0]),
        ("UPDATE entries SET read = 1 WHERE id = ?", ids[0]),
        ("UPDATE entries SET hidden = 0, read = 0 WHERE id = ?", ids[0]),
        ("UPDATE entries SET read = 1, hidden = 2 WHERE id = ?", ids[1]),
        ("UPDATE entries SET hidden = 1 WHERE id = ?", ids[1]),
        ("UPDATE entries SET hidden = 0 WHERE id = ?", ids[1]),
        ("UPDATE entries SET hidden = 1 WHERE id = ?", ids[2]),
        ("DELETE FROM entries WHERE id = ?", ids[2]),
        ("DELETE FROM entries WHERE id = ?", ids[1]),
    ]
    for sql, entry_id in steps:
        conn.execute(sql, [entry_id])
        check()


def test_a_version_2_cache_is_migrated_with_its_counts(tmp_path):
    from sqlite_utils import Database

    from reader.core.store.schema import migrations

    path = tmp_path / "byline.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.apply(Database(conn), stop_before="m003_rules_hidden_tags_dupes")
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO feeds (id, url) VALUES (1, 'https://a.test/')")
    for n in range(3):
        conn.execute(
            "INSERT INTO entries (feed_id, uid, title, sort_ts, first_seen, last_seen, read)"
            " VALUES (1, ?, ?, ?, 0, 0, ?)",
            [f"u{n}", f"Title {n}", n, int(n == 0)],
        )
    conn.close()
    with Store(path) as store:
        feed = store.feed(1)
        assert (feed.entry_count, feed.unread_count) == (3, 2)
        store.db.execute("UPDATE entries SET hidden = 1 WHERE uid = 'u1'")
        assert store.feed(1).unread_count == 1
        assert [r.title for r in store.page(View("all"))] == ["Title 2", "Title 0"]
        plan = " ".join(
            str(r)
            for r in store.db.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM entries WHERE hidden = 0 AND read = 0"
                " ORDER BY sort_ts DESC, id DESC LIMIT 50"
            )
        )
        assert "entries_read_sort_v" in plan


# ---------------------------------------------------------------- one semantics, two evaluators

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALUES = {
    "title": [
        "sponsored",
        "DAILY -9 EDITION",
        "zürich",
        "-9 ",
        "(?i)^new",
        "chips",
        "ü",
        "strasse",
        "sse fi",
        "k",
        "straße k ﬁle",
        "STRASSE K FILE",
    ],
    "author": ["ann lee", "Bob", "o", "^C"],
    "content": ["zelensky", "Nothing", "give up", "(?i)LAND"],
    "link": ["/a2", "https://example.org/b1", "example"],
    "feed": ["alpha news", "https://beta.test/rss", "beta", "^https"],
    "tag": ["world", "tech", "weather", "^w"],
    "speaker": ["Zelensky", "volodymyr zelensky", "zel", "^V"],
}


@st.composite
def _expressions(draw, depth=3):
    kind = draw(st.sampled_from(["cmp", "flag", "age"] + (["and", "or", "not"] if depth else [])))
    if kind == "flag":
        return draw(st.sampled_from(["unread", "saved", "has_enclosure"]))
    if kind == "age":
        return (
            f"age {draw(st.sampled_from(['<', '>']))} {draw(st.sampled_from(['1h', '2d', '30d']))}"
        )
    if kind == "not":
        return f"not ({draw(_expressions(depth - 1))})"
    if kind in ("and", "or"):
        return f"({draw(_expressions(depth - 1))}) {kind} ({draw(_expressions(depth - 1))})"
    name = draw(st.sampled_from(sorted(_VALUES)))
    op = draw(st.sampled_from(["=", "!=", "~", "!~", "contains"]))
    return f'{name} {op} "{draw(st.sampled_from(_VALUES[name]))}"'


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(source=_expressions())
def test_sql_and_python_evaluations_agree(cache, source):
    from reader.core.rules.expr import to_sql
    from reader.core.rules.predicate import predicate, rows

    feed = cache.feed_by_url("https://beta.test/rss").id
    # casefold() turns these into ASCII letters: SQL's native lower() must not be the judge.
    cache.store_entries(
        feed, [_entry("fold", "Stra\u00dfe \u212a \ufb01le", body="<p>Stra\u00dfe</p>")]
    )
    expr = parse(source)
    now = time.time()
    sql, params = to_sql(expr, now)
    cache.use_functions(FUNCTIONS)  # whoever runs a compiled expression brings its functions
    by_sql = {r[0] for r in cache.db.execute(f"SELECT id FROM entries WHERE {sql}", params)}
    test = predicate(expr, now)
    by_python = {row.id for row in rows(cache, "SELECT id FROM entries") if test(row)}
    assert by_sql == by_python, source


def test_case_is_folded_beyond_ascii(cache):
    feed = cache.feed_by_url("https://beta.test/rss").id
    cache.store_entries(feed, [_entry("fold", "Stra\u00dfe \u212a \ufb01le"), _entry("x", "ÄRGER")])
    assert titles(cache, 'title contains "strasse k fi"') == {"Stra\u00dfe \u212a \ufb01le"}
    assert titles(cache, 'title = "STRASSE K FILE"') == {"Stra\u00dfe \u212a \ufb01le"}
    assert titles(cache, 'title = "ärger"') == {"ÄRGER"}
    assert titles(cache, 'title contains "k"') == {"Stra\u00dfe \u212a \ufb01le"}


# ---------------------------------------------------------------- synced entries


class _Server:
    """A sync server in memory: two items in one feed, both unread on the server."""

    def __init__(self):
        from reader.core.sync.base import RemoteFeed, RemoteItem

        self.feed = RemoteFeed("f1", "Remote Feed", "https://remote.test/rss")
        self.items = [
            RemoteItem("1", "f1", "Sponsored: remote deal", link="https://remote.test/1"),
            RemoteItem("2", "f1", "Budget passes", link="https://remote.test/2",
                       content="<p>Nothing sponsored.</p>"),
        ]  # fmt: skip
        self.marked: list[tuple[list[str], str, bool]] = []

    def client(self, config):
        from reader.core.sync.base import SyncClient

        server = self

        class Client(SyncClient):
            def login(self):
                pass

            def feeds(self):
                return [server.feed]

            def new_items(self, cursor, known, window_s):
                yield [i for i in server.items if i.id not in known]

            def items_by_id(self, ids):
                yield [i for i in server.items if i.id in ids]

            def unread_ids(self):
                return {i.id for i in server.items}

            def saved_ids(self):
                return set()

            def mark(self, ids, field, value):
                server.marked.append((ids, field, value))

        return Client(config.sync, "secret", 5, 1_000_000)


def test_rules_run_on_synced_entries_and_reach_the_server(isolated_env, data):
    from reader.core.sync.engine import sync

    out = isolated_env / "notified.json"
    argv = json.dumps(
        [sys.executable, "-c", f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"]
    )
    path = write(
        isolated_env / "config.toml",
        f"[settings]\nnotify_command = {argv}\n"
        '[sync]\nkind = "fever"\nurl = "https://rss.example.org/fever/"\nusername = "ada"\n'
        'password_env = "BYLINE_TEST_PASSWORD"\n'
        '[[rules]]\nmatch = \'title ~ "(?i)^sponsored"\'\naction = "hide"\n'
        '[[rules]]\nmatch = \'title contains "budget"\'\naction = ["mark_read", "save"]\n',
    )
    config = cfg.load(path)
    server = _Server()
    report = sync(config, data, client=server.client(config))
    assert report.new_entries == 2 and report.notify_error is None
    with Store.in_dir(data) as store:
        assert [r.title for r in store.page(View("all"))] == ["Budget passes"]
        (row,) = store.page(View("all"))
        assert row.read and row.saved  # kept, though the server still says unread
    assert json.loads(out.read_text())["source"] == "sync"
    assert json.loads(out.read_text())["new_entries"] == 1
    sync(config, data, client=server.client(config))  # the rule's marks are sent
    assert sorted((ids, field, value) for ids, field, value in server.marked) == [
        (["2"], "read", True),
        (["2"], "saved", True),
    ]
