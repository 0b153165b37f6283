"""Feeds made by a program and feeds passed through a filter (issue 23, part 3): the real CLI, real programs."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from samples import items, rss20

# A feed-writing program: its arguments become the feed's title, so the test sees them exactly as received.
_WRITER = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from samples import items, rss20
print(rss20(items(3, "Made"), title=" | ".join(sys.argv[1:])))
"""


def _toml_list(argv: list[str]) -> str:
    return json.dumps(argv)


def _config(path: Path, body: str, **settings: object) -> Path:
    lines = ["[settings]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    path.write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")
    return path


def _feeds(run_cli) -> list[dict]:
    out = run_cli("feeds", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_a_command_feed_is_its_programs_output_and_never_goes_through_a_shell(
    tmp_path: Path, run_cli
) -> None:
    script = tmp_path / "writer.py"
    script.write_text(_WRITER.format(tests=str(Path(__file__).parent)))
    mark = tmp_path / "MARK"
    hostile = f"; touch {mark}"
    argv = [sys.executable, str(script), "plain", hostile, f"$(touch {mark})", "`id`"]
    _config(tmp_path / "config.toml", f"[[feeds]]\ncommand = {_toml_list(argv)}\n")

    out = run_cli("refresh", "--json")
    assert out.returncode == 0, out.stderr
    entries = json.loads(run_cli("entries", "--json").stdout)
    assert sorted(e["title"] for e in entries) == ["Made 0", "Made 1", "Made 2"]
    (feed,) = _feeds(run_cli)
    assert feed["url"].startswith("exec:") and str(script) in feed["url"]
    assert not mark.exists()  # the ; $( ) and backquotes were text, not a shell's
    # The program got every argument as one argv item, untouched: they are the feed's title.
    assert feed["title"] == " | ".join(argv[2:])


def test_a_filter_rewrites_the_fetched_bytes_before_parsing(
    tmp_path: Path, run_cli, http_server
) -> None:
    url = http_server.route("/feed.xml", body=rss20(items(2, "Old")))
    rewrite = [
        sys.executable,
        "-c",
        "import sys; sys.stdout.write(sys.stdin.read().replace('Old', 'New'))",
    ]
    _config(tmp_path / "config.toml", f'[[feeds]]\nurl = "{url}"\nfilter = {_toml_list(rewrite)}\n')

    out = run_cli("refresh", "--json")
    assert out.returncode == 0, out.stderr
    entries = json.loads(run_cli("entries", "--json").stdout)
    assert sorted(e["title"] for e in entries) == ["New 0", "New 1"]


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        (
            "import sys; sys.stderr.write('warming up\\nboom: no network\\n'); sys.exit(3)",
            "exited with status 3: boom: no network",
        ),
        ("import os, signal; os.kill(os.getpid(), signal.SIGTERM)", "was killed by signal 15"),
    ],
    ids=["non-zero exit", "killed"],
)
def test_a_failing_command_is_the_feeds_error_in_plain_words(
    tmp_path: Path, run_cli, program: str, expected: str
) -> None:
    _config(
        tmp_path / "config.toml",
        f"[[feeds]]\ncommand = {_toml_list([sys.executable, '-c', program])}\n",
    )
    out = run_cli("refresh", "--json")
    report = json.loads(out.stdout)
    (feed,) = report["outcomes"]
    assert feed["status"] == "error"
    assert feed["error"].endswith(expected), feed["error"]
    assert Path(sys.executable).name in feed["error"]
    assert "Traceback" not in out.stderr


def test_a_command_past_its_timeout_is_stopped_with_what_it_started(
    tmp_path: Path, run_cli
) -> None:
    marker = f"byline-test-sleeper-{os.getpid()}-{time.monotonic_ns()}"
    # The program starts a grandchild: a timeout must end both (they share a process group).
    program = (
        "import subprocess, sys, time; "
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', '{marker}']); time.sleep(60)"
    )
    _config(
        tmp_path / "config.toml",
        f"[[feeds]]\ncommand = {_toml_list([sys.executable, '-c', program, marker])}\n",
        timeout_s=1.5,
    )
    started = time.monotonic()
    out = run_cli("refresh", "--json")
    assert time.monotonic() - started < 20
    (feed,) = json.loads(out.stdout)["outcomes"]
    assert feed["error"].endswith("timed out after 1.5 s"), feed["error"]
    assert not _running(marker)


