"""The CSV report: the JSON finding fields as columns, in order, one row per finding."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from audit.core.result import DocumentResult
from audit.writers import Report, render
from audit.writers.csv_report import COLUMNS

ROOT = Path(__file__).resolve().parent.parent


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_columns_are_the_json_finding_fields_in_order(cli, tmp_path):
    (tmp_path / "a.html").write_text(
        '<p>Studies show — “really” — that 80% of users <a href="https://x.org">sleep</a>\n'
        "<b>better</b>, cured in a week.</p>",
        encoding="utf-8",
    )
    report = json.loads(cli("a.html", "--format", "json").stdout)
    r = cli("a.html", "--format", "csv", "-o", "out.csv")
    assert r.returncode == 1, r.stderr
    raw = (tmp_path / "out.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark
    rows = _rows(raw.decode("utf-8"))
    assert rows[0] == list(report["findings"][0]) == list(COLUMNS)
    assert len(rows) == 1 + len(report["findings"])
    for row, finding in zip(rows[1:], report["findings"], strict=True):
        for column, cell in zip(rows[0], row, strict=True):
            value = finding[column]
            if isinstance(value, list | dict):
                assert json.loads(cell) == value, column
            else:
                assert cell == ("" if value is None else str(value)), column


def test_zero_findings_still_writes_the_header(rulebook):
    report = Report([DocumentResult("ok.md", words=3)], "warning", rulebook)
    assert render("csv", report) == ",".join(COLUMNS) + "\n"
    assert render("csv", Report([], "warning", rulebook)) == ",".join(COLUMNS) + "\n"


def test_awkward_text_round_trips(audit_text, rulebook):
    source = 'Studies show, "clearly", that 80% of us\nsleep better; =SUM(A1) 😴.\n'
    _, findings = audit_text(source, "text", "weird, name.txt")
    assert findings
    findings[0].qualifiers = ["cited", "hedged"]
    findings[0].links = [{"text": "a,b", "href": "https://x.org/?q=1,2", "kind": "link"}]
    report = Report([DocumentResult("weird, name.txt", findings=findings)], "warning", rulebook)
    rows = _rows(render("csv", report))
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["path"] == "weird, name.txt"
    assert first["sentence"] == findings[0].sentence
    assert json.loads(first["qualifiers"]) == ["cited", "hedged"]
    assert json.loads(first["links"]) == findings[0].links
    assert first["links"] == '[{"href":"https://x.org/?q=1,2","kind":"link","text":"a,b"}]'


def test_the_manual_documents_the_column_order():
    manual = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    line = next(ln for ln in manual.splitlines() if ln.startswith("Columns, in order:"))
    assert re.findall(r"`([a-z_]+)`", line) == list(COLUMNS)


def test_suppressed_findings_are_rows_with_their_suppression(cli, tmp_path):
    import csv
    import io

    (tmp_path / "s.md").write_text(
        "<!-- claims-audit-disable-next-line unsourced-statistic -- from the 2024 survey -->\n"
        "80% of our patients live in Austin.\n\nStudies show it works.\n"
    )
    r = cli("s.md", "--format", "csv", "--no-model")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    silenced = [row for row in rows if row["suppression"]]
    assert [row["rule"] for row in silenced] == ["stat-percentage"]
    assert json.loads(silenced[0]["suppression"])["reason"] == "from the 2024 survey"
    assert [row["line"] for row in rows] == sorted(row["line"] for row in rows)  # source order
    assert any(row["rule"] == "vague-studies-show" and not row["suppression"] for row in rows)
