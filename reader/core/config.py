"""The user's TOML config: where it lives, what it may say, and writing it back.

Reading is strict (tomllib, every key and type checked) so that a typo is reported with the
file and line instead of being ignored. Writing goes through tomlkit so that the user's
comments and layout survive `byline add`, `remove`, `import` and theme changes.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from reader.core.rules import SORTS, Rule, SavedView, parse_action

APP_NAME = "byline"


class ConfigError(Exception):
    """A config the user must fix; str() is the whole message shown (file, line, what to do)."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Settings:
    """Global settings; every field is optional in the file."""

    refresh_on_start: bool = True
    refresh_minutes: int = 30
    concurrency: int = 64  # async downloads are cheap; per_host is what keeps servers safe
    per_host: int = 4
    timeout_s: float = 20.0
    max_bytes: int = 20_000_000
    keep_days: int = 90
    max_items_per_feed: int = 1000
    mark_read_on_open: bool = True
    full_text: bool = False
    browser: str | tuple[str, ...] = ""  # a command line, or an argv list like notify_command
    theme: str = "textual-dark"
    layout: str = "auto"  # article below the list (stacked), beside it (side), or by width
    dedupe: bool = True  # the same story in several feeds is shown once
    notify_command: tuple[str, ...] = ()  # argv run after a refresh that brought new entries
    images: str = "auto"  # pictures in articles: auto (the best the terminal has), blocks, off
    image_cache_mb: float = (
        200.0  # pictures kept for offline reading, least recently shown out first
    )
    player: tuple[
        str, ...
    ] = ()  # argv that plays an enclosure; () = mpv if installed, else the opener
    download_dir: str = ""  # where episodes are saved; "" = the platform's downloads folder/byline
    download_template: str = "{feed}/{date} {title}.{ext}"
    max_download_mb: float = 4096.0
    delete_played: bool = False  # remove a downloaded episode once it was played to the end


# Settings a single feed may override (the rest only make sense globally).
FEED_OVERRIDES = (
    "refresh_minutes", "timeout_s", "max_bytes", "max_items_per_feed", "full_text", "images",
)  # fmt: skip
IMAGE_MODES = ("auto", "blocks", "off")


@dataclass(frozen=True, slots=True)
class FeedConfig:
    url: str
    title: str | None = None
    tags: tuple[str, ...] = ()
    overrides: dict[str, Any] = field(default_factory=dict)
    command: tuple[str, ...] = ()  # the feed is this program's output (url is command_url(command))
    filter: tuple[str, ...] = ()  # the fetched bytes pass through this program before parsing
    # CSS selector of the article on this feed's pages (issue 25): wins over extraction.
    full_text_selector: str | None = None

    def setting(self, settings: Settings, name: str) -> Any:
        """This feed's value of a setting: its own override, else the global one."""
        return self.overrides.get(name, getattr(settings, name))


SYNC_KINDS = ("greader", "fever", "ttrss", "nextcloud")


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """The [sync] table: a feed server to sync with. The password never lives here: it comes
    from `password_command` (argv, run without a shell) or the `password_env` variable, read
    only when a sync runs (reader.core.sync.base.read_password)."""

    kind: str
    url: str
    username: str
    password_command: tuple[str, ...] = ()
    password_env: str | None = None
    app_id: str | None = None  # Inoreader's AppId/AppKey headers
    app_key: str | None = None


@dataclass(frozen=True, slots=True)
class PipeCommand:
    """`[pipe_commands]`: a program the open article can be piped to (`|` in the app), by name."""

    name: str
    command: tuple[str, ...]
    send: str = "markdown"  # what goes to its standard input: the article as Markdown, or its link


PIPE_SENDS = ("markdown", "link")


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    settings: Settings = Settings()
    feeds: tuple[FeedConfig, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)
    sync: SyncConfig | None = None
    rules: tuple[Rule, ...] = ()
    views: tuple[SavedView, ...] = ()
    pipes: tuple[PipeCommand, ...] = ()

    def feed(self, url: str) -> FeedConfig | None:
        return next((f for f in self.feeds if f.url == url), None)


# ---------------------------------------------------------------- locations


def config_path(cli_value: str | None = None) -> Path:
    """--config, else $BYLINE_CONFIG, else the platform's config dir."""
    value = cli_value or os.environ.get("BYLINE_CONFIG")
    if value:
        return Path(value).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def data_dir(cli_value: str | None = None) -> Path:
    """--data-dir, else $BYLINE_DATA_DIR, else the platform's data dir."""
    value = cli_value or os.environ.get("BYLINE_DATA_DIR")
    if value:
        return Path(value).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME))


