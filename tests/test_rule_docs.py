"""The manual's rule pages (docs/rules/) are what the rule packs generate, one per rule."""

from __future__ import annotations

import re
from pathlib import Path

from audit.cli import rule_docs
from audit.rulebook.rule_pages import pages

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "rules"


def test_the_pages_in_the_repository_are_what_the_packs_generate():
    assert rule_docs.main(["--check"]) == 0, "run: python -m audit.cli.rule_docs"


def test_every_rule_has_a_page_and_the_index_links_every_page(rulebook):
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([a-z0-9-]+\.md)\)", index))
    ids = {r.id for r in rulebook.rules}
    assert linked == {f"{i}.md" for i in ids}
    assert {p.stem for p in DOCS.glob("*.md")} == ids | {"README"}


def test_a_page_says_what_why_examples_and_fix(rulebook):
    rule = rulebook.by_id["stat-percentage"]
    text = pages(rulebook)["stat-percentage.md"]
    for heading in ("## What it flags", "## Why it matters", "## Flagged", "## Not flagged"):
        assert heading in text
    assert rule.rationale in text and rule.suggestion in text
    assert all(example in text for example in rule.examples_flag + rule.examples_pass)
    assert "/work/" not in text and str(ROOT) not in text  # no machine paths in the manual


def test_check_finds_a_stale_page_and_a_page_without_a_rule(tmp_path, capsys):
    assert rule_docs.main(["--out", str(tmp_path)]) == 0
    (tmp_path / "stat-percentage.md").write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / "old-rule.md").write_text("# gone\n", encoding="utf-8")
    assert rule_docs.main(["--check", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "stat-percentage.md: out of date" in err and "old-rule.md: no rule has this id" in err
    assert rule_docs.main(["--out", str(tmp_path)]) == 0
    assert not (tmp_path / "old-rule.md").exists()
    assert rule_docs.main(["--check", "--out", str(tmp_path)]) == 0
