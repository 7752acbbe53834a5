"""Meta-test: every rule ships examples, and every example behaves (proselint/LanguageTool style).

Each rule is checked on its own pipeline, so another rule of the same category cannot hide a
miss or take credit for a hit.
"""

from __future__ import annotations

import pytest

from audit.core.finding import SEVERITY_RANK
from audit.core.result import DocumentResult
from audit.engines.local import audit_document
from audit.nlp.pipeline import build_pipeline
from audit.readers import parse
from audit.rulebook.loader import load_rulebook

RULES = load_rulebook().rules


@pytest.fixture(scope="module")
def full():
    return load_rulebook()


def _findings(nlp, book, text):
    document = parse("example", text, "markdown")
    doc = nlp(document.text)
    return audit_document(document, doc, book, DocumentResult("example")).findings


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_examples(rule):
    assert rule.examples_flag, f"{rule.id} has no flag examples"
    assert rule.examples_pass, f"{rule.id} has no pass examples"
    assert rule.rationale and rule.suggestion and rule.message


MATCHED = [r for r in RULES if not r.derived]


@pytest.mark.parametrize("rule", MATCHED, ids=[r.id for r in MATCHED])
def test_rule_examples_behave(rule, full):
    nlp = build_pipeline(full, select=[rule.id])
    book = full
    for text in rule.examples_flag:
        hits = [f for f in _findings(nlp, book, text) if f.rule == rule.id]
        assert hits, f"{rule.id} should flag: {text}"
        assert any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK["warning"] for f in hits), (
            f"{rule.id} flags only below warning: {text}"
        )
    for text in rule.examples_pass:
        hits = [
            f
            for f in _findings(nlp, book, text)
            if f.rule == rule.id and SEVERITY_RANK[f.severity] >= SEVERITY_RANK["warning"]
        ]
        assert not hits, f"{rule.id} should not flag: {text} (matched {hits[0].match!r})"
