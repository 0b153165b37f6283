"""The SQLite cache on a real file: pragmas, migrations, search, pruning, counters, paging,
and the query plans that keep the newest-50 of every view at the same cost at any size."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.config import FeedConfig
from reader.core.store import BUSY_TIMEOUT_MS, DB_NAME, Store, View, fts_query
from reader.core.text.parse import ParsedEntry

NOW = 1_800_000_000.0


def entry(
    uid: str, title: str = "", body: str = "", when: float | None = None, **kw
) -> ParsedEntry:
    return ParsedEntry(
        uid, title or uid, kw.get("author", ""), kw.get("link", f"https://example.org/{uid}"),
        when, None, "", body or f"<p>{uid}</p>",
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path):
    with Store.in_dir(tmp_path / "data") as s:
        yield s


def feeds(store: Store, *specs: tuple[str, tuple[str, ...]]) -> list[int]:
    store.sync_feeds([FeedConfig(url, None, tags) for url, tags in specs])
    return [store.feed_by_url(url).id for url, _ in specs]


def real_counts(store: Store) -> dict[int, tuple[int, int]]:
    rows = store._rows(
        "SELECT feed_id, count(*), sum(read = 0) FROM entries GROUP BY feed_id ORDER BY feed_id"
    )
    return {fid: (total, unread) for fid, total, unread in rows}


def kept_counts(store: Store) -> dict[int, tuple[int, int]]:
    return {f.id: (f.entry_count, f.unread_count) for f in store.feeds(True) if f.entry_count}


# ---------------------------------------------------------------- the file


def test_wal_busy_timeout_and_migrations_once(tmp_path: Path):
    data = tmp_path / "data"
    with Store.in_dir(data) as store:
        conn = store.db.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS > 0
        fid = feeds(store, ("https://a.example/feed", ()))[0]
        store.store_entries(fid, [entry("one")], NOW)
    # A second connection (another process would be the same) sees WAL on the file itself.
    raw = sqlite3.connect(data / DB_NAME)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    applied = raw.execute("SELECT name FROM _sqlite_migrations").fetchall()
    raw.close()
    for _ in range(2):  # reopening applies nothing again and loses nothing
        with Store.in_dir(data) as store:
            assert store.totals()["all"] == 1
    raw = sqlite3.connect(data / DB_NAME)
    assert raw.execute("SELECT name FROM _sqlite_migrations").fetchall() == applied
    assert len(applied) == len({name for (name,) in applied}) >= 1
    raw.close()


def test_schema_version_is_the_number_of_migrations(tmp_path: Path):
    """SCHEMA_VERSION is derived, never hand-kept: each migration written in schema.py counts
    (numbered m001, m002, ... in the order they run), a new file is stamped with their number
    and has every one of them applied, by name, in order."""
    from reader.core.store import SCHEMA_VERSION, schema

    names = [m.__name__ for m in schema.MIGRATIONS]
    assert SCHEMA_VERSION == len(names) >= 7
    assert [int(re.match(r"m(\d{3})_", n).group(1)) for n in names] == list(
        range(1, SCHEMA_VERSION + 1)
    )
    written = re.findall(r"^def (m\d{3}_\w+)\(", Path(schema.__file__).read_text(), re.M)
    assert written == names  # no migration function defined outside MIGRATIONS
    with Store(tmp_path / DB_NAME):
        pass
    raw = sqlite3.connect(tmp_path / DB_NAME)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    applied = [n for (n,) in raw.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    raw.close()
    assert applied == names


def test_two_connections_write_without_locking(tmp_path: Path):
    with Store.in_dir(tmp_path) as a, Store.in_dir(tmp_path) as b:
        fid = feeds(a, ("https://a.example/feed", ()))[0]
        a.store_entries(fid, [entry(f"e{i}", when=NOW - i) for i in range(50)], NOW)
        ids = [r.id for r in b.page(View("all"))]
        with a.db.atomic():  # a long-ish transaction on one connection...
            a.set_saved(ids[0])
            b_reads = b.page(View("all"))  # ...does not block readers on the other (WAL)
        assert len(b_reads) == 50
        b.set_read(ids[:10])
        assert a.totals()["unread"] == 40


# ---------------------------------------------------------------- transactions


class Boom(Exception):
    pass


def _titles(path: Path) -> set[str]:
    """What another connection sees: only what was committed."""
    conn = sqlite3.connect(path)
    try:
        return {t for (t,) in conn.execute("SELECT title FROM feeds WHERE title != ''")}
    finally:
        conn.close()


def test_an_error_inside_atomic_keeps_nothing_of_it(tmp_path: Path):
    with Store.in_dir(tmp_path) as store:
        fid = feeds(store, ("https://a.example/feed", ()))[0]
        with pytest.raises(Boom), store.db.atomic():
            store.update_feed(fid, title="half-written")
            raise Boom
        assert not store.db.conn.in_transaction
        assert store.feed(fid).title != "half-written"
        store.update_feed(fid, title="after")  # the connection still writes
    assert _titles(tmp_path / DB_NAME) == {"after"}


def test_nested_atomic_rolls_back_only_the_inner_block(tmp_path: Path):
    with Store.in_dir(tmp_path) as store:
        a, b = feeds(store, ("https://a.example/feed", ()), ("https://b.example/feed", ()))
        with store.db.atomic():
            store.update_feed(a, title="outer")
            with pytest.raises(Boom), store.db.atomic():  # a savepoint
                store.update_feed(b, title="inner")
                raise Boom
            assert store.db.conn.in_transaction  # the outer transaction goes on
        assert not store.db.conn.in_transaction
    assert _titles(tmp_path / DB_NAME) == {"outer"}


def test_an_error_in_a_nested_block_that_escapes_undoes_both(tmp_path: Path):
    with Store.in_dir(tmp_path) as store:
        a, b = feeds(store, ("https://a.example/feed", ()), ("https://b.example/feed", ()))
        with pytest.raises(Boom), store.db.atomic():
            store.update_feed(a, title="outer")
            with store.db.atomic():
                store.update_feed(b, title="inner")
                raise Boom
        assert not store.db.conn.in_transaction
    assert _titles(tmp_path / DB_NAME) == set()


def test_a_failed_store_entries_stores_none_of_them(tmp_path: Path):
    """One bad entry among good ones (here a title SQLite cannot bind): the feed's whole
    batch fails, none of it is kept, counters included, and the next write works."""
    with Store.in_dir(tmp_path) as store:
        fid = feeds(store, ("https://a.example/feed", ()))[0]
        bad = dataclasses.replace(entry("bad"), title=["not", "text"], digest="d")
        with pytest.raises(sqlite3.Error):
            store.store_entries(fid, [entry("good1"), entry("good2"), bad], NOW)
        assert not store.db.conn.in_transaction
        assert store.page(View("all")) == [] and kept_counts(store) == {}
        assert store.store_entries(fid, [entry("good1")], NOW).new == 1
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert [u for (u,) in conn.execute("SELECT uid FROM entries")] == ["good1"]
    conn.close()


# ---------------------------------------------------------------- search


def test_search_title_and_body_without_markup(store: Store):
    fid = feeds(store, ("https://a.example/feed", ()))[0]
    store.store_entries(
        fid,
        [
            entry("t", "Harbour ferry saved", "<p>Nothing here</p>", NOW),
            entry("b", "Other", '<div class="ferry"><p>The <b>night</b> crossing</p></div>', NOW),
            entry("s", "Scripted", "<script>var crossing = 1</script><p>plain</p>", NOW),
        ],
        NOW,
    )

    def found(words: str) -> set[str]:
        return {r.title for r in store.page(View("search", words))}

    assert found("ferry") == {"Harbour ferry saved"}  # the class attribute is not text
    assert found("night crossing") == {"Other"}  # bold markup does not split words
    assert found("div") == found("class") == found("var") == set()
    assert found("cross") == {"Other"}  # the last word is a prefix (search while typing)
    assert store.count(View("search", "ferry")) == 1


def test_search_folds_yo_and_ye(store: Store):
    fid = feeds(store, ("https://ru.example/feed", ()))[0]
    store.store_entries(
        fid,
        [
            entry("a", "Новогодняя ёлка на площади", when=NOW),
            entry("b", "Заголовок", "<p>Зелёная елка и Ёж</p>", NOW),
        ],
        NOW,
    )
    both = {"a", "b"}

    def found(words: str) -> set[str]:
        return {store.entry(r.id).uid for r in store.page(View("search", words))}

    assert found("ёлка") == found("елка") == found("ЁЛКА") == both
    assert found("еж") == found("ёж") == {"b"}
    assert found("зеленая") == {"b"}


FTS_TRAPS = [
    '"', '""', '"unclosed', "*", "a*", "*a", "NEAR(", "NEAR(a b", "a NEAR b", "-", "-a", "a -b",
    "AND", "OR", "NOT", "a AND", "OR b", "(", ")", "a)", "^a", "title:a", "body:", ":", "'",
    "a' OR '1'='1", "\\", "{a b}", "+", "a + b", "", "   ", "ёлка*", "\x00", "%", "_",
]  # fmt: skip


@pytest.mark.parametrize("text", FTS_TRAPS)
def test_search_syntax_characters_never_error(store: Store, text: str):
    fid = feeds(store, ("https://a.example/feed", ()))[0]
    store.store_entries(fid, [entry("a", "a b title", when=NOW)], NOW)
    rows = store.page(View("search", text))
    assert store.count(View("search", text)) == len(rows)
    assert store.page([View("search", text), View("unread")]) == rows


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=30))
def test_search_any_text_never_errors(store: Store, text: str):
    store.page(View("search", text))
    query = fts_query(text)
    assert query is None or query.count('"') % 2 == 0


# ---------------------------------------------------------------- prune


def test_prune_never_drops_saved_or_listed_entries(store: Store):
    fid = feeds(store, ("https://a.example/feed", ()))[0]
    old = NOW - 400 * 86400
    store.store_entries(fid, [entry(f"e{i}", when=old - i) for i in range(6)], old)
    ids = {store.entry(r.id).uid: r.id for r in store.page(View("all"))}
    store.set_read(list(ids.values()))
    store.set_saved(ids["e0"])
    eid = ids["e1"]
    store.save_quote(eid, "a quote", "direct", 0, 7)
    # The feed still lists e2 and e3 today: they are seen now, so they stay.
    store.store_entries(fid, [entry("e2", when=old - 2), entry("e3", when=old - 3)], NOW)
    removed = store.prune(keep_days=90, max_items={}, now=NOW)
    assert removed == 2  # e4, e5: old, read, unsaved, no longer listed
    left = {store.entry(r.id).uid for r in store.page(View("all"))}
    assert left == {"e0", "e1", "e2", "e3"}
    assert kept_counts(store) == real_counts(store)


def test_prune_cap_keeps_what_the_feed_still_lists(store: Store):
    fid = feeds(store, ("https://a.example/feed", ()))[0]
    dated = [entry(f"e{i}", when=NOW - 7200 - i * 60) for i in range(10)]
    store.store_entries(fid, dated, NOW - 3600)
    store.update_feed(fid, checked_at=NOW)
    store.set_saved(store.page(View("all"))[-1].id)  # the oldest, saved
    # Today's fetch lists only e0..e4 and the cap is 3.
    store.store_entries(fid, dated[:5], NOW)
    store.prune(keep_days=0, max_items={fid: 3}, now=NOW)
    left = sorted(store.entry(r.id).uid for r in store.page(View("all")))
    assert left == ["e0", "e1", "e2", "e3", "e4", "e9"]
    assert kept_counts(store) == real_counts(store)


# ---------------------------------------------------------------- counters


def test_counters_follow_inserts_reads_updates_and_deletes(store: Store):
    a, b = feeds(store, ("https://a.example/feed", ("x",)), ("https://b.example/feed", ("x", "y")))
    store.store_entries(a, [entry(f"a{i}", when=NOW - i) for i in range(20)], NOW)
    store.store_entries(b, [entry(f"b{i}", when=NOW - i) for i in range(7)], NOW)
    assert kept_counts(store) == real_counts(store) == {a: (20, 20), b: (7, 7)}
    ids = [r.id for r in store.page(View("feed", a))]
    store.set_read(ids[:5])
    store.set_read(ids[:8])  # re-marking read ones changes nothing
    store.set_read(ids[:2], read=False)
    assert kept_counts(store) == real_counts(store) == {a: (20, 14), b: (7, 7)}
    marked = store.mark_view_read(View("feed", b))
    assert len(marked) == 7 and kept_counts(store)[b] == (7, 0)
    store.set_read(marked, read=False)  # undo
    # An updated entry (same uid, new content) keeps its read state and the counts.
    store.store_entries(a, [entry("a0", "changed", when=NOW)], NOW)
    assert kept_counts(store) == real_counts(store)
    store.set_saved(ids[3])
    # Deletes: pruning (10 days on) drops a's read, unsaved entries: ids[2], ids[4..7].
    removed = store.prune(keep_days=1, max_items={}, now=NOW + 10 * 86400)
    assert removed == 5
    assert kept_counts(store) == real_counts(store) == {a: (15, 14), b: (7, 7)}
    assert store.totals() == {"all": 22, "unread": 21, "saved": 1, "quotes": 0, "failing": 0}
    store.update_feed(b, status="error", error="HTTP 500")  # the sidebar's "Feed problems"
    assert store.totals()["failing"] == 1
    assert store.tags() == [("x", 21, 22), ("y", 7, 7)]
    for view in (View("all"), View("unread"), View("saved"), View("feed", b), View("tag", "y")):
        assert store.count(view) == len(store.page(view, 0, 1000))


# ---------------------------------------------------------------- paging


def test_page_index_of_and_next_unread(store: Store):
    a, b = feeds(store, ("https://a.example/feed", ("t",)), ("https://b.example/feed", ()))
    # Ties in sort_ts on purpose: order falls back to id, and nothing is skipped.
    store.store_entries(a, [entry(f"a{i}", when=NOW - (i // 3) * 60) for i in range(30)], NOW)
    store.store_entries(b, [entry(f"b{i}", when=NOW - i * 90) for i in range(30)], NOW)
    view = View("all")
    whole = store.page(view, 0, 1000)
    assert len(whole) == 60
    keys = [(r.sort_ts, r.id) for r in whole]
    assert keys == sorted(keys, reverse=True)
    pages = [r.id for off in range(0, 60, 7) for r in store.page(view, off, 7)]
    assert pages == [r.id for r in whole]
    for position, row in enumerate(whole):
        assert store.index_of(view, row.id) == position
    assert store.index_of(View("feed", b), whole[0].id) in (None, 0)
    feed_a = store.page(View("feed", a), 0, 1000)
    assert store.index_of(View("feed", b), feed_a[0].id) is None
    assert store.index_of(view, 999_999) is None

    store.set_read([r.id for r in whole[::2]])
    unread = [r.id for r in whole if not r.read and r.id not in {w.id for w in whole[::2]}]
    walk, current = [], None
    while (current := store.next_unread(view, current)) is not None:
        walk.append(current)
    assert walk == unread
    back, current = [], walk[-1]
    while (current := store.next_unread(view, current, forward=False)) is not None:
        back.append(current)
    assert back == unread[-2::-1]
    tagged = store.next_unread(View("tag", "t"), None)
    assert store.entry(tagged).feed_id == a


def test_combined_filters_and(store: Store):
    a, b = feeds(store, ("https://a.example/feed", ("t",)), ("https://b.example/feed", ("t",)))
    store.store_entries(a, [entry("a1", "ferry one", when=NOW), entry("a2", "bus", when=NOW)], NOW)
    store.store_entries(b, [entry("b1", "ferry two", when=NOW)], NOW)
    ferry_a = [View("search", "ferry"), View("feed", a), View("tag", "t"), View("unread")]
    rows = store.page(ferry_a)
    assert [r.title for r in rows] == ["ferry one"]
    store.set_read([rows[0].id])
    assert store.page(ferry_a) == []


# ---------------------------------------------------------------- query plans


def _plan(store: Store, sql: str, params: list) -> list[str]:
    return [row[3] for row in store._rows("EXPLAIN QUERY PLAN " + sql, params)]


_FULL_SCAN = re.compile(r"^SCAN (e|entries)\b(?!.*\bINDEX\b)")


def _full_scans(plan: list[str]) -> list[str]:
    """Steps that read the entries table row by row instead of through an index."""
    return [step for step in plan if _FULL_SCAN.match(step)]


def _newest_50_sql(store: Store, view: View) -> tuple[str, list]:
    """The exact inner query `Store.page` runs (the outer one only joins 50 rows by id)."""
    return store._ids_query(view, 0, 50)


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory):
    """Enough rows over several feeds for the planner to choose as it would in real use
    (built once per module: the plan tests only read)."""
    with Store.in_dir(tmp_path_factory.mktemp("big")) as store:
        specs = [(f"https://f{i}.example/feed", (f"t{i % 3}",)) for i in range(8)]
        ids = feeds(store, *specs)
        for n, fid in enumerate(ids):
            batch = [entry(f"{fid}-{j}", f"title {j}", when=NOW - j * 60 - n) for j in range(250)]
            store.store_entries(fid, batch, NOW)
        store.set_read(list(range(1, 1000)))
        store.set_saved(3)
        yield store  # no ANALYZE: the app never runs it, so plans must be good without stats


VIEWS = ["all", "unread", "saved", "feed", "tag", "search"]


@pytest.mark.parametrize("kind", VIEWS)
def test_newest_50_of_every_view_uses_an_index(big_store: Store, kind: str):
    store = big_store
    value = {"feed": store.feeds()[1].id, "tag": "t1", "search": "title"}.get(kind)
    view = View(kind, value)
    plan = _plan(store, *_newest_50_sql(store, view))
    assert plan and not _full_scans(plan), plan
    # And the whole page query, joins included, never scans a table.
    where, params = store._where(view)
    ids_sql, ids_params = store._ids_query(view, 0, 50)
    outer = _plan(
        store,
        f"""SELECT {store._ROW_COLS} FROM entries e JOIN feeds f ON f.id = e.feed_id
            WHERE e.id IN ({ids_sql}) ORDER BY e.sort_ts DESC, e.id DESC""",
        ids_params,
    )
    assert not _full_scans(outer), outer
    assert len(store.page(view)) == min(50, store.count(view))


@pytest.mark.parametrize("kind", ["all", "unread", "saved", "feed"])
def test_newest_50_needs_no_sort_of_the_view(big_store: Store, kind: str):
    """For the fixed views and a feed the index order is the answer: no temp B-tree sorting
    the whole view, so the cost does not grow with the number of entries."""
    store = big_store
    value = {"feed": store.feeds()[1].id}.get(kind)
    plan = _plan(store, *_newest_50_sql(store, View(kind, value)))
    assert not any("TEMP B-TREE" in step for step in plan), plan


def test_tag_page_merges_per_feed_index_seeks(big_store: Store):
    """A tag spans feeds: each feed gives its newest rows from the feed index (no sort there)
    and only those few rows are merged, so the cost does not grow with the tag's size."""
    store = big_store
    sql, params = store._ids_query(View("tag", "t1"), 0, 50)
    plan = _plan(store, sql, params)
    assert sum("entries_feed" in step for step in plan) >= 2, plan
    assert not _full_scans(plan), plan
    # The merge gives exactly what the plain (sorting) query gives.
    where, where_params = store._where(View("tag", "t1"))
    for offset in (0, 7, 120):
        expected = [
            r[0]
            for r in store._rows(
                f"SELECT id FROM entries WHERE {where} ORDER BY sort_ts DESC, id DESC LIMIT 50 OFFSET ?",
                [*where_params, offset],
            )
        ]
        merged_sql, merged_params = store._ids_query(View("tag", "t1"), offset, 50)
        assert [r[0] for r in store._rows(merged_sql, merged_params)] == expected


