"""The Fever API (FreshRSS, Miniflux, BazQux, CommaFeed, yarr, Coldsweat, TT-RSS's plugin).

Every call is `POST <url>?api&<command>` with `api_key = md5("user:password")` in the form;
`auth: 0` in the answer means the key was refused. Items come 50 at a time above `since_id`;
the unread and saved id lists are complete, so unread or saved items the walk missed are
fetched by `with_ids`. The walk itself cannot skip: Coldsweat answers `since_id` with 50 items
in no order (fever/routes.py get_entries_min: no ORDER BY), so taking the highest id as the
next `since_id` skipped lower ones; when a page is out of order or the walk brought fewer
items than the server's `total_items`, the ids it passed over are asked for by `with_ids`.
A missing id list is an error, never "nothing unread". Fever cannot manage subscriptions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from reader.core.config import SyncConfig
from reader.core.sync.base import (
    Cursor,
    Http,
    RemoteFeed,
    RemoteItem,
    SyncAuthError,
    SyncClient,
    SyncServerError,
    SyncUnsupported,
)

PAGE = 50  # the API's fixed page size
BULK_MIN = 10  # from this many items marked read, try one call per feed
MAX_GAP_IDS = 20_000  # ids passed over by an out-of-order walk asked for again (400 calls)
AS_READ = {"as": "read"}


class FeverClient(SyncClient):
    kind = "fever"
    api = "Fever"
    can_subscribe = False

    def __init__(self, config: SyncConfig, password: str, timeout_s: float, max_bytes: int):
        super().__init__(config, password, timeout_s, max_bytes)
        self.api_key = hashlib.md5(f"{config.username}:{password}".encode()).hexdigest()
        self.secrets.add(self.api_key)
        self.http = Http(self.api, config.url, self.secrets, timeout_s, max_bytes)
        self.url = config.url

    def _call(self, query: str, what: str, **form: Any) -> dict:
        sep = "&" if "?" in self.url else "?"
        url = f"{self.url}{sep}api{'&' + query if query else ''}"
        answer = self.http.send("POST", url, data={"api_key": self.api_key, **form})
        if answer.status in (401, 403):
            raise self._refused()
        data = self.http.json(answer, what)
        if not isinstance(data, dict) or "auth" not in data:
            raise self.http.error(
                f"{self.http.host} answered JSON without Fever's auth field to {what}", "garbage"
            )
        if not data.get("auth"):
            raise self._refused()
        return data

    def _refused(self) -> SyncAuthError:
        return SyncAuthError(
            f"the Fever server at {self.http.host} refused user {self.config.username!r}:"
            " check username and password"
        )

    def login(self) -> None:
        self._call("", "the login")

    def feeds(self) -> list[RemoteFeed]:
        data = self._call("feeds&groups", "the feed list")
        groups = {str(g.get("id")): str(g.get("title") or "") for g in _list(data.get("groups"))}
        folders: dict[str, list[str]] = {}
        for link in _list(data.get("feeds_groups")):
            title = groups.get(str(link.get("group_id")))
            for feed_id in str(link.get("feed_ids") or "").split(","):
                if title and feed_id.strip():
                    folders.setdefault(feed_id.strip(), []).append(title)
        return [
            RemoteFeed(
                id=str(f.get("id")),
                title=str(f.get("title") or ""),
                url=str(f.get("url") or ""),
                site_url=str(f.get("site_url") or ""),
                folders=tuple(folders.get(str(f.get("id")), ())),
            )
            for f in _list(data.get("feeds"))
            if f.get("id") is not None
        ]

    def new_items(
        self, cursor: Cursor, known: set[str], window_s: float
    ) -> Iterator[list[RemoteItem]]:
        start = since = int(cursor.get("since_id", 0))
        seen: set[int] = set()
        out_of_order, total = False, None
        while True:
            data = self._call(f"items&since_id={since}", "the item list")
            items = [i for i in map(_item, _list(data.get("items"))) if i is not None]
            if isinstance(data.get("total_items"), int):
                total = data["total_items"]
            if not items:
                break
            numbers = [int(i.id) for i in items]
            out_of_order = out_of_order or numbers != sorted(numbers)
            seen.update(numbers)
            since = max(since, *numbers)
            fresh = [i for i in items if i.id not in known]
            known.update(i.id for i in fresh)
            if fresh:
                yield fresh
            if len(items) < PAGE:
                break
        have = len(known | {str(n) for n in seen})
        if out_of_order or (total is not None and have < total):
            gaps = [n for n in range(start + 1, since) if n not in seen and str(n) not in known]
            yield from self.items_by_id([str(n) for n in gaps[:MAX_GAP_IDS]])
        cursor.set("since_id", since)

    def items_by_id(self, ids: list[str]) -> Iterator[list[RemoteItem]]:
        for start in range(0, len(ids), PAGE):
            chunk = ids[start : start + PAGE]
            data = self._call(f"items&with_ids={','.join(chunk)}", "the item list")
            items = [i for i in map(_item, _list(data.get("items"))) if i is not None]
            if items:
                yield items

    def _id_list(self, name: str, what: str) -> set[str]:
        data = self._call(name, what)
        if name not in data:  # not "nothing": a partial answer must not read all as read
            raise self.http.error(
                f"{self.http.host} answered {what} without its {name} field", "garbage"
            )
        return _ids(data[name])

    def unread_ids(self) -> set[str]:
        return self._id_list("unread_item_ids", "the unread list")

    def saved_ids(self) -> set[str]:
        return self._id_list("saved_item_ids", "the saved list")

    def mark(self, ids: list[str], field: str, value: bool) -> None:
        state = {"read": ("unread", "read"), "saved": ("unsaved", "saved")}[field][int(value)]
        for item_id in ids:  # the API marks one item per call
            try:
                self._call("", f"marking an item {state}", mark="item", **{"as": state}, id=item_id)
            except SyncServerError as err:
                # 404: the server no longer has the item; the engine keeps a saved one saved
                if err.status != 404:
                    raise

    bulk = True

    def push_all(
        self, ids: list[str], field: str, value: bool, feed_of: dict[str, str],
        newest: float | None = None,
    ) -> None:  # fmt: skip
        """Fever marks one item per call: 5,000 items marked read took 68 s on Coldsweat. So:
        items already in the wanted state on the server are skipped, and when every item the
        server has unread (in all feeds, or in one feed) is to be marked read, one
        `mark=group`/`mark=feed` call does it, bounded by `before` = just after the newest item
        marked here (not "now": items that reach the server while the call is on its way stay
        unread, issue 29); what is still unread after that is marked item by item."""
        wanted = set(ids)
        current = self.unread_ids() if field == "read" else self.saved_ids()
        on = field == "read" and value or field == "saved" and not value
        todo = wanted & current if on else wanted - current
        if (
            field == "read" and value and newest is not None and len(todo) >= BULK_MIN
            and not current - feed_of.keys()
        ):  # fmt: skip
            before = str(int(newest) + 1)
            if current <= wanted:
                self._call("", "marking all read", mark="group", id="0", before=before, **AS_READ)
            else:
                by_feed: dict[str, set[str]] = {}
                for item in current:
                    by_feed.setdefault(feed_of[item], set()).add(item)
                for feed, items in by_feed.items():
                    if items <= wanted and len(items) >= 2:
                        self._call(
                            "",
                            "marking a feed read",
                            mark="feed",
                            id=feed,
                            before=before,
                            **AS_READ,
                        )
            todo = wanted & self.unread_ids()
        self.mark(sorted(todo, key=int), field, value)

    def subscribe(self, url: str, folder: str | None = None) -> None:
        raise SyncUnsupported(
            "the Fever API cannot subscribe to feeds: add it in your server's web interface,"
            " then run byline sync"
        )

    def unsubscribe(self, feed: RemoteFeed) -> None:
        raise SyncUnsupported(
            "the Fever API cannot unsubscribe from feeds: remove it in your server's web"
            " interface, then run byline sync"
        )


def _list(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _ids(value: Any) -> set[str]:
    if isinstance(value, int):
        return {str(value)}
    if not isinstance(value, str):
        return set()
    return {part.strip() for part in value.split(",") if part.strip().isdigit()}


def _item(raw: dict) -> RemoteItem | None:
    try:
        item_id = str(int(raw["id"]))
    except (KeyError, TypeError, ValueError):
        return None
    created = raw.get("created_on_time")
    return RemoteItem(
        id=item_id,
        feed_id=str(raw.get("feed_id")),
        title=str(raw.get("title") or ""),
        author=str(raw.get("author") or ""),
        link=str(raw.get("url") or ""),
        published=float(created) if isinstance(created, int | float) and created > 0 else None,
        content=str(raw.get("html") or ""),
        read=bool(raw.get("is_read")),
        saved=bool(raw.get("is_saved")),
    )
