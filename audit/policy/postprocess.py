"""After the audit, before the writers: project policy applied to every document's findings.

Order matters and is fixed: rules disabled by config -> severity changes -> inline
suppressions (and findings about the suppressions) -> overlapping matches folded into the
strongest (audit.policy.overlaps) -> review decisions and the approved-claims
library (and the findings they add) -> --min-severity -> --diff lines ->
baseline marking. Keeping it in one place keeps every writer and the exit code consistent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from audit.core.finding import SEVERITY_RANK, assign_fingerprints, sort_key
from audit.core.result import DocumentResult
from audit.inputs.gitdiff import touches
from audit.policy.baseline import mark
from audit.policy.config import Config
from audit.policy.overlaps import merge_overlapping
from audit.policy.suppressions import apply, directive_findings
from audit.review.apply import ReviewSet

# Context lowers a claim to info (hedged, question, the model's doubt); a configured severity
# must not undo that.
_LOWERED = {"hedged", "question", "model-doubt"}
# What `cited-claims = "info"` lowers: claims whose source a person must check, not figures.
_CLAIMS = {"efficacy-claim", "disease-claim"}


@dataclass
class Policy:
    config: Config
    enabled: set[str]  # rule ids left after --select / --ignore
    known: set[str]  # every rule id and category (for checking suppression targets)
    min_severity: str = "info"
    baseline: set[str] | None = None
    changed: dict[Path, set[int] | None] | None = None
    review: ReviewSet | None = None  # --decisions and --claims-library


def finish(results: list[DocumentResult], policy: Policy) -> None:
    floor = SEVERITY_RANK[policy.min_severity]
    cfg = policy.config
    for r in results:
        disabled, severity = cfg.for_path(r.path)
        findings = []
        for f in r.findings:
            if f.rule not in policy.enabled or f.rule in disabled or f.category in disabled:
                continue
            new = severity.get(f.rule) or severity.get(f.category)
            if new and not (_LOWERED & set(f.qualifiers)):
                f.severity = new
            if cfg.cited_claims == "info" and "cited" in f.qualifiers and f.category in _CLAIMS:
                f.severity = "info"
            findings.append(f)
        findings, suppressed = apply(findings, r.directives)
        findings = merge_overlapping(findings)
        extra = directive_findings(
            r.path, r.directives, policy.known, cfg.require_suppression_reason
        )
        if policy.review:
            extra += policy.review.apply(r.path, findings, policy.enabled - disabled)
        assign_fingerprints(extra)
        findings = sorted((f for f in findings + extra if f.rank >= floor), key=sort_key)
        if policy.changed is not None:
            lines = _changed_for(policy.changed, r.path)
            findings = [f for f in findings if touches(lines, f.line, f.end_line)]
            suppressed = [f for f in suppressed if touches(lines, f.line, f.end_line)]
        if policy.baseline is not None:
            mark(findings, policy.baseline)
        r.findings = findings
        r.suppressed = suppressed


def _changed_for(changed: dict[Path, set[int] | None], path: str) -> set[int] | None:
    return changed.get(Path(path).resolve(), set())
