"""Inline suppressions, markdownlint-style, with a reason and accounting.

In Markdown and HTML a comment: `<!-- claims-audit-disable RULE-OR-CATEGORY -- reason -->`,
`claims-audit-enable [...]`, `claims-audit-disable-next-line`, `claims-audit-disable-line`,
`claims-audit-disable-file`. In plain text the same words on a line of their own. No target
means every rule. Suppressed findings are kept (with the reason) rather than dropped, and a
suppression that suppresses nothing is itself reported, so stale comments do not pile up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audit.core.finding import Finding
from audit.readers.document import Document

_DIRECTIVE = re.compile(
    r"claims-audit-(disable-next-line|disable-line|disable-file|disable|enable)\b(.*)", re.S
)
_TEXT_LINE = re.compile(r"(?m)^[ \t]*(?:#|//)?[ \t]*(claims-audit-[a-z-]+\b[^\r\n]*)$")


@dataclass
class Directive:
    kind: str  # disable | enable | disable-next-line | disable-line | disable-file
    targets: frozenset[str]  # rule ids or categories; empty = all
    reason: str
    text: str
    start: int  # source offsets of the comment (or line)
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    next_line: int = 0  # for disable-next-line: the next non-blank line
    until: int | None = None  # for disable: source offset where a matching enable closes it
    used: bool = False

    def covers(self, f: Finding) -> bool:
        if self.targets and f.rule not in self.targets and f.category not in self.targets:
            return False
        if self.kind == "disable-file":
            return True
        if self.kind == "disable-line":
            return self.line <= f.line <= self.end_line
        if self.kind == "disable-next-line":
            return f.line == self.next_line
        if self.kind == "disable":
            return f.start >= self.end and (self.until is None or f.start < self.until)
        return False

    def as_dict(self) -> dict:
        return {"kind": self.kind, "reason": self.reason, "line": self.line}


def parse_directives(document: Document) -> list[Directive]:
    raw: list[tuple[int, int, str]] = []
    if document.format == "text":
        raw = [(m.start(1), m.end(1), m.group(1)) for m in _TEXT_LINE.finditer(document.source)]
    else:
        raw = [(c.start, c.end, c.text) for c in document.comments]
    directives: list[Directive] = []
    lines = document.lines
    for start, end, text in raw:
        body = text.removeprefix("<!--").removesuffix("-->").strip()
        m = _DIRECTIVE.match(body)
        if not m:
            continue
        args, _, reason = m.group(2).partition("--")
        targets = frozenset(t for t in re.split(r"[\s,]+", args.strip()) if t)
        line, col = lines.position(start)
        end_line, end_col = lines.position(end)
        directives.append(
            Directive(
                m.group(1),
                targets,
                " ".join(reason.split()),
                text,
                start,
                end,
                line,
                col,
                end_line,
                end_col,
            )  # fmt: skip
        )
    _resolve(directives, document.source)
    return directives


def _resolve(directives: list[Directive], source: str) -> None:
    """Close disable ranges at matching enables; find the line a disable-next-line aims at."""
    open_: list[Directive] = []
    for d in sorted(directives, key=lambda d: d.start):
        if d.kind == "disable":
            open_.append(d)
        elif d.kind == "enable":
            d.used = True  # an enable is bookkeeping, never "unused"
            for o in list(open_):
                if not d.targets or (o.targets & d.targets):
                    o.until = d.start
                    open_.remove(o)
        elif d.kind == "disable-next-line":
            lines = source.splitlines()
            n = d.end_line  # 1-based line of the comment's end; lines[n] is the next line
            while n < len(lines) and not lines[n].strip():
                n += 1
            d.next_line = n + 1


def apply(
    findings: list[Finding], directives: list[Directive]
) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (kept, suppressed); suppressed ones carry their directive."""
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for f in findings:
        for d in directives:
            if d.kind != "enable" and d.covers(f):
                d.used = True
                f.suppression = d.as_dict()
                suppressed.append(f)
                break
        else:
            kept.append(f)
    return kept, suppressed


@dataclass
class DirectiveFinding:
    """Text of the findings about suppressions themselves."""

    rule: str
    message: str
    suggestion: str
    severity: str = "info"
    rationale: str = (
        "Suppressions are part of the audit trail: a stale or unexplained suppression hides "
        "future findings without a reviewer's decision on record (editorial practice)."
    )
    extra: dict = field(default_factory=dict)


def directive_findings(
    path: str, directives: list[Directive], known: set[str], require_reason: bool
) -> list[Finding]:
    """Report suppressions that suppress nothing, name unknown rules, or lack a reason."""
    out: list[Finding] = []
    for d in directives:
        if d.kind == "enable":
            continue
        unknown = sorted(t for t in d.targets if t not in known)
        if unknown:
            text = DirectiveFinding(
                "unknown-suppression-target",
                f"Suppression names unknown rule or category: {', '.join(unknown)}",
                "Use an id or category from `claims-audit rules`.",
                "warning",
            )
        elif not d.used:
            text = DirectiveFinding(
                "unused-suppression",
                "This suppression comment suppresses nothing",
                "Remove the comment, or move it next to the finding it was meant for.",
            )
        elif require_reason and not d.reason:
            text = DirectiveFinding(
                "suppression-without-reason",
                "Suppression has no reason (write it after --)",
                "Add the reason a reviewer accepted this claim: `-- cited in the product dossier`.",
                "warning",
            )
        else:
            continue
        out.append(
            Finding(
                path=path,
                line=d.line,
                column=d.column,
                end_line=d.end_line,
                end_column=d.end_column,
                start=d.start,
                end=d.end,
                match=d.text,
                sentence=d.text,
                sentence_start=d.start,
                sentence_end=d.end,
                rule=text.rule,
                category="suppression",
                severity=text.severity,
                action="remove" if text.rule == "unused-suppression" else "edit",
                message=text.message,
                suggestion=text.suggestion,
                rationale=text.rationale,
            )  # fmt: skip
        )
    return out
