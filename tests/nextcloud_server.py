"""A Nextcloud News API v1-3 server for the sync tests, built from nextcloud/news (it needs a
whole Nextcloud to run, which this machine does not have). Each behaviour names its source:

  DOC     docs/api/api-v1-3.md
  ROUTES  appinfo/routes.php (the v1-3 routes: POST for writes, itemIds for stars)
  ITEMS   lib/Controller/ItemApiController.php (index, updated, *MultipleByIds)
  FEEDS   lib/Controller/FeedApiController.php, FOLDERS lib/Controller/FolderApiController.php

State is in memory; `requests` records every call. Times: `lastModified` is microseconds
(ITEMS updated(): "needs to be turned into a millisecond timestamp", ten digits or fewer are
seconds and multiplied by 1e6).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

API = "/index.php/apps/news/api/v1-3"
JSON = {"Content-Type": "application/json; charset=utf-8"}


@dataclass
class Item:
    id: int
    feed: int
    title: str
    body: str
    pub_date: int
    unread: bool = True
    starred: bool = False
    last_modified: int = 0  # microseconds


@dataclass
class Feed:
    id: int
    url: str
    title: str
    folder: int | None = None


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    body: object
    status: int = 0


@dataclass
class State:
    folders: dict[int, str] = field(default_factory=dict)
    feeds: dict[int, Feed] = field(default_factory=dict)
    items: dict[int, Item] = field(default_factory=dict)


class NextcloudServer:
    flavour = "nextcloud"

    def __init__(self, username: str = "ada", password: str = "correct-horse-battery") -> None:
        self.username, self.password = username, password
        self.state = State()
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.next_id = {"folder": 1, "feed": 1, "item": 1}
        self.clock = int(time.time() * 1_000_000)
        self.broken: str | None = None
        self.limit_after: int | None = None  # a 429 once this many calls were answered
        self.retry_after = "1"
        self.limit_until = 0.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._handle(self)

            do_POST = do_PUT = do_DELETE = do_GET

        class Http(ThreadingHTTPServer):
            daemon_threads = True

        self._http_class, self._handler = Http, Handler
        self.httpd = Http(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    base = ""

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def down(self) -> None:
        self.stop()

    def up(self) -> None:
        self.httpd = self._http_class(("127.0.0.1", self.port), self._handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    # ------------------------------------------------------------ setup from tests

    def _next(self, kind: str) -> int:
        value = self.next_id[kind]
        self.next_id[kind] += 1
        return value

    def _tick(self) -> int:
        self.clock = max(self.clock + 1, int(time.time() * 1_000_000))
        return self.clock

    def folder(self, name: str) -> int:
        with self.lock:
            for folder_id, existing in self.state.folders.items():
                if existing == name:
                    return folder_id
            folder_id = self._next("folder")
            self.state.folders[folder_id] = name
            return folder_id

    def add_feed(self, url: str, title: str, folder: str | None = None) -> int:
        folder_id = self.folder(folder) if folder else None
        with self.lock:
            feed_id = self._next("feed")
            self.state.feeds[feed_id] = Feed(feed_id, url, title, folder_id)
            return feed_id

    def add_items(
        self, feed_id: int, count: int, prefix: str, pub_date: int | None = None
    ) -> list[int]:
        ids = []
        with self.lock:
            for n in range(count):
                item_id = self._next("item")
                self.state.items[item_id] = Item(
                    item_id, feed_id, f"{prefix} {n}",
                    f"<p>{prefix} {n}: “Items come from the stream,” said Grace Hopper.</p>",
                    (pub_date or int(time.time()) - 60) - (count - n), last_modified=self._tick(),
                )  # fmt: skip
                ids.append(item_id)
        return ids

    def set_state(self, item_id: int, field: str, value: bool) -> None:
        """Another client changes an item: its lastModified moves (ITEMS read()/star())."""
        with self.lock:
            item = self.state.items[item_id]
            if field == "read":
                item.unread = not value
            else:
                item.starred = value
            item.last_modified = self._tick()

    def ids(self, which: str) -> set[str]:
        with self.lock:
            items = self.state.items.values()
            return {str(i.id) for i in items if (i.unread if which == "unread" else i.starred)}

    # ------------------------------------------------------------ HTTP

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        seen = Seen(h.command, parts.path, dict(parse_qsl(parts.query)), body)
        with self.lock:
            self.requests.append(seen)
        status, headers, payload = self._route(seen, h.headers.get("Authorization", ""))
        seen.status = status
        h.send_response(status)
        for key, value in headers.items():
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)

    def _route(self, r: Seen, auth: str) -> tuple[int, dict[str, str], bytes]:
        if self.broken == "html":
            return 200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html>Login</html>"
        if self.limit_after is not None and len(self.requests) > self.limit_after:
            # Nextcloud's brute-force throttle / a proxy in front: 429 with Retry-After, lifted
            # when that time is over
            self.limit_until = self.limit_until or time.time() + float(self.retry_after)
            if time.time() < self.limit_until:
                return 429, {**JSON, "Retry-After": self.retry_after}, b'{"message":"Slow down"}'
            self.limit_after, self.limit_until = None, 0.0
        if not r.path.startswith(API + "/"):
            return 404, {"Content-Type": "text/html"}, b"<html>Page not found</html>"
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if auth != f"Basic {expected}":
            # DOC "Authentication": HTTP basic auth on every call; Nextcloud answers 401
            return 401, JSON, b'{"message":"Current user is not logged in"}'
        path = r.path[len(API) :]
        try:
            result = self._api(r.method, path, r)
        except _Fail as fail:
            return fail.status, JSON, json.dumps({"message": fail.message}).encode()
        return 200, JSON, json.dumps(result).encode()

    def _api(self, method: str, path: str, r: Seen) -> object:
        body = r.body if isinstance(r.body, dict) else {}
        args = {**r.query, **body}  # DOC "Input": URL or body, the framework does not care
        if (method, path) == ("GET", "/version"):
            return {"version": "25.0.0"}  # DOC "Version"
        if (method, path) == ("GET", "/folders"):
            return {"folders": [{"id": k, "name": v} for k, v in self.state.folders.items()]}
        if (method, path) == ("POST", "/folders"):  # FOLDERS create: 409 exists, 422 empty
            name = str(args.get("name") or "")
            if not name:
                raise _Fail(422, "folder name is empty")
            if name in self.state.folders.values():
                raise _Fail(409, "folder exists")
            folder_id = self.folder(name)
            return {"folders": [{"id": folder_id, "name": name}]}
        if (method, path) == ("GET", "/feeds"):
            return self._feeds()
        if (method, path) == ("POST", "/feeds"):
            return self._create_feed(args)
        if method == "DELETE" and path.startswith("/feeds/"):
            feed_id = int(path.rsplit("/", 1)[-1])  # FEEDS delete: 404 when not there
            with self.lock:
                if feed_id not in self.state.feeds:
                    raise _Fail(404, "Feed not found")
                del self.state.feeds[feed_id]
                self.state.items = {
                    k: v for k, v in self.state.items.items() if v.feed != feed_id
                }  # DOC: "Deletes a feed ... and all of its items"
            return []
        if (method, path) == ("GET", "/items"):
            return {"items": self._index(args)}
        if (method, path) == ("GET", "/items/updated"):
            return {"items": self._updated(args)}
        writes = {
            "/items/read/multiple": ("unread", False),
            "/items/unread/multiple": ("unread", True),
            "/items/star/multiple": ("starred", True),
            "/items/unstar/multiple": ("starred", False),
        }
        if path in writes:
            if method != "POST":  # ROUTES: v1-3's *_by_ids routes are POST (PUT is v1-2)
                raise _Fail(405, "Method not allowed")
            attr, value = writes[path]
            ids = body.get("itemIds")  # ITEMS *MultipleByIds(array $itemIds)
            if not isinstance(ids, list):
                raise _Fail(400, "itemIds missing")
            with self.lock:
                for item_id in ids:  # ITEMS setMultipleRead: unknown ids are skipped
                    item = self.state.items.get(item_id)
                    if item is not None and getattr(item, attr) != value:
                        setattr(item, attr, value)
                        item.last_modified = self._tick()
            return []
        raise _Fail(404, "not found")

    def _feeds(self) -> dict:
        with self.lock:
            feeds = [
                {
                    "id": f.id, "url": f.url, "title": f.title, "faviconLink": None,
                    "added": 1367063790, "folderId": f.folder,
                    "unreadCount": sum(1 for i in self.state.items.values() if i.feed == f.id and i.unread),
                    "ordering": 0, "link": "https://example.org/", "pinned": False,
                    "updateErrorCount": 0, "lastUpdateError": None,
                }
                for f in self.state.feeds.values()
            ]  # fmt: skip
            answer: dict = {
                "feeds": feeds,
                "starredCount": sum(i.starred for i in self.state.items.values()),
            }
            if self.state.items:  # DOC: newestItemId "only sent if there are items"
                answer["newestItemId"] = max(self.state.items)
        return answer

    def _create_feed(self, args: dict) -> dict:
        url = str(args.get("url") or "")
        if "://" not in url:
            raise _Fail(422, "Feed could not be read")  # DOC create: 422 if it cannot be read
        if any(f.url == url for f in self.state.feeds.values()):
            raise _Fail(409, "Feed exists")  # DOC create: 409 if the feed exists already
        folder = args.get("folderId")
        if folder is not None and folder not in self.state.folders:
            raise _Fail(422, "Folder not found")
        with self.lock:
            feed_id = self._next("feed")
            self.state.feeds[feed_id] = Feed(feed_id, url, f"Feed at {url}", folder)
        return {"feeds": [f for f in self._feeds()["feeds"] if f["id"] == feed_id]}

    def _visible(self) -> list[Item]:
        return [i for i in self.state.items.values() if i.feed in self.state.feeds]

    def _index(self, args: dict) -> list[dict]:
        """ITEMS index(): type 3 all (getRead=false -> the unread list), 2 starred, 0 feed;
        newest first by id, `offset` = only items with a lower id (DOC "Autopaging"),
        batchSize -1 = all."""
        kind = int(args.get("type", 3))
        get_read = str(args.get("getRead", "true")).lower() not in ("false", "0")
        batch = int(args.get("batchSize", -1))
        offset = int(args.get("offset", 0))
        with self.lock:
            items = self._visible()
            if kind == 2:
                items = [i for i in items if i.starred]
            elif kind == 0:
                items = [i for i in items if i.feed == int(args.get("id", 0))]
            if not get_read:
                if kind not in (0, 1, 3):
                    raise _Fail(400, "Setting getRead on an already filtered list is not allowed!")
                items = [i for i in items if i.unread]
            items.sort(key=lambda i: i.id, reverse=True)
            if offset:
                items = [i for i in items if i.id < offset]
            if batch > 0:
                items = items[:batch]
            return [self._item(i) for i in items]

    def _updated(self, args: dict) -> list[dict]:
        """ITEMS updated(): items with lastModified >= the one given (ten digits or fewer:
        seconds, padded to microseconds)."""
        last = int(args.get("lastModified", 0))
        if len(str(last)) <= 10:
            last *= 1_000_000
        with self.lock:
            return [self._item(i) for i in self._visible() if i.last_modified >= last]

    def _item(self, item: Item) -> dict:
        return {
            "id": item.id, "guid": f"https://example.org/{item.id}",
            "guidHash": f"{item.id:032x}", "url": f"https://example.org/{item.id}",
            "title": item.title, "author": "Reporter", "pubDate": item.pub_date,
            "updatedDate": None, "body": item.body, "enclosureMime": None,
            "enclosureLink": None, "mediaThumbnail": None, "mediaDescription": None,
            "feedId": item.feed, "unread": item.unread, "starred": item.starred, "rtl": False,
            "lastModified": str(item.last_modified), "fingerprint": f"fp{item.id}",
            "contentHash": f"ch{item.id}",
        }  # fmt: skip


class _Fail(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message
