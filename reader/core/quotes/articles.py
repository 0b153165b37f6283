"""What an article shows: the feed's content or the kept full text, rendered, and its quotes.

One place decides this so the app, the CLI and the benchmarks agree on the text that quotes'
offsets point into.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.core.store import Entry, FullText, Store
from reader.core.text.render import Rendered, render_html

if TYPE_CHECKING:
    from reader.core.quotes import Quote


def render_entry(entry: Entry, fulltext: FullText | None = None) -> Rendered:
    """The full article when one was kept successfully, else the feed's own content."""
    if fulltext is not None and fulltext.status == "ok" and fulltext.html:
        return render_html(fulltext.html, fulltext.url or entry.link)
    return render_html(entry.body_html, entry.link or entry.feed_link)


def finder_ready() -> bool:
    """Whether the quote finder is loaded. Its first import (~0.15 s of tables and patterns)
    may be under way in another thread; `extract` exists once all the package's own imports
    are done."""
    from reader.core.quotes import finder_loaded

    return finder_loaded()


def quotes_of(rendered: Rendered) -> list[Quote]:
    """The quotes of a rendered article, found on the text the reader sees with its
    structure (headings, captions, code and link lists are not prose)."""
    from reader.core.quotes import extract  # its tables cost ~0.1 s to build: load when used

    return extract(rendered.text, rendered.blocks)


def article_quotes(store: Store, entry_id: int, full: bool = True) -> list[Quote]:
    """Quotes of the text a reader sees for this entry (full text when kept and `full`)."""
    entry = store.entry(entry_id)
    if entry is None:
        return []
    fulltext = store.fulltext(entry_id) if full else None
    return quotes_of(render_entry(entry, fulltext))


def as_markdown(entry: Entry, rendered: Rendered, feed_title: str = "") -> str:
    """The article as a Markdown document (what `|` pipes to a program): its title, where it is from, the text a
    reader sees, and its numbered links as references."""
    import time

    when = time.strftime("%Y-%m-%d", time.gmtime(entry.published)) if entry.published else ""
    source = " · ".join(part for part in (feed_title, entry.author, when) if part)
    lines = [f"# {entry.title or '(untitled)'}", ""]
    if source:
        lines += [source, ""]
    if entry.link:
        lines += [f"<{entry.link}>", ""]
    lines.append(rendered.text)
    if rendered.links:
        lines += ["", *(f"[{link.number}]: {link.url}" for link in rendered.links)]
    return "\n".join(lines) + "\n"


def run_pipe(pipe, entry: Entry, rendered: Rendered, feed_title: str = "") -> tuple[bool, str]:
    """Send the article (Markdown, or its link) to a `[pipe_commands]` program: (it went well, one line to show:
    the first line the program wrote, or what went wrong)."""
    from reader.core import programs

    data = entry.link if pipe.send == "link" else as_markdown(entry, rendered, feed_title)
    ran = programs.run(pipe.command, (data or "").encode("utf-8"), timeout=60)
    if not ran.ok:
        return False, ran.error or "failed"
    return True, programs.first_line(ran.output) or f"{pipe.name}: done"


_CLOSING = "”\"’'»«›‹“„」』"


def speaker_label(quote: Quote) -> str:
    """Who said it, as a reader should take it: a guess says so."""
    if not quote.speaker:
        return "unattributed"
    return quote.speaker if quote.confidence == "high" else f"{quote.speaker} (uncertain)"


def mark_quotes(rendered: Rendered, quotes: list[Quote]) -> Rendered:
    """The article with its speaker written after each quotation ("…,” [— Ines Okafor]"), for
    `byline show`: the text a pipe or a terminal gets has no colours to mark quotes with.
    Links and pictures are kept; blocks are dropped, their offsets no longer fit the text."""
    from dataclasses import replace

    text = rendered.text
    for quote in sorted(quotes, key=lambda q: q.end, reverse=True):
        end = quote.end + (text[quote.end : quote.end + 1] in _CLOSING)  # after its closing mark
        text = f"{text[:end]} [— {speaker_label(quote)}]{text[end:]}"
    return replace(rendered, text=text, blocks=[])
