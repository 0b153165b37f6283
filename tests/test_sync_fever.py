"""Sync with a real Fever server: Coldsweat 0.10.2, started by these tests (tests/syncservers.py).

Every test has its own Coldsweat user and its own feeds, so one server serves the session.
The "other client" (a phone) is the Fever API called directly.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from syncservers import PASSWORD, Feeds, Proxy, coldsweat_server, make_items, write_config

from reader.core.store import Store, View

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="session")
def coldsweat(tmp_path_factory: pytest.TempPathFactory):
    server = coldsweat_server(tmp_path_factory.mktemp("coldsweat"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def feeds():
    server = Feeds()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def proxy(coldsweat):
    server = Proxy(f"http://127.0.0.1:{coldsweat.port}")
    yield server
    server.stop()


class Account:
    def __init__(self, server, feeds: Feeds, email: str, data: Path, config: Path) -> None:
        self.server, self.feeds, self.email, self.data, self.config = (
            server, feeds, email, data, config,
        )  # fmt: skip
        self.tag = uuid.uuid4().hex[:8]

    def feed(self, name: str, count: int, folder: str | None = None, start: int = 0) -> str:
        url = self.feeds.put(
            f"/{self.tag}/{name}.xml",
            f"Feed {name}",
            make_items(f"{self.tag}-{name}", count, start),
        )
        self.server.subscribe(self.email, [(f"Feed {name}", url)], folder)
        return url

    def local(self) -> dict[str, dict]:
        """title -> {id, remote, read, saved} of the synced entries in the cache."""
        with Store.in_dir(self.data) as store:
            rows = store._rows(
                """SELECT e.title, e.id, s.remote_id, e.read, e.saved FROM entries e
                   JOIN sync_items s ON s.entry_id = e.id"""
            )
        return {
            t: {"id": i, "remote": int(r), "read": bool(rd), "saved": bool(sv)}
            for t, i, r, rd, sv in rows
        }

    def queued(self) -> int:
        with Store.in_dir(self.data) as store:
            return store._rows("SELECT count(*) FROM sync_queue")[0][0]


@pytest.fixture
def account(coldsweat, feeds, isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Account:
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    email = coldsweat.new_user()
    config = write_config(isolated_env / "config.toml", "fever", coldsweat.url, email)
    return Account(coldsweat, feeds, email, isolated_env / "data", config)


def sync_json(in_cli) -> dict:
    result = in_cli("sync", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def no_secrets(account: Account, *texts: str) -> None:
    key = hashlib.md5(f"{account.email}:{PASSWORD}".encode()).hexdigest()
    for text in texts:
        assert PASSWORD not in text and key not in text


# ---------------------------------------------------------------- the tests


def test_first_sync_brings_feeds_folders_and_entries(account: Account, in_cli) -> None:
    account.feed("a", 3, folder="News")
    account.feed("b", 2)
    report = sync_json(in_cli)
    assert report["first"] and report["kind"] == "fever"
    assert report["feeds"] == 2 and report["new_entries"] == 5
    entries = json.loads(in_cli("entries", "--json").stdout)
    assert sorted(e["title"] for e in entries) == sorted(
        [f"{account.tag}-a story {n}" for n in range(3)]
        + [f"{account.tag}-b story {n}" for n in range(2)]
    )
    assert all(not e["read"] and not e["saved"] for e in entries)
    listed = {f["title"]: f for f in json.loads(in_cli("feeds", "--json").stdout)}
    assert "News" in listed["Feed a"]["tags"]
    assert listed["Feed a"]["unread"] == 3
    # The body came from the server's stream (the quote finder works on it like any entry).
    with Store.in_dir(account.data) as store:
        entry = store.entry(entries[0]["id"])
    assert "said Ada Lovelace" in entry.content
    quotes = json.loads(in_cli("quotes", "--entry", str(entries[0]["id"]), "--json").stdout)
    assert any("We will sync" in q["text"] for q in quotes)
    no_secrets(account, json.dumps(report))


def test_incremental_sync_brings_only_what_is_new(account: Account, in_cli) -> None:
    url = account.feed("a", 3)
    sync_json(in_cli)
    account.feeds.put(
        f"/{account.tag}/a.xml", "Feed a", make_items(f"{account.tag}-a", 5)
    )  # two more items
    account.server.fetch_again()
    report = sync_json(in_cli)
    assert not report["first"] and report["new_entries"] == 2
    assert len(account.local()) == 5
    quiet = sync_json(in_cli)
    assert quiet["new_entries"] == 0 and quiet["pushed"] == 0
    assert quiet["requests"] <= 6, quiet  # login, feeds, one items page, unread, saved
    assert url


def test_read_unread_saved_both_ways(account: Account, in_cli) -> None:
    account.feed("a", 4)
    sync_json(in_cli)
    local = account.local()
    t = [f"{account.tag}-a story {n}" for n in range(4)]
    # Byline -> server
    assert in_cli("mark", "read", str(local[t[0]]["id"])).returncode == 0
    assert in_cli("mark", "saved", str(local[t[1]]["id"])).returncode == 0
    assert account.queued() == 2
    report = sync_json(in_cli)
    assert report["pushed"] == 2 and account.queued() == 0
    assert local[t[0]]["remote"] not in account.server.ids(account.email, "unread")
    assert local[t[1]]["remote"] in account.server.ids(account.email, "saved")
    # server (another client) -> Byline
    account.server.api(account.email, mark="item", **{"as": "read"}, id=str(local[t[2]]["remote"]))
    account.server.api(account.email, mark="item", **{"as": "saved"}, id=str(local[t[3]]["remote"]))
    account.server.api(
        account.email, mark="item", **{"as": "unread"}, id=str(local[t[0]]["remote"])
    )
    account.server.api(
        account.email, mark="item", **{"as": "unsaved"}, id=str(local[t[1]]["remote"])
    )
    report = sync_json(in_cli)
    now = account.local()
    assert now[t[2]]["read"] and now[t[3]]["saved"]
    assert not now[t[0]]["read"] and not now[t[1]]["saved"]
    assert (report["marked_read"], report["marked_unread"], report["saved"], report["unsaved"]) == (
        1, 1, 1, 1,
    )  # fmt: skip
    # Byline: unread and unsaved go back too
    in_cli("mark", "unread", str(now[t[2]]["id"]))
    in_cli("mark", "unsaved", str(now[t[3]]["id"]))
    sync_json(in_cli)
    assert local[t[2]]["remote"] in account.server.ids(account.email, "unread")
    assert local[t[3]]["remote"] not in account.server.ids(account.email, "saved")


def test_a_change_queued_here_wins_over_the_older_server_state(account: Account, in_cli) -> None:
    account.feed("a", 1)
    sync_json(in_cli)
    (item,) = account.local().values()
    account.server.api(account.email, mark="item", **{"as": "read"}, id=str(item["remote"]))
    time.sleep(0.01)
    in_cli("mark", "unread", str(item["id"]))  # the later change
    sync_json(in_cli)
    assert not account.local()[next(iter(account.local()))]["read"]
    assert item["remote"] in account.server.ids(account.email, "unread")


def test_mark_all_read_reaches_the_server(account: Account, in_cli) -> None:
    account.feed("a", 3)
    account.feed("b", 3)
    sync_json(in_cli)
    with Store.in_dir(account.data) as store:
        marked = store.mark_view_read(View("all"))  # the app's "mark all read"
    assert len(marked) == 6
    report = sync_json(in_cli)
    assert report["pushed"] == 6
    remote = {v["remote"] for v in account.local().values()}
    assert not remote & account.server.ids(account.email, "unread")


def test_fever_cannot_subscribe_and_says_so(account: Account, in_cli) -> None:
    url = account.feed("a", 1)
    sync_json(in_cli)
    result = in_cli("sync", "--subscribe", "https://example.org/feed.xml")
    assert result.returncode == 2
    assert "Fever API cannot subscribe" in result.stderr
    result = in_cli("sync", "--unsubscribe", url)
    assert result.returncode == 2 and "Fever API cannot unsubscribe" in result.stderr


def test_bad_credentials_exit_2_with_one_line(account: Account, in_cli, monkeypatch) -> None:
    account.feed("a", 1)
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", "wrong-password-123")
    result = in_cli("sync")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "refused user" in result.stderr
    assert "wrong-password-123" not in result.stderr + result.stdout


def test_outage_keeps_the_queue_and_the_cache(account: Account, in_cli) -> None:
    account.feed("a", 3)
    sync_json(in_cli)
    local = account.local()
    ids = [str(v["id"]) for v in local.values()]
    in_cli("mark", "read", *ids)
    account.server.stop()
    try:
        result = in_cli("sync", "--json")
        assert result.returncode == 1
        data = json.loads(result.stdout)
        assert data["ok"] is False and data["reason"] == "unreachable" and data["pending"] == 3
        assert "connection refused" in data["error"]
        assert account.queued() == 3 and all(v["read"] for v in account.local().values())
        with Store.in_dir(account.data) as store:  # marked again while offline: still one row each
            store.set_read([int(i) for i in ids], True)
        assert account.queued() == 3
    finally:
        account.server.start()
    report = sync_json(in_cli)
    assert report["pushed"] == 3 and account.queued() == 0
    assert not {v["remote"] for v in local.values()} & account.server.ids(account.email, "unread")


@pytest.mark.parametrize(
    ("mode", "reason", "words"),
    [
        ("html", "html", "a web page, not the Fever API"),
        ("500", "http", "HTTP 500"),
        ("garbage", "garbage", "not Fever JSON"),
        ("hang", "timeout", "no answer from"),
    ],
)
def test_broken_server_is_named_and_loses_nothing(
    account: Account, in_cli, proxy: Proxy, mode: str, reason: str, words: str
) -> None:
    account.feed("a", 2)
    write_config(account.config, "fever", proxy.url("/fever/"), account.email).write_text(
        account.config.read_text().replace(
            "refresh_minutes = 0", "refresh_minutes = 0\ntimeout_s = 1"
        )
    )
    proxy.set("forward")
    sync_json(in_cli)
    (first, second) = account.local().values()
    in_cli("mark", "saved", str(first["id"]))
    proxy.set(mode)
    try:
        result = in_cli("sync", "--json")
    finally:
        proxy.set("forward")
    assert result.returncode == 1, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["reason"] == reason and words in data["error"], data
    assert data["pending"] == 1 and account.queued() == 1
    assert len(account.local()) == 2 and account.local()  # nothing local lost
    no_secrets(account, result.stdout, result.stderr)
    plain = None
    proxy.set(mode)
    try:
        plain = in_cli("sync")
    finally:
        proxy.set("forward")
    assert plain.returncode == 1 and plain.stderr.startswith("byline: sync failed: ")
    assert "1 local changes kept" in plain.stderr
    report = sync_json(in_cli)
    assert report["pushed"] == 1
    assert first["remote"] in account.server.ids(account.email, "saved")


def test_queue_survives_sigkill_mid_push(account: Account, in_cli, proxy: Proxy) -> None:
    account.feed("a", 3)
    write_config(account.config, "fever", proxy.url("/fever/"), account.email)
    proxy.set("forward")
    sync_json(in_cli)
    local = account.local()
    in_cli("mark", "read", *[str(v["id"]) for v in local.values()])
    proxy.set("forward", hang_after=2)  # login, one mark, then the server hangs
    child = subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "sync"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while proxy.forwarded < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    child.kill()  # SIGKILL in the middle of the push
    child.communicate()
    proxy.set("forward")
    assert account.queued() == 3  # the batch was not confirmed: all three are still queued
    assert (
        len(account.server.ids(account.email, "unread") & {v["remote"] for v in local.values()})
        == 2
    )
    report = sync_json(in_cli)
    assert report["pushed"] == 3 and account.queued() == 0
    assert not account.server.ids(account.email, "unread") & {v["remote"] for v in local.values()}


def test_sigkill_mid_pull_then_sync_completes_without_duplicates(
    account: Account, in_cli, proxy: Proxy
) -> None:
    account.feed("a", 120)  # three item pages of 50
    write_config(account.config, "fever", proxy.url("/fever/"), account.email)
    proxy.set("forward", hang_after=3)  # login, feeds, the first page of items
    child = subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "sync"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while proxy.forwarded < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    child.kill()
    child.communicate()
    proxy.set("forward")
    assert len(account.local()) == 50  # the first page was committed
    report = sync_json(in_cli)
    assert report["new_entries"] == 70
    with Store.in_dir(account.data) as store:
        assert store._rows("SELECT count(*) FROM entries")[0][0] == 120


def test_password_command_is_run_without_a_shell(account: Account, in_cli, tmp_path: Path) -> None:
    account.feed("a", 1)
    script = tmp_path / "pw.py"
    script.write_text(f"print({PASSWORD!r})\n")
    text = account.config.read_text().replace(
        'password_env = "BYLINE_TEST_SYNC_PASSWORD"',
        f"password_command = [{json.dumps(sys.executable)}, {json.dumps(str(script))}]",
    )
    account.config.write_text(text)
    assert sync_json(in_cli)["new_entries"] == 1
