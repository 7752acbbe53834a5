"""SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure DevOps, VS Code SARIF viewer).

Rules carry their help text and rationale; results carry regions with start and end line and
column (Unicode code points, declared with columnKind), partialFingerprints that survive line
moves, baselineState when a baseline is used, and in-source suppressions with their reason.
A reviewed finding (--decisions, --claims-library) carries its review in `properties.review`;
an accepted or dismissed one, or an approved claim, is an external suppression whose
justification names the decision, the reviewer, the reason and the reference.

Artifact locations are URI references (RFC 3986), built from the path one segment at a time:

- a relative path (as given on the command line, relative to the current folder) has each
  segment percent-encoded from the file name's bytes, so ":" can never turn a first segment
  into a scheme ("c:notes.md" is "c%3Anotes.md"), "\\" stays part of a name, and space, "#",
  "?" and "%" are data; it carries `uriBaseId` SRCROOT, whose `originalUriBaseIds` entry is
  the absolute file:// URI of the current folder, ending with "/";
- an absolute path is an absolute file:// URI, encoded the same way, with no uriBaseId;
- a web page (an http or https URL) is its URL, with no uriBaseId.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from audit import __version__

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
BASE_ID = "SRCROOT"

_WEB = re.compile(r"^https?://", re.IGNORECASE)
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_DRIVE = re.compile(r"^[A-Za-z]:$")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _segments(path: str) -> str:
    """Each "/"-separated segment percent-encoded: only unreserved characters stay as they are.

    Segments are encoded from their bytes as the file system has them (a name that is not
    UTF-8 reaches Python as lone surrogates, which give back the original bytes).
    """
    return "/".join(quote(seg, safe="", errors="surrogateescape") for seg in path.split("/"))


def file_uri(path: str) -> str:
    """The absolute file:// URI of an absolute path, ending with "/" when `path` does."""
    drive, rest = os.path.splitdrive(path)
    if _DRIVE.match(drive):  # Windows: file:///C:/folder/file.md
        return f"file:///{drive}{_segments(rest.replace(os.sep, '/'))}"
    return "file://" + _segments(path.replace(os.sep, "/"))


def artifact_location(path: str) -> dict:
    """The artifactLocation of a finding's path (see the module docstring)."""
    if _WEB.match(path):
        url = _LONE_PERCENT.sub("%25", path)
        return {"uri": quote(url, safe=":/?#[]@!$&'()*+,;=%~", errors="surrogateescape")}
    if os.path.isabs(path):
        return {"uri": file_uri(path)}
    return {"uri": _segments(path), "uriBaseId": BASE_ID}


def base_uri() -> str:
    """The absolute file:// URI of the folder relative paths start from, ending with "/"."""
    return file_uri(os.path.join(str(Path.cwd()), ""))


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
                    "artifactLocation": artifact_location(f.path),
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
    if f.related:  # rules whose matches overlap this one (audit.policy.overlaps)
        result["properties"]["related"] = f.related
    if f.baseline_state:
        result["baselineState"] = f.baseline_state
    if f.suppression:
        result["suppressions"] = [
            {
                "kind": "inSource",
                "justification": f.suppression.get("reason") or "(no reason given)",
            }
        ]
    if f.review:
        result["properties"]["review"] = f.review
        if f.cleared:
            result.setdefault("suppressions", []).append(_external(f.review))
    return result


def _external(review: dict) -> dict:
    """A reviewed finding as SARIF's external suppression (a decision made outside the source)."""
    claim = review.get("claim")
    what = f"approved claim {claim['id']}" if claim else str(review.get("decision"))
    justification = f"{what} by {review['reviewer']} ({review['time']})"
    if review.get("reason"):
        justification += f": {review['reason']}"
    if review.get("reference"):
        justification += f" [reference: {review['reference']}]"
    return {"kind": "external", "status": "accepted", "justification": justification}


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
        "originalUriBaseIds": {BASE_ID: {"uri": base_uri()}},
        "invocations": [
            {
                "executionSuccessful": not notifications,
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": results,
    }
    sarif = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    text = json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"
    # A lone surrogate (a file name that is not UTF-8, named in a message) cannot be written as
    # UTF-8: it is shown as the visible text \\udcff, as the console shows it.
    return _SURROGATE.sub(lambda m: f"\\\\u{ord(m.group()):04x}", text)
