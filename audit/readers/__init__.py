"""Readers turn a file's text into a Document: blocks of plain text mapped back to the source."""

from __future__ import annotations

import re

from audit.readers.document import Document
from audit.readers.sourcemap import Link, TextBuilder

# Bare URLs and domain paths in running text: kept as text (the matcher sees one token), and
# recorded as links so they count as citations.
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]"
    r"|\b(?:[a-z0-9-]+\.)+(?:gov|edu|org|int|com|net|uk|ca|au|eu)/[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]",
    re.IGNORECASE,
)


_SPACE = re.compile(r"\s")
_URL_HINT = re.compile(r"/|www\.", re.IGNORECASE)


def _bare_urls(text: str):
    """_URL.finditer(text), searched only in the whitespace-free chunks holding "/" or "www.".

    Every match holds one of them and no whitespace, so it lies in such a chunk; the full
    expression (case-insensitive, tried at every word) costs several times this scan.
    """
    hints = [m.start() for m in _URL_HINT.finditer(text)]
    end = -1
    for p in hints:
        if p < end:
            continue  # in the chunk just searched
        start = p
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        m = _SPACE.search(text, p)
        end = m.start() if m else len(text)
        yield from _URL.finditer(text, start, end)


def parse(path: str, source: str, fmt: str) -> Document:
    b = TextBuilder()
    notes: list[str] = []
    if fmt == "markdown":
        from audit.readers.markdown import read_markdown

        notes = read_markdown(b, source)
    elif fmt == "html":
        from audit.readers.html import read_html

        read_html(b, source, 0, len(source))
    else:
        from audit.readers.plaintext import read_text

        read_text(b, source)
    text = b.build()
    links = b.links
    linked = [(lk.start, lk.end) for lk in links]
    for m in _bare_urls(text):
        if not any(s <= m.start() < e for s, e in linked):
            href = m.group()
            if not href.lower().startswith("http"):
                href = "http://" + href
            links.append(Link(m.start(), m.end(), href, "url"))
    links.sort(key=lambda lk: (lk.start, lk.end))
    return Document(
        path, fmt, source, text, b.map, b.blocks, links, b.comments, notes, sites=b.sites
    )