# ---------------------------------------------------------------- reading

_LIST_SETTINGS = {"notify_command", "player"}  # argv lists, checked by _settings itself
_ANY_SETTINGS = {"browser"}  # a command line or an argv list (_browser)
_SETTING_TYPES = {
    f.name: f.type for f in fields(Settings) if f.name not in _LIST_SETTINGS | _ANY_SETTINGS
}
_TYPES = {"bool": (bool,), "int": (int,), "float": (int, float), "str": (str,)}
_TYPE_NAMES = {"bool": "true or false", "int": "whole number", "float": "number", "str": "string"}
_POSITIVE = {
    "concurrency", "per_host", "timeout_s", "max_bytes", "max_items_per_feed", "max_download_mb",
}  # fmt: skip
_CHOICES = {"images": IMAGE_MODES, "layout": ("auto", "stacked", "side")}
_NON_NEGATIVE = {"refresh_minutes", "keep_days", "image_cache_mb"}
_MAX_NUMBER = 10**12


def load(path: Path) -> Config:
    """Read and validate a config file; raise ConfigError with the line where it can."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, "no such config file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(path, f"cannot read the config: {err}") from None
    return parse(text, path)


def parse(text: str, path: Path) -> Config:
    """Validate config text; every problem names the key and what would be right."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"\(at line (\d+), column \d+\)", str(err))
        line = int(match.group(1)) if match else None
        reason = re.sub(r"\s*\(at line.*\)$", "", str(err))
        raise ConfigError(path, f"not valid TOML: {reason}", line) from None
    locate = _Locator(text)
    _check_keys(
        data,
        {"settings", "keys", "feeds", "sync", "rules", "views", "pipe_commands"},
        "top level",
        path,
        locate.top,
    )
    settings = _settings(data.get("settings", {}), path, locate)
    keys = _keys(data.get("keys", {}), path, locate)
    feeds = _feeds(data.get("feeds", []), path, locate)
    sync = _sync(data["sync"], path, locate) if "sync" in data else None
    rules = _rules(data.get("rules", []), path, locate)
    views = _views(data.get("views", []), path, locate)
    pipes = _pipes(data.get("pipe_commands", {}), path, locate)
    return Config(
        path=path, settings=settings, feeds=feeds, keys=keys, sync=sync, rules=rules, views=views,
        pipes=pipes,
    )  # fmt: skip


def _pipes(table: Any, path: Path, locate: _Locator) -> tuple[PipeCommand, ...]:
    """`name = ["prog", "arg"]` (sends the article as Markdown) or `name = {command = [...], send = "link"}`."""
    line_of = locate.in_table("pipe_commands")
    if not isinstance(table, dict):
        raise ConfigError(
            path, '[pipe_commands] must be a table of name = ["program", ...]', line_of(None)
        )
    pipes = []
    for name, value in table.items():
        where = f"pipe_commands.{name}"
        spec = value if isinstance(value, dict) else {"command": value}
        _check_keys(spec, {"command", "send"}, where, path, lambda _key, n=name: line_of(n))
        command = _argv(spec, "command", where, path, line_of(name))
        if not command:
            raise ConfigError(path, f'{where} needs command = ["program", "arg"]', line_of(name))
        send = spec.get("send", "markdown")
        if send not in PIPE_SENDS:
            raise ConfigError(
                path, f'send in {where} must be "markdown" or "link", not {send!r}', line_of(name)
            )
        pipes.append(PipeCommand(name, command, send))
    return tuple(pipes)


def _check_keys(table: Any, allowed: set[str], where: str, path: Path, line_of) -> None:
    if not isinstance(table, dict):
        raise ConfigError(path, f"{where} must be a table", line_of(None))
    for key in table:
        if key not in allowed:
            raise ConfigError(
                path, f"unknown key {key!r} in {where}; {_hint(key, allowed)}", line_of(key)
            )


def _hint(key: str, allowed: set[str]) -> str:
    """ "did you mean …" for a near miss (issue 28: a typo listed every allowed key), else
    the allowed keys."""
    import difflib

    close = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"allowed: {', '.join(sorted(allowed))}"


