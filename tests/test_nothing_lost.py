"""Nothing committed is ever lost: not to SIGKILL at a random moment of `byline refresh`, not
to the app and cron writing at the same time, not to a read-only cache or a full disk.

Every test here works on a real cache with real `byline refresh` processes against changing
feeds on a loopback server (tests/faultserver.py).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from conftest import wait_until
from faultserver import FaultServer, changing_feed

from reader.core.store import DB_NAME, Store, View

REPO = Path(__file__).resolve().parents[1]
FEEDS = 8
STABLE, FRESH = 20, 15  # entries every response keeps, entries new in each response


def edition(feed: int, paired: bool = False):
    """Feed `feed`'s n-th response: STABLE entries always there plus FRESH new ones. With
    `paired`, two requests in a row get the same edition, so concurrent refreshes race to
    insert the same new entries."""

    def make(request: int) -> bytes:
        n = (request + 1) // 2 if paired else request
        body = "<p>" + ("Long enough paragraph of an article body. " * 40) + "</p>"
        items = [(f"s{feed}-{i}", f"Stable {feed}/{i}") for i in range(STABLE)]
        items += [
            (f"n{feed}-{n}-{i}", f"Edition {n} of feed {feed}, item {i}") for i in range(FRESH)
        ]
        xml = "".join(
            f"<item><guid>{g}</guid><title>{t}</title><description><![CDATA[{body}]]>"
            f"</description></item>"
            for g, t in items
        )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>'
            f"{xml}</channel></rss>"
        ).encode()

    return make


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        for feed in range(FEEDS):
            srv.route(f"/feed{feed}.xml", changing_feed(edition(feed)))
            srv.route(f"/paired{feed}.xml", changing_feed(edition(feed, paired=True)))
        yield srv


@pytest.fixture
def cache(server: FaultServer, tmp_path: Path) -> dict[str, Path]:
    return make_cache(server, tmp_path, "feed")


def make_cache(server: FaultServer, tmp_path: Path, route: str) -> dict[str, Path]:
    """A config of the changing feeds and a data dir holding one completed refresh."""
    config = tmp_path / "byline.toml"
    config.write_text(
        # A small cap: every refresh prunes the editions the feed no longer lists, so the
        # kills also land in pruning, which must spare saved and quoted entries.
        "[settings]\ntimeout_s = 10\nkeep_days = 0\nmax_items_per_feed = 40\n"
        + "".join(f'\n[[feeds]]\nurl = "{server.url(f"/{route}{i}.xml")}"\n' for i in range(FEEDS)),
        encoding="utf-8",
    )
    paths = {"config": config, "data": tmp_path / "data"}
    proc = byline("refresh", paths=paths)
    assert proc.returncode == 0, proc.stderr
    return paths


def byline(*args: str, paths: dict[str, Path], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reader.cli", *args, "--config", str(paths["config"]),
         "--data-dir", str(paths["data"])],
        capture_output=True, text=True, timeout=timeout, cwd=REPO,
    )  # fmt: skip


def start_refresh(paths: dict[str, Path], env: dict[str, str] | None = None) -> subprocess.Popen:
    """`byline refresh --force` in its own process group (so its parse pool dies with it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "refresh", "--force", "--config",
         str(paths["config"]), "--data-dir", str(paths["data"])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        start_new_session=True, env={**os.environ, **(env or {})},
    )  # fmt: skip


def kill_group(proc: subprocess.Popen) -> None:
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode is None:
        proc.communicate(timeout=30)


def integrity(data: Path) -> str:
    conn = sqlite3.connect(data / DB_NAME, timeout=15)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