@pytest.mark.parametrize("kind", ["all", "unread", "feed"])
def test_next_unread_and_index_of_use_an_index(big_store: Store, kind: str):
    store = big_store
    view = View(kind, store.feeds()[1].id if kind == "feed" else None)
    where, params = store._where(view)
    plans = [
        _plan(
            store,
            f"SELECT id FROM entries WHERE {where} AND read = 0 AND (sort_ts, id) < (?, ?)"
            " ORDER BY sort_ts DESC, id DESC LIMIT 1",
            [*params, NOW, 10],
        ),
        _plan(
            store,
            f"SELECT count(*) FROM entries WHERE {where}"
            " AND (sort_ts > ? OR (sort_ts = ? AND id > ?))",
            [*params, NOW, NOW, 10],
        ),
    ]
    for plan in plans:
        assert all("INDEX" in s for s in plan if "entries" in s), plan
        assert not any("TEMP B-TREE" in s for s in plan), plan


def test_saved_quote_survives_entry_and_feed(store: Store):
    fid = feeds(store, ("https://a.example/feed", ()))[0]
    store.store_entries(fid, [entry("q", "Quoted story", when=NOW)], NOW)
    eid = store.page(View("all"))[0].id
    qid = store.save_quote(eid, "We will be back", "direct", 0, 15, speaker="Paul")
    assert store.save_quote(eid, "We will be back", "direct", 0, 15, speaker="Paul W") == qid
    store.sync_feeds([])
    (quote,) = store.saved_quotes()
    assert (quote.speaker, quote.entry_title) == ("Paul W", "Quoted story")
    assert store.entry(eid) is not None  # kept for its quote
    assert time.time() - quote.saved_at < 60


