"""Playing an enclosure (a podcast episode, a video) with the user's player, and remembering where it stopped.

The player is an argv list (`player = ["mpv", "--force-window=no"]`; by default mpv when it is on the PATH, else the
system's opener), run without a shell, with the address as one more argument. With mpv, Byline asks it over its JSON
IPC socket (`--input-ipc-server`) where playback is, keeps that position in the cache as it goes, and starts the next
play there (`--start=+SECONDS`); an episode played to its end is marked finished. Any other player just gets the
address: no position, nothing to resume.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SAVE_EVERY_S = 2.0  # how often a moving position is written to the cache
CONNECT_WAIT_S = 10.0  # how long mpv may take to open its socket


def default_player() -> tuple[str, ...]:
    """mpv when it is installed (it resumes), else whatever opens files on this system."""
    if shutil.which("mpv"):
        return ("mpv", "--force-window=no")
    if sys.platform == "darwin":
        return ("open",)
    return ("xdg-open",)


def is_mpv(argv: tuple[str, ...]) -> bool:
    return bool(argv) and Path(argv[0]).name in ("mpv", "mpv.exe")


def player_argv(
    player: tuple[str, ...], url: str, start: float = 0.0, ipc: str | None = None
) -> list[str]:
    """The argv that plays `url`: the user's player, mpv's resume and IPC options, then the address."""
    argv = list(player or default_player())
    if is_mpv(tuple(argv)):
        if ipc:
            argv.append(f"--input-ipc-server={ipc}")
        if start > 0:
            argv.append(f"--start=+{start:.1f}")
    return [*argv, url]


@dataclass
class Position:
    """Where playback of one enclosure is: seconds in, of how many, and whether it reached the end."""

    seconds: float = 0.0
    duration: float | None = None
    finished: bool = False


class Playback:
    """One run of the player for one enclosure. `watch()` follows mpv until it exits (run it in a thread)."""

    def __init__(self, player: tuple[str, ...], url: str, start: float = 0.0) -> None:
        self.url = url
        self.player = tuple(player or default_player())
        self._dir = tempfile.mkdtemp(prefix="byline-play-") if is_mpv(self.player) else None
        self.ipc = os.path.join(self._dir, "mpv.sock") if self._dir else None
        self.argv = player_argv(self.player, url, start, self.ipc)
        self.position = Position(seconds=start)
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the player (raises OSError with the reason when it cannot run)."""
        self.proc = subprocess.Popen(  # noqa: S603 - an argv list from the user's config, never a shell
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # the player is the user's: it may outlive the reader
        )

    def watch(self, save: Callable[[Position], None]) -> Position:
        """Follow playback over mpv's IPC, calling `save` as the position moves and once at the end."""
        try:
            if self.ipc is not None and self.proc is not None:
                self._follow(save)
            if self.proc is not None:
                self.proc.wait()
        finally:
            save(self.position)
            self._cleanup()
        return self.position

    def _follow(self, save: Callable[[Position], None]) -> None:
        conn = self._connect()
        if conn is None:
            return
        with conn, conn.makefile("rb") as replies:
            for request_id, name in ((1, "time-pos"), (2, "duration")):
                command = {"command": ["observe_property", request_id, name]}
                conn.sendall(json.dumps(command).encode() + b"\n")
            saved_at = 0.0
            for line in replies:
                if not self._event(line):
                    continue
                now = time.monotonic()
                if self.position.finished or now - saved_at >= SAVE_EVERY_S:
                    save(self.position)
                    saved_at = now

    def _event(self, line: bytes) -> bool:
        """Take one IPC message; True when the position changed."""
        try:
            message = json.loads(line)
        except ValueError:
            return False
        event = message.get("event")
        if event == "property-change" and isinstance(message.get("data"), int | float):
            if message.get("name") == "time-pos":
                self.position.seconds = float(message["data"])
                return True
            if message.get("name") == "duration":
                self.position.duration = float(message["data"])
                return True
        if event == "end-file" and message.get("reason") == "eof":
            self.position.finished = True
            self.position.seconds = 0.0  # the next play starts from the top
            return True
        return False

    def _connect(self) -> socket.socket | None:
        deadline = time.monotonic() + CONNECT_WAIT_S
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                return None
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                conn.connect(self.ipc)
                return conn
            except OSError:
                conn.close()
                time.sleep(0.05)
        return None

    def _cleanup(self) -> None:
        if self._dir:
            with contextlib.suppress(OSError):
                if self.ipc:
                    os.unlink(self.ipc)
            with contextlib.suppress(OSError):
                os.rmdir(self._dir)
