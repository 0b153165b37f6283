"""Reading what a newsboat user has: the `urls` file, the `config` file and `cache.db`, and
the other plain lists people keep feeds in (newsraft's `feeds`, one URL a line).

Only reading here, never running: `exec:` and `filter:` feeds become command and filter feeds
(reader/core/feeds/commands.py) only when the user imports their own newsboat folder, and
nothing runs during the import. Every line that is not carried over is kept with its
file and line number so the import report can say which and why (issue 27).
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.store.foreign import (
    Cache,
    CachedFeed,
    CachedItem,
    ForeignCacheError,
    newsboat_items,
    read_newsboat_cache,
)
from reader.core.text.sanitize import clean_line, clean_url

__all__ = ["Cache", "CachedFeed", "CachedItem"]

MAX_LIST_BYTES = 20_000_000  # a urls/config file larger than this is not a list of feeds


class NewsboatError(Exception):
    """A file that cannot be read as what it claims to be; str() says which and why."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A line not carried over: where it is, what it says and why."""

    path: str
    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}: {self.text}"


@dataclass(frozen=True, slots=True)
class UrlEntry:
    url: str  # as written in the urls file (newsboat's cache knows the feed by it)
    tags: tuple[str, ...] = ()
    title: str | None = None
    hidden: bool = False
    line: int = 0
    command: tuple[str, ...] = ()  # exec:CMD, split into an argv
    filter: tuple[str, ...] = ()  # filter:SCRIPT:URL, the script split into an argv


@dataclass(frozen=True, slots=True)
class QueryFeed:
    name: str
    expression: str
    line: int = 0
    text: str = ""  # the line as written


@dataclass(slots=True)
class UrlsFile:
    path: str
    feeds: list[UrlEntry] = field(default_factory=list)
    queries: list[QueryFeed] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


# ---------------------------------------------------------------- tokens


def tokenize_quoted(line: str) -> list[str]:
    """newsboat's tokenizer (utils::tokenize_quoted): words split by blanks, "double quoted"
    words may hold blanks and \\" \\\\ escapes, and a # outside quotes starts a comment."""
    tokens: list[str] = []
    pos, size = 0, len(line)
    while pos < size:
        while pos < size and line[pos] in " \t\r\n":
            pos += 1
        if pos >= size or line[pos] == "#":
            break
        if line[pos] == '"':
            pos += 1
            out = []
            while pos < size and line[pos] != '"':
                if line[pos] == "\\" and pos + 1 < size:
                    pos += 1
                    out.append({"n": "\n", "t": "\t", "r": "\r"}.get(line[pos], line[pos]))
                else:
                    out.append(line[pos])
                pos += 1
            pos += 1  # the closing quote (an unclosed one ends the line, as newsboat's)
            tokens.append("".join(out))
        else:
            start = pos
            while pos < size and line[pos] not in " \t\r\n":
                pos += 1
            tokens.append(line[start:pos])
    return tokens


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_LIST_BYTES:
            raise NewsboatError(f"{path}: larger than {MAX_LIST_BYTES:,} bytes; not a feed list")
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError as err:
        raise NewsboatError(f"cannot read {path}: {err.strerror or err}") from None


# ---------------------------------------------------------------- urls


_SHELL = re.compile(r"[|;&<>`$(){}*?\[\]\n]")


def program_argv(command: str) -> tuple[tuple[str, ...], str | None]:
    """newsboat runs exec:/filter: programs through the shell; Byline runs an argv without
    one. A plain command (no pipes, redirections, variables, globs) splits the same either way;
    anything else is reported, never guessed at. (argv, None) or ((), why not)."""
    if _SHELL.search(command):
        return (
            (),
            "the command uses the shell (pipes, variables, globs); Byline runs an argv without one",
        )
    try:
        words = shlex.split(command)
    except ValueError as err:
        return (), f"the command cannot be split into words ({err})"
    if not words:
        return (), "no command"
    return (os.path.expanduser(words[0]), *words[1:]), None


def _program_feed(first: str, allow: bool) -> tuple[str, tuple, tuple, str | None]:
    """(url, command, filter, problem) of an exec: or filter: line."""
    if not allow:
        return (
            "",
            (),
            (),
            (
                "a feed made by a program: imported only from your own newsboat directory"
                " (byline import --newsboat), never from a file that could come from anywhere"
            ),
        )
    if first.startswith("exec:"):
        argv, problem = program_argv(first[5:])
        return "", argv, (), problem
    script, sep, url = first[7:].partition(":")
    if not sep or not re.match(r"^https?://", url, re.I):
        return "", (), (), "filter: needs filter:SCRIPT:URL with an http(s) address"
    argv, problem = program_argv(script)
    return clean_url(url), (), argv, problem


