"""What every sync API shares: the client interface, the server's feeds and items as plain
data, the errors a user sees, the password, and one careful HTTP helper.

Errors are named for what the user can do about them: `SyncAuthError` (fix the username or
password: exit 2), `SyncConfigError` (fix [sync]: exit 2), `SyncServerError` (the server is
down, broken or not the API the config names: nothing local was lost, try later). None of
them ever carries a secret: every message passes through `Secrets.scrub`.
"""

from __future__ import annotations

import json
import os
import subprocess
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from reader import __version__
from reader.core.config import SyncConfig

USER_AGENT = f"Byline/{__version__} (terminal news reader; sync)"
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
PASSWORD_COMMAND_TIMEOUT_S = 60


class SyncError(Exception):
    """Any sync failure; str() is one line a user can read, free of secrets."""


class SyncConfigError(SyncError):
    """[sync] cannot be used as written (no password, a failing password_command...)."""


class SyncAuthError(SyncError):
    """The server refused the username or password."""


class SyncServerError(SyncError):
    """The server answered with an error, HTML, garbage, or not at all. `reason` names which:
    unreachable | timeout | http | html | garbage | api | busy. `maybe_applied`: the request
    reached the server and no answer came (a timeout, a dropped connection): the server may
    still apply it later."""

    def __init__(
        self, message: str, reason: str, status: int | None = None, maybe_applied: bool = False
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status
        self.maybe_applied = maybe_applied


class SyncUnsupported(SyncError):
    """The API cannot do this (Fever cannot subscribe or unsubscribe)."""


# ---------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    id: str
    title: str
    url: str
    site_url: str = ""
    folders: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RemoteItem:
    id: str
    feed_id: str
    title: str = ""
    author: str = ""
    link: str = ""
    published: float | None = None
    content: str = ""
    read: bool | None = None  # None: the stream did not say (the state lists will)
    saved: bool | None = None


@dataclass(slots=True)
class Cursor:
    """Where the last sync stopped, kept as JSON in sync_state between syncs."""

    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.values[key] = value


# ---------------------------------------------------------------- secrets


class Secrets:
    """The strings that must never be shown: the password and what the server derives from it
    (Fever's api key, GReader's Auth and T tokens, TT-RSS's session id)."""

    def __init__(self) -> None:
        self._values: set[str] = set()

    def add(self, value: str | None) -> None:
        if value and len(value) >= 3:
            self._values.add(value)

    def scrub(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, "***")
        return text


def read_password(config: SyncConfig) -> str:
    """The password from password_env or password_command, read at sync time only. The command
    runs as an argv list without a shell; its stderr goes to the user's terminal, its stdout's
    first line is the password and is never echoed."""
    if config.password_env:
        value = os.environ.get(config.password_env)
        if not value:
            raise SyncConfigError(
                f"[sync] password_env names ${config.password_env}, which is not set or empty"
            )
        return value
    argv = list(config.password_command)
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            timeout=PASSWORD_COMMAND_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError:
        raise SyncConfigError(f"[sync] password_command: {argv[0]!r} not found") from None
    except subprocess.TimeoutExpired:
        raise SyncConfigError(
            f"[sync] password_command {argv[0]!r} did not finish in {PASSWORD_COMMAND_TIMEOUT_S} s"
        ) from None
    except OSError as err:
        raise SyncConfigError(
            f"[sync] password_command {argv[0]!r} cannot run: {err.strerror}"
        ) from None
    if done.returncode != 0:
        raise SyncConfigError(
            f"[sync] password_command {argv[0]!r} failed (exit {done.returncode})"
        )
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    password = lines[0].strip("\r\n") if lines else ""
    if not password:
        raise SyncConfigError(f"[sync] password_command {argv[0]!r} printed no password")
    return password


def public_url(url: str) -> str:
    """The URL without any user:password@ part, for messages and --json."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


# ---------------------------------------------------------------- HTTP


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Http:
    """One httpx client per sync: a timeout on every request, a size cap on every answer,
    bounded redirects, and failures turned into named SyncServerErrors."""

    def __init__(
        self, api: str, base_url: str, secrets: Secrets, timeout_s: float, max_bytes: int,
        headers: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        self.api = api
        self.where = public_url(base_url)
        self.host = urlsplit(base_url).netloc.rpartition("@")[2]
        self.secrets = secrets
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.client = httpx.Client(
            timeout=timeout_s,
            follow_redirects=False,  # followed by send(), within the same origin only
            headers={"User-Agent": USER_AGENT, **(headers or {})},
        )
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def error(
        self, message: str, reason: str, status: int | None = None, maybe_applied: bool = False
    ) -> SyncServerError:
        return SyncServerError(self.secrets.scrub(message), reason, status, maybe_applied)

    def send(self, method: str, url: str, **kwargs: Any) -> Answer:
        """One request, following at most MAX_REDIRECTS redirects, and only within the same
        origin (or from http to https on the same host): a redirect elsewhere would carry the
        form or JSON body, where Fever's api_key and TT-RSS's password travel, to another
        site (issue 29). Such a redirect is an error that says why it was not followed."""
        for _ in range(MAX_REDIRECTS + 1):
            answer = self._send_once(method, url, **kwargs)
            location = answer.headers.get("location")
            if answer.status not in REDIRECTS or not location:
                return answer
            target = urljoin(url, location)
            if not same_origin(url, target):
                raise self.error(
                    f"{self.host} redirects to {_origin(target)}, another site: Byline does not"
                    " follow it, so your credentials are not sent there (if that is your server,"
                    " set [sync] url to it)",
                    "http",
                    answer.status,
                )
            if answer.status in (301, 302, 303) and method != "GET":
                method = "GET"  # what browsers and httpx do: the body is not sent again
                kwargs = {k: v for k, v in kwargs.items() if k not in ("data", "json", "content")}
            url = target
            kwargs.pop("params", None)  # the Location already carries the query it wants
        raise self.error(f"{self.host} redirects in a loop", "http")

    def _send_once(self, method: str, url: str, **kwargs: Any) -> Answer:
        self.requests += 1
        sent = False
        try:
            with self.client.stream(method, url, **kwargs) as response:
                sent = True
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise self.error(
                            f"{self.host} sent more than {self.max_bytes:,} bytes in one answer",
                            "garbage",
                        )
                    chunks.append(chunk)
                return Answer(response.status_code, response.headers, b"".join(chunks))
        except httpx.DecodingError:
            raise self.error(
                f"{self.host} answered a body that cannot be decoded (broken compression)",
                "garbage",
            ) from None
        except (httpx.ConnectTimeout, httpx.PoolTimeout):
            raise self.error(
                f"no answer from {self.host} within {self.timeout_s:g} s (is the server up?)",
                "timeout",
            ) from None
        except httpx.TimeoutException:
            raise self.error(
                f"no answer from {self.host} within {self.timeout_s:g} s (is the server up?)",
                "timeout",
                maybe_applied=True,
            ) from None
        except httpx.ConnectError as err:
            raise self.error(
                f"cannot reach {self.host}: {_transport_reason(err)}", "unreachable"
            ) from None
        except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as err:
            raise self.error(
                f"cannot reach {self.host}: {_transport_reason(err)}",
                "unreachable",
                maybe_applied=sent or isinstance(err, httpx.RemoteProtocolError | httpx.ReadError),
            ) from None

    def check_status(self, answer: Answer, what: str) -> None:
        """5xx and other non-2xx answers as named errors (401/403 are the caller's: login)."""
        if 200 <= answer.status < 300:
            return
        reason = httpx.codes.get_reason_phrase(answer.status) or "error"
        raise self.error(
            f"{self.host} answered HTTP {answer.status} ({reason}) to {what}", "http", answer.status
        )

    def json(self, answer: Answer, what: str) -> Any:
        """The answer as JSON whatever its Content-Type says (FreshRSS labels JSON text/html), or
        a named error saying it was a web page or garbage."""
        self.check_status(answer, what)
        try:
            return json.loads(answer.body)
        except (ValueError, UnicodeDecodeError):
            if looks_like_html(answer):
                raise self.error(
                    f"{self.host} answered a web page, not the {self.api} API, to {what}"
                    f" (check [sync] url: {self.where})",
                    "html",
                ) from None
            raise self.error(
                f"{self.host} answered something that is not {self.api} JSON to {what}", "garbage"
            ) from None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = None
    host = (parts.hostname or "").lower()
    return f"{scheme}://{host}:{port}"


def same_origin(url: str, target: str) -> bool:
    """Same scheme, host and port; or http -> https on the same host (an upgrade)."""
    if _origin(url) == _origin(target):
        return True
    a, b = urlsplit(url), urlsplit(target)
    return (
        a.scheme.lower() == "http"
        and b.scheme.lower() == "https"
        and (a.hostname or "").lower() == (b.hostname or "").lower()
    )


def looks_like_html(answer: Answer) -> bool:
    kind = answer.headers.get("content-type", "").lower()
    head = answer.body[:200].lstrip().lower()
    return "html" in kind or head.startswith((b"<!doctype", b"<html", b"<?xml", b"<"))


def _transport_reason(err: Exception) -> str:
    text = str(err) or type(err).__name__
    if "refused" in text.lower():
        return "connection refused (is the server up?)"
    if "name or service" in text.lower() or "nodename" in text.lower():
        return "unknown host name"
    return text.splitlines()[0][:200]


# ---------------------------------------------------------------- the interface


class SyncClient(ABC):
    """One server account. Methods raise SyncError subclasses only."""

    kind: str = ""
    api: str = ""
    can_subscribe: bool = True

    def __init__(self, config: SyncConfig, password: str, timeout_s: float, max_bytes: int):
        self.config = config
        self.secrets = Secrets()
        self.secrets.add(password)
        self.password = password

    @abstractmethod
    def login(self) -> None: ...

    @abstractmethod
    def feeds(self) -> list[RemoteFeed]: ...

    @abstractmethod
    def new_items(
        self, cursor: Cursor, known: set[str], window_s: float
    ) -> Iterator[list[RemoteItem]]:
        """Batches of items new since the cursor (the first sync: everything the server keeps
        within window_s, where the API can ask by time). Moves the cursor as it goes."""

    @abstractmethod
    def items_by_id(self, ids: list[str]) -> Iterator[list[RemoteItem]]:
        """Batches of the given items (unread or starred ones older than the first sync's
        window, or that a walk by id missed)."""

    @abstractmethod
    def unread_ids(self) -> set[str]: ...

    @abstractmethod
    def saved_ids(self) -> set[str]: ...

    @abstractmethod
    def mark(self, ids: list[str], field: str, value: bool) -> None:
        """Set read (field "read") or starred (field "saved") on the server."""

    # True: the engine hands push_all() every queued change of one kind at once, so the client
    # can send fewer calls than changes (Fever marks one item per call, or a whole feed).
    bulk = False

    def push_all(
        self, ids: list[str], field: str, value: bool, feed_of: dict[str, str],
        newest: float | None = None,
    ) -> None:  # fmt: skip
        """Send one kind of change for many items; feed_of maps the item ids known here to
        their server feed ids; newest: the newest publication time among the items (marking
        read), so a bulk "mark read" can be bounded by what the user saw."""
        self.mark(ids, field, value)

    def subscribe(self, url: str, folder: str | None = None) -> None:
        raise SyncUnsupported(f"the {self.api} API cannot subscribe to feeds")

    def unsubscribe(self, feed: RemoteFeed) -> None:
        raise SyncUnsupported(f"the {self.api} API cannot unsubscribe from feeds")

    def close(self) -> None:
        http = getattr(self, "http", None)
        if http is not None:
            http.close()

    @property
    def requests(self) -> int:
        http = getattr(self, "http", None)
        return http.requests if http is not None else 0
