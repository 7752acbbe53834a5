"""Which sentences each rule could match in, decided for all rules at once with numpy.

Running a spaCy Matcher costs a Python predicate call per token for every word set that did not
get a lexeme flag (there are 45 flag bits and several hundred word sets), so the cheapest match
is the one never attempted. A token pattern can only match where each of its required token
specs (not optional) finds a token, so a sentence is a candidate for a rule only when, for at
least one of the rule's patterns, it holds a token of each required class: a word of a word set
({LOWER: "to"}, {LOWER: {IN: [...]}}), a token matching a REGEX, a LIKE_NUM token. This is a
necessary condition, so gating on it never loses a match inside a sentence; it only skips
sentences where the Matcher would find nothing.

The test is vectorised: each token gets a bitmask of the classes it belongs to (words through a
sorted hash table, regexes once per distinct token text, cached), the masks of a sentence's
tokens are OR-ed together (`np.bitwise_or.reduceat`), and a pattern holds where the sentence
mask covers the pattern's mask.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

import numpy as np

from audit.rulebook.safe_regex import compile_regex

_WORD_ATTRS = ("LOWER", "ORTH", "TEXT")
_REGEX_ATTRS = {"TEXT": "text", "ORTH": "text", "LOWER": "lower"}

# Function words: a class holding one is a poor window anchor (it occurs in most sentences).
_COMMON_WORDS = frozenset(
    [
        "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "and", "or",
        "but", "not", "no", "is", "are", "was", "were", "be", "been", "has", "have", "had", "do",
        "does", "did", "it", "its", "this", "that", "these", "those", "as", "than", "then", "so",
        "if", "can", "may", "will", "would", "could", "should", "our", "your", "their", "his", "her",
        "we", "you", "they", "he", "she", "i", "me", "my", "us", "them", "more", "most", "less",
        "all", "some", "any", "one", "two", "new", "out", "up", "down", "over", "into", "about",
        "after", "before",
    ]
)  # fmt: skip

_REGEX_CACHE_SIZE = 200_000  # token texts whose regex classes are remembered

# A class a token can belong to: ("words", frozenset of lower-cased words),
# ("regex", "text" | "lower", pattern) or ("like_num",).
TokenClass = tuple


def required_classes(pattern: list[dict]) -> list[TokenClass] | None:
    """The token classes a match of `pattern` must each contain a token of.

    ORTH and TEXT word constraints are lower-cased, which only widens them (a necessary
    condition stays necessary). None when no spec gives a class: the pattern may match
    anywhere.
    """
    out: list[TokenClass] = []
    for spec in pattern:
        op = str(spec.get("OP", ""))
        if op in ("?", "*", "!") or op.startswith(("{0", "{,")):
            continue
        for attr in _WORD_ATTRS:
            value = spec.get(attr)
            if isinstance(value, str):
                out.append(("words", frozenset([value.lower()])))
            elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
                out.append(("words", frozenset(str(w).lower() for w in value["IN"])))
            elif isinstance(value, dict) and set(value) == {"REGEX"}:
                out.append(("regex", _REGEX_ATTRS[attr], str(value["REGEX"])))
        if spec.get("LIKE_NUM") is True:
            out.append(("like_num",))
    return out or None


def max_length(pattern: list[dict]) -> int | None:
    """The most tokens a match of `pattern` can span (None: unbounded, "*", "+" or "{n,}")."""
    total = 0
    for spec in pattern:
        op = str(spec.get("OP", "")).replace(" ", "")
        if op in ("*", "+") or (op.startswith("{") and op.endswith(",}")):
            return None
        if op.startswith("{") and op.endswith("}"):
            total += int(op[1:-1].split(",")[-1])
        else:
            total += 1  # one token, "?" and "!" included (an overestimate stays safe)
    return total


def narrow(
    spans: list[tuple[int, int]], anchors: list[tuple[int, int]], reach: int
) -> list[tuple[int, int]]:
    """The parts of `spans` within `reach` tokens of an anchor that starts inside them.

    `anchors` are sorted (start, end) token spans; overlapping windows are merged, so each
    token is walked once.
    """
    out: list[tuple[int, int]] = []
    for s, e in spans:
        for a_start, a_end in anchors[bisect_left(anchors, (s,)) : bisect_left(anchors, (e,))]:
            lo, hi = max(s, a_start - reach), min(e, a_end + reach)
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], hi))
            else:
                out.append((lo, hi))
    return out


def required_sets(pattern: list[dict]) -> list[frozenset[str]] | None:
    """The word sets among the required classes (kept for readability in tests)."""
    classes = required_classes(pattern) or []
    sets = [c[1] for c in classes if c[0] == "words"]
    return sets or None


class SentenceGate:
    """Per document: for each rule, the sentences where one of its patterns could match."""

    def __init__(self, strings: Any, rules: list[tuple[str, list[list[dict[str, Any]]]]]) -> None:
        """`rules` is (key, patterns) in matcher order; `strings` is the vocab's StringStore."""
        self.strings = strings
        self.ungated: set[int] = set()  # rules with a pattern that has no required class
        # For single-pattern entries of bounded length: (class ids, longest match in tokens).
        self.reach: dict[int, tuple[list[int], int]] = {}
        index, pattern_classes, pattern_rule = self._classes(rules)
        self.n_rules = len(rules)
        self.n_words = max(1, (len(index) + 63) // 64)  # uint64 words per mask
        self._class_tables(index, strings)
        self._pattern_tables(pattern_classes, pattern_rule)

    def _classes(
        self, rules: list[tuple[str, list[list[dict[str, Any]]]]]
    ) -> tuple[dict[TokenClass, int], list[list[int]], list[int]]:
        """Every required class, numbered; each pattern's class ids, and its rule."""
        index: dict[TokenClass, int] = {}
        pattern_classes: list[list[int]] = []
        pattern_rule: list[int] = []
        for ri, (_, patterns) in enumerate(rules):
            for pattern in patterns:
                classes = required_classes(pattern)
                if classes is None:
                    self.ungated.add(ri)
                    continue
                pattern_classes.append([index.setdefault(c, len(index)) for c in classes])
                longest = max_length(pattern)
                if len(patterns) == 1 and longest is not None:
                    self.reach[ri] = (pattern_classes[-1], longest)
                pattern_rule.append(ri)
        return index, pattern_classes, pattern_rule

    def _bit(self, ci: int) -> np.ndarray:
        mask = np.zeros(self.n_words, dtype=np.uint64)
        mask[ci // 64] = np.uint64(1) << np.uint64(ci % 64)
        return mask

    def _class_tables(self, index: dict[TokenClass, int], strings: Any) -> None:
        """Word hashes -> class masks (sorted, for searchsorted), number and regex classes."""
        n_words = self.n_words
        words: dict[int, np.ndarray] = {}
        self.like_num = np.zeros(n_words, dtype=np.uint64)
        self.regexes: list[tuple[str, Any, np.ndarray]] = []  # RE2 patterns
        # How common a class's tokens are, roughly: the anchor of a window is the rarest class.
        self.rarity = [0] * len(index)
        for c, ci in index.items():
            if c[0] == "words":
                common = len(c[1] & _COMMON_WORDS)
                self.rarity[ci] = (1000 * common if common else 0) + len(c[1])
            else:
                self.rarity[ci] = 500 if c[0] == "regex" else 2000
        for c, ci in index.items():
            if c[0] == "words":
                for w in c[1]:
                    h = strings.add(w)
                    words[h] = words.get(h, np.zeros(n_words, dtype=np.uint64)) | self._bit(ci)
            elif c[0] == "like_num":
                self.like_num |= self._bit(ci)
            else:
                self.regexes.append((c[1], compile_regex(c[2]), self._bit(ci)))
        self._regex_known = np.zeros(0, dtype=np.uint64)
        self._regex_rows = np.zeros((0, n_words), dtype=np.uint64)
        hashes = sorted(words)
        self.hashes = np.array(hashes, dtype=np.uint64)
        self.word_masks = (
            np.stack([words[h] for h in hashes]) if hashes else np.zeros((0, n_words), np.uint64)
        )

    def _pattern_tables(self, pattern_classes: list[list[int]], pattern_rule: list[int]) -> None:
        """Each pattern's mask, grouped by rule."""
        self.pattern_masks = np.zeros((len(pattern_classes), self.n_words), dtype=np.uint64)
        for pi, classes in enumerate(pattern_classes):
            for ci in classes:
                self.pattern_masks[pi] |= self._bit(ci)
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

    def token_masks(self, lower: np.ndarray, orth: np.ndarray, like_num: np.ndarray) -> np.ndarray:
        """(tokens, mask words): the required classes each token belongs to.

        Arrays are per token: LOWER and ORTH hashes (uint64), LIKE_NUM (0/1).
        """
        tokens = np.zeros((len(lower), self.n_words), dtype=np.uint64)
        if len(self.hashes) and len(lower):
            pos = np.searchsorted(self.hashes, lower)
            pos[pos >= len(self.hashes)] = 0
            known = np.flatnonzero(self.hashes[pos] == lower)
            tokens[known] = self.word_masks[pos[known]]
        if self.like_num.any():
            tokens[like_num.astype(bool)] |= self.like_num
        if self.regexes and len(orth):
            unique, inverse = np.unique(orth, return_inverse=True)
            tokens |= self._regex_masks(unique)[inverse.ravel()]
        return tokens

    def sentence_masks(self, tokens: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """(sentences + 1, mask words): which required classes each sentence holds a token of.

        `starts` holds the sentence start tokens (increasing, starting at 0). The extra
        all-zero last row simplifies run masks.
        """
        dense = np.zeros((len(starts) + 1, self.n_words), dtype=np.uint64)
        if len(tokens):
            dense[:-1] = np.bitwise_or.reduceat(tokens, starts, axis=0)
        return dense

    def windows(
        self, ri: int, tokens: np.ndarray, spans: list[tuple[int, int]], cache: dict
    ) -> list[tuple[int, int]]:
        """Narrow token spans to the windows a match of entry ri could lie in.

        A match holds a token of every required class, so it lies within `longest - 1` tokens
        of a token of its rarest class (ranked once: function words last). The Matcher then
        walks a few tokens around each such anchor instead of whole sentences: the same
        matches, fewer tokens. `cache` is per document (anchor positions per class).
        """
        reach = self.reach.get(ri)
        if reach is None or not spans:
            return spans
        classes, longest = reach
        anchor = min(classes, key=self.rarity.__getitem__)
        where = cache.get(anchor)
        if where is None:
            column = tokens[:, anchor // 64] & (np.uint64(1) << np.uint64(anchor % 64))
            where = cache[anchor] = [(p, p + 1) for p in np.flatnonzero(column).tolist()]
        return narrow(spans, where, longest - 1)

    def _regex_masks(self, unique: np.ndarray) -> np.ndarray:
        """The regex classes of each token text (sorted unique ORTH hashes), cached across Docs.

        The cache is a sorted hash array with a mask row per text, so a Doc's lookups are one
        searchsorted; only texts never seen before run the regexes.
        """
        known = self._regex_known
        pos = np.searchsorted(known, unique)
        pos[pos >= len(known)] = 0
        seen = known[pos] == unique if len(known) else np.zeros(len(unique), dtype=bool)
        if not seen.all():
            new = unique[~seen]
            rows = np.zeros((len(new), self.n_words), dtype=np.uint64)
            for i, h in enumerate(new.tolist()):
                text = self.strings[h]
                for kind, rx, b in self.regexes:
                    if rx.search(text.lower() if kind == "lower" else text):
                        rows[i] |= b
            if len(known) > _REGEX_CACHE_SIZE:  # a long run meets ever more texts: start over
                known, self._regex_rows = known[:0], self._regex_rows[:0]
            merged = np.concatenate((known, new))
            order = np.argsort(merged, kind="stable")
            self._regex_known = known = merged[order]
            self._regex_rows = np.concatenate((self._regex_rows, rows))[order]
            pos = np.searchsorted(known, unique)
        return self._regex_rows[pos]

    def candidates(self, dense: np.ndarray, n_rules: int | None = None) -> list[list[int]]:
        """For each of the first `n_rules` rules (default all), the sentences it may match in.

        Sentence ids come back as sorted Python lists: the caller walks them in Python, and
        most rules have none in a given document.
        """
        n_rules = self.n_rules if n_rules is None else n_rules
        n_sents = len(dense) - 1
        rows = np.flatnonzero(dense[:-1].any(axis=1))
        end = self.groups[n_rules - 1].stop if n_rules else 0
        covered = self._covered(dense[rows], slice(0, end))
        # Sentences per pattern in one pass: nonzero() of the transpose is sorted by pattern.
        pattern_of, row_of = np.nonzero(covered.T)
        cuts = np.searchsorted(pattern_of, np.arange(end + 1)).tolist()
        sentences = rows[row_of].tolist()
        out: list[list[int]] = []
        for ri in range(n_rules):
            group = self.groups[ri]
            if ri in self.ungated:
                out.append(list(range(n_sents)))
            elif group.stop - group.start == 1:
                out.append(sentences[cuts[group.start] : cuts[group.stop]])
            elif group.stop == group.start:
                out.append([])
            else:
                merged = {i for p in range(group.start, group.stop)
                          for i in sentences[cuts[p] : cuts[p + 1]]}  # fmt: skip
                out.append(sorted(merged))
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
        covered: Any = self._covered(masks, self.groups[ri]).any(axis=1)
        return covered.tolist()

    def _covered(self, masks: np.ndarray, patterns: slice) -> np.ndarray:
        """(rows, patterns): the row holds a token of every required class of the pattern."""
        pm = self.pattern_masks[patterns]
        return ((masks[:, None, :] & pm[None, :, :]) == pm[None, :, :]).all(axis=2)
