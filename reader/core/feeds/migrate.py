"""Coming over from another reader in one command (issue 27): a plan of everything that maps
(feeds, views, rules, settings, keys, history), then one apply.

The plan is pure: reading newsboat's files and translating them, nothing written, so
`--dry-run` prints exactly what an import would do. The apply writes the history into the
cache in ONE transaction (a kill leaves the cache as it was) and then the config in one
atomic replace; both only add what is missing, so a second import changes nothing. The
cache goes first: were the process killed between the two, a rerun finds the history there
and writes the config; nothing is ever fetched twice nor marked unread again.
"""

from __future__ import annotations

import os
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email.utils import formatdate, parsedate
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from reader.core import config as cfg
from reader.core.config import ConfigImport, FeedConfig, Imported
from reader.core.feeds import newsboat as nb
from reader.core.feeds.newsboat import NewsboatError, Skipped
from reader.core.rules.newsboat_filter import translate
from reader.core.store.foreign import ImportCounts, ImportedEntry
from reader.core.text.parse import ParsedEntry, entry_identity
from reader.core.text.sanitize import clean_line, clean_url

if TYPE_CHECKING:
    from reader.core.store import Store

__all__ = ["NewsboatError", "Plan", "apply", "plan_file", "plan_newsboat"]

# newsboat operation -> Byline binding id (reader/tui/keymap.py), for actions both have.
OPERATIONS = {
    "down": "cursor_down", "next": "cursor_down", "up": "cursor_up", "prev": "cursor_up",
    "open": "open", "pagedown": "page_down", "pageup": "page_up",
    "next-unread": "next_unread", "prev-unread": "prev_unread",
    "toggle-article-read": "toggle_read", "mark-feed-read": "mark_view_read",
    "open-in-browser": "open_browser", "open-in-browser-and-mark-read": "open_browser",
    "reload": "refresh_feed", "reload-all": "refresh_all", "quit": "quit", "hard-quit": "quit",
    "help": "help", "show-urls": "links", "home": "first", "end": "last", "search": "search",
    "edit-flags": "toggle_saved",
}  # fmt: skip

_KEY_NAMES = {
    "ENTER": "enter", "SPACE": "space", "TAB": "tab", "ESC": "escape", "BACKSPACE": "backspace",
    "UP": "up", "DOWN": "down", "LEFT": "left", "RIGHT": "right", "HOME": "home", "END": "end",
    "PPAGE": "pageup", "NPAGE": "pagedown", "DEL": "delete", "INS": "insert",
    "?": "question_mark", "/": "slash", "[": "left_square_bracket",
    "]": "right_square_bracket", "\\": "backslash", ",": "comma", ".": "full_stop",
    ":": "colon", ";": "semicolon", "!": "exclamation_mark", "#": "number_sign",
    "$": "dollar_sign", "%": "percent_sign", "&": "ampersand", "'": "apostrophe",
    "(": "left_parenthesis", ")": "right_parenthesis", "*": "asterisk", "+": "plus",
    "-": "minus", "<": "less_than_sign", "=": "equals_sign", ">": "greater_than_sign",
    "@": "at", "^": "circumflex_accent", "_": "underscore", "`": "grave_accent",
    "{": "left_curly_bracket", "|": "vertical_line", "}": "right_curly_bracket", "~": "tilde",
}  # fmt: skip

_REASONS = {
    "color": "colours do not carry over: Byline has themes ([settings] theme)",
    "highlight": 'colours do not carry over: a [[rules]] action = "highlight" marks entries',
    "highlight-article": 'colours do not carry over: a [[rules]] action = "highlight" marks entries',
    "highlight-feed": "colours do not carry over",
    "macro": "Byline has no macros",
    "unbind-key": "Byline keeps its default keys beside the ones you add in [keys]",
    "include": "an included file is not followed; import its lines by hand",
    "urls-source": "remote feed services: use Byline's [sync] instead",
    "define-filter": "a filter in the filter menu: write it as a [[views]] match",
    "reload-threads": "not carried: Byline downloads up to 64 feeds at once by default "
    "(concurrency) with per_host keeping each server safe; newsboat's thread count would "
    "only slow it down",
}


