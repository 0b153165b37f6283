"""The structure of a rendered article: which character ranges are headings, captions, code.

The renderer knows the structure of the HTML it turns into text; the quote finder needs it to
tell a heading or a code string from body prose, and the article view to style it. This module
is the one shared vocabulary between them, so neither has to guess from Markdown syntax.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class BlockKind(StrEnum):
    """What a range of rendered text is."""

    HEADING = "heading"
    CODE = "code"  # a code block or inline code
    CAPTION = "caption"  # an image's alt text or a figure caption
    LIST_ITEM = "list_item"
    BLOCKQUOTE = "blockquote"
    TABLE = "table"
    EMPHASIS = "emphasis"
    STRONG = "strong"
    LINK = "link"  # the text of a hyperlink
    IMAGE = "image"  # the `[image: alt]` line of a picture that has an address (Rendered.pictures)


class Block(NamedTuple):
    """`text[start:end]` is a `kind` (end exclusive); blocks may nest (a link in a list item)."""

    start: int
    end: int
    kind: BlockKind
