"""The quote index's cheap test (issue 15): `may_quote(markup)` False must mean the full
finder finds nothing in the rendered entry, so an entry it clears is stamped without
rendering it. Held to the finder on every entry of the 40 corpus feeds and on the PolNeAR
and wild-dev texts, and on the constructions each of its clauses is there for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import corpus_path

from reader.core.quotes import extract
from reader.core.quotes import index as quoteindex
from reader.core.quotes.index import may_quote
from reader.core.store import Store
from reader.core.text.parse import ParsedEntry, parse_feed
from reader.core.text.render import render_html


def _found(markup: str, base: str = "") -> list:
    rendered = render_html(markup, base)
    return extract(rendered.text, rendered.blocks)


def test_every_corpus_entry_it_clears_has_no_quotation() -> None:
    feeds = sorted(corpus_path("feeds").glob("*.xml"))
    assert len(feeds) == 40
    checked = cleared = 0
    for path in feeds:
        parsed = parse_feed(path.read_bytes(), path.as_uri())
        for entry in parsed.entries:
            markup = entry.content or entry.summary
            checked += 1
            if not may_quote(markup):
                cleared += 1
                assert _found(markup, entry.link) == [], (path.name, entry.uid)
    assert checked > 800
    assert cleared > checked // 3  # it clears a good share, or it saves nothing


def test_every_polnear_and_wild_text_it_clears_has_no_quotation() -> None:
    texts = [p.read_text(encoding="utf-8") for p in corpus_path("quotes", "polnear-dev", "text").glob("*.txt")]  # fmt: skip
    wild = json.loads(corpus_path("quotes", "wild-dev.json").read_text(encoding="utf-8"))
    texts += sorted({item["text"] for item in wild})
    assert len(texts) > 150
    for text in texts:
        if not may_quote(text):
            assert extract(text) == [], text[:80]
    # plain prose with a quotation in a mark the old test missed (straight single quotes)
    assert may_quote("The ads sold 'brain hacking' to parents.")


@pytest.mark.parametrize(
    "markup",
    [
        "<p>The sign on the door read <q>closed until further notice</q> all week.</p>",
        '<p><img src="x.jpg" alt="“We are not leaving this town,” she said"></p>',
        "<p>He said &ldquo;we will not leave this town again&rdquo; at the meeting.</p>",
        "<p>The motto&mdash'never give up on the town'&mdash;still stands.</p>",  # &mdash
        "<p>He said ``we will not leave this town again`` at the meeting.</p>",
        "<p>Their motto, 'never give up on the town', still stands.</p>",
        "<p>(<b>'never give up on the town'</b>) still stands.</p>",
        "<p>It was “deeply committed to your success,” the letter said.</p>",
    ],
)
def test_what_each_clause_is_for(markup: str) -> None:
    assert _found(markup) != []  # the finder finds a quotation here...
    assert may_quote(markup)  # ...so the cheap test must send it to the finder


@pytest.mark.parametrize(
    "markup",
    [
        "<p>It’s the 90’s band’s best record, isn’t it?</p>",
        '<p><a href="https://example.org/?q=\'x\'" class="link">A plain story</a></p>',
        '<p><img src="x.jpg" alt="A harbour at dawn"> No words were spoken.</p>',
        '<!-- "a comment" --><p>Nothing quoted.</p>',
    ],
)
def test_apostrophes_attributes_and_comments_alone_are_cleared(markup: str) -> None:
    assert _found(markup) == []
    assert not may_quote(markup)


def test_what_cannot_quote_is_stamped_without_the_finder(tmp_path: Path) -> None:
    """`render=False` (a refresh whose share cannot pay for loading the finder) stamps only
    the entries that cannot quote; the others stay pending for the backfill."""
    store = Store(tmp_path / "cache.db")
    store.db.execute("INSERT INTO feeds (url, title) VALUES ('https://a.example/', 'A')")
    feed_id = store.feeds()[0].id
    bodies = {
        "plain": "<p>The council met on Tuesday and adjourned.</p>",
        "quoted": "<p>“We will keep the ferry running for two more years,” said Ines Okafor.</p>",
        "apostrophe": "<p>It’s the harbour’s busiest week.</p>",
    }
    store.store_entries(
        feed_id, [ParsedEntry(uid=k, title=k, content=v) for k, v in bodies.items()], now=1.0
    )
    ids = {uid: i for i, uid in store._rows("SELECT id, uid FROM entries")}
    assert quoteindex.index_entries(store, list(ids.values()), deadline=1e12, render=False) == 2
    assert quoteindex.pending(store) == [ids["quoted"]]
    assert store._rows("SELECT count(*) FROM quote_index")[0][0] == 0
    assert quoteindex.index_entries(store, [ids["quoted"]], deadline=1e12) == 1
    assert quoteindex.pending(store) == []
    assert [p.name for p in quoteindex.people(store)] == ["Ines Okafor"]
