"""feedparser on a feed already known to be malformed, without its doomed strict pass.

feedparser (feedparser/api.py, `parse`) first runs its strict SAX parser, with a Python
handler for every element and every run of text, and when expat stops at an error it starts
again from the top with its loose parser. On a malformed feed the first pass is pure waste:
on the corpus's three malformed feeds it is 70 ms of their 311 ms (junk after the document
element is found only at the end). When libxml2 has already refused a feed
(fastparse.read_fast), this does what `feedparser.parse` does for bytes, step for step, with
the strict pass replaced by expat alone, configured as xml.sax's expatreader configures it
and with no Python handler on elements or text: the same error at the same place, in C. The
loose pass and everything around it are feedparser's own functions, so the result is
feedparser's (tests/test_parse_parity.py holds the two equal on every malformed feed).

If expat finds no error (libxml2 is stricter on some point), or anything here is not as
expected, it answers None and the caller runs `feedparser.parse` as always.
"""

from __future__ import annotations

from typing import Any


def loose_parse(body: bytes, headers: dict[str, str]) -> Any | None:
    """feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False,
    response_headers=headers) for a body expat cannot parse, or None (then call that)."""
    try:
        from feedparser.api import LooseFeedParser
        from feedparser.encodings import convert_to_utf8
        from feedparser.html import _BaseHTMLProcessor  # noqa: F401 - fails early if moved
        from feedparser.sanitizer import replace_doctype
        from feedparser.urls import make_safe_absolute_uri
        from feedparser.util import FeedParserDict
    except ImportError:
        return None
    if not body:
        return None
    result = FeedParserDict(bozo=False, entries=[], feed=FeedParserDict(), headers={})
    result["headers"].update(headers)
    data = convert_to_utf8(result["headers"], body, result)
    if not result["encoding"]:
        return None  # feedparser skips the strict pass itself here
    result["version"], data, entities = replace_doctype(data)
    error = _expat_error(data)
    if error is None:
        return None
    result["bozo"] = 1
    result["bozo_exception"] = error
    contentloc = result["headers"].get("content-location", "")
    href = result.get("href", "")
    baseuri = make_safe_absolute_uri(href, contentloc) or make_safe_absolute_uri(contentloc) or href
    baselang = result["headers"].get("content-language", None)
    if isinstance(baselang, bytes):
        baselang = baselang.decode("utf-8", "ignore")
    parser = LooseFeedParser(baseuri, baselang, "utf-8", entities)
    parser.resolve_relative_uris = False
    parser.sanitize_html = False
    parser.feed(data.decode("utf-8", "replace"))
    result["feed"] = parser.feeddata
    result["entries"] = parser.entries
    result["version"] = result["version"] or parser.version
    result["namespaces"] = parser.namespaces_in_use
    return result


class _Locator:
    """Where expat stopped, as xml.sax's expatreader reports it."""

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column

    def getColumnNumber(self) -> int:  # noqa: N802 - the SAX Locator interface
        return self.column

    def getLineNumber(self) -> int:  # noqa: N802
        return self.line

    def getPublicId(self) -> None:  # noqa: N802
        return None

    def getSystemId(self) -> None:  # noqa: N802
        return None


def _expat_error(data: bytes) -> Exception | None:
    """The SAXParseException feedparser's strict pass ends with, or None if expat reads it all.

    The parser is made as xml.sax.expatreader.ExpatParser.reset() makes it for feedparser
    (namespaces on, external general entities off): namespace separator " ", prefixes
    reported, the same entity handlers (as no-ops: external entities are not loaded, as with
    feature_external_ges off) and parameter-entity parsing unless standalone."""
    from xml.parsers import expat
    from xml.sax import SAXParseException

    parser = expat.ParserCreate(None, " ")
    parser.namespace_prefixes = 1
    parser.ExternalEntityRefHandler = _external_entity
    parser.SkippedEntityHandler = _ignore
    parser.UnparsedEntityDeclHandler = _ignore
    parser.NotationDeclHandler = _ignore
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_UNLESS_STANDALONE)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        where = _Locator(parser.ErrorLineNumber, parser.ErrorColumnNumber)
        return SAXParseException(expat.ErrorString(err.code), err, where)
    return None


def _external_entity(*_args: object) -> int:
    return 1  # expatreader.external_entity_ref with feature_external_ges off: skip it


def _ignore(*_args: object) -> None:
    return None
