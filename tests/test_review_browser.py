"""The review loop in a real headless Chromium: audit, decide in the report, export, rerun.

A reviewer records decisions in the HTML report (one by keyboard alone), the page keeps them
across a reload, "Export decisions" downloads the decisions file (captured here), and the CLI
rerun with --decisions on that very file honours them: exit code 0 and each finding's review
in the JSON report. Like tests/test_reports_browser.py: Debian's Chromium through Playwright;
when CI is set a missing browser fails, locally it skips.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from audit.review.decisions import json_schema
from tests.chromium import launch_browser

ROOT = Path(__file__).resolve().parent.parent
DOC = """\
# Sleep programme

Studies show that 80% of clients sleep better after our program.

Our magnesium gummies boost immunity in 7 days.
"""


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "run_audit.py"), *args, "--no-config", "--no-model"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
        timeout=300,
    )


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


@pytest.fixture
def workdir(tmp_path) -> Path:
    (tmp_path / "a.md").write_text(DOC, encoding="utf-8")
    r = _run(tmp_path, "a.md", "--format", "html", "-o", "r.html")
    assert r.returncode == 1, r.stderr
    return tmp_path


def _open(context, report: Path):
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda req: None if req.url.startswith("file://") else page.problems.append(req.url),
    )
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    return page


def _decide(card, decision: str, reason: str, reference: str = "") -> None:
    card.locator("summary").click()
    card.get_by_label(decision, exact=True).check()
    card.get_by_label("Reason", exact=True).fill(reason)
    if reference:
        card.get_by_label("Reference", exact=True).fill(reference)


def test_decisions_recorded_in_the_report_are_honoured_by_the_next_run(browser, workdir):
    context = browser.new_context(accept_downloads=True)
    page = _open(context, workdir / "r.html")
    cards = page.locator(".finding")
    n = cards.count()
    assert n == 4  # studies show, 80%, better after, boost: each to decide

    page.locator("#review-name").fill("Ana Ruiz")
    # The first card by keyboard alone: open its decision, pick "Accepted", type a reason.
    cards.nth(0).locator("summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # into the radio group, on its checked choice: No decision
    page.keyboard.press("ArrowDown")  # the next choice, Accepted, is checked as it is reached
    page.keyboard.press("Tab")  # out of the group, into Reason
    page.keyboard.type("Named in footnote 2")
    assert cards.nth(0).get_by_label("Accepted", exact=True).is_checked()
    assert cards.nth(0).get_by_label("Reason", exact=True).input_value() == "Named in footnote 2"
    _decide(cards.nth(1), "Dismissed", "Internal survey, disclosed")
    _decide(cards.nth(2), "Accepted", "Trial in the leaflet", "Smith 2021, J Sleep Res")
    _decide(cards.nth(3), "Accepted", "Approved by legal", "EFSA Journal 2010")
    cards.nth(3).get_by_label("Comment", exact=True).fill("Keep the 7 days")

    page.reload()  # decisions live in the page's storage, under the report id
    page.wait_for_load_state("load")
    assert cards.nth(1).get_by_label("Dismissed", exact=True).is_checked()
    assert cards.nth(3).get_by_label("Comment", exact=True).input_value() == "Keep the 7 days"
    assert cards.nth(0).locator(".decision-state").text_content() == "accepted"

    with page.expect_download() as download:
        page.get_by_role("button", name="Export decisions").click()
    exported = workdir / "decisions.json"
    download.value.save_as(exported)
    assert page.locator("#review-status").text_content().startswith("Exported 4 decision")
    assert page.problems == []  # no script error, no CSP violation, no request off disk
    context.close()

    data = json.loads(exported.read_text(encoding="utf-8"))
    jsonschema.validate(data, json_schema())
    assert data["schema_version"] == 1
    assert data["report_id"] == page_report_id(workdir / "r.html")
    first = data["decisions"][0]
    assert set(first) >= {"fingerprint", "rule", "path", "sentence", "decision", "reason"}
    assert {d["reviewer"] for d in data["decisions"]} == {"Ana Ruiz"}
    assert [d["decision"] for d in data["decisions"]] == [
        "accepted",
        "dismissed",
        "accepted",
        "accepted",
    ]
    assert first["path"] == "a.md" and first["time"].endswith("Z")

    r = _run(workdir, "a.md", "--decisions", "decisions.json", "--format", "json")
    assert r.returncode == 0, r.stderr + r.stdout
    findings = json.loads(r.stdout)["findings"]
    assert len(findings) == n and all(f["review"]["cleared"] for f in findings)
    assert findings[0]["review"]["reason"] == "Named in footnote 2"
    assert findings[2]["review"]["reference"] == "Smith 2021, J Sleep Res"
    assert findings[3]["review"]["comment"] == "Keep the 7 days"

    # Without the decisions the same run still fails: the file is what made the difference.
    assert _run(workdir, "a.md", "--format", "json").returncode == 1


def page_report_id(report: Path) -> str:
    text = report.read_text(encoding="utf-8")
    start = text.index('data-report-id="') + len('data-report-id="')
    return text[start : start + 16]


def test_a_rerun_report_shows_the_decisions_and_prints_them(browser, workdir):
    first = json.loads(_run(workdir, "a.md", "--format", "json").stdout)["findings"][0]
    decision = {
        "fingerprint": first["fingerprint"],
        "rule": first["rule"],
        "path": first["path"],
        "sentence": first["sentence"],
        "decision": "accepted",
        "reason": "Named in footnote 2",
        "reference": "Smith 2021",
        "reviewer": "Ana Ruiz",
        "time": "2026-11-30T10:00:00Z",
    }
    (workdir / "d.json").write_text(json.dumps({"schema_version": 1, "decisions": [decision]}))
    r = _run(workdir, "a.md", "--decisions", "d.json", "--format", "html", "-o", "again.html")
    assert r.returncode == 1, r.stderr  # three findings are still undecided
    context = browser.new_context()
    page = _open(context, workdir / "again.html")
    card = page.locator(".finding").first
    assert "accepted by Ana Ruiz (2026-11-30T10:00:00Z)" in card.locator(".reviewed").inner_text()
    assert card.get_by_label("Accepted", exact=True).is_checked()  # controls start from it
    assert card.get_by_label("Reference", exact=True).input_value() == "Smith 2021"

    page.emulate_media(media="print")
    assert not card.locator(".decide").is_visible()
    printed = card.locator(".decision-print")
    assert printed.is_visible()
    assert printed.inner_text().startswith("Decision: accepted: Named in footnote 2 [Smith 2021]")
    undecided = page.locator(".finding").nth(1).locator(".decision-print").inner_text()
    assert "accepted" in undecided and "dismissed" in undecided  # boxes to tick on paper
    rules = page.evaluate(
        "Array.from(document.styleSheets).flatMap(s => Array.from(s.cssRules, r => r.cssText))"
        ".filter(t => t.startsWith('@page')).join(' ')"
    )
    rid = page_report_id(workdir / "again.html")
    assert f"claims-audit report {rid}" in rules and "counter(page)" in rules
    assert page.problems == []
    context.close()


def test_export_asks_for_a_reviewer_name(browser, workdir):
    context = browser.new_context(accept_downloads=True)
    page = _open(context, workdir / "r.html")
    _decide(page.locator(".finding").first, "Needs edit", "Say for whom")
    page.get_by_role("button", name="Export decisions").click()
    assert "no reviewer" in page.locator("#review-status").text_content()
    assert page.evaluate("document.activeElement.id") == "review-name"
    context.close()
