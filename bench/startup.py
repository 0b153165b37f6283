"""Start-up against its yardstick: Byline's first screen beside a bare Textual app's.

    python bench/startup.py --cache NAME=DATA_DIR:CONFIG [--cache ...] [--runs 5]

Each run starts the program in a private tmux at 120x40 and polls the screen until the first
screen is there (for Byline: the newest entry's title in the list; for the bare app: its one
Static), then reads the process's CPU time (user+sys) and resident memory. Byline and the bare
app alternate run by run, so the machine's load falls on both alike; the ratio of medians is
the figure issue 16 sets a goal for (<= 1.5x). CPU seconds are printed beside wall seconds
because they move far less with the load of a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bare_app import READY  # noqa: E402
from common import Tmux  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def first_screen(tmux: Tmux, name: str, cmd: str, needle: str, env: dict, timeout: float):
    """(wall s, CPU s, RSS MiB) at the moment `needle` shows; None when it never does."""
    t0 = time.perf_counter()
    pid = tmux.start(name, cmd, env)
    try:
        while time.perf_counter() - t0 < timeout:
            if needle in tmux.capture(name):
                wall = time.perf_counter() - t0
                return wall, cpu_seconds(pid), rss_mib(pid)
            if tmux.dead(name):
                return None
            time.sleep(0.005)
        return None
    finally:
        tmux.kill(name)


def newest_title(python: str, env: dict) -> str:
    """The title the list shows first: what the first screen must have drawn."""
    out = subprocess.run(
        [python, "-m", "reader.cli", "entries", "--limit", "1", "--json"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)[0]["title"][:20]


def summary(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def measure(name: str, data_dir: str, config: str, runs: int, python: str) -> dict:
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "BYLINE_DATA_DIR": data_dir,
        "BYLINE_CONFIG": config,
        "TERM": "xterm-256color",
    }
    needle = newest_title(python, env)
    programs = {
        "bare": (f"exec {shlex.quote(python)} {shlex.quote(str(HERE / 'bare_app.py'))}", READY),
        "byline": (f"exec {shlex.quote(python)} -m reader.cli", needle),
    }
    tmux = Tmux("bylinestartup")
    tmux.start("keep", "sleep 3600")  # one server for the whole run
    got: dict[str, list[tuple[float, float, float]]] = {k: [] for k in programs}
    failures: dict[str, int] = {k: 0 for k in programs}
    for i in range(runs):
        order = list(programs) if i % 2 == 0 else list(reversed(programs))
        for who in order:
            cmd, nd = programs[who]
            result = first_screen(tmux, f"{who}{i}", cmd, nd, env, timeout=30)
            if result is None:
                failures[who] += 1
                print(f"  {name}: {who} run {i + 1} showed no first screen", file=sys.stderr)
            else:
                got[who].append(result)
    tmux.kill("keep")
    out: dict = {"cache": name, "load": os.getloadavg(), "failures": failures}
    for who, rows in got.items():
        if rows:
            out[who] = {
                "wall_s": summary([r[0] for r in rows]),
                "cpu_s": summary([r[1] for r in rows]),
                "rss_mib": summary([r[2] for r in rows]),
            }
    if got["bare"] and got["byline"]:
        out["ratio_wall"] = out["byline"]["wall_s"]["median"] / out["bare"]["wall_s"]["median"]
        out["ratio_cpu"] = out["byline"]["cpu_s"]["median"] / out["bare"]["cpu_s"]["median"]
    return out


def show(result: dict) -> str:
    def cell(stats: dict, unit: str, scale: float = 1.0, fmt: str = ".0f") -> str:
        return (
            f"{stats['median'] * scale:{fmt}} {unit} "
            f"({stats['min'] * scale:{fmt}}–{stats['max'] * scale:{fmt}}, n={stats['n']})"
        )

    lines = [f"{result['cache']} (load {', '.join(f'{x:.1f}' for x in result['load'])})"]
    for who in ("bare", "byline"):
        if who in result:
            r = result[who]
            lines.append(
                f"  {who:7} wall {cell(r['wall_s'], 'ms', 1000)} · CPU "
                f"{cell(r['cpu_s'], 'ms', 1000)} · RSS {cell(r['rss_mib'], 'MiB')}"
            )
    if "ratio_wall" in result:
        verdict = "met" if result["ratio_wall"] <= 1.5 else "NOT met"
        lines.append(
            f"  Byline/bare: wall {result['ratio_wall']:.2f}x, CPU {result['ratio_cpu']:.2f}x"
            f" (goal <= 1.5x wall: {verdict})"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", action="append", required=True, help="NAME=DATA_DIR:CONFIG")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results = []
    for spec in args.cache:
        name, _, paths = spec.partition("=")
        data_dir, _, config = paths.partition(":")
        results.append(measure(name, data_dir, config, args.runs, args.python))
        print(show(results[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
