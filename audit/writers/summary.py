"""Totals shared by every output format, and the pass/fail decision against --fail-on."""

from __future__ import annotations

from collections import Counter

from audit.core.finding import SEVERITY_RANK
from audit.engines.local import DocumentResult


def failing(results: list[DocumentResult], fail_on: str) -> bool:
    """Findings at or above the threshold that are not suppressed or already in the baseline."""
    threshold = SEVERITY_RANK[fail_on]
    return any(
        f.rank >= threshold and f.baseline_state != "unchanged" for r in results for f in r.findings
    )


def summarize(results: list[DocumentResult], fail_on: str) -> dict:
    findings = [f for r in results for f in r.findings]
    by_severity = Counter(f.severity for f in findings)
    by_category = Counter(f.category for f in findings)
    return {
        "documents": len(results),
        "documents_with_errors": sum(1 for r in results if r.error),
        "words": sum(r.words for r in results),
        "sentences": sum(r.sentences for r in results),
        "findings": len(findings),
        "suppressed": sum(len(r.suppressed) for r in results),
        "new": sum(1 for f in findings if f.baseline_state == "new"),
        "baselined": sum(1 for f in findings if f.baseline_state == "unchanged"),
        "by_severity": {s: by_severity.get(s, 0) for s in ("error", "warning", "info")},
        "by_category": dict(sorted(by_category.items())),
        "fail_on": fail_on,
        "failed": failing(results, fail_on),
    }