# ---------------------------------------------------------------- rows by column name


def test_rows_are_built_by_column_name_not_position(tmp_path):
    """Issue 10: row types live in reader/core/store/rows.py and map columns by name, so a query
    that orders its columns differently still fills the right fields."""
    from reader.core.store.rows import EntryRow, Feed, from_row

    row = from_row(
        EntryRow,
        ["saved", "read", "title", "feed_title", "id", "feed_id", "author", "link", "sort_ts"],
        [1, 0, "T", "F", 7, 3, "A", "https://x", 1.5],
    )
    assert row == EntryRow(7, 3, "F", "T", "A", "https://x", 1.5, False, True)
    assert row.highlight is False  # a column left out takes the field's default
    assert row.saved is True and row.read is False  # 0/1 become booleans
    with pytest.raises(ValueError, match="no field"):
        from_row(EntryRow, ["id", "bogus"], [1, 2])
    with pytest.raises(ValueError, match="needs column"):
        from_row(EntryRow, ["id"], [1])
    with Store.in_dir(tmp_path) as store:
        from reader.core.config import FeedConfig

        store.sync_feeds([FeedConfig("https://a.example/rss", "A", ("x", "y"))])
        feed = store.feed_by_url("https://a.example/rss")
        assert isinstance(feed, Feed) and feed.tags == ("x", "y") and feed.active is True
        assert feed.title == "A" and feed.etag is None


