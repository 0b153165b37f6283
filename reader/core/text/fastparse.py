"""The fast path: well-formed UTF-8 RSS 2.0, RSS 1.0 and Atom 1.0 read with lxml (libxml2, C).

feedparser spends most of a parse in Python callbacks, one per line of text (500,000 on the 40
corpus feeds). Here libxml2 builds the tree and Python visits each *element* once, replaying
what feedparser's own handlers (feedparser/mixin.py, namespaces/_base.py) do with it: the same
element-name mapping, the same title/summary/content/link/author/date rules, the same text
clean-up (strip, URI resolution, the latin-1/UTF-8 repair, cp1252 code points) and the same
date parser. The result is a list of FeedParserDicts that `parse._xml_entry` turns into
entries exactly as it does feedparser's own.

Whatever this reader has not modelled, it declines (returns None) and feedparser parses the
feed: XML that is not well-formed (libxml2 refuses it), entities XML does not define, any
DOCTYPE, an encoding that is not UTF-8 by feedparser's own rules (RFC 3023, header over
declaration), formats other than RSS 0.9x/2.0, RSS 1.0 and Atom 1.0, inline markup inside a
text element, xhtml or base64 content, and any element feedparser handles that could touch an
entry's fields in a way not replayed here. tests/test_parse_parity.py holds both paths to the
same entries on every corpus and generated feed.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.encodings import parse_content_type
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from feedparser.util import FeedParserDict
from lxml import etree

_MATCH_NS = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
_HANDLED = {
    n.split("_", 2)[2]
    for n in dir(_FeedParserMixin)
    if n.startswith(("_start_", "_end_")) and n.count("_") >= 2
}
_looks_like_html = _FeedParserMixin.looks_like_html
_C1 = re.compile("[\x80-\x9f]")
_QUERY_ENTITY = re.compile("&([A-Za-z0-9_]+);")
_RELATIVE = _FeedParserMixin.can_be_relative_uri
_HTML_TYPES = _FeedParserMixin.html_types
_UTF8 = {"utf-8", "utf8", "utf_8", "u8", "utf"}
_XML_PI_ENCODING = re.compile(rb"""^<\?.*encoding=['"](.*?)['"].*\?>""")
_ATOM_NS = "http://www.w3.org/2005/Atom"
_RSS10_NS = "http://purl.org/rss/1.0/"
_RSS090_NS = "http://my.netscape.com/rdf/simple/0.9/"
_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_VERSION_NS = {_ATOM_NS.lower(), _RSS10_NS, _RSS090_NS}
_RSS_VERSIONS = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}