def _check_value(name: str, value: Any, where: str, path: Path, line: int | None) -> Any:
    kind = _SETTING_TYPES[name]
    ok = isinstance(value, _TYPES[kind]) and not (kind != "bool" and isinstance(value, bool))
    if not ok:
        raise ConfigError(
            path, f"{name} in {where} must be a {_TYPE_NAMES[kind]}, not {value!r}", line
        )
    if kind in ("int", "float") and not math.isfinite(value):
        # nan slips through every comparison below; inf would mean "no timeout at all".
        raise ConfigError(path, f"{name} in {where} must be a finite number, not {value!r}", line)
    if kind in ("int", "float") and value > _MAX_NUMBER:
        # Past this SQLite cannot bind the value (OverflowError deep inside a refresh).
        raise ConfigError(path, f"{name} in {where} must be at most {_MAX_NUMBER:,}", line)
    if name == "download_template":
        problem = _template_problem(value)
        if problem:
            raise ConfigError(path, f"download_template in {where} {problem}", line)
    if name in _CHOICES and value not in _CHOICES[name]:
        choices = ", ".join(f'"{c}"' for c in _CHOICES[name])
        raise ConfigError(path, f"{name} in {where} must be one of {choices}, not {value!r}", line)
    if name in _POSITIVE and value <= 0:
        raise ConfigError(path, f"{name} in {where} must be greater than 0", line)
    if name in _NON_NEGATIVE and value < 0:
        raise ConfigError(path, f"{name} in {where} must be 0 or more", line)
    if name == "download_template":
        problem = _template_problem(value)
        if problem:
            raise ConfigError(path, f"download_template in {where} {problem}", line)
    if name in _CHOICES and value not in _CHOICES[name]:
        allowed = ", ".join(f'"{c}"' for c in _CHOICES[name])
        raise ConfigError(path, f"{name} in {where} must be one of {allowed}, not {value!r}", line)
    return float(value) if kind == "float" else value


TEMPLATE_FIELDS = ("feed", "title", "date", "ext")  # what download_template may name


def _template_problem(template: str) -> str | None:
    """Why `download_template` cannot name a file, or None."""
    import string

    try:
        fields_ = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as err:
        return f"is not a valid template ({err})"
    unknown = fields_ - set(TEMPLATE_FIELDS)
    if unknown:
        allowed = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
        return f"may use {allowed}, not {', '.join('{' + f + '}' for f in sorted(unknown))}"
    return None


def _settings(table: Any, path: Path, locate: _Locator) -> Settings:
    line_of = locate.in_table("settings")
    allowed = set(_SETTING_TYPES) | _LIST_SETTINGS | _ANY_SETTINGS
    _check_keys(table, allowed, "[settings]", path, line_of)
    values = {
        k: _check_value(k, v, "[settings]", path, line_of(k))
        for k, v in table.items()
        if k not in _LIST_SETTINGS | _ANY_SETTINGS
    }
    examples = {"notify_command": '["notify-send", "Byline"]', "player": '["mpv", "--no-video"]'}
    for name in sorted(_LIST_SETTINGS & set(table)):
        argv = table[name]
        if not (isinstance(argv, list) and argv and all(isinstance(a, str) and a for a in argv)):
            raise ConfigError(
                path,
                f"{name} in [settings] must be a list of strings (the program and its"
                f" arguments, no shell), e.g. {examples[name]}",
                line_of(name),
            )
        values[name] = tuple(argv)
    if "browser" in table:
        values["browser"] = _browser(table["browser"], path, line_of("browser"))
    return replace(Settings(), **values)