def test_sync_feeds_writes_nothing_when_the_table_follows_the_config(store: Store):
    config = [
        FeedConfig("https://a.example/rss", "A", ("x",)),
        FeedConfig("https://b.example/rss", None, ()),
    ]
    store.sync_feeds(config)
    before = store.db.conn.total_changes
    store.sync_feeds(config)  # what every start-up does
    assert store.db.conn.total_changes == before
    # Any difference is still written: a title, tags, the order, a feed taken out.
    for changed in (
        [dataclasses.replace(config[0], title="A!"), config[1]],
        [dataclasses.replace(config[0], tags=("x", "z")), config[1]],
        [config[1], config[0]],
        [config[0]],
        config,
    ):
        store.sync_feeds(changed)
        got = {f.url: (f.title, f.tags) for f in store.feeds()}
        assert list(got) == [c.url for c in changed]
        assert got == {c.url: (c.title or c.url, c.tags) for c in changed}


# ---------------------------------------------------------------- the lowest floor


_ABOVE_THE_STORE = (
    "reader.core.rules", "reader.core.config", "reader.core.quotes", "reader.core.feeds",
    "reader.core.sync", "reader.core.background", "reader.tui", "reader.cli",
)  # fmt: skip


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (TYPE_CHECKING and function bodies too)."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_store_imports_nothing_above_it():
    """The store is the floor under rules, config, quotes...: none of its files imports them,
    not even for type hints (a FeedConfig is a FeedSpec protocol, a [[views]] view a
    Condition protocol)."""
    import reader.core.store

    folder = Path(reader.core.store.__file__).parent
    for path in sorted(folder.glob("*.py")):
        upward = {
            m for m in _imported_modules(path) if m.startswith(_ABOVE_THE_STORE)
        }  # fmt: skip
        assert not upward, f"{path.name} imports {sorted(upward)}"


