"""The Markdown report, written to be posted as a pull-request comment (GitHub or GitLab).

It opens with the verdict and summary tables, then lists findings grouped by file, one
collapsible <details> block per file, so a comment with hundreds of findings stays scannable.
Each rule's rationale and fix appear once, at the end, not in every row.

Text from audited documents is escaped for where it lands: Markdown punctuation and HTML in
table cells, backtick fences in code spans, HTML entities inside <summary>. "@name" and "#123"
get an invisible word joiner after the sign, so quoting a document never pings a GitHub user or
links an unrelated issue. GitHub rejects comments over 65,536 characters, so files that would
not fit are left out with a note saying how many findings are missing.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from audit import __version__
from audit.core.finding import SEVERITY_RANK, Finding, sort_key
from audit.core.result import DocumentResult
from audit.core.totals import Totals
from audit.writers.console import review_line

BUDGET = 60_000  # characters; leaves room under GitHub's 65,536 for a bot's own header
OPEN_UP_TO = 25  # reports with at most this many findings show every file expanded
SUPPRESSED_ROWS = 50  # a longer list would crowd findings out of the size budget
SENTENCE_CHARS = 240

# Inline syntax only: document text never starts a line here (it follows "| " or "- Fix: "),
# so block markers such as "#", "-" and "1." cannot take effect. "$" would start GitHub math.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_MENTION = re.compile(r"([@#])(?=\w)")
_WORD_JOINER = "\u2060"


def _defuse(text: str) -> str:
    """Break GitHub's @mention and #issue autolinks without changing what a reader sees."""
    return _MENTION.sub(lambda m: m.group(1) + _WORD_JOINER, text)


def text(value: str) -> str:
    """Plain text for a Markdown paragraph or table cell: one line, nothing interpreted."""
    value = re.sub(r"\s+", " ", str(value))
    value = html.escape(value, quote=False)  # <, >, & become entities: no HTML gets through
    return _defuse(_MD_SPECIAL.sub(r"\\\1", value))


def code(value: str) -> str:
    """An inline code span that survives any backticks inside it, and table pipes."""
    value = " ".join(str(value).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value.replace('|', chr(92) + '|')}{pad}{fence}"


def html_text(value: str) -> str:
    """Text inside raw HTML such as <summary>, where Markdown escapes would show literally."""
    return _defuse(html.escape(" ".join(str(value).split())))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _sentence(f: Finding) -> str:
    """The flagged sentence with the matched words in bold, shortened around the match."""
    sentence = " ".join(f.sentence.split())
    match = " ".join(f.match.split())
    at = sentence.lower().find(match.lower()) if match else -1
    if len(sentence) > SENTENCE_CHARS:
        centre = at + len(match) // 2 if at >= 0 else 0
        lo = max(0, min(centre - SENTENCE_CHARS // 2, len(sentence) - SENTENCE_CHARS))
        hi = lo + SENTENCE_CHARS
        head, tail = ("… " if lo else ""), (" …" if hi < len(sentence) else "")
        sentence = sentence[lo:hi]
        at = at - lo if at >= 0 and lo <= at and at + len(match) <= hi else -1
    else:
        head = tail = ""
    if at < 0:
        return f"{head}{text(sentence)}{tail} (match: {code(match)})"
    return (  # <b>, not **: emphasis delimiters next to punctuation may not bold
        f"{head}{text(sentence[:at])}<b>{text(sentence[at : at + len(match)])}</b>"
        f"{text(sentence[at + len(match) :])}{tail}"
    )


def _file_block(result: DocumentResult, expanded: bool) -> str:
    """A file's findings: new ones first, those already in the baseline collapsed below."""
    counts = Counter(f.severity for f in result.findings)
    split = ", ".join(
        f"{counts[s]} {s}" for s in sorted(counts, key=SEVERITY_RANK.__getitem__, reverse=True)
    )
    new = [f for f in result.findings if f.baseline_state != "unchanged"]
    known = [f for f in result.findings if f.baseline_state == "unchanged"]
    body = _rows(new) if new else []
    if known:
        body += [
            f"<details><summary>In the baseline ({len(known)})</summary>",
            "",
            *_rows(known),
            "",
            "</details>",
        ]
    return "\n".join(
        [
            f"<details{' open' if expanded else ''}><summary><code>{html_text(result.path)}</code>: "
            f"{_plural(len(result.findings), 'finding')} ({split})</summary>",
            "",
            *body,
            "",
            "</details>",
            "",
        ]
    )


def _rows(findings: list[Finding]) -> list[str]:
    rows = [
        "| Where | Severity | Rule | Action | Sentence |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in findings:
        state = " (in baseline)" if f.baseline_state == "unchanged" else ""
        if f.review:  # --decisions / --claims-library
            state += f" ({text(review_line(f.review))})"
        also = "".join(f", also {code(r['rule'])}" for r in f.related)
        rows.append(
            f"| {code(f'{f.path}:{f.line}:{f.column}')} | {f.severity}{state} | {code(f.rule)}{also} "
            f"| {text(f.action)} | {_sentence(f)} |"
        )
    return rows


def _summary(report, totals: Totals) -> list[str]:
    from audit.writers import tables

    s = totals.summary()
    blocking = totals.failing
    if totals.failed:
        reasons = []
        if blocking or not totals.errors:
            reasons.append(
                f"{_plural(blocking, 'finding')} at or above {report.fail_on} "
                "need a citation or an edit."
            )
        if totals.errors:
            reasons.append(f"{_plural(totals.errors, 'input')} could not be audited.")
        verdict = f"## claims-audit: fails `--fail-on {report.fail_on}`\n\n" + " ".join(reasons)
    else:
        verdict = (
            f"## claims-audit: passes `--fail-on {report.fail_on}`\n\n"
            f"No finding at or above {report.fail_on}."
        )
    density = f"{s['findings'] * 1000 / s['words']:.1f}" if s["words"] else "n/a"
    sev = s["by_severity"]
    extra_head = extra_rule = extra_row = ""
    for key, label in (("suppressed", "suppressed"), ("baselined", "in baseline")):
        if s.get(key):
            extra_head += f" {label} |"
            extra_rule += " ---: |"
            extra_row += f" {s[key]} |"
    lines = [
        verdict,
        "",
        "| documents | words | findings | error | warning | info | per 1,000 words |" + extra_head,
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + extra_rule,
        f"| {s['documents']} | {s['words']} | {s['findings']} | {sev['error']} "
        f"| {sev['warning']} | {sev['info']} | {density} |" + extra_row,
        "",
    ]
    by_category = tables.records(
        tables.counts_by(tables.findings_frame(report.results), "category")
    )
    if by_category:
        lines += [
            "| category | error | warning | info | total |",
            "| --- | ---: | ---: | ---: | ---: |",
            *(
                f"| {text(r['category'])} | {r['error']} | {r['warning']} | {r['info']} "
                f"| {r['total']} |"
                for r in by_category
            ),
            "",
        ]
    return lines


def _rules(findings: list[Finding], rulebook) -> list[str]:
    """Each rule that fired, once, as the rule pack defines it (a finding's own severity may
    have been lowered, for example by a hedge)."""
    first: dict[str, Finding] = {}
    for f in findings:
        for rule_id in f.rule_ids:  # a folded rule is described by the pack, never by f
            if rule_id == f.rule or rule_id in rulebook.by_id:
                first.setdefault(rule_id, f)
    fired = sorted(first.items())
    if not fired:
        return []
    lines = [f"<details><summary>Rules that fired ({len(fired)})</summary>", ""]
    for rule_id, f in fired:
        rule = rulebook.by_id.get(rule_id, f)
        lines.append(
            f"- {code(rule_id)} ({text(rule.category)}, {rule.severity}, {text(rule.action)}): "
            f"{text(rule.message)}"
        )
        lines.append(f"  - Fix: {text(rule.suggestion)}")
        if rule.rationale:
            lines.append(f"  - Why: {text(rule.rationale)}")
    return [*lines, "", "</details>", ""]


def _suppressed(results: list[DocumentResult]) -> list[str]:
    """Every finding an inline comment silenced, with the reason the comment gives."""
    silenced = sorted((f for r in results for f in r.suppressed), key=sort_key)
    if not silenced:
        return []
    lines = [
        f"<details><summary>Suppressed inline ({len(silenced)})</summary>",
        "",
        "| where | rule | severity | matched | reason |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in silenced[:SUPPRESSED_ROWS]:
        why = (f.suppression or {}).get("reason") or "(no reason given)"
        lines.append(
            f"| {code(f'{f.path}:{f.line}:{f.column}')} | {code(f.rule)} | {f.severity} "
            f"| {text(f.match[:80])} | {text(why[:200])} |"
        )
    if len(silenced) > SUPPRESSED_ROWS:
        more = len(silenced) - SUPPRESSED_ROWS
        lines += [
            "",
            f"{_plural(more, 'more suppressed finding')}: the HTML and JSON reports list all.",
        ]
    return [*lines, "", "</details>", ""]


def render(report) -> str:
    totals = Totals.of(report.results, report.fail_on)
    head = _summary(report, totals)
    findings = [f for r in report.results for f in r.findings]
    tail = _rules(findings, report.rulebook) + _suppressed(report.results)
    unread = [r for r in report.results if r.error]
    if unread:
        tail += ["**Could not be read:**", ""]
        tail += [f"- {code(r.path)}: {text(r.error)}" for r in unread]
        tail += [""]
    packs = ", ".join(p.rsplit("/", 1)[-1] for p in report.rulebook.files)
    tail.append(
        f"<sub>claims-audit {__version__}, {html_text(report.created)}; "
        f"rule packs: {html_text(packs)}.</sub>"
    )

    expanded = len(findings) <= OPEN_UP_TO
    budget = BUDGET - sum(len(x) + 1 for x in head + tail)
    body: list[str] = []
    left_out = [0, 0]  # files, findings
    for result in (r for r in report.results if r.findings):
        block = _file_block(result, expanded)
        if left_out[0] or len(block) + 1 > budget:
            left_out[0] += 1
            left_out[1] += len(result.findings)
            continue
        budget -= len(block) + 1
        body.append(block)
    if body:
        body.insert(0, "### Findings by file\n")
    if left_out[0]:
        body.append(
            f"**{_plural(left_out[1], 'more finding')} in {_plural(left_out[0], 'more file')} "
            "not shown**, to keep this comment under GitHub's size limit. The HTML, CSV and "
            "JSON reports list every finding.\n"
        )
    return "\n".join([*head, *body, *tail]) + "\n"
