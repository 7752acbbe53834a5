"""Pipeline component: a reference marker after a sentence's last word stays in that sentence."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

_SENTENCE_END = {".", "!", "?", "\u2026", "[", "(", "\u201d", '"', "'", "\u2019"}
_MARKER_TOKEN = re.compile(r"^(?:\d{1,3}|[\[\]()\u00b9\u00b2\u00b3\u2070-\u2079,\u2013-]+)$")


@Language.component("claims_marker_sentences")
def marker_sentences(doc: Doc) -> Doc:
    """Keep a reference marker glued to the end of a sentence ("...in 2019.[1] Next") in it.

    Sentence splitters start the next sentence at the marker; the marker cites the sentence
    before it, so the boundary moves past the marker.
    """

    if len(doc) < 2:
        return doc
    sent_start = doc.to_array([SENT_START]).astype(np.int64).reshape(-1)
    moves = []
    for i in np.flatnonzero(sent_start[1:] == 1).tolist():
        i += 1
        prev = doc[i - 1]
        if (
            prev.whitespace_
            or prev.is_space
            or prev.text not in _SENTENCE_END
            or not _MARKER_TOKEN.match(doc[i].text)
        ):
            continue
        end = i + 1
        while end < len(doc) and sent_start[end] != 1:
            end += 1
        j = i
        while j < end and _MARKER_TOKEN.match(doc[j].text) and not doc[j].whitespace_:
            j += 1
        if j < end and j - i <= 6 and _MARKER_TOKEN.match(doc[j].text):
            j += 1  # the last marker token carries the space
        if i < j < end:
            moves.append((i, j))
    if moves:
        for i, j in moves:
            sent_start[i] = -1
            sent_start[j] = 1
        values: Any = sent_start.astype(np.uint64).reshape(-1, 1)  # spaCy's stub says Ints2d
        doc.from_array([SENT_START], values)
    return doc
