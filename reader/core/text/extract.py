"""Full-text article extraction from an already downloaded web page.

Pure engine code: bytes in, :class:`Extracted` out, no network and no terminal. The
libraries were chosen by measurement, see ``bench/eval_extract.py`` (issue 25):

1. a per-feed CSS selector, when the user gave one and it finds text, wins outright;
2. else trafilatura (``favor_precision``, images off so other stories' thumbnails stay out)
   extracts, and the article's own figures are put back beside their paragraphs;
3. when that result looks wrong by measurable signs (:class:`Signals`: far shorter than the
   page's paragraph text, or missing the feed summary's words), readability-lxml gives a
   second opinion and the candidate that covers more of the page without link lists wins.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, replace
from html import escape, unescape

import charset_normalizer
import lxml.html
import trafilatura
from cssselect import SelectorError
from lxml import etree

__all__ = ["Extracted", "ExtractError", "Signals", "extract_article", "page_byline"]

# Pages bigger than this are not articles; refusing them bounds time and memory even if
# a caller forgets its own download cap.
MAX_BYTES = 16 * 1024 * 1024
# Fewer words than this is "no article". Low on purpose: the corpus holds a real
# 16-word page (`ol`) that a careful extractor keeps.
MIN_WORDS = 10
# A short text that mostly says "enable JavaScript" or "subscribe" is a stub, not an
# article; longer texts may mention these words legitimately.
STUB_MAX_WORDS = 60
# The second opinion (chosen on the dev split of bench/eval_extract.py): asked when the first
# extraction has under SHORT_SHARE of the words in the page's paragraphs, or under
# SUMMARY_SHARE of the feed summary's distinct words (summaries of SUMMARY_MIN_WORDS or more);
# taken when it has over SECOND_MIN_GAIN times the words and no more than SECOND_MAX_PAGE
# times the page's paragraph words (more is menus and footers).
SHORT_SHARE = 0.6
SUMMARY_SHARE = 0.6
SUMMARY_MIN_WORDS = 8
SECOND_MIN_GAIN = 1.2
SECOND_MAX_PAGE = 1.3
# A first result under TINY_WORDS is also checked (pages whose prose is not in <p>, like
# royal-road's divs, give no paragraph count); a tiny one is replaced by a second opinion
# with over TINY_GAIN times its words, without the page bound.
TINY_WORDS = 100
TINY_GAIN = 1.5

# Tuned by bench/eval_extract.py (see the options sweep there; dev split since issue 25):
# favor_precision cuts related-link and teaser blocks (yahoo-2: F1 0.51 -> 0.92),
# comments are not the article, links/images/tables are kept for the rendered view
# (tables are worth 0.035). Images are off in trafilatura: with them on it keeps linked
# thumbnails of other stories and shifts its choice of blocks (dev F1 0.954 -> 0.961 without);
# the article's own figures are put back by `_graft_figures`, beside the paragraph they follow.
# `fast` skips trafilatura's internal fallback comparison: our own second opinion (below) does
# that job only when a result looks wrong; same dev F1 (0.960), median CPU 46 -> 38 ms.
TRAFILATURA_OPTIONS: dict[str, object] = {
    "output_format": "html",
    "with_metadata": True,
    "favor_precision": True,
    "include_comments": False,
    "fast": True,
    "include_links": True,
    "include_images": False,
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
_TAG = re.compile(r"<[^>]*>")
_CHROME = frozenset({"nav", "header", "footer", "aside", "form"})
_ARTICLE_TYPES = ("Article", "BlogPosting", "Report")
_TITLE_METAS = ("dc:title", "dcterm:title", "og:title", "twitter:title", "parsely-title")
_AUTHOR_METAS = (
    "dc:creator", "dcterm:creator", "dc.creator", "author", "article:author", "og:article:author",
    "parsely-author", "sailthru.author",
)  # fmt: skip
_BYLINE_XPATH = (
    '//*[@rel="author"] | //*[@itemprop="author"] | //*[contains(@class, "byline")]'
    ' | //*[contains(@class, "author-name")]'
)
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


def extract_article(
    body: bytes | str, url: str, *, selector: str | None = None, summary: str | None = None
) -> Extracted:
    """Extract the main article of a downloaded page (``url`` only labels it; never fetched).

    ``selector`` is a feed's ``full_text_selector`` (CSS): where it matches text, that text is
    the article. ``summary`` is the feed's own text of the entry: an extraction that misses
    most of its words is suspect and gets a second opinion.

    Raises :class:`ExtractError` for non-HTML input and for pages without article text,
    so callers can tell the user why instead of showing an empty screen.
    """
    markup = _to_html_text(body)
    try:
        tree = trafilatura.load_html(markup)
        if tree is None:
            raise ExtractError("not an HTML page (could not parse it as HTML)")
        title = page_title(tree)  # read first: trafilatura works on a copy, but be sure
        chosen = _by_selector(tree, selector) if selector else None
        result = trafilatura.extract(tree, url=url or None, **TRAFILATURA_OPTIONS)
    except (ValueError, TypeError, etree.LxmlError, RecursionError) as err:
        # The library is robust on most garbage; whatever slips through is still "no article".
        raise ExtractError(f"could not parse the page ({type(err).__name__})") from err
    first = _build(result, tree) if result else None
    if chosen is None:
        chosen = first if first is not None and not _stub_reason(first.text) else None
        signals = Signals.measure(chosen, tree, summary)
        if signals.needs_second_opinion():
            chosen = _better(chosen, _readability(markup, url), signals)
    if chosen is None:
        _reject_stub(first.text if first is not None else "")
        raise ExtractError("no article text found (script-only page?)")
    meta = first or chosen
    return replace(
        chosen,
        title=title or meta.title,
        byline=page_byline(tree) or meta.byline,
        date=chosen.date or meta.date,
    )


@dataclass(frozen=True, slots=True)
class Signals:
    """Measurable signs that the first extraction is wrong, kept apart from I/O so the
    decision is testable: words extracted, words in the page's paragraphs, and the share of
    the feed summary's words that the extraction contains (None without a summary)."""

    words: int
    page_words: int
    summary_share: float | None

    @classmethod
    def measure(
        cls, got: Extracted | None, tree: lxml.html.HtmlElement, summary: str | None
    ) -> Signals:
        words = len(_WORD.findall(got.text)) if got is not None else 0
        share = None
        if summary and got is not None:
            want = set(w.casefold() for w in _WORD.findall(_TAG.sub(" ", unescape(summary))))
            have = set(w.casefold() for w in _WORD.findall(got.text))
            share = len(want & have) / len(want) if len(want) >= SUMMARY_MIN_WORDS else None
        return cls(words, _paragraph_words(tree), share)

    def needs_second_opinion(self) -> bool:
        """Little kept, far less than the page's paragraphs say, or the summary missing."""
        if self.words < TINY_WORDS:
            return True
        if self.page_words and self.words < SHORT_SHARE * self.page_words:
            return True
        return self.summary_share is not None and self.summary_share < SUMMARY_SHARE


