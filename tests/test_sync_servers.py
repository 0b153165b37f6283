"""The same sync behaviour against every kind of server: Fever (a real Coldsweat), Tiny Tiny RSS
(a real tt-rss on PostgreSQL) and the Google Reader API (the protocol server of
tests/greader_server.py in its FreshRSS and Miniflux flavours).

Each backend gives the test a fresh account: its own user and feeds on the shared real servers,
its own protocol server for Google Reader. The "other client" (a phone) is the server's API or
its database, used directly.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from greader_server import GReaderServer
from syncservers import (
    PASSWORD,
    Feeds,
    Proxy,
    coldsweat_server,
    feeds_for_ttrss,
    make_items,
    ttrss_server,
    write_config,
)

from reader.core.store import Store, View

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

KINDS = ["fever", "ttrss", "freshrss", "miniflux"]


# ---------------------------------------------------------------- session servers


@pytest.fixture(scope="session")
def coldsweat(tmp_path_factory: pytest.TempPathFactory):
    server = coldsweat_server(tmp_path_factory.mktemp("coldsweat"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ttrss(tmp_path_factory: pytest.TempPathFactory):
    server = ttrss_server(tmp_path_factory.mktemp("ttrss"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def feeds4():
    server = Feeds()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def feeds6():
    """Feeds for tt-rss, which refuses 127.x and ports other than 80/443: [::1]:80."""
    try:
        server = feeds_for_ttrss()
    except OSError as err:
        pytest.skip(f"cannot serve test feeds on port 80 for tt-rss: {err}")
    yield server
    server.stop()


# ---------------------------------------------------------------- backends


class Backend:
    kind = ""
    # Requests before the first state change goes out / before the first page of items
    # is in (to kill a sync at those points).
    before_push = 0
    first_page = 0
    page = 0

    def __init__(self) -> None:
        self.tag = uuid.uuid4().hex[:8]

    url = ""
    username = ""
    extra = ""

    def add_feed(self, name: str, count: int, folder: str | None = None) -> None: ...
    def grow(self, name: str, total: int) -> None: ...
    def mark_remote(self, remote: str, field: str, value: bool) -> None: ...
    def remote_ids(self, which: str) -> set[str]: ...
    def down(self) -> None: ...
    def up(self) -> None: ...
    def upstream(self) -> str: ...
    def close(self) -> None:
        pass

    def title(self, name: str, n: int) -> str:
        return f"{self.tag}-{name} story {n}"


class FeverBackend(Backend):
    kind = "fever"
    before_push = 1  # login
    first_page = 3  # login, feeds+groups, items
    page = 50

    def __init__(self, server, feeds: Feeds) -> None:
        super().__init__()
        self.server, self.feeds = server, feeds
        self.username = server.new_user()
        self.url = server.url

    def _put(self, name: str, total: int) -> str:
        return self.feeds.put(
            f"/{self.tag}/{name}.xml", f"Feed {name}", make_items(f"{self.tag}-{name}", total)
        )

    def add_feed(self, name: str, count: int, folder: str | None = None) -> None:
        self.server.subscribe(self.username, [(f"Feed {name}", self._put(name, count))], folder)

    def grow(self, name: str, total: int) -> None:
        self._put(name, total)
        self.server.fetch_again()

    def mark_remote(self, remote: str, field: str, value: bool) -> None:
        state = {"read": ("unread", "read"), "saved": ("unsaved", "saved")}[field][int(value)]
        self.server.api(self.username, mark="item", **{"as": state}, id=remote)

    def remote_ids(self, which: str) -> set[str]:
        return {str(i) for i in self.server.ids(self.username, which)}

    def down(self) -> None:
        self.server.stop()

    def up(self) -> None:
        self.server.start()

    def upstream(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def proxied(self, proxy: Proxy) -> str:
        return proxy.url("/fever/")


class TtrssBackend(Backend):
    kind = "ttrss"
    before_push = 1  # login
    first_page = 4  # login, categories, feeds, headlines
    page = 200

    def __init__(self, server, feeds: Feeds) -> None:
        super().__init__()
        self.server, self.feeds = server, feeds
        self.username = server.new_user()
        self.url = server.url
        self.feed_ids: dict[str, int] = {}

    def _put(self, name: str, total: int) -> str:
        return self.feeds.put(
            f"/{self.tag}/{name}.xml", f"Feed {name}", make_items(f"{self.tag}-{name}", total)
        )

    def add_feed(self, name: str, count: int, folder: str | None = None) -> None:
        self.feed_ids[name] = self.server.subscribe(self.username, self._put(name, count), folder)

    def grow(self, name: str, total: int) -> None:
        self._put(name, total)
        self.server.update(self.username, self.feed_ids[name])

    def mark_remote(self, remote: str, field: str, value: bool) -> None:
        api_field, mode = (2, int(not value)) if field == "read" else (0, int(value))
        self.server.api(
            self.username, "updateArticle", article_ids=remote, mode=mode, field=api_field
        )

    def remote_ids(self, which: str) -> set[str]:
        return {str(i) for i in self.server.ids(self.username, which)}

    def down(self) -> None:
        self.server.stop_php()

    def up(self) -> None:
        self.server.start_php()

    def upstream(self) -> str:
        return self.server.url

    def proxied(self, proxy: Proxy) -> str:
        return proxy.url("/")


class GReaderBackend(Backend):
    page = 250

    def __init__(self, flavour: str) -> None:
        super().__init__()
        self.kind = flavour
        self.server = GReaderServer(flavour, password=PASSWORD)
        self.username = self.server.username
        self.url = self.server.url
        self.feed_ids: dict[str, int] = {}
        self.before_push = 2  # ClientLogin, token (then edit-tag)
        self.first_page = 5  # ClientLogin, subscription/list, items/ids, token, contents
        if flavour == "inoreader":
            self.extra = f'app_id = "{self.server.app_id}"\napp_key = "{self.server.app_key}"\n'

    def add_feed(self, name: str, count: int, folder: str | None = None) -> None:
        feed = self.server.add_feed(
            f"https://example.org/{self.tag}/{name}.xml", f"Feed {name}", folder
        )
        self.feed_ids[name] = feed
        self.server.add_items(feed, count, f"{self.tag}-{name} story")
        self.counts = getattr(self, "counts", {})
        self.counts[name] = count

    def grow(self, name: str, total: int) -> None:
        have = self.counts[name]
        # new items, titled after the ones before
        ids = self.server.add_items(self.feed_ids[name], total - have, "tmp")
        for n, item_id in enumerate(ids, start=have):
            self.server.state.items[item_id].title = self.title(name, n)
        self.counts[name] = total

    def mark_remote(self, remote: str, field: str, value: bool) -> None:
        item = self.server.state.items[int(remote.rsplit("/", 1)[-1], 16)]
        if field == "read":
            item.read = value
        else:
            item.starred = value

    def remote_ids(self, which: str) -> set[str]:
        return self.server.ids(which)

    def down(self) -> None:
        self.server.down()

    def up(self) -> None:
        self.server.up()

    def upstream(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def proxied(self, proxy: Proxy) -> str:
        return proxy.url(self.server.base or "/")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.server.stop()


@pytest.fixture(params=KINDS)
def backend(request: pytest.FixtureRequest):
    kind = request.param
    if kind == "fever":
        made = FeverBackend(request.getfixturevalue("coldsweat"), request.getfixturevalue("feeds4"))
    elif kind == "ttrss":
        made = TtrssBackend(request.getfixturevalue("ttrss"), request.getfixturevalue("feeds6"))
    else:
        made = GReaderBackend(kind)
    yield made
    made.close()


class Account:
    """The test's Byline side: config, cache, and what it holds."""

    def __init__(self, backend: Backend, home: Path) -> None:
        self.backend = backend
        self.config = home / "config.toml"
        self.data = home / "data"
        self.point_at(backend.url)

    def point_at(self, url: str, timeout_s: float | None = None) -> None:
        extra = self.backend.extra
        write_config(self.config, _kind(self.backend.kind), url, self.backend.username, extra)
        if timeout_s:
            self.config.write_text(
                self.config.read_text().replace(
                    "refresh_minutes = 0", f"refresh_minutes = 0\ntimeout_s = {timeout_s}"
                )
            )

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
            return store.sync_queue_count()


