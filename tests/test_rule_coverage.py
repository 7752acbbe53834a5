"""Meta-test: every token pattern and every exception of every rule is hit by one of its examples.

A pattern is covered when it matches in one of the rule's `flag` examples; an exception when it
matches in one of the rule's examples (`pass` ones, usually: an exception is what keeps them
from being flagged). tests/test_rule_examples.py checks what the rule makes of each example;
this test checks that no pattern or exception goes untried, so a pattern that can never match
(a hyphenated word as one token: the tokenizer always splits "risk-free" into risk - free) shows
up here.

Patterns are matched one at a time, within each sentence, as the claim matcher runs them
(audit.nlp.matcher). Numbers are 1-based, as in the rule loader's messages ("patterns #3").
"""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher

from audit.readers import parse

# What no example can cover, each with its reason. A new rule covers each of its patterns and
# exceptions with an example instead of adding to this list.
KNOWN_UNCOVERED: dict[tuple[str, str, int], str] = {
    ("efficacy-effective", "pattern", 13): (
        '"twice as likely to reach ...": the match holds "likely", a hedge (lexicon hedges), so '
        "every hit is hedged and the rule (hedged: info) reports it at info; a flag example "
        "must be flagged at warning or above (tests/test_rule_examples.py)"
    ),
}


def _sentences(nlp, texts):
    return [sent for t in texts for sent in nlp(parse("example", t, "markdown").text).sents]


def _hit(nlp, pattern, sentences) -> bool:
    matcher = Matcher(nlp.vocab, validate=False)
    matcher.add("pattern", [list(pattern)])
    return any(matcher(sent) for sent in sentences)


def _uncovered(rulebook, nlp) -> dict[tuple[str, str, int], str]:
    """(rule id, "pattern" or "exception", 1-based number) -> the pattern, for each miss."""
    out: dict[tuple[str, str, int], str] = {}
    for rule in rulebook.rules:
        if rule.derived:
            continue
        flag = _sentences(nlp, rule.examples_flag)
        every = flag + _sentences(nlp, rule.examples_pass)
        for kind, patterns, sentences in (
            ("pattern", rule.patterns, flag),
            ("exception", rule.exception_patterns, every),
        ):
            for n, pattern in enumerate(patterns, 1):
                if not _hit(nlp, pattern, sentences):
                    out[(rule.id, kind, n)] = str(list(pattern))
    return out


def test_every_pattern_and_exception_is_hit_by_an_example(rulebook, nlp):
    uncovered = _uncovered(rulebook, nlp)
    new = sorted(set(uncovered) - set(KNOWN_UNCOVERED))
    stale = sorted(set(KNOWN_UNCOVERED) - set(uncovered))
    lines = [
        f"  {rule_id} {kind} #{n}: {uncovered[(rule_id, kind, n)][:200]}"
        for rule_id, kind, n in new
    ]
    assert not new, (
        "Patterns no flag example of their rule matches, or exceptions no example matches.\n"
        "Add a `flag` example the rule flags for each pattern, and a `pass` example the\n"
        "exception matches (and the rule does not flag) for each exception:\n" + "\n".join(lines)
    )
    assert not stale, (
        f"Covered now, remove from KNOWN_UNCOVERED in {__name__.split('.')[-1]}.py: {stale}"
    )


@pytest.mark.parametrize("key", sorted(KNOWN_UNCOVERED))
def test_known_uncovered_entries_say_why(key):
    assert len(KNOWN_UNCOVERED[key]) > 20, f"{key}: say why no example can cover it"
