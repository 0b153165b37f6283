"""The article pane: header and body as wrapped Rich text, drawn line by line.

The body is the engine's rendered text (never the Markdown widget, GUIDE §3). Quotes found
by `reader.core.quotes` are styled as spans; the widget maps text offsets to wrapped lines
so it can scroll to any quote. Styles come from component classes, so themes own colours.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich._wrap import divide_line
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from reader.core.store import Entry
from reader.core.text.blocks import BlockKind
from reader.core.text.sanitize import clean_line, clean_url
from reader.core.text.words import count
from reader.tui.format import date
from reader.tui.kinds import Source
from reader.tui.styling import component_style, line_start

_LINK_NUMBER = re.compile(r"\[\d+\]")
_BULLET = re.compile(r"•|\d+\.")
_BLOCK_STYLES = {
    BlockKind.HEADING: "article--heading",
    BlockKind.BLOCKQUOTE: "article--blockquote",
    BlockKind.CODE: "article--code",
    BlockKind.CAPTION: "article--caption",
    BlockKind.EMPHASIS: "article--emphasis",
    BlockKind.STRONG: "article--strong",
}
MARGIN = 1
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

if TYPE_CHECKING:
    from reader.core.quotes import Quote
    from reader.core.text.render import Rendered
    from reader.tui.widgets.pictures import PictureLines, PictureSlot, Placed


@dataclass
class ArticleContent:
    entry: Entry
    rendered: Rendered
    quotes: list[Quote] = field(default_factory=list)
    source: Source = Source.FEED
    notes: list[str] = field(default_factory=list)
    fetching: bool = False  # the full text is being fetched: a spinner turns in the header
    also_in: list[str] = field(default_factory=list)  # feeds that told the same story (dedupe)
    quotes_pending: bool = False  # shown before the quote finder was loaded: quotes to come
    # The article's pictures, one slot per `rendered.pictures` item, drawn in place of their
    # `[image: alt]` lines while `show_pictures` (reader/tui/media_actions.py fills them in).
    pictures: list[PictureSlot] = field(default_factory=list)
    show_pictures: bool = False
    media: list[str] = field(default_factory=list)  # enclosure lines, shown under the header
    highlight: tuple[str, ...] = ()  # the search's words, marked where they occur (issue 28)


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    COMPONENT_CLASSES = {
        "article--title",
        "article--meta",
        "article--link",
        "article--status",
        "article--note",
        "article--heading",
        "article--blockquote",
        "article--bullet",
        "article--code",
        "article--caption",
        "article--emphasis",
        "article--strong",
        "article--link-marker",
        "article--quote",
        "article--partial",
        "article--current-quote",
        "article--speaker",
        "article--empty",
        "article--search",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.content: ArticleContent | None = None
        self.current_quote: int | None = None
        self.empty_message = "No entry selected."
        self._lines: list[Strip] = []
        self._built_for: tuple[int, int] | None = None
        self._version = 0
        self._body_y = 0
        self._line_starts: list[int] = []  # display offset of each body visual line
        self._line_ys: list[int] = []
        self._to_display: list[tuple[int, int]] = []  # (orig pos, inserted length)
        self._spin = 0
        self._spinner: Timer | None = None
        self._spinner_y: int | None = None  # the header line the spinner is drawn on
        self.painter: PictureLines | None = None  # draws pictures (loaded with the first one)

    # ---------------------------------------------------------- content

    def show(self, content: ArticleContent | None, keep_scroll: bool = False) -> None:
        self.content = content
        self.current_quote = None
        self._changed()
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True)

    def set_notes(self, notes: list[str], fetching: bool | None = None) -> None:
        if self.content is not None:
            self.content.notes = notes
            if fetching is not None:
                self.content.fetching = fetching
            self._changed()

    def pictures_changed(self) -> None:
        """A picture arrived or failed, or pictures were toggled: lay out again where we are."""
        self._changed()

    def _changed(self) -> None:
        self._version += 1
        self._built_for = None
        self._ensure()
        self.refresh()
        fetching = self.content is not None and self.content.fetching
        if fetching and self._spinner is None:
            self._spinner = self.set_interval(0.1, self._turn_spinner)
        elif not fetching and self._spinner is not None:
            self._spinner.stop()
            self._spinner = None

    def _spinner_text(self) -> Text:
        frame = SPINNER[self._spin % len(SPINNER)]
        return Text(f"{frame} fetching the full article…", self._style("article--note"))

    def _turn_spinner(self) -> None:
        """Redraw only the spinner's line: the article is not wrapped again 10 times a second."""
        self._spin += 1
        y = self._spinner_y
        if y is None or y >= len(self._lines) or self._built_for is None:
            return
        width = self._built_for[0]
        line = Text(" " * MARGIN) + self._spinner_text()
        self._lines[y] = Strip(list(line.render(self.app.console))).adjust_cell_length(
            width + 2 * MARGIN
        )
        self.refresh_line(y - self.scroll_offset.y)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._built_for = None
        self.refresh()

    def on_resize(self) -> None:
        self._ensure()

    @property
    def text_lines(self) -> list[str]:
        """The wrapped lines as plain text (for tests and copy)."""
        self._ensure()
        return [strip.text for strip in self._lines]

    # ---------------------------------------------------------- quotes

    def select_quote(self, index: int | None) -> None:
        self.current_quote = index
        self._built_for = None
        self._ensure()
        if index is not None:
            self.scroll_to_offset(self.content.quotes[index].start)
        self.refresh()

    def display_offset(self, pos: int) -> int:
        return pos + sum(length for at, length in self._to_display if at <= pos)

    def y_of(self, pos: int) -> int:
        """The (absolute) line where body offset `pos` is drawn."""
        self._ensure()
        if not self._line_starts:
            return 0
        i = bisect.bisect_right(self._line_starts, self.display_offset(pos)) - 1
        return self._line_ys[max(0, i)]

    def scroll_to_offset(self, pos: int) -> None:
        y = self.y_of(pos)
        height = self.scrollable_content_region.height or 1
        top = self.scroll_offset.y
        if not (top <= y < top + height - 1):
            self.scroll_to(y=max(0, y - 2), animate=False, immediate=True)

    # ---------------------------------------------------------- building

    def _style(self, name: str) -> Style:
        return component_style(self, name, partial=True)

    @property
    def text_width(self) -> int:
        """The cells a line of the article has (the pane less its margins)."""
        return max(10, self.scrollable_content_region.width - 2 * MARGIN)

    def _ensure(self) -> None:
        width = self.text_width
        key = (width, self._version)
        if self._built_for == key:
            return
        self._built_for = key
        self._lines = self._build(width)
        self.virtual_size = Size(width + 2 * MARGIN, len(self._lines))

    def _wrap(self, text: Text, width: int, out: list[Text]) -> list[int]:
        """Append `text` wrapped to `width`; return the start offset of each piece."""
        offsets = divide_line(text.plain, width, fold=True)
        pieces = text.divide(offsets)
        out.extend(pieces)
        return [0, *offsets]

    def _build(self, width: int) -> list[Strip]:
        console = self.app.console
        texts: list[Text | Strip] = []
        self._line_starts, self._line_ys, self._to_display = [], [], []
        self._spinner_y = None
        content = self.content
        if content is None:
            for line in self.empty_message.splitlines():
                self._wrap(Text(line, self._style("article--empty")), width, texts)
        else:
            for line in self._header(content):
                if line is None:
                    self._spinner_y = len(texts)
                    texts.append(self._spinner_text())
                    continue
                self._wrap(line, width, texts)
            texts.append(Text(""))
            self._body_y = len(texts)
            body = self._body(content)
            pictures = self._picture_lines(content)
            offset = 0
            for line in body.split("\n", allow_blank=True):
                first_y = len(texts)
                placed = pictures.get(offset)  # pictures in or in place of this line
                if placed is not None and not placed.keep_line:
                    starts = [0]
                else:
                    starts = self._wrap(line, width, texts) if line.plain else [0]
                    if not line.plain:
                        texts.append(Text(""))
                for k, start in enumerate(starts):
                    self._line_starts.append(offset + start)
                    self._line_ys.append(first_y + k)
                for item in placed.items if placed is not None else ():
                    if isinstance(item, Strip):
                        texts.append(item)
                    else:
                        self._wrap(item, width, texts)
                offset += len(line.plain) + 1
            if content.rendered.links:
                texts += [Text(""), Text("Links", self._style("article--heading"))]
                for link in content.rendered.links:
                    line = Text.assemble(
                        (f"[{link.number}] ", self._style("article--link-marker")),
                        (link.text + " ", ""),
                        (link.url, self._style("article--link")),
                    )
                    self._wrap(line, width, texts)
        pad = [Segment(" " * MARGIN, line_start(self))]
        strips = []
        for text in texts:
            if isinstance(text, Strip):
                strips.append(Strip(pad + list(text)).adjust_cell_length(width + 2 * MARGIN))
                continue
            if text.style and not text.spans:  # Text.render drops the style of a span-less Text
                text = Text(text.plain, spans=[Span(0, len(text), text.style)])
            segments = pad + list(text.render(console))
            strips.append(Strip(segments).adjust_cell_length(width + 2 * MARGIN))
        return strips

    def _picture_lines(self, content: ArticleContent) -> dict[int, Placed]:
        """What replaces each picture's `[image: alt]` line, by its display offset (pictures.py);
        pictures not drawn yet at this width are drawn in a worker, then laid out again."""
        if not content.show_pictures or not content.pictures or self.painter is None:
            return {}
        styles = self._style("article--note"), self._style("article--caption")
        out, missing = self.painter.layout(
            content, self.text_width, self.app.console, self.display_offset, styles
        )
        if missing:
            self.painter.draw_later(self, missing, self.text_width, self._drawn)
        return out

    def _drawn(self) -> None:
        self._built_for = None
        self._ensure()
        self.refresh()

    def _header(self, content: ArticleContent) -> list[Text | None]:
        """The header's lines; None stands for the spinner's line."""
        entry = content.entry
        lines: list[Text | None]
        lines = [Text(clean_line(entry.title) or "(untitled)", self._style("article--title"))]
        meta = [clean_line(entry.feed_title), clean_line(entry.author)]
        meta.append(date(entry.published or entry.sort_ts))
        lines.append(Text(" · ".join(m for m in meta if m), self._style("article--meta")))
        if content.also_in:
            also = ", ".join(clean_line(title) for title in content.also_in)
            lines.append(Text(f"Also in: {also}", self._style("article--meta")))
        if entry.link:
            lines.append(Text(clean_url(entry.link), self._style("article--link")))
        lines.append(Text(self._source_line(content), self._style("article--status")))
        if content.fetching:
            lines.append(None)
        for note in content.notes:
            lines.append(Text(note, self._style("article--note")))
        for media in content.media:
            lines.append(Text(media, self._style("article--meta")))
        return lines

    @staticmethod
    def _source_line(content: ArticleContent) -> str:
        quotes = len(content.quotes)
        tail = f" · {count(quotes, 'quote')} ( ] [ Q )" if quotes else ""
        if content.source == Source.FULL:
            return f"Full article{tail}"
        return f"Feed content (F: full article){tail}"

    def _body(self, content: ArticleContent) -> Text:
        source = content.rendered.text
        quotes = content.quotes
        # Who spoke goes on its own line after the quotation's paragraph, never inside the
        # sentence; the placement is the engine's (reader.core.quotes.placement), loaded only
        # for quotes (an article shown while the finder loads has none yet).
        inserts: list[tuple[int, str, int]] = []  # (orig pos, text, first quote index)
        if quotes:
            from reader.core.quotes.placement import speaker_labels

            inserts = [
                (label.at, "\n" + label.text, label.quotes[0])
                for label in speaker_labels(source, quotes)
            ]
        inserts.sort()
        self._to_display = [(at, len(s)) for at, s, _ in inserts]
        pieces, last = [], 0
        for at, string, _ in inserts:
            pieces += [source[last:at], string]
            last = at
        pieces.append(source[last:])
        display = "".join(pieces)
        text = Text(display)
        self._style_structure(text, content.rendered)
        # Quotes, then the current one on top.
        if quotes:
            from reader.core.quotes.marks import QUOTE_MARKS
        for i, quote in enumerate(quotes):
            a, b = quote.start, quote.end
            if a > 0 and source[a - 1] in QUOTE_MARKS:
                a -= 1
            if b < len(source) and source[b] in QUOTE_MARKS:
                b += 1
            da, db = self.display_offset(a), self.display_offset(b - 1) + 1
            name = "article--quote" if quote.kind == "quote" else "article--partial"
            text.stylize(self._style(name), da, db)
            if i == self.current_quote:
                text.stylize(self._style("article--current-quote"), da, db)
        for at, string, _ in inserts:
            da = self.display_offset(at - 1) + 1
            text.stylize(self._style("article--speaker"), da + 1, da + len(string))
        if content.highlight:
            words = "|".join(re.escape(w) for w in content.highlight)
            for match in re.finditer(rf"(?i)\b(?:{words})\w*", display):
                text.stylize(self._style("article--search"), match.start(), match.end())
        return text

    def _style_structure(self, text: Text, rendered: Rendered) -> None:
        """Headings, emphasis, code, captions, list bullets and link numbers, from the
        renderer's blocks: the text has no Markdown syntax to guess from (issue 10)."""
        source = rendered.text
        for start, end, kind in rendered.blocks:
            name = _BLOCK_STYLES.get(kind)
            if name is not None:
                da, db = self.display_offset(start), self.display_offset(end - 1) + 1
                text.stylize(self._style(name), da, db)
            elif kind == BlockKind.LIST_ITEM:
                bullet = _BULLET.match(source, start)
                if bullet:
                    da = self.display_offset(start)
                    text.stylize(self._style("article--bullet"), da, da + len(bullet.group()))
            elif kind == BlockKind.LINK:
                number = _LINK_NUMBER.match(source, end)
                if number:
                    da = self.display_offset(end)
                    text.stylize(self._style("article--link-marker"), da, da + len(number.group()))

    # ---------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        self._ensure()
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        return self._lines[index].adjust_cell_length(width).apply_style(self.rich_style)