def parse_urls(text: str, path: str = "urls", allow_programs: bool = False) -> UrlsFile:
    """newsboat's urls file: `URL tag "two words" "~Title" !` a line; `"query:Name:expr"`;
    `exec:`/`filter:` feeds only when `allow_programs` (the user's own newsboat folder)."""
    result = UrlsFile(path)
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        tokens = tokenize_quoted(raw)
        if not tokens:
            continue
        first, rest = tokens[0], tokens[1:]
        shown = clean_line(raw.strip())[:200]
        if first.startswith("query:"):
            name, sep, expression = first[6:].partition(":")
            if not sep or not name.strip() or not expression.strip():
                result.skipped.append(
                    Skipped(path, number, shown, "a query feed needs query:Name:expression")
                )
            else:
                result.queries.append(
                    QueryFeed(clean_line(name.strip()), expression.strip(), number, shown)
                )
            continue
        command: tuple[str, ...] = ()
        filter_: tuple[str, ...] = ()
        if first.startswith(("exec:", "filter:")):
            url, command, filter_, problem = _program_feed(first, allow_programs)
            if problem:
                result.skipped.append(Skipped(path, number, shown, problem))
                continue
        else:
            url = clean_url(first)
        key = first if command else url
        if not command and not re.match(r"^(https?|file)://", url, re.I):
            reason = "not a feed address (http, https or file)"
            result.skipped.append(Skipped(path, number, shown, reason))
            continue
        if key in seen:
            result.skipped.append(Skipped(path, number, shown, "the same address again"))
            continue
        seen.add(key)
        tags, title, hidden = [], None, False
        for token in rest:
            if token == "!":
                hidden = True
            elif token.startswith("~"):
                title = clean_line(token[1:]) or None
            elif clean_line(token).strip() and clean_line(token).strip() not in tags:
                tags.append(clean_line(token).strip())
        written = first if command or filter_ else url
        result.feeds.append(UrlEntry(written, tuple(tags), title, hidden, number, command, filter_))
    return result


def write_urls(feeds: list[UrlEntry], queries: list[QueryFeed]) -> str:
    """A urls file newsboat reads back as these feeds and query feeds."""
    lines = ["# Written by `byline export --newsboat`."]
    for feed in feeds:
        address = feed.url
        if feed.command:
            address = _quoted("exec:" + shlex.join(feed.command))
        elif feed.filter:
            address = _quoted(f"filter:{shlex.join(feed.filter)}:{feed.url}")
        words = [address, *(_quoted(t) for t in feed.tags)]
        if feed.title:
            words.append(_quoted("~" + feed.title))
        lines.append(" ".join(words))
    for query in queries:
        lines.append(_quoted(f"query:{query.name}:{query.expression}"))
    return "\n".join(lines) + "\n"


def _quoted(word: str) -> str:
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------- config


@dataclass(frozen=True, slots=True)
class ConfigLine:
    command: str
    args: tuple[str, ...]
    line: int
    text: str


def parse_config(text: str) -> list[ConfigLine]:
    """Every command line of newsboat's config, tokenized as newsboat does."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        tokens = tokenize_quoted(raw)
        if tokens:
            out.append(
                ConfigLine(tokens[0], tuple(tokens[1:]), number, clean_line(raw.strip())[:200])
            )
    return out


# ---------------------------------------------------------------- cache.db


def read_cache(path: Path) -> Cache:
    """Everything newsboat's cache.db holds that Byline can use (read by the store's part
    for imports: SQL lives in the store)."""
    try:
        return read_newsboat_cache(path)
    except ForeignCacheError as err:
        raise NewsboatError(str(err)) from None


def read_items(path: Path, feed_url: str) -> list[CachedItem]:
    """One feed's items (not those newsboat deleted), read when that feed is imported."""
    try:
        return newsboat_items(path, feed_url)
    except ForeignCacheError as err:
        raise NewsboatError(str(err)) from None


# ---------------------------------------------------------------- where newsboat keeps them


@dataclass(frozen=True, slots=True)
class Location:
    urls: Path
    config: Path | None
    cache: Path | None


def locate(directory: Path | None = None, home: Path | None = None) -> Location:
    """newsboat's files: in DIR when given; else ~/.newsboat/ when it exists; else the XDG
    dirs ($XDG_CONFIG_HOME/newsboat for urls and config, $XDG_DATA_HOME/newsboat for the
    cache), as newsboat's configpaths.cpp looks for them."""
    if directory is not None:
        if not directory.is_dir():
            raise NewsboatError(f"{directory}: no such directory")
        config_dir = data_dir = directory
    else:
        home = home or Path.home()
        dotdir = home / ".newsboat"
        if dotdir.is_dir():
            config_dir = data_dir = dotdir
        else:
            xdg_config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
            xdg_data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
            config_dir, data_dir = xdg_config / "newsboat", xdg_data / "newsboat"
    urls = config_dir / "urls"
    if not urls.is_file():
        where = directory or f"{home}/.newsboat or {config_dir}"
        raise NewsboatError(f"no newsboat urls file in {where}")
    config = config_dir / "config"
    cache = data_dir / "cache.db"
    return Location(urls, config if config.is_file() else None, cache if cache.is_file() else None)


