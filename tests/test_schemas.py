"""Schemas: generated into schemas/ from the models that validate, and reports that match them."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from audit.cli.schemas import SCHEMAS, main, render
from audit.core.finding import Finding
from audit.core.result import DocumentResult
from audit.core.totals import Totals
from audit.writers.report_schema import DocumentEntry, FindingEntry, Summary

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schemas"


def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_files_are_what_the_models_generate(name):
    """Regenerating gives the same bytes: run `python -m audit.cli.schemas` after a change."""
    assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == render(SCHEMAS[name])


def test_the_generator_writes_and_checks(tmp_path):
    assert main(["--out", str(tmp_path), "--check"]) == 1  # nothing there yet
    assert main(["--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(SCHEMAS)
    assert main(["--out", str(tmp_path), "--check"]) == 0


def test_the_report_schema_lists_every_field():
    """One Finding, one document entry, one summary: the schema follows them field for field."""
    assert list(FindingEntry.model_fields) == [f.name for f in dataclasses.fields(Finding)]
    assert list(DocumentEntry.model_fields) == list(DocumentResult("x").to_dict())
    assert list(Summary.model_fields) == list(Totals("warning").summary())


def test_reports_on_the_corpus_match_the_schema(cli, tmp_path):
    r = cli(str(ROOT / "examples"), str(ROOT / "tests" / "corpus" / "dev"), "--format", "json")
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert len(report["findings"]) > 100
    jsonschema.validate(report, schema("report.schema.json"))


def test_a_report_with_suppressions_baseline_and_errors_matches_the_schema(cli, tmp_path):
    (tmp_path / "a.md").write_text(
        "Studies show that 80% of clients sleep better ([CDC](https://www.cdc.gov/sleep)).\n\n"
        "<!-- claims-audit-disable-next-line vague-attribution -- quoted from a review -->\n"
        "Experts agree our drip cures migraines.\n\n"
        "Doctors recommend it.\n"
    )
    (tmp_path / "b.md").write_bytes(b"\x00binary")
    assert cli("baseline", "a.md", "-o", "base.json").returncode == 0
    (tmp_path / "a.md").write_text(
        (tmp_path / "a.md").read_text() + "\nIt is 100% safe, and 9 in 10 patients agree.\n"
    )
    r = cli("a.md", "b.md", "--baseline", "base.json", "--format", "json")
    assert r.returncode == 2, r.stderr  # b.md cannot be read
    report = json.loads(r.stdout)
    assert report["suppressed"] and report["suppressed"][0]["suppression"]["reason"]
    assert {f["baseline_state"] for f in report["findings"]} == {"new", "unchanged"}
    assert any(f["links"] for f in report["findings"])
    jsonschema.validate(report, schema("report.schema.json"))


def test_the_bundled_rule_packs_match_the_schema():
    import yaml

    from audit.rulebook.loader import _yaml_loader

    validator = jsonschema.Draft202012Validator(schema("rule-pack.schema.json"))
    for path in sorted((ROOT / "rules").glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_yaml_loader())  # noqa: S506
        # JSON object keys are strings: tiers (1-4) are numbers in YAML.
        data["tiers"] = {str(k): v for k, v in (data.get("tiers") or {}).items()} or None
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (path.name, errors[:3])


def test_a_config_matches_the_config_schema():
    config = tomllib.loads(
        'fail-on = "error"\npacks = ["statistics"]\nsite = "example.com"\n'
        '[source-tiers]\n"example.org" = 1\n'
        '[[overrides]]\nfiles = ["legal/**"]\ndisable = ["efficacy-claim"]\n'
    )
    validator = jsonschema.Draft202012Validator(schema("config.schema.json"))
    assert not list(validator.iter_errors(config))
    assert list(validator.iter_errors({"fail-on": "loud"}))
    assert list(validator.iter_errors({"colour": True}))
