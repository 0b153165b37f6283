"""No process outlives a killed refresh (issue 12).

`byline refresh` killed with SIGKILL used to leave its forkserver and parse workers running
(after 5 kills, 15 processes were still alive minutes later). Each test starts the real thing
against a real HTTP server on 127.0.0.1 whose last feed never answers until the test is done,
waits until the refresh is provably in the middle of its work (the other feeds are stored in
the cache and the last request is on the wire: no timed sleep), kills it with SIGKILL and then
looks for any process still carrying the test's mark in its environment (every descendant
inherits it, whatever it re-parents to). They must all be gone within a few seconds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import samples
from httpserver import FeedServer, Response

from reader.core.store import DB_NAME

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/environ").exists(), reason="finds descendants through /proc (Linux)"
)

REPO = Path(__file__).resolve().parents[1]
GRACE_S = 5.0  # "no process may outlive a killed refresh by more than a few seconds"
FAST_FEEDS = 6


def marked(token: str) -> list[int]:
    """Live processes whose environment carries the mark (zombies have none left)."""
    needle = f"BYLINE_KILL_TEST={token}".encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if needle in Path(f"/proc/{name}/environ").read_bytes().split(b"\0"):
                found.append(int(name))
    return found


def describe(pids: list[int]) -> list[str]:
    out = []
    for pid in pids:
        with contextlib.suppress(OSError):
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            out.append(f"{pid}: {cmd.strip()}")
    return out


class Hang:
    """A route that records its arrival and answers only when released."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()

    def __call__(self, request) -> Response:
        self.arrived.set()
        self.release.wait(60)
        return Response(body=samples.rss20(samples.items(2, "Late")).encode())


@pytest.fixture
def slow_server() -> Iterator[tuple[FeedServer, Hang, list[str]]]:
    hang = Hang()
    with FeedServer() as server:
        urls = [
            server.route(
                f"/fast{i}.xml",
                body=samples.rss20(samples.items(20, f"Feed{i}")).encode(),
                content_type="application/rss+xml",
            )
            for i in range(FAST_FEEDS)
        ]
        urls.append(server.route("/hang.xml", handler=hang))
        try:
            yield server, hang, urls
        finally:
            hang.release.set()


def stored_entries(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as c:
            return c.execute("SELECT count(*) FROM entries").fetchone()[0]
    except sqlite3.Error:
        return 0


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def kill_mid_refresh(proc: subprocess.Popen, hang: Hang, data_dir: Path, token: str) -> None:
    """Wait for the middle of the refresh, SIGKILL `proc`, then require every marked process
    to be gone within GRACE_S."""
    try:
        wait_until(hang.arrived.is_set, "the last feed's request")
        wait_until(
            lambda: stored_entries(data_dir / DB_NAME) >= FAST_FEEDS * 20,
            "the other feeds to be parsed and stored",
        )
        assert proc.poll() is None, "the refresh ended before it could be killed"
        before = marked(token)
        assert proc.pid in before
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + GRACE_S
        alive = marked(token)
        while alive and time.monotonic() < deadline:
            time.sleep(0.1)
            alive = marked(token)
        assert not alive, f"alive {GRACE_S:.0f} s after the kill: {describe(alive)}"
    finally:
        for pid in marked(token):  # never leave one behind, even when the test fails
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def test_killed_cli_refresh_leaves_no_process(slow_server, write_config, isolated_env) -> None:
    server, hang, urls = slow_server
    write_config(urls, timeout_s=60)
    token = uuid.uuid4().hex
    env = {**os.environ, "BYLINE_KILL_TEST": token}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "refresh"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kill_mid_refresh(proc, hang, isolated_env / "data", token)


APP_STAND_IN = """
import sys
from pathlib import Path
from reader.core.config import load
from reader.core.background import refresh_in_child
refresh_in_child(load(Path(sys.argv[1])), Path(sys.argv[2]))
"""


def test_killed_app_leaves_no_refresh_child(slow_server, write_config, isolated_env) -> None:
    """The app refreshes in a child process (reader/core/background.py): killing the app
    mid-refresh must take that child down too, not leave it fetching and writing."""
    server, hang, urls = slow_server
    config = write_config(urls, timeout_s=60)
    token = uuid.uuid4().hex
    env = {**os.environ, "BYLINE_KILL_TEST": token}
    data_dir = isolated_env / "data"
    proc = subprocess.Popen(
        [sys.executable, "-c", APP_STAND_IN, str(config), str(data_dir)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kill_mid_refresh(proc, hang, data_dir, token)
