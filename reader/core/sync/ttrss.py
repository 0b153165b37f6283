"""The Tiny Tiny RSS API (API level 15 and later).

Every call is a JSON `POST <url>/api/` with an `op`; after `login` the session id goes in
`sid`. Answers are `{"status": 0, "content": ...}` or `{"status": 1, "content": {"error":
"..."}}`. Items are walked with `getHeadlines` above `since_id` (200 per page, the API's
cap); state comes from the unread (`view_mode=unread`) and starred (`feed_id=-1`)
headlines; `updateArticle` sets `unread` (field 2) and `marked` (field 0).
"""

from __future__ import annotations

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
)

PAGE = 200  # getHeadlines caps limit at 200
ALL_ARTICLES = -4
STARRED = -1
# subscribeToFeed's status codes (Feeds::subscribe_to_feed)
_SUBSCRIBE_ERRORS = {
    2: "invalid URL",
    3: "no feed found at that address",
    4: "the page links several feeds: give the feed's own URL",
    5: "the server could not download the feed",
}


class TtrssClient(SyncClient):
    kind = "ttrss"
    api = "Tiny Tiny RSS"

    def __init__(self, config: SyncConfig, password: str, timeout_s: float, max_bytes: int):
        super().__init__(config, password, timeout_s, max_bytes)
        base = config.url.rstrip("/")
        self.endpoint = base + "/" if base.endswith("/api") else base + "/api/"
        self.http = Http(self.api, config.url, self.secrets, timeout_s, max_bytes)
        self.sid: str | None = None
        self.api_level = 0

    def _post(self, op: str, what: str, **params: Any) -> Any:
        body = {"op": op, **params}
        if self.sid:
            body["sid"] = self.sid
        answer = self.http.send("POST", self.endpoint, json=body)
        data = self.http.json(answer, what)
        if not isinstance(data, dict) or "status" not in data:
            raise self.http.error(
                f"{self.http.host} answered JSON that is not a Tiny Tiny RSS reply to {what}",
                "garbage",
            )
        content = data.get("content")
        if data["status"] != 0:
            error = content.get("error") if isinstance(content, dict) else None
            raise _ApiError(str(error or "unknown error"))
        return content

    def _call(self, op: str, what: str, **params: Any) -> Any:
        try:
            return self._post(op, what, **params)
        except _ApiError as err:
            if err.code != "NOT_LOGGED_IN":
                raise self.http.error(
                    f"Tiny Tiny RSS at {self.http.host} refused {what}: {err.code}", "api"
                ) from None
        self.login()  # the session expired: once more with a new one
        try:
            return self._post(op, what, **params)
        except _ApiError as err:
            raise self.http.error(
                f"Tiny Tiny RSS at {self.http.host} refused {what}: {err.code}", "api"
            ) from None

    def login(self) -> None:
        self.sid = None
        try:
            content = self._post(
                "login", "the login", user=self.config.username, password=self.password
            )
        except _ApiError as err:
            if err.code == "API_DISABLED":
                raise SyncAuthError(
                    f"Tiny Tiny RSS at {self.http.host}: API access is disabled for user"
                    f" {self.config.username!r}: enable it in Preferences > General"
                ) from None
            raise SyncAuthError(
                f"Tiny Tiny RSS at {self.http.host} refused user {self.config.username!r}:"
                " check username and password"
            ) from None
        if not isinstance(content, dict) or not content.get("session_id"):
            raise self.http.error(
                f"{self.http.host} answered the login without a session id", "garbage"
            )
        self.sid = str(content["session_id"])
        self.secrets.add(self.sid)
        self.api_level = int(content.get("api_level") or 0)

    def feeds(self) -> list[RemoteFeed]:
        cats = self._call("getCategories", "the category list", include_empty=True)
        names = {
            str(c.get("id")): str(c.get("title") or "")
            for c in _list(cats)
            if isinstance(c.get("id"), int) and c["id"] > 0
        }
        feeds = self._call("getFeeds", "the feed list", cat_id=-3)
        return [
            RemoteFeed(
                id=str(f["id"]),
                title=str(f.get("title") or ""),
                url=str(f.get("feed_url") or ""),
                folders=tuple(n for n in [names.get(str(f.get("cat_id")))] if n),
            )
            for f in _list(feeds)
            if isinstance(f.get("id"), int)
        ]

    def _headlines(self, what: str, **params: Any) -> Iterator[list[dict]]:
        skip = 0
        while True:
            page = _list(self._call("getHeadlines", what, limit=PAGE, skip=skip, **params))
            if page:
                yield page
            if len(page) < PAGE:
                return
            skip += len(page)

    def new_items(
        self, cursor: Cursor, known: set[str], window_s: float
    ) -> Iterator[list[RemoteItem]]:
        since = int(cursor.get("since_id", 0))
        top = since
        for page in self._headlines(
            "the article list", feed_id=ALL_ARTICLES, view_mode="all_articles",
            show_content=True, since_id=since, order_by="date_reverse",
        ):  # fmt: skip
            items = [i for i in map(_item, page) if i is not None]
            top = max([top, *(int(i.id) for i in items)])
            fresh = [i for i in items if i.id not in known]
            known.update(i.id for i in fresh)
            if fresh:
                yield fresh
        cursor.set("since_id", top)

    def items_by_id(self, ids: list[str]) -> Iterator[list[RemoteItem]]:
        for start in range(0, len(ids), PAGE):
            chunk = ids[start : start + PAGE]
            articles = self._call("getArticle", "the articles", article_id=",".join(chunk))
            items = [i for i in map(_item, _list(articles)) if i is not None]
            if items:
                yield items

    def _ids(self, what: str, **params: Any) -> set[str]:
        ids: set[str] = set()
        for page in self._headlines(what, show_content=False, **params):
            ids.update(str(h["id"]) for h in page if isinstance(h.get("id"), int))
        return ids

    def unread_ids(self) -> set[str]:
        return self._ids("the unread list", feed_id=ALL_ARTICLES, view_mode="unread")

    def saved_ids(self) -> set[str]:
        return self._ids("the starred list", feed_id=STARRED, view_mode="all_articles")

    def mark(self, ids: list[str], field: str, value: bool) -> None:
        if field == "read":  # the API stores "unread"
            api_field, mode = 2, 0 if value else 1
        else:
            api_field, mode = 0, 1 if value else 0
        self._call(
            "updateArticle", "a state change", article_ids=",".join(ids), mode=mode,
            field=api_field,
        )  # fmt: skip

    def subscribe(self, url: str, folder: str | None = None) -> None:
        category = 0
        if folder:
            cats = self._call("getCategories", "the category list", include_empty=True)
            found = [c for c in _list(cats) if c.get("title") == folder and c.get("id", 0) > 0]
            if not found:
                raise self.http.error(
                    f"Tiny Tiny RSS has no category {folder!r} (its API cannot create one)", "api"
                )
            category = found[0]["id"]
        content = self._call(
            "subscribeToFeed", "the subscription", feed_url=url, category_id=category
        )
        status = content.get("status") if isinstance(content, dict) else None
        code = status.get("code") if isinstance(status, dict) else status
        if isinstance(code, int) and code in _SUBSCRIBE_ERRORS:
            raise self.http.error(
                f"Tiny Tiny RSS could not subscribe to {url}: {_SUBSCRIBE_ERRORS[code]}", "api"
            )

    def unsubscribe(self, feed: RemoteFeed) -> None:
        self._call("unsubscribeFeed", "the unsubscription", feed_id=int(feed.id))

    def update_feed(self, feed_id: str) -> None:
        """Ask the server to fetch a feed now (tests; the server's updater does it otherwise)."""
        self._call("updateFeed", "the feed update", feed_id=int(feed_id))


class _ApiError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _list(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _item(raw: dict) -> RemoteItem | None:
    if not isinstance(raw.get("id"), int):
        return None
    updated = raw.get("updated")
    return RemoteItem(
        id=str(raw["id"]),
        feed_id=str(raw.get("feed_id")),
        title=str(raw.get("title") or ""),
        author=str(raw.get("author") or ""),
        link=str(raw.get("link") or ""),
        published=float(updated) if isinstance(updated, int | float) and updated > 0 else None,
        content=str(raw.get("content") or ""),
        read=not raw.get("unread", True),
        saved=bool(raw.get("marked")),
    )


__all__ = ["SyncServerError", "TtrssClient"]
