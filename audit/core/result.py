"""What the audit of one document gives: counts, findings, and what went wrong reading it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from audit.core.finding import Finding, sort_key


@dataclass
class DocumentResult:
    path: str
    format: str = ""
    words: int = 0
    sentences: int = 0
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    source: str | None = None  # kept only when a writer shows whole documents
    # For HTML documents, with the source: the text a reader sees and its source map
    # (audit.readers.sourcemap.SourceMap), so the HTML report can show readable text.
    readable: tuple[str, Any] | None = None
    suppressed: list[Finding] = field(default_factory=list)
    directives: list[Any] = field(default_factory=list)  # inline suppression comments
    citations: list[Any] = field(default_factory=list)  # CitedLink, with --check-links
    prepared: bool = False  # project policy already applied (in a worker, for streaming)
    rendered: dict[str, list[str]] = field(default_factory=dict)  # format -> rendered findings

    def to_dict(self) -> dict[str, Any]:
        """The document's entry in the JSON report."""
        return {
            "path": self.path,
            "format": self.format,
            "words": self.words,
            "sentences": self.sentences,
            "findings": len(self.findings),
            "suppressed": len(self.suppressed),
            "error": self.error,
            "notes": self.notes,
        }


def all_findings(results: list[DocumentResult]) -> list[Finding]:
    """Every document's findings in report order (path, then offset)."""
    out = [f for r in results for f in r.findings]
    out.sort(key=sort_key)
    return out