@dataclass(slots=True)
class Plan:
    """Everything an import would bring, and everything it would not (with the reason)."""

    source: str
    kind: str
    config: ConfigImport = field(default_factory=ConfigImport)
    cache: Path | None = None  # newsboat's cache.db, read one feed at a time by `apply`
    item_counts: dict[str, int] = field(default_factory=dict)  # Byline feed url -> items
    item_sources: dict[str, str] = field(default_factory=dict)  # Byline url -> newsboat's
    feed_details: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # translated, with a difference to know
    left_out: dict[str, int] = field(default_factory=dict)  # history not brought, by reason
    aliases: dict[str, str] = field(default_factory=dict)  # newsboat's feed url -> Byline's


@dataclass(slots=True)
class Report:
    """What an import changed (or, dry, would change)."""

    plan: Plan
    config: ConfigImport
    counts: ImportCounts
    config_path: Path
    dry_run: bool = False
    rules_hidden: int = 0
    duplicates: int = 0  # shown once, as Byline does (settings.dedupe)

    @property
    def changed(self) -> bool:
        return not self.config.empty or self.counts.changed

    def lines(self) -> list[str]:
        """The report as a user reads it."""
        verb = "Would import" if self.dry_run else "Imported"
        plan, conf, n = self.plan, self.config, self.counts
        total_feeds = len(plan.config.feeds)
        out = [f"{plan.source}: {nb.KINDS.get(plan.kind, plan.kind)}"]
        rows = [
            (
                "feeds",
                len(conf.feeds),
                f"of {total_feeds}" + _rest(len(conf.feeds), total_feeds, "subscribed"),
            ),
            ("views (query feeds)", len(conf.views), f"of {len(plan.config.views)}"),
            ("rules (ignore-article)", len(conf.rules), f"of {len(plan.config.rules)}"),
            ("settings", len(conf.settings), f"of {len(plan.config.settings)}"),
            ("key bindings", len(conf.keys), f"of {len(plan.config.keys)}"),
        ]
        if plan.item_counts or plan.kind == "newsboat-dir":
            total = sum(plan.item_counts.values())
            rows += [
                ("articles", n.entries, f"of {total}" + _rest(n.entries, total, "in the cache")),
                ("marked read", n.marked_read, ""),
                ("flagged -> saved", n.saved, ""),
                ("feed validators (ETag/Last-Modified)", n.validators, ""),
            ]
        out.append(f"{verb}:")
        for label, count, detail in rows:
            out.append(f"  {label:<38} {count:>6}  {detail}".rstrip())
        if self.rules_hidden:
            out.append(f"  {'hidden by rules as newsboat did':<38} {self.rules_hidden:>6}")
        if self.duplicates:
            label = "shown once: same story in another feed"
            out.append(f"  {label:<38} {self.duplicates:>6}  (dedupe = false shows them)")
        for reason, count in plan.left_out.items():
            out.append(f"  not imported: {count} article(s): {reason}")
        if plan.notes or conf.conflicts:
            out.append("Translated with a difference:")
            out += [f"  {note}" for note in [*plan.notes, *conf.conflicts]]
        if plan.skipped:
            out.append(f"Not carried over ({len(plan.skipped)} line(s)):")
            out += [f"  {s}" for s in sorted(plan.skipped, key=lambda s: (s.path, s.line))]
        if self.dry_run:
            would = (
                f"an import would write {self.config_path} and the cache"
                if self.changed
                else (f"an import would change nothing ({self.config_path})")
            )
            out.append(f"Dry run: nothing written; {would}")
        elif self.changed:
            out.append(f"Done: into {self.config_path}")
        else:
            out.append(f"Done: nothing changed ({self.config_path})")
        return out

    def as_json(self) -> dict:
        return {
            "source": self.plan.source, "kind": self.plan.kind, "dry_run": self.dry_run,
            "feeds": len(self.config.feeds), "views": len(self.config.views),
            "rules": len(self.config.rules), "settings": len(self.config.settings),
            "keys": len(self.config.keys), "articles": self.counts.entries,
            "marked_read": self.counts.marked_read, "saved": self.counts.saved,
            "validators": self.counts.validators, "left_out": self.plan.left_out,
            "hidden_by_rules": self.rules_hidden, "duplicates": self.duplicates,
            "notes": [*self.plan.notes, *self.config.conflicts],
            "skipped": [
                {"file": s.path, "line": s.line, "text": s.text, "reason": s.reason}
                for s in self.plan.skipped
            ],
        }  # fmt: skip


