"""The HTML report without a browser: how the source text is cut into highlighted pieces, how
text from documents is escaped, the Content-Security-Policy hashes, and determinism.

The browser behaviour (filters, search, no script runs, no requests) is in
test_reports_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from audit.core.finding import Finding
from audit.core.result import DocumentResult
from audit.readers.sourcemap import LineIndex
from audit.writers import Report, render
from audit.writers.html_charts import bar_chart
from audit.writers.html_report import Piece, category_colours, split_source

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = (
    'Studies show <script>alert(1)</script> and <img src=x onerror="alert(2)"> cure 90% of '
    'colds. See <a href="javascript:alert(3)">x</a> and {{ 7*7 }}.\n'
)


def _finding(path: str, source: str, match: str, category: str, **kw) -> Finding:
    start = source.index(match)
    end = start + len(match)
    line, column = LineIndex(source).position(start)
    fields = {
        "path": path, "line": line, "column": column, "end_line": line,
        "end_column": column + len(match), "start": start, "end": end, "match": match,
        "sentence": source.strip(), "sentence_start": 0, "sentence_end": len(source.rstrip()),
        "rule": f"{category}-rule", "category": category, "severity": "warning",
        "action": "cite", "message": "Message", "suggestion": "Fix it.",
        "rationale": "Because (FTC).",
    }  # fmt: skip
    fields.update(kw)
    return Finding(**fields)


def _report(results: list[DocumentResult], rulebook) -> Report:
    return Report(results, "warning", rulebook, inputs=["docs/"], created="2026-01-02T03:04:05Z")


class _Tags(HTMLParser):
    """Every element and attribute as a browser's tokenizer would see them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _text(lines: list[list[Piece]]) -> list[str]:
    return ["".join(p.text for p in line) for line in lines]


def test_pieces_rebuild_every_line_exactly():
    text = "first line\r\nsecond\rthird\n\nfifth\n"
    lines = split_source(text, [(0, 3, 20, 12, 15)])
    assert _text(lines) == ["first line", "second", "third", "", "fifth"]
    assert len(lines) == len(LineIndex(text).starts) - 1  # a final line break opens no line


def test_overlapping_and_nested_ranges_become_flat_pieces():
    text = "aaaa bbbb cccc dddd"
    ranges = [
        (0, 0, 19, 5, 9),  # sentence of the whole text, match "bbbb"
        (1, 0, 19, 7, 12),  # same sentence, overlapping match "bb cc"
        (2, 10, 19, 10, 14),  # a sentence that starts inside the others
    ]
    pieces = split_source(text, ranges)[0]
    assert "".join(p.text for p in pieces) == text
    assert [(p.text, p.sentence_of, p.match_of) for p in pieces] == [
        ("aaaa ", (0, 1), ()),
        ("bb", (0, 1), (0,)),
        ("bb", (0, 1), (0, 1)),  # both matches
        (" ", (0, 1), (1,)),
        ("cc", (0, 1, 2), (1, 2)),  # three sentences, two matches
        ("cc", (0, 1, 2), (2,)),
        (" dddd", (0, 1, 2), ()),
    ]


def test_a_range_over_a_line_break_is_split_per_line_and_out_of_range_is_clipped():
    text = "one two\nthree four"
    lines = split_source(text, [(0, 4, 13, 4, 100), (1, -5, 3, 0, 3)])
    assert _text(lines) == ["one two", "three four"]
    assert [(p.text, p.match_of) for p in lines[1]] == [("three", (0,)), (" four", (0,))]
    assert lines[0][0] == Piece("one", (1,), (1,))


def test_highlight_lines_match_finding_lines(audit_text, rulebook):
    source = (ROOT / "examples" / "ketamine-austin.txt").read_text(encoding="utf-8")
    _, findings = audit_text(source, "text", "k.txt")
    ranges = [(i, f.sentence_start, f.sentence_end, f.start, f.end) for i, f in enumerate(findings)]
    lines = split_source(source, ranges)
    for i, f in enumerate(findings):
        first = next(n for n, line in enumerate(lines, 1) if any(i in p.match_of for p in line))
        assert first == f.line
        marked = "".join(p.text for line in lines for p in line if i in p.match_of)
        assert marked == f.match.replace("\r", "").replace("\n", "")


def test_category_colours_are_stable_and_cover_custom_categories():
    colours = category_colours(["zeta-claim", "spam-link", "alpha-claim", "unsourced-statistic"])
    assert colours == {
        "unsourced-statistic": 0,
        "spam-link": 1,
        "alpha-claim": 2,
        "zeta-claim": 3,
    }


def test_bar_chart_scales_to_the_largest_value_and_keeps_whole_labels():
    long = "b/" * 40 + "file.md"
    chart = bar_chart("c", "T", [("a", 10, "10", "x"), (long, 5, "5", "y")], "")
    assert [b["pct"] for b in chart["bars"]] == [100.0, 50.0]
    assert chart["bars"][1]["label"] == long  # wraps between folders (tested in Chromium)


