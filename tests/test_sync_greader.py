"""Each Google Reader API quirk of FreshRSS, Miniflux, The Old Reader and Inoreader, by name,
against the flavour of tests/greader_server.py built from that server's code. Where a quirk
is a refusal, a negative control shows the test server does refuse, so a client that ignored
the quirk would fail the test. The tests marked "(issue 26)" fail on the client before it."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import httpx
import pytest
from greader_server import LONG, READING_LIST, GReaderServer
from syncservers import PASSWORD, write_config

from reader.core.config import SyncConfig
from reader.core.store import Store
from reader.core.sync.base import SyncConfigError
from reader.core.sync.greader import GReaderClient, long_id

LONG_ID = re.compile(r"^tag:google\.com,2005:reader/item/([0-9a-f]{16}|[0-9a-f]{24})$")


@pytest.fixture(params=["freshrss", "miniflux", "oldreader"])
def server(request: pytest.FixtureRequest):
    made = GReaderServer(request.param, password=PASSWORD)
    yield made
    made.stop()


def configure(server: GReaderServer, home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    extra = ""
    if server.flavour == "inoreader":
        extra = f'app_id = "{server.app_id}"\napp_key = "{server.app_key}"\n'
    return write_config(home / "config.toml", "greader", server.url, server.username, extra)


@pytest.fixture
def configured(server: GReaderServer, isolated_env: Path, monkeypatch: pytest.MonkeyPatch):
    configure(server, isolated_env, monkeypatch)
    return server


@pytest.fixture
def one(isolated_env: Path, monkeypatch: pytest.MonkeyPatch):
    """A server of one named flavour, configured: one("freshrss")."""
    made: list[GReaderServer] = []

    def make(flavour: str) -> GReaderServer:
        server = GReaderServer(flavour, password=PASSWORD)
        made.append(server)
        configure(server, isolated_env, monkeypatch)
        return server

    yield make
    for server in made:
        server.stop()


def client_for(server: GReaderServer) -> GReaderClient:
    app = ("1000001", "appkey-secret") if server.flavour == "inoreader" else (None, None)
    config = SyncConfig("greader", server.url, server.username, password_env="X", app_id=app[0])
    if app[1]:
        config = SyncConfig(
            "greader", server.url, server.username, password_env="X", app_id=app[0], app_key=app[1]
        )
    return GReaderClient(config, PASSWORD, 10, 50_000_000)


def sync_json(in_cli) -> dict:
    result = in_cli("sync", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def data_dir() -> Path:
    return Path(os.environ["BYLINE_DATA_DIR"])


def local() -> dict[str, tuple[int, bool, bool, str]]:
    """remote id -> (entry id, read, saved, title)"""
    with Store.in_dir(data_dir()) as store:
        rows = store._rows(
            """SELECT s.remote_id, e.id, e.read, e.saved, e.title FROM sync_items s
               JOIN entries e ON e.id = s.entry_id"""
        )
    return {r: (i, bool(a), bool(b), t) for r, i, a, b, t in rows}


# ---------------------------------------------------------------- every flavour


def test_client_login_is_form_encoded(configured: GReaderServer, in_cli) -> None:
    login = f"{configured.url.rstrip('/')}/accounts/ClientLogin"
    fields = {"Email": configured.username, "Passwd": PASSWORD}
    assert httpx.post(login, json=fields).status_code == 401  # a JSON body is not read
    sync_json(in_cli)
    sent = [r for r in configured.requests if r.path.endswith("/accounts/ClientLogin")][-1]
    assert sent.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert dict(sent.form) == fields


def test_every_call_asks_for_output_json(configured: GReaderServer, in_cli) -> None:
    feed = configured.add_feed("https://example.org/f.xml", "F")
    configured.add_items(feed, 3, "story")
    configured.requests.clear()
    sync_json(in_cli)
    api = [r for r in configured.requests if "/reader/api/0/" in r.path]
    assert api and all(r.query.get("output") == ["json"] for r in api)


def test_item_ids_are_always_sent_in_the_long_form(configured: GReaderServer, in_cli) -> None:
    feed = configured.add_feed("https://example.org/f.xml", "F")
    configured.add_items(feed, 4, "story")
    sync_json(in_cli)
    ids = [v[0] for v in local().values()]
    in_cli("mark", "read", *map(str, ids[:2]))
    in_cli("mark", "saved", str(ids[2]))
    sync_json(in_cli)
    sent = [v for r in configured.requests if r.method == "POST" for k, v in r.form if k == "i"]
    assert len(sent) >= 7  # 4 contents + 2 read + 1 starred
    assert all(LONG_ID.match(v) for v in sent), sent
    assert len(configured.ids("unread")) == 2


def test_mark_all_as_read_ts_is_in_microseconds(server: GReaderServer) -> None:
    feed = server.add_feed("https://example.org/f.xml", "F")
    old = server.add_items(feed, 2, "old")
    cut = time.time()
    time.sleep(0.01)
    new = server.add_items(feed, 2, "new")
    client = client_for(server)
    client.login()
    client.mark_all_read(server._feed_id(feed), cut)
    assert all(server.state.items[i].read for i in old)
    assert not any(server.state.items[i].read for i in new)
    (sent,) = [r for r in server.requests if r.path.endswith("/mark-all-as-read")]
    assert int(dict(sent.form)["ts"]) == int(cut * 1_000_000)


def test_a_stale_token_is_fetched_again_once(server: GReaderServer) -> None:
    """FreshRSS says so with `Google-Bad-Token: true`, Miniflux with the X-Reader- header
    (issue 26: FreshRSS's header was not known)."""
    feed = server.add_feed("https://example.org/f.xml", "F")
    (item,) = server.add_items(feed, 1, "story")
    client = client_for(server)
    client.login()
    client.mark([server.long(item)], "read", True)
    server.expire_token()
    client.mark([server.long(item)], "saved", True)
    assert server.state.items[item].read and server.state.items[item].starred
    edits = [r.status for r in server.requests if r.path.endswith("/edit-tag")]
    if server.flavour == "oldreader":  # the token is the Auth, never stale
        assert edits == [200, 200]
    else:
        assert edits == [200, 401, 200]


def test_a_wrong_url_is_said_with_what_to_check(one, in_cli, isolated_env) -> None:
    server = one("freshrss")
    write_config(
        isolated_env / "config.toml", "greader", server.url.replace("/api/greader.php", "/"), "ada"
    )
    result = in_cli("sync", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["reason"] == "api" and "api/greader.php" in data["error"], data


def test_bad_password_is_a_refused_user(configured: GReaderServer, in_cli, monkeypatch) -> None:
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", "wrong-password-123")
    result = in_cli("sync")
    assert result.returncode == 2 and "refused user 'ada'" in result.stderr, result.stderr
    assert "wrong-password-123" not in result.stderr


# ---------------------------------------------------------------- FreshRSS


def test_freshrss_json_labelled_text_html_is_read(one, in_cli) -> None:
    """(issue 26) FreshRSS sends the ids list, the token and "OK" with PHP's default
    Content-Type: text/html; the client used to call that "a web page"."""
    server = one("freshrss")
    feed = server.add_feed("https://example.org/f.xml", "F")
    server.add_items(feed, 3, "story")
    client = client_for(server)
    client.login()
    ids = httpx.get(
        f"{server.url}/reader/api/0/stream/items/ids",
        params={"s": READING_LIST, "output": "json"},
        headers={"Authorization": f"GoogleLogin auth={client.auth}"},
    )
    assert ids.headers["content-type"].startswith("text/html")  # the quirk is there
    assert sync_json(in_cli)["new_entries"] == 3
    entry = next(iter(local().values()))[0]
    in_cli("mark", "read", str(entry))
    assert sync_json(in_cli)["pushed"] == 1  # token and "OK", both text/html, accepted
    assert len(server.ids("unread")) == 2


def test_freshrss_empty_lists_and_categories(one, in_cli) -> None:
    server = one("freshrss")
    server.add_feed("https://example.org/f.xml", "F")  # no items at all
    report = sync_json(in_cli)
    assert report["feeds"] == 1 and report["new_entries"] == 0
    ids = [r for r in server.requests if r.path.endswith("/stream/items/ids")]
    assert ids and all(r.status == 200 for r in ids)
    listed = json.loads(in_cli("feeds", "--json").stdout)
    assert listed[0]["tags"] == ["Uncategorized"]  # FreshRSS: every feed is in a category


def test_freshrss_fullwidth_characters_come_back(one, in_cli) -> None:
    """(issue 26) FreshRSS sends & < > in titles as ＆ ＜ ＞ (escapeToUnicodeAlternative)."""
    server = one("freshrss")
    feed = server.add_feed("https://example.org/f.xml", "Q&A <daily>")
    (item,) = server.add_items(feed, 1, "story")
    server.state.items[item].title = "Rock & roll <live> at 5 > 4"
    sync_json(in_cli)
    (entry,) = local().values()
    assert entry[3] == "Rock & roll <live> at 5 > 4"
    titles = {f["title"] for f in json.loads(in_cli("feeds", "--json").stdout)}
    assert titles == {"Q&A <daily>"}


def test_freshrss_token_is_checked_on_edits_only(one) -> None:
    """T is checked on edit-tag, mark-all-as-read, rename-tag and disable-tag only; a wrong one
    is a 401 with Google-Bad-Token (the negative control for the stale-token test)."""
    server = one("freshrss")
    client = client_for(server)
    client.login()
    auth = {"Authorization": f"GoogleLogin auth={client.auth}"}
    edit = httpx.post(f"{server.url}/reader/api/0/edit-tag", headers=auth, data={"T": "wrong"})
    assert edit.status_code == 401 and edit.headers["google-bad-token"] == "true"
    add = httpx.post(
        f"{server.url}/reader/api/0/subscription/quickadd",
        headers=auth,
        data={"T": "wrong", "quickadd": "https://example.org/x.xml"},
    )
    assert add.status_code == 200


# ---------------------------------------------------------------- paging that cannot skip


@pytest.mark.parametrize("flavour", ["freshrss", "miniflux"])
def test_an_item_read_elsewhere_during_the_walk_skips_nothing(one, in_cli, flavour) -> None:
    """(issue 26) The unread list is walked 1000 ids a page. Another client reads the last
    item of page one while the walk is on: FreshRSS's next page starts after that item's id
    and drops its first (now another item), Miniflux's offset has moved by one. Either way one
    unread item is missing from the list; it must not be marked read here."""
    server = one(flavour)
    feed = server.add_feed("https://example.org/f.xml", "F")
    server.add_items(feed, 1500, "story")
    assert sync_json(in_cli)["new_entries"] == 1500
    order = sorted(server.state.items.values(), key=lambda i: (i.published, i.id), reverse=True)
    read_there, skipped = order[999], order[1000]
    server.concurrent_unread = [read_there.id]
    report = sync_json(in_cli)
    assert server.concurrent_unread == []  # the race happened
    assert local()[server.long(skipped.id)][1] is False, "an unread item was marked read"
    assert report["marked_read"] == 0
    report = sync_json(in_cli)  # the next sync sees the read one (page one said unread)
    assert local()[server.long(read_there.id)][1] is True
    assert local()[server.long(skipped.id)][1] is False
    assert report["marked_read"] == 1
    unread_walks = [r for r in server.requests if r.query.get("xt")]
    assert len(unread_walks) >= 4  # two syncs, two pages each


def test_continuation_is_followed(server: GReaderServer, in_cli, isolated_env, monkeypatch) -> None:
    """Miniflux clamps n to 1000 and continues by offset; FreshRSS continues from the last
    id sent; The Old Reader with an opaque token. 2,500 items need three pages."""
    configure(server, isolated_env, monkeypatch)
    feed = server.add_feed("https://example.org/f.xml", "F")
    server.add_items(feed, 2_500, "story")
    assert sync_json(in_cli)["new_entries"] == 2_500
    pages = [r for r in server.requests if r.path.endswith("/stream/items/ids")]
    continued = [r.query["c"][0] for r in pages if "c" in r.query]
    assert continued, "no continuation was followed"
    if server.flavour == "miniflux":
        assert {"1000", "2000"} <= set(continued)
    if server.flavour == "freshrss":
        assert all(int(c) in server.state.items for c in continued)


# ---------------------------------------------------------------- Miniflux


def test_miniflux_ot_is_a_published_date_so_late_read_items_still_arrive(one, in_cli) -> None:
    """(issue 26) Miniflux reads `ot` as a publication date: an item crawled after the last
    sync but published a week ago, and already read on the phone, is in no list asked by `ot`
    from the last sync and in no unread list."""
    server = one("miniflux")
    feed = server.add_feed("https://example.org/f.xml", "F")
    server.add_items(feed, 2, "story")
    sync_json(in_cli)
    (late,) = server.add_items(feed, 1, "late", published=time.time() - 7 * 86400, read=True)
    report = sync_json(in_cli)
    assert report["new_entries"] == 1
    assert local()[server.long(late)][1] is True  # and it is read here too


def test_miniflux_wants_output_json(one, in_cli) -> None:
    server = one("miniflux")
    client = client_for(server)
    client.login()
    auth = {"Authorization": f"GoogleLogin auth={client.auth}"}
    bare = httpx.get(f"{server.url}reader/api/0/stream/items/ids?s={READING_LIST}", headers=auth)
    assert bare.status_code == 400  # the negative control
    feed = server.add_feed("https://example.org/f.xml", "F")
    server.add_items(feed, 2, "story")
    assert sync_json(in_cli)["new_entries"] == 2


def test_miniflux_unknown_endpoints_answer_an_empty_list(one, in_cli) -> None:
    """Miniflux answers 200 [] to any endpoint it does not know: the sync says what it got
    instead of taking [] for "no subscriptions"."""
    server = one("miniflux")
    client = client_for(server)
    client.login()
    auth = {"Authorization": f"GoogleLogin auth={client.auth}"}
    assert httpx.get(f"{server.url}reader/api/0/stream/contents", headers=auth).json() == []
    server.unknown = {"subscription/list"}  # as on a server without that route
    result = in_cli("sync", "--json")
    assert result.returncode == 1
    assert "without subscriptions" in json.loads(result.stdout)["error"]


def test_miniflux_contents_of_gone_items_is_not_an_error(one) -> None:
    server = one("miniflux")
    client = client_for(server)
    client.login()
    gone = f"{LONG}{123456:016x}"
    assert client.confirm_state([gone]) == {}  # Miniflux answers 400: none of those exist
    assert [r.status for r in server.requests if r.path.endswith("/contents")] == [400]


# ---------------------------------------------------------------- The Old Reader


def test_oldreader_object_ids_are_items(one, in_cli) -> None:
    """(issue 26) The Old Reader's item ids are 24-hex ObjectIds; the client kept only decimal
    or long-form ids and synced "0 new entries"."""
    server = one("oldreader")
    feed = server.add_feed("https://example.org/f.xml", "F", "News")
    server.add_items(feed, 5, "story")
    assert sync_json(in_cli)["new_entries"] == 5
    assert set(local()) == {server.long(i) for i in server.state.items}
    entry = next(iter(local().values()))[0]
    in_cli("mark", "saved", str(entry))
    assert sync_json(in_cli)["pushed"] == 1
    assert len(server.ids("saved")) == 1


def test_oldreader_subscribes_by_quickadd(one, in_cli) -> None:
    """(issue 26) The Old Reader has no `subscription/edit ac=subscribe` (the negative control):
    subscribing is `subscription/quickadd`; a folder then by `ac=edit`."""
    server = one("oldreader")
    server.add_feed("https://example.org/a.xml", "A")
    client = client_for(server)
    client.login()
    refused = httpx.post(
        f"{server.url}reader/api/0/subscription/edit",
        headers={"Authorization": f"GoogleLogin auth={client.auth}"},
        data={"ac": "subscribe", "s": "feed/https://example.org/b.xml"},
    )
    assert refused.status_code == 400
    result = in_cli("sync", "--subscribe", "https://example.org/b.xml", "--folder", "Later")
    assert result.returncode == 0, result.stderr
    added = [s for s in server.state.subs.values() if s.url == "https://example.org/b.xml"]
    assert len(added) == 1 and added[0].folder == "Later"
    again = in_cli("sync", "--subscribe", "https://example.org/b.xml")
    assert again.returncode == 0  # already there: not added twice
    assert sum(s.url == "https://example.org/b.xml" for s in server.state.subs.values()) == 1


def test_long_id_forms() -> None:
    assert long_id("291") == f"{LONG}{291:016x}"
    assert long_id(f"{LONG}123") == f"{LONG}{0x123:016x}"
    assert long_id("5a2cd9dd175ad6b4b30001b5") == f"{LONG}5a2cd9dd175ad6b4b30001b5"
    assert long_id(f"{LONG}5A2CD9DD175AD6B4B30001B5") == f"{LONG}5a2cd9dd175ad6b4b30001b5"
    for bad in ("", "feed/12", "xyz", "1" * 30):
        with pytest.raises(ValueError):
            long_id(bad)


# ---------------------------------------------------------------- Inoreader, 401 / 403 / 429


def test_inoreader_without_app_keys_is_a_named_403(one, in_cli, isolated_env) -> None:
    server = one("inoreader")
    write_config(isolated_env / "config.toml", "greader", server.url, server.username)
    result = in_cli("sync")
    assert result.returncode == 2
    assert "HTTP 403" in result.stderr and "app_id" in result.stderr, result.stderr
    assert "check username and password" not in result.stderr


def test_inoreader_oauth_only_is_said_before_any_request() -> None:
    config = SyncConfig("greader", "https://www.inoreader.com", "ada", password_env="X")
    with pytest.raises(SyncConfigError, match="OAuth 2"):
        GReaderClient(config, PASSWORD, 10, 1_000_000)


def test_a_rate_limit_is_named_and_keeps_the_queue(one, in_cli) -> None:
    """(issue 26) Inoreader answers 429 past a zone's daily limit (as low as 100): the sync
    says so and when to try again; it was "HTTP 429", or "check username and password"."""
    server = one("inoreader")
    feed = server.add_feed("https://example.org/f.xml", "F")
    server.add_items(feed, 3, "story")
    sync_json(in_cli)
    entry = next(iter(local().values()))[0]
    in_cli("mark", "read", str(entry))
    server.zone_limits[2] = server.zone_usage[2]  # no more writes today
    result = in_cli("sync", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["reason"] == "ratelimit" and "in 60 min" in data["error"], data
    assert data["pending"] == 1
    server.zone_limits[2] = 10**9
    assert sync_json(in_cli)["pushed"] == 1


def test_a_short_rate_limit_is_waited_out(one, in_cli) -> None:
    """(issue 26) A 429 that lifts in a second is waited out, then the sync goes on."""
    server = one("inoreader")
    feed = server.add_feed("https://example.org/f.xml", "F")
    server.add_items(feed, 3, "story")
    server.zone_limits[1] = 2  # the third read of the day is refused...
    server.reset_after = 1  # ...for one second
    started = time.monotonic()
    assert sync_json(in_cli)["new_entries"] == 3
    assert time.monotonic() - started >= 1
    assert [r.status for r in server.requests].count(429) >= 1
