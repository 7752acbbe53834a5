"""Findings: one flagged sentence per category, with exact source positions and a fingerprint."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import asdict, dataclass, field

from audit.core.severity import SEVERITY_RANK


@dataclass
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int  # 0-based offsets into the file's decoded text, end exclusive
    end: int
    match: str
    sentence: str
    sentence_start: int
    sentence_end: int
    rule: str
    category: str
    severity: str
    action: str
    message: str
    suggestion: str
    rationale: str = ""
    qualifiers: list[str] = field(default_factory=list)  # e.g. "cited", "hedged"
    links: list[dict] = field(default_factory=list)  # links in the sentence: text, href, kind
    fingerprint: str = ""
    baseline_state: str | None = None  # "new" | "unchanged" when a baseline is in use
    suppression: dict | None = None  # the inline directive that suppressed it
    # Rules whose matches overlap this one's, folded into it (audit.policy.overlaps): each a
    # dict of rule, category, severity and message.
    related: list[dict] = field(default_factory=list)
    # A reviewer's decision or the approved claim matched (audit.review); reports leave the
    # key out when there is none, so runs without review files write what they always wrote.
    review: dict | None = None

    def to_dict(self) -> dict:
        out = asdict(self)
        if self.review is None:
            del out["review"]
        return out

    @property
    def cleared(self) -> bool:
        """Reviewed as accepted or dismissed, or an approved claim: it does not fail the gate."""
        return bool(self.review and self.review.get("cleared"))

    @property
    def rule_ids(self) -> list[str]:
        """Its own rule, then the rules folded into it (audit.policy.overlaps)."""
        return [self.rule, *(r["rule"] for r in self.related)]

    @property
    def also(self) -> str:
        """The related rules in a line ("" when none): "also efficacy-claim/efficacy-verb
        (warning), disease-claim/disease-claim (warning)"."""
        if not self.related:
            return ""
        return "also " + ", ".join(
            f"{r['category']}/{r['rule']} ({r['severity']})" for r in self.related
        )

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def assign_fingerprints(findings: list[Finding]) -> None:
    """Hash of path, rule, the flagged sentence and the match, plus an occurrence count.

    Line numbers and offsets are left out, so the fingerprint survives edits elsewhere in the
    file and changes when the flagged sentence itself changes.
    """
    seen: dict[str, int] = {}
    for f in findings:
        base = "\0".join((f.path, f.rule, _norm(f.sentence), _norm(f.match)))
        n = seen.get(base, 0)
        seen[base] = n + 1
        f.fingerprint = hashlib.sha256(f"{base}\0{n}".encode()).hexdigest()[:20]


def sort_key(f: Finding) -> tuple:
    return (f.path, f.start, f.end, f.rule)


def finding_dict(f: Finding) -> dict:
    """The finding's fields, as `Finding.to_dict` gives them (without its deep copy)."""
    out = {name: getattr(f, name) for name in FIELDS}
    if f.review is None:
        del out["review"]
    return out


FIELDS = [f.name for f in dataclasses.fields(Finding)]
