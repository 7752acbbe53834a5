"""A document as the auditor sees it: source text, plain text, and the map between them."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from audit.readers.sourcemap import Block, Comment, LineIndex, Link, SourceMap


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
    sites: list[str] = field(default_factory=list)  # addresses the document gives for itself
    cited_figures: list[tuple[int, int]] = field(default_factory=list)  # cited statistics
    _lines: LineIndex | None = None
    _link_index: tuple[list[int], int] | None = None  # link starts, longest link

    def links_starting(self, lo: int, hi: int) -> list[Link]:
        """Links whose start lies in [lo, hi], in order: a bisect, not a scan of every link."""
        starts, _ = self._links_indexed()
        return self.links[bisect_left(starts, lo) : bisect_right(starts, hi)]

    def links_near(self, lo: int, hi: int) -> list[Link]:
        """In order, every link that overlaps or touches [lo, hi], and maybe a few more."""
        starts, longest = self._links_indexed()
        return self.links[bisect_left(starts, lo - longest) : bisect_right(starts, hi)]

    def _links_indexed(self) -> tuple[list[int], int]:
        index = self._link_index
        if index is None or len(index[0]) != len(self.links):
            starts = [lk.start for lk in self.links]
            longest = max((lk.end - lk.start for lk in self.links), default=0)
            index = self._link_index = (starts, longest)
        return index

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.source)
        return self._lines

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.map.span(start, end)
