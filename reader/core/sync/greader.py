"""The Google Reader API (FreshRSS, Miniflux, Inoreader, The Old Reader, BazQux).

What servers differ on, and what this client does so that one code path works on all:
- Login: `POST accounts/ClientLogin` with the form fields Email/Passwd (FreshRSS and Miniflux
  read no JSON body); the answer's `Auth=` line goes in `Authorization: GoogleLogin auth=`.
- Writes: the header AND the edit token `T` (from `reader/api/0/token`) on every POST:
  Miniflux checks POSTs only by T, GETs only by the header; FreshRSS wants both. A 401 with
  `X-Reader-Google-Bad-Token` means a stale token: fetch a new one and retry once.
- `output=json` on every call (FreshRSS answers 501 without it).
- Items: `stream/items/ids` then batched `POST stream/items/contents` (Miniflux has no
  `stream/contents`). The continuation is opaque (FreshRSS: an item id; Miniflux: an offset);
  Miniflux caps `n` at 10000.
- Item ids are always sent in the long form `tag:google.com,2005:reader/item/<16 hex>`: the
  ids lists give short decimal ids, which FreshRSS and Miniflux would read differently.
- Subscribe: `subscription/edit?ac=subscribe&s=feed/<url>` (Miniflux wants feed/<url>);
  unsubscribe with the stream id the server listed (Miniflux: feed/<numeric id>).
- Inoreader wants AppId/AppKey headers ([sync] app_id/app_key).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from reader.core.config import SyncConfig
from reader.core.sync.base import (
    Answer,
    Cursor,
    Http,
    RemoteFeed,
    RemoteItem,
    SyncAuthError,
    SyncClient,
)

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LABEL = "user/-/label/"
LONG_PREFIX = "tag:google.com,2005:reader/item/"
IDS_PAGE = 10000  # Miniflux's cap on n
CONTENTS_BATCH = 250
EDIT_BATCH = 250
FORM = "application/x-www-form-urlencoded"
OVERLAP_S = 3600  # ask a little before the last sync: server clocks and crawl times differ


def long_id(item_id: str) -> str:
    """Any id form as the long form: decimal (ids lists), hex long form (contents), or
    `feed/...`-less hex."""
    text = str(item_id).strip()
    if text.startswith(LONG_PREFIX):
        return LONG_PREFIX + text[len(LONG_PREFIX) :].lower().rjust(16, "0")
    if text.lstrip("-").isdigit():
        return f"{LONG_PREFIX}{int(text) & 0xFFFFFFFFFFFFFFFF:016x}"
    raise ValueError(f"not a Google Reader item id: {text[:40]!r}")


class GReaderClient(SyncClient):
    kind = "greader"
    api = "Google Reader"

    def __init__(self, config: SyncConfig, password: str, timeout_s: float, max_bytes: int):
        super().__init__(config, password, timeout_s, max_bytes)
        self.base = config.url.rstrip("/")
        headers = {}
        if config.app_id:
            headers["AppId"] = config.app_id
        if config.app_key:
            headers["AppKey"] = config.app_key
        self.http = Http(self.api, config.url, self.secrets, timeout_s, max_bytes, headers)
        self.auth: str | None = None
        self.token: str | None = None

    # ------------------------------------------------------------ plumbing

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"GoogleLogin auth={self.auth}"} if self.auth else {}

    def _refused(self) -> SyncAuthError:
        return SyncAuthError(
            f"the Google Reader server at {self.http.host} refused user"
            f" {self.config.username!r}: check username and password"
        )

    def _get(self, path: str, what: str, params: list[tuple[str, Any]] | None = None) -> Any:
        answer = self.http.send(
            "GET", f"{self.base}/reader/api/0/{path}",
            params=[*(params or []), ("output", "json")], headers=self._headers(),
        )  # fmt: skip
        if answer.status in (401, 403):
            raise self._refused()
        return self.http.json(answer, what)

    def _post(
        self, path: str, what: str, form: list[tuple[str, Any]], expect_json: bool = False
    ) -> Answer:
        for attempt in range(2):
            if self.token is None:
                self._fetch_token()
            answer = self.http.send(
                "POST", f"{self.base}/reader/api/0/{path}", params=[("output", "json")],
                content=urlencode([*form, ("T", self.token)]).encode(),
                headers={**self._headers(), "Content-Type": FORM},
            )  # fmt: skip
            stale = answer.headers.get("x-reader-google-bad-token", "").lower() == "true"
            if answer.status == 401 and stale and attempt == 0:
                self.token = None
                continue
            if answer.status in (401, 403):
                raise self._refused()
            if expect_json:
                self.http.json(answer, what)
            else:
                self.http.check_status(answer, what)
            return answer
        raise AssertionError("unreachable")

    def _fetch_token(self) -> None:
        answer = self.http.send(
            "GET", f"{self.base}/reader/api/0/token", params=[("output", "json")],
            headers=self._headers(),
        )  # fmt: skip
        if answer.status in (401, 403):
            raise self._refused()
        self.http.check_status(answer, "the edit token")
        token = answer.text.strip()
        if not token or len(token) > 200 or "<" in token:
            raise self.http.error(f"{self.http.host} answered no edit token", "garbage")
        self.token = token
        self.secrets.add(token)

    # ------------------------------------------------------------ the interface

    def login(self) -> None:
        answer = self.http.send(
            "POST", f"{self.base}/accounts/ClientLogin",
            data={"Email": self.config.username, "Passwd": self.password},
        )  # fmt: skip
        if answer.status in (401, 403):
            raise self._refused()
        self.http.check_status(answer, "the login")
        fields = dict(line.split("=", 1) for line in answer.text.splitlines() if "=" in line)
        auth = fields.get("Auth", "").strip()
        if not auth:
            if "<" in answer.text[:200]:
                self.http.json(answer, "the login")  # raises the "web page" error
            raise self.http.error(
                f"{self.http.host} answered something that is not a Google Reader login"
                f" (no Auth=) to the login",
                "garbage",
            )
        self.auth = auth
        self.secrets.add(auth)
        self.token = None

    def feeds(self) -> list[RemoteFeed]:
        data = self._get("subscription/list", "the subscription list")
        subs = data.get("subscriptions") if isinstance(data, dict) else None
        if not isinstance(subs, list):
            raise self.http.error(
                f"{self.http.host} answered a subscription list without subscriptions", "garbage"
            )
        feeds = []
        for sub in subs:
            if not isinstance(sub, dict) or not isinstance(sub.get("id"), str):
                continue
            folders = tuple(
                str(c.get("label") or c.get("id", "").rpartition("/")[2])
                for c in sub.get("categories") or []
                if isinstance(c, dict)
                and str(c.get("id", "")).startswith(("user/", "label/"))
                and "/label/" in str(c.get("id", ""))
            )
            url = sub.get("url") or ""
            if not url and sub["id"].startswith("feed/") and "://" in sub["id"]:
                url = sub["id"][5:]
            feeds.append(
                RemoteFeed(
                    id=sub["id"],
                    title=str(sub.get("title") or ""),
                    url=str(url),
                    site_url=str(sub.get("htmlUrl") or ""),
                    folders=folders,
                )
            )
        return feeds

    def _item_ids(self, what: str, params: list[tuple[str, Any]]) -> Iterator[str]:
        continuation = None
        while True:
            query = [*params, ("n", IDS_PAGE)]
            if continuation:
                query.append(("c", continuation))
            data = self._get("stream/items/ids", what, query)
            refs = data.get("itemRefs") if isinstance(data, dict) else None
            if refs is None and isinstance(data, dict):
                refs = []  # FreshRSS leaves itemRefs out of an empty answer
            if not isinstance(refs, list):
                raise self.http.error(f"{self.http.host} answered ids without itemRefs", "garbage")
            for ref in refs:
                if isinstance(ref, dict) and ref.get("id") is not None:
                    try:
                        yield long_id(ref["id"])
                    except ValueError:
                        continue
            new = data.get("continuation")
            if not new or not refs or new == continuation:
                return
            continuation = str(new)

    def new_items(
        self, cursor: Cursor, known: set[str], window_s: float
    ) -> Iterator[list[RemoteItem]]:
        params: list[tuple[str, Any]] = [("s", READING_LIST)]
        last = cursor.get("newest_s")
        now = time.time()
        if last:
            params.append(("ot", int(last) - OVERLAP_S))
        elif window_s:
            params.append(("ot", int(now - window_s)))
        ids = [i for i in self._item_ids("the item list", params) if i not in known]
        yield from self.items_by_id(ids)
        known.update(ids)
        cursor.set("newest_s", int(now))

    def items_by_id(self, ids: list[str]) -> Iterator[list[RemoteItem]]:
        for start in range(0, len(ids), CONTENTS_BATCH):
            chunk = ids[start : start + CONTENTS_BATCH]
            answer = self._post(
                "stream/items/contents", "the item contents", [("i", i) for i in chunk],
                expect_json=True,
            )  # fmt: skip
            data = self.http.json(answer, "the item contents")
            raw = data.get("items") if isinstance(data, dict) else None
            if not isinstance(raw, list):
                raise self.http.error(
                    f"{self.http.host} answered contents without items", "garbage"
                )
            items = [i for i in map(_item, raw) if i is not None]
            if items:
                yield items

    def unread_ids(self) -> set[str]:
        return set(self._item_ids("the unread list", [("s", READING_LIST), ("xt", READ)]))

    def saved_ids(self) -> set[str]:
        return set(self._item_ids("the starred list", [("s", STARRED)]))

    def mark(self, ids: list[str], field: str, value: bool) -> None:
        tag = READ if field == "read" else STARRED
        for start in range(0, len(ids), EDIT_BATCH):
            chunk = [long_id(i) for i in ids[start : start + EDIT_BATCH]]
            self._post(
                "edit-tag", "a state change",
                [*(("i", i) for i in chunk), ("a" if value else "r", tag)],
            )  # fmt: skip

    def mark_all_read(self, stream: str, before_s: float) -> None:
        """Mark a whole stream read up to a time (`ts` in microseconds, as the API wants)."""
        self._post(
            "mark-all-as-read",
            "marking all read",
            [("s", stream), ("ts", int(before_s * 1_000_000))],
        )

    def subscribe(self, url: str, folder: str | None = None) -> None:
        form: list[tuple[str, Any]] = [("ac", "subscribe"), ("s", f"feed/{url}")]
        if folder:
            form.append(("a", LABEL + folder))
        self._post("subscription/edit", "the subscription", form)

    def unsubscribe(self, feed: RemoteFeed) -> None:
        self._post(
            "subscription/edit", "the unsubscription", [("ac", "unsubscribe"), ("s", feed.id)]
        )


def _item(raw: Any) -> RemoteItem | None:
    if not isinstance(raw, dict):
        return None
    try:
        item_id = long_id(raw.get("id", ""))
    except ValueError:
        return None
    cats = [str(c) for c in raw.get("categories") or [] if isinstance(c, str)]
    origin = raw.get("origin") if isinstance(raw.get("origin"), dict) else {}
    body = raw.get("content") or raw.get("summary") or {}
    content = body.get("content", "") if isinstance(body, dict) else ""
    link = ""
    for key in ("canonical", "alternate"):
        links = raw.get(key)
        if isinstance(links, list) and links and isinstance(links[0], dict):
            link = str(links[0].get("href") or "")
            if link:
                break
    published = raw.get("published")
    if not isinstance(published, int | float):
        try:
            published = int(raw.get("timestampUsec")) / 1_000_000
        except (TypeError, ValueError):
            published = None
    return RemoteItem(
        id=item_id,
        feed_id=str(origin.get("streamId") or ""),
        title=str(raw.get("title") or ""),
        author=str(raw.get("author") or ""),
        link=link,
        published=float(published) if published else None,
        content=str(content),
        read=any(c.endswith("/state/com.google/read") for c in cats),
        saved=any(c.endswith("/state/com.google/starred") for c in cats),
    )
