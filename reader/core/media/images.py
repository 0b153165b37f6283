"""An article's pictures: fetched through the feed fetch layer, checked, and kept in a size-capped cache.

Pictures come from the web and are hostile like the text. What is kept must be a raster image by its own bytes (PNG,
JPEG, GIF, WebP, BMP: the type is sniffed, never taken from Content-Type), small enough in bytes (the fetch cap) and
in pixels (a 100-byte PNG can claim 60,000 x 60,000 and ask for 10 GB when decoded: the header is read, not the
pixels, before anything is kept). SVG is refused outright: it is a document that can carry scripts and external
references, not a picture. A refused or failed picture keeps its `[image: alt]` line in the article, with the reason.

The cache is files under `<data dir>/images/`, named by a hash of the address, so a saved article shows its pictures
offline; `image_cache_mb` caps it, the least recently shown going first (a hit refreshes the file's time).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

MAX_PIXELS = 40_000_000  # 40 megapixels: well past any article photo, far short of a bomb
MAX_IMAGE_BYTES = 10_000_000
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
)


class ImageRefused(Exception):
    """Why a picture is not shown (and not kept): said in the article in place of the picture."""


def sniff(data: bytes) -> str:
    """The image format by the bytes themselves; anything else is refused with what it looks like."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    head = data[:512].lstrip().lower()
    if b"<svg" in head or (head.startswith(b"<?xml") and b"svg" in head):
        raise ImageRefused("an SVG document, not a picture (not shown: SVG can carry scripts)")
    if head.startswith((b"<!doctype html", b"<html")):
        raise ImageRefused("a web page, not a picture")
    raise ImageRefused("not a picture this reader shows (PNG, JPEG, GIF, WebP, BMP)")


def check(data: bytes) -> tuple[str, int, int]:
    """The format and size of a picture that is safe to decode, or ImageRefused."""
    if not data:
        raise ImageRefused("empty answer")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused(f"too large: over the {MAX_IMAGE_BYTES:,}-byte cap")
    kind = sniff(data)
    from PIL import Image  # loaded with the first picture, never at start-up

    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only, not the pixels
            width, height = image.size
    except Image.DecompressionBombError:
        raise ImageRefused("a decompression bomb (more pixels than any picture needs)") from None
    except Exception as err:  # noqa: BLE001 - Pillow raises many kinds for broken files
        raise ImageRefused(f"a broken {kind.upper()} file ({type(err).__name__})") from None
    if width * height > MAX_PIXELS:
        raise ImageRefused(f"{width:,} x {height:,} pixels: a decompression bomb, not a picture")
    return kind, width, height


@dataclass(frozen=True, slots=True)
class CachedImage:
    path: Path
    kind: str
    width: int
    height: int


class ImageCache:
    """Checked pictures on disk, least recently shown out first once over the cap."""

    def __init__(self, data_dir: Path, cap_mb: float) -> None:
        self.dir = Path(data_dir) / "images"
        self.cap = int(cap_mb * 1024 * 1024)

    def _path(self, url: str) -> Path:
        return self.dir / hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]

    def get(self, url: str) -> Path | None:
        """The kept picture of `url`, marked as just used, or None."""
        path = self._path(url)
        try:
            os.utime(path)
        except OSError:
            return None
        return path

    def put(self, url: str, data: bytes) -> CachedImage:
        """Check and keep a picture (atomically: a kill never leaves half a file), then trim."""
        kind, width, height = check(data)
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self._path(url)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self.trim(keep=path)
        return CachedImage(path, kind, width, height)

    def size(self) -> int:
        return sum(p.stat().st_size for p in self._files())

    def trim(self, keep: Path | None = None) -> int:
        """Remove the least recently used pictures until the cache is under its cap; how many went."""
        files = sorted(self._files(), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in files)
        removed = 0
        for path in files:
            if total <= self.cap:
                break
            if path == keep:
                continue
            total -= path.stat().st_size
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            removed += 1
        return removed

    def _files(self) -> list[Path]:
        if not self.dir.is_dir():
            return []
        return [p for p in self.dir.iterdir() if p.is_file() and not p.name.startswith(".part-")]


async def fetch_image(fetcher, cache: ImageCache, url: str, timeout: float) -> CachedImage:
    """A picture from the cache, else fetched through the feed fetch layer (its timeout, redirect limit and
    byte cap) and checked before it is kept. Raises ImageRefused with the reason."""
    path = cache.get(url)
    if path is not None:
        return CachedImage(path, *check(path.read_bytes()))
    result = await fetcher.fetch(url, timeout=timeout, max_bytes=MAX_IMAGE_BYTES)
    if result.status != "ok":
        raise ImageRefused(result.error or "not fetched")
    return cache.put(url, result.body)
