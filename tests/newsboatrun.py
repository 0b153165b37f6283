"""The real newsboat (Debian's 2.21 package), driven from tests: its own urls, config and
cache in a temp folder, HOME pointed there too, feeds from a FeedServer on 127.0.0.1.

    nb = Newsboat(tmp_path / "nb")
    nb.write(urls="http://127.0.0.1:.../a.xml tech\\n", config="max-items 50\\n")
    nb.reload()                       # newsboat -u urls -c cache.db -C config -x reload
    nb.mark_read(["guid-1"])          # newsboat -I FILE: its own "import read articles"
    nb.flag("guid-2", "s")            # no command line for flags: SQL on its cache.db
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

NEWSBOAT = shutil.which("newsboat")
needs_newsboat = pytest.mark.skipif(NEWSBOAT is None, reason="newsboat is not installed")


def atom(title: str, items: list[dict]) -> bytes:
    """An Atom 1.0 document; item keys: guid (the id), title, link, date (ISO 8601)."""
    from html import escape

    entries = "".join(
        f"<entry><id>{escape(i['guid'])}</id><title>{escape(i['title'])}</title>"
        f'<link href="{escape(i["link"])}"/><updated>{i["date"]}</updated>'
        f'<content type="html">{escape(i.get("content", ""))}</content></entry>'
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:x</id><updated>2026-01-01T00:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


def rss(title: str, items: list[dict], link: str = "http://example.com/") -> bytes:
    """An RSS 2.0 document; item keys: guid, title, link, author, date (HTTP date),
    content (HTML, escaped here), enclosure (URL)."""
    from html import escape

    parts = []
    for item in items:
        xml = f"<guid>{item['guid']}</guid>" if item.get("guid") else ""
        xml += f"<title>{escape(item['title'])}</title>"
        xml += f"<link>{escape(item.get('link', ''))}</link>"
        if item.get("author"):
            xml += f"<author>{escape(item['author'])}</author>"
        if item.get("date"):
            xml += f"<pubDate>{item['date']}</pubDate>"
        xml += f"<description>{escape(item.get('content', ''))}</description>"
        if item.get("enclosure"):
            xml += f'<enclosure url="{escape(item["enclosure"])}" type="audio/mpeg" length="1"/>'
        parts.append(f"<item>{xml}</item>")
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}'
        f"</title><link>{link}</link>{''.join(parts)}</channel></rss>"
    ).encode()


class Newsboat:
    """One newsboat user: a folder holding urls, config and cache.db (as ~/.newsboat)."""

    def __init__(self, folder: Path) -> None:
        self.dir = folder
        self.dir.mkdir(parents=True, exist_ok=True)
        self.home = folder.parent / (folder.name + "-home")
        self.home.mkdir(exist_ok=True)
        self.urls, self.config, self.cache = folder / "urls", folder / "config", folder / "cache.db"

    def write(self, urls: str, config: str = "") -> None:
        self.urls.write_text(urls, encoding="utf-8")
        self.config.write_text(config, encoding="utf-8")

    def run(self, *args: str) -> subprocess.CompletedProcess:
        assert NEWSBOAT is not None
        argv = [
            NEWSBOAT,
            "-u",
            str(self.urls),
            "-c",
            str(self.cache),
            "-C",
            str(self.config),
            *args,
        ]
        env = {**os.environ, "HOME": str(self.home)}
        env.pop("XDG_CONFIG_HOME", None)
        env.pop("XDG_DATA_HOME", None)
        return subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)

    def reload(self) -> None:
        done = self.run("-x", "reload")
        assert done.returncode == 0, done.stderr

    def mark_read(self, guids: list[str]) -> None:
        """newsboat's own command line: -I imports a list of read articles' GUIDs."""
        listing = self.dir / "read-guids.txt"
        listing.write_text("".join(f"{g}\n" for g in guids), encoding="utf-8")
        done = self.run("-I", str(listing))
        assert done.returncode == 0, done.stderr

    def flag(self, guid: str, flags: str) -> None:
        """Flags have no command line option in newsboat 2.21: SQL on its cache."""
        with sqlite3.connect(self.cache) as conn:
            assert (
                conn.execute("UPDATE rss_item SET flags = ? WHERE guid = ?", [flags, guid]).rowcount
                == 1
            )
        conn.close()

    def items(self) -> dict[str, tuple]:
        """guid -> (title, unread, flags, feedurl) as newsboat stored them."""
        conn = sqlite3.connect(self.cache)
        try:
            rows = conn.execute(
                "SELECT guid, title, unread, COALESCE(flags, ''), feedurl FROM rss_item"
            )
            return {g: (t, bool(u), f, url) for g, t, u, f, url in rows}
        finally:
            conn.close()

    def feeds(self) -> dict[str, tuple[str, int, str]]:
        """rssurl -> (title, lastmodified, etag)."""
        conn = sqlite3.connect(self.cache)
        try:
            rows = conn.execute("SELECT rssurl, title, lastmodified, etag FROM rss_feed")
            return {u: (t, m, e) for u, t, m, e in rows}
        finally:
            conn.close()
