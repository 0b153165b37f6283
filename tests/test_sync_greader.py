"""Each Google Reader API quirk of FreshRSS and Miniflux, by name, against the protocol server of
tests/greader_server.py. Where a quirk is a refusal, a negative control shows the server does
refuse, so a client that ignored the quirk would fail the test."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest
from greader_server import LONG, READ, READING_LIST, GReaderServer
from syncservers import PASSWORD, write_config

from reader.core.config import SyncConfig
from reader.core.store import Store
from reader.core.sync.greader import GReaderClient

LONG_ID = re.compile(r"^tag:google\.com,2005:reader/item/[0-9a-f]{16}$")


@pytest.fixture(params=["freshrss", "miniflux"])
def server(request: pytest.FixtureRequest):
    made = GReaderServer(request.param, password=PASSWORD)
    yield made
    made.stop()


@pytest.fixture
def configured(server: GReaderServer, isolated_env: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    extra = ""
    if server.flavour == "inoreader":
        extra = f'app_id = "{server.app_id}"\napp_key = "{server.app_key}"\n'
    write_config(isolated_env / "config.toml", "greader", server.url, server.username, extra)
    return server


def client_for(server: GReaderServer) -> GReaderClient:
    config = SyncConfig("greader", server.url, server.username, password_env="X")
    return GReaderClient(config, PASSWORD, 10, 50_000_000)


def sync_json(in_cli) -> dict:
    result = in_cli("sync", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def local_ids(data: Path) -> dict[str, int]:
    with Store.in_dir(data) as store:
        return dict(store._rows("SELECT remote_id, entry_id FROM sync_items"))


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
    if configured.flavour == "freshrss":  # FreshRSS answers 501 without it
        client = client_for(configured)
        client.login()
        bare = httpx.get(
            f"{configured.url}/reader/api/0/subscription/list",
            headers={"Authorization": f"GoogleLogin auth={client.auth}"},
        )
        assert bare.status_code == 501
    configured.requests.clear()
    sync_json(in_cli)
    api = [r for r in configured.requests if "/reader/api/0/" in r.path]
    assert api and all(r.query.get("output") == ["json"] for r in api)


def test_header_on_gets_and_token_on_posts(configured: GReaderServer, in_cli) -> None:
    feed = configured.add_feed("https://example.org/f.xml", "F")
    configured.add_items(feed, 2, "story")
    client = client_for(configured)
    client.login()
    edit = f"{configured.url.rstrip('/')}/reader/api/0/edit-tag?output=json"
    header = {"Authorization": f"GoogleLogin auth={client.auth}"}
    # Miniflux authenticates POSTs only by T: the header alone is refused, as a stale token.
    refused = httpx.post(edit, headers=header, data={"i": "1", "a": READ})
    assert refused.status_code == 401 and refused.headers["x-reader-google-bad-token"] == "true"
    # and GETs only by the header
    ids = f"{configured.url.rstrip('/')}/reader/api/0/stream/items/ids?output=json&s={READING_LIST}"
    assert httpx.get(ids).status_code == 401
    configured.requests.clear()
    sync_json(in_cli)
    entry = next(iter(local_ids(configured_data(in_cli)).values()))
    in_cli("mark", "read", str(entry))
    assert sync_json(in_cli)["pushed"] == 1
    posts = [r for r in configured.requests if r.method == "POST" and "/reader/api/0/" in r.path]
    gets = [r for r in configured.requests if r.method == "GET" and "/reader/api/0/" in r.path]
    assert posts and all(dict(r.form).get("T") == configured.token for r in posts)
    assert all(r.headers.get("authorization") == header["Authorization"] for r in posts + gets)


def configured_data(in_cli) -> Path:
    import os

    return Path(os.environ["BYLINE_DATA_DIR"])


def test_items_come_by_ids_then_contents_never_stream_contents(
    configured: GReaderServer, in_cli
) -> None:
    feed = configured.add_feed("https://example.org/f.xml", "F")
    configured.add_items(feed, 3, "story")
    client = client_for(configured)
    client.login()
    contents = f"{configured.url.rstrip('/')}/reader/api/0/stream/contents/feed/{feed}?output=json"
    answer = httpx.get(contents, headers={"Authorization": f"GoogleLogin auth={client.auth}"})
    if configured.flavour == "miniflux":
        assert answer.status_code == 404  # Miniflux has no stream/contents
    configured.requests.clear()
    assert sync_json(in_cli)["new_entries"] == 3
    paths = [r.path for r in configured.requests]
    assert not any("/stream/contents" in p for p in paths)
    assert any(p.endswith("/stream/items/ids") for p in paths)
    assert any(p.endswith("/stream/items/contents") for p in paths)


def test_item_ids_are_always_sent_in_the_long_form(configured: GReaderServer, in_cli) -> None:
    feed = configured.add_feed("https://example.org/f.xml", "F")
    configured.add_items(feed, 4, "story")
    sync_json(in_cli)
    ids = list(local_ids(configured_data(in_cli)).values())
    in_cli("mark", "read", *map(str, ids[:2]))
    in_cli("mark", "saved", str(ids[2]))
    sync_json(in_cli)
    sent = [v for r in configured.requests if r.method == "POST" for k, v in r.form if k == "i"]
    assert len(sent) >= 7  # 4 contents + 2 read + 1 starred
    assert all(LONG_ID.match(v) for v in sent), sent
    # The ids lists give short decimal ids (FreshRSS's are microsecond timestamps past 2**50).
    refs = next(r for r in configured.requests if r.path.endswith("/stream/items/ids"))
    assert refs and len(configured.ids("unread")) == 2


def test_short_ids_are_read_differently(server: GReaderServer) -> None:
    """Why the long form: "0123" is hex 0x123 to FreshRSS and decimal 123 to Miniflux."""
    expected = 0x123 if server.flavour == "freshrss" else 123
    assert server._item_id("0123") == expected
    assert server._item_id(f"{LONG}{291:016x}") == 291


def test_mark_all_as_read_ts_is_in_microseconds(server: GReaderServer) -> None:
    feed = server.add_feed("https://example.org/f.xml", "F")
    old = server.add_items(feed, 2, "old")
    cut = time.time()
    time.sleep(0.01)
    new = server.add_items(feed, 2, "new")
    client = client_for(server)
    client.login()
    client.mark_all_read(f"feed/{feed}", cut)
    assert all(server.state.items[i].read for i in old)
    assert not any(server.state.items[i].read for i in new)
    (sent,) = [r for r in server.requests if r.path.endswith("/mark-all-as-read")]
    assert int(dict(sent.form)["ts"]) == int(cut * 1_000_000)


def test_a_stale_token_is_fetched_again_once(server: GReaderServer) -> None:
    feed = server.add_feed("https://example.org/f.xml", "F")
    (item,) = server.add_items(feed, 1, "story")
    client = client_for(server)
    client.login()
    client.mark([str(item)], "read", True)
    server.expire_token()
    client.mark([str(item)], "saved", True)
    assert server.state.items[item].read and server.state.items[item].starred
    edits = [r.status for r in server.requests if r.path.endswith("/edit-tag")]
    assert edits == [200, 401, 200]


def test_continuation_is_followed(
    server: GReaderServer, isolated_env: Path, monkeypatch: pytest.MonkeyPatch, in_cli
) -> None:
    """Miniflux caps n at 10000 and its continuation is an offset; FreshRSS's is the next
    item's id. 10,005 unread items need two pages of ids either way."""
    monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
    write_config(isolated_env / "config.toml", "greader", server.url, server.username)
    feed = server.add_feed("https://example.org/f.xml", "F")
    server.add_items(feed, 10_005, "story")
    report = sync_json(in_cli)
    assert report["new_entries"] == 10_005
    pages = [r for r in server.requests if r.path.endswith("/stream/items/ids")]
    continued = [r.query["c"][0] for r in pages if "c" in r.query]
    assert continued, "no continuation was followed"
    if server.flavour == "miniflux":
        assert "10000" in continued
    else:
        assert all(int(c) in server.state.items for c in continued)


