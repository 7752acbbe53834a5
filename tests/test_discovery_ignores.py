"""Folder walks honour .gitignore and .claims-audit-ignore, and never audit the tool's reports."""

from __future__ import annotations

import json
from pathlib import Path

from audit.inputs.discovery import discover

CLAIM = "Studies show it cures colds.\n"


def _paths(args: list[str]) -> list[str]:
    inputs, errors = discover(args)
    assert not errors
    return [i.path for i in inputs]


def _tree(root: Path) -> Path:
    (root / ".git").mkdir(parents=True)  # a repository root, as git leaves it
    for rel in (
        "content/a.md",
        "content/drafts/b.md",
        "content/c.tmp.md",
        "content/keep.tmp.md",
        "content/legal/terms.md",
        "vendor/x.md",
    ):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(CLAIM)
    (root / ".gitignore").write_text("vendor/\ncontent/legal/\n")
    (root / "content" / ".gitignore").write_text("drafts/\n*.tmp.md\n!keep.tmp.md\n")
    return root


def test_gitignore_files_in_the_tree_and_above_it_apply(tmp_path, monkeypatch):
    monkeypatch.chdir(_tree(tmp_path))
    assert _paths(["content"]) == ["content/a.md", "content/keep.tmp.md"]
    assert _paths(["."]) == ["content/a.md", "content/keep.tmp.md"]


def test_a_file_named_on_the_command_line_is_still_audited(tmp_path, monkeypatch):
    monkeypatch.chdir(_tree(tmp_path))
    assert _paths(["content/drafts/b.md"]) == ["content/drafts/b.md"]


def test_claims_audit_ignore_leaves_out_tracked_content(tmp_path, monkeypatch):
    monkeypatch.chdir(_tree(tmp_path))
    (tmp_path / "content" / ".claims-audit-ignore").write_text("a.md\n")
    assert _paths(["content"]) == ["content/keep.tmp.md"]


def test_without_a_repository_only_the_trees_own_ignore_files_apply(tmp_path, monkeypatch):
    (tmp_path / ".gitignore").write_text("content/\n")  # above the walk, and no repository
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text(CLAIM)
    monkeypatch.chdir(tmp_path)
    assert _paths(["content"]) == ["content/a.md"]


def test_own_reports_are_not_audited_again(cli, tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "post.md").write_text(CLAIM)
    first = cli("content", "--format", "json")
    for fmt in ("md", "html"):
        r = cli("content", "--format", fmt, "-o", f"content/report.{fmt}")
        assert r.returncode == 1, r.stderr
    again = cli("content", "--format", "json")
    assert again.returncode == first.returncode == 1
    assert json.loads(again.stdout)["findings"] == json.loads(first.stdout)["findings"]
    twice = cli(".", "--format", "md", "-o", "report.md")
    assert cli(".", "--format", "md", "-o", "report.md").returncode == twice.returncode == 1