def _browser(value: Any, path: Path, line: int | None) -> str | tuple[str, ...]:
    """`browser` as a command line ("firefox --new-tab", split without a shell) or, like
    notify_command, an argv list (["firefox", "--new-tab"]): issue 28."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(a, str) and a for a in value):
        return tuple(value)
    raise ConfigError(
        path,
        'browser in [settings] must be a command ("firefox --new-tab") or a list of strings'
        ' (["firefox", "--new-tab"])',
        line,
    )


def _keys(table: Any, path: Path, locate: _Locator) -> dict[str, str]:
    line_of = locate.in_table("keys")
    if not isinstance(table, dict):
        raise ConfigError(path, '[keys] must be a table of binding id = "keys"', line_of(None))
    for name, value in table.items():
        if not isinstance(value, str) or not value.strip():
            shown = name if str(name).isprintable() else repr(name)  # one line, always
            raise ConfigError(
                path, f'keys.{shown} must be a string such as "j,down"', line_of(name)
            )
    return dict(table)


COMMAND_SCHEME = "exec:"


def command_url(argv: tuple[str, ...]) -> str:
    """The address a command feed is known by in the cache: `exec:` and its argv, as newsboat writes it."""
    return COMMAND_SCHEME + shlex.join(argv)


def feed_url_problem(url: str) -> str | None:
    """Why `url` cannot be a feed address, or None. Checked when the config is read, so
    `ftp://…` or `feeds.example.com/rss` fail at once with the line, not at the next refresh
    with "unsupported address scheme ''" (issue 10)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as err:  # "http://[::1" and the like
        return f"{url!r} is not a valid address ({err})"
    scheme = parts.scheme.lower()
    if scheme in ("exec", "filter") and "://" not in url:
        return (
            f'{url!r}: a feed made by a program is written command = ["program", "arg"], and a filter '
            f'filter = ["program"] beside the url (argv lists, run without a shell)'
        )
    if scheme in ("http", "https"):
        if not host:
            return f"{url!r} is incomplete: no host name after {scheme}://"
        return None
    if scheme == "file":
        return None if parts.path not in ("", "/") else f"{url!r} is incomplete: no file path"
    if url.startswith(("/", "./", "../", "~/")):  # a path (issue 28): say its file:// address
        local = Path(url).expanduser().absolute().as_uri()
        return f"{url!r} is a file path, not an address: for a local feed give '{local}'"
    if "://" not in url:
        hint = f" such as 'https://{url}'" if ":" not in url else ""
        return f"{url!r} is not a full address: give an http(s) address{hint}, or file:// for a local feed"
    return f"{url!r}: {scheme}:// is not supported; give an http(s) address, or file:// for a local feed"


def _feeds(items: Any, path: Path, locate: _Locator) -> tuple[FeedConfig, ...]:
    if not isinstance(items, list):
        raise ConfigError(path, "feeds must be written as [[feeds]] tables", locate.top("feeds"))
    allowed = {"url", "title", "tags", "command", "filter", "full_text_selector", *FEED_OVERRIDES}
    seen: dict[str, int] = {}
    feeds = []
    for index, item in enumerate(items):
        line_of = locate.in_array("feeds", index)
        where = f"[[feeds]] #{index + 1}"
        _check_keys(item, allowed, where, path, line_of)
        command = _argv(item, "command", where, path, line_of("command"))
        filter_ = _argv(item, "filter", where, path, line_of("filter"))
        url = _feed_url(item, command, where, path, line_of)
        if url in seen:
            raise ConfigError(
                path,
                f"duplicate feed {url} (also [[feeds]] #{seen[url] + 1}); remove one",
                line_of("url"),
            )
        seen[url] = index
        title = item.get("title")
        if title is not None and not isinstance(title, str):
            raise ConfigError(path, f"title in {where} must be a string", line_of("title"))
        tags = item.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            raise ConfigError(path, f"tags in {where} must be a list of strings", line_of("tags"))
        overrides = {
            k: _check_value(k, item[k], where, path, line_of(k))
            for k in FEED_OVERRIDES
            if k in item
        }
        selector = _selector(item.get("full_text_selector"), where, path, line_of)
        tags = tuple(t.strip() for t in tags)
        feeds.append(FeedConfig(url, title, tags, overrides, command, filter_, selector))
    return tuple(feeds)


def _feed_url(item: dict, command: tuple[str, ...], where: str, path: Path, line_of) -> str:
    """A feed's address: its url, or the one its command is known by (one of the two)."""
    url = item.get("url")
    if command:
        if url is not None:
            raise ConfigError(path, f"{where} has both url and command: keep one", line_of("url"))
        return command_url(command)
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(
            path, f'{where} needs url = "https://..." (or command = ["program"])', line_of("url")
        )
    url = url.strip()
    problem = feed_url_problem(url)
    if problem:
        raise ConfigError(path, f"url in {where}: {problem}", line_of("url"))
    return url


def _argv(item: dict, key: str, where: str, path: Path, line: int | None) -> tuple[str, ...]:
    """A program to run, as an argv list: a string is refused, since it would invite a shell."""
    value = item.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(
            path,
            f'{key} in {where} must be a list such as ["program", "arg"] (run without a shell)',
            line,
        )
    return tuple(value)


