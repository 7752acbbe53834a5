"""What the spaCy pipeline found in a document, in character offsets of the document's text.

The checks need three things from spaCy: the matcher's hits, the sentence boundaries and the
word and sentence counts. Held as character offsets they no longer depend on one Doc, so a
large document can go through the pipeline in sections (cut between blocks, which sentences
never cross) and its analyses joined: peak memory then follows the section, not the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Analysis:
    matches: list[tuple[str, int, int]] = field(default_factory=list)  # key, start, end
    sent_starts: list[int] = field(default_factory=list)  # untrimmed sentence spans
    sent_ends: list[int] = field(default_factory=list)
    words: int = 0
    sentences: int = 0

    def extend(self, other: Analysis) -> None:
        """Append the analysis of the next section."""
        self.matches += other.matches
        self.sent_starts += other.sent_starts
        self.sent_ends += other.sent_ends
        self.words += other.words
        self.sentences += other.sentences


def sections(block_starts: list[int], length: int, limit: int) -> list[tuple[int, int]]:
    """Spans of at most about `limit` characters that start at block starts (a longer block
    is one section of its own)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for b in block_starts:
        if b - start >= limit and b > start:
            spans.append((start, b))
            start = b
    spans.append((start, length))
    return spans


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the whitespace at either end (sentence spans come untrimmed)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