def read_urls(path: Path, allow_programs: bool = False) -> UrlsFile:
    return parse_urls(_read_text(path), str(path), allow_programs)


def read_config(path: Path) -> list[ConfigLine]:
    return parse_config(_read_text(path))


# ---------------------------------------------------------------- other lists of feeds

KINDS = {
    "opml": "an OPML file",
    "newsboat": "a newsboat urls file",
    "newsraft": "a newsraft feeds file",
    "urls": "a plain list of feed addresses",
    "newsboat-dir": "newsboat's files (urls, config, cache.db)",
}


def detect(data: bytes, name: str = "") -> str:
    """What a file to import is: opml, newsboat, newsraft or urls (raises when none).

    newsboat and newsraft both write `URL "quoted"`; what tells them apart: newsraft's
    `@ Section` lines and `{ settings }`, newsboat's `"~Title"`, `!` and `query:` feeds;
    then the quoted words (newsboat's tags are mostly single words, newsraft's titles not),
    then the file's name (`urls` or `feeds`)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if b"<opml" in data[:65536].lower():
            return "opml"
        raise NewsboatError("an XML file that is not OPML")
    text = data.decode("utf-8", errors="replace")
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if not lines:
        raise NewsboatError("no feed addresses in it")
    newsboat = newsraft = 0
    extras = 0
    for line in lines:
        if line.startswith("@") or line.startswith("{") or re.search(r"\s\{.*\}\s*$", line):
            newsraft += 3
            continue
        tokens = tokenize_quoted(line)
        if not tokens:
            continue
        if tokens[0].startswith(("query:", "exec:", "filter:")):
            newsboat += 3
        rest = tokens[1:]
        extras += bool(rest)
        if any(t == "!" or t.startswith("~") for t in rest):
            newsboat += 3
        elif len(rest) == 1 and " " in rest[0]:
            newsraft += 1
        elif rest:
            newsboat += 1
    if not extras and not newsraft and not newsboat:
        return "urls"
    if newsboat != newsraft:
        return "newsboat" if newsboat > newsraft else "newsraft"
    return "newsraft" if Path(name).name == "feeds" else "newsboat"


def parse_newsraft(text: str, path: str = "feeds") -> UrlsFile:
    """newsraft's feeds file: `@ Section` starts a section (its name becomes a tag), each
    feed is `URL "Title"`, `{ ... }` holds settings (listed as not carried over)."""
    result = UrlsFile(path)
    section: str | None = None
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        shown = clean_line(line)[:200]
        if line.startswith("@"):
            section = clean_line(line[1:].strip().split("{")[0].strip()) or None
            if "{" in line:
                result.skipped.append(
                    Skipped(path, number, shown, "newsraft settings do not carry over")
                )
            continue
        settings = re.search(r"\{.*\}\s*$", line)
        if settings:
            result.skipped.append(
                Skipped(path, number, shown, "newsraft settings do not carry over")
            )
            line = line[: settings.start()].strip()
            if not line:
                continue
        tokens = tokenize_quoted(line)
        url = clean_url(tokens[0]) if tokens else ""
        if tokens and tokens[0].startswith("$("):
            result.skipped.append(Skipped(path, number, shown, "command feeds are not run"))
            continue
        if not re.match(r"^(https?|file)://", url, re.I):
            result.skipped.append(
                Skipped(path, number, shown, "not a feed address (http, https or file)")
            )
            continue
        if url in seen:
            result.skipped.append(Skipped(path, number, shown, "the same address again"))
            continue
        seen.add(url)
        title = clean_line(" ".join(tokens[1:])) or None
        tags = (section,) if section else ()
        result.feeds.append(UrlEntry(url, tags, title, False, number))
    return result


def parse_plain(text: str, path: str = "list") -> UrlsFile:
    """One address a line; anything else is reported."""
    result = UrlsFile(path)
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        url = clean_url(line.split()[0])
        if not re.match(r"^(https?|file)://", url, re.I):
            reason = "not a feed address (http, https or file)"
            result.skipped.append(Skipped(path, number, clean_line(line)[:200], reason))
        elif url not in seen:
            seen.add(url)
            result.feeds.append(UrlEntry(url, line=number))
    return result
