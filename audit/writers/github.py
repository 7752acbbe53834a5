"""GitHub Actions workflow commands: one `::warning file=...::message` line per finding.

Text from documents, file names and rule packs first goes through `safe_text.escape`, so
control characters (ESC, which the Actions log viewer renders, BEL, CR, LF...) and bidi
controls are shown as visible escapes and a file name's newline can never start a line.
Then property values escape % CR LF : and , and messages escape % CR LF, as the runner
expects, so nothing can end a command early; the only %0A left in a message is the one that
puts the flagged sentence on its own line.
"""

from __future__ import annotations

from audit.writers.safe_text import escape

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(escape(text)).replace(":", "%3A").replace(",", "%2C")


def render(report) -> str:
    lines = []
    for r in report.results:
        if r.error:
            props = f"file={_prop(r.path)},title={_prop('claims-audit')}"
            lines.append(f"::error {props}::{_data(escape(r.error))}")
        for f in r.findings:
            if f.baseline_state == "unchanged" or f.cleared:
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
            message = f"{escape(f.message)}. {escape(f.suggestion)}\n> {escape(f.sentence)}"
            if f.related:
                message += f"\n{escape(f.also)}"
            lines.append(f"::{LEVEL[f.severity]} {props}::{_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
