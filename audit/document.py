"""A document as the auditor sees it: source text, plain text, and the map between them."""

from __future__ import annotations

from dataclasses import dataclass, field

from audit.sourcemap import Block, Comment, LineIndex, Link, SourceMap


@dataclass
class Document:
    path: str
    format: str  # "markdown" | "html" | "text"
    source: str
    text: str
    map: SourceMap
    blocks: list[Block]
    links: list[Link]
    comments: list[Comment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    url: str | None = None  # the page address, for documents fetched from the web
    cited_figures: list[tuple[int, int]] = field(default_factory=list)  # cited statistics
    _lines: LineIndex | None = None

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.source)
        return self._lines

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.map.span(start, end)
