"""Pipeline component: the claim matcher, every rule's patterns run over a Doc.

The component is made empty by its factory and given the run's rule book by
`audit.nlp.pipeline.build_pipeline`: the rule book is built once, by the command, and the
matcher compiles exactly the rules the checks will look up.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

import numpy as np
from spacy.attrs import LIKE_NUM, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from audit.nlp.gating import SentenceGate, max_length, narrow
from audit.nlp.pattern_compiler import compile_patterns
from audit.rulebook.book import RuleBook


class _RuleMatcher:
    """One rule's patterns and its exceptions (sentence gating is in audit.nlp.gating).

    `matcher` holds all the patterns; `per_pattern` one Matcher per pattern, so that each runs
    only on the sentences its own required tokens allow.
    """

    def __init__(self, vocab, key: str, patterns, exceptions) -> None:
        self.key = key
        self.matcher = Matcher(vocab, validate=False)
        self.matcher.add(key, patterns)
        self.per_pattern = []
        for pattern in patterns:
            single = Matcher(vocab, validate=False)
            single.add(key, [pattern])
            self.per_pattern.append(single)
        self.exceptions: Matcher | None = None
        self.exception_reach: int | None = None  # longest exception match, if bounded
        if exceptions:
            self.exceptions = Matcher(vocab, validate=False)
            self.exceptions.add(key + "#except", exceptions)
            lengths = [max_length(p) for p in exceptions]
            if all(n is not None for n in lengths):
                self.exception_reach = max(n for n in lengths if n is not None)


class ClaimMatcher:
    """Runs every rule's compiled patterns over a Doc.

    Rules are data compiled once: word sets become lexeme flags (native bit tests) where bits
    allow, phrase lists go into one PhraseMatcher. Each rule's Matcher runs only on the
    sentences where one of its patterns could match (audit.nlp.gating decides for all rules at
    once with numpy), and its exceptions only on sentences where it hit. Matches land in
    doc.user_data["claims_matches"] as (key, start, end) tuples (exceptions: "ID#except").
    """

    def __init__(self) -> None:
        self.rulebook: RuleBook | None = None

    def load(self, nlp: Language, rulebook: RuleBook, select: set[str] | None = None) -> None:
        """Compile the rules of `rulebook` (only those in `select`, when given) for `nlp`.

        The pipeline is not kept: it holds this component, and a cycle would keep both alive
        until the cycle collector ran.
        """
        rules = [r for r in rulebook.rules if not select or r.id in select]
        keyed = {r.id: [list(p) for p in r.patterns] for r in rules if r.patterns}
        keyed.update(
            {
                r.id + "#except": [list(p) for p in r.exception_patterns]
                for r in rules
                if r.exception_patterns
            }
        )
        compiled = compile_patterns(nlp.vocab, keyed)
        self.rules: list[_RuleMatcher] = [
            _RuleMatcher(nlp.vocab, r.id, compiled[r.id], compiled.get(r.id + "#except"))
            for r in rules
            if r.patterns
        ]
        by_id = {r.id: r for r in rules}
        # One gate for patterns and exceptions: each pattern is a gate entry (in rule order),
        # then each rule's exception patterns, so a Doc's token classes are computed once.
        entries = [(rm.key, [list(p)]) for rm in self.rules for p in by_id[rm.key].patterns]
        self.n_patterns = len(entries)
        entries += [
            (rm.key, [list(p) for p in by_id[rm.key].exception_patterns]) for rm in self.rules
        ]
        self.gate = SentenceGate(nlp.vocab.strings, entries)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.phrase_exceptions: dict[str, _RuleMatcher] = {}
        for rule in rules:
            if rule.phrases:
                self.phrases.add(rule.id, [nlp.make_doc(p) for p in rule.phrases])
                if rule.exception_patterns and not rule.patterns:
                    self.phrase_exceptions[rule.id] = _RuleMatcher(
                        nlp.vocab, rule.id + "#unused", [[{"ORTH": "\u0000"}]],
                        compiled[rule.id + "#except"],
                    )  # fmt: skip
            if rule.exception_phrases:
                self.phrases.add(
                    rule.id + "#except", [nlp.make_doc(p) for p in rule.exception_phrases]
                )
        self.rulebook = rulebook

    def __call__(self, doc: Doc) -> Doc:
        if self.rulebook is None:
            raise RuntimeError(
                "claims_matcher has no rules: build the pipeline with build_pipeline"
            )
        matches = self._pattern_matches(doc) if len(doc) else []
        strings = doc.vocab.strings
        for k, s, e in self.phrases(doc):
            matches.append((strings[k], s, e))
        for rule_id, rm in self.phrase_exceptions.items():
            if rm.exceptions is not None and any(key == rule_id for key, _, _ in matches):
                matches += [(rule_id + "#except", s, e) for _, s, e in rm.exceptions(doc)]
        doc.user_data["claims_matches"] = matches
        return doc

    def _pattern_matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        """Token-pattern matches (and their exceptions), each rule run on its candidate sentences."""
        matches: list[tuple[str, int, int]] = []
        arr = doc.to_array([LOWER, SENT_START, ORTH, LIKE_NUM])
        lower = arr[:, 0].astype(np.uint64)
        starts = np.flatnonzero(arr[:, 1].astype(np.int64) == 1)
        if not len(starts) or starts[0] != 0:
            starts = np.concatenate(([0], starts))
        bounds = np.append(starts, len(doc)).tolist()
        orth, like_num = arr[:, 2].astype(np.uint64), arr[:, 3]
        tokens = self.gate.token_masks(lower, orth, like_num)
        dense = self.gate.sentence_masks(tokens, starts)
        candidates = self.gate.candidates(dense, self.n_patterns)
        cache: dict[Any, Any] = {}
        pi = -1  # gate entry: one per pattern, in rule order
        for ri, rm in enumerate(self.rules):
            found_set: set[tuple[int, int]] = set()
            for single in rm.per_pattern:
                pi += 1
                if not candidates[pi]:
                    continue
                spans = _sentence_runs(candidates[pi], bounds)
                for s, e in self.gate.windows(pi, tokens, spans, cache):
                    found_set.update((s + ms, s + me) for _, ms, me in single(doc[s:e]))
            if not found_set:
                continue
            found = sorted(found_set)  # one match per span, as one Matcher would give
            matches += [(rm.key, ms, me) for ms, me in found]
            if rm.exceptions is not None:
                matches += self._exceptions(doc, rm, found, bounds, dense, self.n_patterns + ri)
        return matches

    def _exceptions(
        self,
        doc: Doc,
        rm: _RuleMatcher,
        found: list[tuple[int, int]],
        bounds: list[int],
        dense: Any,
        entry: int,
    ) -> list[tuple[str, int, int]]:
        """A rule's exception matches, looked for only around its matches."""
        assert rm.exceptions is not None
        sents = sorted({bisect_right(bounds, ms) - 1 for ms, _ in found})
        runs = _runs(sents)
        allowed = self.gate.runs_allowed(entry, dense, runs)
        spans = [
            (bounds[first], bounds[end])
            for (first, end), ok in zip(runs, allowed, strict=True)
            if ok
        ]
        out: list[tuple[str, int, int]] = []
        # An exception only matters where it overlaps a match of its rule.
        for s, e in _around(found, spans, rm.exception_reach):
            out += [(rm.key + "#except", s + xs, s + xe) for _, xs, xe in rm.exceptions(doc[s:e])]
        return out


