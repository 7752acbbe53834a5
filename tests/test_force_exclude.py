"""Files named on the command line (as pre-commit names them), exclude and force-exclude;
--show-files; --no-baseline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CLAIM = "Studies show our drip relieves migraines fast.\n"


def _project(tmp_path: Path, config: str = "") -> Path:
    (tmp_path / ".claims-audit.toml").write_text('exclude = ["legal/**"]\n' + config)
    for rel in ("content/post.md", "legal/terms.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(CLAIM)
    return tmp_path


def _audited(r) -> list[str]:
    return [d["path"] for d in json.loads(r.stdout)["documents"]]


def test_a_named_file_is_audited_even_when_excluded(cli, tmp_path):
    _project(tmp_path)
    assert _audited(cli("content/post.md", "legal/terms.md", "--format", "json")) == [
        "content/post.md",
        "legal/terms.md",
    ]


def test_force_exclude_applies_exclude_to_named_files(cli, tmp_path):
    _project(tmp_path)
    r = cli("content/post.md", "legal/terms.md", "--format", "json", "--force-exclude")
    assert _audited(r) == ["content/post.md"]
    _project(tmp_path, "force-exclude = true\n")
    r = cli("content/post.md", "legal/terms.md", "--format", "json")
    assert _audited(r) == ["content/post.md"]
    assert "force-exclude = true" in cli("--show-settings").stdout


def test_show_files_lists_what_the_run_would_audit(cli, tmp_path):
    _project(tmp_path)
    (tmp_path / "content" / ".claims-audit-ignore").write_text("drafts/\n")
    (tmp_path / "content" / "drafts").mkdir()
    (tmp_path / "content" / "drafts" / "wip.md").write_text(CLAIM)
    r = cli(".", "--show-files")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["content/post.md"]


def test_no_baseline_ignores_the_configs_baseline(cli, tmp_path):
    _project(tmp_path)
    assert cli("baseline", "content", "-o", "base.json").returncode == 0
    (tmp_path / ".claims-audit.toml").write_text('exclude = ["legal/**"]\nbaseline = "base.json"\n')
    assert cli("content").returncode == 0  # every finding is in the baseline
    assert cli("content", "--no-baseline").returncode == 1


def test_the_pre_commit_hook_sends_content_files_only():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert "--force-exclude" in hook["args"]

    def sent(name: str) -> bool:
        return bool(re.search(hook["files"], name)) and not re.search(hook["exclude"], name)

    for name in ("content/post.md", "blog/index.html", "notes.txt", "docs/guide.markdown"):
        assert sent(name), name
    for name in (
        "requirements.txt",
        "requirements-dev.txt",
        "CHANGELOG.md",
        "docs/LICENSE.txt",
        "CONTRIBUTING.md",
        "SECURITY.md",
        "static/robots.txt",
    ):
        assert not sent(name), name


def test_stdin_filename_names_the_input_and_its_per_file_settings_apply(cli, tmp_path):
    (tmp_path / ".claims-audit.toml").write_text(
        '[[overrides]]\nfiles = ["legal/**"]\ndisable = ["vague-attribution"]\n'
    )
    text = "Studies show that our drip helps.\n"
    r = cli(
        "-", "--stdin-filename", "content/post.md", "--format", "json", "--no-model", stdin=text
    )
    report = json.loads(r.stdout)
    assert report["documents"][0]["path"] == "content/post.md"
    assert report["documents"][0]["format"] == "markdown"
    assert "vague-attribution" in {f["category"] for f in report["findings"]}
    r = cli("-", "--stdin-filename", "legal/terms.md", "--format", "json", "--no-model", stdin=text)
    assert "vague-attribution" not in {f["category"] for f in json.loads(r.stdout)["findings"]}
