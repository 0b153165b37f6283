"""The first article after start-up (issue 16): key to screen, by how soon the key comes.

    python bench/first_article.py --data DATA_DIR --config CONFIG [--after 0.05 0.15 0.3]

Starts `byline` in a private tmux at 120x40, waits for the newest entry's title (the first
screen), waits `--after` seconds more, presses enter and times until the article replaces the
empty pane. Once the first screen is up the app loads what an article needs in a worker; a key
that comes before that work is done waits for it, so the figure depends on the delay.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import Tmux  # noqa: E402

EMPTY = ("No article open", "Press enter to read")


def newest_title(python: str, env: dict[str, str]) -> str:
    out = subprocess.run(
        [python, "-m", "reader.cli", "entries", "--limit", "1", "--json"],
        capture_output=True, text=True, env={**os.environ, **env}, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)[0]["title"][:20]


def wait_for(tmux: Tmux, name: str, done, timeout: float = 30.0) -> str:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        screen = tmux.capture(name)
        if done(screen):
            return screen
        time.sleep(0.002)
    raise RuntimeError(f"{name}: nothing happened within {timeout:.0f} s")


def one_run(tmux: Tmux, name: str, cmd: str, env: dict, title: str, after: float) -> float:
    """Seconds from enter to the article on screen, `after` seconds past the first screen."""
    tmux.start(name, cmd, env)
    try:
        wait_for(tmux, name, lambda s: title in s)
        time.sleep(after)
        t0 = time.perf_counter()
        tmux.send(name, "Enter")
        wait_for(tmux, name, lambda s: not any(e in s for e in EMPTY))
        return time.perf_counter() - t0
    finally:
        tmux.kill(name)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="the cache's data dir")
    ap.add_argument("--config", required=True)
    ap.add_argument("--after", type=float, nargs="+", default=[0.05, 0.15, 0.3])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--python", default=sys.executable)
    a = ap.parse_args()
    env = {"BYLINE_DATA_DIR": a.data, "BYLINE_CONFIG": a.config, "TERM": "xterm-256color"}
    title = newest_title(a.python, env)
    tmux = Tmux("bylinefirstarticle")
    tmux.start("keep", "sleep 3600")  # one server for the whole run
    try:
        for after in a.after:
            got = [
                one_run(tmux, f"a{i}", f"exec {a.python} -m reader.cli", env, title, after)
                for i in range(a.runs)
            ]
            print(
                f"enter {after * 1000:.0f} ms after the first screen: article in "
                f"{statistics.median(got) * 1000:.0f} ms median "
                f"({min(got) * 1000:.0f}–{max(got) * 1000:.0f}, n={len(got)})",
                flush=True,
            )
    finally:
        tmux.shutdown()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