def _selector(value: Any, where: str, path: Path, line_of) -> str | None:
    """A feed's `full_text_selector`: a non-empty string that parses as CSS, checked here so
    a typo is reported at start-up, not as a silent miss at every refresh."""
    if value is None:
        return None
    line = line_of("full_text_selector")
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, f"full_text_selector in {where} must be a CSS selector", line)
    from cssselect import GenericTranslator, SelectorError  # only configs that use it pay

    try:
        GenericTranslator().css_to_xpath(value)
    except SelectorError as err:
        raise ConfigError(
            path, f"full_text_selector in {where} is not valid CSS: {err}", line
        ) from None
    return value.strip()


_SYNC_KEYS = {
    "kind", "url", "username", "password_command", "password_env", "app_id", "app_key",
}  # fmt: skip


def _sync(table: Any, path: Path, locate: _Locator) -> SyncConfig:
    """[sync]: strict like the rest, and a plain password is refused with the reason."""
    line_of = locate.in_table("sync")
    if not isinstance(table, dict):
        raise ConfigError(path, "[sync] must be a table", line_of(None))
    if "password" in table:
        raise ConfigError(
            path,
            "[sync] password is not allowed: a password written in the config file sits in plain"
            ' text (and in backups and dotfile repos); use password_command = ["pass", "show",'
            ' "rss"] (run without a shell) or password_env = "BYLINE_SYNC_PASSWORD"',
            line_of("password"),
        )
    _check_keys(table, _SYNC_KEYS, "[sync]", path, line_of)

    def text(key: str, required: bool = False) -> str | None:
        value = table.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(path, f'[sync] needs {key} = "..." (a string)', line_of(key))
        return value.strip()

    kind = text("kind", required=True)
    if kind not in SYNC_KINDS:
        raise ConfigError(
            path,
            f"[sync] kind must be one of {', '.join(SYNC_KINDS)}, not {kind!r}",
            line_of("kind"),
        )
    url = text("url", required=True)
    if not re.match(r"^https?://[^/\s]+", url):
        raise ConfigError(path, "[sync] url must start with http:// or https://", line_of("url"))
    username = text("username", required=True)
    command = table.get("password_command")
    if command is not None and (
        not isinstance(command, list)
        or not command
        or not all(isinstance(a, str) and a for a in command)
    ):
        raise ConfigError(
            path,
            '[sync] password_command must be a list of strings, e.g. ["pass", "show", "rss"]',
            line_of("password_command"),
        )
    env = text("password_env")
    if command is None and env is None:
        raise ConfigError(
            path,
            '[sync] needs password_command = [...] or password_env = "VARIABLE" for the password',
            line_of(None),
        )
    if command is not None and env is not None:
        raise ConfigError(
            path, "[sync] give password_command or password_env, not both", line_of("password_env")
        )
    return SyncConfig(
        kind, url, username, tuple(command or ()), env, text("app_id"), text("app_key")
    )


def _expression(value: Any, where: str, key: str, path: Path, locate: _Locator, line: int | None):
    """Parse a rule's or a view's expression; a problem is shown with the file's line and a
    caret under the column where it is."""
    if not isinstance(value, str):
        raise ConfigError(path, f"{key} in {where} must be a string expression", line)
    from reader.core.rules import expr  # the grammar loads only for rules and views

    try:
        return expr.parse(value)
    except expr.ExprError as err:
        raw = locate.lines[line - 1] if line and line <= len(locate.lines) else ""
        at = raw.find(value) if value and "\n" not in value else -1
        shown, column = (raw, at + err.column) if at >= 0 else (value, err.column)
        caret = f"\n    {shown}\n    {' ' * column}^"
        raise ConfigError(path, f"{key} in {where}: {err.message}{caret}", line) from None


def _string_list(item: dict, key: str, where: str, path: Path, line: int | None) -> tuple:
    values = item.get(key, [])
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(path, f"{key} in {where} must be a list of strings", line)
    return tuple(v.strip() for v in values)