def _rest(done: int, total: int, where: str) -> str:
    return f"; {total - done} already {where}" if done < total else ""


# ---------------------------------------------------------------- planning


def _shown(path: Path) -> str:
    """A path as the user would type it (~ for the home folder), for the report and comments."""
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home) :] if home != "/" and text.startswith(home + "/") else text


def _origin(path: str, line: int, text: str) -> str:
    return f"from {path}:{line}: {text}"[:300]


def _add_urls(plan: Plan, urls: nb.UrlsFile, allow_file: bool) -> None:
    plan.skipped += urls.skipped
    for feed in urls.feeds:
        if feed.command or feed.filter:
            _add_program_feed(plan, urls.path, feed)
            continue
        if not allow_file and not feed.url.lower().startswith(("http://", "https://")):
            reason = "a local file:// feed is only imported from your own newsboat directory"
            plan.skipped.append(Skipped(urls.path, feed.line, feed.url, reason))
            continue
        problem = cfg.feed_url_problem(feed.url)
        if problem:
            plan.skipped.append(Skipped(urls.path, feed.line, feed.url, problem))
            continue
        plan.config.feeds.append(
            Imported(
                FeedConfig(feed.url, feed.title, feed.tags), _origin(urls.path, feed.line, feed.url)
            )
        )
        if feed.hidden:
            plan.notes.append(
                f"{urls.path}:{feed.line}: hidden feed (!) {feed.url}: Byline has no hidden feeds;"
                " it is listed with the others"
            )
    for query in urls.queries:
        result = translate(query.expression)
        text = query.text or f'"query:{query.name}:{query.expression}"'
        if result.byline is None:
            plan.skipped.append(
                Skipped(urls.path, query.line, text, f"query not translated: {result.problem}")
            )
            continue
        origin = _origin(urls.path, query.line, text)
        plan.config.views.append(Imported({"name": query.name, "match": result.byline}, origin))
        plan.notes += [f"{urls.path}:{query.line}: {note}" for note in result.notes]


def _add_program_feed(plan: Plan, path: str, feed: nb.UrlEntry) -> None:
    """exec:CMD -> command = [argv]; filter:SCRIPT:URL -> url and filter = [argv]. Only ever
    from the user's own newsboat folder (nb.parse_urls allows them nowhere else)."""
    if feed.command:
        config = FeedConfig(cfg.command_url(feed.command), feed.title, feed.tags, {}, feed.command)
    else:
        url = feed.url[len("filter:") :].partition(":")[2]
        config = FeedConfig(clean_url(url), feed.title, feed.tags, {}, (), feed.filter)
    plan.aliases[feed.url] = config.url
    plan.config.feeds.append(Imported(config, _origin(path, feed.line, feed.url)))
    plan.notes.append(
        f"{path}:{feed.line}: {feed.url.split(':', 1)[0]}: run as the argv"
        f" {list(feed.command or feed.filter)} without a shell"
    )


