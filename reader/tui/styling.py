"""Rich styles for the line-API widgets (entry list, article), worked out from the theme.

Component classes in styles/byline.tcss name theme variables only. A *partial* Rich style of a
component cannot resolve Textual's `auto` colours ($text, $text-muted) or alpha, which is why
light themes drew white titles on light grey (issue 10, defect 1): these styles are resolved
over the widget's real background instead. A theme whose own pairing is unreadable (gruvbox's
block cursor: cream on sage, 1.9:1) has that colour moved toward black or white until it reads.
"""

from __future__ import annotations

import dataclasses

from rich.color import ColorSystem
from rich.style import Style
from textual.color import Color
from textual.style import Style as VisualStyle
from textual.widget import Widget

MIN_CONTRAST = 3.0  # WCAG's minimum for large text and UI components


def component_style(widget: Widget, *names: str, partial: bool = False) -> Style:
    """The Rich style of `names` (component classes, later ones win) on `widget`.

    `partial`: only what the components set themselves (colour, background, text style), so
    spans can be layered (a quote inside a heading); colours are still worked out over the
    widget's background.
    """
    style = readable_style(widget.get_visual_style(*names)).rich_style
    if not partial:
        return style
    components = [widget.get_component_styles(name) for name in names]
    return Style(
        color=style.color if any(c.has_rule("color") for c in components) else None,
        bgcolor=style.bgcolor if any(c.has_rule("background") for c in components) else None,
    ) + sum((c.text_style for c in components), Style())


def readable_style(visual: VisualStyle) -> VisualStyle:
    """`visual` with its text colour moved until it reads on its background (>= 3:1)."""
    fg, bg = visual.foreground, visual.background
    opaque_rgb = fg is not None and bg is not None and fg.ansi is None and bg.ansi is None
    if opaque_rgb and bg.a == 1 and contrast(bg + fg, bg) < MIN_CONTRAST:
        return dataclasses.replace(visual, foreground=readable(bg + fg, bg))
    return visual


class ReadableStyles:
    """Mixin for widgets Textual draws from component classes (an OptionList's rows): every
    resolved style passes `readable_style`, as the entry list's and article's do."""

    def get_visual_style(self, *component_classes: str, partial: bool = False) -> VisualStyle:
        visual = super().get_visual_style(*component_classes, partial=partial)  # type: ignore[misc]
        return visual if partial else readable_style(visual)


def line_start(widget: Widget, background: Style | None = None) -> Style:
    """The style of a line's first cell (a space): drawn reversed in the background colour, so
    it looks like any blank cell, and the cell after it restates every colour of the line.

    Why: `tmux capture-pane -e` writes only the colours that change from one cell to the next,
    across line ends too; ../shared/tools/contrast.py reads each captured line on its own, so
    a line that starts in the colours the line above ended in was scored as default-coloured
    (dark text on black in light themes). A reverse attribute that ends makes tmux write the
    colours again. ANSI themes keep a plain space (their background is the terminal's own).
    """
    base = background if background is not None else widget.rich_style
    bg = base.bgcolor
    if bg is None or bg.is_default or bg.is_system_defined:
        return base
    return base + Style(color=bg, reverse=True)


def readable(color: Color, background: Color) -> Color:
    """`color` moved toward black or white in steps until it reads on `background`, so a
    quote's green stays green, only darker (or lighter)."""
    target = background.get_contrast_text(1.0)
    for step in range(1, 11):
        candidate = color.blend(target, step / 10)
        if contrast(candidate, background) >= MIN_CONTRAST:
            return candidate
    return target


def contrast(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 to 21), the lower of truecolor's and a
    256-colour terminal's (tmux by default), where each is shown as the nearest xterm colour."""
    return min(_contrast(a, b), _contrast(_eight_bit(a), _eight_bit(b)))


def _eight_bit(color: Color) -> Color:
    return Color.from_rich_color(color.rich_color.downgrade(ColorSystem.EIGHT_BIT))


def _contrast(a: Color, b: Color) -> float:

    def luminance(color: Color) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
