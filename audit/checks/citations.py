"""The citations a document relies on, located in the source, for link checks and figures.

Collected while the document is still in memory (the plain text and source map are dropped
after the audit), so checks that need the network can run later, once per unique URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audit.readers.document import Document

_FOLLOWABLE = ("http://", "https://")


@dataclass
class Located:
    text: str
    start: int  # source offsets
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass
class CitedLink:
    href: str
    anchor: Located
    sentence: Located
    figures: list[Located] = field(default_factory=list)  # cited statistics in the sentence


def _locate(document: Document, start: int, end: int) -> Located:
    s, e = document.source_span(start, end)
    line, col = document.lines.position(s)
    end_line, end_col = document.lines.position(e)
    return Located(document.source[s:e], s, e, line, col, end_line, end_col)


def _absolute(href: str, page_url: str | None) -> str | None:
    """The http(s) URL a link leads to: as written, or resolved against the page it is on.

    A page's own links ("/research/trial-results") are written relative to it; they can break
    like any other, so on a live page they are checked too. In a local file there is no page
    address to resolve them against.
    """
    from urllib.parse import urljoin, urlsplit

    href = href.strip()
    if href.lower().startswith(_FOLLOWABLE):
        return href
    if not page_url or not href or href.startswith("#"):
        return None
    if urlsplit(href).scheme:  # mailto:, tel:, javascript: ...
        return None
    resolved = urljoin(page_url, href)
    return resolved if resolved.lower().startswith(_FOLLOWABLE) else None


def collect(document: Document, sentence_of) -> list[CitedLink]:
    """Links in audited blocks, each with its sentence and cited figures: absolute http(s)
    links, and on a live page its relative links too.

    `sentence_of(offset)` gives the (start, end) plain-text span of the sentence at offset.
    """
    from bisect import bisect_right

    block_starts = [b.start for b in document.blocks]
    out: list[CitedLink] = []
    for link in document.links:
        if link.kind == "marker":
            continue
        href = _absolute(link.href, document.url)
        if href is None:
            continue
        if link.end <= link.start:
            continue
        bi = bisect_right(block_starts, link.start) - 1
        if bi < 0 or not document.blocks[bi].audited:
            continue
        s_start, s_end = sentence_of(link.start)
        if s_end <= s_start:
            continue
        figures = [
            _locate(document, fs, fe)
            for fs, fe in document.cited_figures
            if s_start <= fs and fe <= s_end
        ]
        out.append(
            CitedLink(
                href,
                _locate(document, link.start, link.end),
                _locate(document, s_start, s_end),
                figures,
            )
        )
    return out
