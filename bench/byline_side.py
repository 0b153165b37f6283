"""Byline driven the way a user drives it (CLI and app in tmux), plus in-process engine calls."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import (
    MARKER_TITLE,
    REPO,
    SEARCH_WORD,
    BenchFailure,
    Tmux,
    app_search,
    cache_rows,
    feed_title,
    first_screen,
)

# How the CLI and the app are started. run.py installs Byline from a wheel into a fresh venv
# (install_wheel) before any row runs, as a user installs it: bytecode compiled at install,
# nothing recompiled at each start even with PYTHONDONTWRITEBYTECODE=1, no checkout on the
# path. "checkout" (--byline checkout) runs this working tree instead, for quick iteration.
INSTALL: dict = {"mode": "checkout", "exe": None}

# Distributions whose versions are recorded with the results.
RECORDED = ("byline", "textual", "feedparser", "httpx", "lxml", "trafilatura", "sqlite-utils",
            "html2text", "rich")  # fmt: skip


def install_wheel(venv: Path) -> dict:
    """Build a wheel of this checkout and pip-install it into a fresh venv at `venv`.

    Returns what was installed (recorded in the results): the script, the interpreter,
    versions, and how many modules of the package have compiled bytecode.
    """
    wheel_dir = venv.parent / (venv.name + "-wheel")
    for d in (venv, wheel_dir):
        shutil.rmtree(d, ignore_errors=True)
    t0 = time.perf_counter()
    run = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(REPO), "-w"]
    _check([*run, str(wheel_dir)], "building the wheel")
    wheel = next(wheel_dir.glob("byline-*.whl"))
    _check([sys.executable, "-m", "venv", str(venv)], "creating the bench venv")
    py = venv / "bin" / "python"
    # As the README's install line: Python 3.11's venv pip (23.x) cannot resolve lxml[html-clean]
    # asked for by justext and readability-lxml with two spellings.
    _check([str(py), "-m", "pip", "install", "-q", "-U", "pip"], "upgrading pip")
    _check([str(py), "-m", "pip", "install", "-q", str(wheel)], "installing the wheel")
    probe = (
        "import importlib.metadata as m, json, sqlite3, sys, reader\n"
        "v = {}\n"
        f"for d in {RECORDED!r}:\n"
        "    try: v[d] = m.version(d)\n"
        "    except m.PackageNotFoundError: v[d] = None\n"
        "print(json.dumps({'python': sys.version.split()[0], 'sqlite': sqlite3.sqlite_version,"
        " 'package': reader.__file__, 'versions': v}))"
    )
    r = subprocess.run(
        [str(py), "-P", "-c", probe], env=env_for("wheel"), cwd=venv, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    if r.returncode != 0:
        raise RuntimeError(f"bench venv probe failed: {r.stderr[-800:]}")
    info = json.loads(r.stdout)
    pkg = Path(info["package"]).parent
    if REPO in pkg.parents or pkg.parent == REPO:
        raise RuntimeError(f"the bench venv imports Byline from the checkout: {pkg}")
    sources = list(pkg.rglob("*.py"))
    compiled = [p for p in sources if list(p.parent.glob(f"__pycache__/{p.stem}.*.pyc"))]
    info.update(
        mode="wheel",
        venv=str(venv),
        wheel=wheel.name,
        exe=str(venv / "bin" / "byline"),
        modules=len(sources),
        modules_compiled=len(compiled),
        install_s=round(time.perf_counter() - t0, 1),
    )
    INSTALL.update(info)
    return info


def _check(cmd: list[str], what: str) -> None:
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"{what} failed: {(r.stderr or r.stdout)[-1500:]}")


def command() -> list[str]:
    """How to start Byline: the bench venv's script, else the package from this checkout."""
    if INSTALL.get("exe"):
        return [INSTALL["exe"]]
    return [sys.executable, "-c", "import sys; from reader.cli import main; sys.exit(main())"]


def env_for(mode: str) -> dict[str, str]:
    e = dict(os.environ)
    if mode == "wheel":
        e.pop("PYTHONPATH", None)  # the installed package only, never the checkout
    else:
        e["PYTHONPATH"] = str(REPO) + os.pathsep + e.get("PYTHONPATH", "")
    e.setdefault("LANG", "C.UTF-8")
    e["TERM"] = "xterm-256color"
    e["COLORTERM"] = "truecolor"
    return e


def env() -> dict[str, str]:
    return env_for(INSTALL["mode"])


