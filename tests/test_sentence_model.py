"""The trained sentence model beside the rules: shipped, exact, and handled like a rule."""

from __future__ import annotations

import json

import pytest

from audit.checks.sentence_model import load_default
from audit.core.labels import LABELS
from audit.rulebook.loader import load_rulebook

MODEL_RULES = [r for r in load_rulebook().rules if r.model]


def test_the_model_ships_inside_the_package_and_covers_every_label():
    model = load_default()
    assert tuple(model.labels) == LABELS
    assert {r.model for r in MODEL_RULES} == set(LABELS)
    assert (model.info <= model.warning).all()


def test_scores_do_not_depend_on_the_batch():
    model = load_default()
    texts = ["Studies show it works.", "Take two capsules daily.", "Cures colds overnight!"]
    kinds = ["paragraph", "list-item", "heading"]
    together = model.scores(texts, kinds)
    for i, (t, k) in enumerate(zip(texts, kinds, strict=True)):
        assert (model.scores([t], [k])[0] == together[i]).all()


@pytest.mark.parametrize("rule", MODEL_RULES, ids=lambda r: r.id)
def test_model_rule_examples(audit_text, rule):
    for text in rule.examples_flag:
        _, findings = audit_text(text)
        hits = [f for f in findings if f.category == rule.category and f.rank >= 1]
        assert hits, f"{rule.id} should flag: {text}"
    for text in rule.examples_pass:
        _, findings = audit_text(text)
        assert not [f for f in findings if f.rule == rule.id], f"{rule.id} flagged: {text}"


def test_a_model_finding_explains_itself(audit_text):
    _, findings = audit_text(
        "Top cardiologists are quietly switching their own families to this oil."
    )
    (f,) = [f for f in findings if f.rule == "attribution-model"]
    assert "model score" in f.message and "words that weighed most: " in f.message
    assert f.match.lower() in f.message.lower()  # the match is a word that weighed most


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Top cardiologists are quietly switching their own families to this oil [1].", "attribution-model"),
        ("Are top cardiologists quietly switching their own families to this oil?", "attribution-model"),
    ],
)  # fmt: skip
def test_citations_and_questions_apply_to_the_model(audit_text, text, rule):
    _, findings = audit_text(text)
    assert rule not in {f.rule for f in findings}


def test_no_model_runs_the_rules_alone(cli, tmp_path):
    (tmp_path / "a.md").write_text(
        "Top cardiologists are quietly switching their own families to this oil.\n"
    )
    rules = {f["rule"] for f in json.loads(cli("a.md", "--format", "json").stdout)["findings"]}
    assert "attribution-model" in rules
    alone = json.loads(cli("a.md", "--format", "json", "--no-model").stdout)["findings"]
    assert not [f for f in alone if f["rule"].endswith("-model")]


CAMPS = "We conducted 146 free health camps in 62 villages, screening 38,400 people for diabetes.\n"


def test_a_rule_hit_the_model_doubts_is_info_and_says_why(cli, tmp_path):
    """The count rule fires on an activity report; the model scores the sentence near zero as a
    statistic (DOUBT_BELOW), so the hit is info, with the score in its message. Without the
    model the rule alone decides (warning); a configured severity does not undo the doubt."""
    (tmp_path / "a.md").write_text(CAMPS)
    [f] = json.loads(cli("a.md", "--format", "json").stdout)["findings"]
    assert (f["rule"], f["severity"]) == ("stat-count-evidence", "info")
    assert "model-doubt" in f["qualifiers"] and "the sentence model doubts it" in f["message"]
    [f] = json.loads(cli("a.md", "--format", "json", "--no-model").stdout)["findings"]
    assert f["severity"] == "warning" and "model-doubt" not in f["qualifiers"]
    (tmp_path / ".claims-audit.toml").write_text('[severity]\n"unsourced-statistic" = "error"\n')
    [f] = json.loads(cli("a.md", "--format", "json").stdout)["findings"]
    assert f["severity"] == "info"


def test_a_claim_the_model_agrees_with_stays_a_warning(audit_text):
    _, findings = audit_text("More than 70% of patients improved within a day.\n", "markdown")
    stat = [f for f in findings if f.category == "unsourced-statistic"]
    assert stat and stat[0].severity == "warning" and "model-doubt" not in stat[0].qualifiers
