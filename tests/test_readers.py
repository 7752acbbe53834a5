"""Readers: blocks, skipped content, links tied to sentences."""

from __future__ import annotations

from audit.readers import parse


def block_texts(document):
    return [(b.kind, document.text[b.start : b.end]) for b in document.blocks]


def test_markdown_blocks_are_separate():
    src = (
        "# Heading one\n\nA paragraph\nwrapped here.\n\n- first item\n- second item\n\n"
        "> quoted words\n\n| a | b |\n|---|---|\n| cell one | cell two |\n\n"
        "![alt words](x.png)\n"
    )
    blocks = block_texts(parse("x", src, "markdown"))
    assert ("heading", "Heading one") in blocks
    assert ("paragraph", "A paragraph wrapped here.") in blocks
    assert ("list-item", "first item") in blocks and ("list-item", "second item") in blocks
    assert ("blockquote", "quoted words") in blocks
    assert ("table-cell", "cell one") in blocks and ("table-cell", "cell two") in blocks
    assert ("alt", "alt words") in blocks


def test_sentences_never_cross_blocks(nlp):
    src = "Check out this\n\n- valuable article\n"
    document = parse("x", src, "markdown")
    doc = nlp(document.text)
    sents = [s.text.strip() for s in doc.sents if s.text.strip()]
    assert sents == ["Check out this", "valuable article"]


def test_html_blocks_and_skips():
    src = (
        "<html><head><title>Page title</title><script>alert('studies show')</script>"
        "<style>.x{}</style></head><body><nav><a href='/'>Home</a></nav>"
        "<h2>Heading</h2><p>Para <strong>bold</strong> text.<br>After break.</p>"
        "<figure><img alt='Alt text here'><figcaption>Caption words</figcaption></figure>"
        "<template><p>hidden</p></template><pre>code block</pre></body></html>"
    )
    document = parse("x", src, "html")
    blocks = block_texts(document)
    assert ("title", "Page title") in blocks
    assert ("heading", "Heading") in blocks
    assert ("paragraph", "Para bold text.") in blocks
    assert ("paragraph", "After break.") in blocks
    assert ("alt", "Alt text here") in blocks
    assert ("caption", "Caption words") in blocks
    for hidden in ("alert", ".x{}", "hidden", "code block"):
        assert hidden not in document.text


def test_links_keep_text_and_href():
    document = parse(
        "x", "See [the NIH page](https://nih.gov/a) and https://cdc.gov/b now.", "markdown"
    )
    links = [(lk.kind, lk.href, document.text[lk.start : lk.end]) for lk in document.links]
    assert ("link", "https://nih.gov/a", "the NIH page") in links
    assert ("url", "https://cdc.gov/b", "https://cdc.gov/b") in links


def test_link_at_block_start_has_exact_span():
    src = "<p>Intro words.</p><p><a href='https://x.org/a'>Read the full report</a> now.</p>"
    document = parse("x", src, "html")
    (link,) = document.links
    assert document.text[link.start : link.end] == "Read the full report"
    md = parse("x", "Intro.\n\n[Read the full report](https://x.org/a) now.\n", "markdown")
    (link,) = md.links
    assert md.text[link.start : link.end] == "Read the full report"


def test_raw_urls_are_never_flagged(audit_text):
    _, findings = audit_text("Read https://example.com/studies-show-70-percent-cure now.")
    assert not [f for f in findings if "studies" in f.match]


def test_plain_text_lines_without_punctuation_are_blocks():
    src = "Find more insights in this informative guide\nCheck out this valuable article\n"
    blocks = [t for _, t in block_texts(parse("x", src, "text"))]
    assert blocks == [
        "Find more insights in this informative guide",
        "Check out this valuable article",
    ]


def test_plain_text_wrapped_lines_join():
    blocks = [t for _, t in block_texts(parse("x", "Studies show that\nketamine works.\n", "text"))]
    assert blocks == ["Studies show that ketamine works."]


def test_hard_wrapped_prose_joins_even_before_a_capital_or_a_digit():
    """A press release wrapped at about 72 columns: a line as long as the wrap width that ends
    mid-sentence continues on the next line, whatever that line starts with, so a citation
    wrapped onto its own line stays in its sentence. Short unmarked list lines stay blocks."""
    src = (
        "About 3.6 million Australians, roughly 1 in 6, live with hearing loss (Australian\n"
        "Institute of Health and Welfare, 2023). The trial, run at four sites across\n"
        "2024 and 2025, enrolled adults aged 40 to 75 with mild to moderate loss in\n"
        "(at least) one ear, and followed them for a full year after fitting.\n"
        "\n"
        "What we offer\n"
        "Free hearing checks\n"
        "Home visits\n"
    )
    blocks = [t for _, t in block_texts(parse("x", src, "text"))]
    assert blocks[0].startswith("About 3.6 million") and blocks[0].endswith("after fitting.")
    assert "(Australian Institute of Health and Welfare, 2023)." in blocks[0]
    assert blocks[1:] == ["What we offer", "Free hearing checks", "Home visits"]


def test_a_wrapped_citation_cites_its_statistic(audit_text):
    text = (
        "About 3.6 million Australians, roughly 1 in 6, live with hearing loss (Australian\n"
        "Institute of Health and Welfare, 2023). That figure keeps growing every single year\n"
        "in the country, and the clinic expects demand for checks to grow along with it.\n"
    )
    _, findings = audit_text(text, "text")
    assert "unsourced-statistic" not in {f.category for f in findings}