def plan_file(path: Path) -> Plan:
    """`byline import FILE`: what FILE is and the feeds (and query views) it holds."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise NewsboatError(f"cannot read {path}: {err.strerror or err}") from None
    kind = nb.detect(data, path.name)
    plan = Plan(str(path), kind)
    if kind == "opml":
        from reader.core.feeds.opml import OpmlError, parse_opml

        try:
            result = parse_opml(data)
        except OpmlError as err:
            raise NewsboatError(f"{path}: {err}") from None
        plan.config.feeds += [Imported(f, f"from {path.name} (OPML)") for f in result.feeds]
        plan.skipped += [Skipped(str(path), 0, url, reason) for url, reason in result.rejected]
        return plan
    text = data.decode("utf-8", errors="replace")
    parser = {"newsboat": nb.parse_urls, "newsraft": nb.parse_newsraft, "urls": nb.parse_plain}
    _add_urls(plan, parser[kind](text, str(path)), allow_file=False)
    return plan


KeyCheck = Callable[[dict[str, str]], "str | None"]


def plan_newsboat(
    location: nb.Location,
    default_keys: dict[str, str] | None = None,
    check_keys: KeyCheck | None = None,
    current_keys: dict[str, str] | None = None,
) -> Plan:
    """`byline import --newsboat`: urls, config and cache.db, translated."""
    plan = Plan(_shown(location.urls.parent), "newsboat-dir")
    urls = nb.read_urls(location.urls, allow_programs=True)
    urls.path = _shown(location.urls)
    urls.skipped = [replace(s, path=urls.path) for s in urls.skipped]
    _add_urls(plan, urls, allow_file=True)
    if location.config is not None:
        lines = nb.read_config(location.config)
        _plan_config(
            plan, _shown(location.config), lines, default_keys or {}, check_keys, current_keys or {}
        )
    else:
        plan.notes.append(f"no newsboat config file beside {location.urls}: only feeds and history")
    if location.cache is not None:
        _plan_cache(plan, nb.read_cache(location.cache))
    else:
        plan.notes.append("no cache.db found: no articles, read state or flags to bring")
    return plan


def _plan_config(
    plan: Plan, path: str, lines: list[nb.ConfigLine], default_keys: dict[str, str],
    check_keys: KeyCheck | None, current_keys: dict[str, str],
) -> None:  # fmt: skip
    ignore_mode = "download"
    keys = dict(current_keys)
    auto_reload: tuple[bool, nb.ConfigLine] | None = None
    reload_minutes: tuple[int, nb.ConfigLine] | None = None
    for line in lines:
        command, args = line.command, line.args
        origin = _origin(path, line.line, line.text)

        def skip(reason: str, line: nb.ConfigLine = line) -> None:
            plan.skipped.append(Skipped(path, line.line, line.text, reason))

        def setting(name: str, value: object, origin: str = origin) -> None:
            plan.config.settings[name] = Imported(value, origin)

        if command == "browser" and args:
            _browser(args[0], setting, skip)
        elif command == "notify-program" and args:
            setting("notify_command", (os.path.expanduser(args[0]),))
            plan.notes.append(
                f"{path}:{line.line}: notify-program: Byline runs it with a JSON summary on its"
                " standard input, not newsboat's message as an argument"
            )
        elif command in ("max-items", "keep-articles-days") and args:
            _number_setting(command, args[0], setting, skip)
        elif command == "refresh-on-startup" and args:
            setting("refresh_on_start", args[0] == "yes")
        elif command == "auto-reload" and args:
            auto_reload = (args[0] == "yes", line)
        elif command == "reload-time" and args and args[0].isdigit():
            reload_minutes = (int(args[0]), line)
        elif command == "ignore-mode" and args:
            ignore_mode = args[0]
        elif command == "ignore-article" and len(args) >= 2:
            _ignore_rule(plan, path, line, args[0], args[1], origin)
        elif command == "bind-key" and len(args) >= 2:
            _binding(plan, path, line, args, keys, default_keys, check_keys, origin)
        else:
            skip(_REASONS.get(command, f"{command}: no Byline counterpart"))
    if auto_reload is not None:
        enabled, line = auto_reload
        minutes = reload_minutes[0] if reload_minutes else 60
        text = line.text + (f" / reload-time {minutes}" if reload_minutes else "")
        plan.config.settings["refresh_minutes"] = Imported(
            minutes if enabled else 0, _origin(path, line.line, text)
        )
    elif reload_minutes is not None:
        plan.skipped.append(
            Skipped(path, reload_minutes[1].line, reload_minutes[1].text,
                    "reload-time without auto-reload yes: newsboat never reloads by itself")
        )  # fmt: skip
    if (
        any(r.origin.startswith(f"from {path}") for r in plan.config.rules)
        and ignore_mode == "download"
    ):
        plan.notes.append(
            f"{path}: ignore-mode download: newsboat never stored ignored articles; Byline stores"
            " them hidden (byline entries --hidden lists them)"
        )


def _browser(command: str, setting, skip) -> None:
    """newsboat runs its browser through the shell with %u replaced; Byline runs an argv with
    the URL appended: only a plain command (URL last or absent) carries over."""
    if any(c in command for c in "|;&<>`$()"):
        skip("the browser command uses the shell; Byline runs it without one")
        return
    try:
        words = shlex.split(command)
    except ValueError:
        skip("the browser command cannot be split into words")
        return
    if "%u" in words[:-1] or any("%u" in w and w != "%u" for w in words):
        skip("the URL (%u) is not the last word; Byline appends it at the end")
        return
    setting("browser", shlex.join([w for w in words if w != "%u"]))


def _number_setting(command: str, raw: str, setting, skip) -> None:
    if not raw.isdigit():
        skip(f"{command} needs a whole number")
        return
    value = int(raw)
    if command == "max-items":
        if value == 0:
            skip(
                "max-items 0 means no limit in newsboat; Byline keeps its own cap (max_items_per_feed)"
            )
        else:
            setting("max_items_per_feed", value)
    else:
        setting("keep_days", value)  # 0 keeps everything in both


def _ignore_rule(
    plan: Plan, path: str, line: nb.ConfigLine, scope: str, expr: str, origin: str
) -> None:
    result = translate(expr)
    if result.byline is None:
        plan.skipped.append(
            Skipped(path, line.line, line.text, f"not translated: {result.problem}")
        )
        return
    rule: dict = {"match": result.byline, "action": "hide"}
    if scope != "*":
        rule["feeds"] = [plan.aliases.get(scope, clean_url(scope))]
    plan.config.rules.append(Imported(rule, origin))
    plan.notes += [f"{path}:{line.line}: {note}" for note in result.notes]


def key_name(key: str) -> str | None:
    """newsboat's key notation (j, ^D, ENTER, F5...) as Textual's, or None."""
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if len(key) == 2 and key[0] == "^" and key[1].isalpha():
        return f"ctrl+{key[1].lower()}"
    if len(key) == 1 and key.isprintable() and key.isalnum():
        return key
    if key.startswith("F") and key[1:].isdigit():
        return key.lower()
    return None


def _binding(
    plan: Plan, path: str, line: nb.ConfigLine, args: tuple[str, ...], keys: dict[str, str],
    default_keys: dict[str, str], check_keys: KeyCheck | None, origin: str,
) -> None:  # fmt: skip
    key, operation = args[0], args[1]
    binding = OPERATIONS.get(operation)
    name = key_name(key)

    def skip(reason: str) -> None:
        plan.skipped.append(Skipped(path, line.line, line.text, reason))

    if binding is None:
        skip(f"bind-key: Byline has no action like newsboat's {operation}")
        return
    if name is None:
        skip(f"bind-key: the key {key!r} has no Byline name")
        return
    current = keys.get(binding) or default_keys.get(binding, "")
    parts = [k.strip() for k in current.split(",") if k.strip()]
    if name in parts:
        return  # already so: nothing to write
    trial = {**keys, binding: ",".join([*parts, name])}
    problem = check_keys(trial) if check_keys else None
    if problem:
        skip(f"bind-key: {problem}")
        return
    keys[binding] = trial[binding]
    plan.config.keys[binding] = Imported(trial[binding], origin)


def _plan_cache(plan: Plan, cache: nb.Cache) -> None:
    wanted = {item.value.url for item in plan.config.feeds}
    alias = plan.aliases.get
    for url, feed in cache.feeds.items():
        url = alias(url, url)
        if url in wanted:
            details = {"title": clean_line(feed.title), "link": clean_url(feed.link)}
            details["etag"] = clean_line(feed.etag)
            if feed.last_modified > 0:
                details["last_modified"] = formatdate(feed.last_modified, usegmt=True)
            plan.feed_details[url] = details
    plan.cache = cache.path
    for (source, deleted), count in cache.counts.items():
        feed_url = alias(source, source)
        reason = ""
        if feed_url not in wanted:
            reason = "their feed is not in the urls file any more"
        elif deleted:
            reason = "deleted in newsboat"
        if reason:
            plan.left_out[reason] = plan.left_out.get(reason, 0) + count
        else:
            plan.item_counts[feed_url] = plan.item_counts.get(feed_url, 0) + count
            plan.item_sources[feed_url] = source


def _identity(guid: str, feed_url: str, title: str, link: str, published: float | None) -> str:
    """The uid Byline's own parser gives the same item, so the first refresh after an import
    finds the entries already there (no duplicates, read state kept):

    - an item without a guid: newsboat stored link + pubDate (or title + pubDate) as its
      guid; Byline's parser knows it by its link (or a hash of title and date);
    - a relative guid: Byline's parser (feedparser's rule, reader/core/text/fastparse.py
      `_finish`) resolves a permalink guid against the feed's address, and a guid is a
      permalink unless the feed says isPermaLink="false" (newsboat does not keep that)."""
    for prefix in (link, title):
        rest = guid[len(prefix) :] if prefix and guid.startswith(prefix) else ""
        if rest and parsedate(rest.strip()):
            guid = ""
            break
    if guid and not urlsplit(guid).scheme and feed_url.startswith(("http://", "https://")):
        guid = urljoin(feed_url, guid)
    return entry_identity(guid or None, link, title, published)


def _entry(item: nb.CachedItem, feed_url: str) -> ImportedEntry:
    title, link = clean_line(item.title), clean_url(item.link)
    published = float(item.published) if item.published > 0 else None
    enclosures = []
    if item.enclosure_url:
        enclosures.append(
            {
                "url": clean_url(item.enclosure_url),
                "type": clean_line(item.enclosure_type),
                "length": None,
            }
        )
    uid = _identity(item.guid, feed_url, title, link, published)
    parsed = ParsedEntry(
        uid, title, clean_line(item.author), link, published, None, "", item.content, enclosures
    )
    flags = sorted(set(c for c in item.flags if c.isalpha()))
    return ImportedEntry(parsed, not item.unread, bool(flags), tuple(f"flag:{c}" for c in flags))


# ---------------------------------------------------------------- applying


def apply(plan: Plan, config_path: Path, store: Store | None, dry_run: bool = False) -> Report:
    """Write what the plan brings: the cache in one transaction, then the config file.

    `store` may be None for a plan without history (a plain list of feeds)."""
    current = cfg.load(config_path) if config_path.exists() else None
    changes = cfg.import_changes(current, plan.config)
    new_text = cfg.import_text(config_path, changes) if not changes.empty else None
    merged = cfg.parse(new_text, config_path) if new_text else current
    counts = ImportCounts()
    report = Report(plan, changes, counts, config_path, dry_run)
    if store is not None and (plan.item_counts or plan.feed_details) and merged is not None:
        _apply_history(plan, merged, store, counts, report, dry_run)
    if new_text is not None and not dry_run:
        cfg.write_text(config_path, new_text)
    return report


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _apply_history(
    plan: Plan,
    merged: cfg.Config,
    store: Store,
    counts: ImportCounts,
    report: Report,
    dry_run: bool,
) -> None:
    from reader.core.rules.engine import apply_rules

    now = time.time()
    try:
        with store.import_transaction():
            store.sync_feeds(merged.feeds)
            for url in dict.fromkeys([*plan.feed_details, *plan.item_counts]):
                feed = store.feed_by_url(url)
                if feed is None:
                    continue
                source = plan.item_sources.get(url)
                if source is not None and plan.cache is not None:  # one feed in memory at a time
                    items = [_entry(i, url) for i in nb.read_items(plan.cache, source)]
                    store.import_entries(feed.id, items, counts, now)
                details = plan.feed_details.get(url, {})
                store.import_feed_details(feed.id, counts, **details)
            if counts.new_ids:
                rules = apply_rules(store, counts.new_ids, merged)
                report.rules_hidden = sum(o.changed.get("hide", 0) for o in rules.outcomes)
                report.duplicates = rules.duplicates
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