# Elements whose feedparser handlers store only keys Byline never reads (tags, media and
# iTunes extras, rights, subtitles, ...): their text and children change nothing here.
_HARMLESS = {
    "category", "keywords", "dc_subject", "media_category", "itunes_category",
    "media_content", "media_thumbnail", "media_group", "media_credit", "media_rating",
    "media_restriction", "media_license", "media_player", "itunes_image", "itunes_link",
    "itunes_block", "itunes_explicit", "language", "dc_language", "rights", "copyright",
    "dc_rights", "subtitle", "tagline", "itunes_subtitle", "info", "generator", "cloud",
    "webmaster", "dc_publisher", "created", "dcterms_created", "expirationdate", "width",
    "height", "newlocation", "rss",
}  # fmt: skip
# Lists of words feedparser splits into tags (itunes:keywords, media:keywords, <tags>) and
# dcterms:valid's dates: nothing Byline reads.
_SPLIT_LISTS = {"itunes_keywords", "media_keywords", "tags", "dcterms_valid"}
# Handlers that push their text with push_content (children are inline markup to them).
_CONTENTISH = {"rights", "copyright", "dc_rights", "subtitle", "tagline", "itunes_subtitle", "info"}
# Keys Byline reads from an entry or the feed: an unknown element of that name would
# overwrite one of them.
_READ_KEYS = {
    "title", "link", "links", "id", "summary", "summary_detail", "content", "author",
    "authors", "author_detail", "published_parsed", "updated_parsed", "date_parsed",
    "modified_parsed", "issued_parsed", "image", "textinput", "guidislink", "source",
    "description_detail",
}  # fmt: skip
_LEAVES = {
    "name", "email", "url", "homepage", "uri", "published", "pubdate", "issued",
    "dcterms_issued", "updated", "modified", "lastbuilddate", "dc_date", "dcterms_modified",
    "itunes_duration",
}  # fmt: skip
_TYPED = {"description", "summary", "content"}
_AUTHOR_PARTS = {"name", "email", "uri", "url", "homepage"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


class Declined(Exception):
    """The fast path does not model this feed; feedparser reads it."""


def utf8_by_feedparser_rules(body: bytes, content_type: str, url: str) -> bytes | None:
    """The body without a UTF-8 BOM when feedparser's RFC 3023 rules (feedparser/encodings.py)
    pick UTF-8 for it, else None (another charset, or a guess: feedparser's business)."""
    data = body[3:] if body[:3] == b"\xef\xbb\xbf" else body
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[:4] in (b"\x00\x00\xfe\xff", b"<\x00?\x00"):
        return None
    if data[:4] in (b"\x00<\x00?", b"\x00\x00\x00<", b"<\x00\x00\x00", b"\x4c\x6f\xa7\x94"):
        return None
    match = _XML_PI_ENCODING.match(data)
    xml_encoding = match.group(1).decode("utf-8", "replace").lower() if match else ""
    mime, http_encoding = parse_content_type(content_type) if content_type else ("", "")
    if mime in (
        "application/xml",
        "application/xml-dtd",
        "application/xml-external-parsed-entity",
    ) or (mime.startswith("application/") and mime.endswith("+xml")):
        chosen = http_encoding or xml_encoding or "utf-8"
    elif mime.startswith("text/"):
        chosen = http_encoding or "us-ascii"
    elif url and not content_type:  # headers, but no Content-Type in them
        chosen = xml_encoding or "iso-8859-1"
    else:
        chosen = xml_encoding or "utf-8"
    # feedparser decodes with `chosen` and hands its parser UTF-8 (told 'utf-8' whatever the
    # charset): the fast path takes only what feedparser decodes as UTF-8 at the first try.
    try:
        return data if codecs.lookup(chosen).name == "utf-8" else None
    except LookupError:
        return None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
        strip_cdata=True,
    )


def parse_fast(body: bytes, url: str = "", content_type: str = "") -> tuple[Any, Any] | None:
    """(feed FeedParserDict, entry FeedParserDicts) as feedparser would make them, or None
    when this reader declines the feed."""
    replayed, _ = read_fast(body, url, content_type)
    return replayed


def read_fast(body: bytes, url: str = "", content_type: str = "") -> tuple[Any, bool]:
    """`parse_fast`'s answer, and whether libxml2 found the UTF-8 XML not well-formed (then
    feedparser's strict pass is bound to fail: malformed.py checks that with expat and runs
    only its loose one)."""
    data = utf8_by_feedparser_rules(body, content_type, url)
    if data is None:
        return None, False
    first = re.search(rb"<\w", data)
    head = data[: first.start()] if first else data
    if b"<!" in head.replace(b"<!--", b""):  # DOCTYPE, ENTITY, anything declared
        return None, False
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError:
        return None, True
    except ValueError:
        return None, False
    # lxml builds each element's nsmap by walking up the tree: when every declaration is on
    # the root (the usual feed), the walk tracks them once.
    root_tag = re.match(rb"<[^>]*>", data[first.start() :]) if first else None
    only_root = bool(root_tag) and data.count(b"xmlns") == root_tag.group().count(b"xmlns")
    try:
        return _Replay(url).run(root, only_root), False
    except (Declined, RecursionError):
        return None, False


