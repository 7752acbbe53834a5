"""One Markdown page per rule, and an index, for docs/rules/ (ruff's one-page-per-rule manual).

The pages are generated from the rule packs, so what a reader sees in the manual is what the
rules say: what the rule flags, why (the rationale and the standard behind it), its examples
both ways, the fix, the context it applies in, and how to silence it. `python -m
audit.cli.rule_docs` writes them; tests/test_rule_docs.py keeps them in step with rules/.
"""

from __future__ import annotations

from pathlib import Path

from audit.rulebook.book import Rule, RuleBook

# What each category is for, in the index (the labelling guide's definitions, shortened).
CATEGORY_INTRO = {
    "unsourced-statistic": "A figure (percentage, count, ratio, magnitude) given as fact with no source.",
    "vague-attribution": "Evidence or authority appealed to without naming it: studies, experts, proof.",
    "efficacy-claim": "A product or treatment said to work, heal or improve a condition or the body.",
    "disease-claim": "A product said to treat, cure, prevent or relieve a named disease.",
    "absolute-claim": "Guarantees, cures, permanence and 'works for everyone' wording.",
    "safety-claim": "Safety stated as absolute: 'no side effects', '100% safe', 'risk-free'.",
    "spam-link": "Link-bait phrasing that promotes a page rather than citing a source.",
    "weak-source": "A citation to a source of low standing (a shop, a forum, the site itself).",
    "broken-citation": "A cited link that does not resolve (with --check-links).",
    "citation-mismatch": "A cited page that does not mention what the sentence claims.",
}


def _fenced(lines: tuple[str, ...] | list[str]) -> list[str]:
    if not lines:
        return ["(none)"]
    return ["```text", *lines, "```"]


_OUTCOME = {
    "suppress": "not flagged",
    "keep": "flagged as usual",
    "info": "flagged at info",
    "ignore": "the citation is not looked for",
}
_CONTEXT = {
    "cited": "the sentence cites a source",
    "hedged": "the claim is hedged ('may', 'can help')",
    "negated": "the claim is negated",
    "question": "the sentence is a question",
}
_SIDE = {"either": "on either side of", "before": "before", "after": "after"}
_SCOPE = {
    "sentence": "Matches anywhere in a sentence.",
    "link": "Matches in a link's text or around it.",
    "quote": "Matches inside quoted words.",
}


def _context(rule: Rule) -> list[str]:
    when = rule.when
    out = [_SCOPE.get(str(when.get("scope", "sentence")), ""), ""]
    out += [
        f"- When {what}: {_OUTCOME.get(str(when[key]), str(when[key]))}."
        for key, what in _CONTEXT.items()
        if key in when
    ]
    if when.get("blocks"):
        out.append("- Only in these kinds of block: " + ", ".join(when["blocks"]) + ".")
    if rule.near:
        near = rule.near
        out.append(
            f"- Only with a word from the lexicon `{near['lexicon']}` within {near['window']} "
            f"words {_SIDE.get(near['side'], near['side'])} the match."
        )
    return out


def page(rule: Rule) -> str:
    """The Markdown page of one rule."""
    kind = "trained model" if rule.model else ("check" if rule.derived else "pattern rule")
    out = [
        f"# `{rule.id}`",
        "",
        f"Category `{rule.category}` · default severity **{rule.severity}** · action "
        f"`{rule.action}` · {kind} · pack `{rule.pack}` (`rules/{Path(rule.file).name}`)",
        "",
        "## What it flags",
        "",
        rule.description or rule.message,
        "",
        f"The finding's message: *{rule.message}*",
        "",
        "## Why it matters",
        "",
        rule.rationale,
        "",
    ]
    if rule.references:
        out += ["## References", "", *[f"- {r}" for r in rule.references], ""]
    out += ["## Flagged", "", *_fenced(rule.examples_flag), ""]
    out += ["## Not flagged", "", *_fenced(rule.examples_pass), ""]
    out += ["## How to fix it", "", rule.suggestion, ""]
    out += ["## Where it applies", "", *_context(rule), ""]
    out += [
        "## Turning it off",
        "",
        "For one line, with the reason a reviewer will read:",
        "",
        "```markdown",
        f"<!-- claims-audit-disable-next-line {rule.id} -- approved by legal, ref 2026-14 -->",
        "```",
        "",
        "For a project or some files, in `.claims-audit.toml`:",
        "",
        "```toml",
        f'disable = ["{rule.id}"]',
        "",
        "[[overrides]]",
        'files = ["legal/**"]',
        f'disable = ["{rule.id}"]',
        "```",
        "",
        f"`claims-audit rules show {rule.id}` prints this page in the terminal.",
        "",
    ]
    return "\n".join(out)


def index(rulebook: RuleBook) -> str:
    """docs/rules/README.md: every rule, by category, linked to its page."""
    out = [
        "# Rules",
        "",
        "Generated from the rule packs in `rules/` by `python -m audit.cli.rule_docs`; do not edit",
        "by hand. `claims-audit rules` lists the same rules, `claims-audit rules show ID` prints one.",
        "",
    ]
    categories = sorted({r.category for r in rulebook.rules})
    for category in categories:
        rules = sorted((r for r in rulebook.rules if r.category == category), key=lambda r: r.id)
        out += [f"## {category}", "", CATEGORY_INTRO.get(category, ""), ""]
        out += ["| Rule | Severity | What it flags |", "| --- | --- | --- |"]
        for r in rules:
            what = r.message.replace("|", "\\|")
            out.append(f"| [`{r.id}`]({r.id}.md) | {r.severity} | {what} |")
        out.append("")
    out.append(f"{len(rulebook.rules)} rules in {len(categories)} categories.")
    return "\n".join(out) + "\n"


def pages(rulebook: RuleBook) -> dict[str, str]:
    """File name -> text, for every page of docs/rules/."""
    out = {f"{r.id}.md": page(r) for r in rulebook.rules}
    out["README.md"] = index(rulebook)
    return out
