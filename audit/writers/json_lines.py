"""JSON Lines: one finding per line, the JSON report's finding objects, for data pipelines.

Lines come in input order, each document's findings by offset, so the file can be written while
the audit runs (see writers.streaming) and split or concatenated by line.
"""

from __future__ import annotations

from audit.writers.streaming import json_line


def render(report) -> str:
    return "".join(json_line(f) for r in report.results for f in r.findings)
