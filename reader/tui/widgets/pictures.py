"""Drawing an article's pictures as lines of the article view, with textual-image loaded late.

textual-image picks kitty graphics, Sixel or half-cell blocks by asking the terminal when its
`textual_image.renderable` package is imported, and that question must be asked before Textual owns
the terminal's input (its reader thread would swallow the answer). Importing it before the first
screen costs start-up for every article without pictures, so instead the method is decided here from
the environment and the `images` setting, and only the one renderer module is loaded, with the first
picture, bypassing the package's detecting `__init__` (a module object stands in for the package).

- `images = "blocks"`, or inside tmux (0.12 cannot pass kitty graphics through tmux): half-cells,
  which work in every truecolour terminal;
- `images = "auto"` in kitty (`TERM=xterm-kitty` or `KITTY_WINDOW_ID`): the kitty graphics protocol
  with Unicode placeholders, which are ordinary cells, so they scroll and clip like text;
- `BYLINE_GRAPHICS=halfcell|kitty` forces one.
Sixel is not drawn: it paints over the screen outside Textual's compositor, which a line-by-line
scrolling view cannot keep in place; Sixel terminals get half-cells.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from reader.core.text.sanitize import clean_line

if TYPE_CHECKING:
    from textual.widget import Widget

    from reader.tui.widgets.article import ArticleContent

METHODS = ("halfcell", "kitty")
MAX_ROWS = 24  # a picture never takes more lines than this: the text stays the point
DEFAULT_CELL = (
    10,
    20,
)  # pixels per cell when the terminal does not say (VT340's, as textual-image)


_LINK_MARKERS = re.compile(
    r"(?:\[\d+\])*"
)  # what may follow a picture on its own line: link numbers


@dataclass
class Placed:
    """What a line holding pictures becomes: itself (or not), then these lines under it."""

    keep_line: bool
    items: list[Text | Strip] = field(default_factory=list)


@dataclass
class PictureSlot:
    """One picture of the open article: fetched (path), failed (error), or still coming (neither)."""

    url: str
    alt: str
    path: Path | None = None
    width: int = 0
    height: int = 0
    error: str | None = None


def graphics_method(setting: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """How pictures are drawn for the `images` setting here; None when they are off."""
    if setting == "off":
        return None
    forced = environ.get("BYLINE_GRAPHICS", "").strip().lower()
    if forced in METHODS:
        return forced
    if setting == "blocks" or environ.get("TMUX"):
        return "halfcell"
    if environ.get("TERM") == "xterm-kitty" or environ.get("KITTY_WINDOW_ID"):
        return "kitty"
    return "halfcell"


def cell_pixels() -> tuple[int, int]:
    """The terminal's cell size in pixels, from the window size ioctl (no escape query: Textual owns
    the input); VT340's 10 x 20 when the terminal does not say (tmux does not)."""
    with contextlib.suppress(Exception):
        import fcntl
        import struct
        import termios

        packed = fcntl.ioctl(sys.__stdout__.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
        rows, cols, xpix, ypix = struct.unpack("HHHH", packed)
        if rows and cols and xpix and ypix:
            return max(1, xpix // cols), max(1, ypix // rows)
    return DEFAULT_CELL


def fit(width_px: int, height_px: int, max_cols: int, cell: tuple[int, int]) -> tuple[int, int]:
    """Columns and rows a picture takes: its own size in cells, at most the pane's width and
    MAX_ROWS high, keeping its shape."""
    cell_w, cell_h = cell
    cols = max(1, min(max_cols, -(-width_px // cell_w)))
    rows = max(1, round(cols * cell_w * height_px / max(1, width_px) / cell_h))
    if rows > MAX_ROWS:
        rows = MAX_ROWS
        cols = max(1, min(max_cols, round(rows * cell_h * width_px / max(1, height_px) / cell_w)))
    return cols, rows


def _renderer(method: str) -> type:
    """textual-image's renderable class for `method`, loaded without its terminal-querying package
    `__init__` (see the module docstring)."""
    import textual_image

    package = "textual_image.renderable"
    if package not in sys.modules:
        stand_in = types.ModuleType(package)
        stand_in.__path__ = [os.path.join(textual_image.__path__[0], "renderable")]
        sys.modules[package] = stand_in
    terminal = importlib.import_module("textual_image._terminal")
    # textual-image asks the terminal for its cell size on first use; answer from the ioctl so
    # it never writes a query while Textual reads the keyboard.
    if not hasattr(terminal.get_cell_size, "_result"):
        terminal.get_cell_size._result = terminal.CellSize(*cell_pixels())
    module = importlib.import_module(f"{package}.{'tgp' if method == 'kitty' else 'halfcell'}")
    return module.Image


class PictureLines:
    """Rendered pictures as Strips, kept per (address, columns): a re-wrap does not redraw them.

    Half-cells are drawn in a thread worker (a 1200x800 photo at 116 columns took ~140 ms on this
    machine, five of them 0.7 s: never on the UI thread); kitty's renderer writes the picture to the
    terminal as it draws, which only the UI thread may do, so it draws in place.
    """

    def __init__(self, method: str) -> None:
        self.method = method
        self._cache: dict[tuple[str, int], list[Strip]] = {}
        self._drawing: set[tuple[str, int]] = set()

    def layout(
        self,
        content: ArticleContent,
        width: int,
        console: Console,
        display_offset: Callable[[int], int],
        styles: tuple[Style, Style],
    ) -> tuple[dict[int, Placed], list[PictureSlot]]:
        """What each line holding a picture becomes, by the display offset of the line's start: the
        picture and its caption in place of an `[image: alt]` line once drawn (a linked picture's
        `[N]` goes into the caption); under the line when the line has other text (an inline
        picture), the line kept; the line and the reason under it when it failed; the line as it is
        while it comes. Also the fetched pictures still to draw at this width."""
        note_style, caption_style = styles
        text = content.rendered.text
        out: dict[int, Placed] = {}
        missing = []
        for picture, slot in zip(content.rendered.pictures, content.pictures, strict=False):
            start = text.rfind("\n", 0, picture.start) + 1
            end = text.find("\n", picture.end)
            end = len(text) if end < 0 else end
            before, after = text[start : picture.start].strip(), text[picture.end : end].strip()
            alone = not before and _LINK_MARKERS.fullmatch(after) is not None
            placed = out.setdefault(display_offset(start), Placed(keep_line=not alone))
            if placed.items:  # two pictures on one line: the line stays, both go under it
                placed.keep_line = True
            drawn = None
            if slot.error is None and slot.path is not None:
                drawn = self._cache.get((slot.url, width))
                if drawn is None and self.method == "kitty":
                    try:
                        drawn = self.strips(slot, width, console)
                    except Exception as err:  # noqa: BLE001 - a file the renderer cannot read
                        slot.error = f"could not be drawn ({type(err).__name__})"
                if drawn is None and slot.error is None:
                    missing.append(slot)
            if slot.error is not None:
                placed.keep_line = True
                placed.items.append(Text(f"  picture not shown: {slot.error}", note_style))
            elif drawn is None:
                placed.keep_line = True  # still coming: the line as it is
            else:
                caption = " ".join(filter(None, [clean_line(slot.alt), after if alone else ""]))
                placed.items += [*drawn, *([Text(caption, caption_style)] if caption else [])]
        return out, missing

    def draw_later(
        self, widget: Widget, slots: list[PictureSlot], width: int, done: Callable[[], None]
    ) -> None:
        """Draw `slots` at `width` in a thread worker of `widget`, then call `done` on the UI thread
        (a picture that cannot be drawn gets its reason instead)."""
        keys = {(slot.url, width) for slot in slots}
        if keys <= self._drawing:
            return
        self._drawing |= keys
        console, app = widget.app.console, widget.app

        def work() -> None:
            try:
                for slot in slots:
                    try:
                        self.strips(slot, width, console)
                    except Exception as err:  # noqa: BLE001 - a file the renderer cannot read
                        slot.error = f"could not be drawn ({type(err).__name__})"
            finally:
                self._drawing -= keys
            with contextlib.suppress(RuntimeError):  # the app closed meanwhile
                app.call_from_thread(done)

        widget.run_worker(work, thread=True, exit_on_error=False, group="draw-pictures")

    def strips(self, slot: PictureSlot, max_cols: int, console: Console) -> list[Strip]:
        """The picture's lines at most `max_cols` wide (raises on a file the renderer cannot read)."""
        key = (slot.url, max_cols)
        found = self._cache.get(key)
        if found is None:
            renderer = _renderer(self.method)
            cols, rows = fit(slot.width, slot.height, max_cols, _cell_size())
            image = renderer(str(slot.path), width=cols, height=rows)
            options = console.options.update(width=cols, height=rows)
            segments = console.render(image, options)
            lines = Segment.split_lines(segments)
            found = [Strip(line).adjust_cell_length(cols) for line in lines][:rows]
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = found
        return found


def _cell_size() -> tuple[int, int]:
    terminal = sys.modules["textual_image._terminal"]
    return tuple(terminal.get_cell_size())
