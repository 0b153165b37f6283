"""The peer: newsboat 2.21 driven the way a user drives it, on the same feeds and caches."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from bench.common import (
    SEARCH_WORD,
    BenchFailure,
    Entry,
    Tmux,
    app_search,
    cache_rows,
    feed_title,
    first_screen,
)

# A loopback address where nothing listens: the big caches' feeds are never fetched.
DEAD_BASE = "http://127.0.0.1:9"


def available() -> bool:
    return shutil.which("newsboat") is not None


def version() -> str:
    try:
        out = subprocess.run(["newsboat", "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0] if out else "?"
    except OSError:
        return "absent"


class Newsboat:
    """One newsboat home: urls file, config file and cache.db in `root`."""

    def __init__(
        self, root: Path, urls: list[str], reload_threads: int = 1, refresh_on_startup: bool = False
    ) -> None:
        self.root = root
        self.threads = reload_threads
        root.mkdir(parents=True, exist_ok=True)
        self.urls, self.config, self.cache = root / "urls", root / "config", root / "cache.db"
        self.urls.write_text("\n".join(urls) + "\n")
        self.config.write_text(
            f"reload-threads {reload_threads}\n"
            f"refresh-on-startup {'yes' if refresh_on_startup else 'no'}\n"
            "confirm-exit no\n"
            "show-read-feeds yes\n"
            "download-timeout 30\n"
        )
        self.env = {
            "HOME": str(root),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
        }

    def argv(self, *extra: str) -> list[str]:
        return [
            "newsboat",
            "-u",
            str(self.urls),
            "-c",
            str(self.cache),
            "-C",
            str(self.config),
            *extra,
        ]

    def reload(self, expected: int | None = None, timeout: float = 600) -> float:
        """Wall time of `newsboat -x reload` (a full reload of every feed, then exit).

        Only a successful reload is a timing: exit status 0 and, when `expected` is given,
        exactly that many items in the cache, else at least one (BenchFailure otherwise).
        """
        t0 = time.perf_counter()
        try:
            r = subprocess.run(
                self.argv("-x", "reload"), env=self.env, capture_output=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as err:
            raise BenchFailure(f"newsboat reload timed out after {timeout:.0f} s") from err
        took = time.perf_counter() - t0
        if r.returncode != 0:
            raise BenchFailure(f"newsboat reload exit {r.returncode}: {r.stderr.decode()[-300:]}")
        self.last_count = n = self.item_count()
        if (expected is not None and n != expected) or n == 0:
            raise BenchFailure(f"newsboat stored {n} items, expected {expected or '> 0'}")
        return took

    def clear_cache(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm", ".lock"):
            Path(str(self.cache) + suffix).unlink(missing_ok=True)

    def item_count(self) -> int:
        if not self.cache.exists():
            return 0
        db = sqlite3.connect(self.cache)
        try:
            return db.execute("SELECT count(*) FROM rss_item").fetchone()[0]
        except sqlite3.Error:
            return 0
        finally:
            db.close()

    def first_screen(self, tmux: Tmux, name: str, timeout: float) -> tuple[float, float]:
        """Time to the feed list with the feed titles from the cache shown; peak RSS."""
        cmd = " ".join(self.argv())
        took, rss, screen = first_screen(
            tmux, name, "exec " + cmd, feed_title(0), timeout, self.env
        )
        if took is None:
            tail = " / ".join(x.strip() for x in screen.splitlines() if x.strip())[-200:]
            raise BenchFailure(f"newsboat: no first screen within {timeout:.0f} s: {tail}")
        return took, rss

    def app_search(self, tmux: Tmux, name: str, titles: list[str], timeout: float) -> float:
        """Seconds from Enter to the results of newsboat's own search (`/` in the feed list,
        over every article of the cache)."""
        cmd = "exec " + " ".join(self.argv())
        return app_search(tmux, name, cmd, self.env, feed_title(0), SEARCH_WORD, titles, timeout)


def schema_from_reload(work: Path, tiny_url: str) -> list[str]:
    """Let newsboat create its own cache.db from one tiny feed; return its CREATE statements."""
    nb = Newsboat(work / "schema", [tiny_url])
    nb.clear_cache()
    nb.reload()
    with sqlite3.connect(nb.cache) as db:
        rows = db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "ORDER BY type = 'index'"
        ).fetchall()
        meta = db.execute("SELECT * FROM metadata").fetchall()
    stmts = [sql for typ, name, sql in rows if not name.startswith("sqlite_")]
    stmts += [f"INSERT INTO metadata VALUES ({a}, {b})" for a, b in meta]
    return stmts


def build_cache(path: Path, schema: list[str], total: int, feeds: int = 100) -> list[str]:
    """A newsboat cache.db of `total` items over `feeds` feeds, by bulk SQL inserts.

    Returns the feed URLs (to put in its urls file). Same rows as Byline's cache.
    """
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    urls = [f"{DEAD_BASE}/feed/{f}.xml" for f in range(feeds)]
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    # Tables first, indexes after the bulk insert (schema() put indexes last).
    tables = [s for s in schema if not s.upper().startswith("CREATE INDEX")]
    indexes = [s for s in schema if s.upper().startswith("CREATE INDEX")]
    for s in tables:
        db.execute(s)
    db.executemany(
        "INSERT INTO rss_feed (rssurl, url, title, lastmodified, is_rtl, etag) "
        "VALUES (?, ?, ?, 0, 0, '')",
        [(u, f"https://news.example.org/{f}/", feed_title(f)) for f, u in enumerate(urls)],
    )

    def rows():
        e: Entry
        for f, e in cache_rows(total, feeds):
            yield (
                e.guid,
                e.title,
                e.author,
                e.link,
                urls[f],
                int(e.published.timestamp()),
                e.content,
            )

    db.executemany(
        "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread, "
        "enclosure_url, enclosure_type, enqueued, flags, deleted, base) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, '', '', 0, '', 0, '')",
        rows(),
    )
    for s in indexes:
        db.execute(s)
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()
    return urls


def search_like(path: Path, word: str = SEARCH_WORD, limit: int = 50) -> tuple[float, int]:
    """A proxy for newsboat's search, not newsboat: the kind of query it runs (SQL LIKE over
    title and content) on its cache, run by Python's sqlite3. It leaves out newsboat's own
    work around the query (building the result list, drawing it)."""
    t0 = time.perf_counter()
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT id, title, feedurl, pubDate FROM rss_item "
        "WHERE title LIKE ? OR content LIKE ? ORDER BY pubDate DESC LIMIT ?",
        (f"%{word}%", f"%{word}%", limit),
    ).fetchall()
    db.close()
    return time.perf_counter() - t0, len(rows)
