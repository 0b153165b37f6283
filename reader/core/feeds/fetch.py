"""Downloading feeds and pages politely: bounded concurrency overall and per host, a total
deadline and a size cap on every download, bounded redirects, conditional GET, gzip.

Every failure becomes a FetchResult with a reason a person can read; nothing here raises.
"""

from __future__ import annotations

import asyncio
import email.utils
import ssl
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from reader import __version__

# httpx imports its command-line tool when click and rich are installed (rich is, beside
# Textual): click, pygments and rich.console, ~40% of `byline refresh`'s imports, for a
# tool Byline never runs. A None in sys.modules makes that import fail, and httpx skips it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
import httpx  # noqa: E402

if TYPE_CHECKING:
    from reader.core.config import Settings

USER_AGENT = f"Byline/{__version__} (terminal news reader; feed fetcher)"
MAX_REDIRECTS = 5
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    status: str  # "ok" | "not_modified" | "error"
    http_status: int | None = None
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None  # the new address after permanent redirects only
    final_url: str | None = None  # where the body actually came from
    retry_after: float | None = None  # seconds the server asked us to wait
    error: str | None = None
    nbytes: int = 0


class TooLarge(Exception):
    pass


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


_REASONS = {
    401: "the server wants a login",
    403: "the server refused access",
    404: "not found (has the feed moved?)",
    410: "gone: the site removed this feed",
    429: "too many requests: the server asks us to slow down",
    500: "the server had an internal error",
    502: "bad gateway",
    503: "the server is unavailable",
    504: "gateway timeout",
}


def http_reason(code: int) -> str:
    return f"HTTP {code}: {_REASONS.get(code, httpx.codes.get_reason_phrase(code) or 'error')}"