def _around(
    found: list[tuple[int, int]], spans: list[tuple[int, int]], reach: int | None
) -> list[tuple[int, int]]:
    """Parts of the token spans an exception of at most `reach` tokens overlapping one of the
    sorted matches in `found` could lie in (the whole spans when reach is unbounded)."""
    return spans if reach is None else narrow(spans, found, reach - 1)


def _runs(sentence_ids) -> list[tuple[int, int]]:
    """Consecutive sentence ids (a sorted list or array) grouped into [first, end) runs."""
    runs: list[tuple[int, int]] = []
    if not isinstance(sentence_ids, list):
        sentence_ids = sentence_ids.tolist()
    for si in sentence_ids:
        if runs and runs[-1][1] == si:
            runs[-1] = (runs[-1][0], si + 1)
        else:
            runs.append((si, si + 1))
    return runs


def _sentence_runs(sentence_ids, bounds) -> list[tuple[int, int]]:
    """Token spans covering the given sentences, consecutive sentences merged."""
    return [(bounds[first], bounds[end]) for first, end in _runs(sentence_ids)]


@Language.factory("claims_matcher")
def make_claim_matcher(nlp: Language, name: str) -> ClaimMatcher:
    """An empty matcher; build_pipeline hands it the run's rule book."""
    return ClaimMatcher()
