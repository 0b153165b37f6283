"""Pictures and players (issue 23): hostile pictures refused with the reason and never kept, the cache's cap, and a
player that speaks mpv's JSON IPC (a fake built from mpv's documented protocol) resumed where it stopped."""

from __future__ import annotations

import asyncio
import io
import json
import struct
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from reader.core.feeds.fetch import Fetcher
from reader.core.media import images
from reader.core.media.player import Playback, player_argv
from reader.core.text.render import render_html


def _png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture: a decompression bomb (decoding it asks for GBs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (_png_claiming(60_000, 60_000), "decompression bomb"),
        (SVG, "an SVG document, not a picture"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "a web page, not a picture"),
        (b"%PDF-1.7 ...", "not a picture this reader shows"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "a broken PNG file"),
    ],
    ids=["pixel bomb", "svg", "html", "pdf", "broken png"],
)
def test_a_hostile_picture_is_refused_with_the_reason_and_nothing_is_kept(
    tmp_path: Path, http_server, body: bytes, reason: str
) -> None:
    # The server says image/png every time: the type is judged by the bytes, not the header.
    url = http_server.route("/pic.png", body=body, content_type="image/png")
    cache = images.ImageCache(tmp_path, cap_mb=5)

    async def go() -> None:
        async with Fetcher() as fetcher:
            await images.fetch_image(fetcher, cache, url, timeout=5)

    with pytest.raises(images.ImageRefused, match=reason):
        asyncio.run(go())
    kept = list((tmp_path / "images").glob("*")) if (tmp_path / "images").exists() else []
    assert kept == []


def test_a_good_picture_is_kept_and_served_offline(tmp_path: Path, http_server) -> None:
    url = http_server.route("/cat.png", body=_png(), content_type="text/plain")
    cache = images.ImageCache(tmp_path, cap_mb=5)

    async def go() -> images.CachedImage:
        async with Fetcher() as fetcher:
            return await images.fetch_image(fetcher, cache, url, timeout=5)

    first = asyncio.run(go())
    assert (first.kind, first.width, first.height) == ("png", 40, 30)
    http_server.reset()  # the server forgets the picture: the next one comes from the cache
    again = asyncio.run(go())
    assert again.path == first.path and again.path.read_bytes() == _png()


def test_the_cache_drops_the_least_recently_shown_past_its_cap(tmp_path: Path) -> None:
    cache = images.ImageCache(tmp_path, cap_mb=0.05)  # ~52 KB
    noisy = [_noise(seed) for seed in range(3)]  # ~20 KB each, incompressible
    cache.put("a", noisy[0])
    cache.put("b", noisy[1])
    assert cache.get("a") is not None  # a is shown again: b is now the oldest
    import os
    import time

    old = time.time() - 100
    os.utime(cache._path("b"), (old, old))
    cache.put("c", noisy[2])
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    assert cache.size() <= cache.cap


