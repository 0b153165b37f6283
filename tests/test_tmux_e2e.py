"""End to end in a real terminal: the real `byline` app in tmux on a cache holding an entry
whose every field carries terminal injections (OSC 0/2 window titles, OSC 52 clipboard
writes, screen clears, C1 CSI, bidi overrides). The entry is listed and opened; the pane
title, the window name and tmux's paste buffers are untouched and the screen shows the
article's words, not injected content.

tmux runs on its own socket (-L), so nothing of the user's tmux is touched; skipped where
tmux is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

REPO = Path(__file__).resolve().parents[1]
INJECT = (
    "\x1b]0;PWNED-OSC0\x07\x1b]2;PWNED-OSC2\x07\x1bkPWNED-RENAME\x1b\\"
    "\x1b]52;c;UFdORUQtQ0xJUA==\x07\x1b[2J\x1b[H\x9b2J\x9d0;PWNED-C1\x9c\u202e\u200b"
)


def hostile_json_feed() -> bytes:
    body = (
        f"<p>{INJECT}“We will win this {INJECT}election for every family,” said Jane Doe.</p>"
        f"<p>Second paragraph {INJECT}with more words.</p>"
    )
    item = {
        "id": f"e1{INJECT}",
        "url": f"http://example.org/a{INJECT}",
        "title": f"{INJECT}Hostile headline{INJECT}",
        "content_html": body,
        "authors": [{"name": f"{INJECT}Mallory"}],
        "date_published": "2024-05-01T10:00:00Z",
    }
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": f"{INJECT}Evil feed",
            "items": [item],
        }
    ).encode()


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=20,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"tmux {args}: {proc.stderr}")
        return proc.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "byline")

    def wait_for(self, text: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{screen}")


@pytest.fixture
def tmux(tmp_path: Path):
    socket = f"byline-e2e-{os.getpid()}-{tmp_path.name}"
    server = Tmux(socket)
    yield server
    server("kill-server", check=False)  # the server on our own socket only


def test_injections_in_an_opened_entry_reach_no_terminal(tmux: Tmux, tmp_path: Path) -> None:
    feed = tmp_path / "evil.json"
    feed.write_bytes(hostile_json_feed())
    config = tmp_path / "config.toml"
    config.write_text(
        "[settings]\nrefresh_on_start = false\nrefresh_minutes = 0\n\n"
        f'[[feeds]]\nurl = "{feed.as_uri()}"\n',
        encoding="utf-8",
    )
    data = tmp_path / "data"
    env = {**os.environ, "BYLINE_CONFIG": str(config), "BYLINE_DATA_DIR": str(data)}
    refresh = subprocess.run(
        [sys.executable, "-m", "reader.cli", "refresh"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    assert refresh.returncode == 0, refresh.stderr

    command = (
        f"cd {REPO} && BYLINE_CONFIG={config} BYLINE_DATA_DIR={data} "
        f"TERM=xterm-256color {sys.executable} -m reader.cli"
    )
    tmux("new-session", "-d", "-s", "byline", "-x", "120", "-y", "40", "sh")
    # Make every injection count if it got through: titles, renames and OSC 52 all honoured.
    tmux("set-option", "-g", "set-clipboard", "on")
    tmux("set-option", "-g", "allow-rename", "on")
    tmux("set-option", "-g", "automatic-rename", "off")
    tmux("rename-window", "-t", "byline", "before")
    tmux("select-pane", "-t", "byline", "-T", "before-title")
    title_before = tmux("display", "-p", "-t", "byline", "#{pane_title}").strip()
    tmux("send-keys", "-t", "byline", command, "Enter")

    listed = tmux.wait_for("Hostile headline")
    tmux("send-keys", "-t", "byline", "Enter")  # open the entry under the cursor
    opened = tmux.wait_for("election for every family")
    # A barrier, not a sleep: the help screen is drawn after everything the opened entry
    # wrote (one output stream, in order), so once it shows, any late write has landed.
    tmux("send-keys", "-t", "byline", "?")
    tmux.wait_for("cursor_down")
    tmux("send-keys", "-t", "byline", "Escape")
    final = tmux.wait_for("election for every family")

    assert tmux("display", "-p", "-t", "byline", "#{pane_title}").strip() == title_before
    assert tmux("display", "-p", "-t", "byline", "#{window_name}").strip() == "before"
    assert tmux("list-buffers", check=False).strip() == "", "OSC 52 reached the clipboard"
    for screen in (listed, opened, final):
        assert "PWNED" not in screen
        assert "UFdORUQ" not in screen
    assert "Hostile headline" in final and "Jane Doe" in final
    assert "Evil feed" in final or "Evil feed" in listed

    tmux("send-keys", "-t", "byline", "q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "Hostile headline" in tmux.screen():
        time.sleep(0.2)
