"""Running rules: on the entries a refresh or a sync just stored, and over the whole cache.

Over the cache (`byline rules apply`) each rule is one SQL pass: the entries it matches go
into a temporary table (its expression evaluated once), then each action is one UPDATE of the
matched entries it would change. On a refresh's small batches the batch is read once and each
rule decided in Python (`predicate`), which costs no statement for a rule that matches
nothing. Rules run in config order, so a later rule sees what an earlier one did (tag, then
match the tag).
Actions only ever add (read, hidden, saved, highlighted, a tag): a rule never undoes what the
user did.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.core.rules import Rule
from reader.core.rules.expr import to_sql
from reader.core.rules.predicate import Row, predicate, rows
from reader.core.text.dedupe import TITLE_WINDOW_S, link_key, title_key

if TYPE_CHECKING:
    from reader.core.config import Config
    from reader.core.store import Store

HIDDEN_BY_RULE = 1
DUPLICATE = 2

# (the change, the condition under which an entry would change)
_ACTION_SQL = {
    "mark_read": ("read = 1", "read = 0"),
    "hide": ("hidden = 1", "hidden != 1"),
    "save": ("saved = 1, saved_at = :now", "saved = 0"),
    "highlight": ("highlight = 1", "highlight = 0"),
}
_TAG_SET = (
    "tags = (SELECT json_group_array(value) FROM"
    " (SELECT value FROM json_each(entries.tags) UNION SELECT :tag ORDER BY 1))"
)
_TAG_WHEN = "NOT EXISTS (SELECT 1 FROM json_each(entries.tags) WHERE value = :tag)"


@dataclass(slots=True)
class RuleOutcome:
    rule: Rule
    matched: int = 0
    changed: dict[str, int] = field(default_factory=dict)  # action -> entries it changed

    def to_json(self) -> dict:
        return {
            "rule": self.rule.number,
            "match": self.rule.match.source,
            "actions": list(self.rule.actions),
            "matched": self.matched,
            "changed": dict(self.changed),
        }


@dataclass(slots=True)
class RulesReport:
    outcomes: list[RuleOutcome] = field(default_factory=list)
    duplicates: int = 0
    seconds: float = 0.0
    dry_run: bool = False

    def to_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "rules": [o.to_json() for o in self.outcomes],
            "duplicates": self.duplicates,
            "seconds": round(self.seconds, 3),
        }


def _scope(rule: Rule) -> tuple[str, list]:
    parts, params = [], []
    if rule.feeds:
        parts.append(
            f"entries.feed_id IN (SELECT id FROM feeds WHERE url IN ({','.join('?' * len(rule.feeds))}))"
        )
        params += rule.feeds
    if rule.tags:
        parts.append(
            "entries.feed_id IN (SELECT feeds.id FROM feeds, json_each(feeds.tags)"
            f" WHERE json_each.value IN ({','.join('?' * len(rule.tags))}))"
        )
        params += rule.tags
    return ("(" + " OR ".join(parts) + ")" if parts else "1"), params


def _run_rule(store: Store, rule: Rule, targets: str, now: float, dry_run: bool) -> RuleOutcome:
    conn = store.db.conn
    outcome = RuleOutcome(rule)
    scope, scope_params = _scope(rule)
    cond, cond_params = to_sql(rule.match, now)
    outcome.matched = conn.execute(
        f"INSERT INTO temp.byline_matched (id) SELECT id FROM entries WHERE {targets}"
        f" AND {scope} AND {cond}",
        [*scope_params, *cond_params],
    ).rowcount
    if not outcome.matched:  # the usual case on new entries: no statement per action
        outcome.changed = dict.fromkeys(rule.actions, 0)
        return outcome
    for action in rule.actions:
        if action.startswith("tag:"):
            change, when, params = _TAG_SET, _TAG_WHEN, {"tag": action[4:], "now": now}
        else:
            change, when = _ACTION_SQL[action]
            params = {"now": now}
        ids = "id IN (SELECT id FROM temp.byline_matched)"
        if dry_run:
            sql = f"SELECT count(*) FROM entries WHERE {ids} AND {when}"
            outcome.changed[action] = conn.execute(sql, params).fetchone()[0]
        else:
            queued = []
            if action in _SYNCED:
                sql = f"SELECT id FROM entries WHERE {ids} AND {when}"
                queued = [r[0] for r in conn.execute(sql, params)]
            sql = f"UPDATE entries SET {change} WHERE {ids} AND {when}"
            outcome.changed[action] = conn.execute(sql, params).rowcount
            _queue_for_server(store, action, queued)
    conn.execute("DELETE FROM temp.byline_matched")  # empty for the next rule
    return outcome


def _in_scope(rule: Rule, row: Row) -> bool:
    if not (rule.feeds or rule.tags):
        return True
    return row.feed_url in rule.feeds or any(t in rule.tags for t in row.feed_tags)


# action -> (would it change this row, change the row in memory, the UPDATE for one id)
_ROW_ACTIONS = {
    "mark_read": (lambda r: not r.read, lambda r: setattr(r, "read", True), "read = 1"),
    "hide": (lambda r: r.hidden != 1, lambda r: setattr(r, "hidden", 1), "hidden = 1"),
    "save": (
        lambda r: not r.saved,
        lambda r: setattr(r, "saved", True),
        "saved = 1, saved_at = :now",
    ),
    "highlight": (
        lambda r: not r.highlight,
        lambda r: setattr(r, "highlight", True),
        "highlight = 1",
    ),
}


def _run_rule_on_rows(store: Store, rule: Rule, batch: list[Row], now: float) -> RuleOutcome:
    """One rule over a batch already read: decided in Python, written only where it changes
    something (so a rule that matches none of the batch costs no statement)."""
    outcome = RuleOutcome(rule)
    test = predicate(rule.match, now)
    matched = [row for row in batch if _in_scope(rule, row) and test(row)]
    outcome.matched = len(matched)
    conn = store.db.conn
    for action in rule.actions:
        if action.startswith("tag:"):
            tag = action[4:]
            changed = [row for row in matched if tag not in row.tags]
            for row in changed:
                row.tags = sorted({*row.tags, tag})
            if changed:
                conn.executemany(
                    "UPDATE entries SET tags = ? WHERE id = ?",
                    [(json.dumps(row.tags, separators=(",", ":")), row.id) for row in changed],
                )
        else:
            would, change, sql = _ROW_ACTIONS[action]
            changed = [row for row in matched if would(row)]
            for row in changed:
                change(row)
            if changed:  # one statement for the batch (our own integers: no injection)
                ids = ",".join(str(int(row.id)) for row in changed)
                conn.execute(f"UPDATE entries SET {sql} WHERE id IN ({ids})", {"now": now})
                _queue_for_server(store, action, [row.id for row in changed])
        outcome.changed[action] = len(changed)
    return outcome


_SYNCED = {"mark_read": "read", "save": "saved"}  # actions a sync server is told of


def _queue_for_server(store: Store, action: str, entry_ids: list[int]) -> None:
    """A rule's read or saved mark on entries that came from a sync server is queued for it,
    like the user's own marks (else the next sync would undo it)."""
    if action in _SYNCED and entry_ids:
        store._enqueue_sync(entry_ids, _SYNCED[action], True)


