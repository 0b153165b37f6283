"""The whole sync, the same way, against each server that cannot run here, through its test
server built from its code: FreshRSS, Miniflux 2.3, The Old Reader, Inoreader (an app with
ClientLogin keys) — tests/greader_server.py — and Nextcloud News v1-3 —
tests/nextcloud_server.py. Per flavour: a first sync, an incremental one, marks both ways,
starring, subscribe and unsubscribe, an outage, and a SIGKILL in the middle of a push and of
a pull (the kills as in tests/test_sync_servers.py: a proxy holds the Nth request, the child
is killed while it waits)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from greader_server import GReaderServer
from nextcloud_server import NextcloudServer
from syncservers import PASSWORD, Proxy, write_config

from reader.core.store import Store

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

FLAVOURS = ["freshrss", "miniflux", "oldreader", "inoreader", "nextcloud"]


class Backend:
    """One flavour's server and how the test plays "the other client" on it."""

    def __init__(self, flavour: str) -> None:
        self.flavour = flavour
        self.extra = ""
        self.counts: dict[str, int] = {}
        self.feed_ids: dict[str, int] = {}
        if flavour == "nextcloud":
            self.server: GReaderServer | NextcloudServer = NextcloudServer(password=PASSWORD)
            self.kind = "nextcloud"
            self.before_push = 1  # version, then the first write
            self.first_page = 4  # version, folders, feeds, items page one
        else:
            self.server = GReaderServer(flavour, password=PASSWORD)
            self.kind = "greader"
            self.before_push = 2  # ClientLogin, token, then edit-tag
            self.first_page = 5  # ClientLogin, subscription/list, ids, token, contents
            if flavour == "inoreader":
                self.extra = f'app_id = "{self.server.app_id}"\napp_key = "{self.server.app_key}"\n'

    def title(self, name: str, n: int) -> str:
        return f"{name} story {n}"

    def add_feed(self, name: str, count: int, folder: str | None = None) -> None:
        feed = self.server.add_feed(f"https://example.org/{name}.xml", f"Feed {name}", folder)
        self.feed_ids[name] = feed
        self.counts[name] = 0
        self.grow(name, count)

    def grow(self, name: str, total: int) -> None:
        ids = self.server.add_items(self.feed_ids[name], total - self.counts[name], "tmp")
        for n, item_id in enumerate(ids, start=self.counts[name]):
            self.server.state.items[item_id].title = self.title(name, n)
        self.counts[name] = total

    def mark_remote(self, remote: str, field: str, value: bool) -> None:
        if isinstance(self.server, NextcloudServer):
            self.server.set_state(int(remote), field, value)
            return
        item = self.server.state.items[int(remote.rsplit("/", 1)[-1], 16)]
        if field == "read":
            item.read = value
        else:
            item.starred = value

    def remote_ids(self, which: str) -> set[str]:
        return self.server.ids(which)

    def subs(self) -> dict[str, str | None]:
        """url -> folder name"""
        if isinstance(self.server, NextcloudServer):
            names = self.server.state.folders
            return {f.url: names.get(f.folder or 0) for f in self.server.state.feeds.values()}
        return {s.url: s.folder for s in self.server.state.subs.values()}

    def proxied(self, proxy: Proxy) -> str:
        return proxy.url(self.server.base or "/")

    def close(self) -> None:
        self.server.stop()


@pytest.fixture(params=FLAVOURS)
def backend(request: pytest.FixtureRequest):
    made = Backend(request.param)
    yield made
    made.close()


class Account:
    def __init__(self, backend: Backend, home: Path) -> None:
        self.backend = backend
        self.config = home / "config.toml"
        self.data = home / "data"
        self.point_at(backend.server.url)

    def point_at(self, url: str) -> None:
        write_config(self.config, self.backend.kind, url, "ada", self.backend.extra)

    def local(self) -> dict[str, dict]:
        with Store.in_dir(self.data) as store:
            rows = store._rows(
                """SELECT e.title, e.id, s.remote_id, e.read, e.saved FROM entries e
                   JOIN sync_items s ON s.entry_id = e.id"""
            )
        return {
            t: {"id": i, "remote": r, "read": bool(a), "saved": bool(b)} for t, i, r, a, b in rows
        }

    def queued(self) -> int:
        with Store.in_dir(self.data) as store:
            return store._rows("SELECT count(*) FROM sync_queue")[0][0]


