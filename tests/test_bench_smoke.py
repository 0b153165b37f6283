"""The benchmark's machinery: it runs end to end on tiny sizes and is fair and exact about itself.

These check the bench, not Byline's speed: no figure is compared with a goal here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import corpus_path, corpus_required

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import byline_side as bl  # noqa: E402
from bench import common, report  # noqa: E402
from bench import newsboat as nbm  # noqa: E402
from bench.feedserver import FeedServer  # noqa: E402

HAVE_NEWSBOAT = nbm.available()
HAVE_TMUX = shutil.which("tmux") is not None
ROWS = "1,2,3,4,5,6,7,8,9" if HAVE_TMUX else "1,2,3,7,9"


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, Path]:
    """One `run.py --quick` of every row: Byline from a wheel in a fresh venv, newsboat too
    when installed. ~1 min; shared by the tests below."""
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "results.json"
    rows = ROWS
    argv = [sys.executable, str(REPO / "bench" / "run.py"), "--quick", f"--rows={rows}"]
    argv += [f"--out={out}", f"--workdir={tmp / 'work'}"]
    if not HAVE_NEWSBOAT:
        argv.append("--no-newsboat")
    proc = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=400)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(out.read_text()), proc.stdout, out


def lines_of(data: dict, row: str) -> list[dict]:
    return [ln for ln in data["lines"] if ln["row"] == row]


def test_quick_run_reports_every_row_with_n(quick_run: tuple[dict, str, Path]) -> None:
    data, stdout, _ = quick_run
    assert data["errors"] == []
    expected = set(ROWS.split(","))
    if data["skipped"]:  # no corpus beside the repo: rows 3 and 7 say so instead
        assert not corpus_required(), f"the corpus is required here: {data['skipped']}"
        expected -= {"3", "7"}
    assert expected <= {ln["row"] for ln in data["lines"]}
    # Every Byline figure was measured, every attempt counted.
    for ln in data["lines"]:
        assert ln["byline"]["median"] is not None, ln["measure"]
        assert ln["byline"]["n"] == len(ln["byline"]["values"]) >= 1
    # The feed server counted the warm refresh: one request per feed (8 in --quick).
    made = next(ln for ln in data["lines"] if ln["measure"] == "warm refresh: requests made")
    assert made["byline"]["median"] == 8
    # The printed table has the goals, verdicts and n of each cell.
    assert "peer/Byline" in stdout and "verdict" in stdout
    assert re.search(r"\bn=1\b", stdout)
    assert "< 2 s, ≥ 2x" in stdout and "p95 < 50 ms" in stdout


def test_byline_installed_from_a_wheel_and_environment_recorded(
    quick_run: tuple[dict, str, Path],
) -> None:
    data, stdout, _ = quick_run
    inst = data["byline_install"]
    assert inst["mode"] == "wheel"
    package = Path(inst["package"])
    assert REPO not in package.parents  # the venv's copy, not the checkout
    assert inst["modules"] > 10 and inst["modules_compiled"] == inst["modules"]
    env = data["environment"]
    for key in ("runner_python", "PYTHONDONTWRITEBYTECODE", "loadavg", "cpu", "cpus", "git_commit"):
        assert key in env
    assert inst["versions"]["textual"] and inst["python"]
    assert data["raw"]["loadavg_1min"]
    assert "from a wheel in a fresh venv" in stdout and "load average" in stdout


def test_row_6_newsboat_searches_itself_and_the_proxy_says_so(
    quick_run: tuple[dict, str, Path],
) -> None:
    data, _, _ = quick_run
    app, *others = lines_of(data, "6")
    if HAVE_TMUX:
        assert app["measure"].startswith("search in the app")
        assert app["byline"]["n"] == 1
        if HAVE_NEWSBOAT:
            assert app["peer"]["n"] == 1 and "proxy" not in app["peer_name"]
    else:
        others = [app, *others]
    for ln in others:
        assert "proxy" in ln["peer_name"] and "not newsboat" in ln["peer_name"]


@pytest.mark.skipif(not HAVE_NEWSBOAT, reason="newsboat is not installed")
def test_newsboat_warm_refresh_sends_conditional_get(quick_run: tuple[dict, str, Path]) -> None:
    """Warm is timed after an untimed second reload: newsboat 2.21 then sends If-None-Match
    at every thread count of the sweep, and every feed is answered 304."""
    data, _, _ = quick_run
    sweep = data["raw"]["row1"]["newsboat"]
    assert set(sweep) == {"1", "8", "32"}  # --quick sweeps 8/32, and 1 thread cold
    for threads in ("8", "32"):
        assert sweep[threads]["answered_304"]["values"] == [8], threads
        assert sweep[threads]["bytes"]["values"] == [0], threads
    for server in data["raw"]["server_warm"].values():
        assert server[0]["conditional"] == server[0]["requests"] == 8
    peers = [ln["peer_name"] for ln in lines_of(data, "1")]
    assert peers[0] == "reload-threads 1 (its default)"
    assert any("best of 8/32" in p for p in peers)
    best = next(ln for ln in lines_of(data, "1") if ln["goal"])
    assert "best of" in best["peer_name"]  # the goal is checked against newsboat at its best


@pytest.mark.skipif(not (HAVE_NEWSBOAT and HAVE_TMUX), reason="needs newsboat and tmux")
def test_row_8_same_cache_and_feeds_counted_inside_the_window(
    quick_run: tuple[dict, str, Path],
) -> None:
    data, _, _ = quick_run
    runs = data["raw"]["row8"]
    for who in ("byline", "newsboat"):
        (r,) = runs[who]
        assert "failed" not in r, r
        assert r["sent"] > 0 and r["latencies"]
        # Keys start at the refresh's first answer; only answers in the window count.
        assert r["feed_answers_before_window"] >= 1
        assert 0 <= r["feed_answers_in_window"] <= 8
    note = lines_of(data, "8")[0]["note"]
    assert "copy of the same 300-entry cache" in note


def test_markdown_and_report_reprint(quick_run: tuple[dict, str, Path]) -> None:
    data, _, out = quick_run
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--report", str(out), "--markdown"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    first, _, rest = proc.stdout.partition("\n\n")
    assert first.startswith(f"re-printed from {out}, measured 20")
    assert rest == report.markdown(data)
    table = [x for x in rest.splitlines() if x.startswith("|")]
    assert table[0] == "| " + " | ".join(report.HEAD) + " |"
    assert len(table) == len(data["lines"]) + 2
    assert all(x.count("|") >= len(report.HEAD) + 1 for x in table)


def test_failed_refresh_is_not_a_timing(tmp_path: Path) -> None:
    """Every feed refused: `byline refresh` exits 1, which is a failure with its reason,
    counted in n, never a figure."""
    urls = [f"{nbm.DEAD_BASE}/feed/{i}.xml" for i in range(3)]
    byl = bl.Byline(bl.write_config(tmp_path / "c.toml", urls), tmp_path / "data")
    byl.clear()
    s = common.Sample()
    assert common.measure(s, "dead feeds", lambda: byl.refresh(expected=30)) is None
    assert s.values == [] and len(s.failures) == 1 and s.attempts == 1
    assert "exit 1" in s.failures[0] or "stored 0" in s.failures[0]
    assert report.cell(s.to_json()) == "— (n=0 of 1)"
    s.add(1.5)
    assert report.cell(s.to_json()) == "1.50 s n=1 of 2"


@pytest.mark.skipif(not HAVE_NEWSBOAT, reason="newsboat is not installed")
def test_failed_newsboat_reload_is_not_a_timing(tmp_path: Path) -> None:
    nb = nbm.Newsboat(tmp_path / "nb", [f"{nbm.DEAD_BASE}/feed/0.xml"], reload_threads=8)
    with pytest.raises(common.BenchFailure, match="stored 0 items"):
        nb.reload(expected=10, timeout=60)


def delays(port: int, n: int) -> list[str]:
    out = []
    for _ in range(n):
        with urllib.request.urlopen(f"http://127.0.0.2:{port}/feed/0.xml", timeout=10) as r:
            out.append(r.headers["X-Bench-Delay"])
    return out


def test_feed_server_latency_draws_restart_per_program() -> None:
    with FeedServer(hosts=1, feeds=1, items=2, latency=(0.001, 0.02)) as srv:
        first = delays(srv.port, 3)
        assert len(set(first)) == 3
        srv.reset()  # counters only: the sequence goes on
        assert delays(srv.port, 1) != first[:1]
        srv.reset(draws=True)  # the next program gets the same draws as the first
        assert delays(srv.port, 3) == first
        assert srv.stats()["requests"] == 3


def test_programs_alternate_and_percentiles_interpolate() -> None:
    from bench import run

    assert [run.order(i)[0] for i in range(4)] == ["byline", "newsboat"] * 2
    values = [float(v) for v in range(1, 21)]
    assert common.percentile(values, 0.95) == pytest.approx(19.05)  # not the lower rank, 19
    assert common.percentile(values, 0.5) == pytest.approx(10.5)
    assert common.spread([0.2, 0.1, 0.3]) == "200 ms (100 ms–300 ms, n=3)"


def test_extraction_held_out_pages_and_timing_spread() -> None:
    pytest.importorskip("readability")
    from bench import eval_extract as ee

    folder = ee.corpus_dir()
    if not folder.is_dir():
        corpus_path("articles")  # skips, or fails where the corpus is required
    names = [c.name for c in ee.load_cases(folder)]
    held = [n for n in names if ee.held_out(n)]
    assert 0 < len(held) < len(names) / 2
    assert held == [n for n in names if ee.held_out(n)]  # fixed by name, not by score
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "eval_extract.py"), "--quiet", "--repeat=2",
         "--limit=8", "--sweep"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    tuning, _, rest = out.partition("== quality, held-out set")
    assert "sweep: favor_recall" in tuning  # the sweep scores the tuning pages
    assert "sweep:" not in rest  # and never the held-out ones
    assert "trafilatura (tuned, production)" in rest
    assert re.search(r"\d+\.\d \(\d+\.\d–\d+\.\d\)", out)  # median (min–max) over passes
    assert "load average" in out


def test_readme_table_is_the_committed_runs_markdown() -> None:
    """docs/benchmarks.md's block is `run.py --markdown` of the committed JSON, verbatim:
    no figure, goal or verdict in it is written by hand."""
    text = (REPO / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- bench-table: (\S+) -->\n(.*?)<!-- /bench-table -->", text, re.S)
    assert m, "docs/benchmarks.md has no bench-table block"
    data = json.loads((REPO / m.group(1)).read_text(encoding="utf-8"))
    assert m.group(2).strip() == report.markdown(data).strip()
    assert not data["args"]["quick"]


@pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed")
def test_first_screen_of_a_program_that_exits_fails_at_once_with_its_status() -> None:
    tmux = common.Tmux("bylinebench-test")
    try:
        tmux.start("keepalive", "sleep 60")
        took, _, screen = common.first_screen(tmux, "x", "sh -c 'exit 3'", "NEVER", 30)
    finally:
        tmux.shutdown()
    assert took is None
    assert screen.startswith("[exited after ")  # at once, not after the 30 s timeout
    exited_after = float(screen.removeprefix("[exited after ").split()[0])
    assert exited_after < 20
    # tmux writes "Pane is dead (status 3, ...)" a moment after it marks the pane dead.
    assert "Pane is dead" not in screen or "status 3" in screen


@pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed")
def test_tmux_kill_returns_once_the_program_is_gone() -> None:
    """newsboat still closing keeps its cache lock: the next start must not race it."""
    tmux = common.Tmux("bylinebench-kill")
    slow_exit = "exec sh -c 'trap \"sleep 0.5; exit 0\" HUP TERM; while :; do sleep 0.05; done'"
    try:
        tmux.start("keepalive", "sleep 60")
        pid = tmux.start("x", slow_exit)
        time.sleep(0.2)
        tmux.kill("x")
        assert not Path(f"/proc/{pid}").exists()
    finally:
        tmux.shutdown()


def test_write_readme_replaces_only_the_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "intro\n<!-- bench-table: old.json -->\nold table\n<!-- /bench-table -->\nafter\n"
    )
    data = json.loads(next((REPO / "bench" / "results").glob("run-*.json")).read_text())
    report.write_readme(readme, "bench/results/new.json", data)
    text = readme.read_text()
    assert text.startswith("intro\n<!-- bench-table: bench/results/new.json -->\nMeasured ")
    assert text.endswith("<!-- /bench-table -->\nafter\n") and "old table" not in text
    assert report.markdown(data) in text


@pytest.mark.skipif(not HAVE_TMUX, reason="row 4 runs the apps in tmux")
def test_row_4_sets_byline_beside_a_bare_textual_app(quick_run: tuple[dict, str, Path]) -> None:
    """Issue 16's yardstick is measured in the same runs as Byline, with its ratio and goal."""
    data, stdout, _ = quick_run
    bare = [ln for ln in lines_of(data, "4") if "bare Textual app" in ln["measure"]]
    assert bare, [ln["measure"] for ln in lines_of(data, "4")]
    for ln in bare:
        assert ln["peer"]["n"] >= 1 and ln["ratio"] and ln["met"] in ("yes", "no")
        assert "bare_app.py" in ln["peer_name"]
    assert "first screen against a bare Textual app" in stdout
