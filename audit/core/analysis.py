"""What the spaCy pipeline found in a document, in character offsets of the document's text.

The checks need three things from spaCy: the matcher's hits, the sentence boundaries and the
word and sentence counts. Held as character offsets they no longer depend on one Doc, so a
large document can go through the pipeline in sections (cut between blocks, which sentences
never cross) and its analyses joined: peak memory then follows the section, not the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass
class Analysis:
    matches: list[tuple[str, int, int]] = field(default_factory=list)  # key, start, end
    sent_starts: list[int] = field(default_factory=list)  # untrimmed sentence spans
    sent_ends: list[int] = field(default_factory=list)
    words: int = 0
    sentences: int = 0

    @classmethod
    def from_doc(cls, doc: Doc, offset: int = 0) -> Analysis:
        """The analysis of a Doc made from the document's text starting at `offset`."""
        from audit.nlp.counts import count_sentences, count_words, sentence_bounds

        matches = []
        for key, s, e in doc.user_data.get("claims_matches", ()):
            last = doc[e - 1]
            matches.append((key, doc[s].idx + offset, last.idx + len(last.text) + offset))
        starts, ends = sentence_bounds(doc)
        if offset:
            starts = [s + offset for s in starts]
            ends = [e + offset for e in ends]
        return cls(matches, starts, ends, count_words(doc), count_sentences(doc))

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
