"""The approved-claims library and the decisions file, as units (the CLI: tests/test_review.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from audit.core.errors import UsageError
from audit.review.decisions import load_decisions
from audit.review.library import ApprovedClaim, assess, figures, load_library

TODAY = date(2026, 12, 1)
LIBRARY = [
    ApprovedClaim(
        id="SLEEP-01", wording="Our gummies may support restful sleep in adults.",
        references=["Smith et al., 2021"], approver="QA", approved=date(2026, 1, 5),
        expires=date(2027, 1, 5),
    ),
    ApprovedClaim(
        id="SLEEP-02", wording="In a 2021 trial of 120 adults, 70% fell asleep faster.",
        references=["doi:10.1000/trial"], approver="QA", approved=date(2025, 1, 5),
        expires=date(2026, 6, 1),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "kind", "claim", "why"),
    [
        ("Our gummies may support restful sleep in adults.", "approved", "SLEEP-01", ""),
        ("Our gummies may support restful sleep in adults!", "approved", "SLEEP-01", ""),
        ("Our gummies boost restful sleep in adults.", "drift", "SLEEP-01", "hedge"),
        ("Our gummies may support restful sleep in adults with insomnia.", "drift", "SLEEP-01", "wording"),
        ("In a 2021 trial of 120 adults, 80% fell asleep faster.", "drift", "SLEEP-02", "figures"),
        ("In a 2021 trial of 120 adults, 70% fell asleep faster.", "expired", "SLEEP-02", "expired"),
    ],
)  # fmt: skip
def test_assess(sentence, kind, claim, why):
    outcome = assess(sentence, LIBRARY, TODAY)
    assert outcome is not None
    assert (outcome.kind, outcome.claim.id) == (kind, claim)
    assert why in outcome.why


def test_unrelated_sentence_matches_nothing():
    assert assess("Take two gummies an hour before bed.", LIBRARY, TODAY) is None


def test_figures_read_words_and_digits_alike():
    assert figures("seven in ten adults") == figures("7 in 10 adults") == ["7", "10"]


def test_library_from_yaml_and_csv(tmp_path):
    (tmp_path / "lib.yml").write_text(
        "claims:\n  - id: A\n    wording: Our tea may support digestion.\n"
        "    references: [EFSA 2012]\n    approver: Legal\n    approved: 2026-01-01\n"
    )
    (tmp_path / "lib.csv").write_text(
        "id,wording,references,scope,approver,approved,expires\n"
        "A,Our tea may support digestion.,EFSA 2012; Smith 2020,Tea,Legal,2026-01-01,2027-01-01\n"
    )
    yml, csv_ = load_library(tmp_path / "lib.yml"), load_library(tmp_path / "lib.csv")
    assert yml[0].wording == csv_[0].wording and csv_[0].references == ["EFSA 2012", "Smith 2020"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("lib.yml", "claims:\n  - id: A\n    wording: hi\n", "claim 1: wording"),
        ("lib.yml", "claims: [{id: A, wording: Our tea may help., references: [], approver: x, approved: 2026-01-01}]\n", "references"),
        ("lib.yml", "claims: [{id: A, wording: Our tea may help., references: [r], approver: x, approved: yesterday}]\n", "approved"),
        ("lib.yml", "a: &a [1]\nclaims: *a\n", "anchors and aliases"),
        ("lib.yml", "claims: [\n", "invalid YAML"),
        ("lib.csv", "id,wording\nA,Our tea may help you.\n", "claim 1"),
    ],
)  # fmt: skip
def test_bad_library_is_one_line(tmp_path, name, text, message):
    (tmp_path / name).write_text(text)
    with pytest.raises(UsageError) as err:
        load_library(tmp_path / name)
    assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not json", "not JSON"),
        ({"schema_version": 2, "decisions": []}, "schema_version"),
        ({"schema_version": 1, "decisions": [{"fingerprint": "abc"}]}, "decisions.0"),
        ({"schema_version": 1, "decisions": [{"fingerprint": "0123456789abcdef0123", "rule": "r",
          "path": "p", "decision": "maybe", "reviewer": "x", "time": "t"}]}, "decision"),
    ],
)  # fmt: skip
def test_bad_decisions_file_is_one_line(tmp_path, data, message):
    path = tmp_path / "d.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    with pytest.raises(UsageError) as err:
        load_decisions([path])
    assert message in str(err.value) and "\n" not in str(err.value)
