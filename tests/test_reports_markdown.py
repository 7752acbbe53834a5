"""The Markdown report: escaping of document text, grouping by file, verdict, and size."""

from __future__ import annotations

import re

from audit.core.finding import Finding
from audit.core.result import DocumentResult
from audit.writers import Report, render
from audit.writers.markdown_report import BUDGET, code, html_text, text


def _finding(path: str, line: int, sentence: str, match: str, **kw) -> Finding:
    fields = {
        "path": path, "line": line, "column": 1, "end_line": line, "end_column": 1 + len(match),
        "start": 0, "end": len(match), "match": match, "sentence": sentence,
        "sentence_start": 0, "sentence_end": len(sentence), "rule": "vague-studies-show",
        "category": "vague-attribution", "severity": "warning", "action": "cite",
        "message": "Appeal to unnamed studies", "suggestion": "Name the study.",
        "rationale": "FTC 1984.",
    }  # fmt: skip
    fields.update(kw)
    return Finding(**fields)


def _md(results, rulebook, fail_on: str = "warning") -> str:
    return render("md", Report(results, fail_on, rulebook, ["docs/"], "2026-01-02T03:04:05Z"))


def _rows(md: str) -> list[str]:
    return [ln for ln in md.splitlines() if ln.startswith("| `")]


def test_text_escapes_markdown_and_html():
    assert text("a | b") == r"a \| b"
    assert text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert text("**bold** _it_ `code` [x](javascript:y) ~~s~~ $5") == (
        r"\*\*bold\*\* \_it\_ \`code\` \[x\](javascript:y) \~\~s\~\~ \$5"
    )
    assert text("a\nb\r\n  c") == "a b c"  # one line: a table row never breaks
    assert text("AT&T &amp;") == "AT&amp;T &amp;amp;"
    assert text("ask @drsmith about #12") == "ask @\u2060drsmith about #\u206012"
    assert text("mail info@clinic.com") == "mail info@\u2060clinic.com"


def test_code_spans_survive_backticks_and_pipes():
    assert code("a.md:3:1") == "`a.md:3:1`"
    assert code("x`y") == "``x`y``"
    assert code("`x`") == "`` `x` ``"
    assert code("a|b") == r"`a\|b`"


def test_html_text_for_summary_lines():
    assert html_text('<b>"x"</b> & @me') == "&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; @\u2060me"


def test_grouped_by_file_with_path_line_references(rulebook):
    a = DocumentResult(
        "a.md",
        findings=[
            _finding("a.md", 3, "Studies show | it works.", "Studies show"),
            _finding("a.md", 9, "It cures <b>all</b>.", "cures", severity="error", rule="x"),
        ],
    )
    b = DocumentResult(
        "dir/b`q.md", findings=[_finding("dir/b`q.md", 1, "Experts agree.", "agree")]
    )
    clean = DocumentResult("clean.md")
    md = _md([a, clean, b], rulebook)
    assert md.startswith("## claims-audit: fails `--fail-on warning`")
    summaries = re.findall(r"<details open><summary>(.*?)</summary>", md)
    assert summaries == [
        "<code>a.md</code>: 2 findings (1 error, 1 warning)",
        "<code>dir/b`q.md</code>: 1 finding (1 warning)",
    ]
    rows = _rows(md)
    assert [r.split(" | ")[0] for r in rows] == [
        "| `a.md:3:1`",
        "| `a.md:9:1`",
        "| ``dir/b`q.md:1:1``",
    ]
    assert "<b>Studies show</b> \\| it works." in rows[0]
    assert "It <b>cures</b> &lt;b&gt;all&lt;/b&gt;." in rows[1]
    for row in rows:  # five cells: escaped pipes do not split a cell
        assert row.replace("\\|", "").count("|") == 6
    assert "<details><summary>Rules that fired (2)</summary>" in md


def test_hostile_text_cannot_close_the_details_block(rulebook):
    nasty = "</details></summary><script>x</script> ![i](http://t/p.png) @everyone"
    md = _md([DocumentResult("n.md", findings=[_finding("n.md", 1, nasty, "x")])], rulebook)
    assert md.count("</details>") == 2  # the file block and the rules block, both ours
    assert "<script>" not in md and "![" not in md and "@everyone" not in md


