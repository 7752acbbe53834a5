"""Pipeline component: a sentence starts after every block separator (sentences never cross blocks)."""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.attrs import IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("claims_block_starts")
def block_starts(doc: Doc) -> Doc:
    """Start a sentence after every block separator, so sentences never cross blocks.

    Inside blocks the readers collapse whitespace to single spaces, so every newline in the
    text belongs to a separator token.
    """

    if len(doc) < 2:
        return doc
    # Arrays, not `doc[t].is_sent_start = True`: that setter checks the whole Doc for a parse
    # on every call, which made this component quadratic in a document's blocks. Nor doc.text,
    # which joins every token in Python: a newline always sits in a whitespace token of its own.
    arr = doc.to_array([IS_SPACE, SENT_START])
    spaces = np.flatnonzero(arr[:, 0])
    separators = np.array([i for i in spaces.tolist() if "\n" in doc[i].text], dtype=np.int64)
    if not len(separators):
        return doc
    starts = np.concatenate((separators[separators > 0], separators + 1))
    sent_start = arr[:, 1].copy()
    sent_start[starts[starts < len(doc)]] = 1
    values: Any = sent_start.reshape(-1, 1)  # spaCy's stub says Ints2d
    doc.from_array([SENT_START], values)
    return doc
