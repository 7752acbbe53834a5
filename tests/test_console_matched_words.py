"""The console shows the matched words under the sentence, and has concise and statistics views."""

from __future__ import annotations


def test_carets_sit_under_the_matched_words(cli, tmp_path):
    (tmp_path / "a.md").write_text(
        "Our clinic is **new**. Recent *studies show* that 80% of patients improve.\n"
    )
    out = cli("a.md", "--no-model", "--select", "vague-studies-show").stdout.splitlines()
    sentence, caret = out[1], out[2]
    assert sentence == "    | Recent studies show that 80% of patients improve."
    start = caret.index("^")
    assert caret[:6] == "    | " and set(caret[6:start]) <= {" "}
    assert sentence[start : start + caret.count("^")] == "studies show"


def test_carets_pick_the_repeated_word_that_matched(cli, tmp_path):
    (tmp_path / "a.md").write_text("Experts agree that experts agree rarely. Studies show it.\n")
    out = cli("a.md", "--no-model", "--output-format", "full").stdout.splitlines()
    for i, line in enumerate(out):
        if line.startswith("    | ") and "^" in line:
            shown, caret = out[i - 1], line
            start = caret.index("^")
            assert shown[start : start + caret.count("^")].lower() in {
                "experts agree",
                "studies show",
            }


def test_a_match_beyond_the_shown_part_gets_no_caret(cli, tmp_path):
    (tmp_path / "a.md").write_text("word " * 80 + "and studies show it works.\n")
    out = cli("a.md", "--no-model", "--select", "vague-studies-show").stdout.splitlines()
    assert out[1].endswith(" ...") and "^" not in out[2]


def test_concise_is_one_line_per_finding(cli, tmp_path):
    (tmp_path / "a.md").write_text("Studies show that 80% of patients improve.\n")
    out = cli("a.md", "--no-model", "--output-format", "concise").stdout.splitlines()
    assert out[:-1] == [
        "a.md:1:1: warning vague-attribution/vague-studies-show: Appeal to unnamed studies or "
        "experts [Studies show]",
        "a.md:1:19: warning unsourced-statistic/stat-percentage: Percentage stated without a "
        "source [80%]",
    ]
    assert out[-1].startswith("2 findings")


def test_statistics_count_findings_per_rule(cli, tmp_path):
    (tmp_path / "a.md").write_text("Studies show it. Studies show that. 80% agree.\n")
    out = cli("a.md", "--no-model", "--statistics").stdout.splitlines()
    assert out[0].split()[:3] == ["2", "vague-studies-show", "warning"]
    assert out[1].split()[:3] == ["1", "stat-percentage", "warning"]
    assert out[-1].startswith("3 findings")
