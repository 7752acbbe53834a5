"""The report summary and the pass/fail decision against --fail-on, in one place.

Every writer, the streamed JSON report, the Dask engine's summary and the exit code read their
counts from `Totals`, so no two outputs can disagree about a number. It is a running total:
results are added as they arrive, and partitions audited elsewhere are merged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from audit.core.result import DocumentResult
from audit.core.severity import MOST_SEVERE_FIRST, SEVERITY_RANK


class Totals:
    """Counts over documents and findings; `failed` once a finding fails --fail-on or an
    input could not be audited."""

    def __init__(self, fail_on: str) -> None:
        self.fail_on = fail_on
        self.threshold = SEVERITY_RANK[fail_on]
        self.documents = self.errors = self.words = self.sentences = 0
        self.findings = self.suppressed = self.new = self.baselined = 0
        self.by_severity: Counter[str] = Counter()
        self.by_category: Counter[str] = Counter()
        self.failing = 0  # findings at or above --fail-on, not in the baseline nor cleared

    @property
    def failed(self) -> bool:
        """A finding fails --fail-on, or an input could not be audited (no report may say a
        run passed when part of it was never read)."""
        return self.failing > 0 or self.errors > 0

    @classmethod
    def of(cls, results: Iterable[DocumentResult], fail_on: str) -> Totals:
        totals = cls(fail_on)
        for r in results:
            totals.add(r)
        return totals

    def add(self, r: DocumentResult) -> None:
        self.documents += 1
        self.errors += bool(r.error)
        self.words += r.words
        self.sentences += r.sentences
        self.findings += len(r.findings)
        self.suppressed += len(r.suppressed)
        for f in r.findings:
            self.by_severity[f.severity] += 1
            self.by_category[f.category] += 1
            self.new += f.baseline_state == "new"
            self.baselined += f.baseline_state == "unchanged"
            # A finding already in the baseline, or cleared by a review, does not fail the run.
            self.failing += (
                f.rank >= self.threshold and f.baseline_state != "unchanged" and not f.cleared
            )

    def merge(self, other: Totals) -> None:
        """Add another partition's totals (the Dask engine sums its workers' counts)."""
        for name in ("documents", "errors", "words", "sentences", "findings", "suppressed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.new += other.new
        self.baselined += other.baselined
        self.by_severity.update(other.by_severity)
        self.by_category.update(other.by_category)
        self.failing += other.failing

    def summary(self) -> dict:
        """The `summary` object of the JSON report."""
        return {
            "documents": self.documents,
            "documents_with_errors": self.errors,
            "words": self.words,
            "sentences": self.sentences,
            "findings": self.findings,
            "suppressed": self.suppressed,
            "new": self.new,
            "baselined": self.baselined,
            "by_severity": {s: self.by_severity.get(s, 0) for s in MOST_SEVERE_FIRST},
            "by_category": dict(sorted(self.by_category.items())),
            "fail_on": self.fail_on,
            "failed": self.failed,
        }


def summarize(results: Iterable[DocumentResult], fail_on: str) -> dict:
    """The report summary of finished results."""
    return Totals.of(results, fail_on).summary()
