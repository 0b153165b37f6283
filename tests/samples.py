"""Small feeds in every format Byline reads, written inline for the foundation tests.

Each builder takes items as dicts (title, link, guid, date, body) so a test can say exactly
what it serves; `DATES` are fixed RFC 822 / ISO dates so identities are stable.
"""

from __future__ import annotations

import json
from html import escape

DATES = [
    ("Mon, 23 Nov 2026 10:00:00 +0000", "2026-11-23T10:00:00Z"),
    ("Tue, 24 Nov 2026 11:00:00 +0000", "2026-11-24T11:00:00Z"),
    ("Wed, 25 Nov 2026 12:00:00 +0000", "2026-11-25T12:00:00Z"),
]


def items(n: int = 3, prefix: str = "Story") -> list[dict]:
    return [
        {
            "title": f"{prefix} {i}",
            "link": f"https://example.org/{prefix.lower()}/{i}",
            "guid": f"urn:test:{prefix.lower()}:{i}",
            "date": i % len(DATES),
            "body": f"<p>Body of {prefix.lower()} {i}.</p>",
        }
        for i in range(n)
    ]


def rss20(entries: list[dict], title: str = "RSS Two") -> str:
    parts = []
    for e in entries:
        tags = [f"<title>{escape(e['title'])}</title>"] if "title" in e else []
        if e.get("link"):
            tags.append(f"<link>{escape(e['link'])}</link>")
        if e.get("guid"):
            tags.append(f'<guid isPermaLink="false">{escape(e["guid"])}</guid>')
        if "date" in e:
            tags.append(f"<pubDate>{DATES[e['date']][0]}</pubDate>")
        if "author" in e:
            tags.append(f"<author>{escape(e['author'])}</author>")
        if "body" in e:
            tags.append(f"<description>{escape(e['body'])}</description>")
        parts.append("<item>" + "".join(tags) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://example.org/</link>"
        f"<description>d</description>{''.join(parts)}</channel></rss>"
    )


def rss091(entries: list[dict], title: str = "RSS Point Nine One") -> str:
    parts = "".join(
        f"<item><title>{escape(e['title'])}</title><link>{escape(e['link'])}</link>"
        f"<description>{escape(e['body'])}</description></item>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss version="0.91"><channel>'
        f"<title>{escape(title)}</title><link>https://example.org/</link>"
        f"<description>d</description><language>en-us</language>{parts}</channel></rss>"
    )


def rss10(entries: list[dict], title: str = "RSS One") -> str:
    seq = "".join(f'<rdf:li rdf:resource="{escape(e["link"])}"/>' for e in entries)
    parts = "".join(
        f'<item rdf:about="{escape(e["link"])}"><title>{escape(e["title"])}</title>'
        f"<link>{escape(e['link'])}</link><description>{escape(e['body'])}</description>"
        f"<dc:date>{DATES[e['date']][1]}</dc:date></item>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="https://example.org/"><title>{escape(title)}</title>'
        "<link>https://example.org/</link><description>d</description>"
        f"<items><rdf:Seq>{seq}</rdf:Seq></items></channel>{parts}</rdf:RDF>"
    )


def atom10(entries: list[dict], title: str = "Atom One") -> str:
    parts = "".join(
        f"<entry><title>{escape(e['title'])}</title>"
        f'<link rel="alternate" href="{escape(e["link"])}"/>'
        f"<id>{escape(e['guid'])}</id><updated>{DATES[e['date']][1]}</updated>"
        f"<author><name>Ann Author</name></author>"
        f'<content type="html">{escape(e["body"])}</content></entry>'
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>{escape(title)}</title><link href="https://example.org/"/>'
        f"<id>urn:test:feed</id><updated>{DATES[-1][1]}</updated>{parts}</feed>"
    )


def atom03(entries: list[dict], title: str = "Atom Zero Three") -> str:
    parts = "".join(
        f"<entry><title>{escape(e['title'])}</title>"
        f'<link rel="alternate" type="text/html" href="{escape(e["link"])}"/>'
        f"<id>{escape(e['guid'])}</id><issued>{DATES[e['date']][1]}</issued>"
        f"<modified>{DATES[e['date']][1]}</modified>"
        f'<content type="text/html" mode="escaped">{escape(e["body"])}</content></entry>'
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed version="0.3" xmlns="http://purl.org/atom/ns#">'
        f'<title>{escape(title)}</title><link rel="alternate" type="text/html"'
        f' href="https://example.org/"/><modified>{DATES[-1][1]}</modified>{parts}</feed>'
    )


def jsonfeed(entries: list[dict], title: str = "JSON Feed") -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "home_page_url": "https://example.org/",
            "authors": [{"name": "Jay Son"}],
            "items": [
                {
                    "id": e["guid"],
                    "url": e["link"],
                    "title": e["title"],
                    "content_html": e["body"],
                    "date_published": DATES[e["date"]][1],
                }
                for e in entries
            ],
        }
    )


FORMATS = {
    "rss091": (rss091, "application/rss+xml"),
    "rss10": (rss10, "application/rdf+xml"),
    "rss20": (rss20, "application/rss+xml"),
    "atom03": (atom03, "application/atom+xml"),
    "atom10": (atom10, "application/atom+xml"),
    "jsonfeed11": (jsonfeed, "application/feed+json"),
}

# Broken before any item: nothing can be salvaged.
MALFORMED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</ti'
# Broken after two good items: feedparser salvages them (bozo), the reason is kept as a warning.
SALVAGEABLE = rss20(items(2)).replace("</channel></rss>", "<item><title>cut</ti")
