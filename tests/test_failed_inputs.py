"""No report says a run passed when an input could not be audited (issue: honest verdicts)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

CLEAN = "We are open on Mondays and Thursdays.\n"


@pytest.fixture
def inputs(tmp_path):
    (tmp_path / "clean.md").write_text(CLEAN)
    (tmp_path / "binary.md").write_bytes(b"\x00\x01 not text")
    return ["clean.md", "missing.md", "binary.md"]


def test_json_lists_every_input_and_fails(cli, inputs):
    r = cli(*inputs, "--format", "json")
    assert r.returncode == 2
    report = json.loads(r.stdout)
    docs = {d["path"]: d["error"] for d in report["documents"]}
    assert docs["clean.md"] is None
    assert docs["missing.md"] == "missing.md: no such file or directory"
    assert "binary file" in docs["binary.md"]
    assert report["summary"]["failed"] is True and report["summary"]["documents_with_errors"] == 2
    assert r.stderr.count("missing.md: no such file or directory") == 1  # said once


def test_jsonl_streamed_report_fails_too(cli, inputs):
    r = cli(*inputs, "--format", "json", "-o", "r.json")
    assert r.returncode == 2
    assert r.stderr.count("missing.md: no such file or directory") == 1


def test_html_and_markdown_say_fails_and_why(cli, inputs, tmp_path):
    for fmt in ("html", "md"):
        assert cli(*inputs, "--format", fmt, "-o", f"r.{fmt}").returncode == 2
    html = (tmp_path / "r.html").read_text()
    assert "Not ready to publish: 2 inputs could not be audited" in html
    assert (
        "Ready to publish" not in html.replace("Not ready to publish", "") and "missing.md" in html
    )
    md = (tmp_path / "r.md").read_text()
    assert md.startswith(
        "## claims-audit: fails `--fail-on warning`\n\n2 inputs could not be audited."
    )


def test_sarif_and_junit_record_the_failed_inputs(cli, inputs):
    sarif = json.loads(cli(*inputs, "--format", "sarif").stdout)
    run = sarif["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is False
    notes = json.dumps(run["invocations"][0].get("toolExecutionNotifications", []))
    assert "missing.md" in notes and "binary.md" in notes
    junit = ET.fromstring(cli(*inputs, "--format", "junit").stdout)
    errors = [e.get("message") for e in junit.iter("error")]
    assert "missing.md: no such file or directory" in errors and len(errors) == 2


def test_a_clean_run_still_passes(cli, tmp_path):
    (tmp_path / "clean.md").write_text(CLEAN)
    r = cli("clean.md", "--format", "md")
    assert r.returncode == 0 and r.stdout.startswith("## claims-audit: passes")