def _rules(items: Any, path: Path, locate: _Locator) -> tuple[Rule, ...]:
    if not isinstance(items, list):
        raise ConfigError(path, "rules must be written as [[rules]] tables", locate.top("rules"))
    rules = []
    for index, item in enumerate(items):
        line_of = locate.in_array("rules", index)
        where = f"[[rules]] #{index + 1}"
        _check_keys(item, {"match", "action", "feeds", "tags"}, where, path, line_of)
        if "match" not in item or "action" not in item:
            raise ConfigError(
                path, f"{where} needs match = '...' and action = \"...\"", line_of(None)
            )
        expr = _expression(item["match"], where, "match", path, locate, line_of("match"))
        raw_actions = item["action"] if isinstance(item["action"], list) else [item["action"]]
        actions = []
        for raw in raw_actions:
            action = parse_action(raw) if isinstance(raw, str) else None
            if action is None:
                raise ConfigError(
                    path,
                    f"action in {where} must be mark_read, hide, save, highlight or tag:NAME"
                    f" (or a list of them), not {raw!r}",
                    line_of("action"),
                )
            if action not in actions:
                actions.append(action)
        feeds = _string_list(item, "feeds", where, path, line_of("feeds"))
        tags = _string_list(item, "tags", where, path, line_of("tags"))
        rules.append(Rule(index + 1, expr, tuple(actions), feeds, tags))
    return tuple(rules)


def _views(items: Any, path: Path, locate: _Locator) -> tuple[SavedView, ...]:
    if not isinstance(items, list):
        raise ConfigError(path, "views must be written as [[views]] tables", locate.top("views"))
    views: list[SavedView] = []
    for index, item in enumerate(items):
        line_of = locate.in_array("views", index)
        where = f"[[views]] #{index + 1}"
        _check_keys(item, {"name", "match", "sort"}, where, path, line_of)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(path, f'{where} needs name = "..."', line_of("name"))
        name = name.strip()
        if any(v.name == name for v in views):
            raise ConfigError(path, f"two views are named {name!r}; rename one", line_of("name"))
        if "match" not in item:
            raise ConfigError(path, f"{where} needs match = '...'", line_of(None))
        expr = _expression(item["match"], where, "match", path, locate, line_of("match"))
        sort = item.get("sort", "newest")
        if sort not in SORTS:
            raise ConfigError(
                path, f"sort in {where} must be one of {', '.join(SORTS)}", line_of("sort")
            )
        views.append(SavedView(name, expr, sort))
    return tuple(views)


def key_line(path: Path, table: str, key: str) -> int | None:
    """The line of `key` in `[table]` of the file, for messages about checks made elsewhere
    (the CLI checks [keys] against the app's binding ids)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return _Locator(text).in_table(table)(key)


class _Locator:
    """Finds the line of a key in the raw text, since tomllib keeps no positions."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"-]+)\s*\]\]?")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # Found once: a config of 10,000 feeds asks for 10,000 sections (was quadratic).
        self.headers: list[tuple[int, str, bool]] = []
        self._by_name: dict[tuple[str, bool], list[int]] = {}
        for number, line in enumerate(self.lines):
            match = self._HEADER.match(line)
            if match:
                is_array = line.lstrip().startswith("[[")
                self._by_name.setdefault((match.group(1), is_array), []).append(len(self.headers))
                self.headers.append((number, match.group(1), is_array))

    def _key_line(self, key: str | None, start: int, stop: int) -> int | None:
        if key is None:
            return start + 1 if start >= 0 else None
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(max(start, 0), stop):
            if pattern.match(self.lines[number]):
                return number + 1
        return start + 1 if start >= 0 else None

    def _section(self, name: str, index: int | None) -> tuple[int, int]:
        hits = self._by_name.get((name, index is not None), [])
        pick = hits[index or 0] if len(hits) > (index or 0) else None
        if pick is None:
            return -1, 0
        start = self.headers[pick][0]
        stop = self.headers[pick + 1][0] if pick + 1 < len(self.headers) else len(self.lines)
        return start, stop

    def top(self, key: str | None) -> int | None:
        """The line of a top-level `key = …`, else of its `[key]`/`[[key]]`/`[key.sub]`
        header (an unknown table was reported at line 1: issue 28, bug 9)."""
        if not key:
            return None
        stop = self.headers[0][0] if self.headers else len(self.lines)
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(stop):
            if pattern.match(self.lines[number]):
                return number + 1
        for number, name, _is_array in self.headers:
            if name.strip("\"'") == key or name.split(".")[0].strip("\"'") == key:
                return number + 1
        return None

    def in_table(self, name: str):
        start, stop = self._section(name, None)
        return lambda key: self._key_line(key, start, stop)

    def in_array(self, name: str, index: int):
        start, stop = self._section(name, index)
        return lambda key: self._key_line(key, start, stop)