def _version(root: etree._Element) -> str:
    tag = root.tag
    if not isinstance(tag, str):
        raise Declined
    declared = {uri.lower() for uri in root.nsmap.values() if uri} & _VERSION_NS
    if tag == "rss":
        if None in root.nsmap:
            raise Declined  # an RSS root in a default namespace: not a shape modelled here
        attr = root.get("version", "")
        return _RSS_VERSIONS.get(attr) or ("rss20" if attr.startswith("2.") else "rss")
    if tag == f"{{{_ATOM_NS}}}feed" and declared == {_ATOM_NS.lower()}:
        return "atom10"
    if tag == f"{{{_RDF_NS}}}RDF" and declared == {_RSS10_NS}:
        return "rss10"
    raise Declined  # Atom 0.3, RSS 0.90, CDF, anything else


class _Replay:
    """feedparser's state machine (mixin.py) for the elements that shape what Byline reads,
    driven by an lxml tree: one step per element instead of one per line of text."""

    def __init__(self, url: str) -> None:
        self.baseuri = make_safe_absolute_uri("", url) or make_safe_absolute_uri(url) or ""
        self.basestack: list[str] = []
        self.feeddata: dict = {}
        self.entries: list[dict] = []
        self.sourcedata: dict = {}
        self.version = ""
        self.namespacemap: dict[str | None, str] = {}
        self.namespaces_in_use: dict[str, str] = {}
        self.depth = 0
        self.infeed = self.inentry = self.insource = self.inimage = self.intextinput = 0
        self.inauthor = self.incontributor = self.inpublisher = 0
        self._link_pushed = False
        self.incontent = 0
        self.title_depth = -1
        self.has_content = 0
        self.summary_key: str | None = None
        self.guidislink = 0
        self.contentparams: dict = {}
        self.depth_map: dict[int, dict[str, int]] = {}
        self._joins: dict[tuple[str, str], str] = {}
        self._names: dict[str, tuple[str, bool, bool]] = {}

    # ------------------------------------------------------------ driving

    def run(self, root: etree._Element, only_root_declares: bool) -> tuple[Any, Any]:
        self.version = _version(root)
        if only_root_declares:
            self._track(root, {})
            self._element(root, None)
        else:
            self._element(root, {})
        # Plain dicts while replaying (every key set here means the same to FeedParserDict);
        # entries as FeedParserDicts for what `_xml_entry` asks of them ("enclosures").
        return self.feeddata, [FeedParserDict(e) for e in self.entries]

    def _track(self, el: etree._Element, parent_nsmap: dict) -> dict:
        """startPrefixMapping for the declarations `el` adds to its parent's."""
        nsmap = el.nsmap
        if nsmap != parent_nsmap:
            for prefix, uri in nsmap.items():
                if not uri or parent_nsmap.get(prefix) == uri:
                    continue
                lower = uri.lower()
                if "backend.userland.com/rss" in lower:
                    uri = lower = "http://backend.userland.com/rss"
                if lower in _MATCH_NS:
                    self.namespacemap[prefix] = _MATCH_NS[lower]
                    self.namespaces_in_use[_MATCH_NS[lower]] = uri
                else:
                    self.namespaces_in_use[prefix or ""] = uri
                self._names.clear()
        return nsmap

    def _name(self, tag: str) -> tuple[str, bool, bool]:
        """The handler name feedparser derives from a tag (StrictFeedParser.startElementNS,
        then unknown_starttag), and whether the element ends a textinput / an image."""
        known = self._names.get(tag)
        if known is not None:
            return known
        if tag[0] == "{":
            ns, local = tag[1:].split("}", 1)
            lower = ns.lower()
            if "backend.userland.com/rss" in lower:
                ns = lower = "http://backend.userland.com/rss"
            prefix = _MATCH_NS.get(lower)
            if prefix is None:
                prefix = ""
                for name, value in self.namespaces_in_use.items():
                    if name and value == ns:
                        prefix = name
                        break
        else:
            prefix, local = "", tag
        local = local.lower()
        if prefix:
            prefix = prefix.lower()
            prefix = self.namespacemap.get(prefix, prefix)
        ends_textinput = not prefix and local not in ("title", "link", "description", "name")
        ends_image = not prefix and local not in (
            "title", "link", "description", "url", "href", "width", "height",
        )  # fmt: skip
        known = (f"{prefix}_{local}" if prefix else local, ends_textinput, ends_image)
        self._names[tag] = known
        return known

    @staticmethod
    def _attrs(items: list[tuple[str, str]]) -> dict[str, str]:
        """The attributes as StrictFeedParser.startElementNS and _normalize_attributes
        leave them: known namespaces as prefixes, then every local name on its own."""
        attrs: dict[str, str] = {}
        for key, value in items:
            if key[0] == "{":
                ns, local = key[1:].split("}", 1)
                prefix = _MATCH_NS.get(ns.lower(), "")
                key = f"{prefix}:{local}" if prefix else local
            attrs[key.lower()] = value
        for key, value in items:
            if key[0] == "{":
                key = key.split("}", 1)[1]
            attrs[key.lower()] = value
        for k in ("rel", "type"):
            if k in attrs:
                attrs[k] = attrs[k].lower()
        return attrs

    def _element(self, el: etree._Element, parent_nsmap: dict | None) -> None:
        # parent_nsmap None: every namespace was declared on the root, nothing to track.
        nsmap = None if parent_nsmap is None else self._track(el, parent_nsmap)
        self.depth += 1
        base = self.baseuri
        items = el.items()
        if items:
            attrs = self._attrs(items)
            given = attrs.get("xml:base", attrs.get("base")) or base
        else:
            attrs = {}
            given = base
        # xml:base, exactly as unknown_starttag tracks it (memoised: the same pair again
        # and again)
        key = (base, given)
        joined = self._joins.get(key)
        if joined is None:
            joined = (make_safe_absolute_uri(base, given) or base) if base else _urljoin("", given)
            self._joins[key] = joined
        self.baseuri = joined
        basestack = self.basestack
        basestack.append(joined)

        tag = el.tag
        known = self._names.get(tag) or self._name(tag)
        name = known[0]
        if known[1]:
            self.intextinput = 0
        if known[2]:
            self.inimage = 0
        if self._start(name, el, attrs):
            for child in el:
                if child.tag.__class__ is str:
                    self._element(child, nsmap)
        self._end(name, el)

        basestack.pop()
        if basestack and basestack[-1]:
            self.baseuri = basestack[-1]
        self.depth -= 1

    # ------------------------------------------------------------ text as pop() leaves it

    def _text(self, el: etree._Element) -> str:
        if len(el):
            raise Declined  # inline markup: feedparser re-serialises it
        return el.text or ""

    def _finish(self, element: str, output: str) -> str:
        """mixin.pop() from the strip to the cp1252 mapping, for an element expecting text."""
        output = output.strip()
        if element in _RELATIVE and output and (element != "id" or self.guidislink):
            output = _urljoin(self.baseuri or "", output)
        if (
            element in _TYPED  # the type is kept (summary_detail, content) only for these
            and not self.version.startswith("atom")
            and self.contentparams.get("type") == "text/plain"
            and _looks_like_html(output)
        ):
            self.contentparams["type"] = "text/html"
        self.contentparams.pop("mode", None)
        self.contentparams.pop("base64", None)
        if not output.isascii():
            with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
                output = output.encode("iso-8859-1").decode("utf-8")
            if _C1.search(output):
                output = output.translate(_cp1252)
        return output

    def _context(self) -> dict:
        if self.insource:
            return self.sourcedata
        if self.inimage and "image" in self.feeddata:
            return self.feeddata["image"]
        if self.intextinput:
            return self.feeddata["textinput"]
        if self.inentry:
            return self.entries[-1]
        return self.feeddata

    def _store(self, element: str, output: str) -> None:
        """The storing half of mixin.pop()."""
        if element == "title" and -1 < self.title_depth <= self.depth:
            return
        if self.inentry and not self.insource:
            entry = self.entries[-1]
            if element == "content":
                params = dict(self.contentparams)
                params["value"] = output
                entry.setdefault("content", []).append(params)
            elif element == "link":
                if not self.inimage:
                    output = _QUERY_ENTITY.sub(r"&\g<1>", output.replace("&amp;", "&"))
                    entry["link"] = output
                    if output:
                        entry["links"][-1]["href"] = output
            else:
                if element == "description":
                    element = "summary"
                depths = self.depth_map.setdefault(id(entry), {})
                old = depths.get(element)
                if old is None or self.depth <= old:
                    depths[element] = self.depth
                    entry[element] = output
                if self.incontent:
                    params = dict(self.contentparams)
                    params["value"] = output
                    entry[element + "_detail"] = params
        elif self.infeed or self.insource:
            context = self._context()
            if element == "description":
                element = "subtitle"
            context[element] = output
            if element == "link":
                output = _QUERY_ENTITY.sub(r"&\g<1>", output)
                context[element] = output
                context["links"][-1]["href"] = output
            elif self.incontent:
                params = dict(self.contentparams)
                params["value"] = output
                context[element + "_detail"] = params

    def _pop(self, element: str, el: etree._Element, expecting: int = 1) -> str:
        output = self._text(el)
        if not expecting:
            return output.strip()
        output = self._finish(element, output)
        self._store(element, output)
        return output

    def _push_content(self, attrs: dict, default_type: str) -> None:
        self.incontent += 1
        ctype = attrs.get("type", default_type).lower()
        ctype = {"text": "text/plain", "plain": "text/plain", "html": "text/html"}.get(ctype, ctype)
        if ctype not in ("text/plain", "text/html") or attrs.get("mode") or attrs.get("src"):
            raise Declined  # xhtml (re-serialised), base64, out-of-line content
        self.contentparams = {"type": ctype, "language": None, "base": self.baseuri}

    def _pop_content(self, element: str, el: etree._Element, expecting: int = 1) -> str:
        value = self._pop(element, el, expecting)
        self.incontent -= 1
        self.contentparams = {}
        return value

    # ------------------------------------------------------------ handlers

    def _start(self, name: str, el: etree._Element, attrs: dict) -> bool:
        """Replays `_start_<name>`; returns whether the children are elements to visit."""
        if self.incontent:
            raise Declined
        if name in ("channel", "feed"):
            if "href" in attrs or "lastmod" in attrs:
                raise Declined  # CDF
            self.infeed = 1
        elif name in ("item", "entry"):
            if self.inentry or self.insource or self.inimage or self.intextinput:
                raise Declined
            if "href" in attrs or "lastmod" in attrs:
                raise Declined
            self.entries.append({})
            self.inentry = 1
            self.guidislink = 0
            self.title_depth = -1
            about = attrs.get("rdf:about")
            if about:
                self.entries[-1]["id"] = about
        elif name in ("title", "dc_title", "media_title"):
            self._push_content(attrs, "text/plain")
            return False
        elif name == "link":
            attrs.setdefault("rel", "alternate")
            if attrs["rel"] == "self":
                attrs.setdefault("type", "application/atom+xml")
            else:
                attrs.setdefault("type", "text/html")
            context = self._context()
            attrs = _enforce_href(attrs)
            if "href" in attrs:
                attrs["href"] = _urljoin(self.baseuri or "", attrs["href"])
            context.setdefault("links", [])
            if not (self.inentry and self.inimage):
                context["links"].append(attrs)
            if "href" in attrs:
                if attrs.get("rel") == "alternate" and attrs.get("type") in _HTML_TYPES:
                    context["link"] = attrs["href"]
                self._link_pushed = False
                return True  # no push: its text (if any) goes nowhere we read
            if not (self.infeed or self.inentry or self.insource):
                raise Declined
            self._link_pushed = True
            return False
        elif name in ("guid", "id"):
            self.guidislink = attrs.get("ispermalink", "true") == "true"
            return False
        elif name in ("description", "dc_description", "media_description"):
            if "summary" in self._context() and not self.has_content:
                self.summary_key = "content"
                self._start_content(attrs)
            else:
                if not (self.infeed or self.inentry or self.insource):
                    raise Declined
                self._push_content(attrs, "text/html")
            return False
        elif name in ("summary", "itunes_summary"):
            if "summary" in self._context() and not self.has_content:
                self.summary_key = "content"
                self._start_content(attrs)
            else:
                self.summary_key = "summary"
                self._push_content(attrs, "text/plain")
            return False
        elif name == "content":
            self._start_content(attrs)
            return False
        elif name == "content_encoded":
            self.has_content = 1
            self._push_content(attrs, "text/html")
            return False
        elif name in ("author", "managingeditor", "dc_author", "dc_creator", "itunes_author"):
            if self.inauthor or self.incontributor:
                raise Declined
            if len(el):
                text = (el.text or "") + "".join(c.tail or "" for c in el)
                if text.strip() or any(
                    not isinstance(c.tag, str)
                    or len(c)
                    or (_local(c.tag) not in _AUTHOR_PARTS and (c.text or "").strip())
                    for c in el
                ):
                    raise Declined  # text beside the parts, or parts feedparser nests oddly
            self.inauthor = 1
            self._context().setdefault("authors", []).append({})
            return True
        elif name in _LEAVES:
            return False
        elif name == "enclosure":
            attrs = _enforce_href(attrs)
            attrs["rel"] = "enclosure"
            self._context().setdefault("links", []).append(attrs)
            return True
        elif name == "source":
            if self.inentry == 0 or self.insource:
                raise Declined
            if "url" in attrs:
                self.sourcedata["href"] = attrs["url"]
            self.insource = 1
            self.title_depth = -1
            text = (el.text or "") + "".join(c.tail or "" for c in el)
            if len(el) and text.strip():
                raise Declined
            return True
        elif name in ("image", "textinput"):
            if self.inentry:
                raise Declined
            context = self._context()
            if name == "image":
                context.setdefault("image", {})
                self.inimage = 1
            else:
                context.setdefault("textinput", {})
                self.intextinput = 1
            self.title_depth = -1
            return True
        elif name in ("contributor", "dc_contributor"):
            if self.inauthor:
                raise Declined
            self.incontributor = 1
            return name == "contributor"
        elif name in _CONTENTISH:
            if len(el) and attrs.get("type") != "xhtml":
                raise Declined  # feedparser's depth counter slips on a <div> in there
            return False
        elif name == "itunes_owner":
            if self.inentry or self.inpublisher:
                raise Declined
            self.inpublisher = 1
            return True
        elif name in _HARMLESS:
            if name in ("media_thumbnail", "media_credit", "media_rating", "media_restriction",
                        "media_license") and len(el):  # fmt: skip
                raise Declined
            return True
        elif name in _SPLIT_LISTS:
            # feedparser pops these and splits the text (tags only); with attributes or
            # children nothing was pushed, the pop gives None and feedparser raises.
            if el.items() or len(el):
                raise Declined
            return False
        elif name in _HANDLED:
            raise Declined  # a handler this replay does not model
        else:
            # no handler: feedparser stores it under its own name (or its attributes)
            if name in _READ_KEYS:
                raise Declined
            return True
        return True

    def _start_content(self, attrs: dict) -> None:
        self.has_content = 1
        self._push_content(attrs, "text/plain")

    def _end(self, name: str, el: etree._Element) -> None:
        if name in ("item", "entry"):
            self.inentry = 0
            self.has_content = 0
        elif name in ("channel", "feed"):
            self.infeed = 0
        elif name in ("title", "dc_title", "media_title"):
            saved = self.title_depth
            value = self._pop_content("title", el, self.infeed or self.inentry or self.insource)
            if value:
                self.title_depth = self.depth
            if name == "media_title":
                self.title_depth = saved
        elif name == "link":
            if self._link_pushed:
                self._pop("link", el)
        elif name in ("guid", "id"):
            value = self._pop("id", el)
            context = self._context()
            context.setdefault("guidislink", self.guidislink and "link" not in context)
            if self.guidislink:
                context.setdefault("link", value)
        elif name in ("description", "dc_description", "media_description"):
            if self.summary_key == "content":
                self._end_content(el)
            else:
                self._pop_content("description", el)
            self.summary_key = None
        elif name in ("summary", "itunes_summary"):
            if self.summary_key == "content":
                self._end_content(el)
            else:
                self._pop_content(self.summary_key or "summary", el)
            self.summary_key = None
        elif name in ("content", "content_encoded"):
            self._end_content(el)
        elif name in ("author", "managingeditor", "dc_author", "dc_creator", "itunes_author"):
            text = "" if len(el) else (el.text or "")  # parts: checked at the start
            output = self._finish("author", text)
            self._store("author", output)
            self.inauthor = 0
            self._sync_author_detail()
        elif name == "itunes_owner":
            self.inpublisher = 0
        elif name in ("name", "email"):
            value = self._pop(name, el, expecting=0)
            if self.inpublisher:
                pass  # the publisher's: nothing Byline reads
            elif self.inauthor:
                self._save_author(name, value)
            elif self.intextinput and name == "name":
                self._context()["name"] = value
        elif name in ("url", "homepage", "uri"):
            value = self._pop("href", el)
            if self.inauthor:
                self._save_author("href", value)
        elif name in ("published", "pubdate", "issued", "dcterms_issued"):
            value = self._pop("published", el)
            self._context()["published_parsed"] = _parse_date(value)
        elif name in ("updated", "modified", "lastbuilddate", "dc_date", "dcterms_modified"):
            value = self._pop("updated", el)
            self._context()["updated_parsed"] = _parse_date(value)
        elif name == "itunes_duration":
            self._pop(
                "itunes_duration", el
            )  # an enclosure's length in time (reader.core.text.parse)
        elif name == "source":
            self.insource = 0
            value = ((el.text or "") + "".join(c.tail or "" for c in el)).strip()
            value = self._finish("source", value) if value else value
            if self.inentry:
                self._store("source", value)
            if value:
                self.sourcedata["title"] = value
            self._context()["source"] = dict(self.sourcedata)
            self.sourcedata = {}
        elif name == "image":
            self.inimage = 0
        elif name == "textinput":
            self.intextinput = 0
        elif name in ("contributor", "dc_contributor"):
            self.incontributor = 0

    def _end_content(self, el: etree._Element) -> None:
        copy = self.contentparams.get("type") in ({"text/plain"} | _HTML_TYPES)
        value = self._pop_content("content", el)
        if copy:
            self._context().setdefault("summary", value)

    # ------------------------------------------------------------ authors (mixin.py)

    def _save_author(self, key: str, value: str) -> None:
        context = self._context()
        context.setdefault("author_detail", {})
        context["author_detail"][key] = value
        self._sync_author_detail()
        context.setdefault("authors", [{}])
        context["authors"][-1][key] = value

    def _sync_author_detail(self) -> None:
        context = self._context()
        detail = context.get("authors", [{}])[-1]
        if detail:
            name, email = detail.get("name"), detail.get("email")
            if name and email:
                context["author"] = f"{name} ({email})"
            elif name:
                context["author"] = name
            elif email:
                context["author"] = email
            return
        author = context.get("author")
        if not author:
            return
        # feedparser splits "email (name)" here; only the detail changes, never `author`,
        # and Byline reads `author` whenever it is set.
        context.setdefault("author_detail", detail)


def _enforce_href(attrs: dict) -> dict:
    href = attrs.get("url", attrs.get("uri", attrs.get("href")))
    if href:
        attrs.pop("url", None)
        attrs.pop("uri", None)
        attrs["href"] = href
    return attrs
