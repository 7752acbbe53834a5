"""Writers turn one set of audit results into what people and machines read.

Every format is a module with `render(report: Report) -> str`, imported only when asked for,
so a run that prints to the console never imports pandas, Jinja2 or XML libraries.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # keep `claims-audit --help` free of spaCy imports
    from audit.core.result import DocumentResult
    from audit.rulebook.book import RuleBook

# name -> (module, file extension used with --out-dir)
WRITERS: dict[str, tuple[str, str]] = {
    "text": ("audit.writers.console", "txt"),
    "json": ("audit.writers.json_report", "json"),
    "jsonl": ("audit.writers.json_lines", "jsonl"),
    "sarif": ("audit.writers.sarif", "sarif"),
    "github": ("audit.writers.github", "github.txt"),
    "junit": ("audit.writers.junit", "junit.xml"),
    "gitlab": ("audit.writers.gitlab", "gitlab.json"),
    "html": ("audit.writers.html_report", "html"),
    "md": ("audit.writers.markdown_report", "md"),
    "csv": ("audit.writers.csv_report", "csv"),
}


@dataclass
class Report:
    """Everything a writer may show: results, the pass/fail threshold, the rules used."""

    results: list[DocumentResult]
    fail_on: str
    rulebook: RuleBook
    inputs: list[str] = field(default_factory=list)
    created: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    color: bool = False
    quiet: bool = False
    concise: bool = False  # console: one line per finding (--output-format concise)
    statistics: bool = False  # console: a count per rule instead of the findings


def render(fmt: str, report: Report) -> str:
    module, _ = WRITERS[fmt]
    return importlib.import_module(module).render(report)


def needs_source(formats: list[str]) -> bool:
    """Formats that show whole documents need the source text kept after the audit."""
    return any(
        getattr(importlib.import_module(WRITERS[f][0]), "NEEDS_SOURCE", False) for f in formats
    )
