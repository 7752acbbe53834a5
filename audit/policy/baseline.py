"""Baselines: today's findings recorded by fingerprint, so CI fails only on new ones.

Fingerprints hash the path, rule, flagged sentence and match (not line numbers), so a baseline
survives edits elsewhere in the file and stops matching when the flagged sentence changes.
"""

from __future__ import annotations

import json
from pathlib import Path

from audit.core.errors import UsageError
from audit.core.finding import Finding
from audit.core.header import report_header

SCHEMA_VERSION = 1  # of the baseline file (the JSON report has its own, audit.core.header)


def render_baseline(findings: list[Finding]) -> str:
    entries = sorted(
        ({"fingerprint": f.fingerprint, "path": f.path, "rule": f.rule, "sentence": f.sentence}
         for f in findings),
        key=lambda e: (e["path"], e["fingerprint"]),
    )  # fmt: skip
    doc = {
        **report_header(SCHEMA_VERSION),
        "findings": entries,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def load_baseline(path: Path) -> set[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: baseline file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read baseline ({exc})") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: corrupt baseline: {exc.msg} at line {exc.lineno}") from None
    if (
        not isinstance(data, dict)
        or data.get("schema_version") != SCHEMA_VERSION
        or not isinstance(data.get("findings"), list)
        or not all(
            isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in data["findings"]
        )
    ):
        raise UsageError(
            f"{path}: not a claims-audit baseline (schema_version {SCHEMA_VERSION} with a findings list)"
        )
    return {e["fingerprint"] for e in data["findings"]}


def mark(findings: list[Finding], baseline: set[str]) -> None:
    for f in findings:
        f.baseline_state = "unchanged" if f.fingerprint in baseline else "new"
