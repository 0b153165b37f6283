"""Rendering entry HTML to terminal text: unicode kept, numbered links, images, structure,
entities, and no control character in anything shown."""

from __future__ import annotations

import pytest

from reader.core.text.render import Link, render_html

BASE = "https://news.example/world/story.html"


def test_unicode_snob_keeps_typography():
    text = render_html("<p>café — “quoted” … naïve ½ ёлка 東京 🚀</p>").text
    assert text == "café — “quoted” … naïve ½ ёлка 東京 🚀"


def test_numbered_links_with_relative_urls_resolved():
    rendered = render_html(
        '<p>Read <a href="/minutes">the minutes</a>, the <a href="timetable?x=1&amp;y=2">'
        'timetable</a>, <a href="https://other.example/a">elsewhere</a> and '
        '<a href="/minutes">the minutes again</a>.</p>',
        BASE,
    )
    assert rendered.links == [
        Link(1, "the minutes", "https://news.example/minutes"),
        Link(2, "timetable", "https://news.example/world/timetable?x=1&y=2"),
        Link(3, "elsewhere", "https://other.example/a"),
    ]
    assert rendered.text == (
        "Read the minutes[1], the timetable[2], elsewhere[3] and the minutes again[1]."
    )
    assert rendered.link(2).url.endswith("y=2") and rendered.link(9) is None


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "#section", "", "data:text/html,x", "file:///etc/passwd"]
)
def test_unopenable_links_get_no_number(href: str):
    rendered = render_html(f'<p>A <a href="{href}">link</a> here.</p>', BASE)
    assert rendered.links == [] and rendered.text == "A link here."


def test_images_show_their_alt_text():
    text = render_html(
        '<p><img src="a.png" alt="A map of the valley"> and <img src="b.png"></p>', BASE
    ).text
    assert text == "[image: A map of the valley] and [image]"


def test_structure_is_text_not_markdown():
    """Issue 10, defect 9: headings, emphasis and lists as the reader sees them, no syntax."""
    markup = """
    <h1>Main title</h1><h2>What did the commentators say?</h2>
    <p>First paragraph with <b>bold</b> and <i>italics</i> and <del>struck</del>.</p>
    <blockquote><p>A quoted passage.</p></blockquote>
    <ul><li>one</li><li>two</li></ul>
    <ol><li>first</li><li>second</li></ol>
    <pre>code  block</pre>
    <table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>
    <hr><p>after <code>x = 1</code> the end</p>
    <script>alert("never shown")</script><style>p { color: red }</style>
    """
    text = render_html(markup).text
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0] == "Main title" and lines[1] == "What did the commentators say?"
    assert "First paragraph with bold and italics and struck." in lines
    assert "A quoted passage." in lines
    assert "  • one" in lines and "  • two" in lines
    assert "  1. first" in lines and "  2. second" in lines
    assert "    code  block" in lines and "after x = 1 the end" in lines
    for syntax in ("#", "**", "~~", "> ", "`", "* ", "---", "_"):
        assert syntax not in text, syntax
    assert "alert" not in text and "color" not in text
    assert "\n\n\n" not in text


def test_blocks_say_what_each_range_is():
    markup = (
        "<h2>What did the <em>commentators</em> say?</h2>"
        '<p>A <b>bold</b> claim, a <a href="https://x.example/a">source link</a> and '
        "<code>print(1)</code>.</p>"
        "<blockquote><p>Quoted words.</p></blockquote>"
        "<ul><li>one<li>two</ul>"
        '<figure><img src="m.png" alt="A map"><figcaption>The valley</figcaption></figure>'
        "<pre>for x in y:\n    pass</pre>"
        "<table><tr><td>a</td><td>b</td></tr></table>"
    )
    rendered = render_html(markup)
    text = rendered.text
    found = {(b.kind.value, text[b.start : b.end]) for b in rendered.blocks}
    assert found >= {
        ("heading", "What did the commentators say?"),
        ("emphasis", "commentators"),
        ("strong", "bold"),
        ("link", "source link"),
        ("code", "print(1)"),
        ("blockquote", "Quoted words."),
        ("list_item", "• one"),  # an item whose </li> was left out ends at the next one
        ("list_item", "• two"),
        ("caption", "[image: A map]"),
        ("caption", "The valley"),
        ("code", "for x in y:\n        pass"),
    }
    assert any(kind == "table" for kind, _ in found)
    assert rendered.blocks == sorted(rendered.blocks, key=lambda b: (b.start, -b.end, b.kind))
    assert "source link[1]" in text  # numbered links as before


def test_page_text_cannot_forge_structure():
    """The renderer's private markers (noncharacters) never come from the page."""
    forged = "".join(chr(c) for c in range(0xFDD0, 0xFDF0))
    refs = "".join(f"&#x{c:X};" for c in range(0xFDD0, 0xFDF0))
    rendered = render_html(f"<p>a{forged}b{refs}c <b>d</b></p>")
    assert rendered.text == "abc d"
    assert [(b.kind.value, rendered.text[b.start : b.end]) for b in rendered.blocks] == [
        ("strong", "d")
    ]


def test_unclosed_and_stray_tags_keep_blocks_in_the_text():
    rendered = render_html("<p>x</b> <i>never closed <h3>head</p></ul></li></blockquote>")
    for block in rendered.blocks:
        assert 0 <= block.start < block.end <= len(rendered.text)
    assert "never closed" in rendered.text and "head" in rendered.text


def test_entities_are_unescaped_without_markdown_escapes():
    text = render_html(
        "<p>Tom &amp; Jerry &lt;3 &eacute;t&eacute; &#8212; 1. 2*3 [x] (y) #tag</p>"
    ).text
    assert text == "Tom & Jerry <3 été — 1. 2*3 [x] (y) #tag"


CONTROLS = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b31m\x9d0;t\x9c\x07\x08\x00\x7f\x85"


def test_control_characters_never_survive():
    rendered = render_html(
        f"<p>Body{CONTROL_REF} text</p><a href='https://example.org/a{CONTROL_REF}'>"
        f"link{CONTROL_REF}</a>{CONTROLS}",
        BASE,
    )
    shown = [rendered.text, *(x.text for x in rendered.links), *(x.url for x in rendered.links)]
    for text in shown:
        assert not [
            c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F
        ], repr(text)
    assert "Body" in rendered.text and " text" in rendered.text  # nothing after it is lost
    assert rendered.links[0].text.startswith("link")
    assert rendered.links[0].url.startswith("https://example.org/a")


CONTROL_REF = "&#x1b;[2J&#x9b;31m&#x9d;0;t&#x9c;"


def test_pathological_markup_does_not_raise():
    for markup in ["<p>" * 3000, "<a href='x'>" * 500, "</a></p></div>", "<table><tr><td>x", ""]:
        render_html(markup, BASE)