def _better(
    first: Extracted | None, second: Extracted | None, signals: Signals
) -> Extracted | None:
    """The second opinion wins only when it holds clearly more text and is not a link list
    nor the whole page (more words than the page's paragraphs plus a margin)."""
    if second is None or _stub_reason(second.text):
        return first
    if first is None:
        return second
    words = len(_WORD.findall(second.text))
    if signals.words < TINY_WORDS:
        return second if words > signals.words * TINY_GAIN else first
    if words <= signals.words * SECOND_MIN_GAIN:
        return first
    if signals.page_words and words > signals.page_words * SECOND_MAX_PAGE:
        return first
    return second


def _readability(markup: str, url: str) -> Extracted | None:
    """readability-lxml's article, as an :class:`Extracted` (no metadata: trafilatura's stays)."""
    from readability import Document  # 0.1-0.3 s to import: paid only when a page needs it

    try:
        html = Document(markup, url=url or None).summary(html_partial=True)
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # noqa: BLE001 - a second opinion that fails is simply not taken
        return None
    return _from_element(root)


def _by_selector(tree: lxml.html.HtmlElement, selector: str) -> Extracted | None:
    """The elements a feed's CSS selector picks, in page order, as the article; None when
    they hold too little text (a redesigned site), so the automatic path takes over."""
    try:
        found = tree.cssselect(selector)
    except (SelectorError, etree.XPathError):
        return None
    if not found:
        return None
    root = lxml.html.Element("div")
    for el in found:
        copy = lxml.html.fromstring(lxml.html.tostring(el))
        for bad in copy.xpath(".//script|.//style|.//noscript|.//template"):
            bad.drop_tree()
        root.append(copy)
    got = _from_element(root)
    return got if got is not None and not _stub_reason(got.text) else None


