"""Property-based tests: random Markdown, HTML and text never crash the readers or the
pipeline, and every finding points at the right characters of the input."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.core.result import DocumentResult
from audit.engines.local import audit_document
from audit.inputs.files import decode
from audit.readers import parse

SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Characters that stress positions: markup, entities, line endings, and awkward Unicode.
AWKWARD = [
    "*", "_", "[", "]", "(", ")", "#", "<", ">", "&", ";", "!", "|", "-", "`", "\\", "~", "%",
    "\r\n", "\r", "\n", "\t", " ", "  ", "\u00a0", "\u200b", "\u200d", "\u200f", "\u202e",
    "\u0301", "\u00ad", "\ufeff", "\x00", "é", "ß", "日本", "😀", "👩\u200d⚕️", "&amp;", "&nbsp;",
    "&#8212;", "&bogus;", "<!--", "-->",
]  # fmt: skip
CLAIMS = [
    "Studies show", "70%", "1 in 3 adults", "relieves pain", "can help patients",
    "Check out this valuable article", "clinically proven", "is not a cure", "may reduce",
    "(Smith et al., 2020)", "[1]", "https://example.org/x", "nearly half of patients",
    "doubles your risk", "experts agree", "fast-acting", "our drip boosts immunity",
]  # fmt: skip
WORDS = ["ketamine", "the", "patients", "therapy", "clinic", "and", "with", "sleep", "of"]

pieces = st.sampled_from(AWKWARD + CLAIMS + WORDS) | st.text(max_size=6)
free_text = st.lists(pieces, max_size=40).map(" ".join)


def _md_block(draw_text: str, kind: int, depth: int) -> str:
    indent = "  " * depth
    return [
        f"# {draw_text}",
        f"{draw_text}",
        f"{indent}- {draw_text}",
        f"{indent}1. {draw_text}",
        f"> {draw_text}",
        f"| a | {draw_text} |\n|---|---|\n| {draw_text} | b |",
        f"[{draw_text}](https://example.org/{depth}) *{draw_text}* **x**",
        f"```\n{draw_text}\n```",
        f"![{draw_text}](img.png) `{draw_text}`",
        f"<div>{draw_text}</div>",
    ][kind % 10]


markdown_docs = st.lists(
    st.tuples(free_text, st.integers(0, 9), st.integers(0, 12)), max_size=12
).map(lambda blocks: "\n\n".join(_md_block(t, k, d) for t, k, d in blocks))

TAGS = ["p", "div", "li", "ul", "h2", "em", "strong", "a href='https://x.org/'", "sup", "table",
        "td", "script", "style", "code", "pre", "span", "blockquote", "figcaption", "br"]  # fmt: skip


@st.composite
def html_docs(draw):
    out = []
    depth = 0
    for _ in range(draw(st.integers(0, 40))):
        action = draw(st.integers(0, 3))
        if action == 0:
            out.append(f"<{draw(st.sampled_from(TAGS))}>")
            depth += 1
        elif action == 1 and depth:
            out.append(f"</{draw(st.sampled_from(TAGS)).split()[0]}>")  # may not match: fine
            depth -= 1
        else:
            out.append(draw(free_text))
    if draw(st.booleans()):
        out.append("<div>" * 300)  # deep nesting, never closed
    return "".join(out)


def _positions(source: str, offset: int) -> tuple[int, int]:
    """Line and column computed independently of the code under test."""
    before = source[:offset]
    breaks = list(re.finditer(r"\r\n|\r|\n", before))
    if not breaks:
        return 1, offset + 1
    return len(breaks) + 1, offset - breaks[-1].end() + 1


def check_document(source: str, fmt: str, nlp, rulebook) -> None:
    document = parse("doc", source, fmt)
    # every character the matcher sees with a one-to-one mapping is the character in the source
    m = document.map
    for i, ch in enumerate(document.text):
        try:
            s, e = m.char_span(i)
        except ValueError:
            assert ch == "\n"  # only block separators are unmapped
            continue
        assert 0 <= s < e <= len(source)
        if e - s == 1 and not ch.isspace():
            assert source[s] == ch or (source[s] == "\x00" and ch == "\ufffd")
    doc = nlp(document.text)
    result = audit_document(document, doc, rulebook, DocumentResult("doc"), collect_citations=True)
    for f in result.findings:
        assert 0 <= f.sentence_start <= f.start < f.end <= f.sentence_end <= len(source)
        assert source[f.start : f.end] == f.match
        assert (f.line, f.column) == _positions(source, f.start)
        assert (f.end_line, f.end_column) == _positions(source, f.end)


@SETTINGS
@given(markdown_docs)
def test_random_markdown(nlp, rulebook, source):
    check_document(source, "markdown", nlp, rulebook)


@SETTINGS
@given(html_docs())
def test_random_html(nlp, rulebook, source):
    check_document(source, "html", nlp, rulebook)


@SETTINGS
@given(free_text)
def test_random_text(nlp, rulebook, source):
    check_document(source, "text", nlp, rulebook)


@SETTINGS
@given(st.text(max_size=300))
def test_any_unicode_in_any_format(nlp, rulebook, source):
    for fmt in ("markdown", "html", "text"):
        check_document(source, fmt, nlp, rulebook)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_decoding_never_crashes(data):
    try:
        text, notes = decode(data, "x")
    except Exception as exc:  # only the documented one-line refusals
        assert type(exc).__name__ == "InputError" and str(exc).startswith("x: ")
        return
    assert isinstance(text, str)
    text.encode("utf-8")  # no lone surrogates reach the readers


SENTENCE_PIECES = [
    "word", "Dr.", ".", "!", "?", "...", "\u3002", '"', ")", "(", ",", "\n\n", " ", "5", "%",
    "[1]", "\u2026", "\u061f", "\u0964", "e.g.", "'", "\u201d", ";",
]  # fmt: skip


@SETTINGS
@given(st.lists(st.sampled_from(SENTENCE_PIECES), max_size=40), st.booleans())
def test_array_sentencizer_agrees_with_spacys(pieces, preset):
    """The array sentencizer gives spaCy's Sentencizer boundaries, and keeps earlier decisions."""
    import spacy
    from spacy.attrs import SENT_START

    from audit.nlp.sentencizer import RuleSentencizer

    nlp = spacy.blank("en")
    reference = nlp.add_pipe("sentencizer")
    ours = RuleSentencizer(nlp.vocab)
    text = " ".join(pieces)
    expected, got = nlp.make_doc(text), nlp.make_doc(text)
    if preset and len(expected) > 2:
        expected[1].is_sent_start = got[1].is_sent_start = True
        expected[2].is_sent_start = got[2].is_sent_start = False
    reference(expected)
    ours(got)
    assert got.to_array([SENT_START]).tolist() == expected.to_array([SENT_START]).tolist()


