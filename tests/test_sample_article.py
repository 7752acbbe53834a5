"""The user's sample article (examples/ketamine-austin.txt): what must and must not be flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.core.finding import SEVERITY_RANK

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ketamine-austin.txt"

MUST_FLAG = {
    "unsourced-statistic": ["One study found that more than 70% of patients"],
    "vague-attribution": [
        "Recent studies show that Ketamine can also be used to treat",
        "One study found that more than 70%",
        "One study found that Ketamine-assisted psychotherapy sessions",
    ],
    "efficacy-claim": [
        "Recent studies show that Ketamine can also be used to treat",
        "Ketamine has been found to be a fast-acting treatment",
        "One study found that more than 70%",
        "Ketamine provides almost immediate relief.",
        "Ketamine has also been found to be effective in treating PTSD",
        "One study found that Ketamine-assisted psychotherapy sessions helped reduce",
        "The dissociative effects of Ketamine can help patients process",
        "It can also be helpful for patients who need immediate relief",
    ],
    "spam-link": [
        "Delve deeper into the subject by visiting this external website",
        "Read this informative content.",
        "Find additional information in the related posts we",
        "Find more insights in this informative guide",
        "Check out this valuable article",
    ],
}

MUST_NOT_FLAG = [
    "What is Ketamine?",
    "How does it work?",
    "What are the benefits of using Ketamine for mental health in Austin?",
    "Who can benefit from Ketamine therapy?",
    "What are the potential side effects of using Ketamine for mental health?",
    "Ketamine is a medication used for anesthesia",
    "The drug is administered through an IV",
    "Ketamine is believed to promote",
    "Ketamine therapy may be a good option",
    "Like all medications, Ketamine can cause side effects.",
    "Some of the most common side effects include",
    "Ketamine therapy should only be administered by a licensed healthcare professional",
]


@pytest.fixture(scope="module")
def sample_findings(audit_text):
    text = SAMPLE.read_text(encoding="utf-8")
    _, findings = audit_text(text, "text", "examples/ketamine-austin.txt")
    return text, [f for f in findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK["warning"]]


@pytest.mark.parametrize(
    "category,excerpt", [(c, e) for c, items in MUST_FLAG.items() for e in items]
)
def test_sample_flags(sample_findings, category, excerpt):
    _, findings = sample_findings
    hits = [f for f in findings if f.category == category and excerpt in f.sentence]
    assert hits, f"expected {category} on: {excerpt}"


@pytest.mark.parametrize("excerpt", MUST_NOT_FLAG)
def test_sample_does_not_flag(sample_findings, excerpt):
    _, findings = sample_findings
    hits = [f for f in findings if f.sentence.startswith(excerpt) or excerpt in f.sentence[:80]]
    assert not hits, f"unexpected {hits[0].category}/{hits[0].rule} on: {excerpt}"


def test_sample_positions_are_exact(sample_findings):
    text, findings = sample_findings
    assert findings
    for f in findings:
        assert text[f.start : f.end] == f.match
        assert text[f.sentence_start : f.sentence_end].startswith(f.sentence[:20])
