"""Google Reader API servers for the sync tests, one flavour per real server, built from its
code or documentation because none of them can run here (FreshRSS needs its PHP app and
database, Miniflux a newer Go toolchain than this machine has, The Old Reader and Inoreader
are hosted services). Each behaviour carries a comment naming where it comes from:

  FR  FreshRSS   p/api/greader.php (FreshRSS/FreshRSS, read by function at 0eaaa12; the
                 line numbers "L…" are those issue 26 gives for current main),
                 app/Models/Entry.php toGReader, lib/lib_rss.php escapeToUnicodeAlternative
  MF  Miniflux   internal/googlereader/handler.go (miniflux/v2, read by function at b1e73fa
                 and at the newer response.JSON* version), entry_query_builder.go; the n
                 clamp of 2.3.x is from issue 26 (not in the versions read here)
  OR  The Old Reader   github.com/theoldreader/api README.md
  IR  Inoreader  inoreader.com/developers (authentication, rate-limiting, stream-ids pages)

State is in memory; `requests` records every call for the tests' assertions. Item ids are
ints inside; each flavour shows them its way (decimal, 16-hex long form, 24-hex ObjectId).
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
FLAVOURS = ("freshrss", "miniflux", "oldreader", "inoreader")
TEXT = {"Content-Type": "text/plain; charset=UTF-8"}
JSON = {"Content-Type": "application/json"}
NO_TYPE: dict[str, str] = {}  # FR: PHP's default, filled in as text/html below
MINIFLUX_USER = 7
OBJECT_ID_BASE = 0x5A2CD9DD175AD6B4B3000000  # OR: ObjectIds are 24 hex digits


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


class _Fail(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or TEXT


class GReaderServer:
    def __init__(
        self, flavour: str, username: str = "ada", password: str = "correct-horse-battery",
        app_id: str = "1000001", app_key: str = "appkey-secret",
    ) -> None:  # fmt: skip
        assert flavour in FLAVOURS, flavour
        self.flavour = flavour
        self.username, self.password = username, password
        self.app_id, self.app_key = app_id, app_key
        self.auth = f"{username}/" + secrets.token_hex(20)  # FR: user/sha1 (clientLogin)
        # FR: token() is the sha1 padded to 57 characters with Z; OR: the token is the Auth
        self.token = secrets.token_hex(20).ljust(57, "Z")
        if flavour == "oldreader":
            self.token = self.auth
        self.state = State()
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.next_feed = 1
        self.next_item = 1
        self.broken: str | None = None  # "500" | "html" | "garbage" | "down"
        # IR rate-limiting page: Zone 1 = reads, Zone 2 = writes, per day; 429 past the limit
        self.zone_limits = {1: 10**9, 2: 10**9}
        self.zone_usage = {1: 0, 2: 0}
        self.reset_after = 3600
        self.reset_at = 0.0
        self.unknown: set[str] = set()
        self.concurrent_unread: list[int] = []  # items marked read while the next ids page is made
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
                if self.flavour == "freshrss":  # FR: ids are microsecond crawl timestamps
                    item_id = max(int(now * 1_000_000) + n, self.next_item)
                    self.next_item = item_id + 1
                elif self.flavour == "oldreader":  # OR: BSON ObjectIds
                    item_id = OBJECT_ID_BASE + self.next_item
                    self.next_item += 1
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
        self.token = secrets.token_hex(20).ljust(57, "Z")

    def long(self, item_id: int) -> str:
        return f"{LONG}{item_id:024x}" if self.flavour == "oldreader" else f"{LONG}{item_id:016x}"

    def ids(self, which: str) -> set[str]:
        """Long-form ids of unread or starred items (what Byline keeps as remote ids)."""
        with self.lock:
            items = self.state.items.values()
            chosen = [i for i in items if (not i.read if which == "unread" else i.starred)]
        return {self.long(i.id) for i in chosen}

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
        status, headers, body = self._route(seen)
        seen.status = status
        if status == -1:  # "down": close without answering
            h.close_connection = True
            return
        h.send_response(status)
        if "Content-Type" not in headers:
            headers = {**headers, "Content-Type": "text/html; charset=UTF-8"}  # FR: PHP default
        for key, value in headers.items():
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _route(self, r: Seen) -> tuple[int, dict[str, str], bytes]:
        if self.broken == "500":
            return 500, TEXT, b"Internal Server Error"
        if self.broken == "html":
            return 200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html>Sign in</html>"
        if self.broken == "garbage":
            return 200, JSON, b"\x00\x01{nope"
        if self.broken == "down":
            return -1, {}, b""
        if not r.path.startswith(self.base + "/"):
            return 404, TEXT, b"not found"
        path = r.path[len(self.base) :]
        try:
            extra = self._zone(path)
            status, headers, body = self._dispatch(path, r)
            return status, {**headers, **extra}, body
        except _Fail as fail:
            return fail.status, fail.headers, fail.message.encode()

    def _zone(self, path: str) -> dict[str, str]:
        """IR rate-limiting: every call counts in its zone (writes in Zone 2); past the daily
        limit a 429, with the usage headers on every answer."""
        if self.flavour != "inoreader" or path == "/accounts/ClientLogin":
            return {}
        if self.reset_at and time.time() >= self.reset_at:  # the limits reset
            self.zone_usage, self.reset_at = {1: 0, 2: 0}, 0.0
        writes = ("edit-tag", "mark-all-as-read", "subscription/edit", "subscription/quickadd")
        zone = 2 if path.endswith(writes) else 1
        self.zone_usage[zone] += 1
        headers = {
            "X-Reader-Zone1-Limit": str(self.zone_limits[1]),
            "X-Reader-Zone1-Usage": str(self.zone_usage[1]),
            "X-Reader-Zone2-Limit": str(self.zone_limits[2]),
            "X-Reader-Zone2-Usage": str(self.zone_usage[2]),
            "X-Reader-Limits-Reset-After": str(self.reset_after),
        }
        if self.zone_usage[zone] > self.zone_limits[zone]:
            self.reset_at = self.reset_at or time.time() + self.reset_after
            raise _Fail(429, "Daily request limit reached", {**TEXT, **headers})
        return headers

    def _unauthorized(self) -> _Fail:
        if self.flavour == "freshrss":
            # FR unauthorized() (L133 the header): 401, text/plain, Google-Bad-Token on EVERY 401
            return _Fail(401, "Unauthorized!", {**TEXT, "Google-Bad-Token": "true"})
        if self.flavour == "miniflux":  # MF json.Unauthorized: a JSON error_message
            return _Fail(401, '{"error_message":"Access Unauthorized"}', JSON)
        if self.flavour == "oldreader":  # OR README "Errors": {"errors": [...]}
            return _Fail(401, '{"errors":["Unauthorized"]}', JSON)
        return _Fail(401, "AppId/AppKey or token invalid", TEXT)

    def _dispatch(self, path: str, r: Seen) -> tuple[int, dict[str, str], bytes]:
        if path == "/accounts/ClientLogin":
            return self._login(r)
        if not path.startswith("/reader/api/0/"):
            raise _Fail(404, "not found")
        endpoint = path[len("/reader/api/0/") :]
        self._check_auth(r, endpoint)
        self._check_output(r, endpoint)
        result = self._api(endpoint, r)
        if isinstance(result, tuple):
            return result
        if isinstance(result, str):
            return 200, self._text_type(), result.encode()
        return 200, self._json_type(endpoint), json.dumps(result).encode()

    def _text_type(self) -> dict[str, str]:
        # FR token() and exit('OK') set no Content-Type: PHP's default text/html
        return NO_TYPE if self.flavour == "freshrss" else TEXT

    def _json_type(self, endpoint: str) -> dict[str, str]:
        if self.flavour == "freshrss" and endpoint in ("stream/items/ids", "subscription/quickadd"):
            return NO_TYPE  # FR streamContentsItemsIds (L710-767) / quickadd: no header
        return JSON

    def _login(self, r: Seen) -> tuple[int, dict[str, str], bytes]:
        if self.flavour == "inoreader" and (
            r.headers.get("appid") != self.app_id or r.headers.get("appkey") != self.app_key
        ):
            # IR authentication: "ClientLogin ... is NOT available for new integrations";
            # only an app registered with AppId/AppKey may still use it.
            raise _Fail(403, "ClientLogin is not available: use OAuth 2.0")
        if self.flavour == "miniflux" and r.method != "POST":
            raise _Fail(405, "Method Not Allowed")  # MF: route .Methods(http.MethodPost)
        fields = dict(r.form)
        if self.flavour == "freshrss":  # FR: $_REQUEST['Email'], query or form
            fields = {**{k: v[0] for k, v in r.query.items()}, **fields}
        if fields.get("Email") == self.username and fields.get("Passwd") == self.password:
            sid = "none" if self.flavour == "oldreader" else self.auth
            lsid = "null" if self.flavour == "freshrss" else sid
            return 200, TEXT, f"SID={sid}\nLSID={lsid}\nAuth={self.auth}\n".encode()
        raise self._unauthorized()

    def _check_auth(self, r: Seen, endpoint: str) -> None:
        header_ok = r.headers.get("authorization") == f"GoogleLogin auth={self.auth}"
        token = dict(r.form).get("T")
        if self.flavour == "inoreader" and (
            r.headers.get("appid") != self.app_id or r.headers.get("appkey") != self.app_key
        ):
            raise _Fail(403, "AppId/AppKey required")
        if self.flavour == "miniflux" and r.method == "POST":
            # MF middleware.go apiKeyAuth: a POST by its form's T alone, a GET by the header
            if token != self.token:
                raise _Fail(401, "Unauthorized", {**TEXT, "X-Reader-Google-Bad-Token": "true"})
            return
        if not header_ok:
            raise self._unauthorized()
        checked = ("edit-tag", "rename-tag", "disable-tag", "mark-all-as-read")
        # FR L251-254 checkToken(): only on these four; '' (FeedMe) and 'x' (Reeder) pass
        if (
            self.flavour == "freshrss"
            and endpoint in checked
            and token not in ("", "x", self.token)
        ):
            raise self._unauthorized()
        if self.flavour == "inoreader" and r.method == "POST" and token != self.token:
            raise _Fail(401, "Unauthorized", {**TEXT, "X-Reader-Google-Bad-Token": "true"})

    def _check_output(self, r: Seen, endpoint: str) -> None:
        output = (r.query.get("output") or [""])[0] or dict(r.form).get("output", "")
        # FR: notImplemented() 501 without output=json on tag/list, subscription/list,
        # unread-count only
        listed = ("tag/list", "subscription/list", "unread-count")
        if self.flavour == "freshrss" and endpoint in listed and output != "json":
            raise _Fail(501, "Not Implemented!")
        if self.flavour == "miniflux":
            # MF checkOutputFormat(): 400 without output=json on these handlers
            wanted = ("stream/items/ids", "stream/items/contents", "subscription/list", "tag/list")
            if endpoint in wanted and output != "json":
                raise _Fail(400, '{"error_message":"only json output is supported"}', JSON)

    # ------------------------------------------------------------ the API

    def _item_id(self, value: str) -> int:
        tail = value.rsplit("/", 1)[-1]
        if self.flavour == "miniflux":
            # MF getItemIDs: Sscanf(EntryIDLong "%016x"), else ParseInt(item, 16)
            if value.startswith(LONG) and len(tail) != 16:
                raise _Fail(400, '{"error_message":"could not parse item"}', JSON)
            return int(tail, 16)
        if self.flavour == "oldreader":  # OR: ObjectIds, long form or bare
            if len(tail) != 24:
                raise _Fail(400, '{"errors":["Item not found"]}', JSON)
            return int(tail, 16)
        # FR streamContentsItems/editTag: not all digits or a leading 0 -> hex, else decimal
        if not tail.isdigit() or tail.startswith("0"):
            return int(tail, 16)
        return int(tail, 10)

    def _ref(self, item: Item) -> str:
        return f"{item.id:024x}" if self.flavour == "oldreader" else str(item.id)

    def _filtered(self, r: Seen) -> list[Item]:
        stream = (r.query.get("s") or [READING_LIST])[0]
        with self.lock:
            items = [i for i in self.state.items.values() if i.feed in self.state.subs]
        if stream.endswith("/state/com.google/starred"):
            items = [i for i in items if i.starred]
        elif stream.startswith("feed/"):
            items = [i for i in items if self._feed_id(i.feed) == stream]
        elif not stream.endswith("/state/com.google/reading-list"):
            raise _Fail(400, "unknown stream")
        if any(x.endswith("/state/com.google/read") for x in r.query.get("xt", [])):
            items = [i for i in items if not i.read]
        if "ot" in r.query:
            ot = int(r.query["ot"][0])
            if self.flavour == "miniflux":
                # MF AfterPublishedDate(ot): the PUBLISHED date (entry_query_builder.go 93-97)
                items = [i for i in items if i.published > ot]
            else:  # FR setMinDate -> e.id >= ot (microseconds): the crawl time
                items = [i for i in items if i.crawled >= ot]
        if self.flavour == "miniflux":  # MF: by published date, newest first
            items.sort(key=lambda i: (i.published, i.id), reverse=True)
        else:  # FR listIdsWhere: ORDER BY e.id DESC
            items.sort(key=lambda i: i.id, reverse=True)
        return items

    def _feed_id(self, feed: int) -> str:
        return (
            f"feed/{OBJECT_ID_BASE + feed:024x}" if self.flavour == "oldreader" else f"feed/{feed}"
        )

    def _ids(self, r: Seen) -> object:
        items = self._filtered(r)
        n = int((r.query.get("n") or ["20" if self.flavour == "freshrss" else "0"])[0])
        continuation = (r.query.get("c") or [""])[0]
        if self.flavour == "miniflux":
            n = 1000 if n <= 0 or n > 1000 else n  # MF 2.3.x: n clamped to 1000 (issue 26)
            offset = int(continuation or 0)  # MF getItemRefsAndContinuation: c is an offset
            page = items[offset : offset + n]
            answer: dict = {"itemRefs": [{"id": self._ref(i)} for i in page]}
            if offset + len(page) < len(items):  # MF: continuation omitted when 0
                answer["continuation"] = str(offset + len(page))
            self._race(r)
            return answer
        if self.flavour == "inoreader":
            n = min(n or 20, 1000)  # IR stream-ids: n at most 1000
        if self.flavour == "oldreader":
            n = min(n or 20, 10000)  # OR: "maximum limit is 10000 for item ids"
        start = 0
        if continuation:
            if self.flavour == "freshrss":
                # FR L730-763: c is the last id sent; n+1 from it, the first one dropped
                # (always dropped: if that item left the list meanwhile, e.g. read under
                # xt=read, the one after it is lost to the walk)
                after = int(continuation) if continuation.isdigit() else 0
                start = next((k for k, i in enumerate(items) if i.id <= after), len(items)) + 1
            else:  # OR / IR: an opaque token, here the id of the next item
                nxt = int(continuation, 16)
                start = next((k for k, i in enumerate(items) if i.id <= nxt), len(items))
        page = items[start : start + n]
        answer = {"itemRefs": [{"id": self._ref(i)} for i in page]}  # FR L748-757: [] if none
        self._race(r)
        if self.flavour == "freshrss":
            if len(page) >= n and page:  # FR: continuation = the last id sent
                answer["continuation"] = str(page[-1].id)
        elif start + n < len(items):
            answer["continuation"] = f"{items[start + n].id:x}"
        return answer

    def _race(self, r: Seen) -> None:
        """Another client marks items read just after a page of the unread list (xt=read)
        was made: what a walk by offset or by "the last id sent" then skips."""
        if not r.query.get("xt"):
            return
        with self.lock:
            for item_id in self.concurrent_unread:
                if item_id in self.state.items:
                    self.state.items[item_id].read = True
            self.concurrent_unread = []

    def _api(self, endpoint: str, r: Seen) -> object:
        form = r.form
        if endpoint in self.unknown:
            endpoint = "(unknown)"  # a test's server that lacks this route
        if endpoint == "token":
            return self.token + ("\n" if self.flavour == "freshrss" else "")
        if endpoint == "subscription/list":
            return {"subscriptions": [self._sub(s) for s in self.state.subs.values()]}
        if endpoint == "stream/items/ids":
            return self._ids(r)
        if endpoint == "stream/items/contents":
            if r.method != "POST" and self.flavour == "miniflux":
                raise _Fail(405, "Method Not Allowed")  # MF: route .Methods(POST)
            wanted = [self._item_id(v) for k, v in form if k == "i"]
            if self.flavour == "oldreader" and len(wanted) > 1000:
                raise _Fail(400, '{"errors":["Too many items"]}', JSON)  # OR: 1000 contents
            with self.lock:
                found = [self.state.items[i] for i in wanted if i in self.state.items]
            if not found and self.flavour == "miniflux":
                # MF streamItemContentsHandler: no entries for the ids -> 400
                raise _Fail(400, '{"error_message":"no items returned from the database"}', JSON)
            return {"items": [self._content(i) for i in found]}
        if endpoint == "edit-tag":
            return self._edit_tag(form)
        if endpoint == "mark-all-as-read":
            stream = dict(form).get("s", READING_LIST)
            ts_us = int(dict(form).get("ts", "0"))  # microseconds
            with self.lock:
                for item in self.state.items.values():
                    if (
                        stream in (READING_LIST, self._feed_id(item.feed))
                        and item.crawled * 1e6 <= ts_us
                    ):
                        item.read = True
            return "OK"
        if endpoint == "subscription/edit":
            return self._subscription_edit(form)
        if endpoint == "subscription/quickadd":
            return self._quickadd(r)
        if self.flavour == "miniflux":
            return []  # MF fallbackHandler: an unknown endpoint is 200 []
        if self.flavour == "freshrss":
            raise _Fail(400, "Bad Request!")  # FR: badRequest() at the end
        raise _Fail(404, "unknown endpoint")

    def _edit_tag(self, form: list[tuple[str, str]]) -> str:
        ids = [self._item_id(v) for k, v in form if k == "i"]
        add = [v.replace(f"user/{MINIFLUX_USER}/", "user/-/") for k, v in form if k == "a"]
        remove = [v.replace(f"user/{MINIFLUX_USER}/", "user/-/") for k, v in form if k == "r"]
        with self.lock:
            for item_id in ids:
                item = self.state.items.get(item_id)
                if item is None:
                    continue
                # MF 2.3 editTagHandler: only items not already so are changed
                # (`!read && status == read`), so a repeated mark is harmless
                if READ in add:
                    item.read = True
                if READ in remove:
                    item.read = False
                if STARRED in add:
                    item.starred = True
                if STARRED in remove:
                    item.starred = False
        return "OK"  # FR exit('OK') (text/html); MF response.Text "OK"

    def _subscription_edit(self, form: list[tuple[str, str]]) -> str:
        fields = dict(form)
        action, stream = fields.get("ac"), fields.get("s", "")
        if not stream.startswith("feed/"):
            raise _Fail(400, "s must be feed/...")
        target = stream[len("feed/") :]
        if action == "subscribe":
            if self.flavour == "oldreader":  # OR README: subscribing is quickadd only
                raise _Fail(400, '{"errors":["Unknown action"]}', JSON)
            if "://" not in target:
                raise _Fail(400, "subscribe wants feed/<url>")
            if any(s.url == target for s in self.state.subs.values()):
                if self.flavour == "miniflux":  # MF subscribe: ValidateFeedCreation -> 500
                    raise _Fail(500, '{"error_message":"This feed already exists."}', JSON)
                raise _Fail(400, "Bad Request!")  # FR: addFeed throws -> badRequest()
            label = fields.get("a", "")
            folder = label.rsplit("/", 1)[-1] if "/label/" in label else None
            self.add_feed(target, target, folder)
            return "OK"
        sub = self._sub_by_stream(stream)
        if action == "unsubscribe":
            if self.flavour == "miniflux" and not target.isdigit():
                raise _Fail(500, '{"error_message":"strconv.ParseInt"}', JSON)  # MF unsubscribe
            if sub is None:
                raise _Fail(400, "Bad Request!")  # FR: deleteFeed fails -> badRequest()
            with self.lock:
                del self.state.subs[sub.id]
            return "OK"
        if action == "edit":
            if sub is None:
                raise _Fail(400, "Bad Request!")
            label = fields.get("a", "")
            if "/label/" in label:
                sub.folder = label.rsplit("/label/", 1)[-1]
            return "OK"
        raise _Fail(400, "unknown action")

    def _sub_by_stream(self, stream: str) -> Sub | None:
        return next((s for s in self.state.subs.values() if self._feed_id(s.id) == stream), None)

    def _quickadd(self, r: Seen) -> object:
        url = dict(r.form).get("quickadd") or (r.query.get("quickadd") or [""])[0]
        if self.flavour == "freshrss" and url.startswith("feed/"):
            url = url[len("feed/") :]  # FR quickadd: a feed/ prefix is dropped
        if "://" not in url:
            if self.flavour == "miniflux":  # MF quickAddHandler: IsAbsoluteURL else 400
                raise _Fail(400, '{"error_message":"invalid URL"}', JSON)
            return {"numResults": 0, "query": url, "error": "Invalid URL"}
        if any(s.url == url for s in self.state.subs.values()):
            if self.flavour == "miniflux":
                raise _Fail(500, '{"error_message":"This feed already exists."}', JSON)
            # FR: addFeed throws AlreadySubscribed -> numResults 0 with the error
            return {"numResults": 0, "query": url, "error": "Already subscribed"}
        feed_id = self.add_feed(url, f"Feed at {url}")
        return {
            "numResults": 1, "query": url, "streamId": self._feed_id(feed_id),
            "streamName": f"Feed at {url}",
        }  # fmt: skip

    def _label(self, name: str) -> str:
        if self.flavour == "miniflux":
            return f"user/{MINIFLUX_USER}/label/{name}"  # MF: user/<id>/label/<title>
        return f"user/-/label/{name}"

    def _sub(self, s: Sub) -> dict:
        folder = s.folder
        if folder is None and self.flavour == "freshrss":
            folder = "Uncategorized"  # FR: every feed is in a category, the default one first
        if folder is None and self.flavour == "miniflux":
            folder = "All"  # MF: every feed has a category ("All" is the first)
        title = s.title
        if self.flavour == "freshrss":  # FR: escapeToUnicodeAlternative(name, true)
            title = _fullwidth(title)
        return {
            "id": self._feed_id(s.id),
            "title": title,
            "categories": [{"id": self._label(folder), "label": folder}] if folder else [],
            "url": s.url,
            "htmlUrl": "https://example.org/",
            "iconUrl": "",
        }

    def _content(self, item: Item) -> dict:
        sub = self.state.subs.get(item.feed)
        prefix = f"user/{MINIFLUX_USER}/" if self.flavour == "miniflux" else "user/-/"
        categories = [prefix + "state/com.google/reading-list"]  # MF: user/<id>/state/...
        if item.read:
            categories.append(prefix + "state/com.google/read")
        if item.starred:
            categories.append(prefix + "state/com.google/starred")
        title = item.title
        if self.flavour == "freshrss":  # FR toGReader('compat'): Entry.php L1050-1053
            title = _fullwidth(title)
        return {
            "id": self.long(item.id),
            "crawlTimeMsec": str(int(item.crawled * 1000)),
            "timestampUsec": str(int(item.published * 1_000_000)),
            "published": int(item.published),
            "title": title,
            "canonical": [{"href": f"https://example.org/{item.id}"}],
            "alternate": [{"href": f"https://example.org/{item.id}", "type": "text/html"}],
            "categories": categories,
            "origin": {
                "streamId": self._feed_id(item.feed),
                "title": sub.title if sub else "",
                "htmlUrl": "https://example.org/",
            },
            "summary": {"content": item.content},
            "author": "Reporter",
        }


def _fullwidth(text: str) -> str:
    """FR lib_rss.php escapeToUnicodeAlternative: & < > as ＆ ＜ ＞ (the extended list is an
    array union with the same keys, so it never applies)."""
    return text.replace("&", "＆").replace("<", "＜").replace(">", "＞").strip()
