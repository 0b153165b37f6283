"""Opening a URL in the user's browser, safely.

Only http(s) URLs are opened (feed links are hostile, GUIDE §4). A configured `browser`
command is split with shlex and the URL appended as one argv item: no shell ever sees it.
"""

from __future__ import annotations

import shlex
import subprocess
import webbrowser
from collections.abc import Sequence

from reader.core.text.sanitize import is_openable


class BrowserError(Exception):
    """Why a URL was not opened; str() is shown to the user."""


def check(url: str) -> None:
    if not url:
        raise BrowserError("this entry has no link")
    if not is_openable(url):
        raise BrowserError(f"not opening {url[:80]!r}: only http and https links are opened")


def open_url(url: str, command: str | Sequence[str] = "") -> None:
    """Open `url` with `command` (e.g. "firefox --new-tab", or the argv list
    ["firefox", "--new-tab"]) or the system's browser."""
    check(url)
    if not isinstance(command, str):
        argv = [*command, url]
    elif command.strip():
        try:
            argv = [*shlex.split(command), url]
        except ValueError as err:
            raise BrowserError(f"the browser setting is not a valid command: {err}") from None
    else:
        argv = []
    if argv:
        try:
            subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as err:
            raise BrowserError(f"cannot run {argv[0]!r}: {err.strerror or err}") from None
        return
    if not webbrowser.open(url):
        raise BrowserError("no browser found; set `browser` in the config's [settings]")
