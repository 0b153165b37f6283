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

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from reader.core.rules import Rule
from reader.core.rules.expr import to_sql
from reader.core.rules.predicate import Row, predicate, rows
from reader.core.rules.sqlfuncs import FUNCTIONS

if TYPE_CHECKING:
    from reader.core.store import Store

HIDDEN_BY_RULE = 1
DUPLICATE = 2


class RulesConfig(Protocol):
    """What running the rules needs of the config (reader.core.config.Config has it): the
    [[rules]] in order and `settings.dedupe`. A protocol, so the rules never import the
    config (the config imports the rules)."""

    @property
    def rules(self) -> Sequence[Rule]: ...
    @property
    def settings(self) -> _DedupeSetting: ...


class _DedupeSetting(Protocol):
    @property
    def dedupe(self) -> bool: ...


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


def _run_rule(store: Store, rule: Rule, now: float, dry_run: bool) -> RuleOutcome:
    """One rule over the whole cache, as one SQL pass (Store.run_rule)."""
    outcome = RuleOutcome(rule)
    sql, params = to_sql(rule.match, now)
    outcome.matched, outcome.changed = store.run_rule(
        (sql, params, FUNCTIONS), rule.actions, now, rule.feeds, rule.tags, dry_run
    )
    return outcome


def _in_scope(rule: Rule, row: Row) -> bool:
    if not (rule.feeds or rule.tags):
        return True
    return row.feed_url in rule.feeds or any(t in rule.tags for t in row.feed_tags)


# action -> (would it change this row, change the row in memory)
_ROW_ACTIONS = {
    "mark_read": (lambda r: not r.read, lambda r: setattr(r, "read", True)),
    "hide": (lambda r: r.hidden != 1, lambda r: setattr(r, "hidden", 1)),
    "save": (lambda r: not r.saved, lambda r: setattr(r, "saved", True)),
    "highlight": (lambda r: not r.highlight, lambda r: setattr(r, "highlight", True)),
}


def _run_rule_on_rows(store: Store, rule: Rule, batch: list[Row], now: float) -> RuleOutcome:
    """One rule over a batch already read: decided in Python, written only where it changes
    something (so a rule that matches none of the batch costs no statement)."""
    outcome = RuleOutcome(rule)
    test = predicate(rule.match, now)
    matched = [row for row in batch if _in_scope(rule, row) and test(row)]
    outcome.matched = len(matched)
    for action in rule.actions:
        if action.startswith("tag:"):
            tag = action[4:]
            changed = [row for row in matched if tag not in row.tags]
            for row in changed:
                row.tags = sorted({*row.tags, tag})
            if changed:
                store.set_entry_tags([(row.id, row.tags) for row in changed])
        else:
            would, change = _ROW_ACTIONS[action]
            changed = [row for row in matched if would(row)]
            for row in changed:
                change(row)
            if changed:  # one statement for the batch (queued for a sync server too)
                store.apply_action(action, [row.id for row in changed], now)
        outcome.changed[action] = len(changed)
    return outcome


def apply_rules(store: Store, entry_ids: Sequence[int], config: RulesConfig) -> RulesReport:
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
    with store.transaction():
        if dedupe:
            report.duplicates = store.mark_duplicates(entry_ids)
        if config.rules:
            batch = rows(store, entry_ids)
            for rule in config.rules:
                report.outcomes.append(_run_rule_on_rows(store, rule, batch, now))
    report.seconds = time.monotonic() - started
    return report


def apply_to_cache(store: Store, config: RulesConfig, dry_run: bool = False) -> RulesReport:
    """`byline rules apply`: every rule over every cached entry; says what each touches.
    Duplicates are found again for entries that have no keys yet (cached before dedupe)."""
    started = time.monotonic()
    report = RulesReport(dry_run=dry_run)
    now = time.time()
    with store.transaction():
        if not dry_run:
            if config.settings.dedupe:
                store.fill_dedupe_keys()
                report.duplicates = store.mark_duplicates()
            else:
                report.duplicates = -store.unmark_duplicates()
        for rule in config.rules:
            report.outcomes.append(_run_rule(store, rule, now, dry_run))
    report.seconds = time.monotonic() - started
    return report
