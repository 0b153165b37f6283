"""No control character from a feed reaches the terminal: the cleaning functions themselves,
a property test over arbitrary text, and hostile feeds run through refresh and the CLI."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.text.sanitize import clean_line, clean_text, clean_url, is_openable

ESC = "\x1b"
# (attack, what must be left of it): exact, so that dropping any one pattern of sanitize.py
# (the OSC sequence, the C1 range, the bidi range...) fails here on its own.
CASES = [
    (ESC + "]0;set the window title" + "\x07", ""),
    (ESC + "]52;c;Y3VybCBldmlsfHNo" + "\x07", ""),  # OSC 52: write the clipboard
    (ESC + "]8;;https://evil.example" + ESC + "\\link" + ESC + "]8;;" + ESC + "\\", "link"),
    (ESC + "[2J" + ESC + "[H", ""),
    (ESC + "[38;5;196m", ""),
    ("\x9b31m", ""),  # C1 CSI
    ("\x9d0;title\x9c", ""),  # C1 OSC
    (ESC + "P1$r" + ESC + "\\", ""),  # DCS
    (ESC + "_app" + ESC + "\\", ""),  # APC
    (ESC + "kwindow name" + ESC + "\\", ""),  # screen/tmux: rename the window
    (ESC + "c", ""),  # full reset
    ("\x07\x08\x0b\x0c\r\x00\x7f\x85\x9f", ""),
    ("\u202etxt.exe", "txt.exe"),  # bidi override
    ("a\u2066b\u2069c", "abc"),  # bidi isolates
    ("zero\u200bwidth\ufeff\u2060joined", "zerowidthjoined"),
    ("\x9fstray introducer, the text after it stays", "stray introducer, the text after it stays"),
]
HOSTILE = [attack for attack, _ in CASES]


def bad_chars(text: str) -> list[str]:
    """Characters that must never be shown: C0 but \\n and \\t, DEL, C1."""
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


@pytest.mark.parametrize(("attack", "left"), CASES)
def test_clean_text_removes_sequences_whole(attack: str, left: str):
    cleaned = clean_text(f"before {attack} after\r\nnext\tline")
    assert cleaned == f"before {left} after\nnext\tline"


def test_clean_text_keeps_ordinary_text_exactly():
    text = "Café — “quoted” ½ 日本語 emoji 🎉 tab\there\nRTL: שלום, مرحبا"
    assert clean_text(text) == text


def test_clean_line_and_url():
    assert clean_line("  Caf&eacute;\n\t &mdash;  news" + ESC + "[1m ") == "Café — news"
    assert clean_url(" https://example.org/a b\x1b[2J\n") == "https://example.org/ab"
    assert clean_text(None) == clean_line(None) == clean_url(None) == ""


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/x", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("mailto:a@example.org", False),
        ("javascript://example.org/%0Aalert(1)", False),  # a scheme with a "host"
        ("file://localhost/etc/passwd", False),
        ("ftp://example.org/x", False),
        ("data://example.org/x", False),
        ("https://", False),
        ("https://example.org/a b", False),
        ("https://example.org/\x1b[2J", False),
        (" https://example.org/", False),
        ("", False),
    ],
)
def test_is_openable(url: str, ok: bool):
    assert is_openable(url) is ok


@given(st.text(alphabet=st.characters(max_codepoint=0x2100), max_size=80))
def test_clean_text_never_leaves_a_control_character(text: str):
    cleaned = clean_text(text)
    assert not bad_chars(cleaned)
    assert not bad_chars(clean_line(text)) and "\n" not in clean_line(text)
    assert not any(unicodedata.category(c) == "Cc" for c in clean_url(text))


def _hostile_feed() -> str:
    x = "".join(HOSTILE).replace("\x00", "")  # NUL is not even XML-encodable as a reference

    def ref(text: str) -> str:  # XML 1.0 cannot carry C0 raw: feeds send them as references
        return "".join(f"&#x{ord(c):x};" if ord(c) < 32 and c not in "\n\t" else c for c in text)

    body = f"&lt;p&gt;Hello {ref(x)} &lt;a href='https://example.org/{ref(x)}'&gt;link{ref(x)}&lt;/a&gt;&lt;/p&gt;"
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Feedname{ref(x)}</title><link>https://example.org/{ref(x)}</link><description>d</description>
<item><title>Title{ref(x)}</title><link>https://example.org/item{ref(x)}</link>
<guid>hostile-1</guid><dc:creator>Writer{ref(x)}</dc:creator>
<description>{body}</description></item></channel></rss>"""


def test_hostile_feed_is_clean_everywhere_it_is_shown(tmp_path, write_config, in_cli, run_cli):
    from reader.core.quotes.articles import render_entry
    from reader.core.store import Store, View

    feed = tmp_path / "hostile.xml"
    feed.write_text(_hostile_feed(), encoding="utf-8")
    write_config([feed.as_uri()])
    assert in_cli("refresh").returncode == 0
    with Store.in_dir(tmp_path / "data") as store:
        (row,) = store.page(View("all"))
        entry = store.entry(row.id)
        (db_feed,) = store.feeds()
        shown = [
            entry.title,
            entry.author,
            entry.link,
            entry.feed_title,
            db_feed.title,
            db_feed.link,
        ]
        rendered = render_entry(entry)
        shown += [
            rendered.text,
            *(link.text for link in rendered.links),
            *(link.url for link in rendered.links),
        ]
    for text in shown:
        assert not bad_chars(text), repr(text)
    assert entry.title.startswith("Title") and db_feed.title.startswith("Feedname")
    assert "Hello" in rendered.text and rendered.links
    # What the CLI prints (plain and JSON) is clean too.
    for args in (("entries",), ("feeds",), ("entries", "--json"), ("feeds", "--json")):
        result = run_cli(*args) if args == ("entries",) else in_cli(*args)
        assert result.returncode == 0 and not bad_chars(result.stdout), args
    data = json.loads(in_cli("entries", "--json").stdout)
    assert not bad_chars(json.dumps(data, ensure_ascii=False))
