"""Full-text article extraction from an already downloaded web page.

Pure engine code: bytes in, :class:`Extracted` out, no network and no terminal. The
library (trafilatura) was chosen by measurement, see ``bench/eval_extract.py``.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, replace

import charset_normalizer
import lxml.html
import trafilatura
from lxml import etree

__all__ = ["Extracted", "ExtractError", "extract_article"]

# Pages bigger than this are not articles; refusing them bounds time and memory even if
# a caller forgets its own download cap.
MAX_BYTES = 16 * 1024 * 1024
# Fewer words than this is "no article". Low on purpose: the corpus holds a real
# 16-word page (`ol`) that a careful extractor keeps.
MIN_WORDS = 10
# A short text that mostly says "enable JavaScript" or "subscribe" is a stub, not an
# article; longer texts may mention these words legitimately.
STUB_MAX_WORDS = 60

# Tuned on the corpus by bench/eval_extract.py (see the options sweep there):
# favor_precision cuts related-link and teaser blocks (yahoo-2: F1 0.51 -> 0.92),
# comments are not the article, links/images/tables are kept for the rendered view
# (images cost 0.005 mean F1: salon-1 keeps a photo-credit block; tables are worth 0.035).
TRAFILATURA_OPTIONS: dict[str, object] = {
    "output_format": "html",
    "with_metadata": True,
    "favor_precision": True,
    "include_comments": False,
    "include_links": True,
    "include_images": True,
    "include_tables": True,
    "include_formatting": True,
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WORD = re.compile(r"\w+")
_HAS_TAG = re.compile(r"<\s*(?:!doctype|html|head|body|meta|title|div|p|article|main)\b", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_JS_STUB = re.compile(r"javascript|enable js|browser (?:is )?not supported", re.I)
_PAYWALL_STUB = re.compile(
    r"subscribe|subscription|subscriber|sign in to (?:read|continue)|log in to (?:read|continue)",
    re.I,
)
_ARTICLE_TYPES = ("Article", "BlogPosting", "Report")
_TITLE_METAS = ("dc:title", "dcterm:title", "og:title", "twitter:title", "parsely-title")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-\u2013\u2014\u00b7\u00bb/\\]\s+")
# fmt: off
_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre",
    "table", "tr", "td", "th", "br", "hr", "figure", "figcaption", "section", "article",
    "dl", "dt", "dd",
})
# fmt: on


@dataclass(frozen=True, slots=True)
class Extracted:
    """The readable part of a page, ready for html2text (``html``) or for search (``text``)."""

    html: str
    text: str
    title: str | None
    byline: str | None
    date: str | None


class ExtractError(Exception):
    """The page holds no article; ``str(err)`` is a reason fit to show the user."""


def extract_article(body: bytes | str, url: str) -> Extracted:
    """Extract the main article of a downloaded page (``url`` only labels it; never fetched).

    Raises :class:`ExtractError` for non-HTML input and for pages without article text,
    so callers can tell the user why instead of showing an empty screen.
    """
    markup = _to_html_text(body)
    try:
        tree = trafilatura.load_html(markup)
        if tree is None:
            raise ExtractError("not an HTML page (could not parse it as HTML)")
        title = page_title(tree)  # read first: trafilatura works on a copy, but be sure
        result = trafilatura.extract(tree, url=url or None, **TRAFILATURA_OPTIONS)
    except (ValueError, TypeError, etree.LxmlError, RecursionError) as err:
        # The library is robust on most garbage; whatever slips through is still "no article".
        raise ExtractError(f"could not parse the page ({type(err).__name__})") from err
    if not result:
        raise ExtractError("no article text found (script-only page?)")
    extracted = _build(result)
    return replace(extracted, title=title or extracted.title)


def _to_html_text(body: bytes | str) -> str:
    """Refuse what is plainly not HTML, then decode: lxml needs ``str`` without an XML decl."""
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else bytes(body)
    if not raw.strip():
        raise ExtractError("empty page")
    if len(raw) > MAX_BYTES:
        raise ExtractError(f"page too large ({len(raw) // 1024 // 1024} MB)")
    _reject_non_html(raw)
    text = body if isinstance(body, str) else _decode(raw)
    if not _HAS_TAG.search(text[:65536]):
        raise ExtractError("not an HTML page (no HTML tags found)")
    return _XML_DECL.sub("", text, count=1)


def _reject_non_html(raw: bytes) -> None:
    """Name the common wrong payloads (PDF, JSON, images) so the user sees why."""
    head = raw[:1024].lstrip()
    if head.startswith(b"%PDF"):
        raise ExtractError("not an HTML page (PDF document)")
    if head[:1] in (b"{", b"["):
        raise ExtractError("not an HTML page (looks like JSON)")
    if b"\x00" in raw[:4096] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ExtractError("not an HTML page (binary data)")


def _decode(raw: bytes) -> str:
    """Decode like a browser without headers: BOM, then meta charset, then UTF-8, then a guess.

    trafilatura's own guess ignores ``<meta charset>`` and misreads short cp1251 pages.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(codec, "replace")
    declared = _declared_charset(raw)
    if declared:
        return raw.decode(declared, "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode(_guess_charset(raw), "replace")


def _guess_charset(raw: bytes) -> str:
    """Undeclared and not UTF-8: let charset_normalizer (a trafilatura dependency) guess
    from a sample, so a cp1251 page is not read as cp1252 mojibake."""
    best = charset_normalizer.from_bytes(raw[:65536]).best()
    return best.encoding if best is not None else "cp1252"


def _declared_charset(raw: bytes) -> str | None:
    """The ``<meta>`` charset if Python knows it; UTF-16 declared in ASCII markup is a lie."""
    match = _META_CHARSET.search(raw[:8192])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"
    # Browsers read "latin-1"/"iso-8859-1" as windows-1252 (WHATWG encoding standard).
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _build(result: str) -> Extracted:
    """Split trafilatura's HTML (metadata in ``<head>``) into our fields and check the size."""
    tree = lxml.html.document_fromstring(result)
    meta = {m.get("name"): m.get("content") for m in tree.iter("meta")}
    body = tree.find("body")
    if body is None:
        raise ExtractError("no article text found (script-only page?)")
    text = _clean(_block_text(body))
    _reject_stub(text)
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in body)
    return Extracted(
        html=_clean(html),
        text=text,
        title=_field(meta.get("title")),
        byline=_field(meta.get("author")),
        date=_field(meta.get("date")),
    )


