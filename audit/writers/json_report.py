"""The versioned JSON report (schema documented in the README)."""

from __future__ import annotations

import json

from audit.core.header import report_header
from audit.core.result import DocumentResult, all_findings
from audit.core.totals import summarize


def render(report) -> str:
    return to_json(report.results, report.fail_on)


def to_json(results: list[DocumentResult], fail_on: str) -> str:
    report = {
        **report_header(),
        "documents": [r.to_dict() for r in results],
        "summary": summarize(results, fail_on),
        "findings": [f.to_dict() for f in all_findings(results)],
        "suppressed": [f.to_dict() for r in results for f in r.suppressed],
    }
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
