"""`byline rules apply`: run the config's [[rules]] over the whole cache."""

from __future__ import annotations

import argparse

from reader.cli.common import Command, UserError, load_config, open_store, print_json


def _rules_arguments(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    rules_sub = p.add_subparsers(title="rules commands", metavar="COMMAND")
    p = rules_sub.add_parser(
        "apply", parents=[common], help="run every rule over the whole cache",
        description="Run every [[rules]] over the whole cache and say how many entries each touches.",
    )  # fmt: skip
    p.set_defaults(func=cmd_rules_apply)
    p.add_argument("--dry-run", action="store_true", help="count only; change nothing")
    p.add_argument("--json", action="store_true")


def cmd_rules_apply(args: argparse.Namespace) -> int:
    from reader.core.rules.engine import apply_to_cache

    config = load_config(args)
    with open_store(args, config) as store:
        report = apply_to_cache(store, config, dry_run=args.dry_run)
    if args.json:
        print_json(report.to_json())
        return 0
    if not config.rules:
        print(f"No [[rules]] in {config.path}.")
    verb = "would change" if args.dry_run else "changed"
    for outcome in report.outcomes:
        changes = ", ".join(f"{action} {n}" for action, n in outcome.changed.items())
        print(f"{outcome.rule.label}\n    matches {outcome.matched}; {verb}: {changes}")
    if report.duplicates > 0:
        print(
            f"{report.duplicates} duplicate entries found (shown once; dedupe = false to see all)"
        )
    elif report.duplicates < 0:
        print(f"{-report.duplicates} duplicate entries shown again (dedupe = false)")
    print(f"{'Dry run: nothing written' if args.dry_run else 'Done'} in {report.seconds:.2f} s")
    return 0


def cmd_rules_help(args: argparse.Namespace) -> int:
    raise UserError("say what to do with the rules: byline rules apply [--dry-run] [--json]")


COMMANDS = (
    Command(
        "rules", cmd_rules_help, "run the config's [[rules]] (see: byline rules apply -h)",
        _rules_arguments,
    ),
)  # fmt: skip
