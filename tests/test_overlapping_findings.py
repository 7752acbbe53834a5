"""Two findings on one word are reported once: the strongest, with the others as related rules
(issue 14, item 9). Every report shows the related rules; eval still credits their categories."""

from __future__ import annotations

import csv
import io
import json

from audit.core.finding import Finding
from audit.policy.overlaps import merge_overlapping

CURE = "Our tea cures colds.\n"


def _json(cli, *args: str) -> dict:
    return json.loads(cli(*args, "--format", "json").stdout)


def test_one_finding_per_word_with_the_others_related(cli, tmp_path):
    (tmp_path / "tea.md").write_text(CURE)
    report = _json(cli, "tea.md")
    [f] = report["findings"]
    assert (f["rule"], f["category"], f["severity"]) == (
        "absolute-cure-guarantee",
        "absolute-claim",
        "error",
    )
    related = {(r["rule"], r["category"], r["severity"]) for r in f["related"]}
    assert related == {
        ("efficacy-verb", "efficacy-claim", "warning"),
        ("disease-claim", "disease-claim", "warning"),
    }
    assert all(r["message"] for r in f["related"])
    assert report["summary"]["findings"] == 1


def test_console_and_concise_name_the_related_rules(cli, tmp_path):
    (tmp_path / "tea.md").write_text(CURE)
    out = cli("tea.md").stdout
    assert out.count("tea.md:1:9:") == 1
    assert "    + also disease-claim/disease-claim (warning), efficacy-claim/efficacy-verb" in out
    concise = cli("tea.md", "--output-format", "concise").stdout.splitlines()
    assert len(concise) == 2  # the finding and the summary
    assert concise[0].endswith(
        "[cures colds] (also disease-claim/disease-claim (warning), "
        "efficacy-claim/efficacy-verb (warning))"
    )


def test_machine_reports_carry_the_related_rules(cli, tmp_path):
    (tmp_path / "tea.md").write_text(CURE)
    sarif = json.loads(cli("tea.md", "--format", "sarif").stdout)
    [result] = sarif["runs"][0]["results"]
    assert {r["rule"] for r in result["properties"]["related"]} == {
        "efficacy-verb",
        "disease-claim",
    }
    rows = list(csv.DictReader(io.StringIO(cli("tea.md", "--format", "csv").stdout)))
    assert len(rows) == 1 and "efficacy-verb" in rows[0]["related"]
    md = cli("tea.md", "--format", "md").stdout
    assert "`absolute-cure-guarantee`, also `disease-claim`, also `efficacy-verb`" in md
    assert "- `efficacy-verb` (efficacy-claim" in md  # its definition is in "Rules that fired"
    junit = cli("tea.md", "--format", "junit").stdout
    assert junit.count("<testcase") == 1 and "Also disease-claim/disease-claim" in junit
    html = cli("tea.md", "--format", "html").stdout
    assert '<dt>Also</dt><dd class="related"><a href="#rule-disease-claim">' in html
    assert 'id="rule-efficacy-verb"' in html  # the link has a target


def test_disabling_the_strongest_leaves_the_next(cli, tmp_path):
    (tmp_path / "tea.md").write_text(CURE)
    (tmp_path / ".claims-audit.toml").write_text('disable = ["absolute-claim"]\n')
    [f] = _json(cli, "tea.md")["findings"]
    assert f["rule"] == "disease-claim"  # more specific than a benefit, same severity
    assert [r["rule"] for r in f["related"]] == ["efficacy-verb"]


def test_an_inline_suppression_of_one_rule_keeps_the_others(cli, tmp_path):
    (tmp_path / "tea.md").write_text(
        "<!-- claims-audit-disable-next-line absolute-claim -- a quoted slogan -->\n" + CURE
    )
    report = _json(cli, "tea.md")
    [f] = report["findings"]
    assert f["rule"] == "disease-claim" and report["summary"]["suppressed"] == 1


def test_claims_on_different_words_stay_separate(cli, tmp_path):
    (tmp_path / "a.md").write_text("Studies show that 87% of users sleep better.\n")
    findings = _json(cli, "a.md")["findings"]
    assert len(findings) >= 2
    spans = sorted((f["start"], f["end"]) for f in findings)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def _finding(rule: str, category: str, severity: str, start: int, end: int) -> Finding:
    return Finding(
        "x.md", 1, start + 1, 1, end + 1, start, end, "w", "sentence", 0, 40,
        rule, category, severity, "edit", f"{rule} message", "fix",
    )  # fmt: skip


def test_groups_are_closed_under_overlap_and_sentences_are_kept_apart():
    a = _finding("efficacy-verb", "efficacy-claim", "warning", 0, 5)
    b = _finding("disease-claim", "disease-claim", "warning", 4, 10)
    c = _finding("stat", "unsourced-statistic", "warning", 9, 12)  # overlaps b, not a
    d = _finding("later", "unsourced-statistic", "warning", 12, 14)  # touches c, no overlap
    out = merge_overlapping([d, c, b, a])
    assert [f.rule for f in out] == ["disease-claim", "later"]
    assert [r["rule"] for r in out[0].related] == ["efficacy-verb", "stat"]
    other = _finding("x", "efficacy-claim", "warning", 0, 5)
    other.sentence_start = 50  # another sentence: never merged
    assert len(merge_overlapping([a, other])) == 2


def test_eval_credits_the_related_categories(tmp_path, rulebook):
    """eval scores the merged findings (one absolute-claim finding with efficacy-verb related):
    the efficacy label is still met, through the related rule."""
    from audit.engines.evaluation import evaluate

    (tmp_path / "tea.md").write_text(CURE)
    (tmp_path / "labels.yml").write_text(
        'tea.md:\n  - text: "Our tea cures colds"\n    labels: [efficacy-claim, absolute-claim]\n'
    )
    report = evaluate(tmp_path, rulebook, "warning")
    for label in ("efficacy-claim", "absolute-claim"):
        assert report.counts[label] == {"tp": 1, "fp": 0, "fn": 0}, label
