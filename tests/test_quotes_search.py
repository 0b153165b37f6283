"""`/` in the saved-Quotes view (issue 15): FTS5 over the saved quotes' text and speakers,
with the query syntax of every other search (store.fts_query), kept in step with saves,
corrections and deletes by triggers, filled for the quotes saved before it existed, and
surviving pruning as saved quotes do."""

from __future__ import annotations

from pathlib import Path

from conftest_app import AppEnv
from test_app_polish import SIZE, main_of, open_quotes_view

from reader.core.store import Store
from reader.core.text.parse import ParsedEntry

NOW = 1_767_225_600.0


def _cache(tmp_path: Path) -> tuple[Store, list[int]]:
    store = Store.in_dir(tmp_path / "data")
    store.db.execute("INSERT INTO feeds (url, title) VALUES ('https://a.example/', 'A')")
    feed_id = store.feeds()[0].id
    entries = [
        ParsedEntry(uid=str(n), title=f"Budget story {n}", published=NOW - n * 3600,
                    content=f"<p>Story {n}</p>")
        for n in range(3)
    ]  # fmt: skip
    store.store_entries(feed_id, entries, now=NOW)
    return store, [r[0] for r in store._rows("SELECT id FROM entries ORDER BY id")]


def _texts(store: Store, words: str) -> list[str]:
    return sorted(q.text for q in store.saved_quotes(search=words))


def test_words_of_the_text_and_the_speaker_folded_and_prefixed(tmp_path: Path) -> None:
    store, ids = _cache(tmp_path)
    store.save_quote(ids[0], "The café stays open all night", "quote", 0, 5, speaker="José Álvarez")
    store.save_quote(ids[1], "Мы не отступим ни на шаг", "quote", 0, 5, speaker="Сергей Королёв")
    store.save_quote(ids[2], "Nurses need the night ferry", "quote", 0, 5, speaker="Ines Okafor")
    assert _texts(store, "jose") == ["The café stays open all night"]  # accents folded
    assert _texts(store, "cafe open") == ["The café stays open all night"]
    assert _texts(store, "королев") == ["Мы не отступим ни на шаг"]  # ё searched as е
    assert _texts(store, "nurs") == ["Nurses need the night ferry"]  # the last word a prefix
    assert _texts(store, "night") == [
        "Nurses need the night ferry",
        "The café stays open all night",
    ]
    assert _texts(store, "okafor night") == ["Nurses need the night ferry"]  # all words
    assert _texts(store, "urses") == []  # words, not substrings
    assert _texts(store, "budget") == []  # the article's title is not the quote
    assert _texts(store, '" OR night NEAR(') == []  # FTS syntax is words, never an error
    assert _texts(store, "!!") == []  # no word: nothing, as an entry search
    assert len(store.saved_quotes(search=None)) == 3


def test_the_index_follows_saves_corrections_deletes_and_pruning(tmp_path: Path) -> None:
    store, ids = _cache(tmp_path)
    qid = store.save_quote(ids[0], "We will be back in the spring", "quote", 0, 5, speaker="Paul")
    assert _texts(store, "paul") == ["We will be back in the spring"]
    store.save_quote(ids[0], "We will be back in the spring", "quote", 0, 5, speaker="Whitcombe")
    assert _texts(store, "paul") == [] and _texts(store, "whitcombe") != []
    # pruning drops old read entries, never one with a saved quote, nor the quote's index
    store.db.execute("UPDATE entries SET read = 1, last_seen = 0, sort_ts = 0")
    assert store.prune(keep_days=1, max_items={}, now=NOW) == 2
    assert _texts(store, "spring") == ["We will be back in the spring"]
    assert store.delete_quote(qid)
    assert _texts(store, "spring") == []
    rows = store._rows("SELECT count(*) FROM saved_quotes_fts")[0][0]
    assert rows == 0


def test_a_cache_of_the_version_before_gains_the_index_of_its_saved_quotes(
    tmp_path: Path,
) -> None:
    store, ids = _cache(tmp_path)
    store.save_quote(ids[1], "Nobody will force us out", "quote", 0, 5, speaker="Olena Petrova")
    store.db.conn.executescript(
        """DROP TRIGGER saved_quotes_fts_insert; DROP TRIGGER saved_quotes_fts_update;
           DROP TRIGGER saved_quotes_fts_delete; DROP TABLE saved_quotes_fts;
           DELETE FROM _sqlite_migrations WHERE name = 'm006_saved_quotes_fts';
           PRAGMA user_version = 5;"""
    )
    store.close()
    with Store.in_dir(tmp_path / "data") as store:  # a version 5 cache, opened by this Byline
        assert _texts(store, "petrova") == ["Nobody will force us out"]
        assert _texts(store, "force") == ["Nobody will force us out"]


async def test_slash_in_the_quotes_view_searches_text_and_speakers(app_env: AppEnv) -> None:
    with app_env.store() as store:
        store.save_quote(
            app_env.ids["ferry"], "The ferry is not a luxury, it is how our nurses get home",
            "quote", 0, 10, speaker="Inés Okafor",
        )  # fmt: skip
        store.save_quote(
            app_env.ids["chips"], "halves the heat", "partial", 0, 5, speaker="Engineers"
        )
    async with app_env.app().run_test(size=SIZE) as pilot:
        main = main_of(pilot.app)
        await open_quotes_view(pilot, main)
        assert main.quotes_view.count == 2
        await pilot.press("slash", *"ines", "enter")  # the speaker, accent folded
        assert [q.speaker for q in main.quotes_view.quotes] == ["Inés Okafor"]
        await pilot.press("slash", "ctrl+u", *"engin", "enter")  # a prefix while typing
        assert [q.speaker for q in main.quotes_view.quotes] == ["Engineers"]
        await pilot.press("escape")
        assert main.quotes_view.search == "" and main.quotes_view.count == 2