def test_rules_do_not_import_the_config():
    """The config imports the rules; the rules take what they need (RulesConfig protocol)."""
    import reader.core.rules

    for path in sorted(Path(reader.core.rules.__file__).parent.glob("*.py")):
        assert not {m for m in _imported_modules(path) if m.startswith("reader.core.config")}


def test_opening_a_store_loads_no_rules_and_registers_no_function(tmp_path: Path):
    """Opening the cache and listing it loads nothing of the rules (the store used to register
    their SQL functions, which call the quote finder, at every open). A [[views]] view brings
    its functions with its condition."""
    script = f"""
import sys
from reader.core.store import Store, View
with Store({str(tmp_path / DB_NAME)!r}) as store:
    store.page(View("all")), store.count(View("unread")), store.page(View("search", "x"))
    try:
        store.db.conn.execute("SELECT byline_eq('a', 'a')")
        print("registered")
    except Exception:
        print("none")
print(sorted(m for m in sys.modules if m.startswith({_ABOVE_THE_STORE!r})))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split("\n")[:2] == ["none", "[]"], done.stdout + done.stderr
    from reader.core.rules import SavedView, parse

    with Store(tmp_path / DB_NAME) as store:
        fid = feeds(store, ("https://a.example/feed", ()))[0]
        store.store_entries(fid, [entry("one"), entry("two")], NOW)
        view = View("match", SavedView("t", parse('title = "two"')))
        assert [r.title for r in store.page(view)] == ["two"] and store.count(view) == 1
