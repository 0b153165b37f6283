"""`[pipe_commands]` (issue 23): the open article sent to the user's program as Markdown or as its link."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reader.core.config import ConfigError, PipeCommand, parse
from reader.core.quotes.articles import as_markdown, run_pipe
from reader.core.store.rows import Entry
from reader.core.text.render import render_html

SAVE = "import sys, pathlib; p = pathlib.Path(sys.argv[1]); p.write_bytes(sys.stdin.buffer.read()); print('saved to', p)"


def _entry(**fields) -> Entry:
    values = dict(
        id=1, feed_id=1, uid="u", title="Council votes; $(rm -rf ~)", author="Ada Reyes",
        link="https://news.example/council", published=1796600000.0, updated=None, sort_ts=1.0,
        summary="", content="", enclosures=(), read=False, saved=False, feed_title="Local",
        feed_link="https://news.example/",
    )  # fmt: skip
    values.update(fields)
    return Entry(**{k: v for k, v in values.items() if k in Entry.__dataclass_fields__})


def test_pipe_commands_are_read_strictly(tmp_path: Path) -> None:
    config = parse(
        '[pipe_commands]\nsave = ["tee", "-a", "/tmp/a.md"]\nlater = {command = ["wallabag-add"], send = "link"}\n',
        tmp_path / "c.toml",
    )
    assert config.pipes == (
        PipeCommand("save", ("tee", "-a", "/tmp/a.md"), "markdown"),
        PipeCommand("later", ("wallabag-add",), "link"),
    )
    for bad, message in [
        ('[pipe_commands]\nsave = "tee -a x"', 'must be a list such as ["program", "arg"]'),
        (
            '[pipe_commands]\nsave = {command = ["tee"], send = "html"}',
            'must be "markdown" or "link"',
        ),
        ('[pipe_commands]\nsave = {program = ["tee"]}', "unknown key 'program'"),
    ]:
        with pytest.raises(ConfigError) as refused:
            parse(bad + "\n", tmp_path / "c.toml")
        assert message in str(refused.value) and "c.toml:2" in str(refused.value)


def test_the_article_goes_as_markdown_and_the_first_line_comes_back(tmp_path: Path) -> None:
    rendered = render_html(
        '<p>The council <a href="/v">voted</a> “yes,” said Ada.</p>', "https://news.example/"
    )
    out = tmp_path / "article.md"
    ok, said = run_pipe(
        PipeCommand("save", (sys.executable, "-c", SAVE, str(out))), _entry(), rendered, "Local"
    )
    assert ok and said == f"saved to {out}"
    text = out.read_text()
    assert text == as_markdown(_entry(), rendered, "Local")
    assert text.startswith("# Council votes; $(rm -rf ~)\n\nLocal · Ada Reyes · 2026-12-")
    assert "[1]: https://news.example/v" in text


def test_a_link_pipe_gets_the_link_alone_and_a_failure_says_why(tmp_path: Path) -> None:
    out = tmp_path / "link.txt"
    rendered = render_html("<p>x</p>")
    ok, _ = run_pipe(
        PipeCommand("later", (sys.executable, "-c", SAVE, str(out)), "link"), _entry(), rendered
    )
    assert ok and out.read_text() == "https://news.example/council"
    fail = "import sys; sys.stderr.write('server said no\\n'); sys.exit(4)"
    ok, said = run_pipe(PipeCommand("bad", (sys.executable, "-c", fail)), _entry(), rendered)
    assert not ok and said.endswith("exited with status 4: server said no")
