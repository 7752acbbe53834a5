"""The README's set-up commands are the ones CI runs, and its examples exist."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_COMMAND = "pip install -e '.[test]' && python -m pytest"
AUDIT_COMMAND = "pip install -e . && python run_audit.py examples/"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND in readme and AUDIT_COMMAND in readme
    assert any(line.strip() == TEST_COMMAND for line in ci.splitlines())


def test_bundled_examples_exist():
    names = {p.name for p in (ROOT / "examples").iterdir()}
    assert "ketamine-austin.txt" in names
    assert any(n.endswith(".md") for n in names) and any(n.endswith(".html") for n in names)