@pytest.fixture
def account(backend: Backend, isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Account:
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    return Account(backend, isolated_env)


def sync_json(in_cli) -> dict:
    result = in_cli("sync", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def kill_when_held(proxy: Proxy) -> None:
    """Start `byline sync`, SIGKILL it once a request of it waits in the hanging proxy."""
    child = subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "sync"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while proxy.held < 1 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert child.poll() is None, child.communicate()
    child.kill()
    child.communicate()


# ---------------------------------------------------------------- every flavour


def test_first_sync(account: Account, backend: Backend, in_cli) -> None:
    backend.add_feed("a", 3, folder="News")
    backend.add_feed("b", 2)
    report = sync_json(in_cli)
    assert report["first"] and report["kind"] == backend.kind
    assert report["feeds"] == 2 and report["new_entries"] == 5
    entries = json.loads(in_cli("entries", "--json").stdout)
    assert sorted(e["title"] for e in entries) == sorted(
        [backend.title("a", n) for n in range(3)] + [backend.title("b", n) for n in range(2)]
    )
    assert not any(e["read"] or e["saved"] for e in entries)
    listed = {f["title"]: f for f in json.loads(in_cli("feeds", "--json").stdout)}
    assert listed["Feed a"]["tags"] == ["News"] and listed["Feed a"]["unread"] == 3
    quotes = json.loads(in_cli("quotes", "--entry", str(entries[0]["id"]), "--json").stdout)
    assert quotes and quotes[0]["speaker"] == "Grace Hopper"
    assert PASSWORD not in json.dumps(report)


def test_incremental_sync(account: Account, backend: Backend, in_cli) -> None:
    backend.add_feed("a", 3)
    sync_json(in_cli)
    backend.grow("a", 5)
    report = sync_json(in_cli)
    assert not report["first"] and report["new_entries"] == 2
    assert set(account.local()) == {backend.title("a", n) for n in range(5)}
    quiet = sync_json(in_cli)
    assert quiet["new_entries"] == 0 and quiet["pushed"] == 0
    assert quiet["requests"] <= 8, quiet


def test_marks_and_stars_both_ways(account: Account, backend: Backend, in_cli) -> None:
    backend.add_feed("a", 4)
    sync_json(in_cli)
    local = account.local()
    t = [backend.title("a", n) for n in range(4)]
    assert in_cli("mark", "read", str(local[t[0]]["id"])).returncode == 0
    assert in_cli("mark", "saved", str(local[t[1]]["id"])).returncode == 0
    assert sync_json(in_cli)["pushed"] == 2 and account.queued() == 0
    assert local[t[0]]["remote"] not in backend.remote_ids("unread")
    assert local[t[1]]["remote"] in backend.remote_ids("saved")
    backend.mark_remote(local[t[2]]["remote"], "read", True)  # the phone
    backend.mark_remote(local[t[3]]["remote"], "saved", True)
    backend.mark_remote(local[t[0]]["remote"], "read", False)
    backend.mark_remote(local[t[1]]["remote"], "saved", False)
    report = sync_json(in_cli)
    now = account.local()
    assert now[t[2]]["read"] and now[t[3]]["saved"]
    assert not now[t[0]]["read"] and not now[t[1]]["saved"]
    assert [report[k] for k in ("marked_read", "marked_unread", "saved", "unsaved")] == [1, 1, 1, 1]
    in_cli("mark", "unread", str(now[t[2]]["id"]))
    in_cli("mark", "unsaved", str(now[t[3]]["id"]))
    sync_json(in_cli)
    assert local[t[2]]["remote"] in backend.remote_ids("unread")
    assert local[t[3]]["remote"] not in backend.remote_ids("saved")


def test_subscribe_and_unsubscribe(account: Account, backend: Backend, in_cli) -> None:
    backend.add_feed("a", 1)
    sync_json(in_cli)
    url = "https://example.org/new.xml"
    result = in_cli("sync", "--subscribe", url, "--folder", "Tech")
    assert result.returncode == 0, result.stderr
    assert backend.subs()[url] == "Tech"
    assert in_cli("sync", "--subscribe", url).returncode == 0  # twice: still one
    assert list(backend.subs()).count(url) == 1
    sync_json(in_cli)
    listed = {f["url"]: f for f in json.loads(in_cli("feeds", "--json").stdout)}
    assert listed[url]["tags"] == ["Tech"]
    result = in_cli("sync", "--unsubscribe", url)
    assert result.returncode == 0, result.stderr
    assert url not in backend.subs()
    assert url not in {f["url"] for f in json.loads(in_cli("feeds", "--json").stdout)}
    assert account.local()  # the other feed's entries stay


def test_outage_keeps_queue_and_cache(account: Account, backend: Backend, in_cli) -> None:
    backend.add_feed("a", 3)
    sync_json(in_cli)
    local = account.local()
    in_cli("mark", "read", *[str(v["id"]) for v in local.values()])
    backend.server.down()
    try:
        result = in_cli("sync", "--json")
        assert result.returncode == 1
        data = json.loads(result.stdout)
        assert data["ok"] is False and data["reason"] == "unreachable" and data["pending"] == 3
        assert account.queued() == 3 and all(v["read"] for v in account.local().values())
    finally:
        backend.server.up()
    assert sync_json(in_cli)["pushed"] == 3 and account.queued() == 0
    assert not {v["remote"] for v in local.values()} & backend.remote_ids("unread")


def test_sigkill_mid_push_keeps_the_queue(account: Account, backend: Backend, in_cli) -> None:
    backend.add_feed("a", 3)
    proxy = Proxy(f"http://127.0.0.1:{backend.server.port}")
    try:
        account.point_at(backend.proxied(proxy))  # before the first sync: one account
        sync_json(in_cli)
        local = account.local()
        in_cli("mark", "read", *[str(v["id"]) for v in local.values()])
        proxy.forwarded = 0
        proxy.set("forward", hang_after=backend.before_push)
        kill_when_held(proxy)
        proxy.set("forward")
        assert account.queued() == 3  # not confirmed, so all still queued
        assert sync_json(in_cli)["pushed"] == 3 and account.queued() == 0
    finally:
        proxy.stop()
    assert not backend.remote_ids("unread") & {v["remote"] for v in local.values()}


def test_sigkill_mid_pull_then_a_sync_completes(account: Account, backend: Backend, in_cli) -> None:
    total = 250 * 2 + 20
    backend.add_feed("a", total)
    proxy = Proxy(f"http://127.0.0.1:{backend.server.port}")
    try:
        account.point_at(backend.proxied(proxy))
        proxy.set("forward", hang_after=backend.first_page)
        kill_when_held(proxy)
        proxy.set("forward")
        kept = len(account.local())
        assert 0 < kept < total  # the first pages were committed before the kill
        report = sync_json(in_cli)
        assert report["new_entries"] == total - kept
    finally:
        proxy.stop()
    with Store.in_dir(account.data) as store:
        assert store._rows("SELECT count(*) FROM entries")[0][0] == total


# ---------------------------------------------------------------- Nextcloud News only


@pytest.fixture
def nextcloud(isolated_env: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    backend = Backend("nextcloud")
    yield backend, Account(backend, isolated_env)
    backend.close()


def test_nextcloud_incremental_asks_by_the_servers_last_modified(nextcloud, in_cli) -> None:
    backend, account = nextcloud
    backend.add_feed("a", 3)
    sync_json(in_cli)
    first_walk = [r for r in backend.server.requests if r.path.endswith("/items")]
    assert first_walk[0].query["getRead"] == "true" and first_walk[0].query["batchSize"] == "250"
    newest = max(i.last_modified for i in backend.server.state.items.values())
    backend.server.requests.clear()
    sync_json(in_cli)
    (updated,) = [r for r in backend.server.requests if r.path.endswith("/items/updated")]
    assert int(updated.query["lastModified"]) == newest  # the server's clock, not ours


def test_nextcloud_writes_are_v1_3_posts_with_item_ids(nextcloud, in_cli) -> None:
    backend, account = nextcloud
    backend.add_feed("a", 2)
    sync_json(in_cli)
    ids = [v["id"] for v in account.local().values()]
    in_cli("mark", "read", str(ids[0]))
    in_cli("mark", "saved", str(ids[1]))
    sync_json(in_cli)
    writes = [r for r in backend.server.requests if r.path.endswith("/multiple")]
    assert {r.path.rsplit("/", 2)[-2] for r in writes} == {"read", "star"}
    assert all(r.method == "POST" and isinstance(r.body["itemIds"], list) for r in writes)


def test_nextcloud_bad_password_and_not_nextcloud(nextcloud, in_cli, monkeypatch) -> None:
    backend, account = nextcloud
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", "wrong-password-123")
    result = in_cli("sync")
    assert result.returncode == 2 and "refused user 'ada'" in result.stderr
    assert "wrong-password-123" not in result.stderr
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    backend.server.broken = "html"
    result = in_cli("sync", "--json")
    assert result.returncode == 1 and json.loads(result.stdout)["reason"] == "html"


def test_nextcloud_rate_limit_is_waited_out_or_named(nextcloud, in_cli) -> None:
    backend, account = nextcloud
    backend.add_feed("a", 2)
    backend.server.limit_after = 2
    backend.server.retry_after = "3600"
    result = in_cli("sync", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["reason"] == "ratelimit" and "in 60 min" in data["error"]
    backend.server.limit_after, backend.server.limit_until = None, 0.0
    assert sync_json(in_cli)["new_entries"] == 2
    backend.grow("a", 3)
    backend.server.limit_after = len(backend.server.requests) + 2
    backend.server.retry_after = "1"  # a short one is waited out
    assert sync_json(in_cli)["new_entries"] == 1
    assert [r.status for r in backend.server.requests].count(429) >= 1


def test_nextcloud_without_the_news_app_is_said(nextcloud, in_cli) -> None:
    backend, account = nextcloud
    account.point_at(backend.server.url + "elsewhere/")  # the News app is not there
    result = in_cli("sync", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["reason"] == "api" and "is the News app installed" in data["error"], data


def test_nextcloud_url_forms(nextcloud) -> None:
    from reader.core.sync.nextcloud import api_base

    full = "https://cloud.example.org/index.php/apps/news/api/v1-3"
    assert api_base("https://cloud.example.org") == full
    assert api_base("https://cloud.example.org/index.php/") == full
    assert api_base(full + "/") == full


@pytest.mark.parametrize(
    ("mode", "reason", "words"),
    [
        ("html", "html", "a web page, not the"),
        ("500", "http", "HTTP 500"),
        ("garbage", "garbage", "answered something that is not"),
    ],
)
def test_broken_server_keeps_queue_and_cache(
    account: Account, backend: Backend, in_cli, mode: str, reason: str, words: str
) -> None:
    backend.add_feed("a", 2)
    proxy = Proxy(f"http://127.0.0.1:{backend.server.port}")
    try:
        account.point_at(backend.proxied(proxy))
        sync_json(in_cli)
        first = next(iter(account.local().values()))
        in_cli("mark", "saved", str(first["id"]))
        proxy.set(mode)
        result = in_cli("sync", "--json")
        proxy.set("forward")
        assert result.returncode == 1, result.stdout + result.stderr
        data = json.loads(result.stdout)
        assert data["reason"] == reason and words in data["error"], data
        assert data["pending"] == 1 and account.queued() == 1 and len(account.local()) == 2
        assert PASSWORD not in result.stdout + result.stderr
        assert sync_json(in_cli)["pushed"] == 1
    finally:
        proxy.stop()
    assert first["remote"] in backend.remote_ids("saved")


def test_nextcloud_state_moves_by_last_modified_and_is_read_whole_daily(nextcloud, in_cli) -> None:
    """The docs' way to sync: the unread and starred lists whole at the first sync (600 whole
    items in pages of 250 by id, never one answer a long backlog would push past the size
    cap), then only `items/updated`; the whole lists again once a day."""
    backend, account = nextcloud
    backend.add_feed("a", 600)
    sync_json(in_cli)

    def unread_pages() -> list:
        return [
            r for r in backend.server.requests
            if r.path.endswith("/items") and r.query.get("getRead") == "false"
        ]  # fmt: skip

    assert len(unread_pages()) == 3 and all(r.query["batchSize"] == "250" for r in unread_pages())
    backend.server.requests.clear()
    read_there = max(backend.server.state.items)
    backend.server.set_state(read_there, "read", True)
    backend.server.set_state(read_there - 1, "saved", True)
    report = sync_json(in_cli)
    assert unread_pages() == [] and report["marked_read"] == 1 and report["saved"] == 1
    assert sum(not v["read"] for v in account.local().values()) == 599
    with Store.in_dir(account.data) as store:  # a day later
        (value,) = store._rows("SELECT value FROM sync_state WHERE key = 'cursor'")[0]
        cursor = json.loads(value)
        cursor["full_at"] = 0
        store.db.execute(
            "UPDATE sync_state SET value = ? WHERE key = 'cursor'", [json.dumps(cursor)]
        )
    backend.server.requests.clear()
    backend.server.set_state(read_there, "read", False)
    report = sync_json(in_cli)
    assert len(unread_pages()) == 3 and report["marked_unread"] == 1
