"""The sync pieces that need no server: [sync] config, the password sources, the change queue
written by the store's mark functions, `byline mark` without sync, secrets kept out of text."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reader.core.config import ConfigError, SyncConfig, parse
from reader.core.store import Store, View
from reader.core.sync import queue
from reader.core.sync.base import Secrets, SyncConfigError, public_url, read_password
from reader.core.sync.greader import long_id
from reader.core.text.parse import ParsedEntry

BASE = '[sync]\nkind = "fever"\nurl = "https://rss.example.org/fever/"\nusername = "ada"\n'


def test_a_plain_password_is_refused_with_the_reason_and_the_way(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        parse(BASE + 'password = "hunter22"\n', tmp_path / "c.toml")
    message = str(err.value)
    assert "plain text" in message and "password_command" in message and "password_env" in message
    assert "hunter22" not in message
    assert err.value.line == 5


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("", "needs password_command"),
        ('password_command = "pass show rss"\n', "must be a list of strings"),
        ('password_command = ["pass"]\npassword_env = "X"\n', "not both"),
        ('password_env = "X"\napp_secret = "y"\n', "unknown key 'app_secret'"),
    ],
)
def test_sync_table_is_checked(tmp_path: Path, extra: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        parse(BASE + extra, tmp_path / "c.toml")


def test_sync_kind_and_url_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="kind must be one of greader, fever, ttrss"):
        parse(BASE.replace('"fever"', '"newsblur"') + 'password_env = "X"\n', tmp_path / "c")
    with pytest.raises(ConfigError, match="url must start with http"):
        parse(BASE.replace("https://", "ftp://") + 'password_env = "X"\n', tmp_path / "c")


def test_sync_table_parses(tmp_path: Path) -> None:
    config = parse(
        BASE.replace('"fever"', '"greader"')
        + 'password_command = ["pass", "show", "rss"]\napp_id = "1000"\napp_key = "k"\n',
        tmp_path / "c.toml",
    )
    assert config.sync == SyncConfig(
        "greader",
        "https://rss.example.org/fever/",
        "ada",
        ("pass", "show", "rss"),
        None,
        "1000",
        "k",
    )
    assert parse("", tmp_path / "c.toml").sync is None


def test_password_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNC_PW", "s3cret-pw")
    assert (
        read_password(SyncConfig("fever", "https://x/", "u", password_env="SYNC_PW")) == "s3cret-pw"
    )
    monkeypatch.delenv("SYNC_PW")
    with pytest.raises(SyncConfigError, match=r"\$SYNC_PW, which is not set"):
        read_password(SyncConfig("fever", "https://x/", "u", password_env="SYNC_PW"))
    # argv, no shell: the ; stays a literal argument
    script = tmp_path / "pw.py"
    script.write_text("import sys\nprint('pw-' + sys.argv[1])\n")
    argv = (sys.executable, str(script), "a;b")
    assert read_password(SyncConfig("fever", "https://x/", "u", argv)) == "pw-a;b"
    failing = (sys.executable, "-c", "import sys; print('leak'); sys.exit(3)")
    with pytest.raises(SyncConfigError, match=r"failed \(exit 3\)") as err:
        read_password(SyncConfig("fever", "https://x/", "u", failing))
    assert "leak" not in str(err.value)
    with pytest.raises(SyncConfigError, match="not found"):
        read_password(SyncConfig("fever", "https://x/", "u", ("/no/such/pass",)))


def test_secrets_are_scrubbed_and_urls_lose_their_userinfo() -> None:
    secrets = Secrets()
    secrets.add("hunter22")
    assert secrets.scrub("bad key hunter22 here") == "bad key *** here"
    assert public_url("https://ada:hunter22@rss.example.org:8443/api/greader.php?x=1") == (
        "https://rss.example.org:8443/api/greader.php"
    )


def test_greader_long_ids() -> None:
    assert long_id("1") == "tag:google.com,2005:reader/item/0000000000000001"
    assert long_id("-1") == "tag:google.com,2005:reader/item/ffffffffffffffff"
    assert long_id("tag:google.com,2005:reader/item/00000000000000FF") == long_id("255")
    with pytest.raises(ValueError):
        long_id("feed/12")


def _synced_store(tmp_path: Path) -> tuple[Store, list[int]]:
    store = Store(tmp_path / "c.db")
    store.db.execute("INSERT INTO feeds (url, remote) VALUES ('https://x/feed', '7')")
    feed_id = store._rows("SELECT id FROM feeds")[0][0]
    store.store_entries(feed_id, [ParsedEntry(uid=f"sync:{n}", title=f"t{n}") for n in range(3)])
    ids = [r[0] for r in store._rows("SELECT id FROM entries ORDER BY id")]
    for n, entry_id in enumerate(ids[:2]):  # the third is a local entry, never queued
        store.db.execute("INSERT INTO sync_items VALUES (?, ?)", [str(100 + n), entry_id])
    return store, ids


def test_store_marks_queue_synced_entries_only_and_coalesce(tmp_path: Path) -> None:
    store, ids = _synced_store(tmp_path)
    store.set_read(ids, True)
    assert {(c.remote_id, c.field, c.value) for c in queue.due(store)} == {
        ("100", "read", True),
        ("101", "read", True),
    }
    store.set_read([ids[0]], False)  # the latest wins: one row per item and field
    store.set_saved(ids[1], True)
    rows = {(c.remote_id, c.field): c.value for c in queue.due(store)}
    assert rows == {("100", "read"): False, ("101", "read"): True, ("101", "saved"): True}
    store.mark_view_read(View("all"))
    assert {(c.remote_id, c.field): c.value for c in queue.due(store)}[("100", "read")] is True
    store.close()


def test_queue_backoff_and_done_keeps_newer_changes(tmp_path: Path) -> None:
    store, ids = _synced_store(tmp_path)
    store.set_read(ids[:2], True)
    changes = queue.due(store)
    queue.failed(store, changes, "down", now=1000.0)
    assert queue.due(store, force=False, now=1000.0 + 29) == []
    assert len(queue.due(store, force=False, now=1000.0 + 31)) == 2
    assert queue.retry_delay(1) == 30 and queue.retry_delay(3) == 120
    assert queue.retry_delay(50) == queue.MAX_RETRY_S
    store.set_read([ids[0]], False)  # changed again while the push was on the wire
    queue.done(store, changes)
    left = queue.due(store)
    assert [(c.remote_id, c.value) for c in left] == [("100", False)]
    store.close()


def test_byline_mark_without_sync(in_cli, write_config, tmp_path: Path) -> None:
    write_config(["https://x/feed"])
    data = tmp_path / "data"
    with Store.in_dir(data) as store:
        store.db.execute("INSERT INTO feeds (url) VALUES ('https://x/feed')")
        store.store_entries(1, [ParsedEntry(uid="a", title="A"), ParsedEntry(uid="b", title="B")])
    result = in_cli("mark", "read", "1", "2")
    assert result.returncode == 0 and result.stdout.strip() == "Marked 2 entries read"
    assert in_cli("mark", "saved", "2").stdout.strip() == "Marked 1 entry saved"
    entries = {e["id"]: e for e in json.loads(in_cli("entries", "--json").stdout)}
    assert entries[1]["read"] and entries[2]["read"] and entries[2]["saved"]
    result = in_cli("mark", "unread", "2", "99")
    assert (
        result.returncode == 2
        and "no entry 99" in result.stderr
        and "nothing marked" in result.stderr
    )
    assert json.loads(in_cli("entries", "--json").stdout)[0]["read"]


def test_sync_without_a_sync_table_says_what_to_do(in_cli, write_config) -> None:
    write_config([])
    result = in_cli("sync")
    assert result.returncode == 2 and "no [sync] table" in result.stderr


def test_an_old_queue_keyed_by_server_id_moves_to_its_entries(tmp_path: Path) -> None:
    """m009: rows queued by a version before issue 29 (keyed by the server's item id) follow
    their entries, and the queue is the entry's from then on."""
    store, ids = _synced_store(tmp_path)
    conn = store.db.conn
    conn.executescript(
        """DROP TABLE sync_queue;
           CREATE TABLE sync_queue (remote_id TEXT NOT NULL, field TEXT NOT NULL,
             value INTEGER NOT NULL, at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
             next_try REAL NOT NULL DEFAULT 0, error TEXT, PRIMARY KEY (remote_id, field));
           INSERT INTO sync_queue (remote_id, field, value, at) VALUES ('101', 'saved', 1, 5.0);
           DELETE FROM _sqlite_migrations WHERE name = 'm009_sync_queue_by_entry';
           PRAGMA user_version = 8;"""
    )
    store.close()
    store = Store(tmp_path / "c.db")
    (change,) = queue.due(store)
    assert (change.entry_id, change.remote_id, change.field, change.value) == (
        ids[1], "101", "saved", True,
    )  # fmt: skip
    store.db.execute("UPDATE sync_items SET remote_id = '201' WHERE entry_id = ?", [ids[1]])
    assert [c.remote_id for c in queue.due(store)] == ["201"]  # the entry's, whatever its id
    store.close()


def test_redirects_stay_within_the_origin() -> None:
    from reader.core.sync.base import same_origin

    assert same_origin("http://a.example/fever/", "http://a.example:80/other")
    assert same_origin("http://a.example/fever/", "https://a.example/fever/")  # an upgrade
    assert not same_origin("https://a.example/", "http://a.example/")  # a downgrade
    assert not same_origin("http://a.example/", "http://b.example/")
    assert not same_origin("http://127.0.0.1:8080/", "http://127.0.0.1:8081/")
