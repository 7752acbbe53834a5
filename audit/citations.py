"""The citations a document relies on, located in the source, for link checks and figures.

Collected while the document is still in memory (the plain text and source map are dropped
after the audit), so checks that need the network can run later, once per unique URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audit.document import Document

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


def collect(document: Document, sentence_of) -> list[CitedLink]:
    """Absolute http(s) links in audited blocks, each with its sentence and cited figures.

    `sentence_of(offset)` gives the (start, end) plain-text span of the sentence at offset.
    """
    from bisect import bisect_right

    block_starts = [b.start for b in document.blocks]
    out: list[CitedLink] = []
    for link in document.links:
        if link.kind == "marker" or not link.href.lower().startswith(_FOLLOWABLE):
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
                link.href,
                _locate(document, link.start, link.end),
                _locate(document, s_start, s_end),
                figures,
            )
        )
    return out
