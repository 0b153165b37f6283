"""The download queue: enclosures (podcast episodes, videos) saved to disk for listening offline.

The queue lives in the cache (`downloads` table), so it survives restarts and a kill. A download writes to
`<file>.part`, asks for the rest with `Range` when a part is already there (a server that answers 200 instead of 206
starts it over), hashes what was written (SHA-256, kept with the row) and renames the part into place only when it is
whole, so a file under its final name is always complete. Names come from `download_template` (fields: feed, title,
date, ext), made safe for any file system, inside `download_dir`.
"""

from __future__ import annotations

import contextlib
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
    try:
        parts = [_safe(part.format(**fields)) for part in template.split("/") if part.strip()]
    except (KeyError, IndexError, ValueError) as err:  # the config checks it; a caller may not
        raise ValueError(f"download_template {template!r} cannot name a file ({err})") from None
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
    taken = {d.path for d in store.downloads() if d.entry_id != entry.id}
    queued = []
    for enclosure in enclosures:
        url = enclosure["url"]
        kind = str(enclosure.get("type") or "")
        name = file_name(
            settings.download_template, feed_title, entry.title, entry.published, url, kind
        )
        path = _free(root / name, taken)
        taken.add(str(path))
        queued.append(store.queue_download(entry.id, url, str(path)))
    return queued


def _free(path: Path, taken: set[str]) -> Path:
    """`path`, or "name (2).ext" and on while another enclosure of the queue has that name."""
    candidate, n = path, 1
    while str(candidate) in taken:
        n += 1
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate


def run_queue(
    store: Store,
    timeout: float,
    max_bytes: int,
    progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[Download]:
    """Download every queued (or interrupted) entry of the queue, one at a time; the rows as they end."""
    import httpx  # the queue is run rarely: httpx loads with it

    finished = []
    with _queue_lock(store.path.parent) as held:
        if not held:
            raise QueueBusy("the download queue is already running (in the app or another byline)")
        with httpx.Client(
            follow_redirects=True, max_redirects=10, timeout=httpx.Timeout(timeout)
        ) as client:
            for item in store.downloads(("queued", "running", "failed")):
                if item.status == "failed" and item.attempts >= 3:
                    continue
                if stop is not None and stop():
                    break
                finished.append(_download(store, client, item, max_bytes, progress, stop))
    return finished


class QueueBusy(Exception):
    """Another process (or the app) is running the queue: two would write one file."""


@contextlib.contextmanager
def _queue_lock(data_dir: Path):
    """An flock on `downloads.lock` beside the cache: the kernel drops it when the holder dies, so a killed run
    never blocks the next one."""
    import fcntl

    fd = os.open(Path(data_dir) / "downloads.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _download(
    store: Store, client, item: Download, max_bytes: int, progress, stop=None
) -> Download:
    target = Path(item.path)
    part = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    store.update_download(item.id, status="running", error=None, attempts=item.attempts + 1)
    try:
        total = _fetch(client, item, part, max_bytes, progress, stop)
        if total is None:  # stopped (the app is quitting): the part stays for the next run
            store.update_download(item.id, status="queued")
            return store.download(item.id)
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


def _fetch(client, item: Download, part: Path, max_bytes: int, progress, stop=None) -> int | None:
    """Stream the enclosure into `part`, resuming from what is there; the whole size (None: stopped)."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with client.stream("GET", item.url, headers=headers) as response:
        if response.status_code == 416 and have and _range_total(response) == have:
            return have  # asked past the end of a file we have whole
        if response.status_code == 416:
            part.unlink(missing_ok=True)  # what we have is not this file: the next run starts over
        response.raise_for_status()
        if response.status_code != 206 or _range_start(response) != have:
            have = 0  # the whole file again, or not the part we asked for: start over
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
                if stop is not None and stop():
                    return None
                now = time.monotonic()
                if now - last > 0.5:
                    out.flush()
                    last = now
                    if progress:
                        progress(Progress(item.id, done, total, "running"))
    return done


class _TooLarge(Exception):
    pass


def _range_start(response) -> int | None:
    """Where a 206's `Content-Range: bytes START-END/TOTAL` starts."""
    span = response.headers.get("content-range", "").removeprefix("bytes ").split("-", 1)[0]
    return int(span) if span.isdigit() else None


def _range_total(response) -> int | None:
    total = response.headers.get("content-range", "").rpartition("/")[2]
    return int(total) if total.isdigit() else None


def max_download_bytes(settings: Settings) -> int:
    """`max_download_mb` in bytes (MiB), the one cap the CLI and the app apply."""
    return int(settings.max_download_mb * 1024 * 1024)


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
