"""The one table of a bench run, printed from the run's JSON (so a saved run prints the same).

`markdown(data)` is what docs/benchmarks.md shows, verbatim: the header (when,
where, how Byline was installed, the load), the table (each cell: median, min–max, n), the
goals and verdicts computed by run.py, then each row's notes. Nothing in that section is
written by hand; tests/test_bench_smoke.py checks that block against the committed JSON.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from bench.common import fmt

HEAD = [
    "#",
    "measure",
    "Byline",
    "peer",
    "peer run as",
    "peer/Byline",
    "goal",
    "verdict",
]


def cell(s: dict | None) -> str:
    """`median (min–max) n=N`, `n=N of M` when some attempts gave no figure."""
    if not s:
        return "—"
    vals, unit = s["values"], s["unit"]
    attempts = s.get("attempts", len(vals))
    n = f"n={len(vals)}" + (f" of {attempts}" if attempts != len(vals) else "")
    if not vals:
        return f"— ({n})" if attempts else "—"
    m = fmt(s["median"], unit)
    lo, hi = fmt(min(vals), unit), fmt(max(vals), unit)
    if lo != hi:
        return f"{m} ({lo}–{hi}) {n}"
    return f"{m} {n}"


def ratio_cell(r: float | None) -> str:
    if r is None:
        return "—"
    return f"{r:.2f}x" if r < 1 else f"{r:.1f}x"


def verdict_cell(met: str, markdown: bool) -> str:
    if met == "no":
        return "**not met**" if markdown else "NOT MET"
    return {"yes": "met", "?": "no figure"}.get(met, met)


def rows(lines: list[dict], markdown: bool) -> list[list[str]]:
    return [
        [
            ln["row"],
            ln["measure"],
            cell(ln["byline"]),
            cell(ln["peer"]) if ln["peer"] else "—",
            ln["peer_name"] if ln["peer"] else "—",
            ratio_cell(ln["ratio"]),
            ln["goal"] or "—",
            verdict_cell(ln["met"], markdown) if ln["goal"] else "—",
        ]
        for ln in lines
    ]


def table(lines: list[dict], markdown: bool) -> str:
    body = rows(lines, markdown)
    if markdown:
        out = ["| " + " | ".join(HEAD) + " |", "|" + "|".join("---" for _ in HEAD) + "|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in body]
        return "\n".join(out)
    widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(HEAD)]
    fmt_row = "  ".join(f"{{:{w}}}" for w in widths)
    out = [fmt_row.format(*HEAD), fmt_row.format(*("-" * w for w in widths))]
    out += [fmt_row.format(*row) for row in body]
    return "\n".join(out)


def measured_date(data: dict) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(data["started"]))


def header(data: dict) -> str:
    env = data.get("environment", {})
    inst = data.get("byline_install", {})
    loads = data.get("raw", {}).get("loadavg_1min", {})
    la = env.get("loadavg") or [None]
    worst = max((max(v) for v in loads.values()), default=None)
    mem = env.get("mem_gib")
    machine = f"{env.get('cpus', data.get('cpus'))} cores ({env.get('cpu', '?')})"
    if mem:
        machine += f", {mem:.0f} GiB"
    if inst.get("mode") == "wheel":
        how = (
            f"Byline {inst.get('versions', {}).get('byline', '?')} at {env.get('git_commit', '?')}"
            f" from a wheel in a fresh venv (Python {inst.get('python')}, bytecode compiled"
            f" for {inst.get('modules_compiled')} of {inst.get('modules')} modules)"
        )
    else:
        how = f"Byline at {env.get('git_commit', '?')} run from the checkout (not installed)"
    load = "load average (1 min) " + (f"{la[0]:.2f} at start" if la[0] is not None else "?")
    if worst is not None:
        load += f", up to {worst:.2f} during the rows"
    pdwb = env.get("PYTHONDONTWRITEBYTECODE") or "unset"
    return (
        f"Measured {measured_date(data)} on {machine}, shared; {load}. {how};"
        f" PYTHONDONTWRITEBYTECODE={pdwb}; {data.get('newsboat') or 'newsboat not run'}."
        f" `{data['command']}`, {data['seconds'] / 60:.0f} min."
    )


def footer(data: dict) -> list[str]:
    notes: dict[str, list[str]] = {}  # note -> rows, in order of first appearance
    for ln in data["lines"]:
        if ln["note"] and ln["row"] not in notes.setdefault(ln["note"], []):
            notes[ln["note"]].append(ln["row"])
    out = [
        f"- Row{'s' if len(rs) > 1 else ''} {', '.join(rs)}: {note}" for note, rs in notes.items()
    ]
    for ln in data["lines"]:
        for side in ("byline", "peer"):
            s = ln.get(side)
            if s and s.get("failures"):
                who = "Byline" if side == "byline" else ln["peer_name"]
                reasons = "; ".join(sorted(set(s["failures"])))[:300]
                out.append(
                    f"- Row {ln['row']}, {ln['measure']}, {who}: {len(s['failures'])} attempt(s)"
                    f" gave no figure: {reasons}"
                )
    loads = data.get("raw", {}).get("loadavg_1min", {})
    if loads:
        around = ", ".join(
            f"{k.removeprefix('row')}: {a:.1f}→{b:.1f}" for k, (a, b) in loads.items()
        )
        out.append(f"- Load average (1 min) at the start → end of each row: {around}.")
    out += [f"- Skipped: {e}" for e in data.get("skipped", [])]
    out += [f"- ERROR: {e}" for e in data.get("errors", [])]
    return out


def markdown(data: dict) -> str:
    """The README block: header, table, notes (exactly what `run.py --markdown` prints)."""
    return "\n".join([header(data), "", table(data["lines"], True), "", *footer(data)]) + "\n"


def text(data: dict) -> str:
    return "\n".join([header(data), "", table(data["lines"], False), "", *footer(data)]) + "\n"


def render(data: dict, as_markdown: bool, source: str | None = None) -> str:
    """The printed report; a re-print from a saved file says so first."""
    first = ""
    if source:
        first = f"re-printed from {source}, measured {measured_date(data)} (not a new run)\n\n"
    return first + (markdown(data) if as_markdown else text(data))


BLOCK = re.compile(r"<!-- bench-table: (\S+) -->\n(.*?)<!-- /bench-table -->", re.S)


def write_readme(readme: Path, json_rel: str, data: dict) -> None:
    """Replace the README's bench-table block by this run's Markdown, naming its JSON file.

    Only the block changes; the prose around it (what limits the rows) is for a person to
    re-read against the new figures.
    """
    text = readme.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        raise SystemExit(f"{readme}: no <!-- bench-table: ... --> block to replace")
    new = f"<!-- bench-table: {json_rel} -->\n{markdown(data)}<!-- /bench-table -->"
    readme.write_text(BLOCK.sub(lambda _: new, text, count=1), encoding="utf-8")
