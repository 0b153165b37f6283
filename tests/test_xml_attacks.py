"""Hostile XML and hostile transfers in one `byline refresh`, run as a real subprocess.

Billion laughs, quadratic blowup, external entities (XXE), external DTDs and parameter
entities pointing at a local secret, 50,000 nested elements, a gzip bomb (1 GB of zeros),
a body that never ends and a 2 GB Content-Length: each is bounded by the timeout or the size
cap and recorded on its feed, no secret reaches the cache, the whole refresh stays under
300 MB of peak RSS (children included), and a good feed in the same run is stored.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from faultserver import FaultServer, gzip_bomb, huge_length, respond, slow_drip

from reader.core.store import Store, View

TIMEOUT_S = 3
MAX_BYTES = 10_000_000
MAX_RSS_MB = 400  # measured 76 MB; an expanded entity bomb takes gigabytes


def feed(items: str, doctype: str = "", title: str = "Attack") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n'
        f'<rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'
    ).encode()


def item(title: str, body: str, guid: str) -> str:
    return (
        f"<item><title>{title}</title><guid>{guid}</guid><description>{body}</description></item>"
    )


def billion_laughs() -> bytes:
    decls = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        previous = f"&lol{i - 1};" if i > 1 else "&lol;"
        decls.append(f'<!ENTITY lol{i} "{previous * 10}">')
    doctype = "<!DOCTYPE rss [\n" + "\n".join(decls) + "\n]>"
    return feed(item("laughs &lol9;", "&lol9;", "laughs"), doctype)


def quadratic_blowup() -> bytes:
    doctype = f'<!DOCTYPE rss [<!ENTITY a "{"A" * 50_000}">]>'
    return feed(item("blowup", "&a;" * 50_000, "blowup"), doctype)


def deep_nesting(depth: int = 50_000) -> bytes:
    return feed(item("deep", "<div>" * depth + "x" + "</div>" * depth, "deep"))


GOOD = feed("".join(item(f"Good {i}", "fine words", f"good-{i}") for i in range(10)), title="Good")

WRAPPER = textwrap.dedent(
    """
    # Runs `byline refresh` as a child, reaps every descendant (the parse pool included:
    # this process is their subreaper), and reports the peak RSS among them.
    import ctypes, json, os, resource, subprocess, sys, time
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except Exception:
        pass
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "reader.cli", "refresh", "--json", *sys.argv[1:]],
        capture_output=True, text=True, timeout=120,
    )
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    print(json.dumps({
        "rc": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
        "seconds": time.monotonic() - started,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }))
    """
)


@pytest.fixture(scope="module")
def attack(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("xml")
    secret = "TOPSECRET-" + "7f3a9c"
    secret_file = root / "secret.txt"
    secret_file.write_text(secret)
    dtd = root / "secret.dtd"
    dtd.write_text(f'<!ENTITY leak "{secret}">')
    feeds = {
        "billion laughs": billion_laughs(),
        "quadratic blowup": quadratic_blowup(),
        "xxe": feed(
            item("xxe &xxe;", "body &xxe;", "xxe"),
            f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>',
        ),
        "external dtd": feed(
            item("dtd &leak;", "body &leak;", "dtd"), f'<!DOCTYPE rss SYSTEM "{dtd.as_uri()}">'
        ),
        "parameter entity": feed(
            item("pe &leak;", "body &leak;", "pe"),
            f'<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{dtd.as_uri()}"> %ext;]>',
        ),
        "deep nesting": deep_nesting(),
    }
    with FaultServer() as server:
        urls = {
            name: server.route(f"/{i}", respond(body))
            for i, (name, body) in enumerate(feeds.items())
        }
        urls["gzip bomb"] = server.route("/bomb", gzip_bomb(1 << 30))
        urls["slow drip"] = server.route("/drip", slow_drip(0.2))
        urls["2 GB length"] = server.route("/huge", huge_length(2 * 1024**3))
        urls["good"] = server.route("/good", respond(GOOD))
        config = root / "config.toml"
        config.write_text(
            f"[settings]\ntimeout_s = {TIMEOUT_S}\nmax_bytes = {MAX_BYTES}\n"
            + "".join(f'\n[[feeds]]\nurl = "{u}"\n' for u in urls.values()),
            encoding="utf-8",
        )
        data = root / "data"
        wrapper = root / "wrapper.py"
        wrapper.write_text(WRAPPER)
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, str(wrapper), "--config", str(config), "--data-dir", str(data)],
            capture_output=True,
            text=True,
            timeout=180,
            cwd=Path(__file__).resolve().parents[1],
        )
        wall = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert "Traceback" not in result["stderr"], result["stderr"]
    report = json.loads(result["stdout"])
    with Store.in_dir(data) as store:
        rows = {name: store.feed_by_url(url) for name, url in urls.items()}
        entries = {
            name: [store.entry(r.id) for r in store.page(View("feed", row.id), 0, 100)]
            for name, row in rows.items()
        }
    raw = b"".join(p.read_bytes() for p in data.glob("byline.db*"))
    return {
        "result": result, "report": report, "rows": rows, "entries": entries, "raw": raw,
        "secret": secret, "wall": wall, "urls": urls,
    }  # fmt: skip


def test_peak_memory_of_the_whole_refresh_is_bounded(attack: dict) -> None:
    assert attack["result"]["maxrss_mb"] < MAX_RSS_MB, attack["result"]["maxrss_mb"]


def test_the_refresh_ends_within_the_timeout(attack: dict) -> None:
    # Downloads run concurrently: the never-ending ones end at their deadline, parsing adds
    # a few seconds for the nested document. Measured 10.6 s at load 9 on 2 cores: the bound
    # keeps a 5x margin and still stops at half the wrapper's 120 s (an endless transfer).
    assert attack["result"]["seconds"] < TIMEOUT_S + 57
    for name in ("slow drip", "gzip bomb", "2 GB length"):  # each ended by its own limit
        outcome = next(o for o in attack["report"]["outcomes"] if o["url"] == attack["urls"][name])
        assert outcome["status"] == "error", (name, outcome)


def test_the_good_feed_in_the_same_run_is_stored(attack: dict) -> None:
    good = attack["rows"]["good"]
    assert good.status == "ok" and good.error is None
    assert {e.title for e in attack["entries"]["good"]} == {f"Good {i}" for i in range(10)}


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("gzip bomb", "too large: over the 10,000,000-byte cap"),
        ("slow drip", f"timed out after {TIMEOUT_S} s"),
        ("2 GB length", "too large: 2,147,483,648 bytes announced"),
    ],
)
def test_endless_and_oversized_transfers_end_in_a_recorded_error(
    attack: dict, name: str, words: str
) -> None:
    row = attack["rows"][name]
    assert row.status == "error" and row.failures == 1
    assert words in row.error, row.error
    outcome = next(o for o in attack["report"]["outcomes"] if o["url"] == attack["urls"][name])
    assert outcome["status"] == "error" and words in outcome["error"]


@pytest.mark.parametrize(
    ("name", "title"),
    [("xxe", "xxe &xxe;"), ("external dtd", "dtd &leak;"), ("parameter entity", "pe &leak;")],
)
def test_no_local_file_reaches_the_cache(attack: dict, name: str, title: str) -> None:
    assert attack["secret"].encode() not in attack["raw"]
    row = attack["rows"][name]
    for entry in attack["entries"][name]:
        assert attack["secret"] not in entry.title + entry.summary + entry.content
    # Stored with the entity left unexpanded, and the problem noted on the feed.
    assert row.status == "ok" and row.error.startswith("malformed feed"), (row.status, row.error)
    assert [e.title for e in attack["entries"][name]] == [title]


@pytest.mark.parametrize(
    ("name", "title"), [("billion laughs", "laughs &lol9;"), ("quadratic blowup", "blowup")]
)
def test_entity_bombs_are_not_expanded(attack: dict, name: str, title: str) -> None:
    row = attack["rows"][name]
    for entry in attack["entries"][name]:
        stored = entry.title + entry.summary + entry.content
        assert "lol" * 1000 not in stored and "A" * 100_000 not in stored
        assert len(stored) < 1_000_000
    # The entry is kept, its entities not expanded, and the feed says it was malformed.
    assert row.status == "ok" and row.error.startswith("malformed feed"), (row.status, row.error)
    assert [e.title for e in attack["entries"][name]] == [title]
    assert len(attack["raw"]) < 50_000_000


def test_deep_nesting_is_survived(attack: dict) -> None:
    row = attack["rows"]["deep nesting"]
    assert (row.status, row.error) == ("ok", None)
    assert [e.title for e in attack["entries"]["deep nesting"]] == ["deep"]
