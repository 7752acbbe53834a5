"""The review log: who decided what, when and why, for the compliance archive.

One row per decision across the files given, in time order (then reviewer and fingerprint).
`claims-audit review-log` (audit.cli.review_log_cmd) writes the rows as CSV with the CSV
report's cell rules, so a cell a spreadsheet would run as a formula is quoted.
"""

from __future__ import annotations

from pathlib import Path

from audit.review.decisions import load_decisions

COLUMNS = [
    "time", "reviewer", "decision", "reason", "reference", "comment", "path", "rule",
    "sentence", "fingerprint", "source",
]  # fmt: skip


def log_rows(paths: list[Path]) -> list[dict[str, str]]:
    """Every decision in `paths` (each file read and checked on its own), oldest first."""
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
    return rows
