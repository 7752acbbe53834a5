"""The rules command: list the rules, or show one with its rationale and examples."""

from __future__ import annotations

import sys

from audit import PROG
from audit.cli.exit_codes import EXIT_CLEAN
from audit.cli.options import OneLineParser, add_rule_options
from audit.cli.rule_selection import rulebook_for
from audit.core.errors import UsageError
from audit.rulebook.docs import describe, listing


def cmd_rules(argv: list[str]) -> int:
    p = OneLineParser(prog=f"{PROG} rules", description="List rules, or show one.")
    p.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    p.add_argument("rule_id", nargs="?", metavar="ID")
    add_rule_options(p)
    args = p.parse_args(argv)
    rulebook = rulebook_for(args)
    if args.action == "show":
        if not args.rule_id:
            raise UsageError(f"rules show needs a rule id (see `{PROG} rules`)")
        rule = rulebook.by_id.get(args.rule_id)
        if rule is None:
            raise UsageError(f"no rule with id {args.rule_id!r} (see `{PROG} rules`)")
        sys.stdout.write(describe(rule))
    else:
        sys.stdout.write(listing(rulebook))
    return EXIT_CLEAN