def test_miniflux_ot_is_a_published_date_so_late_items_still_arrive(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, in_cli
) -> None:
    """Miniflux reads `ot` as a publication date: an item crawled now but published last
    week is not in an incremental ids list by `ot`; it still arrives, as an unread item."""
    server = GReaderServer("miniflux", password=PASSWORD)
    try:
        monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
        write_config(isolated_env / "config.toml", "greader", server.url, server.username)
        feed = server.add_feed("https://example.org/f.xml", "F")
        server.add_items(feed, 2, "story")
        sync_json(in_cli)
        (late,) = server.add_items(feed, 1, "late", published=time.time() - 7 * 86400)
        report = sync_json(in_cli)
        assert report["new_entries"] == 1
        assert f"{LONG}{late:016x}" in local_ids(isolated_env / "data")
    finally:
        server.stop()


def test_inoreader_gets_app_id_and_app_key(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, in_cli
) -> None:
    server = GReaderServer("inoreader", password=PASSWORD)
    try:
        monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
        config = write_config(isolated_env / "config.toml", "greader", server.url, server.username)
        feed = server.add_feed("https://example.org/f.xml", "F")
        server.add_items(feed, 2, "story")
        refused = in_cli("sync")
        assert refused.returncode == 2  # without the keys Inoreader refuses the login
        config.write_text(
            config.read_text() + f'app_id = "{server.app_id}"\napp_key = "{server.app_key}"\n'
        )
        assert sync_json(in_cli)["new_entries"] == 2
        assert all(
            r.headers.get("appid") == server.app_id and r.headers.get("appkey") == server.app_key
            for r in server.requests[1:]
        )
    finally:
        server.stop()


