"""`notify_command`: tell the user's program that a refresh or a sync brought new entries.

The command is an argv list from the config, run without a shell; what it gets is a JSON
summary on its standard input (never on the command line, where a title could become an
argument). A command that fails, hangs or is missing is reported and never fails the refresh.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.store import Store

TIMEOUT_S = 30
MAX_TITLES = 10


def new_entries_summary(store: Store, entry_ids: Sequence[int], source: str = "refresh") -> dict:
    """What came in, as the notify command reads it: the number of new entries each feed
    brought and the first titles (newest first). Entries a rule hid or that repeat another
    feed's story are not news and are not counted."""
    per_feed: dict[int, dict] = {}
    titles: list[tuple[float, str, str, str]] = []
    for feed_id, url, feed_title, title, link, sort_ts in store.shown_entries_with_feeds(entry_ids):
        feed = per_feed.setdefault(feed_id, {"feed": feed_title, "url": url, "new": 0})
        feed["new"] += 1
        titles.append((sort_ts, title, feed_title, link))
    titles.sort(reverse=True)
    return {
        "source": source,
        "new_entries": sum(f["new"] for f in per_feed.values()),
        "feeds": sorted(per_feed.values(), key=lambda f: (-f["new"], f["feed"])),
        "titles": [{"title": t, "feed": f, "link": link} for _, t, f, link in titles[:MAX_TITLES]],
    }


def run_notify(argv: Sequence[str], summary: dict, timeout: float = TIMEOUT_S) -> str | None:
    """Run the command with the summary on stdin; None when it went well, else what went
    wrong in one line."""
    if not argv or not summary.get("new_entries"):
        return None
    from reader.core import programs

    payload = json.dumps(summary, ensure_ascii=False).encode("utf-8")
    ran = programs.run(argv, payload, timeout)
    return None if ran.ok else f"notify_command: {ran.error}"
