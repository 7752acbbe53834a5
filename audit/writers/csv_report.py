"""The CSV report: one row per finding, for spreadsheets and ad-hoc analysis.

Findings suppressed inline are rows too, with the `suppression` cell filled in.

Columns are the JSON report's finding fields, in the same order (the order of the Finding
dataclass; new fields are only ever appended, so existing column positions stay put). List and
mapping values (qualifiers, links, suppression) are JSON strings, and a missing value (None) is an
empty cell, so every cell is a single plain value. The header row is always written, even with no
findings, so a pipeline that reads the file never has to special-case an empty audit.

Values are written as the JSON report has them, with one exception. A spreadsheet reads a cell
that starts with "=", "+", "-", "@", a tab or a carriage return as a formula, and text from an
audited document or a file name can start that way (CSV injection, as OWASP describes it). Such a
cell gets a single quote (') in front, which spreadsheets take as "this is text" (OWASP's advice).

Rows end with LF. A cell holding a comma, a double quote, LF or CR is quoted, its quotes doubled
(RFC 4180); Python's csv module leaves a bare CR unquoted when rows end with LF, and every CSV
reader then splits the row there, so cells are joined here.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields

from audit.core.finding import Finding, sort_key
from audit.core.result import all_findings

# `review` is a column only when a finding has one (--decisions, --claims-library), so a run
# without review files writes the columns it always wrote.
COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Finding) if f.name != "review")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTES = re.compile('[,"\r\n]')


def _cell(value: object) -> str:
    if isinstance(value, list | dict | tuple):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = "" if value is None else str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        text = "'" + text
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTES.search(text) else text


def csv_text(columns: list[str] | tuple[str, ...], rows: list[dict]) -> str:
    """A header and one line per row, with the cell rules above (also the review log's)."""
    lines = [",".join(columns)]
    lines += [",".join(_cell(row.get(c)) for c in columns) for row in rows]
    return "\n".join(lines) + "\n"


def render(report) -> str:
    """Findings and inline-suppressed findings (their `suppression` cell says how and why), in
    source order: a reviewer filtering the sheet sees what was silenced, as the JSON and HTML
    reports show it."""
    findings = sorted(
        [*all_findings(report.results), *(f for r in report.results for f in r.suppressed)],
        key=sort_key,
    )
    columns = COLUMNS + (("review",) if any(f.review for f in findings) else ())
    lines = [",".join(columns)]
    for f in findings:
        values = f.to_dict()
        lines.append(",".join(_cell(values.get(c)) for c in columns))
    return "\n".join(lines) + "\n"