def page_title(tree: lxml.html.HtmlElement) -> str | None:
    """The title the publisher declares, else the ``<title>`` without the site name.

    trafilatura falls back to a lone ``<h1>`` before ``<title>``; on real pages that h1 is
    often the site or section name ("Allergies Health Center"), which cost it 7 of 32
    corpus titles. Order: schema.org Article headline, then meta tags, then ``<title>``.
    """
    declared = _jsonld_headline(tree) or _meta_title(tree)
    if declared:
        return _field(declared)
    node = tree.find(".//title")
    return _trim_site_name(_field(node.text_content()) if node is not None else None)


def _jsonld_headline(tree: lxml.html.HtmlElement) -> str | None:
    """``headline`` of the first JSON-LD Article-like object (not of a site or a list page)."""
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip().removeprefix("<![CDATA[").removesuffix("]]>")
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for item in _jsonld_items(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith(_ARTICLE_TYPES) for k in kinds):
                headline = item.get("headline")
                if isinstance(headline, str) and headline.strip():
                    return headline
    return None


def _jsonld_items(data: object) -> list[dict]:
    """Top-level objects of a JSON-LD block: a dict, a list of them, or an ``@graph``."""
    items = data if isinstance(data, list) else [data]
    items = [i for i in items if isinstance(i, dict)]
    graph = [g for i in items for g in i.get("@graph", []) if isinstance(g, dict)]
    return items + graph


def _meta_title(tree: lxml.html.HtmlElement) -> str | None:
    """First of the title meta tags, in a fixed order; ``property`` may list several names."""
    found: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        content = (meta.get("content") or "").strip()
        names = f"{meta.get('property', '')} {meta.get('name', '')}".lower().split()
        for name in names:
            if content:
                found.setdefault(name, content)
    return next((found[k] for k in _TITLE_METAS if k in found), None)


def _trim_site_name(title: str | None) -> str | None:
    """ "Headline | Section | Site" -> "Headline": the longest part, if it is a real phrase."""
    if not title:
        return None
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title)]
    longest = max(parts, key=len)
    return longest if len(longest.split()) >= 3 else title


def _reject_stub(text: str) -> None:
    """Turn near-empty results and JavaScript/paywall notices into a reason for the user."""
    words = len(_WORD.findall(text))
    if words < MIN_WORDS:
        raise ExtractError("no article text found (script-only page?)")
    if words <= STUB_MAX_WORDS and _JS_STUB.search(text):
        raise ExtractError("no article text found (page needs JavaScript)")
    if words <= STUB_MAX_WORDS and _PAYWALL_STUB.search(text):
        raise ExtractError("no article text found (paywall or sign-in stub)")


def _block_text(root: lxml.html.HtmlElement) -> str:
    """Plain text with a line break between blocks, so words of adjacent paragraphs never merge."""
    parts: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            parts.append(el.text or "")
        else:
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if el is not root:
                parts.append(el.tail or "")
    lines = (" ".join(line.split()) for line in "".join(parts).splitlines())
    return "\n".join(line for line in lines if line)


def _clean(value: str) -> str:
    """House rule: no control character from a page may reach the terminal."""
    return _CONTROL.sub("", value)


def _field(value: str | None) -> str | None:
    """Metadata value cleaned and collapsed; empty means unknown."""
    if not value:
        return None
    return " ".join(_clean(value).split()) or None
