"""A Google Reader API server for the sync tests, following FreshRSS's and Miniflux's documented
behaviour (neither can be installed here), with each server's quirks:

both      ClientLogin reads form fields Email/Passwd only (a JSON body is not read: 401);
          `Authorization: GoogleLogin auth=` on GETs; edit token T from reader/api/0/token;
          a wrong T answers 401 with `X-Reader-Google-Bad-Token: true`.
freshrss  base path /api/greader.php; JSON endpoints without output=json answer 501; POSTs
          need the header AND T; item ids are microsecond timestamps; the continuation is
          the next item's id; `ot` compares with the crawl time; an id that is not all digits
          or starts with 0 is read as hex (the short decimal form otherwise).
miniflux  base path /; POSTs are authenticated by T only (the header is ignored), GETs by the
          header only; no stream/contents (404); n capped at 10000; the continuation is an
          offset; `ot` compares with the *published* date; the long form must have exactly
          16 hex digits; subscribe wants s=feed/<url>, unsubscribe s=feed/<numeric id>.
inoreader freshrss's rules at /, plus AppId and AppKey headers on every call.

State is in memory; `requests` records every call for the tests' assertions.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

LONG = "tag:google.com,2005:reader/item/"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"


@dataclass
class Item:
    id: int
    feed: int
    title: str
    content: str
    published: float
    crawled: float
    read: bool = False
    starred: bool = False


@dataclass
class Sub:
    id: int
    url: str
    title: str
    folder: str | None = None


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    form: list[tuple[str, str]]
    headers: dict[str, str]
    status: int = 0


@dataclass
class State:
    subs: dict[int, Sub] = field(default_factory=dict)
    items: dict[int, Item] = field(default_factory=dict)


class GReaderServer:
    def __init__(
        self, flavour: str, username: str = "ada", password: str = "correct-horse-battery",
        app_id: str = "1000001", app_key: str = "appkey-secret",
    ) -> None:  # fmt: skip
        assert flavour in ("freshrss", "miniflux", "inoreader")
        self.flavour = flavour
        self.username, self.password = username, password
        self.app_id, self.app_key = app_id, app_key
        self.auth = "auth-" + secrets.token_hex(16)
        self.token = "T" + secrets.token_hex(12)
        self.state = State()
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.next_feed = 1
        self.next_item = 1
        self.broken: str | None = None  # "500" | "html" | "garbage" | "down"
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._handle(self)

            do_POST = do_GET

        class Http(ThreadingHTTPServer):
            daemon_threads = True

        self._http_class, self._handler = Http, Handler
        self.httpd = Http(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def down(self) -> None:
        """An outage: nothing listens on the port any more (state kept)."""
        self.stop()

    def up(self) -> None:
        self.httpd = self._http_class(("127.0.0.1", self.port), self._handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    # ------------------------------------------------------------ setup from tests

    @property
    def base(self) -> str:
        return "/api/greader.php" if self.flavour == "freshrss" else ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.base or '/'}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def add_feed(self, url: str, title: str, folder: str | None = None) -> int:
        with self.lock:
            feed_id = self.next_feed
            self.next_feed += 1
            self.state.subs[feed_id] = Sub(feed_id, url, title, folder)
            return feed_id

    def add_items(
        self, feed_id: int, count: int, prefix: str, published: float | None = None,
        read: bool = False, starred: bool = False,
    ) -> list[int]:  # fmt: skip
        ids = []
        with self.lock:
            now = time.time()
            for n in range(count):
                if self.flavour == "freshrss":  # ids are microsecond crawl timestamps
                    item_id = max(int(now * 1_000_000) + n, self.next_item)
                    self.next_item = item_id + 1
                else:
                    item_id = self.next_item
                    self.next_item += 1
                when = (published if published is not None else now - 60) - (count - n)
                self.state.items[item_id] = Item(
                    item_id, feed_id, f"{prefix} {n}",
                    f"<p>{prefix} {n}: “Items come from the stream,” said Grace Hopper.</p>",
                    when, now, read, starred,
                )  # fmt: skip
                ids.append(item_id)
        return ids

    def expire_token(self) -> None:
        self.token = "T" + secrets.token_hex(12)

    def ids(self, which: str) -> set[str]:
        """Long-form ids of unread or starred items (what Byline keeps as remote ids)."""
        with self.lock:
            items = self.state.items.values()
            chosen = [i for i in items if (not i.read if which == "unread" else i.starred)]
        return {f"{LONG}{i.id:016x}" for i in chosen}

    def edit_posts(self) -> list[Seen]:
        return [r for r in self.requests if r.path.endswith("/edit-tag")]

    # ------------------------------------------------------------ HTTP

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        ctype = h.headers.get("Content-Type", "")
        form = parse_qsl(raw.decode(), keep_blank_values=True) if "form" in ctype else []
        query: dict[str, list[str]] = {}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            query.setdefault(key, []).append(value)
        seen = Seen(
            h.command, parts.path, query, form, {k.lower(): v for k, v in h.headers.items()}
        )
        with self.lock:
            self.requests.append(seen)
        status, headers, body = self._route(seen, raw)
        seen.status = status
        if status == -1:  # "down": close without answering
            h.close_connection = True
            return
        h.send_response(status)
        for key, value in headers.items():
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _route(self, r: Seen, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        text = {"Content-Type": "text/plain; charset=utf-8"}
        if self.broken == "500":
            return 500, text, b"Internal Server Error"
        if self.broken == "html":
            return 200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html>Sign in</html>"
        if self.broken == "garbage":
            return 200, {"Content-Type": "application/json"}, b"\x00\x01{nope"
        if self.broken == "down":
            return -1, {}, b""
        if not r.path.startswith(self.base + "/"):
            return 404, text, b"not found"
        path = r.path[len(self.base) :]
        if self.flavour == "inoreader" and (
            r.headers.get("appid") != self.app_id or r.headers.get("appkey") != self.app_key
        ):
            return 403, text, b"AppId/AppKey required"
        if path == "/accounts/ClientLogin":
            fields = dict(r.form)  # a JSON body is not read: no fields
            if fields.get("Email") == self.username and fields.get("Passwd") == self.password:
                return 200, text, f"SID={self.auth}\nLSID=null\nAuth={self.auth}\n".encode()
            return 401, text, b"Error=BadAuthentication\n"
        if not path.startswith("/reader/api/0/"):
            return 404, text, b"not found"
        endpoint = path[len("/reader/api/0/") :]
        header_ok = r.headers.get("authorization") == f"GoogleLogin auth={self.auth}"
        token_ok = dict(r.form).get("T") == self.token
        if (r.method == "GET" or self.flavour != "miniflux") and not header_ok:
            return 401, text, b"Unauthorized"
        if r.method == "POST" and not token_ok:
            return 401, {**text, "X-Reader-Google-Bad-Token": "true"}, b"Unauthorized"
        if endpoint == "token":
            return 200, text, self.token.encode()
        json_endpoints = {
            "subscription/list", "stream/items/ids", "stream/items/contents", "user-info",
        }  # fmt: skip
        if (
            self.flavour != "miniflux"
            and endpoint in json_endpoints
            and r.query.get("output") != ["json"]
        ):
            return 501, text, b"Not Implemented"
        try:
            result = self._api(endpoint, r)
        except _Fail as fail:
            return fail.status, text, fail.message.encode()
        if isinstance(result, str):
            return 200, text, result.encode()
        return 200, {"Content-Type": "application/json"}, json.dumps(result).encode()

    # ------------------------------------------------------------ the API

    def _item_id(self, value: str) -> int:
        if self.flavour == "miniflux":
            if value.startswith(LONG):
                hex_part = value[len(LONG) :]
                if len(hex_part) != 16:
                    raise _Fail(400, "long form ID has incorrect length")
                return int(hex_part, 16)
            return int(value, 10)
        tail = value.rsplit("/", 1)[-1]
        if not tail.isdigit() or tail.startswith("0"):
            return int(tail, 16)
        return int(tail, 10)

    def _filtered(self, r: Seen) -> list[Item]:
        stream = (r.query.get("s") or [READING_LIST])[0]
        with self.lock:
            items = list(self.state.items.values())
        items = [i for i in items if i.feed in self.state.subs]
        if stream == STARRED:
            items = [i for i in items if i.starred]
        elif stream.startswith("feed/"):
            items = [i for i in items if f"feed/{i.feed}" == stream]
        elif stream != READING_LIST:
            raise _Fail(400, "unknown stream")
        if READ in r.query.get("xt", []):
            items = [i for i in items if not i.read]
        if "ot" in r.query:
            ot = int(r.query["ot"][0])
            key = (lambda i: i.published) if self.flavour == "miniflux" else (lambda i: i.crawled)
            items = [i for i in items if key(i) >= ot]
        items.sort(key=lambda i: (i.published, i.id), reverse=True)
        return items

    def _api(self, endpoint: str, r: Seen) -> object:
        form = r.form
        if endpoint == "subscription/list":
            return {
                "subscriptions": [
                    {
                        "id": f"feed/{s.id}",
                        "title": s.title,
                        "categories": (
                            [{"id": f"user/-/label/{s.folder}", "label": s.folder}]
                            if s.folder
                            else []
                        ),
                        "url": s.url,
                        "htmlUrl": "https://example.org/",
                        "iconUrl": "",
                    }
                    for s in self.state.subs.values()
                ]
            }
        if endpoint == "stream/items/ids":
            items = self._filtered(r)
            n = int((r.query.get("n") or ["20"])[0])
            if self.flavour == "miniflux":
                n = min(n, 10000)
                offset = int((r.query.get("c") or ["0"])[0])
                page = items[offset : offset + n]
                more = offset + n < len(items)
                continuation = str(offset + n) if more else ""
            else:
                start = 0
                if r.query.get("c"):
                    after = int(r.query["c"][0])
                    start = next((k for k, i in enumerate(items) if i.id == after), len(items))
                page = items[start : start + n]
                more = start + n < len(items)
                continuation = str(items[start + n].id) if more else ""
            answer: dict = {"itemRefs": [{"id": str(i.id)} for i in page]}
            if self.flavour == "freshrss" and not page:
                answer = {}
            if continuation:
                answer["continuation"] = continuation
            return answer
        if endpoint == "stream/items/contents":
            if r.method != "POST" and self.flavour == "miniflux":
                raise _Fail(405, "POST only")
            wanted = [self._item_id(v) for k, v in form if k == "i"]
            with self.lock:
                found = [self.state.items[i] for i in wanted if i in self.state.items]
            return {"items": [self._content(i) for i in found]}
        if endpoint == "stream/contents" or endpoint.startswith("stream/contents/"):
            if self.flavour == "miniflux":
                raise _Fail(404, "page not found")
            return {"items": [self._content(i) for i in self._filtered(r)[:20]]}
        if endpoint == "edit-tag":
            ids = [self._item_id(v) for k, v in form if k == "i"]
            add = [v for k, v in form if k == "a"]
            remove = [v for k, v in form if k == "r"]
            with self.lock:
                for item_id in ids:
                    item = self.state.items.get(item_id)
                    if item is None:
                        continue
                    if READ in add:
                        item.read = True
                    if READ in remove:
                        item.read = False
                    if STARRED in add:
                        item.starred = True
                    if STARRED in remove:
                        item.starred = False
            return "OK"
        if endpoint == "mark-all-as-read":
            stream = dict(form).get("s", READING_LIST)
            ts_us = int(dict(form).get("ts", "0"))  # microseconds
            with self.lock:
                for item in self.state.items.values():
                    if (
                        stream in (READING_LIST, f"feed/{item.feed}")
                        and item.crawled * 1e6 <= ts_us
                    ):
                        item.read = True
            return "OK"
        if endpoint == "subscription/edit":
            fields = dict(form)
            action, stream = fields.get("ac"), fields.get("s", "")
            if not stream.startswith("feed/"):
                raise _Fail(400, "s must be feed/...")
            target = stream[len("feed/") :]
            if action == "subscribe":
                if "://" not in target:
                    raise _Fail(400, "subscribe wants feed/<url>")
                label = fields.get("a", "")
                folder = label.rsplit("/", 1)[-1] if label.startswith("user/-/label/") else None
                self.add_feed(target, target, folder)
                return "OK"
            if action == "unsubscribe":
                if self.flavour == "miniflux" and not target.isdigit():
                    raise _Fail(400, "unsubscribe wants feed/<numeric id>")
                with self.lock:
                    match = [
                        s
                        for s in self.state.subs.values()
                        if str(s.id) == target or s.url == target
                    ]
                    if not match:
                        raise _Fail(404, "no such subscription")
                    del self.state.subs[match[0].id]
                return "OK"
            raise _Fail(400, "unknown action")
        if endpoint == "subscription/quickadd":
            url = dict(form).get("quickadd", "")
            if self.flavour == "freshrss" and url.startswith("feed/"):
                url = url[len("feed/") :]
            if "://" not in url:
                raise _Fail(400, "bad url")
            feed_id = self.add_feed(url, url)
            return {"numResults": 1, "query": url, "streamId": f"feed/{feed_id}"}
        raise _Fail(404, "unknown endpoint")

    def _content(self, item: Item) -> dict:
        sub = self.state.subs.get(item.feed)
        categories = [READING_LIST]
        if item.read:
            categories.append(READ)
        if item.starred:
            categories.append(STARRED)
        return {
            "id": f"{LONG}{item.id:016x}",
            "crawlTimeMsec": str(int(item.crawled * 1000)),
            "timestampUsec": str(int(item.published * 1_000_000)),
            "published": int(item.published),
            "title": item.title,
            "canonical": [{"href": f"https://example.org/{item.id}"}],
            "alternate": [{"href": f"https://example.org/{item.id}", "type": "text/html"}],
            "categories": categories,
            "origin": {
                "streamId": f"feed/{item.feed}",
                "title": sub.title if sub else "",
                "htmlUrl": "https://example.org/",
            },
            "summary": {"content": item.content},
            "author": "Reporter",
        }


class _Fail(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message