class Ledger:
    """What the user did (read/saved flags, saved quotes) and a check that all of it stands."""

    def __init__(self) -> None:
        self.flags: dict[int, tuple[bool, bool]] = {}
        self.quotes: dict[int, str] = {}

    def act(self, store: Store, rng: random.Random, count: int = 6) -> None:
        ids = [r.id for r in store.page(View("all"), 0, 10_000)]
        for entry_id in rng.sample(ids, min(count, len(ids))):
            read, saved = rng.random() < 0.5, rng.random() < 0.5
            store.set_read([entry_id], read)
            # A refresh in another process may prune an unsaved entry between the page read
            # above and this write: the store then reports the save did not happen.
            if store.set_saved(entry_id, saved):
                self.flags[entry_id] = (read, saved)
        entry_id = rng.choice(ids)
        text = f"quote {len(self.quotes)} {rng.random()}"
        try:
            quote_id = store.save_quote(entry_id, text, "quote", 0, len(text), "Speaker", "said")
        except KeyError:  # pruned by the other process since the page was read: not saved
            return
        self.quotes[quote_id] = text

    def verify(self, store: Store) -> None:
        quoted = {q.entry_id for q in store.saved_quotes(limit=100_000)}
        for entry_id, (read, saved) in self.flags.items():
            entry = store.entry(entry_id)
            if entry is None:
                # Pruning (max_items_per_feed) may drop an entry the feed no longer lists,
                # but never a saved one or one with a saved quote.
                assert not saved and entry_id not in quoted, f"kept entry {entry_id} is gone"
                continue
            assert (entry.read, entry.saved) == (read, saved), entry_id
        kept = {q.id: q.text for q in store.saved_quotes(limit=100_000)}
        for quote_id, text in self.quotes.items():
            assert kept.get(quote_id) == text, f"saved quote {quote_id} is lost"


# ---------------------------------------------------------------- SIGKILL at random moments


def entry_total(data: Path) -> int:
    conn = sqlite3.connect(data / DB_NAME, timeout=15)
    try:
        return conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        conn.close()


# Where a refresh of the FEEDS changing feeds is stopped and killed (reader/core/store/pausepoint.py),
# and how many of that refresh's new entries (FRESH per feed) the cache must then hold:
# nothing uncommitted, nothing committed lost.
KILL_POINTS = (
    # inside the k-th feed's write transaction: the k-1 feeds before it are committed
    [(f"store_entries:{k}", FRESH * (k - 1)) for k in range(1, FEEDS + 1)]
    # between the k-th feed's entries (committed) and its feed row
    + [(f"update_feed:{k}", FRESH * k) for k in range(1, FEEDS + 1)]
    # inside the prune: every feed's entries committed, the deletes rolled back
    + [("prune:1", FRESH * FEEDS)]
)


def kill_at(paths: dict[str, Path], point: str, tmp: Path) -> None:
    """Run `byline refresh --force` until it stops at `point`, and SIGKILL it there."""
    ready = tmp / "paused"
    ready.unlink(missing_ok=True)
    proc = start_refresh(paths, {"BYLINE_PAUSE_AT": point, "BYLINE_PAUSE_READY": str(ready)})
    try:
        reached = wait_until(lambda: ready.exists() or proc.poll() is not None, timeout=120)
        assert reached and ready.exists(), f"never reached {point}: {proc.poll()}"
        pid, name, _ = ready.read_text(encoding="utf-8").split()
        assert (int(pid), name) == (proc.pid, point.split(":")[0])
        assert proc.poll() is None, f"{point}: the refresh ended instead of waiting"
    finally:
        kill_group(proc)
    assert proc.returncode == -signal.SIGKILL, (point, proc.returncode)


def _kill_trials(cache: dict[str, Path], points: list[tuple[str, int]], seed: int) -> None:
    rng = random.Random(seed)
    ledger = Ledger()
    for trial, (point, grown) in enumerate(points):
        with Store.in_dir(cache["data"]) as store:
            ledger.act(store, rng)
        before = entry_total(cache["data"])
        kill_at(cache, point, cache["data"].parent)
        assert integrity(cache["data"]) == "ok", f"trial {trial} at {point}"
        assert entry_total(cache["data"]) == before + grown, f"trial {trial} at {point}"
        with Store.in_dir(cache["data"]) as store:
            ledger.verify(store)
    # The next refresh completes and keeps everything.
    done = byline("refresh", "--force", paths=cache)
    assert done.returncode == 0, done.stderr
    assert "0 failed" in done.stdout, done.stdout
    assert integrity(cache["data"]) == "ok"
    with Store.in_dir(cache["data"]) as store:
        ledger.verify(store)


@pytest.mark.parametrize("trials", [3, pytest.param(30, marks=pytest.mark.slow)])
def test_sigkill_during_refresh_loses_nothing(cache: dict[str, Path], trials: int) -> None:
    """SIGKILL at exact points of the write path (mid-transaction, between two commits, mid
    prune), chosen from every point by a seeded draw: 3 of them always, 30 in the slow run."""
    rng = random.Random(trials)
    if trials < len(KILL_POINTS):  # one of each kind
        points = [KILL_POINTS[rng.randrange(FEEDS)], KILL_POINTS[FEEDS + rng.randrange(FEEDS)]]
        points += [KILL_POINTS[-1]][: trials - 2]
    else:  # every point once, then a draw
        points = rng.sample(KILL_POINTS, len(KILL_POINTS))
        points += rng.choices(KILL_POINTS, k=trials - len(points))
    _kill_trials(cache, points, seed=trials)


def test_pause_point_lets_a_refresh_go_on(cache: dict[str, Path], tmp_path: Path) -> None:
    """The seam itself: a stopped refresh resumes when the ready file goes, and finishes."""
    ready = tmp_path / "paused"
    proc = start_refresh(cache, {"BYLINE_PAUSE_AT": "prune", "BYLINE_PAUSE_READY": str(ready)})
    try:
        assert wait_until(lambda: ready.exists() or proc.poll() is not None, timeout=120)
        assert proc.poll() is None and ready.read_text().split()[1:] == ["prune", "1"]
        ready.unlink()
        out, err = proc.communicate(timeout=120)
    finally:
        kill_group(proc)
    assert proc.returncode == 0, err
    assert f"{FEEDS} ok" in out, out


# ---------------------------------------------------------------- app and cron together


def test_app_writer_and_refresh_processes_together(server: FaultServer, tmp_path: Path) -> None:
    """For 10 s an app-style writer toggles read/saved, marks views read and saves quotes
    through Store while `byline refresh` runs in a loop in two other processes (cron and the
    app's own refresh). No 'database is locked', no error, no state lost."""
    cache = make_cache(server, tmp_path, "paired")
    seconds = 10.0
    stop = threading.Event()
    failures: list[str] = []
    refreshes = [0]

    def refresh_loop() -> None:
        while not stop.is_set():
            proc = byline("refresh", "--force", paths=cache, timeout=120)
            refreshes[0] += 1
            if proc.returncode != 0 or "Traceback" in proc.stderr or "locked" in proc.stdout:
                failures.append(f"refresh exit {proc.returncode}: {proc.stdout}{proc.stderr}")

    loops = [threading.Thread(target=refresh_loop) for _ in range(2)]
    for loop in loops:
        loop.start()
    rng = random.Random(7)
    ledger = Ledger()
    writes = 0
    deadline = time.monotonic() + seconds
    try:
        with Store.in_dir(cache["data"]) as store:
            feeds = [f.id for f in store.feeds()]
            while time.monotonic() < deadline:
                ledger.act(store, rng, count=3)
                if rng.random() < 0.1:
                    # Marking a feed read is the user's act too: remember it.
                    view = View("feed", rng.choice(feeds))
                    for entry_id in store.mark_view_read(view):
                        read, saved = ledger.flags.get(entry_id, (False, False))
                        if entry_id in ledger.flags:
                            ledger.flags[entry_id] = (True, saved)
                writes += 1
    finally:
        stop.set()
        for loop in loops:
            loop.join(300)
    assert not failures, failures[0]
    assert writes > 20 and refreshes[0] >= 2, (writes, refreshes)
    assert integrity(cache["data"]) == "ok"
    with Store.in_dir(cache["data"]) as store:
        ledger.verify(store)


