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


SHOWN = 300  # characters of a sentence shown under its finding


def render(report) -> str:
    """Console text; with report.quiet only the summary line."""
    if report.statistics:
        return statistics(report.results, report.fail_on, report.rulebook)
    text = render_results(report.results, report.fail_on, report.color, report.concise)
    return text.splitlines()[-1] + "\n" if report.quiet else text


def render_results(
    results: list[DocumentResult], fail_on: str, color: bool = False, concise: bool = False
) -> str:
    def c(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines: list[str] = []
    for f in all_findings(results):
        if f.baseline_state == "unchanged":
            continue  # in the baseline: counted in the summary, not repeated
        head = f"{escape(f.path)}:{f.line}:{f.column}: {c(_COLORS[f.severity], f.severity)} "
        head += f"{c(_BOLD, escape(f.category + '/' + f.rule))}: {escape(f.message)}"
        if concise:
            also = f" ({escape(f.also)})" if f.related else ""
            lines.append(f"{head} [{escape(' '.join(f.match.split()))}]{also}")
            continue
        lines.append(head)
        sentence = " ".join(f.sentence.split())
        lines.append(
            c(_DIM, f"    | {escape(textwrap.shorten(sentence, SHOWN, placeholder=' ...'))}")
        )
        caret = _caret(sentence, f.match, f.start - f.sentence_start)
        if caret:
            lines.append("    | " + c(_COLORS[f.severity], caret))
        lines.append(f"    = {escape(f.action)}: {escape(f.suggestion)}")
        if f.related:
            lines.append(f"    + {escape(f.also)}")
        if f.review:
            lines.append(f"    ~ {escape(review_line(f.review))}")
    lines.append(summary_line(summarize(results, fail_on), fail_on))
    return "\n".join(lines) + "\n"


def _caret(sentence: str, match: str, hint: int) -> str:
    """Carets under the matched words in the shown sentence (rustc and ruff style); "" when
    the words are not in the part shown. `hint` is about where they start (source offsets,
    which markup can shift), to pick the right one of repeated words."""
    words = " ".join(match.split())
    if not words:
        return ""
    found = [i for i in _occurrences(sentence, words)]
    if not found:
        return ""
    at = min(found, key=lambda i: abs(i - hint))
    if at + len(words) > SHOWN - 4:
        return ""  # cut off by the shortened sentence
    return " " * len(escape(sentence[:at])) + "^" * len(escape(words))


def _occurrences(text: str, words: str):
    i = text.find(words)
    while i >= 0:
        yield i
        i = text.find(words, i + 1)


def statistics(results: list[DocumentResult], fail_on: str, rulebook=None) -> str:
    """--statistics: how many findings each rule made, most first (ruff's --statistics)."""
    counts: dict[tuple[str, str], int] = {}
    messages: dict[str, str] = {}
    for f in all_findings(results):
        if f.baseline_state == "unchanged":
            continue
        counts[(f.rule, f.severity)] = counts.get((f.rule, f.severity), 0) + 1
        rule = rulebook.by_id.get(f.rule) if rulebook is not None else None
        messages[f.rule] = rule.message if rule is not None else f.message  # not per finding
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    width = max((len(rule) for (rule, _), _ in rows), default=0)
    lines = [
        f"{n:>6}  {escape(rule).ljust(width)}  {sev:<7}  {escape(messages[rule])}"
        for (rule, sev), n in rows
    ]
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


def _words(n: int) -> str:
    return f"{n} word{'' if n == 1 else 's'}"


def summary_line(s: dict, fail_on: str) -> str:
    """The closing line, from a summary dict (also used by the streaming writers). A passing
    run whose findings are all in the baseline says so plainly, as ruff does."""
    sev = s["by_severity"]
    if not s["failed"] and s["baselined"] and s["baselined"] == s["findings"]:
        docs = s["documents"]
        return (
            f"All checks passed ({s['baselined']} baselined) in {docs} "
            f"document{'s' if docs != 1 else ''}, {_words(s['words'])}"
            + (f"; {s['suppressed']} suppressed" if s["suppressed"] else "")
        )
    return (
        f"{s['findings']} finding{'s' if s['findings'] != 1 else ''} "
        f"({sev['error']} error, {sev['warning']} warning, {sev['info']} info) in "
        f"{s['documents']} document{'s' if s['documents'] != 1 else ''}, {_words(s['words'])}"
        + (
            f"; {s['documents_with_errors']} could not be read"
            if s["documents_with_errors"]
            else ""
        )
        + (f"; {s['suppressed']} suppressed" if s["suppressed"] else "")
        + (f"; {s['baselined']} unchanged from baseline, not shown" if s["baselined"] else "")
        + (f"; fails --fail-on {fail_on}" if s["failed"] else "")
    )
