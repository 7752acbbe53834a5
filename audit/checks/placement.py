"""Where a rule's match sits: inside a link or a bare URL, in quoted words, near words of a
lexicon. Small position tests the claim checks (audit.checks.claims) ask of every hit."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import islice
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audit.checks.context import Cues
    from audit.readers.document import Document


def inside(
    spans: list[tuple[int, int]], starts: list[int], start: int, end: int, slack: int = 0
) -> bool:
    """Is [start, end) inside one of the sorted spans? (bisect: no scan over every link)"""
    i = bisect_right(starts, start) - 1
    while i >= 0 and starts[i] <= start:
        s, e = spans[i]
        if end <= e + slack:
            return True
        i -= 1
        if start - starts[i + 1] > 10_000:
            break
    return False


def quoted(document: Document, block, start: int) -> bool:
    """Is offset `start` in quoted words: a blockquote, or inside quotation marks in its block?

    Curly and angle quotes open and close unambiguously; straight double quotes alternate.
    Single quotes are left out: ’ is mostly an apostrophe. Only the last 2,000 characters of
    the block count, so a huge one-block file stays linear.
    """
    if block.kind == "blockquote":
        return True
    before = document.text[max(block.start, start - 2000) : start]
    opened = before.count("\u201c") + before.count("\u00ab")
    closed = before.count("\u201d") + before.count("\u00bb")
    return opened > closed or before.count('"') % 2 == 1


_WORD = re.compile(r"[\w'\u2019-]+")


def near(
    document: Document, near: dict, cues: Cues, s_start: int, s_end: int, start: int, end: int
) -> bool:
    words = cues.lexicon_sets.get(near["lexicon"], frozenset())
    window = near["window"]
    text = document.text
    side = near["side"]
    found: list[str] = []
    reach = 40 * window  # characters: bounds the work on a pathological one-line "sentence"
    if side in ("after", "either"):
        after = _WORD.finditer(text, end, min(s_end, end + reach))
        found += [m.group().lower() for m in islice(after, window)]
    if side in ("before", "either"):
        before = _WORD.finditer(text, max(s_start, start - reach), start)
        found += [m.group().lower() for m in before][-window:]
    found += [m.group().lower() for m in _WORD.finditer(text, start, end)]
    if any(w in words for w in found):
        return True
    # Multi-word lexicon entries ("blood pressure") are checked on the joined window.
    phrases = cues.lexicon_phrases.get(near["lexicon"], ())
    if not phrases:
        return False
    joined = " ".join(found)
    return any(p in joined for p in phrases)
