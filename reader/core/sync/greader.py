"""The Google Reader API (FreshRSS, Miniflux, The Old Reader; Inoreader only for apps that
still have a ClientLogin AppId/AppKey).

What the servers do differently (read from their code: see tests/greader_server.py, which
cites the file and line of each), and what this client does so one code path works on all:
- Content types: FreshRSS sends its ids list, token and "OK" with PHP's default
  `text/html`, so an answer is read as JSON when it parses as JSON, whatever its header says;
  only a body that is not JSON and looks like HTML is "a web page".
- A stale edit token is a 401 with `Google-Bad-Token: true` (FreshRSS; it sends it on every
  401) or `X-Reader-Google-Bad-Token: true`: fetch a new token and retry once.
- 401 / 403 / 429 are named errors: the login refused, access forbidden (an app id, a plan,
  an API switched off), or a rate limit, waited out when the server's Retry-After (or
  Inoreader's X-Reader-Limits-Reset-After) is short, reported with the wait otherwise.
- Item ids: decimal in the ids lists (FreshRSS, Miniflux), 24-hex ObjectIds (The Old Reader),
  the long form `tag:google.com,2005:reader/item/<hex>` in contents. They are kept and sent in
  the long form, 16 hex digits for numbers and the 24 of an ObjectId.
- Paging: FreshRSS continues from the last id sent, Miniflux from an offset (n clamped to
  1000 in 2.3), so a walk can skip items that change state under it. Nothing is flipped on a
  list's word alone: `confirm_state` reads each candidate's categories first.
- `ot`: FreshRSS compares it with the crawl time, Miniflux with the *published* time. New
  items are found by walking the ids of the whole keep window and diffing with what is here,
  so an item published long ago but crawled since the last sync is not missed.
- Subscribe: `subscription/edit ac=subscribe`, or where that is refused (The Old Reader)
  `subscription/quickadd` then `ac=edit` for a folder; a feed already there is not added
  twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

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
    SyncServerError,
    looks_like_html,
)
from reader.core.sync.limits import MAX_WAIT_S, RATE_RETRIES, RETRY_MARGIN_S, limited, retry_after

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LABEL = "user/-/label/"
LONG_PREFIX = "tag:google.com,2005:reader/item/"
IDS_PAGE = 1000  # Miniflux 2.3 clamps n to 1000, Inoreader allows no more
CONTENTS_BATCH = 250
EDIT_BATCH = 250
FORM = "application/x-www-form-urlencoded"
FULLWIDTH = str.maketrans({"＆": "&", "＜": "<", "＞": ">"})


def long_id(item_id: str) -> str:
    """Any id form as the long form: decimal (ids lists), hex long form (contents), a
    24-hex ObjectId (The Old Reader)."""
    text = str(item_id).strip()
    if text.startswith(LONG_PREFIX):
        tail = text[len(LONG_PREFIX) :].lower()
        if len(tail) == 24 and _is_hex(tail):
            return LONG_PREFIX + tail
        if 0 < len(tail) <= 16 and _is_hex(tail):
            return LONG_PREFIX + tail.rjust(16, "0")
    elif text.lstrip("-").isdigit() and len(text) <= 20:
        return f"{LONG_PREFIX}{int(text) & 0xFFFFFFFFFFFFFFFF:016x}"
    elif len(text) == 24 and _is_hex(text):
        return LONG_PREFIX + text.lower()
    raise ValueError(f"not a Google Reader item id: {text[:40]!r}")


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


class GReaderClient(SyncClient):
    kind = "greader"
    api = "Google Reader"

    def __init__(self, config: SyncConfig, password: str, timeout_s: float, max_bytes: int):
        super().__init__(config, password, timeout_s, max_bytes)
        host = (urlsplit(config.url).hostname or "").lower()
        if host.endswith("inoreader.com") and not (config.app_id and config.app_key):
            raise SyncConfigError(
                "[sync] Inoreader allows only OAuth 2 for new apps, which Byline does not"
                " speak; an app registered for ClientLogin can set app_id and app_key"
            )
        self.base = config.url.rstrip("/")
        headers = {}
        if config.app_id:
            headers["AppId"] = config.app_id
        if config.app_key:
            headers["AppKey"] = config.app_key
        self.http = Http(self.api, config.url, self.secrets, timeout_s, max_bytes, headers)
        self.auth: str | None = None
        self.token: str | None = None
        self.seen: dict[str, tuple[bool, bool]] = {}  # item -> (read, starred) read this sync
        self.sleep = time.sleep

    # ------------------------------------------------------------ plumbing

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"GoogleLogin auth={self.auth}"} if self.auth else {}

    def _send(self, method: str, url: str, what: str, **kwargs: Any) -> Answer:
        """One request; a 429 is waited out when the server says it lifts soon."""
        for attempt in range(RATE_RETRIES + 1):
            answer = self.http.send(method, url, **kwargs)
            if answer.status != 429:
                return answer
            wait = retry_after(answer)
            if wait is None or wait > MAX_WAIT_S or attempt == RATE_RETRIES:
                raise limited(self.http.host, what, wait)
            self.sleep(wait + RETRY_MARGIN_S)
        raise AssertionError("unreachable")

    def _refused(self, answer: Answer, what: str) -> SyncAuthError:
        if answer.status == 403:
            said = _said(answer)
            return SyncAuthError(
                self.secrets.scrub(
                    f"the Google Reader server at {self.http.host} forbade {what} (HTTP 403)"
                    + (f": {said}" if said else "")
                    + " (is API access on for this account? Inoreader: app_id and app_key)"
                )
            )
        if self.auth is None:
            return SyncAuthError(
                f"the Google Reader server at {self.http.host} refused user"
                f" {self.config.username!r}: check username and password"
            )
        return SyncAuthError(
            f"the Google Reader server at {self.http.host} no longer accepts the login of"
            f" {self.config.username!r} (HTTP 401 to {what}): check username and password"
        )

    def _get(self, path: str, what: str, params: list[tuple[str, Any]] | None = None) -> Any:
        answer = self._send(
            "GET", f"{self.base}/reader/api/0/{path}", what,
            params=[*(params or []), ("output", "json")], headers=self._headers(),
        )  # fmt: skip
        if answer.status in (401, 403):
            raise self._refused(answer, what)
        return self.http.json(answer, what)

    def _post(self, path: str, what: str, form: list[tuple[str, Any]]) -> Answer:
        for attempt in range(2):
            if self.token is None:
                self._fetch_token()
            answer = self._send(
                "POST", f"{self.base}/reader/api/0/{path}", what, params=[("output", "json")],
                content=urlencode([*form, ("T", self.token)]).encode(),
                headers={**self._headers(), "Content-Type": FORM},
            )  # fmt: skip
            stale = any(
                answer.headers.get(h, "").lower() == "true"
                for h in ("google-bad-token", "x-reader-google-bad-token")
            )
            if answer.status == 401 and stale and attempt == 0:
                self.token = None
                continue
            if answer.status in (401, 403):
                raise self._refused(answer, what)
            self.http.check_status(answer, what)
            return answer
        raise AssertionError("unreachable")

    def _fetch_token(self) -> None:
        answer = self._send(
            "GET", f"{self.base}/reader/api/0/token", "the edit token",
            params=[("output", "json")], headers=self._headers(),
        )  # fmt: skip
        if answer.status in (401, 403):
            raise self._refused(answer, "the edit token")
        self.http.check_status(answer, "the edit token")
        token = answer.text.strip()
        if not token or len(token) > 200 or "<" in token or "\n" in token:
            raise self.http.error(f"{self.http.host} answered no edit token", "garbage")
        self.token = token
        self.secrets.add(token)

    # ------------------------------------------------------------ the interface

    def login(self) -> None:
        answer = self._send(
            "POST", f"{self.base}/accounts/ClientLogin", "the login",
            data={"Email": self.config.username, "Passwd": self.password},
        )  # fmt: skip
        if answer.status in (401, 403):
            raise self._refused(answer, "the login")
        if answer.status in (404, 405):
            raise self.http.error(
                f"no Google Reader API at {self.http.where} (HTTP {answer.status} for"
                " accounts/ClientLogin): check [sync] url (FreshRSS: https://host/api/greader.php,"
                " Miniflux: https://host/, with its Google Reader API switched on)",
                "api",
                answer.status,
            )
        self.http.check_status(answer, "the login")
        fields = dict(line.split("=", 1) for line in answer.text.splitlines() if "=" in line)
        auth = fields.get("Auth", "").strip()
        if not auth:
            if looks_like_html(answer):
                raise self.http.error(
                    f"{self.http.host} answered a web page, not the {self.api} API, to the"
                    f" login (check [sync] url: {self.http.where})",
                    "html",
                )
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
                f"{self.http.host} answered a subscription list without subscriptions"
                " (not a Google Reader server?)",
                "garbage",
            )
        return [feed for feed in map(_feed, subs) if feed is not None]

    def _item_ids(self, what: str, params: list[tuple[str, Any]]) -> Iterator[str]:
        """Every id of a stream, page by page. A continuation seen before ends the walk (a
        server that pages in a loop)."""
        continuation = None
        seen_continuations: set[str] = set()
        while True:
            query = [*params, ("n", IDS_PAGE)]
            if continuation:
                query.append(("c", continuation))
            data = self._get("stream/items/ids", what, query)
            if not isinstance(data, dict):
                raise self.http.error(
                    f"{self.http.host} answered {what} without itemRefs", "garbage"
                )
            refs = data.get("itemRefs") or []  # FreshRSS: [] ; some servers leave it out
            if not isinstance(refs, list):
                raise self.http.error(f"{self.http.host} answered ids without itemRefs", "garbage")
            for ref in refs:
                if isinstance(ref, dict) and ref.get("id") is not None:
                    try:
                        yield long_id(ref["id"])
                    except ValueError:
                        continue
            new = data.get("continuation")
            if new in (None, "", 0, "0") or not refs or str(new) in seen_continuations:
                return
            continuation = str(new)
            seen_continuations.add(continuation)

    def new_items(
        self, cursor: Cursor, known: set[str], window_s: float
    ) -> Iterator[list[RemoteItem]]:
        """Ids of the whole keep window, minus what is here. Not `ot` from the last sync:
        Miniflux compares `ot` with the published time, so an item crawled late would never
        come (FreshRSS compares it with the crawl time, The Old Reader does not say)."""
        params: list[tuple[str, Any]] = [("s", READING_LIST)]
        since = cursor.get("since_s")
        if since is None:
            since = int(time.time() - window_s) if window_s else 0
            cursor.set("since_s", since)
        if since:
            params.append(("ot", int(since)))
        ids = [i for i in dict.fromkeys(self._item_ids("the item list", params)) if i not in known]
        for batch in self.items_by_id(ids):
            yield batch
            known.update(item.id for item in batch)
        cursor.set("newest_s", int(time.time()))

    def items_by_id(self, ids: list[str]) -> Iterator[list[RemoteItem]]:
        for start in range(0, len(ids), CONTENTS_BATCH):
            items = self._contents(ids[start : start + CONTENTS_BATCH])
            if items:
                yield items

    def _contents(self, chunk: list[str]) -> list[RemoteItem]:
        try:
            answer = self._post(
                "stream/items/contents", "the item contents", [("i", long_id(i)) for i in chunk]
            )
        except SyncServerError as err:
            if err.status == 400:  # Miniflux: 400 when none of the ids exist any more
                return []
            raise
        data = self.http.json(answer, "the item contents")
        raw = data.get("items") if isinstance(data, dict) else None
        if not isinstance(raw, list):
            raise self.http.error(f"{self.http.host} answered contents without items", "garbage")
        items = [i for i in map(_item, raw) if i is not None]
        for item in items:
            self.seen[item.id] = (bool(item.read), bool(item.saved))
        return items

    def unread_ids(self) -> set[str]:
        return set(self._item_ids("the unread list", [("s", READING_LIST), ("xt", READ)]))

    def saved_ids(self) -> set[str]:
        return set(self._item_ids("the starred list", [("s", STARRED)]))

    def confirm_state(self, ids: list[str]) -> dict[str, tuple[bool, bool]]:
        """(read, starred) of each item as its own categories say, for the items the state
        lists would flip: a list walked by offset (Miniflux) skips items that changed state
        during the walk, and a skipped unread item must not be marked read here. Items read
        in this sync are not asked again; items the server no longer has are left out."""
        state = {i: self.seen[i] for i in ids if i in self.seen}
        ask = [i for i in ids if i not in state]
        for start in range(0, len(ask), CONTENTS_BATCH):
            items = self._contents(ask[start : start + CONTENTS_BATCH])
            state.update({item.id: (bool(item.read), bool(item.saved)) for item in items})
        return state

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
        """`subscription/edit ac=subscribe` with the folder (FreshRSS, Miniflux, Inoreader);
        where that is refused, `subscription/quickadd` and then `ac=edit` for the folder (The
        Old Reader has only quickadd). A feed already on the server is left as it is
        (Miniflux answers 500 to a duplicate, FreshRSS 400)."""
        before = self.feeds()
        if any(f.url == url for f in before):
            return
        form: list[tuple[str, Any]] = [("ac", "subscribe"), ("s", f"feed/{url}")]
        if folder:
            form.append(("a", LABEL + folder))
        try:
            self._post("subscription/edit", "the subscription", form)
        except SyncServerError as err:
            if err.status not in (400, 404, 405):
                raise
        else:
            # A server that does not know ac=subscribe may still say OK: the list tells.
            if len(self.feeds()) > len(before):
                return
        self._quickadd(url, folder)

    def _quickadd(self, url: str, folder: str | None) -> None:
        answer = self._post("subscription/quickadd", "the subscription", [("quickadd", url)])
        data = self.http.json(answer, "the subscription")
        if not isinstance(data, dict) or not data.get("numResults"):
            said = str(data.get("error") or "") if isinstance(data, dict) else ""
            raise self.http.error(
                f"{self.http.host} did not subscribe to {url}"
                + (f": {said[:200]}" if said else " (no feed found there)"),
                "api",
            )
        stream = str(data.get("streamId") or "")
        if folder and stream:
            self._post(
                "subscription/edit", "the subscription's folder",
                [("ac", "edit"), ("s", stream), ("a", LABEL + folder)],
            )  # fmt: skip

    def unsubscribe(self, feed: RemoteFeed) -> None:
        self._post(
            "subscription/edit", "the unsubscription", [("ac", "unsubscribe"), ("s", feed.id)]
        )


def _said(answer: Answer) -> str:
    """The first line of a short plain-text or JSON error answer, for the message."""
    if looks_like_html(answer) or len(answer.body) > 2000:
        return ""
    text = answer.text.strip()
    try:
        data = json.loads(text)
        if isinstance(data, dict):
            errors = data.get("errors") or data.get("error_message") or data.get("error")
            text = str(errors[0] if isinstance(errors, list) and errors else errors or "")
    except ValueError:
        pass
    return "".join(c for c in text.splitlines()[0] if c.isprintable())[:160] if text else ""


def _title(value: Any) -> str:
    """FreshRSS sends & < > in titles as full-width ＆ ＜ ＞ (escapeToUnicodeAlternative)."""
    return str(value or "").translate(FULLWIDTH)


def _feed(sub: Any) -> RemoteFeed | None:
    if not isinstance(sub, dict) or not isinstance(sub.get("id"), str):
        return None
    folders = tuple(
        _title(c.get("label") or str(c.get("id", "")).rpartition("/")[2])
        for c in sub.get("categories") or []
        if isinstance(c, dict) and "/label/" in str(c.get("id", ""))
    )
    url = sub.get("url") or ""
    if not url and sub["id"].startswith("feed/") and "://" in sub["id"]:
        url = sub["id"][5:]
    return RemoteFeed(
        id=sub["id"],
        title=_title(sub.get("title")),
        url=str(url),
        site_url=str(sub.get("htmlUrl") or ""),
        folders=folders,
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
        title=_title(raw.get("title")),
        author=str(raw.get("author") or ""),
        link=link,
        published=float(published) if published else None,
        content=str(content),
        read=any(c.endswith("/state/com.google/read") for c in cats),
        saved=any(c.endswith("/state/com.google/starred") for c in cats),
    )
