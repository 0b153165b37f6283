"""A scriptable HTTP server on 127.0.0.1 for tests that need a real network peer.

Each test scripts the routes it needs; the server records every request it saw, so tests can
assert on what the client sent (conditional GET headers, User-Agent, redirects followed...).
Nothing here talks to anything but the loopback interface.

    server = FeedServer().start()          # or the `http_server` fixture in conftest.py
    server.route("/feed.xml", body=RSS, etag='"v1"', content_type="application/rss+xml")
    server.route("/old", redirect="/feed.xml", status=301)
    server.route("/slow", body=RSS, delay=5)                 # headers come after 5 s
    server.route("/drip", body=RSS, drip=(10, 0.5))          # 10 bytes every 0.5 s
    server.route("/busy", status=429, retry_after="120")
    server.script("/flaky", [Response(status=500), Response(body=RSS)])  # then repeats the last
    server.route("/custom", handler=lambda req: Response(body=req.path.encode()))
    url = server.url("/feed.xml")
    ...
    assert server.requests_for("/feed.xml")[-1].headers["if-none-match"] == '"v1"'
    server.stop()

Validators are honoured like a real server: a route with `etag` answers 304 to a matching
If-None-Match, and one with `last_modified` answers 304 to an If-Modified-Since that is not
older (If-None-Match wins when both are sent, as RFC 9110 says).

Faults for robustness suites: `delay` (before the status line), `drip` (slow body),
`declare_length` (lie about or omit Content-Length), `truncate` (close the connection after
N body bytes), `reset` (close without any response), `gzip` (Content-Encoding: gzip, or
`raw_gzip` bytes that are not really gzip), `status`/`retry_after`/any `headers`.
"""

from __future__ import annotations

import contextlib
import gzip as gzip_module
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

__all__ = ["FeedServer", "Request", "Response", "http_date"]


def http_date(ts: float) -> str:
    """An HTTP-date (IMF-fixdate) for Last-Modified and Retry-After."""
    return formatdate(ts, usegmt=True)


@dataclass(frozen=True)
class Request:
    """One request as the server received it. Header names are lower-cased."""

    method: str
    path: str  # path and query, as sent
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when the request line arrived

    @property
    def route(self) -> str:
        """The path without its query string."""
        return urlsplit(self.path).path


@dataclass(frozen=True)
class Response:
    """What a route answers. Every field is optional; the default is an empty 200.

    status        HTTP status code.
    body          bytes (str is encoded as UTF-8).
    content_type  Content-Type header ("" for none).
    headers       extra headers, sent as given (they override computed ones).
    etag          sent as ETag; a matching If-None-Match gets 304.
    last_modified HTTP-date sent as Last-Modified; If-Modified-Since >= it gets 304.
    redirect      a Location (absolute, or a path on this server); status defaults to 302
                  unless `status` is a 3xx.
    retry_after   sent as Retry-After (seconds or an HTTP-date).
    gzip          compress the body and send Content-Encoding: gzip.
    delay         seconds to wait before sending anything (a slow server).
    drip          (chunk_size, interval_s): send the body in slow pieces (a slow body).
    declare_length True: a correct Content-Length; False: none (body ends with the
                  connection); an int: that (possibly false) Content-Length.
    truncate      send only this many body bytes, then close the connection.
    reset         close the connection without answering at all.
    handler       callable(Request) -> Response computed per request (overrides the rest).
    """

    status: int = 200
    body: bytes | str = b""
    content_type: str = "application/xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    redirect: str | None = None
    retry_after: str | int | None = None
    gzip: bool = False
    delay: float = 0.0
    drip: tuple[int, float] | None = None
    declare_length: bool | int = True
    truncate: int | None = None
    reset: bool = False
    handler: Callable[[Request], Response] | None = None


class _Route:
    """A route's responses: given in turn, the last one repeated forever."""

    def __init__(self, responses: Sequence[Response]) -> None:
        if not responses:
            raise ValueError("a route needs at least one response")
        self._responses = list(responses)
        self._lock = threading.Lock()

    def next(self) -> Response:
        with self._lock:
            return self._responses.pop(0) if len(self._responses) > 1 else self._responses[0]


class FeedServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 with an ephemeral port and scripted routes.

    Thread-safe: routes may be changed and requests read while clients are connected.
    Unscripted paths answer 404. Use `reset()` between tests to share one server.
    """

    def __init__(self) -> None:
        self._routes: dict[str, _Route] = {}
        self._requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()

    # ------------------------------------------------------------ lifecycle

    def start(self) -> FeedServer:
        server = self

        class Handler(_Handler):
            owner = server

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        httpd.block_on_close = False  # a dripping handler must not hold up stop()
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "start() the server first"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # ------------------------------------------------------------ scripting

    def route(self, path: str, response: Response | None = None, **fields) -> str:
        """Answer `path` (with or without a query) with one response, every time.
        Pass a Response or its fields as keywords. Returns the route's full URL."""
        if response is None:
            response = Response(**fields)
        elif fields:
            response = replace(response, **fields)
        return self.script(path, [response])

    def script(self, path: str, responses: Sequence[Response]) -> str:
        """Answer `path` with these responses in turn; the last one then repeats."""
        with self._lock:
            self._routes[path] = _Route(responses)
        return self.url(path)

    def unroute(self, path: str) -> None:
        with self._lock:
            self._routes.pop(path, None)

    def reset(self) -> None:
        """Forget every route and every recorded request."""
        with self._lock:
            self._routes.clear()
            self._requests.clear()

    # ------------------------------------------------------------ inspection

    @property
    def requests(self) -> list[Request]:
        """Every request seen since the last reset, in arrival order."""
        with self._lock:
            return list(self._requests)

    def requests_for(self, path: str) -> list[Request]:
        """Requests of one route: `path` matches the full path or the path without query."""
        return [r for r in self.requests if r.path == path or r.route == path]

    # ------------------------------------------------------------ internals

    def _record(self, request: Request) -> None:
        with self._lock:
            self._requests.append(request)

    def _lookup(self, request: Request) -> Response:
        with self._lock:
            route = self._routes.get(request.path) or self._routes.get(request.route)
        if route is None:
            return Response(status=404, body=b"no such route", content_type="text/plain")
        response = route.next()
        if response.handler is not None:
            response = response.handler(request)
        return response


def _not_modified(response: Response, headers: dict[str, str]) -> bool:
    """Whether the client's validators match (If-None-Match wins over If-Modified-Since)."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None and response.etag:
        tags = [t.strip() for t in if_none_match.split(",")]
        weak = response.etag.removeprefix("W/")
        return "*" in tags or any(t.removeprefix("W/") == weak for t in tags)
    since = headers.get("if-modified-since")
    if since and response.last_modified:
        try:
            return parsedate_to_datetime(since) >= parsedate_to_datetime(response.last_modified)
        except (TypeError, ValueError):
            return False
    return False


class _Handler(BaseHTTPRequestHandler):
    owner: FeedServer
    protocol_version = "HTTP/1.1"
    server_version = "TestFeedServer/1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass  # keep test output clean

    def handle(self) -> None:
        with contextlib.suppress(OSError):  # the client gave up (a timeout test): fine
            super().handle()

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            at=time.monotonic(),
        )
        self.owner._record(request)
        response = self.owner._lookup(request)
        if response.delay and self.owner._closing.wait(response.delay):
            return
        if response.reset:
            self._abort()
            return
        self._respond(request, response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def do_HEAD(self) -> None:
        self._serve()

    def _abort(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _respond(self, request: Request, response: Response) -> None:
        status, headers = response.status, {}
        body = response.body.encode("utf-8") if isinstance(response.body, str) else response.body
        if response.redirect is not None:
            status = status if 300 <= status < 400 else 302
            headers["Location"] = response.redirect
            body = body or b""
        if response.etag:
            headers["ETag"] = response.etag
        if response.last_modified:
            headers["Last-Modified"] = response.last_modified
        if response.retry_after is not None:
            headers["Retry-After"] = str(response.retry_after)
        if status == 200 and _not_modified(response, request.headers):
            status, body = 304, b""
        if status == 304:
            headers.pop("Content-Type", None)
        elif response.content_type:
            headers["Content-Type"] = response.content_type
        if response.gzip and body:
            body = gzip_module.compress(body)
            headers["Content-Encoding"] = "gzip"
        if response.declare_length is True:
            headers["Content-Length"] = str(len(body))
        elif response.declare_length is not False:
            headers["Content-Length"] = str(int(response.declare_length))
        else:
            self.close_connection = True  # the body ends when the connection does
            headers["Connection"] = "close"
        headers.update(response.headers)

        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if request.method == "HEAD" or status == 304:
            return
        if response.truncate is not None:
            body = body[: response.truncate]
        if response.drip:
            size, interval = response.drip
            for start in range(0, len(body), max(size, 1)):
                self.wfile.write(body[start : start + size])
                self.wfile.flush()
                if self.owner._closing.wait(interval):
                    break
        else:
            self.wfile.write(body)
        self.wfile.flush()
        if response.truncate is not None:
            self._abort()
