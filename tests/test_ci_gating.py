"""CI features through the real CLI in a temporary git repository: config, suppressions,
baselines, --diff and every CI output format."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = (
    "# Our drip\n\n"
    "Studies show that 80% of clients sleep better.\n\n"
    "Our clinic is open 9am to 5pm.\n"
)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "post.md").write_text(CLAIMS)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    return tmp_path


def findings(r) -> list[dict]:
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)["findings"]


# -- configuration -----------------------------------------------------------------------


def test_config_found_walking_up(cli, repo):
    (repo / ".claims-audit.toml").write_text('disable = ["vague-attribution"]\nfail-on = "error"\n')
    sub = repo / "content"
    r = cli("post.md", "--format", "json", cwd=sub)
    assert r.returncode == 0  # fail-on error, and only warnings remain
    cats = {f["category"] for f in findings(r)}
    assert "vague-attribution" not in cats and "unsourced-statistic" in cats


def test_pyproject_table_and_overrides(cli, repo):
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "site"\n\n[tool.claims-audit]\n'
        '[tool.claims-audit.severity]\nunsourced-statistic = "error"\n\n'
        '[[tool.claims-audit.overrides]]\nfiles = ["legal/**"]\ndisable = ["efficacy-claim", "disease-claim"]\n'
    )
    (repo / "legal").mkdir()
    (repo / "legal" / "terms.md").write_text("Our drip relieves migraines fast.\n")
    r = cli("content", "legal", "--format", "json", cwd=repo)
    by_path = {}
    for f in findings(r):
        by_path.setdefault(f["path"], set()).add((f["category"], f["severity"]))
    assert ("unsourced-statistic", "error") in by_path["content/post.md"]
    assert "legal/terms.md" not in by_path


def test_include_exclude_globs(cli, repo):
    (repo / "content" / "drafts").mkdir()
    (repo / "content" / "drafts" / "wip.md").write_text("Experts agree it cures colds.\n")
    (repo / ".claims-audit.toml").write_text('exclude = ["content/drafts/**"]\n')
    r = cli(".", "--format", "json", cwd=repo)
    paths = [d["path"] for d in json.loads(r.stdout)["documents"]]
    assert paths == ["content/post.md"]


@pytest.mark.parametrize(
    "toml,expected",
    [
        ('fail-on = "loud"\n', "key 'fail-on' must be one of"),
        ("colour = true\n", "unknown key 'colour'"),
        ("disable = 3\n", "key 'disable' must be a list of strings"),
        ('[[overrides]]\nfiles = ["a"]\nsevrity = {}\n', "unknown key 'overrides[1].sevrity'"),
        ("fail-on = \n", "invalid TOML"),
        ('packs = ["nope"]\n', "unknown pack 'nope'"),
    ],
)
def test_bad_config_is_one_line_exit_2(cli, repo, toml, expected):
    (repo / ".claims-audit.toml").write_text(toml)
    r = cli("content", cwd=repo)
    assert r.returncode == 2
    assert expected in r.stderr and ".claims-audit.toml" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_config_flag_and_no_config(cli, repo, tmp_path):
    (repo / ".claims-audit.toml").write_text('fail-on = "loud"\n')
    assert cli("content", "--no-config", cwd=repo).returncode == 1
    other = repo / "ci.toml"
    other.write_text('disable = ["unsourced-statistic", "vague-attribution", "efficacy-claim"]\n')
    assert cli("content", "--config", "ci.toml", cwd=repo).returncode == 0


# -- suppressions ------------------------------------------------------------------------


def test_inline_suppressions(cli, repo):
    (repo / "content" / "post.md").write_text(
        "<!-- claims-audit-disable-next-line unsourced-statistic -- from the 2023 audit -->\n"
        "Studies show that 80% of clients sleep better.\n\n"
        "<!-- claims-audit-disable efficacy-claim -- reviewed by legal -->\n"
        "Our drip relieves migraines fast.\n\n"
        "<!-- claims-audit-enable efficacy-claim -->\n"
        "Our drip boosts immunity.\n\n"
        "<!-- claims-audit-disable-next-line spam-link -->\n"
        "Nothing to see here.\n"
    )
    r = cli("content/post.md", "--format", "json", cwd=repo)
    report = json.loads(r.stdout)
    kept = {(f["category"], f["sentence"][:20]) for f in report["findings"]}
    suppressed = {(f["category"], f["suppression"]["reason"]) for f in report["suppressed"]}
    assert ("unsourced-statistic", "from the 2023 audit") in suppressed
    assert ("efficacy-claim", "reviewed by legal") in suppressed
    assert ("efficacy-claim", "Our drip boosts immu") in kept
    assert ("vague-attribution", "Studies show that 80") in kept
    unused = [f for f in report["findings"] if f["rule"] == "unused-suppression"]
    assert len(unused) == 1 and unused[0]["severity"] == "info" and unused[0]["line"] == 10
    assert report["summary"]["suppressed"] == 2
    assert report["documents"][0]["suppressed"] == 2


def test_disable_file_and_html_and_text(cli, repo):
    (repo / "a.html").write_text(
        "<!-- claims-audit-disable-file -- archived page --><p>Studies show 80% improve.</p>"
    )
    (repo / "b.txt").write_text(
        "claims-audit-disable-next-line vague-attribution -- quoted source\n"
        "Experts agree it works.\n"
    )
    (repo / "c.md").write_text("<!-- claims-audit-disable no-such-rule -->\nHello there.\n")
    r = cli("a.html", "b.txt", "c.md", "--format", "json", cwd=repo)
    report = json.loads(r.stdout)
    kept = [(f["path"], f["rule"]) for f in report["findings"]]
    assert not [k for k in kept if k[0] == "a.html"]
    assert not [k for k in kept if k[0] == "b.txt" and k[1].startswith("vague")]
    assert ("c.md", "unknown-suppression-target") in kept


def test_required_suppression_reason(cli, repo):
    (repo / ".claims-audit.toml").write_text("require-suppression-reason = true\n")
    (repo / "x.md").write_text(
        "<!-- claims-audit-disable-next-line -->\nStudies show 80% of users improve.\n"
    )
    r = cli("x.md", "--format", "json", cwd=repo)
    assert [f["rule"] for f in findings(r)] == ["suppression-without-reason"]


# -- baselines ---------------------------------------------------------------------------


def test_baseline_survives_edits_elsewhere(cli, repo):
    r = cli("baseline", "content", "-o", ".claims-audit-baseline.json", cwd=repo)
    assert r.returncode == 0, r.stderr
    assert cli("content", "--baseline", ".claims-audit-baseline.json", cwd=repo).returncode == 0
    post = repo / "content" / "post.md"
    post.write_text("# New intro\n\nA paragraph added above.\n\n" + post.read_text())
    r = cli("content", "--baseline", ".claims-audit-baseline.json", "--format", "json", cwd=repo)
    assert r.returncode == 0
    assert {f["baseline_state"] for f in findings(r)} == {"unchanged"}
    post.write_text(post.read_text().replace("80%", "85%"))
    r = cli("content", "--baseline", ".claims-audit-baseline.json", "--format", "json", cwd=repo)
    assert r.returncode == 1
    assert {f["baseline_state"] for f in findings(r)} == {"new"}
    text = cli("content", "--baseline", ".claims-audit-baseline.json", cwd=repo).stdout
    assert "unchanged from baseline" not in text and "85%" in text


def test_corrupt_baseline(cli, repo):
    (repo / "b.json").write_text("{not json")
    r = cli("content", "--baseline", "b.json", cwd=repo)
    assert r.returncode == 2 and "b.json: corrupt baseline" in r.stderr


# -- --diff ------------------------------------------------------------------------------


def test_diff_reports_only_changed_lines(cli, repo):
    post = repo / "content" / "post.md"
    post.write_text(post.read_text() + "\nExperts agree our drip cures hangovers.\n")
    (repo / "content" / "new.md").write_text("Nine out of ten clients improve.\n")
    (repo / "content" / "untouched.md").write_text("")
    git(repo, "add", "content/untouched.md")
    git(repo, "commit", "-qm", "second")
    r = cli("--diff", "HEAD", "--format", "json", cwd=repo)
    report = json.loads(r.stdout)
    assert [d["path"] for d in report["documents"]] == ["content/new.md", "content/post.md"]
    lines = {(f["path"], f["line"]) for f in report["findings"]}
    assert ("content/post.md", 3) not in lines  # old claim, unchanged line
    assert ("content/post.md", 7) in lines and ("content/new.md", 1) in lines


def test_diff_outside_git_is_usage_error(cli, tmp_path):
    (tmp_path / "a.md").write_text("Hi.\n")
    r = cli("a.md", "--diff", "HEAD", cwd=tmp_path)
    assert r.returncode == 2 and "--diff" in r.stderr


# -- CI output formats -------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(cli, repo):
    import jsonschema

    (repo / "content" / "post.md").write_text(
        CLAIMS.replace(
            "Studies",
            "<!-- claims-audit-disable-next-line unsourced-statistic -- checked -->\nStudies",
        )
    )
    r = cli("content", "--format", "sarif", cwd=repo)
    sarif = json.loads(r.stdout)
    schema = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0.schema.json").read_text())
    jsonschema.validate(sarif, schema)
    run = sarif["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert "FTC" in rules["stat-percentage"]["help"]["text"]
    res = run["results"]
    assert all(x["partialFingerprints"]["claimsAudit/v1"] for x in res)
    region = res[0]["locations"][0]["physicalLocation"]["region"]
    assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
    assert any(x.get("suppressions") for x in res)
    assert all(run["tool"]["driver"]["rules"][x["ruleIndex"]]["id"] == x["ruleId"] for x in res)


GITHUB_COMMAND = re.compile(
    r"^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)$"
)


def test_github_annotations_escape_and_parse(cli, repo):
    (repo / "evil.md").write_text("Studies show 80%, really: ::error::boom\n")
    r = cli("evil.md", "content", "--format", "github", cwd=repo)
    lines = r.stdout.splitlines()
    assert lines
    for line in lines:
        m = GITHUB_COMMAND.match(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        assert {"file", "line", "col", "endLine", "endColumn", "title"} <= set(props)
        assert "\n" not in m.group(3)
    assert any("%25" in line for line in lines)  # the % in "80%" is escaped


def test_junit_is_well_formed(cli, repo):
    (repo / "clean.md").write_text("Our clinic is open 9am to 5pm.\n")
    (repo / "amp.md").write_text('Studies show <b> & 80% "improve".\n')
    r = cli("clean.md", "amp.md", "content", "--format", "junit", cwd=repo)
    root = ET.fromstring(r.stdout)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert suites["clean.md"].get("failures") == "0"
    assert int(suites["amp.md"].get("failures")) >= 1
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites.values())


def test_gitlab_code_quality(cli, repo):
    r = cli("content", "--format", "gitlab", cwd=repo)
    issues = json.loads(r.stdout)
    assert issues
    for i in issues:
        assert set(i) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert i["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(i["location"]["lines"]["begin"], int)
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_several_formats_in_one_run(cli, repo):
    r = cli("content", "--format", "json,sarif,junit,github,gitlab", "--out-dir", "out", cwd=repo)
    assert r.returncode == 1
    names = sorted(p.name for p in (repo / "out").iterdir())
    assert names == [
        "claims-audit.github.txt",
        "claims-audit.gitlab.json",
        "claims-audit.json",
        "claims-audit.junit.xml",
        "claims-audit.sarif",
    ]


def test_no_exit(cli, repo):
    assert cli("content", "--no-exit", cwd=repo).returncode == 0


def test_pre_commit_hook_definition():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = hooks[0]
    assert hook["id"] == "claims-audit" and hook["entry"] == "claims-audit"
    assert hook["language"] == "python" and re.search(hook["files"], "post.md")


def test_packs_narrows_the_rule_book_of_the_whole_run(cli, repo):
    """The matcher, the checks and the writers use the same rule book: `packs` left out rules
    the pipeline still matched, and every document failed with a KeyError."""
    (repo / ".claims-audit.toml").write_text('packs = ["statistics"]\n')
    (repo / "content" / "more.md").write_text(
        "Experts agree our drip cures migraines. 9 in 10 patients feel better.\n"
    )
    r = cli("content", "--format", "json", cwd=repo)
    report = json.loads(r.stdout)
    assert r.returncode == 1, r.stderr
    assert [d["error"] for d in report["documents"]] == [None, None]
    assert set(report["summary"]["by_category"]) == {"unsourced-statistic"}
    assert "statistics" in cli("--show-settings", cwd=repo).stdout


def test_a_passing_run_with_a_baseline_says_all_checks_passed(cli, repo):
    assert cli("baseline", "content", "-o", "b.json", cwd=repo).returncode == 0
    r = cli("content", "--baseline", "b.json", cwd=repo)
    assert r.returncode == 0
    (line,) = r.stdout.splitlines()  # nothing new to show: the summary alone
    assert line.startswith("All checks passed (") and " baselined) in " in line
