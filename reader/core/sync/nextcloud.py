"""The Nextcloud News API v1-3 (what newsboat and most mobile readers speak).

From nextcloud/news's docs/api/api-v1-3.md, appinfo/routes.php and
lib/Controller/{Feed,Folder,Item}ApiController.php (see tests/nextcloud_server.py, which
cites each behaviour):
- `[sync] url` is the Nextcloud address; the API is at `index.php/apps/news/api/v1-3/` under
  it (a url that already names `/apps/news/api/` is used as it is). HTTP Basic on every call
  (an app password works like the password).
- Folders and feeds are two lists; a feed's `folderId` names its folder (0 or null: none).
- Items: the first sync pages `GET /items` newest first by `offset` (items with a lower id);
  later syncs ask `GET /items/updated?lastModified=` with the largest `lastModified` seen, a
  server value (seconds in old versions, microseconds in new ones: the server takes both), so
  the two clocks never need to agree. That list holds new items and items whose read or
  starred state changed.
- The unread and starred sets: read whole (`GET /items?type=3&getRead=false` and `type=2`,
  whole items, paged by `offset` like the first walk) at the first sync and once a day, and
  kept in the cursor; between, moved by the items `items/updated` returns (the docs' "How To
  Sync"). There is no way to fetch an item by id, so items read in this sync are kept for
  `items_by_id`.
- Writes: `POST /items/{read,unread,star,unstar}/multiple` with `{"itemIds": [...]}` (v1-3's
  routes; v1-2 used PUT and feedId/guidHash for stars). Subscribe: `POST /feeds` (409: already
  there, kept), folders made with `POST /folders` when missing; unsubscribe: `DELETE
  /feeds/{id}` (404: already gone).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx

from reader.core.config import SyncConfig
from reader.core.sync.base import (
    Answer,
    Cursor,
    Http,
    RemoteFeed,
    RemoteItem,
    SyncAuthError,
    SyncClient,
    SyncConfigError,
)
from reader.core.sync.limits import MAX_WAIT_S, RATE_RETRIES, RETRY_MARGIN_S, limited, retry_after

API_PATH = "/index.php/apps/news/api/v1-3"
PAGE = 250
ALL, STARRED, FEED = 3, 2, 0  # the API's item list types
EDIT_BATCH = 500
FULL_EVERY_S = 86400.0  # the whole unread and starred lists again after this long


def api_base(url: str) -> str:
    base = url.rstrip("/")
    if "/apps/news/api/" in base:
        return base
    return base.removesuffix("/index.php") + API_PATH


class NextcloudClient(SyncClient):
    kind = "nextcloud"
    api = "Nextcloud News"

    def __init__(self, config: SyncConfig, password: str, timeout_s: float, max_bytes: int):
        super().__init__(config, password, timeout_s, max_bytes)
        self.base = api_base(config.url)
        self.http = Http(self.api, config.url, self.secrets, timeout_s, max_bytes)
        self.http.client.auth = httpx.BasicAuth(config.username, password)
        self.items: dict[str, RemoteItem] = {}  # every item read in this sync, by id
        self.newest_modified = 0
        self.state_sets: tuple[set[str], set[str]] | None = None
        self.sleep = time.sleep

    # ------------------------------------------------------------ plumbing

    def _call(self, method: str, path: str, what: str, **kwargs: Any) -> Answer:
        for attempt in range(RATE_RETRIES + 1):
            answer = self.http.send(method, f"{self.base}/{path}", **kwargs)
            if answer.status == 429:  # Nextcloud's brute-force throttle, a proxy's limit
                wait = retry_after(answer)
                if wait is None or wait > MAX_WAIT_S or attempt == RATE_RETRIES:
                    raise limited(self.http.host, what, wait)
                self.sleep(wait + RETRY_MARGIN_S)
                continue
            if answer.status == 401:
                raise SyncAuthError(
                    f"the Nextcloud server at {self.http.host} refused user"
                    f" {self.config.username!r}: check username and (app) password"
                )
            if answer.status == 403:
                raise SyncAuthError(
                    f"the Nextcloud server at {self.http.host} forbade {what} (HTTP 403):"
                    " is the News app enabled for this user?"
                )
            return answer
        raise AssertionError("unreachable")

    def _get(self, path: str, what: str, key: str, **params: Any) -> list:
        data = self.http.json(self._call("GET", path, what, params=params), what)
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, list):
            raise self.http.error(
                f"{self.http.host} answered {what} without {key!r} (not Nextcloud News?)",
                "garbage",
            )
        return value

    def _items(self, what: str, path: str = "items", **params: Any) -> list[RemoteItem]:
        raw = self._get(path, what, "items", **params)
        items = []
        for entry in raw:
            item = _item(entry)
            if item is None:
                continue
            items.append(item)
            self.items[item.id] = item
            self.newest_modified = max(self.newest_modified, _modified(entry))
        return items

    # ------------------------------------------------------------ the interface

    def login(self) -> None:
        answer = self._call("GET", "version", "the login")
        if answer.status == 404:
            raise self.http.error(
                f"no Nextcloud News API at {self.http.where} (HTTP 404 for {self.base}/version):"
                " is the News app installed, and is [sync] url the Nextcloud address?",
                "api",
                404,
            )
        data = self.http.json(answer, "the login")
        if not isinstance(data, dict) or "version" not in data:
            raise self.http.error(
                f"{self.http.host} answered the version call without a version"
                " (not Nextcloud News?)",
                "garbage",
            )

    def _folders(self) -> dict[int, str]:
        folders = self._get("folders", "the folder list", "folders")
        return {
            f["id"]: str(f.get("name") or "")
            for f in folders
            if isinstance(f, dict) and isinstance(f.get("id"), int)
        }

    def feeds(self) -> list[RemoteFeed]:
        names = self._folders()
        feeds = []
        for feed in self._get("feeds", "the feed list", "feeds"):
            if not isinstance(feed, dict) or not isinstance(feed.get("id"), int):
                continue
            folder = names.get(feed.get("folderId") or 0)
            feeds.append(
                RemoteFeed(
                    id=str(feed["id"]),
                    title=str(feed.get("title") or ""),
                    url=str(feed.get("url") or ""),
                    site_url=str(feed.get("link") or ""),
                    folders=(folder,) if folder else (),
                )
            )
        return feeds

    def new_items(
        self, cursor: Cursor, known: set[str], window_s: float
    ) -> Iterator[list[RemoteItem]]:
        """First sync: every item newest first, page by page, down to the keep window (older
        unread or starred ones come with the state lists). Later: what changed since the
        largest lastModified seen, which also moves the unread and starred sets kept in the
        cursor (the API's own way to sync: the whole lists again only once a day)."""
        last = int(cursor.get("last_modified") or 0)
        if last:
            fresh = self._items("the updated items", "items/updated", lastModified=last, type=ALL)
            self._state(cursor, fresh)
            new = [i for i in fresh if i.id not in known]
            if new:
                yield new
                known.update(i.id for i in new)
            return
        since = time.time() - window_s if window_s else 0
        offset = 0
        while True:
            page = self._items(
                "the item list", type=ALL, id=0, getRead="true", batchSize=PAGE, offset=offset
            )
            new = [i for i in page if i.id not in known and (i.published or since) >= since]
            if new:
                yield new
                known.update(i.id for i in new)
            lowest = min((int(i.id) for i in page), default=0)
            if len(page) < PAGE or not lowest or (offset and lowest >= offset):
                break
            if all((i.published or 0) < since for i in page):
                break
            offset = lowest
        self._state(cursor, None)

    def _state(self, cursor: Cursor, changed: list[RemoteItem] | None) -> None:
        """The server's unread and starred sets, kept in the cursor with the lastModified they
        are true at: moved by the items changed since (`changed`), or read whole (the first
        sync, a cursor without them, once a day to let go of items the server dropped)."""
        kept_unread, kept_starred = cursor.get("unread"), cursor.get("starred")
        fresh_enough = time.time() - float(cursor.get("full_at") or 0) < FULL_EVERY_S
        if (
            changed is not None
            and fresh_enough
            and kept_unread is not None
            and kept_starred is not None
        ):
            unread, starred = set(map(str, kept_unread)), set(map(str, kept_starred))
            for item in changed:
                (unread.discard if item.read else unread.add)(item.id)
                (starred.add if item.saved else starred.discard)(item.id)
        else:
            unread = self._full_unread()
            starred = self._full_starred()
            cursor.set("full_at", time.time())
        self.state_sets = (unread, starred)
        cursor.set("unread", sorted(int(i) for i in unread))
        cursor.set("starred", sorted(int(i) for i in starred))
        if self.newest_modified:
            cursor.set(
                "last_modified", max(int(cursor.get("last_modified") or 0), self.newest_modified)
            )

    def items_by_id(self, ids: list[str]) -> Iterator[list[RemoteItem]]:
        """The API cannot fetch items by id: the ones read in this sync (the state lists
        bring every unread and starred item whole)."""
        have = [self.items[i] for i in ids if i in self.items]
        for start in range(0, len(have), PAGE):
            yield have[start : start + PAGE]

    def _walk(self, what: str, **params: Any) -> Iterator[RemoteItem]:
        """A whole list, PAGE items a request (whole items are big: one answer for a long
        unread list could pass the size cap), by `offset` = the lowest id so far: a walk by
        id, which an item changing state meanwhile cannot make skip another."""
        offset = 0
        while True:
            page = self._items(what, id=0, batchSize=PAGE, offset=offset, **params)
            yield from page
            lowest = min((int(i.id) for i in page), default=0)
            if len(page) < PAGE or not lowest or (offset and lowest >= offset):
                return
            offset = lowest

    def _full_unread(self) -> set[str]:
        items = self._walk("the unread list", type=ALL, getRead="false")
        return {i.id for i in items if i.read is False}

    def _full_starred(self) -> set[str]:
        items = self._walk("the starred list", type=STARRED, getRead="true")
        return {i.id for i in items if i.saved}

    def unread_ids(self) -> set[str]:
        return self.state_sets[0] if self.state_sets else self._full_unread()

    def saved_ids(self) -> set[str]:
        return self.state_sets[1] if self.state_sets else self._full_starred()

    def confirm_state(self, ids: list[str]) -> dict[str, tuple[bool, bool]]:
        """Every item's own unread and starred fields, as read in this sync."""
        return {
            i: (bool(self.items[i].read), bool(self.items[i].saved)) for i in ids if i in self.items
        }

    def mark(self, ids: list[str], field: str, value: bool) -> None:
        if field == "read":
            path = "items/read/multiple" if value else "items/unread/multiple"
        else:
            path = "items/star/multiple" if value else "items/unstar/multiple"
        numbers = [int(i) for i in ids if str(i).isdigit()]
        for start in range(0, len(numbers), EDIT_BATCH):
            answer = self._call(
                "POST",
                path,
                "a state change",
                json={"itemIds": numbers[start : start + EDIT_BATCH]},
            )
            self.http.check_status(answer, "a state change")

    def subscribe(self, url: str, folder: str | None = None) -> None:
        folder_id = self._folder_id(folder) if folder else None
        answer = self._call(
            "POST", "feeds", "the subscription", json={"url": url, "folderId": folder_id}
        )
        if answer.status == 409:  # already subscribed
            return
        if answer.status == 422:
            raise self.http.error(
                f"{self.http.host} could not read a feed at {url} (HTTP 422)", "api", 422
            )
        self.http.json(answer, "the subscription")

    def _folder_id(self, name: str) -> int:
        for folder_id, folder_name in self._folders().items():
            if folder_name == name:
                return folder_id
        answer = self._call("POST", "folders", "a new folder", json={"name": name})
        folders = self.http.json(answer, "a new folder")
        made = folders.get("folders") if isinstance(folders, dict) else None
        if not made or not isinstance(made[0], dict) or not isinstance(made[0].get("id"), int):
            raise self.http.error(f"{self.http.host} did not make folder {name!r}", "garbage")
        return made[0]["id"]

    def unsubscribe(self, feed: RemoteFeed) -> None:
        if not feed.id.isdigit():
            raise SyncConfigError(f"{feed.id!r} is not a Nextcloud News feed id")
        answer = self._call("DELETE", f"feeds/{feed.id}", "the unsubscription")
        if answer.status != 404:  # 404: gone already
            self.http.check_status(answer, "the unsubscription")


def _modified(raw: dict) -> int:
    try:
        return int(raw.get("lastModified") or 0)
    except (TypeError, ValueError):
        return 0


def _item(raw: Any) -> RemoteItem | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), int):
        return None
    published = raw.get("pubDate")
    return RemoteItem(
        id=str(raw["id"]),
        feed_id=str(raw.get("feedId") or ""),
        title=str(raw.get("title") or ""),
        author=str(raw.get("author") or ""),
        link=str(raw.get("url") or ""),
        published=float(published) if isinstance(published, int | float) and published else None,
        content=str(raw.get("body") or ""),
        read=not raw.get("unread", False),
        saved=bool(raw.get("starred", False)),
    )
