"""The CLI as users and CI run it: exit codes, JSON schema, bad input, rules, stdin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FINDING_KEYS = {
    "path", "line", "column", "end_line", "end_column", "start", "end", "match", "sentence",
    "sentence_start", "sentence_end", "rule", "category", "severity", "action", "message",
    "suggestion", "fingerprint",
}  # fmt: skip


def test_clean_file_exits_0(cli, tmp_path):
    (tmp_path / "ok.md").write_text("Our clinic is open Monday to Friday, 9am to 5pm.\n")
    r = cli("ok.md")
    assert r.returncode == 0, r.stderr
    assert "0 findings" in r.stdout


def test_findings_exit_1_and_console_format(cli, tmp_path):
    (tmp_path / "draft.md").write_text("# Title\n\nStudies show that 80% of users sleep better.\n")
    r = cli("draft.md", "--color", "never")
    assert r.returncode == 1
    first = r.stdout.splitlines()[0]
    assert first.startswith("draft.md:3:1: warning vague-attribution/vague-studies-show: ")
    assert "| Studies show that 80% of users sleep better." in r.stdout


def test_fail_on_error_and_min_severity(cli, tmp_path):
    (tmp_path / "d.md").write_text("Studies show that 80% of users sleep better.\n")
    assert cli("d.md", "--fail-on", "error").returncode == 0
    r = cli("d.md", "--min-severity", "error", "--format", "json")
    assert json.loads(r.stdout)["findings"] == []


def test_json_schema(cli, tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text(
        "Doctors recommend our drip. It relieves pain fast.\r\n"
    )
    (tmp_path / "content" / "b.html").write_text("<p>Nine out of ten dentists agree.</p>")
    (tmp_path / "content" / "skip.py").write_text("print('studies show')")
    r = cli("content", "--format", "json", "-o", "audit.json")
    assert r.returncode == 1, r.stderr
    report = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    assert report["schema_version"] == 1
    assert report["tool"]["name"] == "claims-audit"
    assert [d["path"] for d in report["documents"]] == ["content/a.md", "content/b.html"]
    for d in report["documents"]:
        assert {"path", "format", "words", "sentences", "findings", "error"} <= set(d)
    assert report["summary"]["findings"] == len(report["findings"]) > 0
    paths = [(f["path"], f["start"]) for f in report["findings"]]
    assert paths == sorted(paths)
    for f in report["findings"]:
        assert set(f) >= FINDING_KEYS
        source = (tmp_path / f["path"]).read_bytes().decode("utf-8")
        assert source[f["start"] : f["end"]] == f["match"]


def test_output_is_deterministic(cli, tmp_path):
    for name in ("ketamine-austin.txt",):
        (tmp_path / name).write_bytes((ROOT / "examples" / name).read_bytes())
    a = cli(".", "--format", "json").stdout
    b = cli(".", "--format", "json").stdout
    assert a == b and json.loads(a)["findings"]


def test_bad_inputs_do_not_stop_the_run(cli, tmp_path):
    (tmp_path / "good.md").write_text("Studies show it works.\n")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02PNG\x00" * 20)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 studies show 50% fewer colds.".encode("latin-1"))
    (tmp_path / "empty.md").write_text("")
    r = cli(".", "--format", "json")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    report = json.loads(r.stdout)
    docs = {d["path"]: d for d in report["documents"]}
    assert "binary" in docs["binary.md"]["error"]
    assert docs["good.md"]["error"] is None and docs["good.md"]["findings"] >= 1
    assert docs["empty.md"]["error"] is None and docs["empty.md"]["words"] == 0
    assert docs["latin1.txt"]["error"] is None and docs["latin1.txt"]["findings"] >= 1
    assert "latin1.txt: not valid UTF-8" in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln]
    assert all(ln.startswith("claims-audit: ") for ln in lines)


def test_missing_path_is_usage_error(cli):
    r = cli("nope.md")
    assert r.returncode == 2 and "nope.md: no such file or directory" in r.stderr


def test_unreadable_file(cli, tmp_path):
    import os

    p = tmp_path / "secret.md"
    p.write_text("Studies show it works.\n")
    p.chmod(0)
    try:
        if os.access(p, os.R_OK):
            pytest.skip("running as a user who can read any file (root)")
        r = cli("secret.md")
        assert r.returncode == 2 and "secret.md: cannot read" in r.stderr
    finally:
        p.chmod(0o644)


def test_fifo_and_broken_symlink_are_reported(cli, tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing-target.md")
    (tmp_path / "good.md").write_text("Studies show it works.\n")
    r = cli(".", "--format", "json")
    assert r.returncode == 2
    docs = {d["path"]: d for d in json.loads(r.stdout)["documents"]}
    assert "not a regular file" in docs["pipe.md"]["error"]
    assert "not a regular file" in docs["gone.md"]["error"]
    assert docs["good.md"]["findings"] >= 1


def test_stdin(cli):
    r = cli("-", "--format", "json", stdin="Experts agree that CBD cures anxiety.\n")
    report = json.loads(r.stdout)
    assert report["documents"][0]["path"] == "<stdin>"
    assert {f["category"] for f in report["findings"]} >= {"vague-attribution"}


def test_refuses_to_overwrite_input(cli, tmp_path):
    (tmp_path / "a.md").write_text("Studies show it works.\n")
    r = cli("a.md", "-o", "a.md")
    assert r.returncode == 2 and "refusing to overwrite" in r.stderr
    assert (tmp_path / "a.md").read_text() == "Studies show it works.\n"


def test_rules_list_and_show(cli):
    r = cli("rules")
    assert r.returncode == 0 and "stat-percentage" in r.stdout and "spam-link" in r.stdout
    r = cli("rules", "show", "vague-studies-show")
    assert r.returncode == 0
    for heading in (
        "What it flags:",
        "Why it matters:",
        "Flagged:",
        "Not flagged:",
        "Use instead:",
    ):
        assert heading in r.stdout
    r = cli("rules", "show", "no-such-rule")
    assert r.returncode == 2 and "no rule with id" in r.stderr


@pytest.mark.parametrize(
    "content,expected",
    [
        ("rules: [ {id: x", "invalid YAML"),
        ("rules:\n  - id: bad-rule\n    category: x\n", "rule bad-rule: missing severity"),
        (
            "rules:\n  - {id: bad-sev, category: c, severity: loud, action: cite, message: m,"
            " rationale: r, suggestion: s, phrases: [a], examples: {flag: [a], pass: [b]}}\n",
            "rule bad-sev: severity must be one of",
        ),
        (
            "rules:\n  - {id: no-examples, category: c, severity: info, action: cite, message: m,"
            " rationale: r, suggestion: s, phrases: [a]}\n",
            "rule no-examples: needs at least one flag and one pass example",
        ),
        (
            "rules:\n  - {id: bad-pattern, category: c, severity: info, action: cite, message: m,"
            " rationale: r, suggestion: s, patterns: [[{POS: NOUN}]],"
            " examples: {flag: [a], pass: [b]}}\n",
            "attribute POS is not available",
        ),
    ],
)
def test_malformed_rule_file(cli, tmp_path, content, expected):
    (tmp_path / "bad.yml").write_text(content)
    (tmp_path / "a.md").write_text("Hello.\n")
    r = cli("a.md", "--rules", "bad.yml")
    assert r.returncode == 2
    assert expected in r.stderr and "bad.yml" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_rules_command_refuses_what_an_audit_would(cli, tmp_path):
    """Patterns are checked by spaCy's Matcher when the pack loads, not when a pipeline is built."""
    (tmp_path / "bad.yml").write_text(
        "rules:\n  - {id: bad-pattern, category: c, severity: info, action: cite, message: m,"
        " rationale: r, suggestion: s, patterns: [[{LOWER: {IN: 5}}]],"
        " examples: {flag: [a], pass: [b]}}\n"
    )
    for args in (["rules", "--rules", "bad.yml"], ["rules", "show", "x", "--rules", "bad.yml"]):
        r = cli(*args)
        assert r.returncode == 2 and "bad.yml: rule bad-pattern: bad pattern:" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_extra_rule_pack_is_used(cli, tmp_path):
    (tmp_path / "house.yml").write_text(
        "rules:\n  - id: house-detox\n    category: house-style\n    severity: warning\n"
        "    action: edit\n    message: Avoid detox\n    rationale: House style.\n"
        "    suggestion: Say what it does.\n    phrases: [detox]\n"
        "    examples: {flag: [Try our detox.], pass: [Try our tea.]}\n"
    )
    (tmp_path / "a.md").write_text("Try our detox tea.\n")
    r = cli("a.md", "--rules", "house.yml", "--select", "house-detox", "--format", "json")
    rules = {f["rule"] for f in json.loads(r.stdout)["findings"]}
    assert rules == {"house-detox"}


def test_model_option_loads_a_pipeline_from_disk(cli, tmp_path):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "my_pipeline")
    (tmp_path / "a.md").write_text("Studies show it works.\n")
    r = cli("a.md", "--model", str(tmp_path / "my_pipeline"), "--format", "json")
    assert r.returncode == 1, r.stderr
    r = cli("a.md", "--model", "no_such_model_xyz")
    assert r.returncode == 2 and "--model no_such_model_xyz" in r.stderr


def test_help_and_version(cli):
    assert cli("--help").returncode == 0
    r = cli("--version")
    assert r.returncode == 0 and "claims-audit" in r.stdout
    assert cli().returncode == 2
