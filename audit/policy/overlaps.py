"""One finding per flagged phrase: findings whose matched words overlap are reported once.

"Our tea cures colds." trips an efficacy rule, a disease rule and an absolute-claim rule on the
same word. Three entries at one column read as noise and triple-count one edit in the gate, so
the strongest is kept and the others ride along as its `related` rules (rule, category,
severity, message), which every report shows and `eval` still credits to their categories.

Strongest: the higher severity, then the category nearer the front of PRECEDENCE (the more
specific claim: a cure promise says more than a benefit), then the longer match, then rule id.
"""

from __future__ import annotations

from audit.core.finding import Finding, sort_key

# The claim categories, most specific first. Only these are folded together: a finding about a
# citation (weak-source, a broken link), a suppression comment or a custom pack's category says
# something else about the same words and stays a finding of its own.
PRECEDENCE = (
    "absolute-claim",
    "safety-claim",
    "disease-claim",
    "efficacy-claim",
    "unsourced-statistic",
    "vague-attribution",
    "spam-link",
)
_ORDER = {category: i for i, category in enumerate(PRECEDENCE)}


def strength(f: Finding) -> tuple:
    """Sorts the strongest finding of a group first."""
    return (-f.rank, _ORDER[f.category], -(f.end - f.start), f.rule)


def related_entry(f: Finding) -> dict:
    return {"rule": f.rule, "category": f.category, "severity": f.severity, "message": f.message}


def merge_overlapping(findings: list[Finding]) -> list[Finding]:
    """Findings in source order, each group of overlapping matches in one sentence as one.

    Matches overlap when they share a character; a group is closed under overlap (a chain of
    three overlapping matches is one group). Findings already carrying related rules keep them.
    """
    out = [f for f in findings if f.category not in _ORDER]
    group: list[Finding] = []
    group_end = -1
    for f in sorted((f for f in findings if f.category in _ORDER), key=sort_key):
        if group and f.sentence_start == group[0].sentence_start and f.start < group_end:
            group.append(f)
            group_end = max(group_end, f.end)
            continue
        if group:
            out.append(_merged(group))
        group, group_end = [f], f.end
    if group:
        out.append(_merged(group))
    return sorted(out, key=sort_key)


def _merged(group: list[Finding]) -> Finding:
    if len(group) == 1:
        return group[0]
    ranked = sorted(group, key=strength)
    kept = ranked[0]
    seen = {kept.rule}
    related = list(kept.related)
    for other in ranked[1:]:
        for entry in [related_entry(other), *other.related]:
            if entry["rule"] not in seen:
                seen.add(entry["rule"])
                related.append(entry)
    kept.related = related
    return kept
