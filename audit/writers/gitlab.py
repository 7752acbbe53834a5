"""GitLab Code Quality report (the JSON artifact merge requests show inline)."""

from __future__ import annotations

import json

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def render(report) -> str:
    issues = [
        {
            "type": "issue",
            "description": f"{f.message}: {f.sentence}" + (f" ({f.also})" if f.related else ""),
            "check_name": f.rule,
            "categories": ["Style"],
            "fingerprint": f.fingerprint,
            "severity": SEVERITY[f.severity],
            "location": {"path": f.path, "lines": {"begin": f.line, "end": f.end_line}},
        }
        for r in report.results
        for f in r.findings
        if f.baseline_state != "unchanged" and not f.cleared
    ]
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
