"""Rule documentation for `claims-audit rules`: what it flags, why, examples, what to do."""

from __future__ import annotations

import textwrap

from audit.rulebook.book import Rule, RuleBook


def listing(rulebook: RuleBook) -> str:
    rows = [(r.id, r.category, r.severity, r.action) for r in rulebook.rules]
    widths = [
        max(len(row[i]) for row in rows + [("ID", "CATEGORY", "SEVERITY", "ACTION")])
        for i in range(4)
    ]
    lines = []
    for row in [("ID", "CATEGORY", "SEVERITY", "ACTION")] + sorted(
        rows, key=lambda r: (r[1], r[0])
    ):
        lines.append("  ".join(col.ljust(w) for col, w in zip(row, widths, strict=False)).rstrip())
    lines.append(f"{len(rows)} rules from {len(rulebook.files)} pack file(s)")
    return "\n".join(lines) + "\n"


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=96, initial_indent=indent, subsequent_indent=indent)


def describe(rule: Rule) -> str:
    out = [
        f"{rule.id}  ({rule.category}, {rule.severity}, action: {rule.action})",
        f"  defined in {rule.file}",
        "",
        "What it flags:",
        _wrap(rule.description or rule.message),
        "",
        "Why it matters:",
        _wrap(rule.rationale),
    ]
    if rule.references:
        out += ["", "References:"] + [_wrap("- " + r) for r in rule.references]
    out += ["", "Flagged:"] + [_wrap("- " + e) for e in rule.examples_flag]
    out += ["", "Not flagged:"] + [_wrap("- " + e) for e in rule.examples_pass]
    out += ["", "Use instead:", _wrap(rule.suggestion)]
    w = rule.when
    out += [
        "",
        "Context: "
        + ", ".join(f"{k}={v}" for k, v in w.items())
        + (
            f"; needs a word from '{rule.near['lexicon']}' within {rule.near['window']} words ({rule.near['side']})"
            if rule.near
            else ""
        ),
    ]
    return "\n".join(out) + "\n"
