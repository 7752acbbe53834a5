"""SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure DevOps, VS Code SARIF viewer).

Rules carry their help text and rationale; results carry regions with start and end line and
column (Unicode code points, declared with columnKind), partialFingerprints that survive line
moves, baselineState when a baseline is used, and in-source suppressions with their reason.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from audit import __version__

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/:@-._~")


def _rule(rule) -> dict:
    help_text = f"{rule.rationale}\n\nUse instead: {rule.suggestion}"
    examples = "".join(f"\n- {e}" for e in rule.examples_flag[:3])
    return {
        "id": rule.id,
        "name": "".join(part.title() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": rule.description or rule.message},
        "help": {
            "text": help_text,
            "markdown": f"**Why it matters:** {rule.rationale}\n\n**Use instead:** "
            f"{rule.suggestion}\n\n**Flagged examples:**{examples}",
        },
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "category": rule.category,
            "action": rule.action,
            "tags": [rule.category, rule.pack] if rule.pack else [rule.category],
        },
    }


def _result(f, index: dict[str, int]) -> dict:
    result = {
        "ruleId": f.rule,
        "level": LEVEL[f.severity],
        "message": {"text": f"{f.message}. {f.suggestion}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(f.path), "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": f.line,
                        "startColumn": f.column,
                        "endLine": f.end_line,
                        "endColumn": f.end_column,
                        "charOffset": f.start,
                        "charLength": f.end - f.start,
                        "snippet": {"text": f.match},
                    },
                }
            }
        ],
        "partialFingerprints": {"claimsAudit/v1": f.fingerprint},
        "properties": {"category": f.category, "action": f.action, "sentence": f.sentence},
    }
    if f.rule in index:
        result["ruleIndex"] = index[f.rule]
    if f.baseline_state:
        result["baselineState"] = f.baseline_state
    if f.suppression:
        result["suppressions"] = [
            {
                "kind": "inSource",
                "justification": f.suppression.get("reason") or "(no reason given)",
            }
        ]
    return result


def render(report) -> str:
    rules = list(report.rulebook.rules)
    index = {r.id: i for i, r in enumerate(rules)}
    results = [
        _result(f, index)
        for r in report.results
        for f in sorted(r.findings + r.suppressed, key=lambda f: (f.path, f.start, f.rule))
    ]
    notifications = [
        {"level": "error", "message": {"text": r.error}, "descriptor": {"id": "input-error"}}
        for r in report.results
        if r.error
    ]
    run = {
        "tool": {
            "driver": {
                "name": "claims-audit",
                "version": __version__,
                "informationUri": "https://pypi.org/project/claims-audit/",
                "rules": [_rule(r) for r in rules],
            }
        },
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"%SRCROOT%": {"uri": "./"}},
        "invocations": [
            {
                "executionSuccessful": not notifications,
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": results,
    }
    sarif = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"
