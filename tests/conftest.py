"""Shared fixtures: every test runs with its own config and data dirs (never the user's)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("BYLINE_CORPUS", REPO.parent / "shared" / "corpus"))


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


@pytest.fixture
def corpus() -> Path:
    """The shared corpus of real feeds and articles; tests using it skip where it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS
