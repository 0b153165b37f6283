"""The CLI package's shape (issue 22): each domain's commands beside their handlers, the
parsed arguments never used to carry values between functions, one key alias table (in the
keymap), and a parser that still loads no engine module."""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import reader.cli
from reader.cli import app, build_parser, entries, feeds, media, quotes, rules, sync

MODULES = (app, feeds, entries, rules, quotes, media, sync)
CLI_DIR = Path(reader.cli.__file__).parent


def test_each_command_is_registered_in_the_module_that_handles_it() -> None:
    for module in MODULES:
        for command in module.COMMANDS:
            assert command.func.__module__ == module.__name__, command.name
            if command.arguments is not None:
                assert command.arguments.__module__ == module.__name__, command.name


def test_help_lists_every_command_once_in_its_order() -> None:
    parser = build_parser()
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    listed = [choice.dest for choice in action._choices_actions]
    registered = [c.name for m in MODULES for c in m.COMMANDS]
    assert sorted(listed) == sorted(registered) and len(set(listed)) == len(listed)
    assert listed[:6] == ["demo", "refresh", "add", "remove", "feeds", "entries"]
    assert listed[-1] == "mark"


VIEWS = '[[views]]\nname = "Long"\nmatch = "title contains \\"a\\""\n'


@pytest.mark.parametrize(
    "argv, config_text",
    [
        (["entries", "--json"], None),  # first run: the starter config is written
        (["entries", "--json", "--view", "Long"], VIEWS),
        (["feeds", "--json"], ""),
        (["quotes", "--json"], ""),
    ],
)
def test_a_command_leaves_its_parsed_arguments_as_they_were(
    argv: list[str], config_text: str | None, isolated_env: Path
) -> None:
    # Values once rode on the Namespace (the first-run notice, the loaded config); now they
    # are passed as arguments, so what argparse parsed is all a handler sees.
    if config_text is not None:
        (isolated_env / "config.toml").write_text(config_text, encoding="utf-8")
    args = build_parser().parse_args(argv)
    before = dict(vars(args))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert args.func(args) == 0, err.getvalue()
    assert vars(args) == before
    assert out.getvalue().startswith("[")


def test_the_cli_keeps_no_key_names_of_its_own() -> None:
    # Key names and their aliases live in reader/tui/keymap.py alone (one alias table).
    for path in CLI_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in ("question_mark", "left_square_bracket", "backslash"):
            assert name not in text, f"{path.name} spells key names: use reader.tui.keymap"


def test_parsing_a_command_loads_no_engine_module() -> None:
    script = textwrap.dedent(
        """
        import sys
        from reader.cli import build_parser
        for argv in ([], ["sync"], ["rules", "apply"], ["refresh"], ["people"]):
            build_parser().parse_args(argv)
        heavy = ("reader.core.store", "reader.core.sync", "reader.core.feeds",
                 "reader.core.quotes", "reader.core.rules.engine", "reader.core.rules.expr",
                 "reader.tui.app", "textual", "sqlite_utils", "httpx", "tomlkit")
        print(sorted(n for n in sys.modules if n.startswith(heavy)))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout
