"""The house style is checked with the tests: `ruff check` and `ruff format` stay clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, in_ci


def ruff(*args: str) -> subprocess.CompletedProcess:
    # The ruff of this interpreter's venv first (it need not be activated), then PATH's.
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        message = "ruff is not installed (pip install -e '.[test]')"
        pytest.fail(message) if in_ci() else pytest.skip(message)
    return subprocess.run([exe, *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def test_ruff_check_is_clean() -> None:
    result = ruff("check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_imports_without_the_ui() -> None:
    """The CLI's engine commands never load Textual (fast start, and the layering rule)."""
    code = "import reader.cli, reader.core.feeds.refresh, sys; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.stdout.strip() == "False", out.stderr