def test_two_refreshes_storing_the_same_new_entries_do_not_collide(tmp_path: Path) -> None:
    """The app's refresh and cron's store the same new entries of a feed at the same moment:
    one inserts them, the other finds them there (no UNIQUE constraint failure)."""
    from reader.core.config import FeedConfig
    from reader.core.text.parse import ParsedEntry

    path = tmp_path / DB_NAME
    with Store(path) as store:
        store.sync_feeds([FeedConfig("http://example.org/feed")])
        feed_id = store.feed_by_url("http://example.org/feed").id
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def refresh_like() -> None:
        with Store(path) as store:
            for edition_no in range(40):
                entries = [
                    ParsedEntry(f"e{edition_no}-{i}", f"Title {i}", summary="words " * 300)
                    for i in range(100)
                ]
                barrier.wait(30)
                try:
                    store.store_entries(feed_id, entries)
                except Exception as err:  # noqa: BLE001 - collected for the assertion
                    errors.append(err)

    workers = [threading.Thread(target=refresh_like) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert not errors, errors[0]
    with Store(path) as store:
        assert store.feed(feed_id).entry_count == 40 * 100
    assert integrity(tmp_path) == "ok"


# ---------------------------------------------------------------- read-only and full disks


def _root_mounts() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make `path` (a directory or a file) read-only, even for root: a read-only bind mount
    when we are root, else plain permissions."""
    if _root_mounts():
        bound = subprocess.run(
            ["mount", "--bind", str(path), str(path)], capture_output=True, text=True
        )
        if bound.returncode != 0:  # root in a container without CAP_SYS_ADMIN
            pytest.skip(f"cannot bind-mount to make it read-only: {bound.stderr.strip()}")
        try:
            mounted = subprocess.run(
                ["mount", "-o", "remount,bind,ro", str(path), str(path)],
                capture_output=True,
                text=True,
            )
            if mounted.returncode != 0:
                pytest.skip(f"cannot remount read-only: {mounted.stderr.strip()}")
            yield
        finally:
            subprocess.run(["umount", str(path)], check=True)
        return
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        path.chmod(mode)


def _probe_read_only(path: Path) -> None:
    probe = path / ".probe" if path.is_dir() else path
    try:
        with open(probe, "a"):
            pass
    except OSError:
        return
    if path.is_dir():
        probe.unlink()
    pytest.skip("cannot make a path read-only here")


def _snapshot(data: Path) -> Ledger:
    ledger = Ledger()
    with Store.in_dir(data) as store:
        ledger.act(store, random.Random(3))
    return ledger


@pytest.mark.parametrize("what", ["data dir", "database file"])
def test_read_only_cache_is_a_clear_message(cache: dict[str, Path], what: str) -> None:
    ledger = _snapshot(cache["data"])
    with Store.in_dir(cache["data"]):
        pass  # a clean close checkpoints the WAL, as after the app quits
    target = cache["data"] if what == "data dir" else cache["data"] / DB_NAME
    with read_only(target):
        _probe_read_only(target)
        for args in (("refresh", "--force"), ("feeds",), ("entries",)):
            proc = byline(*args, paths=cache)
            assert "Traceback" not in proc.stderr, proc.stderr
            if proc.returncode == 0:  # reading a read-only cache may work; writing may not
                continue
            assert proc.returncode == 2, (args, proc.returncode, proc.stderr)
            assert proc.stderr.startswith("byline: "), proc.stderr
            assert str(cache["data"]) in proc.stderr
            assert (
                "read-only" in proc.stderr or "readonly" in proc.stderr or "cannot" in proc.stderr
            )
        refresh = byline("refresh", "--force", paths=cache)
        assert refresh.returncode == 2, refresh.stdout + refresh.stderr
    assert integrity(cache["data"]) == "ok"
    with Store.in_dir(cache["data"]) as store:
        ledger.verify(store)
    assert byline("refresh", "--force", paths=cache).returncode == 0


@contextmanager
def tiny_filesystem(path: Path, size: str = "1m") -> Iterator[bool]:
    """A tmpfs of `size` at `path` (True), or nothing (False) where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    if not _root_mounts():
        yield False
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if mounted.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def _big_feed(path: Path, entries: int = 400) -> Path:
    body = "<p>" + "Filling the disk with words. " * 200 + "</p>"
    items = "".join(
        f"<item><guid>big-{i}</guid><title>Big {i}</title><description><![CDATA[{body}]]>"
        f"</description></item>"
        for i in range(entries)
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}'
        "</channel></rss>",
        encoding="utf-8",
    )
    return path