def _temp_tables(store: Store) -> None:
    """This connection's scratch tables (once per connection: refresh calls per feed)."""
    if getattr(store, "_rules_scratch", False):
        return
    conn = store.db.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS byline_matched (id INTEGER PRIMARY KEY)")
    store._rules_scratch = True


def apply_rules(store: Store, entry_ids: Sequence[int], config: Config) -> RulesReport:
    """Run the config's rules (and duplicate detection) on entries just stored or updated.

    Call it in the same write transaction as the store, or right after it and before the
    entries are announced: hidden entries must never show, even for a moment. Refresh calls
    it for every feed it stores; sync for the entries it brings."""
    started = time.monotonic()
    report = RulesReport()
    dedupe = config.settings.dedupe
    if not entry_ids or not (config.rules or dedupe):
        return report
    now = time.time()
    ids = ",".join(str(int(i)) for i in entry_ids)  # our own integers: no injection
    with store.db.atomic():
        if dedupe:
            report.duplicates = _mark_duplicates(store, f"id IN ({ids})")
        if config.rules:
            batch = rows(store, ids)
            for rule in config.rules:
                report.outcomes.append(_run_rule_on_rows(store, rule, batch, now))
    report.seconds = time.monotonic() - started
    return report


def apply_to_cache(store: Store, config: Config, dry_run: bool = False) -> RulesReport:
    """`byline rules apply`: every rule over every cached entry; says what each touches.
    Duplicates are found again for entries that have no keys yet (cached before dedupe)."""
    started = time.monotonic()
    report = RulesReport(dry_run=dry_run)
    now = time.time()
    _temp_tables(store)
    with store.db.atomic():
        if not dry_run:
            if config.settings.dedupe:
                _key_missing(store)
                report.duplicates = _mark_duplicates(store, _SHARED_KEY)
            else:
                report.duplicates = -_unmark_duplicates(store)
        for rule in config.rules:
            report.outcomes.append(_run_rule(store, rule, "1", now, dry_run))
    report.seconds = time.monotonic() - started
    return report


