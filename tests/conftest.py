"""Shared fixtures: every test runs with its own config and data dirs (never the user's)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("BYLINE_CORPUS", REPO.parent / "shared" / "corpus"))


def wait_until(condition: Callable[[], object], timeout: float = 10.0, every: float = 0.01) -> bool:
    """Poll `condition` until it is true or `timeout` seconds pass; True if it came true.

    For anything another process or thread does (a marker file, a ready file, a row): poll
    with a generous deadline instead of sleeping a fixed time and hoping it was enough."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)


@pytest.fixture(autouse=True, scope="session")
def quote_finder_loaded() -> None:
    """The quote finder loaded once, as in an app whose warm-up has finished: an article a
    test opens has its quotes at once, whatever test runs first. Opening one while the finder
    still loads has its own test (tests/test_startup.py); subprocess tests start clean."""
    import reader.core.quotes  # noqa: F401


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point config, data and home at the test's own folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("BYLINE_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("BYLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


# ---------------------------------------------------------------- the shared corpus
# Every test that reads ../shared/corpus goes through `corpus_path()` (or the `corpus`
# fixture): outside CI a missing corpus skips the test; under CI, or with
# BYLINE_REQUIRE_CORPUS=1, it FAILS, so a CI run can never pass by skipping (issue 18).
# BYLINE_CORPUS points at a corpus elsewhere (e.g. for a clone outside /work).


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def in_ci() -> bool:
    """`CI` is set (CI services set it): what a test needs must be there, never skipped."""
    return _flag("CI")


def corpus_required() -> bool:
    """True under CI or with BYLINE_REQUIRE_CORPUS set."""
    return in_ci() or _flag("BYLINE_REQUIRE_CORPUS")


def corpus_path(*parts: str) -> Path:
    """`CORPUS / parts`, e.g. corpus_path("seed", "article.txt"); skips the calling test
    where it is absent, or fails it when the corpus is required (see `corpus_required`)."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        message = f"corpus not found: {path} (set BYLINE_CORPUS to its folder)"
        if corpus_required():
            pytest.fail(f"{message}; CI or BYLINE_REQUIRE_CORPUS is set, so this is a failure")
        pytest.skip(message)
    return path


@pytest.fixture
def corpus() -> Path:
    """The shared corpus of real feeds and articles (see `corpus_path`)."""
    return corpus_path()


# ============================================================================
# Foundation suite fixtures: loopback HTTP server, the real CLI, config files.
# (Used by test_refresh/test_cli/test_config/...; see tests/httpserver.py.)
# ============================================================================

import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from httpserver import FeedServer  # noqa: E402


@pytest.fixture(scope="module")
def _module_http_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
def http_server(_module_http_server: FeedServer) -> FeedServer:
    """One real HTTP server on 127.0.0.1 per test module, with no routes and no recorded
    requests at the start of each test."""
    _module_http_server.reset()
    return _module_http_server


@pytest.fixture
def run_cli(isolated_env: Path) -> Callable[..., subprocess.CompletedProcess]:
    """Run the real `byline` CLI in a subprocess (isolated config/data dirs from the env)."""

    def run(*args: str, timeout: float = 30, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "reader.cli", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO,
            **kwargs,
        )

    return run


@pytest.fixture
def write_config(isolated_env: Path) -> Callable[..., Path]:
    """Write the test's config file (the one $BYLINE_CONFIG points at) from feed URLs.

    write_config(["http://..."], timeout_s=1) -> path; settings keywords go to [settings].
    """

    def write(feeds: list[str] | None = None, text: str | None = None, **settings) -> Path:
        path = isolated_env / "config.toml"
        if text is None:
            lines = ["[settings]", "refresh_minutes = 30"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in settings.items()]
            for url in feeds or []:
                lines += ["", "[[feeds]]", f"url = {_toml_value(url)}"]
            text = "\n".join(lines) + "\n"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def _toml_value(value: object) -> str:
    import json as _json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return _json.dumps(value)


@pytest.fixture
def in_cli(isolated_env: Path) -> Callable[..., subprocess.CompletedProcess]:
    """The CLI's own `main()` run in this process, output captured: the same code as the
    `byline` script without an interpreter start per call. Tests use `run_cli` for the
    end-to-end proof and this for the many follow-up queries, to stay fast."""
    import contextlib
    import io

    from reader.cli import main

    def run(*args: str) -> subprocess.CompletedProcess:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as done:  # argparse errors and --help
                code = done.code if isinstance(done.code, int) else 2
        return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())

    return run


# ---------------------------------------------------------------- app (reader/tui) fixtures
# Owned by the app work: the fixed cache for tests/test_app*.py lives in conftest_app.py.
from conftest_app import app_env  # noqa: E402, F401
