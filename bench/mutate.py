"""Mutation check: break the security- and data-critical code on purpose, one named mutation at
a time, and see whether the tests notice. A habit, not a gate (issue 18).

    python bench/mutate.py              # every mutation; exit 1 if one survives or went stale
    python bench/mutate.py --list       # the names, files and the tests each one runs
    python bench/mutate.py store.rollback browser.shlex   # only these

Each mutation replaces one exact piece of source text with a broken one, in a temporary copy
of the tree (never in the working tree), and runs only the tests that should catch it. The
copy is imported through PYTHONPATH, so the child processes the tests start (`byline
refresh`, the refresh child) run the mutated code too. Outcomes:

- killed:   the tests failed, as they must;
- SURVIVED: the tests passed with the code broken: a test is missing (write it);
- STALE:    the original text is no longer in the file (the code moved on: update the
            mutation here, or drop it if the behaviour went away).

Run it before calling a change to sanitize, the store's transactions, the fetch validators,
the browser opener, the config's exit codes or the quote attribution rules done.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    old: str  # must occur exactly once in `file`
    new: str
    tests: tuple[str, ...]  # pytest arguments: files, node ids, -k expressions
    why: str


QUOTE_TESTS = (
    "tests/test_quotes.py",
    "tests/test_quotes_constructions.py",
    "tests/test_quotes_langs.py",
)

CONFIG_TESTS = ("tests/test_config.py", "tests/test_config_fuzz.py")

MUTATIONS = [
    # -- sanitize: nothing from a feed may drive the terminal
    Mutation(
        "sanitize.osc", "reader/core/text/sanitize.py",
        '"|".join((_OSC, _CSI, _DCS_PM_APC, _ESC_OTHER))', '"|".join((_CSI, _DCS_PM_APC, _ESC_OTHER))',
        ("tests/test_sanitize.py",), "OSC sequences (titles, clipboard) no longer removed whole",
    ),
    Mutation(
        "sanitize.bidi", "reader/core/text/sanitize.py", r"\u202a-\u202e", "",
        ("tests/test_sanitize.py",), "bidi overrides (U+202E) pass",
    ),
    Mutation(
        "sanitize.c1", "reader/core/text/sanitize.py", r"\x7f-\x9f", r"\x7f",
        ("tests/test_sanitize.py",), "C1 control characters pass",
    ),
    Mutation(
        "sanitize.scheme", "reader/core/text/sanitize.py",
        "return parts.scheme.lower() in SAFE_SCHEMES and bool(parts.netloc)",
        "return bool(parts.scheme) and bool(parts.netloc)",
        ("tests/test_sanitize.py",), "any URL scheme is openable (javascript:, file:)",
    ),
    # -- store: a failed write keeps nothing; a kill loses nothing committed
    Mutation(
        "store.rollback", "reader/core/store/base.py",
        'self.conn.execute("ROLLBACK")\n', 'self.conn.execute("COMMIT")\n',
        ("tests/test_store.py",), "an error inside atomic() commits the half-done write",
    ),
    Mutation(
        "store.savepoint", "reader/core/store/base.py",
        'self.conn.execute("ROLLBACK TO nested")', "pass",
        ("tests/test_store.py",), "an error in a nested atomic() keeps its writes",
    ),
    Mutation(
        "store.one_transaction", "reader/core/store/entries.py",
        "            new_ids = self._insert_entries(feed_id, inserts, now)\n",
        "            new_ids = self._insert_entries(feed_id, inserts, now)\n"
        '            self.db.execute("COMMIT")\n            self.db.execute("BEGIN IMMEDIATE")\n',
        ("tests/test_nothing_lost.py::test_sigkill_during_refresh_loses_nothing[3]",),
        "a feed's entries are committed in two steps (a kill keeps half of them)",
    ),
    Mutation(
        "store.prune_spares_quoted", "reader/core/store/entries.py",
        'keep = "saved = 0 AND id NOT IN (SELECT entry_id FROM saved_quotes)"',
        'keep = "saved = 0"',
        ("tests/test_store.py",), "pruning drops entries that have saved quotes",
    ),
    # -- fetch: validators and caps
    Mutation(
        "fetch.if_none_match", "reader/core/feeds/fetch.py",
        'headers["If-None-Match"] = etag', "pass",
        ("tests/test_refresh.py", "tests/test_fault_server.py"), "the stored ETag is not sent",
    ),
    Mutation(
        "fetch.if_modified_since", "reader/core/feeds/fetch.py",
        'headers["If-Modified-Since"] = last_modified', "pass",
        ("tests/test_refresh.py", "tests/test_fault_server.py"),
        "the stored Last-Modified is not sent",
    ),
    Mutation(
        "refresh.validators_on_304", "reader/core/feeds/refresh.py",
        '"etag": result.etag or feed.etag,', '"etag": result.etag,',
        ("tests/test_refresh.py", "tests/test_fault_server.py"),
        "a 304 without an ETag forgets the stored one",
    ),
    Mutation(
        "refresh.last_modified_on_304", "reader/core/feeds/refresh.py",
        '"last_modified": result.last_modified or feed.last_modified,',
        '"last_modified": result.last_modified,',
        ("tests/test_refresh.py", "tests/test_fault_server.py"),
        "a 304 without Last-Modified forgets the stored one",
    ),
    Mutation(
        "fetch.size_cap", "reader/core/feeds/fetch.py",
        "                if size > max_bytes:\n", "                if False:\n",
        ("tests/test_refresh.py", "tests/test_fault_server.py"),
        "a body without Content-Length is read past the cap",
    ),
    # -- browser: an argv list from shlex, only http(s)
    Mutation(
        "browser.shlex", "reader/tui/browser.py",
        "argv = [*shlex.split(command), url]", "argv = [*command.split(), url]",
        ("tests/test_hostile_content.py", "-k", "browser or shell or unsafe"),
        "a browser path with spaces or quotes breaks",
    ),
    Mutation(
        "browser.check", "reader/tui/browser.py",
        "    if not is_openable(url):\n", "    if False:\n",
        ("tests/test_hostile_content.py", "-k", "browser or shell or unsafe"),
        "any URL is handed to the browser",
    ),
    # -- config and CLI: user errors are exit status 2 with a message, never a traceback
    Mutation(
        "cli.exit_usage", "reader/cli/common.py", "EXIT_USAGE = 2\n", "EXIT_USAGE = 1\n",
        ("tests/test_config.py", "tests/test_cli.py"), "user errors exit 1 instead of 2",
    ),
    Mutation(
        "cli.config_error", "reader/cli/common.py",
        "except (ConfigError, UserError) as err:", "except UserError as err:",
        ("tests/test_config.py",), "a broken config ends in a traceback",
    ),
    Mutation(
        "config.unknown_key", "reader/core/config.py",
        "        if key not in allowed:\n", "        if False:\n",
        CONFIG_TESTS, "a misspelt setting is silently ignored",
    ),
    Mutation(
        "config.finite", "reader/core/config.py",
        'if kind in ("int", "float") and not math.isfinite(value):', "if False:",
        CONFIG_TESTS, "timeout_s = inf or nan is accepted",
    ),
    Mutation(
        "config.positive", "reader/core/config.py",
        "if name in _POSITIVE and value <= 0:", "if False:",
        CONFIG_TESTS, "timeout_s = 0 is accepted",
    ),
    # -- quote attribution
    Mutation(
        "quotes.strict_after_full_stop", "reader/core/quotes/attribution.py",
        'strict = punct in ".:"', "strict = False",
        QUOTE_TESTS, "“We won.” Smith said the polls… credits Smith",
    ),
    Mutation(
        "quotes.cue_of_the_next_quote", "reader/core/quotes/attribution.py",
        "if m and _introduces_next(seg, m):", "if False:",
        QUOTE_TESTS, "“…” A third wrote “…”: the cue is given to the quote before",
    ),
    Mutation(
        "quotes.nationality_is_no_person", "reader/core/quotes/attribution.py",
        'return " " not in word and word.endswith(("an", "ese", "ish", "ic", "i"))',
        "return False",
        QUOTE_TESTS, "“Ukrainian airstrikes” are taken for a speaker",
    ),
    # -- coming from newsboat (issue 27): one transaction, nothing undone, exact translations
    Mutation(
        "import.transaction", "reader/core/store/imports.py",
        "        return self.transaction()\n",
        "        from contextlib import nullcontext\n\n        return nullcontext()\n",
        ("tests/test_newsboat_import.py::test_killed_import_leaves_the_cache_as_before",),
        "the import no longer runs in one transaction: a kill leaves half of it",
    ),
    Mutation(
        "import.read_only_marks", "reader/core/store/imports.py",
        "if item.read and not read:", "if item.read:",
        ("tests/test_newsboat_import.py",),
        "a second import marks read again what is read: it is no longer a no-op",
    ),
    Mutation(
        "import.identity", "reader/core/feeds/migrate.py",
        "        guid = urljoin(feed_url, guid)\n", "        pass\n",
        ("tests/test_newsboat_import.py",),
        "imported entries get an id Byline's refresh does not give them: duplicates come back unread",
    ),
    Mutation(
        "newsboat.age", "reader/core/rules/newsboat_filter.py",
        'return f"age > {days + 1}d"', 'return f"age > {days}d"',
        ("tests/test_newsboat_filter.py",), "age > N no longer means N+1 whole days or more",
    ),
    Mutation(
        "newsboat.grouping", "reader/core/rules/newsboat_filter.py",
        "    if isinstance(node.left, Logic) and node.left.op != node.op:\n        left = f\"({left})\"\n",
        "",
        ("tests/test_newsboat_filter.py",), "a or b and c no longer grouped left to right as newsboat does",
    ),
    Mutation(
        "newsboat.programs", "reader/core/feeds/newsboat.py",
        "    if not allow:\n", "    if False:\n",
        ("tests/test_import_formats.py",), "import FILE turns exec: lines into commands",
    ),
]  # fmt: skip


def copy_tree(dest: Path) -> None:
    """The working tree as it is (tracked and new files, uncommitted edits included)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    for rel in filter(None, listed.split("\0")):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def test_env(tree: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    # The venv's scripts (`byline`) on PATH, as in an activated venv; they import the copy.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    corpus = Path(os.environ.get("BYLINE_CORPUS", REPO.parent / "shared" / "corpus"))
    if corpus.is_dir():  # the copy has no ../shared beside it
        env["BYLINE_CORPUS"] = str(corpus)
    return env


def run_tests(tree: Path, args: tuple[str, ...], timeout: float) -> tuple[int, float, str]:
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly",
             "-p", "no:cacheprovider", *args],
            cwd=tree, env=test_env(tree), capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        code, output = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired:
        code, output = -1, "timed out"  # a hang counts as caught: the tests did not pass
    return code, time.monotonic() - started, output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="run only these mutations")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per test run")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the check that the tests pass unmutated"
    )
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.names or m.name in args.names]
    unknown = set(args.names) - {m.name for m in MUTATIONS}
    if unknown:
        parser.error(f"unknown mutation(s): {', '.join(sorted(unknown))}")
    if args.list:
        for m in chosen:
            print(f"{m.name:32} {m.file:36} {' '.join(m.tests)}\n{'':30} {m.why}")
        return 0

    with tempfile.TemporaryDirectory(prefix="byline-mutate-") as tmp:
        tree = Path(tmp) / "byline"
        copy_tree(tree)
        where = subprocess.run(
            [sys.executable, "-c", "import reader; print(reader.__file__)"],
            cwd=tmp, env=test_env(tree), capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        if not where.startswith(str(tree)):
            print(f"the copy does not shadow the installed package ({where})", file=sys.stderr)
            return 2
        if not args.no_baseline:
            suites = sorted({m.tests for m in chosen})
            for tests in suites:
                code, seconds, output = run_tests(tree, tests, args.timeout)
                if code != 0:
                    log = Path(tempfile.gettempdir()) / "byline-mutate-baseline.log"
                    log.write_text(output, encoding="utf-8")
                    print(output[-4000:])
                    print(f"baseline: {' '.join(tests)} fails unmutated (exit {code}); see {log}")
                    return 2
            print(f"baseline: {len(suites)} test selections pass unmutated")

        rows = []
        for m in chosen:
            path = tree / m.file
            original = path.read_text(encoding="utf-8")
            if original.count(m.old) != 1:
                rows.append((m, "STALE", 0.0))
                continue
            path.write_text(original.replace(m.old, m.new), encoding="utf-8")
            try:
                code, seconds, _ = run_tests(tree, m.tests, args.timeout)
            finally:
                path.write_text(original, encoding="utf-8")
            rows.append((m, "killed" if code != 0 else "SURVIVED", seconds))
            print(f"  {m.name:32} {rows[-1][1]:8} {seconds:6.1f} s", flush=True)

    print(f"\n{'mutation':32} {'outcome':8} {'seconds':>7}  what it breaks")
    for m, outcome, seconds in rows:
        print(f"{m.name:32} {outcome:8} {seconds:7.1f}  {m.why}")
    bad = [m.name for m, outcome, _ in rows if outcome != "killed"]
    killed = len(rows) - len(bad)
    print(
        f"\n{killed} of {len(rows)} mutations killed"
        + (f"; not killed: {', '.join(bad)}" if bad else "")
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
