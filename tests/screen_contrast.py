"""WCAG contrast of what a running Textual app shows, cell by cell (issue 10, defect 1).

The same count as ../shared/tools/contrast.py makes over `tmux capture-pane -e`: every visible
non-space character (box and bar glyphs aside) with its foreground and background, the share
at contrast >= 3:1. ANSI colours count as xterm's palette and the terminal's default colours
as light grey on black, as that tool does.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

from rich.cells import cell_len
from rich.color import Color, ColorSystem, ColorType
from rich.console import Console

IGNORED = "▎▏▌▐│─━┃╭╮╰╯"
DEFAULT_FG, DEFAULT_BG = (229, 229, 229), (0, 0, 0)
_BASE16 = [
    (0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128), (128, 0, 128),
    (0, 128, 128), (192, 192, 192), (128, 128, 128), (255, 0, 0), (0, 255, 0),
    (255, 255, 0), (0, 0, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
]  # fmt: skip

RGB = tuple[int, int, int]


@dataclass
class Cell:
    char: str
    fg: RGB
    bg: RGB


def _rgb(color: Color | None, default: RGB, eight_bit: bool) -> RGB:
    if color is None or color.type == ColorType.DEFAULT:
        return default
    if eight_bit:
        color = color.downgrade(ColorSystem.EIGHT_BIT)
    standard = color.type in (ColorType.STANDARD, ColorType.EIGHT_BIT)
    if standard and color.number is not None and color.number < 16:
        return _BASE16[color.number]
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def _luminance(rgb: RGB) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: RGB, b: RGB) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def screen_cells(app, eight_bit: bool = False) -> list[list[Cell]]:
    """The app's current screen (without the screens under a modal) as rows of cells.

    `eight_bit`: colours as a 256-colour terminal shows them (tmux without truecolor, where
    Textual downgrades every colour to the nearest of xterm's 256).
    """
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", record=True, legacy_windows=False, safe_box=False,
    )  # fmt: skip
    console.print(app.screen._compositor.render_update(full=True, screen_stack=[]))
    rows: list[list[Cell]] = [[]]
    for text, style, control in console._record_buffer:
        if control:
            continue
        fg = _rgb(style.color if style else None, DEFAULT_FG, eight_bit)
        bg = _rgb(style.bgcolor if style else None, DEFAULT_BG, eight_bit)
        if style is not None and style.reverse:
            fg, bg = bg, fg
        for char in text:
            if char == "\n":
                rows.append([])
            else:
                rows[-1].append(Cell(char, fg, bg))
                if cell_len(char) == 2:  # a wide character takes two cells
                    rows[-1].append(Cell(" ", fg, bg))
    return rows


def contrast_share(
    rows: list[list[Cell]], region: tuple[int, int, int, int] | None = None
) -> tuple[float, int, Counter]:
    """Share of visible characters at >= 3:1, their count, and the low pairs by text."""
    x0, y0, w, h = region or (0, 0, 10**6, 10**6)
    good = total = 0
    low: Counter = Counter()
    for y, row in enumerate(rows):
        if not y0 <= y < y0 + h:
            continue
        for x, cell in enumerate(row):
            if not x0 <= x < x0 + w or not cell.char.strip() or cell.char in IGNORED:
                continue
            total += 1
            if ratio(cell.fg, cell.bg) >= 3.0:
                good += 1
            else:
                low[(cell.fg, cell.bg)] += 1
    return good / max(1, total), total, low
