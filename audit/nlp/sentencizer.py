"""Pipeline component: rule-based sentences (spaCy's Sentencizer rules), computed on arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.attrs import IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("claims_sentencizer")
def make_sentencizer(nlp: Language, name: str):
    return RuleSentencizer(nlp.vocab)


class RuleSentencizer:
    """spaCy's rule-based Sentencizer (default punctuation), computed on arrays.

    The built-in one makes a Token object per token in Python; this gives the same boundaries
    from ORTH and IS_PUNCT arrays. Like it, it only fills tokens no earlier component decided.
    A sentence starts at a token that is neither punctuation nor a sentence-final character
    when a sentence-final character stands between it and the previous such token.
    """

    def __init__(self, vocab) -> None:
        from spacy.pipeline import Sentencizer

        self.punct = np.array(
            sorted(vocab.strings.add(c) for c in Sentencizer.default_punct_chars), dtype=np.uint64
        )

    def __call__(self, doc: Doc) -> Doc:

        if not len(doc):
            return doc
        arr = doc.to_array([ORTH, IS_PUNCT, SENT_START])
        orth = arr[:, 0].astype(np.uint64)
        pos = np.searchsorted(self.punct, orth)
        pos[pos == len(self.punct)] = 0
        final = self.punct[pos] == orth
        words = np.flatnonzero(~(final | (arr[:, 1] == 1)))
        seen = np.cumsum(final)
        guess = np.zeros(len(doc), dtype=bool)
        guess[0] = True
        if len(words):
            before = np.concatenate(([0], seen[words[:-1]]))
            guess[words[seen[words] > before]] = True
        sent_start = arr[:, 2].astype(np.int64)
        unset = sent_start == 0
        sent_start[unset] = np.where(guess[unset], 1, -1)
        values: Any = sent_start.astype(np.uint64).reshape(-1, 1)  # spaCy's stub says Ints2d
        doc.from_array([SENT_START], values)
        return doc
