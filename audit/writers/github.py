"""GitHub Actions workflow commands: one `::warning file=...::message` line per finding.

Property values escape % CR LF : and , ; messages escape % CR LF, as the runner expects, so
text from an audited document can never end a command early or start a new one.
"""

from __future__ import annotations

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report) -> str:
    lines = []
    for r in report.results:
        if r.error:
            lines.append(
                f"::error file={_prop(r.path)},title={_prop('claims-audit')}::{_data(r.error)}"
            )
        for f in r.findings:
            if f.baseline_state == "unchanged":
                continue
            props = ",".join(
                [
                    f"file={_prop(f.path)}",
                    f"line={f.line}",
                    f"col={f.column}",
                    f"endLine={f.end_line}",
                    f"endColumn={f.end_column}",
                    f"title={_prop(f'{f.category}/{f.rule}')}",
                ]
            )
            message = f"{f.message}. {f.suggestion}\n> {f.sentence}"
            lines.append(f"::{LEVEL[f.severity]} {props}::{_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
