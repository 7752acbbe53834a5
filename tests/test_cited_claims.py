"""A cited efficacy claim: a fix that fits it, and a setting that lowers it to info."""

from __future__ import annotations

import json

CITED = (
    "Magnesium glycinate improves sleep quality in older adults "
    "([Abbasi 2012](https://pubmed.ncbi.nlm.nih.gov/23853635/)).\n"
)


def _findings(r) -> list[dict]:
    """Efficacy findings, including those folded into a stronger finding on the same words."""
    return [
        f
        for f in json.loads(r.stdout)["findings"]
        if "efficacy-claim" in [f["category"]] + [x["category"] for x in f["related"]]
    ]


def test_a_cited_claim_gets_a_fix_about_its_source(cli, tmp_path):
    (tmp_path / "a.md").write_text(CITED)
    (f,) = _findings(cli("a.md", "--format", "json", "--no-model"))
    assert "cited" in f["qualifiers"] and f["severity"] == "warning"
    assert f["suggestion"].startswith("Check that the cited source supports this exact claim")


def test_cited_claims_info_lets_a_well_cited_explainer_pass(cli, tmp_path):
    (tmp_path / "a.md").write_text(CITED + "\nOur gummies cure insomnia.\n")
    (tmp_path / ".claims-audit.toml").write_text('cited-claims = "info"\n')
    r = cli("a.md", "--format", "json", "--no-model")
    by_line = {f["line"]: f["severity"] for f in _findings(r)}
    assert by_line[1] == "info"  # cited: lowered
    assert by_line[3] == "warning"  # not cited: as before
    assert r.returncode == 1
    (tmp_path / "a.md").write_text(CITED)
    assert cli("a.md", "--no-model").returncode == 0
    assert 'cited-claims = "info"' in cli("--show-settings").stdout


def test_a_bad_cited_claims_value_is_one_line(cli, tmp_path):
    (tmp_path / "a.md").write_text(CITED)
    (tmp_path / ".claims-audit.toml").write_text('cited-claims = "off"\n')
    r = cli("a.md")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "cited-claims" in r.stderr
