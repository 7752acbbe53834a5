"""Every finding maps back exactly to the file the user wrote, whatever the markup."""

from __future__ import annotations

import re

import pytest

from audit.readers import parse
from audit.readers.sourcemap import LineIndex

MARKDOWN = (
    "---\r\ntitle: Drips\r\n---\r\n"
    "# Our *IV* drips\r\n\r\n"
    "Studies show our **Myers’ Cocktail** boosts your *immune* system &amp; energy.\r\n"
    'More than 70% of our clients feel better after one [drip](https://example.com "t").\r\n\r\n'
    "> “Café au lait” customers say: 9 out of 10 patients improved\r\n"
    "> within 24 hours.\r\n\r\n"
    "- Item: `code studies show` then experts agree it works wonders.\r\n"
    "- ![Our miracle cure for depression](x.png) and nothing else.\r\n\r\n"
    "| Claim | Note |\r\n|---|---|\r\n| Doctors recommend it \\| always | fine |\r\n\r\n"
    "```\r\nstudies show 99% of code\r\n```\r\n"
)

HTML = (
    "<!DOCTYPE html>\r\n<html><head><title>Studies show it &amp; more</title>"
    '<meta name="description" content="Clinically proven to boost immunity &amp; focus">'
    "<style>p { content: 'studies show 50%'; }</style>"
    "<script>var x = 'experts agree 90% of the time';</script></head>\r\n<body>\r\n"
    "<p>Research <em>sug&shy;gests</em> our drip <b>relieves <i>migraine</i></b> pain.\r\n"
    "About 45&nbsp;% of users &mdash; and 1 in 3 adults &#8212; improved.</p>\r\n"
    '<figure><img src="a.png" alt="Our serum erases wrinkles in days">'
    "<figcaption>Experts agree: it works wonders.</figcaption></figure>\r\n"
    "<ul><li>Doctors recommend it<li>Naïve users saw 2x faster recovery</ul>\r\n"
    "<p>Unclosed paragraph where studies show great results\r\n"
    "<table><tr><td>Clinically tested formula</td><td>$49</td></tr></table>"
    "<pre>studies show 70%</pre><code>experts agree</code>"
    "</body></html>\r\n"
)

TEXT = (
    "Ketamine Works Wonders\r\n\r\n"
    "Studies show that ketamine relieves depression\r\nin 70% of patients. Café visits are fine.\r\n"
    "Check out this valuable article\r\nRead this informative content.\r\n"
)


@pytest.mark.parametrize("fmt,source", [("markdown", MARKDOWN), ("html", HTML), ("text", TEXT)])
def test_findings_map_exactly(audit_text, fmt, source):
    document, findings = audit_text(source, fmt)
    assert findings, "the fixture should produce findings"
    lines = LineIndex(source)
    for f in findings:
        assert source[f.start : f.end] == f.match
        assert (f.line, f.column) == lines.position(f.start)
        assert (f.end_line, f.end_column) == lines.position(f.end)
        # the matched source, with markup and entities removed, reads as the matched words
        assert f.sentence_start <= f.start < f.end <= f.sentence_end


@pytest.mark.parametrize("fmt,source", [("markdown", MARKDOWN), ("html", HTML), ("text", TEXT)])
def test_every_word_maps_to_itself(fmt, source):
    document = parse("x", source, fmt)
    for m in re.finditer(r"[^\W\d_]+", document.text):
        for i in range(m.start(), m.end()):
            s, e = document.map.char_span(i)
            if e - s == 1:
                assert source[s] == document.text[i], (fmt, m.group())


def test_skipped_content_is_not_text():
    md = parse("x", MARKDOWN, "markdown").text
    assert "title: Drips" not in md
    assert "code studies show" not in md
    assert "99% of code" not in md
    html = parse("x", HTML, "html").text
    assert "content:" not in html and "var x" not in html
    assert "studies show 70%" not in html
    assert "experts agree" not in html  # only the capitalised figcaption is prose
    assert "suggests" in html  # the soft hyphen is dropped from the text, not the word


def test_crlf_and_entities_offsets(audit_text):
    _, findings = audit_text(HTML, "html")
    by_match = {f.match: f for f in findings}
    assert any("&nbsp;%" in m or "45" in m for m in by_match)
    for f in findings:
        assert "\r" not in f.sentence
