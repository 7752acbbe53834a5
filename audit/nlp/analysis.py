"""A Doc's matches, sentence spans and counts as character offsets (audit.core.analysis)."""

from __future__ import annotations

from spacy.tokens import Doc

from audit.core.analysis import Analysis
from audit.nlp.counts import count_sentences, count_words, sentence_bounds


def analyse(doc: Doc, offset: int = 0) -> Analysis:
    """The analysis of a Doc made from the document's text starting at `offset`."""
    matches = []
    for key, s, e in doc.user_data.get("claims_matches", ()):
        last = doc[e - 1]
        matches.append((key, doc[s].idx + offset, last.idx + len(last.text) + offset))
    starts, ends = sentence_bounds(doc)
    if offset:
        starts = [s + offset for s in starts]
        ends = [e + offset for e in ends]
    return Analysis(matches, starts, ends, count_words(doc), count_sentences(doc))
