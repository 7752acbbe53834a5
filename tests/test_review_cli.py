"""The compliance review through the real CLI: --decisions, --claims-library, review-log.

Decisions are written the way the HTML report exports them, with fingerprints read from a
first JSON run, so a change in how fingerprints are made fails here and not only in a browser.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
STUDY = "Studies show that 80% of clients sleep better after our program."
GUMMIES = "Our magnesium gummies boost immunity in 7 days."
DOC = f"# Sleep\n\n{STUDY}\n\n{GUMMIES}\n"

LIBRARY = """\
claims:
  - id: MG-001
    wording: Our magnesium gummies boost immunity in 7 days.
    references: ["EFSA Journal 2010;8(10):1807", "Smith 2021"]
    scope: magnesium gummies, EU
    approver: Dr. Lee
    approved: 2026-01-15
    expires: 2099-01-15
  - id: FE-002
    wording: Our iron tablets may reduce tiredness in 14 days.
    references: ["EFSA Journal 2010;8(10):1740"]
    approver: Dr. Lee
    approved: 2026-01-15
  - id: CO-003
    wording: Collagen shots firm skin in 4 weeks.
    references: ["Proksch 2014, Skin Pharmacol Physiol"]
    approver: Dr. Lee
    approved: 2019-01-15
    expires: 2020-01-15
