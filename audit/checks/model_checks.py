"""Findings of the trained sentence model, for sentences the rules left alone in a category.

A rule hit keeps its rule id and explanation; the model only speaks where no rule of the same
category flagged the sentence, and, for the categories of DOUBT_BELOW, says when it finds a
rule hit very unlikely (the hit is lowered to info, with the score in its message). Its findings go through the same context handling as the rules
(a citation, a hedge, a negation, a question), with the words that weighed most as the match,
so they read and behave like any other finding.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audit.readers.document import Document
    from audit.rulebook.book import Rule

# The categories that already answer for a model label: a sentence a rule flagged as an
# absolute or disease claim is an efficacy claim too (labelling guide).
COVERED_BY = {
    "efficacy-claim": ("efficacy-claim", "absolute-claim", "disease-claim"),
}
# The info band starts at this share of the warning threshold (or the model's own info
# threshold, when that is higher): lower scores found too few claims among too many sentences.
INFO_SHARE = 0.6
# A rule hit in these categories on a sentence the model scores below this is lowered to info
# ("model-doubt"): the rules' false alarms (a price cut in half, a trial's allocation odds, a
# recipe step) score near zero. Chosen on nine training writers scored by a model that had not
# seen them (the 13-writer model on the round-4 writers, 9,383 sentences): statistic
# precision 0.755 -> 0.817 for recall 0.907 -> 0.893, attribution 0.859 -> 0.896 for
# 0.746 -> 0.740, efficacy 0.802 -> 0.828 for 0.721 -> 0.717.
DOUBT_BELOW = {"unsourced-statistic": 0.10, "vague-attribution": 0.05, "efficacy-claim": 0.05}
_HAS_LETTER = re.compile(r"[^\W\d_]")


def sentences_to_score(document: Document, spans: list[tuple[int, int]]) -> list[int]:
    """Indexes of the trimmed sentence spans the model looks at: audited, with letters."""
    starts = [b.start for b in document.blocks]
    keep = []
    for si, (s, e) in enumerate(spans):
        if s >= e or not _HAS_LETTER.search(document.text, s, e):
            continue
        bi = bisect_right(starts, s) - 1
        if bi >= 0 and document.blocks[bi].audited:
            keep.append(si)
    return keep


def candidates(
    document: Document, spans: list[tuple[int, int]], rules: list[Rule], taken
) -> tuple[list[tuple], dict[tuple[int, str], float]]:
    """(sentence index, rule, score, is warning, match start, match end, words) per model hit,
    and the scores of (sentence index, category) pairs the model doubts (DOUBT_BELOW).

    `taken(si, category)` says whether a rule already flagged sentence `si` in a category.
    """
    from audit.checks.sentence_model import load_default

    model = load_default()
    indexes = sentences_to_score(document, spans)
    if not indexes:
        return [], {}
    starts = [b.start for b in document.blocks]
    texts = [document.text[spans[si][0] : spans[si][1]] for si in indexes]
    kinds = [document.blocks[bisect_right(starts, spans[si][0]) - 1].kind for si in indexes]
    scores = model.scores(texts, kinds)
    doubted = {}
    for label, below in DOUBT_BELOW.items():
        if label in model.labels:
            j = model.labels.index(label)
            for row, si in enumerate(indexes):
                if scores[row, j] < below and taken(si, label):
                    doubted[(si, label)] = float(scores[row, j])
    hits: list[tuple[int, int, Rule, float, bool]] = []  # row, sentence, rule, score, warning
    for rule in rules:
        assert rule.model is not None  # the caller passes the model's rules
        j = model.labels.index(rule.model)
        warning = float(model.warning[j])
        floor = max(float(model.info[j]), INFO_SHARE * warning)
        covered = COVERED_BY.get(rule.category, (rule.category,))
        for row, si in enumerate(indexes):
            score = float(scores[row, j])
            if score >= floor and not any(taken(si, c) for c in covered):
                hits.append((row, si, rule, score, score >= warning))
    explained = model.top_words(
        [texts[row] for row, *_ in hits],
        [kinds[row] for row, *_ in hits],
        [rule.model or "" for _, _, rule, _, _ in hits],
    )
    out = []
    for (row, si, rule, score, warning), words in zip(hits, explained, strict=True):
        start, end = _locate(texts[row], words)
        base = spans[si][0]
        out.append((si, rule, score, warning, base + start, base + end, words))
    return out, doubted


def _locate(text: str, words: list[str]) -> tuple[int, int]:
    """Where the weightiest word (or word pair) sits in the sentence; the whole sentence if the
    words came from character n-grams spread over it."""
    for w in words:
        parts = [re.escape(p) for p in w.split()]
        m = re.search(r"(?<!\w)" + r"\W+".join(parts) + r"(?!\w)", text, re.IGNORECASE)
        if m:
            return m.start(), m.end()
    return 0, len(text)