def test_document_text_is_escaped_everywhere(rulebook):
    path = 'x<img src=y onerror=alert(4)>"q.md'
    f1 = _finding(path, PAYLOAD, "Studies show", "vague-attribution")
    f2 = _finding(
        path,
        PAYLOAD,
        "90%",
        "unsourced-statistic",
        links=[{"text": "<u>x</u>", "href": "javascript:alert(3)", "kind": "link"}],
        message="<i>rule text is escaped too</i>",
    )
    result = DocumentResult(path, "markdown", 20, 2, [f1, f2], source=PAYLOAD)
    out = render("html", _report([result], rulebook))
    assert "<script>alert" not in out and "<img" not in out and "<i>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert 'href="javascript' not in out and "javascript:alert(3)" in out
    assert "{{ 7*7 }}" in out and "49" not in out
    tags = _Tags(out).tags
    assert [t for t, _ in tags].count("script") == 1  # the report's own script, nothing else
    assert not {"img", "iframe", "object", "embed", "u", "i"} & {t for t, _ in tags}
    assert {t for t, _ in tags if t in ("svg", "rect")} == {"svg", "rect"}  # the charts' bars
    assert not [(t, a) for t, a in tags for name in a if name.startswith("on")]
    assert not [a["href"] for t, a in tags if "href" in a and not a["href"].startswith("#")]


def test_csp_pins_the_inline_style_and_script_by_hash(rulebook):
    source = "Studies show it works.\n"
    result = DocumentResult(
        "a.md", "markdown", 4, 1, [_finding("a.md", source, "Studies show", "x")]
    )
    result.source = source
    out = render("html", _report([result], rulebook))
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', out)
    csp = html.unescape(meta.group(1))  # as the browser reads the attribute
    assert "default-src 'none'" in csp
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", out, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp
    assert "http://" not in out.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in out and "@import" not in out and "url(" not in out


def test_output_is_deterministic_and_covers_all_documents(rulebook):
    src = "Doctors recommend it. It cures 90% of colds.\n"
    a = _finding("b.md", src, "Doctors recommend", "vague-attribution")
    b = _finding("b.md", src, "cures", "efficacy-claim", severity="error")
    docs = [
        DocumentResult("b.md", "markdown", 9, 2, [a, b], source=src),
        DocumentResult("empty.md", "markdown", 0, 0, [], source=""),
        DocumentResult("bad.md", error="bad.md: binary file"),
    ]
    first = render("html", _report(docs, rulebook))
    assert first == render("html", _report(docs, rulebook))
    assert "Could not be read: bad.md: binary file" in first
    assert first.count('class="doc"') == 3
    unread = "1 input could not be audited"
    assert f"Not ready to publish: 2 findings need a citation or an edit; {unread}" in first
    assert "(gate: warning and above, <code>--fail-on warning</code>)" in first
    later = Report(docs, "error", rulebook, inputs=["docs/"], created="2030-01-01T00:00:00Z")
    assert f"Not ready to publish: 1 finding needs a citation or an edit; {unread}" in render(
        "html", later
    )
    baselined = [replace(f, baseline_state="unchanged") for f in (a, b)]
    docs[0] = replace(docs[0], findings=baselined)
    # the baseline holds every finding, but an input was not read: never "Passes"
    assert f"Not ready to publish: {unread} <span" in render("html", _report(docs, rulebook))
    assert "Ready to publish: no finding at warning or above" in render(
        "html", _report(docs[:2], rulebook)
    )


@pytest.mark.parametrize("fmt", ["html", "md", "csv"])
def test_cli_writes_each_report_format(cli, tmp_path, fmt):
    (tmp_path / "d.md").write_text("Studies show that 80% of users sleep better.\n")
    r = cli("d.md", "--format", fmt, "-o", f"out.{fmt}")
    assert r.returncode == 1, r.stderr
    assert "sleep better" in (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")


def test_cli_out_dir_writes_all_three(cli, tmp_path):
    (tmp_path / "d.md").write_text("Studies show that 80% of users sleep better.\n")
    r = cli("d.md", "--format", "html,md,csv", "--out-dir", "reports")
    assert r.returncode == 1, r.stderr
    names = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert names == ["claims-audit.csv", "claims-audit.html", "claims-audit.md"]


def test_category_colours_are_far_apart_in_hue():
    """Bundled categories must not be told apart by a shade alone (amber and orange were)."""
    import colorsys

    from audit.writers.html_report import CATEGORY_COLOURS

    def hue(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return colorsys.rgb_to_hls(r, g, b)[0] * 360

    hues = {name: hue(strong) for name, (_, strong) in CATEGORY_COLOURS.items()}
    for a in hues:
        for b in hues:
            if a < b:
                gap = abs(hues[a] - hues[b])
                assert min(gap, 360 - gap) >= 15, (a, b, hues[a], hues[b])


def test_cards_show_the_sentence_and_the_rationale_is_given_once_per_rule(rulebook):
    src = "Doctors recommend <it> & it cures 90% of colds.\n"
    one = _finding("a.md", src, "Doctors recommend", "vague-attribution", rationale="Once (FTC).")
    two = replace(one, line=2, fingerprint="x2")
    out = render(
        "html",
        _report([DocumentResult("a.md", "markdown", 9, 1, [one, two], source=src)], rulebook),
    )
    assert (
        out.count(
            '<p class="quote"><mark class="hit">Doctors recommend</mark> &lt;it&gt; &amp; it cures 90% of colds.</p>'
        )
        == 2
    )  # the sentence, escaped, with the matched words marked
    assert out.count("Once (FTC).") == 1  # in "Why these rules matter", not on each card
    assert out.count('href="#rule-vague-attribution-rule"') == 2
    assert 'id="rule-vague-attribution-rule"' in out


def test_a_long_sentence_is_shortened_around_the_match():
    from audit.writers.html_cards import QUOTE_CHARS, sentence_parts

    sentence = "word " * 100 + "studies show it " + "tail " * 100
    f = _finding("a.md", sentence, "studies show", "vague-attribution")
    before, hit, after = sentence_parts(f)
    assert hit == "studies show" and before.startswith("… ") and after.endswith(" …")
    assert len(before) + len(hit) + len(after) <= QUOTE_CHARS + 4