def test_zero_findings_passes_with_no_file_section(rulebook):
    md = _md([DocumentResult("ok.md", words=10)], rulebook)
    assert md.startswith("## claims-audit: passes `--fail-on warning`")
    assert "Findings by file" not in md and "<details" not in md
    assert "| 1 | 10 | 0 | 0 | 0 | 0 | 0.0 |" in md


def test_hundreds_of_findings_stay_collapsed_and_under_the_size_limit(rulebook):
    sentence = "Studies show that this supplement works for " + "many people " * 15
    results = [
        DocumentResult(
            f"content/post-{i:03}.md",
            words=500,
            findings=[
                _finding(f"content/post-{i:03}.md", n, sentence, "Studies show") for n in range(12)
            ],
        )
        for i in range(60)
    ]
    md = _md(results, rulebook)
    assert len(md) <= BUDGET
    assert "<details open>" not in md  # 720 findings: every file starts collapsed
    shown = len(_rows(md))
    note = re.search(r"\*\*(\d+) more findings in (\d+) more files not shown\*\*", md)
    assert note and shown + int(note.group(1)) == 720
    assert md.count("<details><summary><code>content/") + int(note.group(2)) == 60


def test_baseline_findings_do_not_fail(rulebook):
    f = _finding("a.md", 1, "Studies show it.", "Studies show", baseline_state="unchanged")
    md = _md([DocumentResult("a.md", findings=[f])], rulebook)
    assert md.startswith("## claims-audit: passes")
    assert "| warning (in baseline) |" in md


def test_suppressed_findings_are_listed_with_their_reason(cli, tmp_path):
    (tmp_path / "a.md").write_text(
        "<!-- claims-audit-disable-next-line unsourced-statistic -- figure | from *legal* -->\n"
        "80% of our patients live in Austin.\n\n"
        "<!-- claims-audit-disable-next-line vague-attribution -->\n"
        "Studies show that most visitors come on Mondays.\n"
    )
    r = cli("a.md", "--format", "md", "--no-model")  # the rules' findings, and only those
    assert r.returncode == 0, r.stderr
    assert "<summary>Suppressed inline (2)</summary>" in r.stdout
    rows = [ln for ln in r.stdout.splitlines() if ln.startswith("| `a.md:")]
    assert rows == [
        r"| `a.md:2:1` | `stat-percentage` | warning | 80% | figure \| from \*legal\* |",
        "| `a.md:5:1` | `vague-studies-show` | warning | Studies show | (no reason given) |",
    ]


def test_a_long_suppressed_list_is_cut_to_keep_the_comment_small(rulebook):
    from dataclasses import replace

    from audit.writers.markdown_report import SUPPRESSED_ROWS

    base = _finding("a.md", 1, "Studies show it.", "Studies show")
    silenced = [
        replace(base, line=i, suppression={"kind": "disable", "reason": "ok", "line": 1})
        for i in range(1, SUPPRESSED_ROWS + 8)
    ]
    md = _md([DocumentResult("a.md", suppressed=silenced)], rulebook)
    assert f"<summary>Suppressed inline ({SUPPRESSED_ROWS + 7})</summary>" in md
    assert len([ln for ln in md.splitlines() if ln.startswith("| `a.md:")]) == SUPPRESSED_ROWS
    assert "7 more suppressed findings: the HTML and JSON reports list all." in md


def test_new_findings_come_first_and_baselined_ones_are_collapsed(rulebook):
    from dataclasses import replace

    new = _finding("a.md", 3, "Studies show it works.", "Studies show")
    old = replace(
        _finding("a.md", 1, "Experts agree it helps.", "Experts agree"), baseline_state="unchanged"
    )
    md = _md([DocumentResult("a.md", findings=[old, new])], rulebook)
    block = md[md.index("<summary><code>a.md</code>") :]
    assert block.index("`a.md:3:1`") < block.index("<summary>In the baseline (1)</summary>")
    assert block.index("<summary>In the baseline (1)</summary>") < block.index("`a.md:1:1`")
