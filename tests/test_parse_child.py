"""Parsing in a forked child during a refresh (reader/core/feeds/parseworker.py, issue 24).

The child must give exactly what `parse_feed` gives in the process, a broken child must never
lose a feed, it must not outlive its parent, and the parent of a refresh that parses in the
child must not import the parsers (nor the quote finder) at all.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from samples import FORMATS, MALFORMED, SALVAGEABLE, items, rss20

from reader.core.feeds import parseworker
from reader.core.text.parse import parse_feed

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    not parseworker.wanted(), reason="a parse child is only started with a second core"
)


def bodies() -> list[tuple[bytes, str, str]]:
    """Every format, a malformed and a salvageable feed, and the corpus feeds if present."""
    out = [(build(items(4)).encode(), f"http://example.org/{name}", mime)
           for name, (build, mime) in FORMATS.items()]  # fmt: skip
    out += [(MALFORMED.encode(), "http://example.org/m", "application/xml"),
            (SALVAGEABLE.encode(), "http://example.org/s", "application/xml")]  # fmt: skip
    folder = Path(os.environ.get("BYLINE_CORPUS", REPO.parent / "shared" / "corpus")) / "feeds"
    out += [(p.read_bytes(), f"http://corpus/{p.name}", "application/xml")
            for p in sorted(folder.glob("*.xml"))[:12]]  # fmt: skip
    return out


def test_the_child_parses_exactly_what_the_process_parses() -> None:
    worker = parseworker.ParseWorker.start()
    assert worker is not None
    try:
        for body, url, mime in bodies():
            assert worker.parse(body, url, mime, 0) == parse_feed(body, url, mime), url
        assert worker.parse(rss20(items(9)).encode(), "u", "", 5) == parse_feed(
            rss20(items(9)).encode(), "u", "", 5
        )
    finally:
        worker.close()


def test_a_killed_child_costs_nothing_but_time() -> None:
    worker = parseworker.ParseWorker.start()
    assert worker is not None
    body = rss20(items(3)).encode()
    try:
        os.kill(worker.pid, signal.SIGKILL)
        got = worker.parse(body, "http://example.org/f", "application/rss+xml", 0)
        assert got == parse_feed(body, "http://example.org/f", "application/rss+xml")
        assert len(got.entries) == 3
    finally:
        worker.close()


def test_the_child_is_gone_when_the_worker_closes() -> None:
    worker = parseworker.ParseWorker.start()
    assert worker is not None
    pid = worker.pid
    worker.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped by close(): no zombie left either


def test_the_child_dies_with_its_parent() -> None:
    """SIGKILL the process that forked it: the kernel (PDEATHSIG) or the closed pipe ends it."""
    code = (
        "import sys, time; from reader.core.feeds import parseworker;"
        "w = parseworker.ParseWorker.start(); print(w.pid, flush=True); time.sleep(60)"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE)
    try:
        child = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(child):
            time.sleep(0.05)
        assert not _alive(child), f"parse child {child} outlived its parent"
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_a_refresh_parses_in_the_child_and_loads_no_parser(
    http_server, write_config, isolated_env
) -> None:
    """The refresh's own process stores what the child parsed: it never imports lxml,
    feedparser nor the quote finder (0.1 s and 0.2 s of CPU before issue 24)."""
    urls = [
        http_server.route(f"/f{i}.xml", body=rss20(items(5, f"F{i}")).encode(),
                          content_type="application/rss+xml")
        for i in range(4)
    ]  # fmt: skip
    config = write_config(urls)
    code = (
        "import json, sys; from pathlib import Path; from reader.core import config as cfg;"
        "from reader.core.feeds.refresh import refresh;"
        f"r = refresh(cfg.load(Path({str(config)!r})), Path({str(isolated_env / 'd')!r}));"
        "print(json.dumps([r.new, [m for m in ('lxml', 'feedparser', 'reader.core.quotes.finder')"
        " if m in sys.modules]]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    new, loaded = json.loads(out.stdout)
    assert new == 20
    assert loaded == []


def test_many_large_feeds_in_flight_never_deadlock() -> None:
    """Requests are sent while earlier results (each larger than a pipe's 64 KB) wait to be
    read: the results thread must never wait for a sender that waits for the child."""
    import threading

    big = [
        rss20([{**e, "body": e["body"] * 400} for e in items(30, f"F{n}")]).encode()
        for n in range(3)
    ]
    worker = parseworker.ParseWorker.start()
    assert worker is not None
    futures = []
    try:
        sender = threading.Thread(
            target=lambda: futures.extend(
                worker.submit(big[n % 3], f"http://example.org/{n}", "application/xml", 0)
                for n in range(24)
            ),
            daemon=True,
        )
        sender.start()
        sender.join(60)
        assert not sender.is_alive(), "sending stalled: a deadlock between the pipes"
        assert len(futures) == 24
        for n, future in enumerate(futures):
            got = future.result(timeout=60)
            assert len(got.entries) == 30
            assert got == parse_feed(big[n % 3], f"http://example.org/{n}", "application/xml")
    finally:
        worker.close()