def _key_missing(store: Store) -> None:
    """Keys for entries cached before dedupe existed (new entries get them when stored)."""
    conn = store.db.conn
    rows = conn.execute(
        "SELECT id, link, title FROM entries WHERE link_key IS NULL AND title_key IS NULL"
    ).fetchall()
    conn.executemany(
        "UPDATE entries SET link_key = ?, title_key = ? WHERE id = ?",
        [(link_key(link), title_key(title), i) for i, link, title in rows],
    )


# An entry repeats the story of the first (smallest id) entry of another feed with the same
# link key, or the same title key published within a day. One statement for the whole batch.
_FIRST_TELLING = f"""
    SELECT t.id, COALESCE(
        (SELECT min(e.id) FROM entries e WHERE t.link_key IS NOT NULL AND e.link_key = t.link_key
           AND e.feed_id != t.feed_id AND e.id < t.id AND e.hidden != 2),
        (SELECT min(e.id) FROM entries e WHERE t.title_key IS NOT NULL AND e.title_key = t.title_key
           AND e.sort_ts BETWEEN t.sort_ts - {TITLE_WINDOW_S} AND t.sort_ts + {TITLE_WINDOW_S}
           AND e.feed_id != t.feed_id AND e.id < t.id AND e.hidden != 2))
    FROM entries t WHERE t.hidden = 0 AND (t.link_key IS NOT NULL OR t.title_key IS NOT NULL)
"""


# Over the whole cache: only entries whose link key or title key another entry has too can
# repeat a story; one pass over each key index finds them, so the look-ups above run for
# those few instead of for every entry.
_SHARED_KEY = """id IN (SELECT id FROM entries WHERE link_key IN (SELECT link_key FROM entries
      WHERE link_key IS NOT NULL GROUP BY link_key HAVING count(*) > 1)
    UNION SELECT id FROM entries WHERE title_key IN (SELECT title_key FROM entries
      WHERE title_key IS NOT NULL GROUP BY title_key HAVING count(*) > 1))"""


def _mark_duplicates(store: Store, which: str) -> int:
    """Hide each chosen entry whose story an earlier entry of another feed already tells;
    returns how many were marked."""
    conn = store.db.conn
    pairs = [
        (first, entry_id)
        for entry_id, first in conn.execute(f"{_FIRST_TELLING} AND t.{which}").fetchall()
        if first is not None
    ]
    if pairs:
        conn.executemany(
            "UPDATE entries SET hidden = 2, dupe_of = ? WHERE id = ? AND hidden = 0", pairs
        )
    return len(pairs)


def _unmark_duplicates(store: Store) -> int:
    """dedupe = false: every duplicate shows again."""
    return store.db.conn.execute(
        "UPDATE entries SET hidden = 0, dupe_of = NULL WHERE hidden = 2"
    ).rowcount