CITATION_PIECES = [
    "[1]", "[2, 3]", "[^4]", "\u00b9", "x^2", "(Smith et al., 2020)", "(CDC, 2022)",
    "Smith et al. (2019)", "Smith and Jones (2018)", "10.1000/xyz", "doi: 10.1/a", "PMID 123456",
    "PMC12345", "NCT01234567", "ISRCTN123456", "Smith", "et", "al.", "(", ")", "2021", "and",
    "ET AL", "Doi:", "pmid:", "é", " ",
]  # fmt: skip


@SETTINGS
@given(st.lists(st.sampled_from(CITATION_PIECES) | st.text(max_size=4), max_size=12))
def test_citation_hint_is_necessary_for_a_citation(pieces):
    """The cheap pre-check never rejects text the full citation expression would match."""
    from audit.checks.context import _CITATION_HINT, _CITATION_TEXT

    text = " ".join(pieces)
    if _CITATION_TEXT.search(text):
        assert _CITATION_HINT.search(text)


URL_PIECES = [
    "https://example.org/a", "www.cdc.gov", "WWW.NIH.GOV/x", "cdc.gov/flu", "and/or", "24/7",
    "http://", "(see nih.gov/x).", "/", "www.", "example.com", "a.b.c.org/", "\u00a0", "\n\n",
    " ", "word", "İ", ".", ",", "[", "]",
]  # fmt: skip


@SETTINGS
@given(st.lists(st.sampled_from(URL_PIECES) | st.text(max_size=4), max_size=16), st.booleans())
def test_bare_url_scan_finds_what_the_full_expression_finds(pieces, glued):
    from audit.readers import _URL, _bare_urls

    text = ("" if glued else " ").join(pieces)
    expected = [(m.start(), m.end()) for m in _URL.finditer(text)]
    assert [(m.start(), m.end()) for m in _bare_urls(text)] == expected