def _caused_by(err: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of `kind` in err's cause chain (httpx wraps the OS error twice and
    its own message is often empty or says only "All connection attempts failed")."""
    seen: set[int] = set()
    while err is not None and id(err) not in seen:
        if isinstance(err, kind):
            return err
        seen.add(id(err))
        err = err.__cause__ or err.__context__
    return None


def describe_error(err: BaseException, timeout: float) -> str:
    """A reason a reader understands, from whatever went wrong underneath."""
    text = str(err) or type(err).__name__
    if isinstance(err, TimeoutError | httpx.TimeoutException):
        return f"timed out after {timeout:g} s"
    if isinstance(err, TooLarge):
        return text
    if isinstance(err, httpx.TooManyRedirects):
        return f"too many redirects (more than {MAX_REDIRECTS})"
    if isinstance(err, httpx.UnsupportedProtocol):
        return f"redirected to an address that is not http(s): {text}"
    if isinstance(err, httpx.ConnectError):
        lowered = text.lower()
        if (
            "name or service not known" in lowered
            or "nodename nor servname" in lowered
            or "name resolution" in lowered
        ):
            return "host not found (DNS lookup failed)"
        if "certificate" in lowered or "ssl" in lowered or isinstance(err.__cause__, ssl.SSLError):
            return f"TLS error: {text}"
        if "refused" in lowered or _caused_by(err, ConnectionRefusedError):
            return "connection refused"
        return f"could not connect: {text}"
    if isinstance(err, httpx.ReadError | httpx.WriteError):
        if _caused_by(err, ConnectionResetError):
            return "the connection was reset by the server before the response was complete"
        return f"the connection broke off before the response was complete: {text}"
    if isinstance(err, httpx.RemoteProtocolError):
        return f"the server broke off the response: {text}"
    if isinstance(err, httpx.DecodingError):
        return f"the response could not be decoded (bad compression?): {text}"
    if isinstance(err, httpx.InvalidURL | ValueError):
        return f"not a valid URL: {text}"
    if isinstance(err, OSError):
        return f"{type(err).__name__}: {text}"
    return f"{type(err).__name__}: {text}"


class Fetcher:
    """The HTTP side of a whole refresh; use as `async with Fetcher(...) as f`.

    One small httpx client per host rather than one big pool: httpcore scans its whole pool
    for every request it assigns (quadratic in the pool size; 0.5 s of a 100-feed refresh at
    64 connections), while a pool of `per_host` connections stays cheap. The clients share
    one TLS context, so each costs ~1 ms to create.
    """

    def __init__(
        self, concurrency: int = 64, per_host: int = 4, timeout: float = 20.0,
        max_bytes: int = 20_000_000,
    ) -> None:  # fmt: skip
        self.timeout, self.max_bytes, self.per_host = timeout, max_bytes, per_host
        self._all = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._tls: ssl.SSLContext | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Fetcher:
        """The limits of the user's [settings]: what every refresh and page fetch obeys."""
        return cls(settings.concurrency, settings.per_host, settings.timeout_s, settings.max_bytes)

    def _client(self, host: str) -> httpx.AsyncClient:
        client = self._clients.get(host)
        if client is None:
            if self._tls is None:
                self._tls = httpx.create_ssl_context()
            client = self._clients[host] = httpx.AsyncClient(
                verify=self._tls,
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                timeout=httpx.Timeout(self.timeout),
                limits=httpx.Limits(
                    max_connections=self.per_host, max_keepalive_connections=self.per_host
                ),
                headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
            )
        return client

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(client.aclose() for client in self._clients.values()))
        self._clients.clear()

    async def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None,
        timeout: float | None = None, max_bytes: int | None = None,
    ) -> FetchResult:  # fmt: skip
        """GET one URL within its deadline and size cap; never raises."""
        timeout = timeout or self.timeout
        max_bytes = max_bytes or self.max_bytes
        scheme = urlsplit(url).scheme.lower()
        try:
            if scheme == "file":
                return await asyncio.wait_for(_read_file(url, max_bytes), timeout)
            if scheme not in ("http", "https"):
                return FetchResult(
                    url, "error", error=f"unsupported address scheme {scheme!r}: use http(s)"
                )
            host = urlsplit(url).hostname or ""
            async with (
                self._hosts[host],
                self._all,
            ):  # host first: a queued feed holds no global slot
                return await asyncio.wait_for(
                    self._get(self._client(host), url, etag, last_modified, max_bytes), timeout
                )
        except Exception as err:  # noqa: BLE001 - turned into a reason on the feed
            return FetchResult(url, "error", error=describe_error(err, timeout))

    async def _get(
        self,
        client: httpx.AsyncClient,
        url: str,
        etag: str | None,
        last_modified: str | None,
        max_bytes: int,
    ) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with client.stream("GET", url, headers=headers) as response:
            moved = _permanent_target(response)
            common = {
                "http_status": response.status_code,
                "moved_to": moved,
                "final_url": str(response.url),
                "etag": response.headers.get("etag"),
                "last_modified": response.headers.get("last-modified"),
                "content_type": response.headers.get("content-type", ""),
            }
            if response.status_code == 304:
                return FetchResult(url, "not_modified", **common)
            if response.status_code >= 400:
                wait = retry_after_seconds(response.headers.get("retry-after"))
                return FetchResult(
                    url,
                    "error",
                    retry_after=wait,
                    error=http_reason(response.status_code),
                    **common,
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise TooLarge(
                    f"too large: {int(declared):,} bytes announced, the cap is {max_bytes:,}"
                )
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(f"too large: over the {max_bytes:,}-byte cap")
                chunks.append(chunk)
            raw = response.num_bytes_downloaded
        return FetchResult(url, "ok", body=b"".join(chunks), nbytes=raw, **common)


def _permanent_target(response: httpx.Response) -> str | None:
    """The final address, if every hop to it was a permanent redirect (301/308)."""
    history = response.history
    if history and all(hop.status_code in (301, 308) for hop in history):
        return str(response.url)
    return None


async def _read_file(url: str, max_bytes: int) -> FetchResult:
    """file:// feeds (local files, tests): the same size cap, no validators."""
    path = Path(unquote(urlsplit(url).path))

    def read() -> bytes:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise TooLarge(f"too large: over the {max_bytes:,}-byte cap")
        return data

    try:
        body = await asyncio.to_thread(read)
    except FileNotFoundError:
        return FetchResult(url, "error", error=f"no such file: {path}")
    except TooLarge as err:
        return FetchResult(url, "error", error=str(err))
    except OSError as err:
        return FetchResult(url, "error", error=f"cannot read {path}: {err.strerror or err}")
    return FetchResult(url, "ok", body=body, nbytes=len(body), final_url=url)