def test_incremental_sync_asks_by_ot_from_the_last_sync(configured: GReaderServer, in_cli) -> None:
    feed = configured.add_feed("https://example.org/f.xml", "F")
    configured.add_items(feed, 2, "story")
    sync_json(in_cli)
    first = [r for r in configured.requests if r.path.endswith("/stream/items/ids")][0]
    assert int(first.query["ot"][0]) < time.time() - 80 * 86400  # the first: keep_days back
    configured.requests.clear()
    configured.add_items(feed, 1, "more")
    assert sync_json(in_cli)["new_entries"] == 1
    reading = [
        r
        for r in configured.requests
        if r.path.endswith("/stream/items/ids")
        and "xt" not in r.query
        and r.query["s"] == [READING_LIST]
    ]
    assert time.time() - 2 * 3600 < int(reading[0].query["ot"][0]) < time.time()


def test_local_feeds_and_server_feeds_side_by_side(
    http_server, isolated_env: Path, monkeypatch: pytest.MonkeyPatch, in_cli
) -> None:
    from syncservers import make_items, rss

    server = GReaderServer("freshrss", password=PASSWORD)
    try:
        monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
        local = http_server.route(
            "/local.xml",
            body=rss("Local", make_items("local", 2)),
            content_type="application/rss+xml",
        )
        config = write_config(isolated_env / "config.toml", "greader", server.url, server.username)
        config.write_text(config.read_text() + f'\n[[feeds]]\nurl = "{local}"\ntags = ["mine"]\n')
        feed = server.add_feed("https://example.org/f.xml", "Server feed", "Theirs")
        server.add_items(feed, 3, "story")
        assert in_cli("refresh").returncode == 0
        sync_json(in_cli)
        assert in_cli("refresh").returncode == 0  # a refresh keeps the server's feeds
        listed = {f["title"]: f for f in json.loads(in_cli("feeds", "--json").stdout)}
        assert listed["Local"]["tags"] == ["mine"] and listed["Local"]["total"] == 2
        assert listed["Server feed"]["tags"] == ["Theirs"] and listed["Server feed"]["total"] == 3
        assert len(json.loads(in_cli("entries", "--json").stdout)) == 5
        # the server's feed is fetched from the server only, never from its own URL
        assert not any("example.org" in r.path for r in http_server.requests)
        # `byline remove` is for [[feeds]]: it points a server feed to --unsubscribe
        result = in_cli("remove", "https://example.org/f.xml")
        assert result.returncode == 2 and "byline sync --unsubscribe" in result.stderr
    finally:
        server.stop()


def test_hostile_server_text_is_cleaned(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, in_cli
) -> None:
    """Feed text from a sync server is as hostile as from a feed (GUIDE §4)."""
    server = GReaderServer("freshrss", password=PASSWORD)
    try:
        monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
        write_config(isolated_env / "config.toml", "greader", server.url, server.username)
        feed = server.add_feed(
            "https://example.org/f.xml", "Evil \x1b]0;pwned\x07feed", "A\x1b[2Jb"
        )
        (item,) = server.add_items(feed, 1, "story")
        server.state.items[item].title = "Title \x1b[2J\x9b31m here"
        server.state.items[item].content = "<p>Body \x1b]52;c;cGF5bG9hZA==\x07 text</p>"
        sync_json(in_cli)
        out = in_cli("entries", "--json").stdout + in_cli("feeds", "--json").stdout
        assert "\x1b" not in out and "\x9b" not in out and "\\u001b" not in out
        with Store.in_dir(isolated_env / "data") as store:
            (body,) = store._rows("SELECT content FROM entries")[0]
        assert "\x1b" not in body and "Body" in body
    finally:
        server.stop()


def test_another_account_starts_afresh_and_a_trailing_slash_is_the_same_account(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, in_cli
) -> None:
    first, second = (GReaderServer("miniflux", password=PASSWORD) for _ in range(2))
    try:
        monkeypatch.setenv("BYLINE_TEST_SYNC_PASSWORD", PASSWORD)
        config = write_config(isolated_env / "config.toml", "greader", first.url, first.username)
        feed = first.add_feed("https://example.org/a.xml", "A")
        first.add_items(feed, 2, "story")
        sync_json(in_cli)
        entry = next(iter(local_ids(isolated_env / "data").values()))
        in_cli("mark", "saved", str(entry))
        config.write_text(config.read_text().replace(first.url, first.url.rstrip("/")))
        assert sync_json(in_cli)["pushed"] == 1  # the same account: the queue went out
        feed2 = second.add_feed("https://example.org/b.xml", "B")
        second.add_items(feed2, 1, "other")
        in_cli("mark", "unsaved", str(entry))
        write_config(config, "greader", second.url, second.username)
        report = sync_json(in_cli)
        assert report["first"] and report["pushed"] == 0  # ids of the old server mean nothing here
        listed = {f["title"] for f in json.loads(in_cli("feeds", "--json").stdout)}
        assert listed == {"B"}  # the old server's feeds are put away (saved entries kept)
        saved = json.loads(in_cli("entries", "--saved", "--json").stdout)
        assert saved == []  # unsaved here before the switch
    finally:
        first.stop()
        second.stop()
