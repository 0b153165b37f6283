"""Sync timing against each code-built test server (tests/greader_server.py flavours and
tests/nextcloud_server.py): 6 feeds x 250 items, `byline sync --json` twice (the first sync,
then one with nothing new). Run from the repository: python -m bench.sync_flavours"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from greader_server import GReaderServer  # noqa: E402
from nextcloud_server import NextcloudServer  # noqa: E402

PASSWORD = "correct-horse-battery-staple"
FLAVOURS = ("freshrss", "miniflux", "oldreader", "inoreader", "nextcloud")


def server_for(flavour: str) -> GReaderServer | NextcloudServer:
    if flavour == "nextcloud":
        return NextcloudServer(password=PASSWORD)
    return GReaderServer(flavour, password=PASSWORD)


def run(flavour: str, feeds: int = 6, items: int = 250) -> list[str]:
    server = server_for(flavour)
    try:
        for n in range(feeds):
            feed = server.add_feed(f"https://example.org/{n}.xml", f"Feed {n}")
            server.add_items(feed, items, f"f{n} story")
        home = Path(tempfile.mkdtemp(prefix="byline-bench-sync"))
        extra = ""
        if isinstance(server, GReaderServer) and flavour == "inoreader":
            extra = f'app_id = "{server.app_id}"\napp_key = "{server.app_key}"\n'
        kind = "nextcloud" if flavour == "nextcloud" else "greader"
        (home / "config.toml").write_text(
            "[settings]\nrefresh_on_start = false\nrefresh_minutes = 0\n\n"
            f'[sync]\nkind = "{kind}"\nurl = "{server.url}"\nusername = "ada"\n'
            f'password_env = "BYLINE_BENCH_PASSWORD"\n{extra}'
        )
        env = {
            **os.environ, "BYLINE_BENCH_PASSWORD": PASSWORD, "HOME": str(home),
            "BYLINE_CONFIG": str(home / "config.toml"), "BYLINE_DATA_DIR": str(home / "data"),
        }  # fmt: skip
        lines = []
        for _ in range(2):
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "reader.cli", "sync", "--json"],
                env=env, capture_output=True, text=True, cwd=REPO, check=True,
            )  # fmt: skip
            wall = time.monotonic() - started
            data = json.loads(done.stdout)
            lines.append(
                f"{data['new_entries']} new, {data['seconds']:.2f} s ({wall:.2f} s wall),"
                f" {data['requests']} requests"
            )
        return lines
    finally:
        server.stop()


if __name__ == "__main__":
    for flavour in FLAVOURS:
        first, again = run(flavour)
        print(f"{flavour:10} first: {first} | again: {again}")