def _kind(kind: str) -> str:
    return "greader" if kind in ("freshrss", "miniflux", "inoreader") else kind


@pytest.fixture
def account(backend: Backend, isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Account:
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    return Account(backend, isolated_env)


@pytest.fixture
def proxy(backend: Backend):
    server = Proxy(backend.upstream())
    yield server
    server.stop()


def sync_json(in_cli) -> dict:
    result = in_cli("sync", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def run_sync_child() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "sync"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def kill_when_held(proxy: Proxy, child: subprocess.Popen) -> None:
    """SIGKILL the child once a request of it waits in the hanging proxy: by then it has
    handled every answer before that one."""
    deadline = time.monotonic() + 60
    while proxy.held < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    child.kill()
    child.communicate()


# ---------------------------------------------------------------- every kind


def test_first_sync(account: Account, backend: Backend, in_cli) -> None:
    backend.add_feed("a", 3, folder="News")
    backend.add_feed("b", 2)
    report = sync_json(in_cli)
    assert report["first"] and report["kind"] == _kind(backend.kind)
    assert report["feeds"] == 2 and report["new_entries"] == 5
    entries = json.loads(in_cli("entries", "--json").stdout)
    assert sorted(e["title"] for e in entries) == sorted(
        [backend.title("a", n) for n in range(3)] + [backend.title("b", n) for n in range(2)]
    )
    assert not any(e["read"] or e["saved"] for e in entries)
    listed = {f["title"]: f for f in json.loads(in_cli("feeds", "--json").stdout)}
    assert listed["Feed a"]["tags"] == ["News"] and listed["Feed a"]["unread"] == 3
    # Bodies come from the server's stream; quotes are found in them like anywhere.
    first = entries[0]["id"]
    quotes = json.loads(in_cli("quotes", "--entry", str(first), "--json").stdout)
    assert quotes and quotes[0]["speaker"] in ("Ada Lovelace", "Grace Hopper")
    assert json.loads(in_cli("entries", "--search", "story", "--json").stdout)
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


def test_read_unread_saved_both_ways(account: Account, backend: Backend, in_cli) -> None:
    backend.add_feed("a", 4)
    sync_json(in_cli)
    local = account.local()
    t = [backend.title("a", n) for n in range(4)]
    assert in_cli("mark", "read", str(local[t[0]]["id"])).returncode == 0
    assert in_cli("mark", "saved", str(local[t[1]]["id"])).returncode == 0
    assert account.queued() == 2
    assert sync_json(in_cli)["pushed"] == 2 and account.queued() == 0
    assert local[t[0]]["remote"] not in backend.remote_ids("unread")
    assert local[t[1]]["remote"] in backend.remote_ids("saved")
    # the other client
    backend.mark_remote(local[t[2]]["remote"], "read", True)
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


def test_a_change_queued_here_wins_over_the_server_state(
    account: Account, backend: Backend, in_cli
) -> None:
    backend.add_feed("a", 1)
    sync_json(in_cli)
    ((title, item),) = account.local().items()
    backend.mark_remote(item["remote"], "read", True)
    in_cli("mark", "unread", str(item["id"]))
    sync_json(in_cli)
    assert not account.local()[title]["read"]
    assert item["remote"] in backend.remote_ids("unread")


def test_mark_all_read(account: Account, backend: Backend, in_cli) -> None:
    backend.add_feed("a", 3)
    backend.add_feed("b", 3)
    sync_json(in_cli)
    with Store.in_dir(account.data) as store:
        assert len(store.mark_view_read(View("all"))) == 6  # the app's "mark all read"
    assert sync_json(in_cli)["pushed"] == 6
    assert not {v["remote"] for v in account.local().values()} & backend.remote_ids("unread")


def test_bad_credentials(account: Account, backend: Backend, in_cli, monkeypatch) -> None:
    backend.add_feed("a", 1)
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", "wrong-password-123")
    result = in_cli("sync")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "refused user" in result.stderr
    assert "wrong-password-123" not in result.stderr + result.stdout
    result = in_cli("sync", "--json")  # --json: JSON even for a refused login (issue 29)
    assert result.returncode == 2 and result.stderr == ""
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["reason"] == "auth" and "refused user" in data["error"]
    assert "wrong-password-123" not in result.stdout


def test_outage_keeps_queue_and_cache(account: Account, backend: Backend, in_cli) -> None:
    backend.add_feed("a", 3)
    sync_json(in_cli)
    local = account.local()
    in_cli("mark", "read", *[str(v["id"]) for v in local.values()])
    backend.down()
    try:
        result = in_cli("sync", "--json")
        assert result.returncode == 1
        data = json.loads(result.stdout)
        assert data["ok"] is False and data["reason"] == "unreachable" and data["pending"] == 3
        assert account.queued() == 3 and all(v["read"] for v in account.local().values())
    finally:
        backend.up()
    assert sync_json(in_cli)["pushed"] == 3 and account.queued() == 0
    assert not {v["remote"] for v in local.values()} & backend.remote_ids("unread")


@pytest.mark.parametrize(
    ("mode", "reason", "words"),
    [
        ("html", "html", "a web page, not the"),
        ("500", "http", "HTTP 500"),
        ("garbage", "garbage", "answered something that is not"),
        ("hang", "timeout", "no answer from"),
    ],
)
def test_broken_server(
    account: Account, backend: Backend, in_cli, proxy: Proxy, mode: str, reason: str, words: str
) -> None:
    backend.add_feed("a", 2)
    account.point_at(backend.proxied(proxy), timeout_s=2)
    sync_json(in_cli)
    first = next(iter(account.local().values()))
    in_cli("mark", "saved", str(first["id"]))
    proxy.set(mode)
    try:
        result = in_cli("sync", "--json")
    finally:
        proxy.set("forward")
    assert result.returncode == 1, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["reason"] == reason and words in data["error"], data
    assert data["pending"] == 1 and account.queued() == 1 and len(account.local()) == 2
    assert PASSWORD not in result.stdout + result.stderr
    assert sync_json(in_cli)["pushed"] == 1
    assert first["remote"] in backend.remote_ids("saved")


def test_queue_survives_sigkill_mid_push(
    account: Account, backend: Backend, in_cli, proxy: Proxy
) -> None:
    backend.add_feed("a", 3)
    account.point_at(backend.proxied(proxy))
    sync_json(in_cli)
    local = account.local()
    remote = {v["remote"] for v in local.values()}
    in_cli("mark", "read", *[str(v["id"]) for v in local.values()])
    hang_after = backend.before_push + (1 if backend.kind == "fever" else 0)  # Fever: one mark
    proxy.set("forward", hang_after=hang_after)
    kill_when_held(proxy, run_sync_child())
    proxy.set("forward")
    assert account.queued() == 3  # not confirmed, so all still queued
    assert sync_json(in_cli)["pushed"] == 3 and account.queued() == 0
    assert not backend.remote_ids("unread") & remote


def test_sigkill_mid_pull_then_a_sync_completes(
    account: Account, backend: Backend, in_cli, proxy: Proxy
) -> None:
    total = backend.page * 2 + 20
    backend.add_feed("a", total)
    account.point_at(backend.proxied(proxy))
    proxy.set("forward", hang_after=backend.first_page)
    kill_when_held(proxy, run_sync_child())
    proxy.set("forward")
    kept = len(account.local())
    assert 0 < kept < total  # the first pages were committed before the kill
    report = sync_json(in_cli)
    assert report["new_entries"] == total - kept
    with Store.in_dir(account.data) as store:
        assert store._rows("SELECT count(*) FROM entries")[0][0] == total


# ---------------------------------------------------------------- Fever only


@pytest.fixture
def fever(coldsweat, feeds4, isolated_env: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    backend = FeverBackend(coldsweat, feeds4)
    return backend, Account(backend, isolated_env)


def test_fever_cannot_subscribe_and_says_so(fever, in_cli) -> None:
    backend, account = fever
    backend.add_feed("a", 1)
    sync_json(in_cli)
    result = in_cli("sync", "--subscribe", "https://example.org/feed.xml")
    assert result.returncode == 2 and "Fever API cannot subscribe" in result.stderr
    feed_url = json.loads(in_cli("feeds", "--json").stdout)[0]["url"]
    result = in_cli("sync", "--unsubscribe", feed_url)
    assert result.returncode == 2 and "Fever API cannot unsubscribe" in result.stderr


def test_password_command_runs_without_a_shell(fever, in_cli, tmp_path: Path) -> None:
    backend, account = fever
    backend.add_feed("a", 1)
    script = tmp_path / "pw.py"
    script.write_text(f"print({PASSWORD!r})\n")
    account.config.write_text(
        account.config.read_text().replace(
            'password_env = "BYLINE_TEST_SYNC_PASSWORD"',
            f"password_command = [{json.dumps(sys.executable)}, {json.dumps(str(script))}]",
        )
    )
    assert sync_json(in_cli)["new_entries"] == 1


# ---------------------------------------------------------------- subscribe / unsubscribe


@pytest.fixture
def ttrss_account(ttrss, feeds6, isolated_env: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    backend = TtrssBackend(ttrss, feeds6)
    return backend, Account(backend, isolated_env)


def test_ttrss_subscribe_and_unsubscribe(ttrss_account, in_cli) -> None:
    backend, account = ttrss_account
    backend.add_feed("a", 2, folder="News")  # the category exists: the API cannot make one
    sync_json(in_cli)
    url = backend._put("b", 3)
    result = in_cli("sync", "--subscribe", url, "--folder", "News")
    assert result.returncode == 0, result.stderr
    assert url in backend.server.psql(
        "SELECT feed_url FROM ttrss_feeds f JOIN ttrss_users u ON u.id = f.owner_uid"
        f" WHERE u.login = '{backend.username}'"
    )
    backend.feed_ids["b"] = backend.server.feed_id(backend.username, url)
    backend.server.update(backend.username, backend.feed_ids["b"])  # tt-rss's updater, now
    sync_json(in_cli)
    listed = {f["url"]: f for f in json.loads(in_cli("feeds", "--json").stdout)}
    assert listed[url]["tags"] == ["News"] and listed[url]["total"] == 3
    result = in_cli("sync", "--unsubscribe", url)
    assert result.returncode == 0 and "Unsubscribed from Feed b" in result.stdout
    assert url not in backend.server.psql("SELECT feed_url FROM ttrss_feeds")
    assert url not in {f["url"] for f in json.loads(in_cli("feeds", "--json").stdout)}
    assert sync_json(in_cli)["feeds"] == 1
    result = in_cli("sync", "--subscribe", url, "--folder", "No such folder")
    assert result.returncode == 1 and "no category 'No such folder'" in result.stderr


def test_ttrss_api_access_off_is_said(ttrss_account, in_cli) -> None:
    backend, account = ttrss_account
    backend.server.psql(
        "UPDATE ttrss_user_prefs SET value = 'false' WHERE pref_name = 'ENABLE_API_ACCESS'"
        f" AND owner_uid = (SELECT id FROM ttrss_users WHERE login = '{backend.username}')"
    )
    result = in_cli("sync")
    assert result.returncode == 2 and "API access is disabled" in result.stderr


@pytest.mark.parametrize("flavour", ["freshrss", "miniflux"])
def test_greader_subscribe_and_unsubscribe(
    flavour: str, isolated_env: Path, monkeypatch: pytest.MonkeyPatch, in_cli
) -> None:
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    backend = GReaderBackend(flavour)
    try:
        account = Account(backend, isolated_env)
        backend.add_feed("a", 1)
        sync_json(in_cli)
        url = "https://example.org/new.xml"
        assert in_cli("sync", "--subscribe", url, "--folder", "Tech").returncode == 0
        (sub,) = [s for s in backend.server.state.subs.values() if s.url == url]
        assert sub.folder == "Tech"
        listed = {f["url"]: f for f in json.loads(in_cli("feeds", "--json").stdout)}
        assert listed[url]["tags"] == ["Tech"]
        result = in_cli("sync", "--unsubscribe", url)
        assert result.returncode == 0, result.stderr
        assert url not in {s.url for s in backend.server.state.subs.values()}
        edits = [r for r in backend.server.requests if r.path.endswith("subscription/edit")]
        assert dict(edits[0].form)["s"] == f"feed/{url}"  # Miniflux: subscribe by feed/<url>
        assert dict(edits[1].form)["s"] == f"feed/{sub.id}"  # unsubscribe by feed/<id>
        assert url not in {f["url"] for f in json.loads(in_cli("feeds", "--json").stdout)}
        assert account.local()
    finally:
        backend.close()


def test_fever_marks_all_read_in_a_few_calls_and_exactly(fever, in_cli) -> None:
    """Fever marks one item per call; marking all read uses one group or feed call instead,
    and never marks an item that was not marked here."""
    backend, account = fever
    backend.add_feed("a", 30)
    backend.add_feed("b", 30)
    sync_json(in_cli)
    with Store.in_dir(account.data) as store:
        feeds = {f.title: f.id for f in store.feeds()}
        store.mark_view_read(View("feed", feeds["Feed a"]))
        some_b = [r.id for r in store.page(View("feed", feeds["Feed b"]), 0, 5)]
        store.set_read(some_b, True)
    report = sync_json(in_cli)
    assert report["pushed"] == 35
    assert report["requests"] <= 4 + 1 + 1 + 5 + 4, report  # a feed call, then b item by item
    local = account.local()
    unread = backend.remote_ids("unread")
    marked = {v["remote"] for v in local.values() if v["read"]}
    assert len(marked) == 35 and not marked & unread
    assert len(unread & {v["remote"] for v in local.values()}) == 25  # the rest of b untouched
    with Store.in_dir(account.data) as store:
        store.mark_view_read(View("all"))
    report = sync_json(in_cli)
    assert report["pushed"] == 25 and report["requests"] <= 4 + 3 + 4, report  # one group call
    assert not backend.remote_ids("unread") & {v["remote"] for v in account.local().values()}
