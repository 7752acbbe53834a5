"""Console output: `path:line:col: severity category/rule: message`, the sentence, the fix.

Every piece of text printed comes from documents, file names or rule packs, so it goes through
`safe_text.escape`: control characters, bidi controls and line breaks are shown as escapes and
never reach the terminal raw.
"""

from __future__ import annotations

import os
import textwrap

from audit.core.result import DocumentResult, all_findings
from audit.core.totals import summarize
from audit.writers.safe_text import escape

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"


def use_color(stream, choice: str = "auto") -> bool:
    if choice != "auto":
        return choice == "always"
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


def render(report) -> str:
    """Console text; with report.quiet only the summary line."""
    text = render_results(report.results, report.fail_on, report.color)
    return text.splitlines()[-1] + "\n" if report.quiet else text


def render_results(results: list[DocumentResult], fail_on: str, color: bool = False) -> str:
    def c(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines: list[str] = []
    for f in all_findings(results):
        if f.baseline_state == "unchanged":
            continue  # in the baseline: counted in the summary, not repeated
        head = f"{escape(f.path)}:{f.line}:{f.column}: {c(_COLORS[f.severity], f.severity)} "
        head += f"{c(_BOLD, escape(f.category + '/' + f.rule))}: {escape(f.message)}"
        lines.append(head)
        sentence = escape(textwrap.shorten(f.sentence, width=300, placeholder=" ..."))
        lines.append(c(_DIM, f"    | {sentence}"))
        lines.append(f"    = {escape(f.action)}: {escape(f.suggestion)}")
        if f.review:
            lines.append(f"    ~ {escape(review_line(f.review))}")
    lines.append(summary_line(summarize(results, fail_on), fail_on))
    return "\n".join(lines) + "\n"


def review_line(review: dict) -> str:
    """A finding's review on one line: "accepted by Ana (2026-01-05): reason [reference]"."""
    claim = review.get("claim")
    what = str(review.get("decision") or "reviewed")
    if claim:
        what = {
            "approved": "approved claim {}",
            "drift": "drifted from approved claim {}",
            "expired": "expired approval of claim {}",
        }[claim["status"]].format(claim["id"])
    line = f"{what} by {review.get('reviewer') or '?'} ({review.get('time') or '?'})"
    if review.get("reason"):
        line += f": {review['reason']}"
    if review.get("reference"):
        line += f" [{review['reference']}]"
    return line + ("; does not fail the gate" if review.get("cleared") else "")


def summary_line(s: dict, fail_on: str) -> str:
    """The closing line, from a summary dict (also used by the streaming writers)."""
    sev = s["by_severity"]
    return (
        f"{s['findings']} finding{'s' if s['findings'] != 1 else ''} "
        f"({sev['error']} error, {sev['warning']} warning, {sev['info']} info) in "
        f"{s['documents']} document{'s' if s['documents'] != 1 else ''}, {s['words']} words"
        + (
            f"; {s['documents_with_errors']} could not be read"
            if s["documents_with_errors"]
            else ""
        )
        + (f"; {s['suppressed']} suppressed" if s["suppressed"] else "")
        + (f"; {s['baselined']} unchanged from baseline, not shown" if s["baselined"] else "")
        + (f"; fails --fail-on {fail_on}" if s["failed"] else "")
    )
