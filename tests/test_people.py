"""The quote index and speaker keys (issue 15): one person, one key; quotes of every entry
kept with their offsets, re-read when the text or the extractor changes; `byline people`
and `byline quotes --speaker` over the whole cache."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from reader.core.quotes import index as quoteindex
from reader.core.quotes.articles import render_entry
from reader.core.quotes.people import article_keys, merge_keys, normalise
from reader.core.store import Store
from reader.core.store.quoteindex import _PENDING_COUNT
from reader.core.store.rows import FullText
from reader.core.text.parse import ParsedEntry

NOW = time.time()


def key(name: str) -> str | None:
    found = normalise(name)
    return found.key if found else None


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "written",
    [
        "Volodymyr Zelensky",
        "Ukrainian President Volodymyr Zelensky",
        "President Volodymyr Zelensky",
    ],
)
def test_titles_go_from_a_full_name(written: str) -> None:
    assert key(written) == "volodymyr zelensky"


@pytest.mark.parametrize(
    "written", ["Zelensky", "President Zelensky", "Mr. Zelensky", "Mr Zelensky", "Zelensky's"]
)
def test_honorifics_titles_and_possessives_leave_the_surname(written: str) -> None:
    assert key(written) == "zelensky"


def test_initials_middle_ones_dropped_leading_ones_kept_together() -> None:
    assert key("President Donald J. Trump") == key("Donald Trump") == "donald trump"
    assert key("J.K. Rowling") == key("J. K. Rowling") == "jk rowling"
    assert normalise("J. K. Rowling").name == "J.K. Rowling"
    assert key("Martin Luther King Jr.") == "martin luther king"


def test_hyphenated_names_stay_one_token_whatever_the_dash() -> None:
    assert key("Alexandria Ocasio-Cortez") == "alexandria ocasio-cortez"
    assert key("Alexandria Ocasio\u2011Cortez") == key("Alexandria Ocasio - Cortez")
    assert normalise("Rep. Ocasio-Cortez").surname == "ocasio-cortez"
    assert key("Jean-Luc Mélenchon") == key("Jean-Luc Melenchon") == "jean-luc melenchon"


def test_where_someone_is_from_is_not_who_they_are() -> None:
    assert key("Prime Minister Mark Carney of Canada") == "mark carney"
    assert key("Mr. Morgan of the Sierra Club") == "morgan"
    assert key("Jane Doe from Reuters") == "jane doe"
    # "of" inside a title, or a title after the phrase, still leads to the name.
    assert key("Secretary of State Marco Rubio") == "marco rubio"
    assert key("Minister of Finance Chrystia Freeland") == "chrystia freeland"
    assert key("Bank of England Governor Andrew Bailey") == "andrew bailey"


def test_cyrillic_names_keep_their_script() -> None:
    assert key("Владимир Путин") == "владимир путин"
    assert key("президент Путин") == "путин"
    assert key("Пётр Иванов") == key("Петр Иванов") == "петр иванов"
    assert key("Йоган Ёлкин") == "йоган елкин"  # й is a letter, not и with a mark


def test_organisations_and_descriptions_keep_their_words() -> None:
    assert key("the State Department") == "state department"
    assert key("a Pentagon spokesperson") == "pentagon spokesperson"
    assert key("the Kremlin") == "kremlin"
    assert key("Charles de Gaulle") == "charles de gaulle"
    assert normalise("Ursula von der Leyen").surname == "von der leyen"


def test_pronouns_and_sentence_words_name_nobody() -> None:
    assert normalise("he") is None and normalise("They") is None and normalise("") is None
    assert key("Whether Anutin") == "anutin"


def test_within_an_article_a_surname_is_the_full_name_written_before() -> None:
    names = article_keys(["Volodymyr Zelensky", "Zelensky", "Mr. Zelensky", "Trump"])
    assert [n.key for n in names] == ["volodymyr zelensky"] * 3 + ["trump"]
    assert names[1].name == "Volodymyr Zelensky"
    # a surname before any full name stays bare; two full names with it: ambiguous
    assert article_keys(["Zelensky", "Volodymyr Zelensky"])[0].key == "zelensky"
    two = article_keys(["Donald Trump", "Melania Trump", "Trump"])
    assert two[2].key == "trump"


def test_across_articles_a_surname_joins_only_the_one_full_name_carrying_it() -> None:
    merged = merge_keys(
        ["volodymyr zelensky", "zelensky", "donald trump", "melania trump", "trump", "rubio"]
    )
    assert merged["zelensky"] == "volodymyr zelensky"
    assert merged["trump"] == "trump"  # two people called Trump stay apart
    assert merged["donald trump"] == "donald trump" and merged["melania trump"] == "melania trump"
    assert merged["rubio"] == "rubio"  # no full name: itself


# ---------------------------------------------------------------- the index


def _body(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


ZELENSKY = _body(
    "Ukrainian President Volodymyr Zelensky spoke in Kyiv on Monday.",
    "“We will not give our land to the occupier, not now and not ever,” Zelensky said.",
)
TRUMP = _body(
    "“We are going to make a very good deal for everybody involved,” President Donald Trump"
    " told reporters at the White House."
)


def _store(tmp_path: Path, feeds: dict[str, list[ParsedEntry]]) -> tuple[Store, dict[str, int]]:
    store = Store(tmp_path / "cache.db")
    feed_ids = {}
    for url, entries in feeds.items():
        store.db.execute("INSERT INTO feeds (url, title) VALUES (?, ?)", [url, url])
        feed_id = store._rows("SELECT id FROM feeds WHERE url = ?", [url])[0][0]
        store.store_entries(feed_id, entries, now=NOW)
        feed_ids[url] = feed_id
    return store, feed_ids


def _entry(uid: str, html: str, age_days: float = 0) -> ParsedEntry:
    return ParsedEntry(
        uid=uid, title=f"Story {uid}", link=f"https://example.org/{uid}",
        published=NOW - age_days * 86400, content=html,
    )  # fmt: skip


def test_quotes_are_kept_with_offsets_into_the_text_the_reader_sees(tmp_path: Path) -> None:
    store, _ = _store(tmp_path, {"https://a.example/feed": [_entry("z", ZELENSKY)]})
    (entry_id,) = quoteindex.pending(store)
    assert quoteindex.index_entries(store, [entry_id]) == 1
    assert quoteindex.pending(store) == []
    (q,) = quoteindex.quotes_by(store, ["volodymyr zelensky"])
    shown = render_entry(store.entry(entry_id)).text
    assert shown[q.start : q.end] == q.text and "occupier" in q.text
    assert (q.speaker, q.speaker_name, q.confidence) == ("Zelensky", "Volodymyr Zelensky", "high")
    assert q.entry_id == entry_id and q.source == "feed" and q.kind == "quote"
    assert quoteindex.search(store, "occupier")[0].id == q.id
    assert quoteindex.search(store, "zelensky")[0].id == q.id  # the speaker is searched too


def test_changed_text_new_full_text_and_new_extractor_are_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, feeds = _store(tmp_path, {"https://a.example/feed": [_entry("z", ZELENSKY)]})
    quoteindex.backfill(store)
    assert quoteindex.pending(store) == []
    # the feed rewrites the entry: the Trump quote replaces Zelensky's
    store.store_entries(feeds["https://a.example/feed"], [_entry("z", TRUMP)], now=NOW)
    (entry_id,) = quoteindex.pending(store)
    quoteindex.backfill(store)
    assert quoteindex.quotes_by(store, ["volodymyr zelensky"]) == []
    assert [p.key for p in quoteindex.people(store)] == ["donald trump"]
    # a kept full text is the text a reader now sees
    store.save_fulltext(
        FullText(entry_id, "https://example.org/z", ZELENSKY, None, None, None, NOW, "ok", None)
    )
    assert quoteindex.pending(store) == [entry_id]
    quoteindex.backfill(store)
    (q,) = quoteindex.quotes_by(store, ["volodymyr zelensky"])
    assert q.source == "full"
    # a new extractor version re-reads everything
    monkeypatch.setattr(quoteindex, "VERSION", "next")
    assert quoteindex.pending(store) == [entry_id]
    # a deleted entry takes its quotes (and their search rows) along
    store.db.execute("DELETE FROM entries WHERE id = ?", [entry_id])
    assert store._rows("SELECT count(*) FROM quote_index")[0][0] == 0
    assert store._rows("SELECT count(*) FROM quotes_fts")[0][0] == 0


def test_backfill_reports_progress_and_can_stop(tmp_path: Path) -> None:
    entries = [_entry(str(n), ZELENSKY if n % 2 else TRUMP, n) for n in range(40)]
    entries.append(_entry("plain", "<p>No quotation here at all.</p>"))
    store, _ = _store(tmp_path, {"https://a.example/feed": entries})
    seen: list[quoteindex.Progress] = []
    done = quoteindex.backfill(store, progress=seen.append, stop=lambda: len(seen) >= 3, batch=8)
    assert done == 16 and seen[0] == quoteindex.Progress(0, 41)
    assert [p.done for p in seen] == [0, 8, 16]
    assert quoteindex.pending_count(store) == 41 - 16
    quoteindex.backfill(store, progress=seen.append)
    assert seen[-1] == quoteindex.Progress(25, 25) and quoteindex.pending_count(store) == 0


def test_people_merge_across_articles_and_count_since(tmp_path: Path) -> None:
    bare = _body("“Nobody will ever force us to give up what is ours,” Zelensky said.")
    store, _ = _store(
        tmp_path,
        {
            "https://a.example/feed": [_entry("a", ZELENSKY, 1), _entry("b", TRUMP, 30)],
            "https://b.example/feed": [_entry("c", bare, 2), _entry("d", TRUMP, 1)],
        },
    )
    quoteindex.backfill(store)
    everyone = quoteindex.people(store)
    assert [(p.name, p.quotes, p.entries) for p in everyone] == [
        ("Donald Trump", 2, 2),
        ("Volodymyr Zelensky", 2, 2),
    ]
    assert everyone[1].keys == ("volodymyr zelensky", "zelensky")
    week = quoteindex.people(store, since=NOW - 7 * 86400)
    assert [(p.name, p.quotes) for p in week] == [("Volodymyr Zelensky", 2), ("Donald Trump", 1)]
    assert set(quoteindex.keys_for(store, "Mr. Zelensky")) == {"volodymyr zelensky", "zelensky"}


def test_one_quotation_from_several_outlets_is_one_group_with_its_wordings(
    tmp_path: Path,
) -> None:
    reworded = TRUMP.replace("very good deal", "very great deal")
    store, _ = _store(
        tmp_path,
        {
            "https://a.example/feed": [_entry("a", TRUMP, 1), _entry("b", TRUMP, 2)],
            "https://b.example/feed": [_entry("c", reworded, 3)],
        },
    )
    quoteindex.backfill(store)
    (group,) = quoteindex.group_quotes(quoteindex.quotes_by(store, ["donald trump"]))
    assert (group.articles, group.feeds) == (3, 2)
    assert len(group.wordings) == 2
    assert quoteindex.wording_diff(*group.wordings) in ("-good +great", "-great +good")


# ---------------------------------------------------------------- refresh and CLI


def test_refresh_indexes_what_it_stores_and_the_cli_lists_people(
    tmp_path: Path, write_config, in_cli, run_cli
) -> None:
    feed = tmp_path / "feed.json"
    items = [
        {"id": uid, "title": f"Story {uid}", "url": f"https://example.org/{uid}",
         "date_published": "2026-01-02T10:00:00Z", "content_html": html}
        for uid, html in (("z", ZELENSKY), ("t", TRUMP))
    ]  # fmt: skip
    feed.write_text(
        json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": items}),
        encoding="utf-8",
    )
    write_config([feed.as_uri()])
    assert in_cli("refresh").returncode == 0
    result = run_cli("people", "--index", "--json")
    assert result.returncode == 0, result.stderr
    assert "indexing quotes" in result.stderr
    names = {p["name"]: p for p in json.loads(result.stdout)}
    assert set(names) == {"Volodymyr Zelensky", "Donald Trump"}
    assert names["Donald Trump"]["quotes"] == 1 and names["Donald Trump"]["key"] == "donald trump"
    assert "Volodymyr Zelensky" in in_cli("people", "--limit", "5").stdout
    quotes = json.loads(in_cli("quotes", "--speaker", "President Zelensky", "--json").stdout)
    assert len(quotes) == 1 and "occupier" in quotes[0]["text"]
    (entry,) = [
        e for e in json.loads(in_cli("entries", "--json").stdout) if e["title"] == "Story z"
    ]
    assert quotes[0]["entry_id"] == entry["id"]
    assert (
        json.loads(in_cli("quotes", "--speaker", "Zelensky", "--since", "1h", "--json").stdout)
        == []
    )
    assert in_cli("people", "--since", "soon").returncode == 2
    # saved quotes keep their own listing
    assert "No saved quotes yet" in in_cli("quotes").stdout
    assert json.loads(in_cli("quotes", "--saved", "--speaker", "Zelensky", "--json").stdout) == []


def test_a_surname_resolves_to_the_full_name_the_text_wrote_before_it() -> None:
    text = "Ukrainian President Volodymyr Zelensky met Donald Tusk. Later “No,” Zelensky said."
    at = text.rindex("Zelensky said")
    (name,) = article_keys(["Zelensky"], text, [at])
    assert name.key == "volodymyr zelensky" and name.name == "Volodymyr Zelensky"
    two = "Donald Trump and Melania Trump arrived. “Yes,” Trump said."
    assert article_keys(["Trump"], two, [two.rindex("Trump")])[0].key == "trump"


def test_office_words_before_a_name_go() -> None:
    assert key("Councillor Ines Okafor") == key("Treasurer Ines Okafor") == "ines okafor"
    assert key("economist Ines Okafor") == "ines okafor"


def test_words_before_a_surname_that_are_not_a_first_name() -> None:
    text = "Despite Trump and On Monday Trump again. “No,” Trump said."
    assert article_keys(["Trump"], text, [text.rindex("Trump")])[0].key == "trump"
    merged = merge_keys(["ursula von der leyen", "leyen", "von der leyen"])
    assert merged["leyen"] == merged["von der leyen"] == "ursula von der leyen"


def test_an_older_cache_gains_the_index_and_everything_is_pending(tmp_path: Path) -> None:
    store, _ = _store(tmp_path, {"https://a.example/feed": [_entry("z", ZELENSKY)]})
    store.db.conn.executescript(
        """DROP TRIGGER quote_index_entry_gone; DROP TRIGGER quote_index_row_gone;
           DROP TRIGGER quote_index_fulltext; DROP TABLE quote_index; DROP TABLE quote_stamps;
           DROP TABLE quotes_fts; DELETE FROM _sqlite_migrations WHERE name = 'm004_quote_index';
           PRAGMA user_version = 3;"""
    )
    store.close()
    with Store(tmp_path / "cache.db") as store:  # a version 3 cache, opened by this Byline
        assert quoteindex.pending_count(store) == 1
        quoteindex.backfill(store)
        assert [p.name for p in quoteindex.people(store)] == ["Volodymyr Zelensky"]


def test_the_backfill_runs_in_a_child_process_that_stop_ends(tmp_path: Path) -> None:
    """The app's backfill runs in `refresh_child` (the quote finder in a thread of the app took
    the GIL from its keys): it indexes everything, and a stop asked at a progress frame kills
    the child, keeping only whole batches."""
    from reader.core.background import index_quotes_in_child

    entries = [_entry(str(n), ZELENSKY if n % 2 else TRUMP, n) for n in range(40)]
    with Store.in_dir(tmp_path) as store:
        store.db.execute("INSERT INTO feeds (url, title) VALUES ('https://a.example/', 'A')")
        store.store_entries(store.feeds()[0].id, entries, now=NOW)
    seen: list = []
    assert index_quotes_in_child(tmp_path, seen.append, stop=lambda: len(seen) >= 2) == 0
    with Store.in_dir(tmp_path) as store:
        left = quoteindex.pending_count(store)
        assert 0 < left < 40, left  # stopped part way, after whole batches
    seen.clear()
    assert index_quotes_in_child(tmp_path, seen.append) == left
    assert seen[-1].done == seen[-1].total == left
    with Store.in_dir(tmp_path) as store:
        assert quoteindex.pending_count(store) == 0
        assert {p.key for p in quoteindex.people(store)} == {"donald trump", "volodymyr zelensky"}


# ---------------------------------------------------------------- what People counts

SURNAME_FIRST = _body(
    "“We will hold the line in the east whatever it costs us,” Zelensky said on Monday.",
    "Later Ukrainian President Volodymyr Zelensky told reporters: “Nobody will ever force us"
    " to give up what is ours.”",
)
SPONSORED = _body("“Our sponsor's mattress changed how I sleep every single night,” Zelensky said.")


def test_hidden_entries_count_for_nobody_in_the_cli(
    tmp_path: Path, write_config, in_cli, run_cli
) -> None:
    """An entry a rule hid is in no list (`byline entries` leaves it out, `--hidden` shows
    it): its quotes leave `byline people`, `byline quotes --speaker` and quote search too."""
    feed = tmp_path / "feed.json"
    items = [
        {"id": uid, "title": title, "url": f"https://example.org/{uid}",
         "date_published": "2026-01-02T10:00:00Z", "content_html": html}
        for uid, title, html in (
            ("z", "Story z", ZELENSKY), ("t", "Story t", TRUMP), ("s", "Sponsored: sleep", SPONSORED)
        )
    ]  # fmt: skip
    feed.write_text(
        json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": items}),
        encoding="utf-8",
    )
    write_config(
        text=f'[[feeds]]\nurl = "{feed.as_uri()}"\n\n'
        '[[rules]]\nmatch = \'title ~ "(?i)sponsored"\'\naction = "hide"\n'
    )
    assert in_cli("refresh").returncode == 0
    (hidden,) = json.loads(in_cli("entries", "--hidden", "--json").stdout)
    assert hidden["title"] == "Sponsored: sleep"
    result = run_cli("people", "--index", "--json")
    assert result.returncode == 0, result.stderr
    names = {p["name"]: (p["quotes"], p["entries"]) for p in json.loads(result.stdout)}
    assert names == {"Volodymyr Zelensky": (1, 1), "Donald Trump": (1, 1)}
    assert "     1  Volodymyr Zelensky  (1 entry)" in in_cli("people").stdout
    quotes = json.loads(in_cli("quotes", "--speaker", "Zelensky", "--json").stdout)
    assert [q["entry_id"] for q in quotes] != [hidden["id"]] and len(quotes) == 1
    assert "occupier" in quotes[0]["text"]
    with Store.in_dir(tmp_path / "data") as store:
        assert quoteindex.search(store, "mattress") == []
        assert quoteindex.search(store, "occupier") != []
        # the rows are kept: a rule taken back shows them again (nothing to re-read)
        store.db.execute("UPDATE entries SET hidden = 0")
        assert quoteindex.people(store)[0].quotes == 2
        assert quoteindex.search(store, "mattress") != []


def test_duplicates_of_another_feeds_story_count_once(tmp_path: Path) -> None:
    """dedupe hides the second telling of a story (hidden = 2), as every list does."""
    from reader.core import config as cfg
    from reader.core.rules.engine import apply_to_cache

    story = _entry("z", ZELENSKY)
    store, _ = _store(tmp_path, {"https://a.example/feed": [story], "https://b.example/": [story]})
    quoteindex.backfill(store)
    assert [(p.quotes, p.entries) for p in quoteindex.people(store)] == [(2, 2)]
    config = cfg.parse("[settings]\ndedupe = true\n", tmp_path / "c.toml")
    apply_to_cache(store, config)
    assert store._rows("SELECT count(*) FROM entries WHERE hidden = 2")[0][0] == 1
    assert [(p.quotes, p.entries) for p in quoteindex.people(store)] == [(1, 1)]
    (group,) = quoteindex.group_quotes(quoteindex.quotes_by(store, ["volodymyr zelensky"]))
    assert (group.articles, group.feeds) == (1, 1)


def test_an_article_naming_one_person_two_ways_is_one_of_their_entries(tmp_path: Path) -> None:
    """A bare surname before the full name keeps its own key in the article ("Zelensky"
    said, later "Volodymyr Zelensky" told): two keys of one person, one entry."""
    store, _ = _store(
        tmp_path,
        {
            "https://a.example/feed": [_entry("a", SURNAME_FIRST, 1)],
            "https://b.example/feed": [_entry("b", ZELENSKY, 2), _entry("c", TRUMP, 1)],
        },
    )
    quoteindex.backfill(store)
    keys = {r[0] for r in store._rows("SELECT speaker_key FROM quote_index")}
    assert {"zelensky", "volodymyr zelensky"} <= keys  # the case: two keys in one article
    everyone = {p.name: (p.quotes, p.entries) for p in quoteindex.people(store)}
    assert everyone == {"Volodymyr Zelensky": (3, 2), "Donald Trump": (1, 1)}
    (top,) = quoteindex.people(store, since=NOW - 7 * 86400, limit=1)
    assert (top.name, top.quotes, top.entries) == ("Volodymyr Zelensky", 3, 2)
    groups = quoteindex.group_quotes(quoteindex.quotes_by(store, top.keys))
    assert sorted((g.articles, g.feeds) for g in groups) == [(1, 1), (1, 1), (1, 1)]


def test_the_cli_groups_one_quotation_of_several_articles(
    tmp_path: Path, write_config, in_cli
) -> None:
    feed = tmp_path / "feed.json"
    items = [
        {"id": uid, "title": f"Story {uid}", "url": f"https://example.org/{uid}",
         "date_published": "2026-01-02T10:00:00Z", "content_html": TRUMP}
        for uid in ("a", "b")
    ]  # fmt: skip
    feed.write_text(
        json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": items}),
        encoding="utf-8",
    )
    write_config([feed.as_uri()])
    assert in_cli("refresh").returncode == 0
    assert in_cli("people", "--index").returncode == 0
    out = in_cli("quotes", "--speaker", "Trump").stdout
    assert out.count("very good deal") == 1, out
    assert "(+1 more: 2 articles, 1 feed)" in out, out


# ---------------------------------------------------------------- what is left to read


def test_pending_count_is_entries_minus_stamps_whatever_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pending_count() counts stamps instead of comparing hashes (m007): it must agree with
    pending() after every way an entry's reading goes stale."""
    url = "https://a.example/feed"
    store, feeds = _store(tmp_path, {url: [_entry(str(n), ZELENSKY, n) for n in range(3)]})

    def both() -> tuple[int, int]:
        return len(quoteindex.pending(store, limit=100)), quoteindex.pending_count(store)

    assert both() == (3, 3)
    quoteindex.backfill(store)
    assert both() == (0, 0)
    store.store_entries(feeds[url], [_entry("1", TRUMP, 1)], now=NOW)  # a changed text
    assert both() == (1, 1)
    quoteindex.backfill(store)
    # read, then changed by a refresh before the reading is written: not stamped as read
    (entry_id,) = [i for i, uid in store._rows("SELECT id, uid FROM entries") if uid == "2"]
    read = quoteindex.read_entries(store, [entry_id])
    store.store_entries(feeds[url], [_entry("2", TRUMP, 2)], now=NOW)
    quoteindex.write_entries(store, read)
    assert both() == (1, 1)
    quoteindex.backfill(store)
    assert [q.speaker_name for q in quoteindex.quotes_by(store, ["donald trump"])] == [
        "Donald Trump"
    ] * 2
    store.db.execute("DELETE FROM entries WHERE id = ?", [entry_id])
    assert both() == (0, 0)
    monkeypatch.setattr(quoteindex, "VERSION", "next")
    assert both() == (2, 2)
    plan = store._rows("EXPLAIN QUERY PLAN " + _PENDING_COUNT, ["next"])
    scans = [row[3] for row in plan if "entries" in row[3] or "quote_stamps" in row[3]]
    assert len(scans) == 2 and all("COVERING INDEX" in s for s in scans), scans


def test_stamps_of_a_text_that_changed_before_the_upgrade_are_dropped(tmp_path: Path) -> None:
    store, _ = _store(tmp_path, {"https://a.example/feed": [_entry("z", ZELENSKY)]})
    quoteindex.backfill(store)
    store.db.conn.executescript(
        """DROP TRIGGER quote_stamps_text_changed; DROP INDEX quote_stamps_version;
           DELETE FROM _sqlite_migrations WHERE name = 'm007_quote_stamps_follow_text';
           PRAGMA user_version = 6;
           UPDATE entries SET content_hash = 'changed';"""
    )  # a version 6 cache whose entry changed after it was read
    store.close()
    with Store(tmp_path / "cache.db") as store:
        assert quoteindex.pending_count(store) == 1 == len(quoteindex.pending(store))