def _noise(seed: int) -> bytes:
    import random

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (80, 80), bytes(rng.randrange(256) for _ in range(80 * 80 * 3)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_the_renderer_places_each_picture_on_its_line() -> None:
    html = '<p>Before</p><img src="/a.png" alt="A kestrel"><p>After <img src="data:image/png;base64,xx"></p>'
    rendered = render_html(html, "https://news.example/story/1")
    (picture,) = rendered.pictures  # data: addresses are not fetched
    assert rendered.text[picture.start : picture.end] == "[image: A kestrel]"
    assert picture.url == "https://news.example/a.png" and picture.alt == "A kestrel"


# ---------------------------------------------------------------- the player

# A player that records its argv and speaks mpv's JSON IPC (mpv's DOCS/man/ipc.rst: newline-delimited JSON on the
# socket given by --input-ipc-server; `observe_property` answers with "property-change" events; "end-file" with
# reason "eof" when the file played to its end). It plays from --start=+N for `seconds` seconds of media.
FAKE_MPV = r"""
import json, socket, sys, os, time
argv = sys.argv[1:]
with open(os.environ["FAKE_MPV_LOG"], "a") as log:
    log.write(json.dumps(argv) + "\n")
path = next(a.split("=", 1)[1] for a in argv if a.startswith("--input-ipc-server="))
start = next((float(a.split("+", 1)[1]) for a in argv if a.startswith("--start=+")), 0.0)
until = float(os.environ["FAKE_MPV_UNTIL"])
server = socket.socket(socket.AF_UNIX); server.bind(path); server.listen(1)
conn, _ = server.accept()
reader = conn.makefile("rb")
for _ in range(2):
    json.loads(reader.readline())  # observe_property time-pos, duration
def send(message): conn.sendall(json.dumps(message).encode() + b"\n")
send({"event": "property-change", "id": 2, "name": "duration", "data": 600.0})
pos = start
while pos < min(until, 600.0):
    pos = min(pos + 30.0, until, 600.0)
    send({"event": "property-change", "id": 1, "name": "time-pos", "data": pos})
    time.sleep(0.01)
if pos >= 600.0:
    send({"event": "end-file", "reason": "eof"})
conn.close()
"""


def _fake_mpv(tmp_path: Path) -> Path:
    mpv = tmp_path / "bin" / "mpv"
    mpv.parent.mkdir()
    mpv.write_text(f"#!{sys.executable}\n{FAKE_MPV}")
    mpv.chmod(0o755)
    return mpv


def test_mpv_is_followed_over_ipc_and_the_next_play_resumes(tmp_path: Path, monkeypatch) -> None:
    mpv = _fake_mpv(tmp_path)
    log = tmp_path / "argv.log"
    monkeypatch.setenv("FAKE_MPV_LOG", str(log))
    url = "http://127.0.0.1:9/episode.mp3"
    saved = []

    monkeypatch.setenv("FAKE_MPV_UNTIL", "150")  # the listener stops at 2:30
    first = Playback((str(mpv), "--force-window=no"), url)
    first.start()
    end = first.watch(saved.append)
    assert (end.seconds, end.duration, end.finished) == (150.0, 600.0, False)

    monkeypatch.setenv("FAKE_MPV_UNTIL", "9999")  # and then listens to the end
    second = Playback((str(mpv), "--force-window=no"), url, start=end.seconds)
    second.start()
    done = second.watch(saved.append)
    assert done.finished and done.seconds == 0.0  # played out: the next play starts at the top

    runs = [json.loads(line) for line in log.read_text().splitlines()]
    assert runs[0][0] == "--force-window=no" and runs[0][-1] == url
    assert not any(a.startswith("--start") for a in runs[0])
    assert "--start=+150.0" in runs[1] and runs[1][-1] == url
    assert saved[-1] is done


def test_other_players_get_the_address_alone() -> None:
    assert player_argv(("vlc", "--intf", "dummy"), "https://x.example/e.mp3", start=90, ipc="/tmp/s") == [
        "vlc", "--intf", "dummy", "https://x.example/e.mp3",
    ]  # fmt: skip


def test_a_finished_episode_loses_its_file_only_with_delete_played(tmp_path: Path) -> None:
    from dataclasses import replace

    from reader.core.config import FeedConfig, Settings
    from reader.core.media.downloads import local_copy, record_playback
    from reader.core.media.player import Position
    from reader.core.store import Store
    from reader.core.text.parse import ParsedEntry

    url = "https://pod.example/ep1.mp3"
    with Store.in_dir(tmp_path / "data") as store:
        store.sync_feeds([FeedConfig("https://pod.example/feed.xml")])
        feed = store.feed_by_url("https://pod.example/feed.xml")
        enclosure = {"url": url, "type": "audio/mpeg", "length": 3}
        store.store_entries(
            feed.id, [ParsedEntry("ep1", "Ep 1", "", "", 1.0, None, "", "", [enclosure])]
        )
        entry = store.entry(1)
        file = tmp_path / "ep1.mp3"
        file.write_bytes(b"abc")
        item = store.queue_download(entry.id, url, str(file))
        store.update_download(item.id, status="done", done=3, total=3)
        assert local_copy(store, entry.id, url) == file

        halfway = Position(seconds=120.0, duration=600.0)
        assert not record_playback(
            store, replace(Settings(), delete_played=True), entry.id, url, halfway
        )
        assert store.playback(url).seconds == 120.0 and file.exists()

        done = Position(seconds=0.0, duration=600.0, finished=True)
        assert not record_playback(
            store, Settings(), entry.id, url, done
        )  # the default keeps files
        assert file.exists()
        assert record_playback(store, replace(Settings(), delete_played=True), entry.id, url, done)
        assert not file.exists() and store.downloads() == [] and store.playback(url).finished
