"""The download queue: enclosures (podcast episodes, videos) saved to disk for listening offline.

The queue lives in the cache (`downloads` table), so it survives restarts and a kill. A download writes to
`<file>.part`, asks for the rest with `Range` when a part is already there (a server that answers 200 instead of 206
starts it over), hashes what was written (SHA-256, kept with the row) and renames the part into place only when it is
whole, so a file under its final name is always complete. Names come from `download_template` (fields: feed, title,
date, ext), made safe for any file system, inside `download_dir`.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from reader.core.config import Settings
    from reader.core.store import Store
    from reader.core.store.rows import Download

CHUNK = 256 * 1024
DEFAULT_TEMPLATE = "{feed}/{date} {title}.{ext}"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


@dataclass(frozen=True, slots=True)
class Progress:
    download_id: int
    done: int
    total: int | None
    status: str  # running | done | failed


def file_name(
    template: str, feed: str, title: str, published: float | None, url: str, mime: str = ""
) -> str:
    """The file's path under the download dir from the template; every field made safe as one path part."""
    ext = Path(unquote(urlsplit(url).path)).suffix.lstrip(".")[:8] or _ext_of(mime)
    fields = {
        "feed": _safe(feed) or "feed",
        "title": _safe(title) or "episode",
        "date": time.strftime("%Y-%m-%d", time.gmtime(published or 0)) if published else "undated",
        "ext": _safe(ext) or "bin",
    }
    parts = [_safe(part.format(**fields)) for part in template.split("/") if part.strip()]
    return "/".join(p for p in parts if p not in ("", ".", ".."))


def _safe(text: str) -> str:
    return " ".join(_UNSAFE.sub(" ", text).split()).strip(" .")[:120]


def _ext_of(mime: str) -> str:
    return {"audio/mpeg": "mp3", "audio/mp4": "m4a", "audio/ogg": "ogg", "video/mp4": "mp4"}.get(
        mime.split(";")[0].strip().lower(), ""
    )


def download_root(settings: Settings) -> Path:
    """`download_dir`, else the platform's downloads folder, in a `byline` folder of its own."""
    if settings.download_dir:
        return Path(settings.download_dir).expanduser()
    import platformdirs

    return Path(platformdirs.user_downloads_dir()) / "byline"


def queue_entry(store: Store, settings: Settings, entry_id: int) -> list[Download]:
    """Queue every enclosure of an entry (no entry, or none to download: a UserError-worthy ValueError)."""
    entry = store.entry(entry_id)
    if entry is None:
        raise ValueError(f"no entry {entry_id}")
    enclosures = [
        e for e in entry.enclosures if str(e.get("url") or "").startswith(("http://", "https://"))
    ]
    if not enclosures:
        raise ValueError(f"entry {entry_id} has no enclosure to download")
    feed = store.feed(entry.feed_id)
    feed_title = feed.title if feed else ""
    root = download_root(settings)
    queued = []
    for enclosure in enclosures:
        url = enclosure["url"]
        kind = str(enclosure.get("type") or "")
        name = file_name(
            settings.download_template, feed_title, entry.title, entry.published, url, kind
        )
        queued.append(store.queue_download(entry.id, url, str(root / name)))
    return queued


def run_queue(
    store: Store,
    timeout: float,
    max_bytes: int,
    progress: Callable[[Progress], None] | None = None,
) -> list[Download]:
    """Download every queued (or interrupted) entry of the queue, one at a time; the rows as they end."""
    import httpx  # the queue is run rarely: httpx loads with it

    finished = []
    with httpx.Client(
        follow_redirects=True, max_redirects=10, timeout=httpx.Timeout(timeout)
    ) as client:
        for item in store.downloads(("queued", "running", "failed")):
            if item.status == "failed" and item.attempts >= 3:
                continue
            finished.append(_download(store, client, item, max_bytes, progress))
    return finished


def _download(store: Store, client, item: Download, max_bytes: int, progress) -> Download:
    target = Path(item.path)
    part = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    store.update_download(item.id, status="running", error=None, attempts=item.attempts + 1)
    try:
        total = _fetch(client, item, part, max_bytes, progress)
        digest = _sha256(part)
        os.replace(part, target)
        store.update_download(
            item.id, status="done", done=total, total=total, sha256=digest, error=None
        )
        if progress:
            progress(Progress(item.id, total, total, "done"))
    except Exception as err:  # noqa: BLE001 - every failure is the row's error, the queue goes on
        store.update_download(item.id, status="failed", error=_reason(err))
        if progress:
            progress(Progress(item.id, part.stat().st_size if part.exists() else 0, None, "failed"))
    return store.download(item.id)


def _fetch(client, item: Download, part: Path, max_bytes: int, progress) -> int:
    """Stream the enclosure into `part`, resuming from what is there; the whole size."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with client.stream("GET", item.url, headers=headers) as response:
        if response.status_code == 416 and have:  # asked past the end: what we have is the whole
            return have
        response.raise_for_status()
        if response.status_code != 206:
            have = 0  # the server sent the whole file again: start over
        total = _total(response, have)
        if total is not None and total > max_bytes:
            raise _TooLarge(f"too large: {total:,} bytes, the cap is {max_bytes:,}")
        with part.open("ab" if have else "wb") as out:
            done, last = have, 0.0
            for chunk in response.iter_bytes(CHUNK):
                done += len(chunk)
                if done > max_bytes:
                    raise _TooLarge(f"too large: over the {max_bytes:,}-byte cap")
                out.write(chunk)
                now = time.monotonic()
                if now - last > 0.5:
                    out.flush()
                    last = now
                    if progress:
                        progress(Progress(item.id, done, total, "running"))
    return done


class _TooLarge(Exception):
    pass


def _total(response, have: int) -> int | None:
    if response.status_code == 206:
        span = response.headers.get("content-range", "")
        if "/" in span and span.rsplit("/", 1)[1].isdigit():
            return int(span.rsplit("/", 1)[1])
    length = response.headers.get("content-length", "")
    return int(length) + (have if response.status_code == 206 else 0) if length.isdigit() else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _reason(err: Exception) -> str:
    from reader.core.feeds.fetch import describe_error

    if isinstance(err, _TooLarge):
        return str(err)
    return describe_error(err, 0)


def local_copy(store: Store, entry_id: int, url: str) -> Path | None:
    """The downloaded file of an enclosure, when it is whole and still there: played offline before the web."""
    for item in store.downloads(("done",)):
        if item.entry_id == entry_id and item.url == url and Path(item.path).is_file():
            return Path(item.path)
    return None


def record_playback(store: Store, settings: Settings, entry_id: int, url: str, position) -> bool:
    """Keep where playback stopped; with `delete_played`, an episode played to its end loses its file.
    True when a file was deleted."""
    store.save_playback(url, entry_id, position.seconds, position.duration, position.finished)
    if not (position.finished and settings.delete_played):
        return False
    copy = local_copy(store, entry_id, url)
    if copy is None:
        return False
    copy.unlink(missing_ok=True)
    for item in store.downloads(("done",)):
        if item.entry_id == entry_id and item.url == url:
            store.remove_download(item.id)
    return True