def _from_element(root: lxml.html.HtmlElement) -> Extracted | None:
    """An extracted fragment as our fields (metadata left to trafilatura and the page)."""
    text = _clean(_block_text(root))
    if not text:
        return None
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    if root.text and root.text.strip():
        html = f"<p>{escape(root.text.strip())}</p>{html}"
    return Extracted(html=_clean(html), text=text, title=None, byline=None, date=None)


def _paragraph_words(tree: lxml.html.HtmlElement) -> int:
    """Words in the page's ``<p>`` elements outside nav/header/footer/aside/form: a cheap
    measure of how much prose the page holds, to tell a truncated extraction."""
    total = 0
    for p in tree.iter("p"):
        if any(a.tag in _CHROME for a in p.iterancestors()):
            continue
        total += len(_WORD.findall(p.text_content()))
    return total


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


def _build(result: str, page: lxml.html.HtmlElement) -> Extracted | None:
    """Split trafilatura's HTML (metadata in ``<head>``) into our fields, figures put back."""
    tree = lxml.html.document_fromstring(result)
    meta = {m.get("name"): m.get("content") for m in tree.iter("meta")}
    body = tree.find("body")
    if body is None:
        return None
    _graft_figures(body, page)
    got = _from_element(body)
    if got is None:
        return None
    return replace(
        got,
        title=_field(meta.get("title")),
        byline=_field(meta.get("author")),
        date=_field(meta.get("date")),
    )


def _graft_figures(body: lxml.html.HtmlElement, page: lxml.html.HtmlElement) -> None:
    """Put the page's ``<figure>`` images (with their captions) back into the article, next to
    the paragraph that precedes them on the page (else before the one that follows); figures
    beside no extracted paragraph belong to something else and stay out."""
    blocks: dict[str, lxml.html.HtmlElement] = {}
    for el in body.iter("p", "h2", "h3", "h4", "blockquote", "li"):
        blocks.setdefault(_norm_text(el.text_content()), el)
    blocks.pop("", None)
    have = _norm_text(body.text_content())
    for fig in page.iter("figure"):
        img = next((i for i in fig.iter("img") if _image_src(i)), None)
        if img is None or any(a.tag in _CHROME for a in fig.iterancestors()):
            continue
        new = _figure_copy(img, fig, have)
        before = fig.xpath("preceding::p[1]")
        anchor = blocks.get(_norm_text(before[0].text_content())) if before else None
        if anchor is not None:
            anchor.addnext(new)
            continue
        after = fig.xpath("following::p[1]")
        anchor = blocks.get(_norm_text(after[0].text_content())) if after else None
        if anchor is not None:
            anchor.addprevious(new)


def _figure_copy(img: lxml.html.HtmlElement, fig: lxml.html.HtmlElement, have: str):
    """A clean ``<figure><img><figcaption>`` (caption left out when the text already has it)."""
    new = lxml.html.Element("figure")
    new.tail = "\n"
    copy = etree.SubElement(new, "img", src=_image_src(img))
    if img.get("alt"):
        copy.set("alt", img.get("alt"))
    cap = next(fig.iter("figcaption"), None)
    text = " ".join(cap.text_content().split()) if cap is not None else ""
    if text and _norm_text(text) not in have:
        etree.SubElement(new, "figcaption").text = text
    return new