"""


def _json(cli, *args: str) -> tuple[int, dict]:
    r = cli(*args, "--no-config", "--no-model", "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    report = json.loads(r.stdout)
    jsonschema.validate(report, json.loads((ROOT / "schemas" / "report.schema.json").read_text()))
    return r.returncode, report


def _decision(f: dict, decision: str, **extra: str) -> dict:
    entry = {
        "fingerprint": f["fingerprint"],
        "rule": f["rule"],
        "path": f["path"],
        "sentence": f["sentence"],
        "decision": decision,
        "reason": f"reason for {f['rule']}",
        "reference": "Smith 2021",
        "reviewer": "Ana Ruiz",
        "time": "2026-11-30T10:00:00Z",
    }
    return {**entry, **extra}


def _write(path, decisions: list[dict]) -> None:
    path.write_text(json.dumps({"schema_version": 1, "decisions": decisions}), encoding="utf-8")


@pytest.fixture
def audited(cli, tmp_path):
    (tmp_path / "a.md").write_text(DOC, encoding="utf-8")
    code, report = _json(cli, "a.md")
    assert code == 1
    return report["findings"]


def test_without_review_files_no_review_appears(cli, tmp_path, audited):
    assert all("review" not in f for f in audited)
    r = cli("a.md", "--no-config", "--no-model", "--format", "csv")
    assert "review" not in r.stdout.splitlines()[0].split(",")
    r = cli("a.md", "--no-config", "--no-model", "--format", "sarif")
    results = json.loads(r.stdout)["runs"][0]["results"]
    assert results and not any("review" in x["properties"] or "suppressions" in x for x in results)


def test_accepted_and_dismissed_findings_pass_the_gate(cli, tmp_path, audited):
    verdicts = (["accepted", "dismissed"] * len(audited))[: len(audited)]
    _write(tmp_path / "d.json", [_decision(f, v) for f, v in zip(audited, verdicts, strict=True)])
    code, report = _json(cli, "a.md", "--decisions", "d.json")
    assert code == 0 and report["summary"]["failed"] is False
    reviews = [f["review"] for f in report["findings"]]
    assert [r["decision"] for r in reviews] == verdicts
    assert all(r["cleared"] and r["reviewer"] == "Ana Ruiz" for r in reviews)
    assert reviews[0]["reason"] == f"reason for {audited[0]['rule']}"
    assert reviews[0]["source"] == "d.json"
    text = cli("a.md", "--no-config", "--no-model", "--decisions", "d.json")
    assert text.returncode == 0
    assert "~ accepted by Ana Ruiz (2026-11-30T10:00:00Z)" in text.stdout


def test_needs_edit_is_recorded_but_still_fails(cli, tmp_path, audited):
    decisions = [_decision(f, "accepted") for f in audited]
    decisions[-1] = _decision(audited[-1], "needs-edit")
    _write(tmp_path / "d.json", decisions)
    code, report = _json(cli, "a.md", "--decisions", "d.json")
    assert code == 1
    last = report["findings"][-1]["review"]
    assert last["decision"] == "needs-edit" and last["cleared"] is False


def test_sarif_carries_reviews_as_external_suppressions(cli, tmp_path, audited):
    decisions = [_decision(f, "accepted") for f in audited]
    decisions[0] = _decision(audited[0], "needs-edit")
    _write(tmp_path / "d.json", decisions)
    r = cli("a.md", "--no-config", "--no-model", "--decisions", "d.json", "--format", "sarif")
    sarif = json.loads(r.stdout)
    schema = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0.schema.json").read_text())
    jsonschema.validate(sarif, schema)
    results = sarif["runs"][0]["results"]
    assert results[0]["properties"]["review"]["decision"] == "needs-edit"
    assert "suppressions" not in results[0]
    suppression = results[1]["suppressions"][0]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert suppression["justification"].startswith("accepted by Ana Ruiz")
    assert "[reference: Smith 2021]" in suppression["justification"]


def test_a_changed_sentence_drops_the_decision_and_reports_it_stale(cli, tmp_path, audited):
    _write(tmp_path / "d.json", [_decision(f, "accepted") for f in audited])
    reworded = DOC.replace("in 7 days", "in 5 days")
    (tmp_path / "a.md").write_text(reworded, encoding="utf-8")
    code, report = _json(cli, "a.md", "--decisions", "d.json")
    assert code == 1  # the reworded claim has no decision
    stale = [f for f in report["findings"] if f["rule"] == "stale-decision"]
    gummies = [f for f in audited if f["sentence"] == GUMMIES]
    assert len(stale) == len(gummies) >= 1
    assert stale[0]["severity"] == "info" and stale[0]["sentence"] == GUMMIES
    assert stale[0]["review"]["decision"] == "accepted"
    changed = [f for f in report["findings"] if "5 days" in f["sentence"]]
    assert changed and all("review" not in f for f in changed)
    unchanged = [f for f in report["findings"] if f["sentence"] == STUDY]
    assert unchanged and all(f["review"]["cleared"] for f in unchanged)


def test_a_decision_with_another_sentence_does_not_apply(cli, tmp_path, audited):
    wrong = _decision(audited[0], "accepted", sentence="Some other sentence.")
    _write(tmp_path / "d.json", [wrong])
    _, report = _json(cli, "a.md", "--decisions", "d.json")
    assert "review" not in report["findings"][1]
    assert [f["rule"] for f in report["findings"]].count("stale-decision") == 1


def test_a_decision_on_a_rule_left_out_of_the_run_is_not_stale(cli, tmp_path, audited):
    _write(tmp_path / "d.json", [_decision(f, "accepted") for f in audited])
    rule = audited[0]["rule"]
    _, report = _json(cli, "a.md", "--decisions", "d.json", "--ignore", rule)
    assert not [f for f in report["findings"] if f["rule"] == "stale-decision"]
    assert all(f["review"]["cleared"] for f in report["findings"])


def test_decisions_from_the_config_and_later_files_win(cli, tmp_path, audited):
    _write(tmp_path / "first.json", [_decision(f, "needs-edit") for f in audited])
    _write(tmp_path / "second.json", [_decision(f, "dismissed") for f in audited])
    (tmp_path / ".claims-audit.toml").write_text('decisions = ["first.json"]\n')
    r = cli("a.md", "--no-model", "--format", "json")
    assert r.returncode == 1
    assert {f["review"]["decision"] for f in json.loads(r.stdout)["findings"]} == {"needs-edit"}
    r = cli("a.md", "--no-model", "--format", "json", "--decisions", "second.json")
    assert r.returncode == 0, r.stderr
    assert {f["review"]["decision"] for f in json.loads(r.stdout)["findings"]} == {"dismissed"}


def test_streamed_and_parallel_runs_write_the_same_reviews(cli, tmp_path, audited):
    _write(tmp_path / "d.json", [_decision(f, "accepted") for f in audited[:2]])
    (tmp_path / "b.md").write_text(DOC.replace("80%", "70%"), encoding="utf-8")
    args = ("a.md", "b.md", "--no-config", "--no-model", "--decisions", "d.json")
    one = cli(*args, "--format", "json", "--jobs", "1")
    two = cli(*args, "--format", "json", "--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and '"cleared": true' in one.stdout


# --- the approved-claims library -------------------------------------------------------------


@pytest.fixture
def library(tmp_path):
    (tmp_path / "lib.yml").write_text(LIBRARY, encoding="utf-8")
    return "lib.yml"


def _library_run(cli, tmp_path, library, text: str) -> tuple[int, list[dict]]:
    (tmp_path / "c.md").write_text(text + "\n", encoding="utf-8")
    code, report = _json(cli, "c.md", "--claims-library", library)
    return code, report["findings"]


def test_exact_approved_claim_passes_with_its_reference(cli, tmp_path, library):
    code, findings = _library_run(cli, tmp_path, library, GUMMIES)
    assert code == 0
    approved = [f for f in findings if f["rule"] == "approved-claim"]
    assert len(approved) == 1 and approved[0]["severity"] == "info"
    claim = approved[0]["review"]["claim"]
    assert claim["id"] == "MG-001" and claim["status"] == "approved" and claim["score"] == 100
    assert "EFSA Journal 2010;8(10):1807; Smith 2021" in approved[0]["message"]
    others = [f for f in findings if f["rule"] != "approved-claim"]
    assert others and all(f["review"]["cleared"] for f in others)


def test_fuzzy_wording_with_the_same_figures_is_approved(cli, tmp_path, library):
    code, findings = _library_run(cli, tmp_path, library, GUMMIES.replace(" in ", " within "))
    assert code == 0
    approved = [f for f in findings if f["rule"] == "approved-claim"]
    assert approved and 95 <= approved[0]["review"]["claim"]["score"] < 100


def test_a_changed_figure_is_drift_with_both_wordings(cli, tmp_path, library):
    code, findings = _library_run(cli, tmp_path, library, GUMMIES.replace("7", "3"))
    assert code == 1
    drift = [f for f in findings if f["rule"] == "claim-drift"]
    assert len(drift) == 1 and drift[0]["severity"] == "warning"
    assert "figures ['7'] became ['3']" in drift[0]["message"]
    assert GUMMIES in drift[0]["message"] and "3 days" in drift[0]["sentence"]
    assert not any(f["rule"] == "approved-claim" for f in findings)
    assert all(not f.get("review", {}).get("cleared") for f in findings)


def test_a_dropped_hedge_is_drift(cli, tmp_path, library):
    draft = "Our iron tablets reduce tiredness in 14 days."
    code, findings = _library_run(cli, tmp_path, library, draft)
    assert code == 1
    drift = [f for f in findings if f["rule"] == "claim-drift"]
    assert len(drift) == 1 and "the hedge was dropped" in drift[0]["message"]
    assert drift[0]["review"]["claim"]["wording"] == (
        "Our iron tablets may reduce tiredness in 14 days."
    )


def test_an_expired_approval_warns(cli, tmp_path, library):
    code, findings = _library_run(cli, tmp_path, library, "Collagen shots firm skin in 4 weeks.")
    assert code == 1
    expired = [f for f in findings if f["rule"] == "approval-expired"]
    assert len(expired) == 1 and expired[0]["severity"] == "warning"
    assert "expired on 2020-01-15" in expired[0]["message"]


def test_a_csv_library_works_like_yaml(cli, tmp_path):
    (tmp_path / "lib.csv").write_text(
        "id,wording,references,scope,approver,approved,expires\n"
        f'MG-001,{GUMMIES},"EFSA Journal 2010, 8(10):1807; Smith 2021",EU,Dr. Lee,2026-01-15,\n',
        encoding="utf-8",
    )
    code, findings = _library_run(cli, tmp_path, "lib.csv", GUMMIES)
    assert code == 0
    claim = next(f for f in findings if f["rule"] == "approved-claim")["review"]["claim"]
    assert claim["references"] == ["EFSA Journal 2010, 8(10):1807", "Smith 2021"]


# --- bad files: one line, exit 2 --------------------------------------------------------------

BAD = [
    ("--decisions", "d.json", "{not json", "d.json: not JSON"),
    ("--decisions", "d.json", '{"schema_version": 2, "decisions": []}', "d.json: not a decisions"),
    (
        "--decisions",
        "d.json",
        '{"schema_version": 1, "decisions": [{"fingerprint": "zz"}]}',
        "d.json: not a decisions file: decisions.0",
    ),  # fmt: skip
    ("--decisions", "missing.json", None, "missing.json: decisions file not found"),
    ("--claims-library", "l.yml", "claims: [\n", "l.yml:2: invalid YAML"),
    ("--claims-library", "l.yml", "- a list\n", "l.yml: not a claims library"),
    (
        "--claims-library",
        "l.yml",
        "claims:\n  - id: X\n    wording: hello there\n",
        "l.yml: claim 1: references",
    ),  # fmt: skip
    ("--claims-library", "l.csv", "id,wording\n", "l.csv: the claims library lists no claims"),
    ("--claims-library", "missing.yml", None, "missing.yml: claims library not found"),
]


@pytest.mark.parametrize(("option", "name", "content", "message"), BAD)
def test_bad_review_files_are_one_line_errors(cli, tmp_path, option, name, content, message):
    (tmp_path / "a.md").write_text(DOC, encoding="utf-8")
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    r = cli("a.md", "--no-config", option, name)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.stderr


# --- review-log --------------------------------------------------------------------------------


def test_review_log_lists_who_decided_what_when_and_why(cli, tmp_path, audited):
    first = [_decision(audited[0], "accepted", time="2026-11-30T11:00:00Z")]
    second = [
        _decision(audited[1], "dismissed", reason="=HYPERLINK(1)", time="2026-11-29T09:00:00Z")
    ]
    _write(tmp_path / "one.json", first)
    _write(tmp_path / "two.json", second)
    r = cli("review-log", "one.json", "two.json", "-o", "log.csv")
    assert r.returncode == 0, r.stderr
    assert "wrote 2 decisions from 2 files to log.csv" in r.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "log.csv").read_text())))
    assert [row["time"] for row in rows] == ["2026-11-29T09:00:00Z", "2026-11-30T11:00:00Z"]
    assert rows[0]["reason"] == "'=HYPERLINK(1)"  # a formula is quoted, as in the CSV report
    assert rows[0]["source"] == "two.json" and rows[1]["decision"] == "accepted"
    assert rows[1]["sentence"] == audited[0]["sentence"]
    assert rows[1]["reviewer"] == "Ana Ruiz" and rows[1]["fingerprint"] == audited[0]["fingerprint"]


def test_review_log_refuses_bad_files_and_its_own_input(cli, tmp_path, audited):
    _write(tmp_path / "one.json", [_decision(audited[0], "accepted")])
    before = (tmp_path / "one.json").read_bytes()
    r = cli("review-log", "one.json", "-o", "one.json")
    assert r.returncode == 2 and "is one of the decisions files" in r.stderr
    assert (tmp_path / "one.json").read_bytes() == before
    (tmp_path / "bad.json").write_text("[]")
    r = cli("review-log", "bad.json", "-o", "log.csv")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "bad.json" in r.stderr
    assert not (tmp_path / "log.csv").exists()