def test_a_missing_program_is_named(tmp_path: Path, run_cli) -> None:
    _config(tmp_path / "config.toml", '[[feeds]]\ncommand = ["/nonexistent/feed-maker", "x"]\n')
    (feed,) = json.loads(run_cli("refresh", "--json").stdout)["outcomes"]
    assert feed["error"] == "/nonexistent/feed-maker not found"


def test_a_command_over_the_size_cap_is_refused(tmp_path: Path, run_cli) -> None:
    program = "import sys; sys.stdout.write('x' * 200_000)"
    _config(
        tmp_path / "config.toml",
        f"[[feeds]]\ncommand = {_toml_list([sys.executable, '-c', program])}\nmax_bytes = 50000\n",
    )
    (feed,) = json.loads(run_cli("refresh", "--json").stdout)["outcomes"]
    assert "over the 50,000-byte cap" in feed["error"]


@pytest.mark.parametrize(
    ("feed", "message"),
    [
        (
            'command = "curl https://example.org | sed s/a/b/"',
            'must be a list such as ["program", "arg"] (run without a shell)',
        ),
        ("command = []", 'must be a list such as ["program", "arg"]'),
        (
            'url = "https://example.org/feed"\ncommand = ["prog"]',
            "has both url and command: keep one",
        ),
        ('url = "exec:~/bin/feed.sh"', 'written command = ["program", "arg"]'),
        (
            'url = "https://example.org/feed"\nfilter = "sed s/a/b/"',
            "filter in [[feeds]] #1 must be a list",
        ),
    ],
    ids=["a string", "empty", "both", "newsboat exec:", "filter string"],
)
def test_programs_are_argv_lists_or_the_config_is_refused(
    tmp_path: Path, run_cli, feed: str, message: str
) -> None:
    _config(tmp_path / "config.toml", f"[[feeds]]\n{feed}\n")
    out = run_cli("feeds")
    assert out.returncode == 2
    assert message in out.stderr, out.stderr
    assert "config.toml:" in out.stderr and "Traceback" not in out.stderr


def _running(marker: str) -> bool:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if marker.encode() in (proc / "cmdline").read_bytes():
                    return True
            except OSError:
                continue
    return False


def test_a_killed_refresh_leaves_no_program_running(tmp_path: Path) -> None:
    import signal
    import subprocess

    from conftest import wait_until

    marker = f"byline-test-orphan-{os.getpid()}-{time.monotonic_ns()}"
    program = "import time; time.sleep(60)"
    _config(
        tmp_path / "config.toml",
        f"[[feeds]]\ncommand = {_toml_list([sys.executable, '-c', program, marker])}\n",
    )
    refresh = subprocess.Popen(
        [sys.executable, "-m", "reader.cli", "refresh"], stdout=subprocess.DEVNULL
    )
    try:
        assert wait_until(lambda: _running(marker), timeout=20)
    finally:
        refresh.send_signal(signal.SIGKILL)
        refresh.wait()
    assert wait_until(lambda: not _running(marker), timeout=10)


def test_opml_export_leaves_out_feeds_made_by_a_program(tmp_path: Path, run_cli) -> None:
    _config(
        tmp_path / "config.toml",
        '[[feeds]]\nurl = "https://example.org/feed.xml"\n\n[[feeds]]\ncommand = ["feed-maker", "--news"]\n',
    )
    out = run_cli("export")
    assert out.returncode == 0, out.stderr
    assert "https://example.org/feed.xml" in out.stdout
    assert "feed-maker" not in out.stdout
