"""The benchmark runs end to end on tiny sizes (no newsboat needed) and reports every row.

It checks the bench's machinery, not Byline's speed: no figure is compared with a goal here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import corpus_required

REPO = Path(__file__).resolve().parent.parent


def test_bench_quick_runs_every_row(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    rows = "1,2,3,4,5,6,7,8" if shutil.which("tmux") else "1,2,3,6,7"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--quick",
            "--no-newsboat",
            f"--rows={rows}",
            f"--out={out}",
            f"--workdir={tmp_path / 'work'}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(out.read_text())
    assert data["errors"] == []
    lines = data["lines"]
    seen_rows = {ln["row"] for ln in lines}
    expected = set(rows.split(","))
    if data["skipped"]:  # no corpus beside the repo: rows 3 and 7 say so instead
        assert not corpus_required(), f"the corpus is required here: {data['skipped']}"
        expected -= {"3", "7"}
    assert expected <= seen_rows
    # Every Byline figure was measured (the peer is absent: --no-newsboat).
    missing = [ln["measure"] for ln in lines if ln["byline"]["median"] is None]
    assert missing == []
    # The feed server counted the warm refresh: one request per feed (8 in --quick).
    made = next(ln for ln in lines if ln["measure"] == "warm refresh: requests made")
    assert made["byline"]["median"] == 8
    # The table is printed with a header and one line per figure.
    assert "peer/Byline" in proc.stdout
    assert proc.stdout.count("\n") >= len(lines) + 2