def write_config(path: Path, urls: list[str], refresh_on_start: bool = False, **settings) -> Path:
    """A TOML config with default settings except those given (and no refresh on start)."""
    lines = ["[settings]", f"refresh_on_start = {'true' if refresh_on_start else 'false'}"]
    for k, v in settings.items():
        lines.append(f"{k} = {json.dumps(v)}")
    for u in urls:
        lines += ["", "[[feeds]]", f'url = "{u}"']
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


class Byline:
    def __init__(self, config: Path, data_dir: Path) -> None:
        self.config, self.data_dir = config, data_dir

    def argv(self, *extra: str) -> list[str]:
        return [*command(), "--config", str(self.config), "--data-dir", str(self.data_dir), *extra]

    def clear(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.data_dir.mkdir(parents=True)

    def refresh(self, expected: int | None = None, timeout: float = 600) -> float:
        """Wall time of `byline refresh --json`; its JSON report is kept in `last_report`.

        Only a successful refresh is a timing: exit status 0 (1 means nothing could be done,
        e.g. every feed failed) and, when `expected` is given, exactly that many entries
        stored, else at least one. Otherwise BenchFailure says why.
        """
        t0 = time.perf_counter()
        try:
            r = subprocess.run(
                self.argv("refresh", "--json"), env=env(), capture_output=True, timeout=timeout
            )
        except subprocess.TimeoutExpired as err:
            raise BenchFailure(f"byline refresh timed out after {timeout:.0f} s") from err
        took = time.perf_counter() - t0
        try:
            self.last_report = json.loads(r.stdout)
        except ValueError:
            self.last_report = {"raw": r.stdout[-500:].decode(errors="replace")}
        if r.returncode != 0:
            raise BenchFailure(
                f"byline refresh exit {r.returncode}: {r.stderr[-300:].decode(errors='replace')}"
            )
        self.last_count = n = self.entry_count()
        if (expected is not None and n != expected) or n == 0:
            raise BenchFailure(f"byline refresh stored {n} entries, expected {expected or '> 0'}")
        return took

    def search_cli(self, word: str = SEARCH_WORD, limit: int = 50) -> tuple[float, int]:
        t0 = time.perf_counter()
        r = subprocess.run(
            self.argv("entries", "--search", word, "--limit", str(limit), "--json"),
            env=env(),
            capture_output=True,
        )
        took = time.perf_counter() - t0
        if r.returncode != 0:
            raise BenchFailure(f"byline entries failed: {r.stderr[-300:]!r}")
        data = json.loads(r.stdout)
        n = len(data["entries"] if isinstance(data, dict) else data)
        return took, n

    def app_cmd(self) -> str:
        import shlex

        return "exec " + shlex.join(self.argv())

    def first_screen(self, tmux: Tmux, name: str, timeout: float) -> tuple[float, float]:
        """Seconds to the list with the newest entry on screen, and peak RSS (MiB)."""
        took, rss, screen = first_screen(
            tmux, name, self.app_cmd(), MARKER_TITLE[:22], timeout, env=_tmux_env()
        )
        if took is None:
            tail = " / ".join(x.strip() for x in screen.splitlines() if x.strip())[-200:]
            raise BenchFailure(f"byline: no first screen within {timeout:.0f} s: {tail}")
        return took, rss

    def app_search(self, tmux: Tmux, name: str, titles: list[str], timeout: float) -> float:
        """Seconds from Enter to the results in the app's own search (`/`)."""
        return app_search(
            tmux, name, self.app_cmd(), _tmux_env(), MARKER_TITLE[:22], SEARCH_WORD, titles, timeout
        )

    def entry_count(self) -> int:
        import sqlite3

        path = self.data_dir / "byline.db"
        if not path.exists():
            return 0
        db = sqlite3.connect(path)
        try:
            return db.execute("SELECT count(*) FROM entries").fetchone()[0]
        except sqlite3.Error:
            return 0
        finally:
            db.close()


def bare_app_first_screen(tmux: Tmux, name: str, timeout: float) -> tuple[float, float]:
    """Seconds to a bare Textual app's one Static (bench/bare_app.py), and peak RSS (MiB): the
    yardstick of row 4, started by the Python and Textual that run Byline (the bench venv)."""
    import shlex

    from bench.bare_app import READY

    python = Path(INSTALL["venv"]) / "bin" / "python" if INSTALL.get("venv") else sys.executable
    cmd = "exec " + shlex.join([str(python), str(Path(__file__).with_name("bare_app.py"))])
    took, rss, screen = first_screen(tmux, name, cmd, READY, timeout, env=_tmux_env())
    if took is None:
        raise BenchFailure(f"bare app: no first screen within {timeout:.0f} s: {screen[-200:]}")
    return took, rss


def _tmux_env() -> dict[str, str]:
    # An empty PYTHONPATH is ignored by Python: with the wheel, nothing of the checkout.
    return {
        "PYTHONPATH": "" if INSTALL["mode"] == "wheel" else str(REPO),
        "LANG": "C.UTF-8",
        "COLORTERM": "truecolor",
    }


# ---------------------------------------------------------------- engine, in process


def build_cache(data_dir: Path, urls: list[str], total: int, batch: int = 1000) -> float:
    """Fill a Byline cache through the engine's public store API; returns seconds taken.

    Feeds come from `sync_feeds` (as the config does), entries from `store_entries` in
    batches of `batch` per transaction, so the FTS index and the counters are the real ones.
    """
    from reader.core.config import FeedConfig
    from reader.core.store import Store
    from reader.core.text.parse import ParsedEntry

    t0 = time.perf_counter()
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    now = time.time()
    with Store.in_dir(data_dir) as store:
        store.sync_feeds([FeedConfig(url=u) for u in urls])
        ids = {f.url: f.id for f in store.feeds()}
        for i, u in enumerate(urls):
            store.update_feed(ids[u], title=feed_title(i), status="ok")
        pending: list = []
        current = -1

        def flush() -> None:
            if pending:
                store.store_entries(ids[urls[current]], pending, now=now)
                pending.clear()

        for f, e in cache_rows(total, len(urls)):
            if f != current or len(pending) >= batch:
                flush()
                current = f
            pending.append(
                ParsedEntry(
                    uid=e.guid,
                    title=e.title,
                    author=e.author,
                    link=e.link,
                    published=e.published.timestamp(),
                    content=e.content,
                )
            )
        flush()
        # The search index is deferred (queued at store time, indexed after a refresh or at
        # the first search): a cache the app has used is indexed, so this one is too.
        if hasattr(store, "index_pending"):
            store.index_pending(batch=5000)
        store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - t0


def search_titles(data_dir: Path, word: str = SEARCH_WORD, limit: int = 40) -> list[str]:
    """Titles of the first results of a search, newest first (what the app should list)."""
    from reader.core.store import Store, View

    with Store.in_dir(data_dir) as store:
        return [r.title for r in store.page(View("search", word), 0, limit)]


def search_engine(data_dir: Path, word: str = SEARCH_WORD, limit: int = 50) -> tuple[float, int]:
    """The engine's search as the app calls it: open the store, first page of a search view."""
    from reader.core.store import Store, View

    t0 = time.perf_counter()
    with Store.in_dir(data_dir) as store:
        rows = store.page(View("search", word), 0, limit)
    return time.perf_counter() - t0, len(rows)


def article_open_times(corpus: Path, limit: int | None = None) -> tuple[list, list, dict]:
    """Seconds of render + quotes per corpus article and per corpus feed entry, in process.

    Articles are web pages, so opening one in full-text mode first extracts the article;
    that step is timed apart (info["extract"]) so render + quotes compare like for like
    with feed entries.
    """
    from reader.core import quotes
    from reader.core.text.extract import ExtractError, extract_article
    from reader.core.text.parse import parse_feed
    from reader.core.text.render import render_html

    def open_one(markup: str, base: str) -> tuple[float, int]:
        t0 = time.perf_counter()
        rendered = render_html(markup, base)
        found = quotes.extract(rendered.text, rendered.blocks)
        return time.perf_counter() - t0, len(found)

    arts, extract_s, failed, n_quotes = [], [], 0, 0
    dirs = sorted(p for p in (corpus / "articles").iterdir() if (p / "source.html").exists())
    for d in dirs[:limit]:
        body = (d / "source.html").read_bytes()
        t0 = time.perf_counter()
        try:
            ex = extract_article(body, f"https://example.org/{d.name}")
        except ExtractError:
            failed += 1
            continue
        extract_s.append(time.perf_counter() - t0)
        t, q = open_one(ex.html, f"https://example.org/{d.name}")
        arts.append(t)
        n_quotes += q
    ents, e_quotes = [], 0
    feeds = sorted((corpus / "feeds").glob("*.xml"))
    for f in feeds[: (limit or len(feeds))]:
        parsed = parse_feed(f.read_bytes(), f"https://example.org/{f.name}")
        for e in parsed.entries:
            t, q = open_one(e.content or e.summary, e.link)
            ents.append(t)
            e_quotes += q
    info = {
        "extract": extract_s,
        "extract_failed": failed,
        "article_quotes": n_quotes,
        "entry_quotes": e_quotes,
    }
    return arts, ents, info
