"""Testimonials: a health result in a customer's own words is flagged only when it is quoted
(a blockquote, or inside quotation marks), with the 'quote' rule scope."""

from __future__ import annotations

import pytest

from audit.readers import parse


def _rules(audited) -> set[str]:
    _, findings = audited
    return {f.rule for f in findings}


def test_a_paragraph_inside_an_html_blockquote_is_a_blockquote_block():
    html = "<blockquote><p>My pain is gone.</p><footer>Ann</footer></blockquote><p>Plain.</p>"
    document = parse("x.html", html, "html")
    kinds = [(b.kind, document.text[b.start : b.end]) for b in document.blocks]
    assert ("blockquote", "My pain is gone.") in kinds
    assert ("paragraph", "Plain.") in kinds


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("> After three weeks my stomach is calm.\n> — Dana R.\n", "markdown"),
        ("<blockquote><p>After three weeks my stomach is calm.</p></blockquote>", "html"),
        ("She wrote “after three weeks my stomach is calm” in her review.\n", "markdown"),
        ('She wrote "after three weeks my stomach is calm" in her review.\n', "markdown"),
        (
            "“I had knee pain for years. Now I walk my dog again, knees and all.” — Raúl\n",
            "markdown",
        ),
    ],
)
def test_quoted_results_are_flagged(audit_text, text, fmt):
    assert "efficacy-testimonial" in _rules(audit_text(text, fmt))


@pytest.mark.parametrize(
    "text",
    [
        "After three weeks my stomach is calm.\n",  # not quoted: the copy's own voice
        '"Calm" is the word. After three weeks my stomach is calm.\n',  # the quote closed
        "“The nurses were lovely.” After three weeks my stomach is calm.\n",
        "> “The staff made me feel welcome from the moment I walked in.” — Marco\n",
        "> “I lost track of time, the chairs are so comfortable.”\n",
    ],
)
def test_unquoted_or_resultless_words_are_not_testimonials(audit_text, text):
    assert "efficacy-testimonial" not in _rules(audit_text(text))
