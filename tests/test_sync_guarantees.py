"""Sync never loses what you did (issue 29): each numbered item of the issue against the real
Coldsweat (Fever) or the real tt-rss, started by tests/syncservers.py, with a proxy in front
that can hold, rewrite or redirect chosen requests. Each of these failed before the fix."""

from __future__ import annotations

import contextlib
import gzip
import json
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from syncservers import PASSWORD, Proxy, coldsweat_server, make_items, write_config
from test_sync_servers import (  # noqa: F401 - fixtures
    Account,
    FeverBackend,
    TtrssBackend,
    coldsweat,
    feeds4,
    feeds6,
    sync_json,
    ttrss,
)

from reader.core.store import Store, View

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

Hook = Callable[[str, bytes], "tuple[int, dict[str, str], bytes] | None"]


class HookProxy:
    """A forwarding proxy whose `before(target, body)` hook runs before a request goes on
    (it may wait, change the server, or answer itself by returning (status, headers, body))
    and whose `after(target, body, answer)` hook may rewrite the answer. Counts requests."""

    def __init__(self, upstream: str) -> None:
        import http.client

        parts = urllib.parse.urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port or 80)
        self.before: Hook | None = None
        self.after: Callable[[str, bytes, bytes], bytes] | None = None
        self.requests: list[tuple[str, bytes]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.requests.append((self.path, body))
                if proxy.before is not None:
                    own = proxy.before(self.path, body)
                    if own is not None:
                        return self._answer(*own)
                conn = http.client.HTTPConnection(*proxy.upstream, timeout=120)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "connection", "accept-encoding")
                }
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                if proxy.after is not None:
                    data = proxy.after(self.path, body, data)
                kind = answer.getheader("Content-Type") or "application/json"
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(answer.status, {"Content-Type": kind}, data)

            do_GET = do_POST = _handle

        class Server(ThreadingHTTPServer):
            daemon_threads = True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fever(coldsweat, feeds4, isolated_env: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    backend = FeverBackend(coldsweat, feeds4)
    return backend, Account(backend, isolated_env)


@pytest.fixture
def tt(ttrss, feeds6, isolated_env: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    backend = TtrssBackend(ttrss, feeds6)
    return backend, Account(backend, isolated_env)


@pytest.fixture
def hook(coldsweat):  # noqa: F811
    proxy = HookProxy(f"http://127.0.0.1:{coldsweat.port}")
    yield proxy
    proxy.stop()


def by_title(account: Account, backend, name: str, n: int) -> dict:
    return account.local()[backend.title(name, n)]


def sync_fails(in_cli) -> dict:
    result = in_cli("sync", "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    return json.loads(result.stdout)


# ---------------------------------------------------------------- 1. the queue is the account's


def test_1_a_changed_url_for_the_same_server_keeps_the_queue(fever, in_cli) -> None:
    """Marks made while the server is down, then [sync] url written another way (here another
    port, through a proxy): the same server, so the three marks go out."""
    backend, account = fever
    backend.add_feed("a", 4)
    sync_json(in_cli)
    ids = [by_title(account, backend, "a", n) for n in range(3)]
    backend.down()
    try:
        in_cli("mark", "read", str(ids[0]["id"]), str(ids[2]["id"]))
        in_cli("mark", "saved", str(ids[1]["id"]))
        assert sync_fails(in_cli)["pending"] == 3
    finally:
        backend.up()
    other = Proxy(backend.upstream())
    try:
        account.point_at(backend.proxied(other))
        report = sync_json(in_cli)
        assert report["pushed"] == 3 and not report["first"], report
    finally:
        other.stop()
    unread, saved = backend.remote_ids("unread"), backend.remote_ids("saved")
    assert ids[0]["remote"] not in unread and ids[2]["remote"] not in unread
    assert ids[1]["remote"] in saved and account.queued() == 0


def test_1_another_server_never_rewrites_a_saved_entry(
    fever, in_cli, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A second Fever server with the same feed numbers its items differently: the saved
    entry keeps its article and stays saved (and the new server is told)."""
    backend, account = fever
    backend.add_feed("a", 10)
    sync_json(in_cli)
    saved = by_title(account, backend, "a", 8)
    in_cli("mark", "saved", str(saved["id"]))
    sync_json(in_cli)
    second = coldsweat_server(tmp_path_factory.mktemp("coldsweat2"))
    try:
        user = second.new_user()
        filler = backend.feeds.put(
            f"/{backend.tag}/filler.xml", "Filler", make_items(f"{backend.tag}-f", 7)
        )
        second.subscribe(user, [("Filler", filler)])  # takes the low ids
        second.subscribe(user, [("Feed a", backend.feeds.url(f"/{backend.tag}/a.xml"))])
        write_config(account.config, "fever", second.url, user)
        sync_json(in_cli)
        with Store.in_dir(account.data) as store:
            entry = store.entry(saved["id"])
        assert entry is not None and entry.title == backend.title("a", 8) and entry.saved
        titles = [e["title"] for e in json.loads(in_cli("entries", "--json").stdout)]
        assert titles.count(backend.title("a", 8)) == 1  # one entry per article
        (theirs,) = [
            i
            for i in second.api(user, "items&with_ids=" + ",".join(map(str, range(1, 40))))["items"]
            if i["title"] == backend.title("a", 8)
        ]
        assert theirs["id"] in second.ids(user, "saved")
    finally:
        second.stop()


# ---------------------------------------------------------------- 2, 3. saved stays saved


def test_2_an_unsubscribe_on_the_server_never_unsaves(tt, in_cli) -> None:
    backend, account = tt
    backend.add_feed("a", 4)
    sync_json(in_cli)
    saved = [by_title(account, backend, "a", n) for n in range(3)]
    for item in saved:
        in_cli("mark", "saved", str(item["id"]))
    sync_json(in_cli)
    backend.server.api(backend.username, "unsubscribeFeed", feed_id=backend.feed_ids["a"])
    sync_json(in_cli)
    now = account.local()
    assert all(now[backend.title("a", n)]["saved"] for n in range(3)), now
    with Store.in_dir(account.data) as store:
        feed_id = store.entry(saved[0]["id"]).feed_id
        store.prune(1, {feed_id: 0}, now=time.time() + 400 * 86400)
        assert {e.id for e in store.page(View("saved"))} >= {s["id"] for s in saved}


def test_2_a_feed_removed_in_coldsweat_keeps_its_saved_entries(fever, in_cli) -> None:
    """Coldsweat's web UI removes a feed by deleting the subscription (main/routes.py:310,
    feed_remove): its items leave the unread and saved lists. They stay saved here."""
    backend, account = fever
    backend.add_feed("a", 4)
    sync_json(in_cli)
    saved = [by_title(account, backend, "a", n) for n in range(3)]
    for item in saved:
        in_cli("mark", "saved", str(item["id"]))
    sync_json(in_cli)
    assert {s["remote"] for s in saved} <= backend.remote_ids("saved")
    with contextlib.closing(sqlite3.connect(backend.server.db, timeout=30)) as conn, conn:
        conn.execute(
            """DELETE FROM subscriptions WHERE user_id = (SELECT id FROM users WHERE email = ?)
               AND feed_id = (SELECT feed_id FROM entries WHERE id = ?)""",
            [backend.username, int(saved[0]["remote"])],
        )
    sync_json(in_cli)
    sync_json(in_cli)
    now = account.local()
    assert all(now[backend.title("a", n)]["saved"] for n in range(3)), now
    with Store.in_dir(account.data) as store:
        feed_id = store.entry(saved[0]["id"]).feed_id
        store.prune(1, {feed_id: 0}, now=time.time() + 400 * 86400)
        assert {e.id for e in store.page(View("saved"))} >= {s["id"] for s in saved}


def test_3_saving_an_item_the_server_purged_is_kept(fever, in_cli) -> None:
    backend, account = fever
    backend.add_feed("a", 3)
    sync_json(in_cli)
    item = by_title(account, backend, "a", 1)
    with contextlib.closing(sqlite3.connect(backend.server.db, timeout=30)) as conn, conn:
        conn.execute("DELETE FROM entries WHERE id = ?", [int(item["remote"])])
    in_cli("mark", "saved", str(item["id"]))
    first, second = sync_json(in_cli), sync_json(in_cli)  # sent, then checked
    with Store.in_dir(account.data) as store:
        entry = store.entry(item["id"])
    assert entry is not None and entry.saved
    assert first.get("kept", 0) + second.get("kept", 0) == 1, (first, second)


# ---------------------------------------------------------------- 4. late marks, two syncs


def test_4a_a_late_read_never_wins_over_a_later_unread(fever, hook: HookProxy, in_cli) -> None:
    """A sync times out, the server applies its "read" 6 s later; meanwhile the user marks the
    item unread and syncs. The unread is sent again until the late one cannot land."""
    backend, account = fever
    backend.add_feed("a", 2)
    account.point_at(hook.url("/fever/"), timeout_s=2)
    sync_json(in_cli)
    item = by_title(account, backend, "a", 0)
    landed = threading.Event()

    def late(target: str, body: bytes) -> None:
        if b"mark=item" in body and b"as=read" in body:
            time.sleep(6)  # the client gave up after 2 s; the server still applies it
            threading.Timer(0.5, landed.set).start()

    hook.before = late
    in_cli("mark", "read", str(item["id"]))
    assert sync_fails(in_cli)["reason"] == "timeout"
    hook.before = None
    in_cli("mark", "unread", str(item["id"]))
    sync_json(in_cli)
    assert landed.wait(15)
    assert item["remote"] not in backend.remote_ids("unread")  # the late read landed
    sync_json(in_cli)
    assert item["remote"] in backend.remote_ids("unread")
    assert not account.local()[backend.title("a", 0)]["read"]


def test_4b_one_sync_at_a_time_per_cache(fever, in_cli) -> None:
    backend, account = fever
    backend.add_feed("a", 2)
    proxy = Proxy(backend.upstream())
    try:
        account.point_at(backend.proxied(proxy), timeout_s=30)
        sync_json(in_cli)
        proxy.set("forward", hang_after=0)
        child = subprocess.Popen(
            [sys.executable, "-m", "reader.cli", "sync"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while proxy.held < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        result = in_cli("sync", "--json")
        assert time.monotonic() - started < 15
        assert result.returncode == 1, result.stdout + result.stderr
        data = json.loads(result.stdout)
        assert data["reason"] == "busy" and "another sync" in data["error"], data
        assert proxy.held == 1  # the second one never reached the server
        child.kill()
        child.communicate()
        proxy.set("forward")
        assert sync_json(in_cli)["feeds"] == 1  # the lock died with its holder
    finally:
        proxy.stop()


# ---------------------------------------------------------------- 5. Coldsweat's paging


def test_5_the_fever_walk_never_skips(fever, in_cli) -> None:
    """Coldsweat answers since_id with 50 items in feed order, not id order: with ids of
    feed a below and above feed b's, the highest id of a page jumped over feed b."""
    backend, account = fever
    backend.add_feed("a", 30)
    backend.add_feed("b", 70)
    backend.grow("a", 80)
    backend.server.api(
        backend.username, mark="group", id="0", before="9999999999", **{"as": "read"}
    )
    assert not backend.remote_ids("unread")
    report = sync_json(in_cli)
    assert report["new_entries"] == 150, report
    assert len(account.local()) == 150


# ---------------------------------------------------------------- 6. mark all read


def test_6_mark_all_read_leaves_items_that_arrived_meanwhile(
    fever, hook: HookProxy, in_cli
) -> None:
    backend, account = fever
    path = f"/{backend.tag}/a.xml"
    old = make_items(f"{backend.tag}-a", 12, newest=time.time() - 3600)
    backend.server.subscribe(backend.username, [("Feed a", backend.feeds.put(path, "Feed a", old))])
    account.point_at(hook.url("/fever/"))
    sync_json(in_cli)
    with Store.in_dir(account.data) as store:
        assert len(store.mark_view_read(View("all"))) == 12

    def arrivals(target: str, body: bytes) -> None:
        if b"mark=group" in body or b"mark=feed" in body:
            new = make_items(f"{backend.tag}-a", 5, start=12, newest=time.time() - 60)
            backend.feeds.put(path, "Feed a", old + new)
            backend.server.fetch_again()

    hook.before = arrivals
    sync_json(in_cli)
    hook.before = None
    assert any(b"mark=group" in b or b"mark=feed" in b for _, b in hook.requests)
    assert len(backend.remote_ids("unread")) == 5


# ---------------------------------------------------------------- 7. a missing id list


def test_7_an_answer_without_unread_item_ids_is_an_error(fever, hook: HookProxy, in_cli) -> None:
    backend, account = fever
    backend.add_feed("a", 4)
    account.point_at(hook.url("/fever/"))
    sync_json(in_cli)
    marked = [by_title(account, backend, "a", n)["id"] for n in range(2)]
    in_cli("mark", "read", *map(str, marked))

    def drop_field(target: str, body: bytes, answer: bytes) -> bytes:
        data = json.loads(answer)
        data.pop("unread_item_ids", None)
        return json.dumps(data).encode()

    hook.after = drop_field
    data = sync_fails(in_cli)
    hook.after = None
    assert data["reason"] == "garbage" and "unread_item_ids" in data["error"], data
    assert account.queued() == 2
    assert sum(not v["read"] for v in account.local().values()) == 2
    assert sync_json(in_cli)["pushed"] == 2


# ---------------------------------------------------------------- 8. one feed, both sides


def test_8_a_feed_in_feeds_and_on_the_server_is_one_feed(tt, in_cli) -> None:
    backend, account = tt
    backend.add_feed("a", 4)
    url = backend.feeds.url(f"/{backend.tag}/a.xml")
    account.config.write_text(account.config.read_text() + f'\n[[feeds]]\nurl = "{url}"\n')
    assert in_cli("refresh").returncode == 0
    report = sync_json(in_cli)
    assert report["new_entries"] == 0, report
    entries = json.loads(in_cli("entries", "--json").stdout)
    assert len(entries) == 4 and len(account.local()) == 4
    assert [f["url"] for f in json.loads(in_cli("feeds", "--json").stdout)] == [url]
    one = by_title(account, backend, "a", 0)
    backend.mark_remote(one["remote"], "read", True)  # the server's read state wins
    sync_json(in_cli)
    assert account.local()[backend.title("a", 0)]["read"]
    in_cli("mark", "saved", str(by_title(account, backend, "a", 1)["id"]))  # reaches the server
    sync_json(in_cli)
    assert by_title(account, backend, "a", 1)["remote"] in backend.remote_ids("saved")
    result = in_cli("sync", "--unsubscribe", url)
    assert result.returncode == 0, result.stderr
    for _ in range(2):  # no flip inactive/active, nothing deleted
        sync_json(in_cli)
        listed = json.loads(in_cli("feeds", "--json").stdout)
        assert [f["url"] for f in listed] == [url]
        assert len(json.loads(in_cli("entries", "--json").stdout)) == 4


def test_8_synced_first_then_in_feeds_becomes_one_set_of_entries(fever, in_cli) -> None:
    """The server's feed synced first, then added to [[feeds]] and refreshed: its fetched
    entries and the synced ones are one set after the next sync, saved kept, and a mark on
    the kept entry reaches the server."""
    backend, account = fever
    backend.add_feed("a", 4)
    sync_json(in_cli)
    saved = by_title(account, backend, "a", 2)
    in_cli("mark", "saved", str(saved["id"]))
    url = backend.feeds.url(f"/{backend.tag}/a.xml")
    account.config.write_text(account.config.read_text() + f'\n[[feeds]]\nurl = "{url}"\n')
    assert in_cli("refresh").returncode == 0
    sync_json(in_cli)
    entries = json.loads(in_cli("entries", "--json").stdout)
    assert sorted(e["title"] for e in entries) == sorted(backend.title("a", n) for n in range(4))
    assert [e["title"] for e in entries if e["saved"]] == [backend.title("a", 2)]
    assert saved["remote"] in backend.remote_ids("saved")
    kept = by_title(account, backend, "a", 3)
    in_cli("mark", "read", str(kept["id"]))
    sync_json(in_cli)
    assert kept["remote"] not in backend.remote_ids("unread")
    assert in_cli("refresh").returncode == 0
    assert len(json.loads(in_cli("entries", "--json").stdout)) == 4


def test_8_a_feed_kept_apart_before_becomes_one(fever, in_cli) -> None:
    """Caches from before issue 29 kept the server's copy of a [[feeds]] feed apart, as
    `URL#sync`, each story twice (one hidden as a duplicate). The next sync makes it one."""
    backend, account = fever
    backend.add_feed("a", 4)
    url = backend.feeds.url(f"/{backend.tag}/a.xml")
    sync_json(in_cli)
    saved = by_title(account, backend, "a", 1)
    in_cli("mark", "saved", str(saved["id"]))
    sync_json(in_cli)
    with Store.in_dir(account.data) as store:  # what the code before issue 29 left
        store.db.execute("UPDATE feeds SET url = url || '#sync' WHERE url = ?", [url])
    account.config.write_text(account.config.read_text() + f'\n[[feeds]]\nurl = "{url}"\n')
    assert in_cli("refresh").returncode == 0
    sync_json(in_cli)
    entries = json.loads(in_cli("entries", "--json").stdout)
    assert sorted(e["title"] for e in entries) == sorted(backend.title("a", n) for n in range(4))
    assert [e["title"] for e in entries if e["saved"]] == [backend.title("a", 1)]
    assert [f["url"] for f in json.loads(in_cli("feeds", "--json").stdout)] == [url]
    one = by_title(account, backend, "a", 0)
    in_cli("mark", "read", str(one["id"]))
    sync_json(in_cli)
    assert one["remote"] not in backend.remote_ids("unread")


# ---------------------------------------------------------------- security and the rest


def test_a_redirect_to_another_site_never_gets_the_credentials(
    fever, hook: HookProxy, in_cli
) -> None:
    backend, account = fever
    elsewhere = HookProxy(backend.upstream())
    try:
        target = f"http://localhost:{elsewhere.port}/fever/?api"
        hook.before = lambda t, b: (307, {"Location": target}, b"")
        account.point_at(hook.url("/fever/"))
        data = sync_fails(in_cli)
        assert data["reason"] == "http" and "credentials are not sent" in data["error"], data
        assert elsewhere.requests == []
    finally:
        elsewhere.stop()


def test_a_broken_gzip_body_is_the_garbage_error(fever, hook: HookProxy, in_cli) -> None:
    backend, account = fever
    backend.add_feed("a", 1)
    account.point_at(hook.url("/fever/"))
    sync_json(in_cli)
    broken = gzip.compress(b'{"auth": 1}')[:-12] + b"\x00" * 12
    hook.before = lambda t, b: (
        200,
        {"Content-Type": "application/json", "Content-Encoding": "gzip"},
        broken[:20] + b"xx" + broken[22:],
    )
    result = in_cli("sync", "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert json.loads(result.stdout)["reason"] == "garbage"
