"""Readers turn a file's text into a Document: blocks of plain text mapped back to the source."""

from __future__ import annotations

import re

from audit.document import Document
from audit.sourcemap import Link, TextBuilder

FORMAT_BY_SUFFIX = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
}

# Bare URLs and domain paths in running text: kept as text (the matcher sees one token), and
# recorded as links so they count as citations.
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]"
    r"|\b(?:[a-z0-9-]+\.)+(?:gov|edu|org|int|com|net|uk|ca|au|eu)/[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]",
    re.IGNORECASE,
)


def parse(path: str, source: str, fmt: str) -> Document:
    b = TextBuilder()
    if fmt == "markdown":
        from audit.readers.markdown import read_markdown

        read_markdown(b, source)
    elif fmt == "html":
        from audit.readers.html import read_html

        read_html(b, source, 0, len(source))
    else:
        from audit.readers.plaintext import read_text

        read_text(b, source)
    text = b.build()
    links = b.links
    linked = [(lk.start, lk.end) for lk in links]
    for m in _URL.finditer(text):
        if not any(s <= m.start() < e for s, e in linked):
            href = m.group()
            if not href.lower().startswith("http"):
                href = "http://" + href
            links.append(Link(m.start(), m.end(), href, "url"))
    links.sort(key=lambda lk: (lk.start, lk.end))
    return Document(path, fmt, source, text, b.map, b.blocks, links, b.comments)
