"""Counts and sentence spans read from a spaCy Doc's arrays (no Token objects, no doc.text)."""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, SENT_START
from spacy.tokens import Doc


def count_words(doc: Doc) -> int:
    """Tokens that are neither punctuation nor whitespace."""
    if not len(doc):
        return 0
    arr: Any = doc.to_array([IS_PUNCT, IS_SPACE])  # spaCy types it as floats
    return int(len(doc) - (arr[:, 0] | arr[:, 1]).astype(bool).sum())


def count_sentences(doc: Doc) -> int:
    """Sentences that hold more than whitespace (block separators are their own tokens)."""
    if not len(doc):
        return 0
    arr = doc.to_array([SENT_START, IS_SPACE])
    first = arr[:, 0] == 1
    first[0] = True
    return int((first & (arr[:, 1] == 0)).sum())


def sentence_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Character spans of the sentences (from arrays, not Span objects); not yet trimmed."""
    if not len(doc):
        return [], []
    arr = doc.to_array([SENT_START, IDX])
    first = arr[:, 0].astype(np.int64) == 1
    first[0] = True
    starts = arr[np.flatnonzero(first), 1].astype(np.int64).tolist()
    last = doc[-1]  # doc.text would join every token's text in Python
    return starts, starts[1:] + [last.idx + len(last.text_with_ws)]
