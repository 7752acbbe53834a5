"""Choosing rules on the command line: refusals that name the mistake, hints that fix it."""

from __future__ import annotations

PACK = """\
pack: house
rules:
  - id: house-miracle
    category: efficacy-claim
    severity: warning
    action: edit
    message: Miracle wording
    rationale: A miracle is not a claim anyone can substantiate.
    suggestion: Say what the product does, with evidence.
    patterns:
      - [{LOWER: miracle}]
    examples:
      flag: [A miracle balm for dry hands.]
      pass: [A balm for dry hands.]
"""


def test_no_bundled_rules_without_a_pack_is_refused(cli, tmp_path):
    (tmp_path / "a.md").write_text("Studies show our miracle balm cures eczema.\n")
    r = cli("a.md", "--no-bundled-rules")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        "claims-audit: --no-bundled-rules leaves no rules: give a rule pack with --rules FILE "
        "(or `rules` in the config)"
    ]


def test_no_bundled_rules_with_a_pack_runs_that_pack_only(cli, tmp_path):
    (tmp_path / "a.md").write_text("Studies show our miracle balm cures eczema.\n")
    (tmp_path / "house.yml").write_text(PACK)
    r = cli("a.md", "--no-bundled-rules", "--no-model", "--rules", "house.yml", "--format", "jsonl")
    assert r.returncode == 1, r.stderr
    assert [line.split('"rule": "')[1].split('"')[0] for line in r.stdout.splitlines()] == [
        "house-miracle"
    ]


def test_an_unknown_rule_id_gets_a_did_you_mean(cli, tmp_path):
    (tmp_path / "a.md").write_text("Hello.\n")
    r = cli("a.md", "--select", "vague-studies-shows")
    assert r.returncode == 2
    assert (
        "unknown rule id or category: vague-studies-shows (did you mean 'vague-studies-show'?)"
        in r.stderr
    )
    r = cli("a.md", "--ignore", "zzzz")
    assert "unknown rule id or category: zzzz (claims-audit rules lists them)" in r.stderr


def test_rules_as_json_with_descriptions(cli, rulebook):
    import json

    listed = json.loads(cli("rules", "--format", "json").stdout)
    assert {r["id"] for r in listed} == {r.id for r in rulebook.rules}
    one = json.loads(cli("rules", "show", "stat-percentage", "--format", "json").stdout)
    assert one["description"] and one["rationale"] and one["examples"]["flag"]
    assert one["docs"] == "docs/rules/stat-percentage.md"
    r = cli("rules", "show", "stat-percentge")
    assert r.returncode == 2 and "did you mean 'stat-percentage'?" in r.stderr