def _image_src(img: lxml.html.HtmlElement) -> str:
    """The real address of an image; lazy-loading pages keep it in a data- attribute."""
    for key in ("src", "data-src", "data-lazy-src", "data-original"):
        value = (img.get(key) or "").strip()
        if value and not value.startswith("data:"):
            return value
    return ""


def _norm_text(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


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


def page_byline(tree: lxml.html.HtmlElement) -> str | None:
    """The author the page declares: JSON-LD ``author``, author meta tags, then the text of
    the author element that follows the headline.

    All of these come before trafilatura's guess, which on the corpus named a related story's
    writer (herald-sun-1) or a form label ("Username", wapo-1)."""
    for item in _jsonld_article_items(tree):
        names = _jsonld_names(item.get("author"))
        if names:
            return _field(", ".join(names))
    found = _metas(tree)
    for key in _AUTHOR_METAS:
        value = found.get(key, "")
        if value and not value.startswith(("http://", "https://")):
            return _field(value)
    return _byline_element(tree)


def _byline_element(tree: lxml.html.HtmlElement) -> str | None:
    """The author element nearest after the page's first ``<h1>`` (the headline): related
    stories carry bylines too (salon-1 named a sidebar's writer before this)."""
    found = tree.xpath(_BYLINE_XPATH)
    if not found:
        return None
    h1 = next(tree.iter("h1"), None)
    if h1 is not None:
        order = {el: i for i, el in enumerate(tree.iter())}
        start = order.get(h1, 0)
        found.sort(key=lambda el: (order.get(el, 0) < start, order.get(el, 0)))
    for el in found:
        text = _field(el.text_content())
        if text and len(text) <= 100 and re.search(r"\w\w", text):  # not "J J" initials
            return text
    return None


def _jsonld_names(value: object) -> list[str]:
    """Names from a JSON-LD ``author``: a string, a Person, or a list of them."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip() and not name.startswith("http"):
            names.append(name.strip())
    return names


def _jsonld_article_items(tree: lxml.html.HtmlElement) -> list[dict]:
    """JSON-LD objects whose ``@type`` is Article-like (not a site, a list page or a Person)."""
    out = []
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
                out.append(item)
    return out


def _jsonld_headline(tree: lxml.html.HtmlElement) -> str | None:
    """``headline`` of the first JSON-LD Article-like object (not of a site or a list page)."""
    for item in _jsonld_article_items(tree):
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


def _metas(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """Meta tags by lower-cased name/property (``property`` may list several names)."""
    found: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        content = (meta.get("content") or "").strip()
        names = f"{meta.get('property', '')} {meta.get('name', '')}".lower().split()
        for name in names:
            if content:
                found.setdefault(name, content)
    return found


def _meta_title(tree: lxml.html.HtmlElement) -> str | None:
    """First of the title meta tags, in a fixed order."""
    found = _metas(tree)
    return next((found[k] for k in _TITLE_METAS if k in found), None)


def _trim_site_name(title: str | None) -> str | None:
    """ "Headline | Section | Site" -> "Headline": the longest part, if it is a real phrase."""
    if not title:
        return None
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title)]
    longest = max(parts, key=len)
    return longest if len(longest.split()) >= 3 else title


def _stub_reason(text: str) -> str | None:
    """Why a result is no article (near-empty, a JavaScript or paywall notice), or None."""
    words = len(_WORD.findall(text))
    if words < MIN_WORDS:
        return "no article text found (script-only page?)"
    if words <= STUB_MAX_WORDS and _JS_STUB.search(text):
        return "no article text found (page needs JavaScript)"
    if words <= STUB_MAX_WORDS and _PAYWALL_STUB.search(text):
        return "no article text found (paywall or sign-in stub)"
    return None


def _reject_stub(text: str) -> None:
    """Turn near-empty results and JavaScript/paywall notices into a reason for the user."""
    reason = _stub_reason(text)
    if reason:
        raise ExtractError(reason)


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