# ---------------------------------------------------------------- writing

STARTER = """\
# Byline configuration. Every setting is optional; the defaults are shown.
# Reference: the README's "Configuration" section (byline --help for commands).

[settings]
refresh_on_start = true   # refresh when the app opens
refresh_minutes = 30      # background refresh interval in the app; 0 = off
concurrency = 64          # simultaneous downloads (per_host keeps each server safe)
per_host = 4              # simultaneous downloads per host
timeout_s = 20
max_bytes = 20_000_000    # size cap of one download
keep_days = 90            # read, unsaved entries older than this are pruned; saved ones never
max_items_per_feed = 1000
mark_read_on_open = true
full_text = false         # fetch whole articles for every feed (or per feed below)
# browser = "firefox --new-tab"   # default: the system's browser
theme = "textual-dark"

[keys]
# binding id = "keys", e.g.:
# cursor_down = "j,down"

[[feeds]]
url = "https://feeds.bbci.co.uk/news/world/rss.xml"
title = "BBC World"
tags = ["world"]

[[feeds]]
url = "https://www.theguardian.com/world/rss"
title = "The Guardian: World"
tags = ["world"]

[[feeds]]
url = "https://feeds.npr.org/1001/rss.xml"
title = "NPR News"
tags = ["us"]

[[feeds]]
url = "https://www.aljazeera.com/xml/rss/all.xml"
title = "Al Jazeera"
tags = ["world"]

[[feeds]]
url = "https://feeds.arstechnica.com/arstechnica/index"
title = "Ars Technica"
tags = ["tech"]
"""


