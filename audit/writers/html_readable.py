"""The readable text of an HTML document, for the HTML report: what a reader of the page sees
(no tags, entities decoded), with the same highlights as the source view.

Findings carry source offsets; the document's source map (audit.readers.sourcemap) goes from
text to source. This module goes back: each finding's sentence and match become text ranges,
which audit.writers.html_report.split_source cuts into highlighted pieces as it does the source.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from audit.readers.sourcemap import SourceMap


class SourceToText:
    """Text offsets for source offsets, through a document's source map."""

    def __init__(self, smap: SourceMap) -> None:
        # Segments ordered by source position (HTML text follows the source, but a reader may
        # place a title or alt text out of order: sorting keeps the lookup correct anyway).
        order = sorted(range(len(smap.src)), key=lambda i: (smap.src[i], smap.doc[i]))
        self.src = [smap.src[i] for i in order]
        self.src_end = [smap.src[i] + smap.src_length[i] for i in order]
        self.doc = [smap.doc[i] for i in order]
        self.length = [smap.length[i] for i in order]
        self.exact = [smap.exact[i] for i in order]

    def start(self, s: int) -> int:
        """Text offset where a range starting at source offset s starts."""
        i = bisect_right(self.src, s) - 1
        if i >= 0 and s < self.src_end[i]:
            return self.doc[i] + (s - self.src[i] if self.exact[i] else 0)
        nxt = i + 1  # s is in markup: the range starts with the next text
        return self.doc[nxt] if nxt < len(self.doc) else self._end_of_text()

    def end(self, e: int) -> int:
        """Text offset where a range ending (exclusive) at source offset e ends."""
        i = bisect_right(self.src, e - 1) - 1
        if i < 0:
            return 0
        if e < self.src_end[i]:
            return self.doc[i] + (e - self.src[i] if self.exact[i] else self.length[i])
        return self.doc[i] + self.length[i]

    def _end_of_text(self) -> int:
        return max((d + n for d, n in zip(self.doc, self.length, strict=True)), default=0)


def text_ranges(
    smap: SourceMap, ranges: Iterable[tuple[int, int, int, int, int]]
) -> list[tuple[int, int, int, int, int]]:
    """(id, sentence start, sentence end, match start, match end) from source to text offsets."""
    back = SourceToText(smap)
    return [
        (n, back.start(ss), back.end(se), back.start(ms), back.end(me))
        for n, ss, se, ms, me in ranges
    ]
