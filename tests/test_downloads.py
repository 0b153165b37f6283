"""The download queue (issue 23): the real CLI against a real HTTP server on 127.0.0.1 that speaks Range, killed
mid-download with SIGKILL, resumed, and checked byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import wait_until

BODY = os.urandom(3 * 1024 * 1024)


class _EpisodeServer:
    """Serves one episode slowly (so a test can kill a download mid-way), honouring Range unless told not to."""

    def __init__(self, ranges: bool = True) -> None:
        self.ranges = ranges
        self.requests: list[str | None] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path == "/feed.xml":
                    return self._send(200, outer.feed().encode(), "application/rss+xml")
                wanted = self.headers.get("Range")
                outer.requests.append(wanted)
                start = 0
                if wanted and outer.ranges:
                    start = int(wanted.removeprefix("bytes=").split("-")[0])
                    if start >= len(BODY):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(BODY)}")
                        self.end_headers()
                        return None
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(BODY) - 1}/{len(BODY)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Type", "audio/mpeg")
                self.send_header("Content-Length", str(len(BODY) - start))
                self.end_headers()
                try:
                    for at in range(start, len(BODY), 32 * 1024):
                        self.wfile.write(BODY[at : at + 32 * 1024])
                        time.sleep(0.01)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return None

            def _send(self, code: int, body: bytes, kind: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def feed(self) -> str:
        return (
            "<?xml version='1.0'?><rss version='2.0' xmlns:itunes='http://www.itunes.com/dtds/podcast-1.0.dtd'>"
            "<channel><title>Night Desk / Podcast</title>"
            "<item><title>Episode 7: ../../etc/passwd?</title><guid>ep7</guid>"
            "<pubDate>Mon, 07 Dec 2026 06:00:00 GMT</pubDate><itunes:duration>52:10</itunes:duration>"
            f"<enclosure url='{self.base}/ep7.mp3' type='audio/mpeg' length='{len(BODY)}'/>"
            "</item></channel></rss>"
        )

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def episodes() -> Iterator[_EpisodeServer]:
    server = _EpisodeServer()
    yield server
    server.close()


def _setup(tmp_path: Path, server: _EpisodeServer, run_cli) -> tuple[int, Path]:
    downloads = tmp_path / "Podcasts"
    (tmp_path / "config.toml").write_text(
        f'[settings]\ndownload_dir = "{downloads}"\n\n[[feeds]]\nurl = "{server.base}/feed.xml"\n'
    )
    assert run_cli("refresh").returncode == 0
    (entry,) = json.loads(run_cli("entries", "--json").stdout)
    out = run_cli("downloads", "--add", str(entry["id"]))
    assert out.returncode == 0, out.stderr
    return entry["id"], downloads


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "reader.cli", *args]


def test_a_download_killed_mid_way_resumes_and_ends_byte_identical(
    tmp_path: Path, episodes, run_cli
) -> None:
    _, downloads = _setup(tmp_path, episodes, run_cli)
    target = downloads / "Night Desk Podcast" / "2026-12-07 Episode 7 .. .. etc passwd.mp3"
    part = target.with_name(target.name + ".part")

    first = subprocess.Popen(
        _cli("downloads", "--run"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert wait_until(lambda: part.exists() and part.stat().st_size > 512 * 1024, timeout=30)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    kept = part.stat().st_size
    assert 0 < kept < len(BODY) and not target.exists()  # nothing under the final name until whole

    listed = json.loads(run_cli("downloads", "--json").stdout)  # the queue survived the kill
    assert [d["status"] for d in listed] == ["running"]

    out = run_cli("downloads", "--run", "--json", timeout=60)
    assert out.returncode == 0, out.stderr
    assert target.read_bytes() == BODY
    assert not part.exists()
    (row,) = json.loads(out.stdout)
    assert row["status"] == "done" and row["sha256"] == hashlib.sha256(BODY).hexdigest()
    assert episodes.requests[0] is None  # the first run asked for the whole file
    resumed_from = int(episodes.requests[-1].removeprefix("bytes=").rstrip("-"))
    assert kept <= resumed_from < len(BODY)  # the second asked only for the rest


def test_a_server_without_range_starts_the_file_over(tmp_path: Path, run_cli) -> None:
    server = _EpisodeServer(ranges=False)
    try:
        _, downloads = _setup(tmp_path, server, run_cli)
        (target,) = [p for p in downloads.rglob("*.mp3")] or [None]
        assert target is None  # nothing yet
        part_dir = downloads / "Night Desk Podcast"
        part_dir.mkdir(parents=True)
        part = part_dir / "2026-12-07 Episode 7 .. .. etc passwd.mp3.part"
        part.write_bytes(b"stale bytes from another file")
        out = run_cli("downloads", "--run", timeout=60)
        assert out.returncode == 0, out.stderr
        assert (part_dir / "2026-12-07 Episode 7 .. .. etc passwd.mp3").read_bytes() == BODY
        assert server.requests == ["bytes=29-"]  # asked to resume; got 200; started over
    finally:
        server.close()


def test_a_failed_download_says_why_and_the_queue_goes_on(
    tmp_path: Path, run_cli, episodes
) -> None:
    entry_id, downloads = _setup(tmp_path, episodes, run_cli)
    episodes.close()  # the server is gone
    out = run_cli("downloads", "--run", "--json", timeout=60)
    assert out.returncode == 1
    (row,) = json.loads(out.stdout)
    assert row["status"] == "failed" and row["error"]
    assert "Traceback" not in out.stderr
    assert not list(downloads.rglob("*.mp3"))


def test_downloads_refuses_an_entry_without_enclosures(
    tmp_path: Path, run_cli, http_server
) -> None:
    from samples import items, rss20

    url = http_server.route("/plain.xml", body=rss20(items(1)))
    (tmp_path / "config.toml").write_text(f'[[feeds]]\nurl = "{url}"\n')
    assert run_cli("refresh").returncode == 0
    (entry,) = json.loads(run_cli("entries", "--json").stdout)
    out = run_cli("downloads", "--add", str(entry["id"]))
    assert out.returncode == 2
    assert f"entry {entry['id']} has no enclosure to download" in out.stderr
    assert "The download queue is empty" in run_cli("downloads").stdout