def write_starter(path: Path, with_feeds: bool = True) -> None:
    """Create a commented starter config (never over an existing file); an import starts
    from one without the sample feeds (`with_feeds=False`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = STARTER if with_feeds else STARTER[: STARTER.index("[[feeds]]")]
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)


def _edit(path: Path, change) -> None:
    """Apply `change` to the tomlkit document and write it atomically, comments kept.

    tomlkit is imported here, not at the top: only edits need it, and every start of the
    app and the CLI reads the config (issue 16: nothing the first screen does not use).
    """
    import tomlkit

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    doc = tomlkit.parse(text)
    change(doc)
    new_text = tomlkit.dumps(doc)
    parse(new_text, path)  # never write a config we could not read back
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(new_text, encoding="utf-8")
    os.replace(tmp, path)


def add_feeds(path: Path, feeds: list[FeedConfig]) -> list[FeedConfig]:
    """Append feeds not yet configured; return the ones actually added."""
    current = {f.url for f in load(path).feeds} if path.exists() else set()
    new = [f for f in feeds if f.url not in current and not current.add(f.url)]
    if not new:
        return []

    def change(doc) -> None:
        import tomlkit

        top = not doc.as_string().strip()  # an empty file: the first table needs no blank line
        if "feeds" not in doc:
            doc.append("feeds", tomlkit.aot())
        feeds = doc["feeds"]
        for feed in new:
            table = tomlkit.table()
            table["url"] = feed.url
            if feed.title:
                table["title"] = feed.title
            if feed.tags:
                table["tags"] = list(feed.tags)
            if len(feeds) or not top:
                _blank_line_before(table, feeds[-1] if len(feeds) else None)
            feeds.append(table)
        if list(doc)[-1] != "feeds":  # a table follows the feeds: keep a blank line before it
            feeds[-1].add(tomlkit.nl())

    _edit(path, change)
    return new


def _blank_line_before(table, previous) -> None:
    """One blank line between [[feeds]] tables, as the starter config and people write them
    (issue 28: tomlkit appended them with none); none added where the one before has it."""
    if previous is None or not previous.as_string().endswith("\n\n"):
        table.trivia.indent = "\n"


def remove_feed(path: Path, url: str) -> bool:
    """Remove the feed with this URL; False when it was not configured."""
    if load(path).feed(url) is None:
        return False

    def change(doc) -> None:
        feeds = doc["feeds"]
        index = next(i for i, item in enumerate(feeds) if item.get("url", "").strip() == url)
        del feeds[index]

    _edit(path, change)
    return True


def set_setting(path: Path, name: str, value: Any) -> None:
    """Change one [settings] value (e.g. the theme chosen in the app)."""

    def change(doc) -> None:
        import tomlkit

        if "settings" not in doc:
            doc["settings"] = tomlkit.table()
        doc["settings"][name] = value

    _edit(path, change)


# ---------------------------------------------------------------- imports (issue 27)


@dataclass(frozen=True, slots=True)
class Imported:
    """One thing an import brings into the config, and the line it came from (written beside
    it as a comment, so the user can always see where a setting came from)."""

    value: Any
    origin: str


@dataclass(slots=True)
class ConfigImport:
    """What an import adds to the config: only what the config does not say yet."""

    feeds: list[Imported] = field(default_factory=list)  # FeedConfig values
    settings: dict[str, Imported] = field(default_factory=dict)
    keys: dict[str, Imported] = field(default_factory=dict)
    rules: list[Imported] = field(default_factory=list)  # {"match", "action", "feeds"?}
    views: list[Imported] = field(default_factory=list)  # {"name", "match"}
    conflicts: list[str] = field(default_factory=list)  # a view name already used otherwise

    @property
    def empty(self) -> bool:
        return not (self.feeds or self.settings or self.keys or self.rules or self.views)


def import_changes(current: Config | None, wanted: ConfigImport) -> ConfigImport:
    """The part of `wanted` that `current` does not already say (a second import of the same
    files finds nothing left to write)."""
    current = current or Config(path=Path("config.toml"))
    out = ConfigImport()
    known = {f.url for f in current.feeds}
    for item in wanted.feeds:
        if item.value.url not in known:
            known.add(item.value.url)
            out.feeds.append(item)
    for name, item in wanted.settings.items():
        if getattr(current.settings, name) != item.value:
            out.settings[name] = item
    for name, item in wanted.keys.items():
        if current.keys.get(name) != item.value:
            out.keys[name] = item
    have = {(r.match.source, r.actions, r.feeds, r.tags) for r in current.rules}
    for item in wanted.rules:
        rule = item.value
        key = (rule["match"], (rule["action"],), tuple(rule.get("feeds", ())), ())
        if key not in have:
            have.add(key)
            out.rules.append(item)
    views = {v.name: v.match.source for v in current.views}
    for item in wanted.views:
        name, match = item.value["name"], item.value["match"]
        if name not in views:
            views[name] = match
            out.views.append(item)
        elif views[name] != match:
            out.conflicts.append(f"{item.origin}: a view named {name!r} already exists; kept yours")
    return out


def import_text(path: Path, changes: ConfigImport) -> str:
    """The config file's text with `changes` added, comments and layout kept; each added
    line carries its origin as a comment. Checked by `parse` (raises ConfigError)."""
    import tomlkit

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    doc = tomlkit.parse(text)
    for table_name, values in (("settings", changes.settings), ("keys", changes.keys)):
        if not values:
            continue
        if table_name not in doc:
            doc[table_name] = tomlkit.table()
        for name, item in values.items():
            value = tomlkit.item(list(item.value) if isinstance(item.value, tuple) else item.value)
            value.comment(item.origin)
            doc[table_name][name] = value
    for array, items in (
        ("feeds", changes.feeds),
        ("rules", changes.rules),
        ("views", changes.views),
    ):
        if not items:
            continue
        if array not in doc:
            doc.add(tomlkit.nl())
            doc.append(array, tomlkit.aot())
        for item in items:
            table = tomlkit.table()
            table.add(tomlkit.comment(item.origin))
            fields_ = _feed_fields(item.value) if array == "feeds" else item.value
            for key, value in fields_.items():
                table[key] = _toml_value(value)
            doc[array].append(table)
    new_text = tomlkit.dumps(doc)
    parse(new_text, path)  # never write a config we could not read back
    return new_text


def _feed_fields(feed: FeedConfig) -> dict[str, Any]:
    out: dict[str, Any] = {"command": list(feed.command)} if feed.command else {"url": feed.url}
    if feed.filter:
        out["filter"] = list(feed.filter)
    if feed.title:
        out["title"] = feed.title
    if feed.tags:
        out["tags"] = list(feed.tags)
    return out


def _toml_value(value: Any) -> Any:
    """Expressions as 'literal strings' where they can be (no backslash doubling to read)."""
    import tomlkit

    if (
        isinstance(value, str)
        and "'" not in value
        and "\n" not in value
        and ("\\" in value or '"' in value)
    ):
        return tomlkit.string(value, literal=True)
    return value


def write_text(path: Path, text: str) -> None:
    """Replace the config file atomically (a kill leaves the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
