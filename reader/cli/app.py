"""The app from the command line: the bare `byline` opens it; `byline demo` opens it on a
bundled sample. The app itself is imported only here, when it is opened."""

from __future__ import annotations

import argparse
import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path

from reader.cli.common import Command, data_dir, load_config_noting
from reader.core import config as cfg


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No garbage collection from here to the app's first screen (the app resumes it then,
    `BylineApp._first_screen_drawn`; this resumes it if the app ends before).

    Start-up allocates ~55,000 objects that live as long as the app and frees almost none,
    yet the collector kept scanning them: 39 ms of the first screen, one full collection
    18 ms of it (a bare Textual app: 13 ms). Issue 16."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def cmd_app(args: argparse.Namespace) -> int:
    with gc_paused():
        config, notice = load_config_noting(args)
        from reader.tui.app import run_app

        run_app(config, data_dir(args), notice=notice)
    return 0


def _demo_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-app", action="store_true", help="only build the sample cache and print its folder"
    )


def cmd_demo(args: argparse.Namespace) -> int:
    """The app on the bundled sample, in a throwaway cache: no network, nothing of the user's."""
    import shutil  # these three only here: an engine command starts without them (~13 ms)
    import tempfile
    from importlib import resources

    from reader.core.feeds.refresh import refresh

    workdir = Path(tempfile.mkdtemp(prefix="byline-demo-"))
    try:
        sample = resources.files("reader") / "data" / "demo.xml"
        feed_file = workdir / "demo.xml"
        feed_file.write_bytes(sample.read_bytes())
        config_file = workdir / "config.toml"
        config_file.write_text(
            "[settings]\nrefresh_on_start = false\nrefresh_minutes = 0\n\n"
            f'[[feeds]]\nurl = "{feed_file.as_uri()}"\ntags = ["demo"]\n',
            encoding="utf-8",
        )
        config = cfg.load(config_file)
        refresh(config, workdir)
        if args.no_app:
            print(workdir)
            return 0
        with gc_paused():
            from reader.tui.app import run_app

            run_app(config, workdir, demo=True)
    finally:
        if not args.no_app:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


COMMANDS = (
    Command("demo", cmd_demo, "open the app on a bundled sample, offline", _demo_arguments),
)
