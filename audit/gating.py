"""Which sentences each rule could match in, decided for all rules at once with numpy.

Running a spaCy Matcher costs a Python predicate call per token for every word set that did not
get a lexeme flag (there are 45 flag bits and several hundred word sets), so the cheapest match
is the one never attempted. A token pattern can only match where every one of its required word
specs ({LOWER: "to"}, {LOWER: {IN: [...]}}, not optional) finds a word, so a sentence is a
candidate for a rule only when, for at least one of the rule's patterns, it holds a word from
each of that pattern's required sets. This is a necessary condition, so gating on it never loses
a match inside a sentence; it only skips sentences where the Matcher would find nothing.

The test is vectorised: each vocabulary word gets a bitmask of the required sets it belongs to,
the masks of a sentence's words are OR-ed together (`np.bitwise_or.reduceat`), and a pattern
holds where the sentence mask covers the pattern's mask.
"""

from __future__ import annotations

import numpy as np

_WORD_ATTRS = ("LOWER", "ORTH", "TEXT")


def required_sets(pattern: list[dict]) -> list[frozenset[str]] | None:
    """The lower-cased word sets a match of `pattern` must each contain a word of.

    ORTH and TEXT constraints are lower-cased, which only widens them (a necessary condition
    stays necessary). None when the pattern has no required word spec at all: it may match
    anywhere.
    """
    out: list[frozenset[str]] = []
    for spec in pattern:
        op = str(spec.get("OP", ""))
        if op in ("?", "*", "!") or op.startswith(("{0", "{,")):
            continue
        for attr in _WORD_ATTRS:
            value = spec.get(attr)
            if isinstance(value, str):
                out.append(frozenset([value.lower()]))
            elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
                out.append(frozenset(str(w).lower() for w in value["IN"]))
    return out or None


class SentenceGate:
    """Per document: for each rule, the sentences where one of its patterns could match."""

    def __init__(self, strings, rules: list[tuple[str, list[list[dict]]]]) -> None:
        """`rules` is (key, patterns) in matcher order; `strings` is the vocab's StringStore."""
        set_index: dict[frozenset[str], int] = {}
        pattern_sets: list[list[int]] = []
        pattern_rule: list[int] = []
        self.ungated: set[int] = set()  # rules with a pattern that has no required word
        for ri, (_, patterns) in enumerate(rules):
            for pattern in patterns:
                sets = required_sets(pattern)
                if sets is None:
                    self.ungated.add(ri)
                    continue
                pattern_sets.append([set_index.setdefault(s, len(set_index)) for s in sets])
                pattern_rule.append(ri)
        self.n_rules = len(rules)
        n_words = max(1, (len(set_index) + 63) // 64)  # uint64 words per mask
        words: dict[int, np.ndarray] = {}
        for s, si in set_index.items():
            for w in s:
                h = strings.add(w)
                mask = words.setdefault(h, np.zeros(n_words, dtype=np.uint64))
                mask[si // 64] |= np.uint64(1) << np.uint64(si % 64)
        hashes = sorted(words)
        self.hashes = np.array(hashes, dtype=np.uint64)
        self.word_masks = (
            np.stack([words[h] for h in hashes]) if hashes else np.zeros((0, n_words), np.uint64)
        )
        self.pattern_masks = np.zeros((len(pattern_sets), n_words), dtype=np.uint64)
        for pi, sets in enumerate(pattern_sets):
            for si in sets:
                self.pattern_masks[pi, si // 64] |= np.uint64(1) << np.uint64(si % 64)
        order = np.argsort(np.array(pattern_rule, dtype=np.int64), kind="stable")
        self.pattern_masks = self.pattern_masks[order]
        rules_sorted = np.array(pattern_rule, dtype=np.int64)[order]
        # patterns of rule ri: pattern_masks[self.groups[ri]] (empty slice for ungated rules)
        self.groups = [
            slice(
                int(np.searchsorted(rules_sorted, ri)),
                int(np.searchsorted(rules_sorted, ri, "right")),
            )
            for ri in range(self.n_rules)
        ]
        self.n_words = n_words

    def sentence_masks(self, lower: np.ndarray, sent_of_token: np.ndarray) -> np.ndarray:
        """(sentences, mask words): which required sets each sentence holds a word of.

        `lower` holds the tokens' LOWER hashes (uint64); `sent_of_token` the sentence index of
        each token (non-decreasing). One extra all-zero row at the end simplifies run masks.
        """
        n_sents = int(sent_of_token[-1]) + 1 if len(sent_of_token) else 0
        dense = np.zeros((n_sents + 1, self.n_words), dtype=np.uint64)
        if not len(self.hashes) or not len(lower):
            return dense
        pos = np.searchsorted(self.hashes, lower)
        pos[pos >= len(self.hashes)] = 0
        known = np.flatnonzero(self.hashes[pos] == lower)
        if len(known):
            sents = sent_of_token[known]
            first = np.flatnonzero(np.r_[True, sents[1:] != sents[:-1]])
            dense[sents[first]] = np.bitwise_or.reduceat(self.word_masks[pos[known]], first, axis=0)
        return dense

    def candidates(self, dense: np.ndarray) -> list[np.ndarray]:
        """For each rule, the sorted ids of the sentences it may match in."""
        n_sents = len(dense) - 1
        rows = np.flatnonzero(dense[:-1].any(axis=1))
        covered = self._covered(dense[rows])
        out = []
        for ri in range(self.n_rules):
            if ri in self.ungated:
                out.append(np.arange(n_sents))
            else:
                out.append(rows[covered[:, self.groups[ri]].any(axis=1)])
        return out

    def runs_allowed(self, ri: int, dense: np.ndarray, runs: list[tuple[int, int]]) -> list[bool]:
        """For runs of consecutive sentences [first, end), whether rule ri may match in each.

        The run's words are pooled, so a match crossing a sentence boundary inside the run is
        not lost.
        """
        if ri in self.ungated:
            return [True] * len(runs)
        edges = np.array([i for run in runs for i in run], dtype=np.int64)
        masks = np.bitwise_or.reduceat(dense, edges, axis=0)[::2]
        return self._covered(masks)[:, self.groups[ri]].any(axis=1).tolist()

    def _covered(self, masks: np.ndarray) -> np.ndarray:
        """(rows, patterns): the row holds a word of every required set of the pattern."""
        pm = self.pattern_masks
        return ((masks[:, None, :] & pm[None, :, :]) == pm[None, :, :]).all(axis=2)
