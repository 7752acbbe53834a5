"""`claims-audit review-log DECISIONS... -o log.csv`: who decided what, when and why.

One row per decision across the files given, in time order, for the compliance archive.
Cells that a spreadsheet would run as a formula are prefixed with a quote, as in the CSV
report.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from audit.review.decisions import load_decisions

COLUMNS = [
    "time", "reviewer", "decision", "reason", "reference", "comment", "path", "rule",
    "sentence", "fingerprint", "source",
]  # fmt: skip


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_log(paths: list[Path]) -> str:
    rows = []
    for path in paths:
        for d, source in load_decisions([path]).values():
            rows.append(
                {
                    "time": d.time, "reviewer": d.reviewer, "decision": d.decision,
                    "reason": d.reason, "reference": d.reference, "comment": d.comment,
                    "path": d.path, "rule": d.rule, "sentence": d.sentence,
                    "fingerprint": d.fingerprint, "source": source,
                }
            )  # fmt: skip
    rows.sort(key=lambda r: (r["time"], r["reviewer"], r["fingerprint"]))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(str(v)) for k, v in r.items()})
    return out.getvalue()
