"""The CSV report: one row per finding, for spreadsheets and ad-hoc analysis.

Columns are the JSON report's finding fields, in the same order (the order of the Finding
dataclass; new fields are only ever appended, so existing column positions stay put). List and
mapping values (qualifiers, links, suppression) are JSON strings, and a missing value (None) is an
empty cell, so every cell is a single plain value. The header row is always written, even with no
findings, so a pipeline that reads the file never has to special-case an empty audit.

Values are written exactly as the JSON report has them. A cell that starts with "=", "+", "-" or
"@" is not altered: a spreadsheet may read such text from an untrusted document as a formula, so
import the file as text rather than opening it by double-click (see the README).
"""

from __future__ import annotations

import json
from dataclasses import fields

from audit.engine import all_findings
from audit.findings import Finding

COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Finding))


def _cell(value: object) -> object:
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "" if value is None else value


def render(report) -> str:
    import pandas as pd

    rows = []
    for f in all_findings(report.results):
        values = f.to_dict()
        rows.append([_cell(values[c]) for c in COLUMNS])
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.to_csv(index=False, lineterminator="\n")
