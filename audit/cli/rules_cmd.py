"""The rules command: list the rules, or show one with its rationale and examples."""

from __future__ import annotations

import difflib
import json
import sys

from audit import PROG
from audit.cli.exit_codes import EXIT_CLEAN
from audit.cli.options import OneLineParser, add_rule_options
from audit.cli.rule_selection import rulebook_for
from audit.core.errors import UsageError
from audit.rulebook.book import Rule
from audit.rulebook.docs import describe, listing


def cmd_rules(argv: list[str]) -> int:
    p = OneLineParser(prog=f"{PROG} rules", description="List rules, or show one.")
    p.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    p.add_argument("rule_id", nargs="?", metavar="ID")
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="json: for editors and tools"
    )
    add_rule_options(p)
    args = p.parse_args(argv)
    rulebook = rulebook_for(args)
    if args.action == "show":
        if not args.rule_id:
            raise UsageError(f"rules show needs a rule id (see `{PROG} rules`)")
        rule = rulebook.by_id.get(args.rule_id)
        if rule is None:
            close = difflib.get_close_matches(args.rule_id, sorted(rulebook.by_id), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (see `{PROG} rules`)"
            raise UsageError(f"no rule with id {args.rule_id!r}{hint}")
        if args.format == "json":
            sys.stdout.write(json.dumps(_as_json(rule), ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(describe(rule))
    elif args.format == "json":
        rules = [_as_json(r) for r in sorted(rulebook.rules, key=lambda r: (r.category, r.id))]
        sys.stdout.write(json.dumps(rules, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(listing(rulebook))
    return EXIT_CLEAN


def _as_json(rule: Rule) -> dict:
    """A rule as `rules --format json` gives it: what it flags, why, the fix, examples."""
    return {
        "id": rule.id,
        "category": rule.category,
        "severity": rule.severity,
        "action": rule.action,
        "pack": rule.pack,
        "message": rule.message,
        "description": rule.description or rule.message,
        "rationale": rule.rationale,
        "suggestion": rule.suggestion,
        "references": list(rule.references),
        "examples": {"flag": list(rule.examples_flag), "pass": list(rule.examples_pass)},
        "docs": f"docs/rules/{rule.id}.md",
    }