def test_full_disk_is_a_clear_message_and_loses_nothing(tmp_path: Path, server) -> None:
    """A real full filesystem (a 2 MB tmpfs: room for the schema, a small feed and the user's
    marks, never for the big feed): needs root and mount; the test below covers the same path
    everywhere with a capped database."""
    data = tmp_path / "tiny"
    with tiny_filesystem(data, "2m") as mounted:
        if not mounted:
            pytest.skip("cannot mount a tiny filesystem (the SQLITE_FULL test covers this path)")
        paths = {"config": tmp_path / "byline.toml", "data": data}
        _fill_the_cache(paths, server, lambda: byline("refresh", paths=paths))


def test_full_database_is_a_clear_message_and_loses_nothing(
    tmp_path: Path, server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLITE_FULL without root: every connection Byline opens gets `PRAGMA max_page_count`
    a few pages above the cache's size, so the big feed's write fails mid-transaction, as
    on a full disk. The real CLI runs in this process (the cap must reach its connections)."""
    import contextlib
    import io

    from reader import cli
    from reader.core import store as store_module

    paths = {"config": tmp_path / "byline.toml", "data": tmp_path / "data"}
    cap: list[int] = []
    original = store_module._Connection.__init__

    def capped(self, path: Path) -> None:
        original(self, path)
        if cap:
            self.conn.execute(f"PRAGMA max_page_count = {cap[0]}")

    monkeypatch.setattr(store_module._Connection, "__init__", capped)

    def run() -> subprocess.CompletedProcess:
        if not cap:  # cap the cache as it is after the first refresh and the user's acts
            conn = sqlite3.connect(paths["data"] / DB_NAME)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cap.append(conn.execute("PRAGMA page_count").fetchone()[0] + 8)
            conn.close()
        out, err = io.StringIO(), io.StringIO()
        args = ["refresh", "--config", str(paths["config"]), "--data-dir", str(paths["data"])]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(args)
        return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())

    _fill_the_cache(paths, server, run)


def _fill_the_cache(paths: dict[str, Path], server, refresh) -> None:
    """A small feed refreshes; then a big one fills the disk (or the capped database): a
    clear message, exit status 2, the cache intact and everything the user did kept."""
    small = f'[[feeds]]\nurl = "{server.url("/feed0.xml")}"\n'
    paths["config"].write_text(small, encoding="utf-8")
    assert byline("refresh", paths=paths).returncode == 0
    ledger = _snapshot(paths["data"])
    big = _big_feed(paths["config"].parent / "big.xml")
    paths["config"].write_text(small + f'\n[[feeds]]\nurl = "{big.as_uri()}"\n')
    proc = refresh()
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("byline: the cache in "), proc.stderr
    assert "the disk is full; nothing was half-written" in proc.stderr, proc.stderr
    assert integrity(paths["data"]) == "ok"
    with Store.in_dir(paths["data"]) as store:
        ledger.verify(store)
        assert not any(r.title.startswith("Big ") for r in store.page(View("all"), 0, 10_000))
    # With the big feed gone again, refreshing works on the same full-ish disk.
    paths["config"].write_text(small, encoding="utf-8")
    again = refresh()
    assert "Traceback" not in again.stderr
    assert integrity(paths["data"]) == "ok"


def test_disk_full_while_writing_a_file_is_a_clear_message(tmp_path: Path) -> None:
    """ENOSPC from the OS (not from SQLite): /dev/full fails every write with it."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    paths = {"config": tmp_path / "byline.toml", "data": tmp_path / "data"}
    paths["config"].write_text('[[feeds]]\nurl = "https://example.org/feed"\n')
    proc = byline("export", "/dev/full", paths=paths)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("byline: the disk is full"), proc.stderr
