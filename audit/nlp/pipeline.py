"""The spaCy pipeline, built once per run: tokenizer, block-aware sentences, the claim matcher.

The default is `spacy.blank("en")`: nothing to download, nothing but PyPI packages. A trained
pipeline can be named with --model; its parser or senter then splits sentences instead of the
rule-based sentencizer, always inside the blocks the reader found.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from audit.core.errors import UsageError
from audit.nlp.gating import SentenceGate, max_length, narrow
from audit.rulebook.book import RuleBook

# Abbreviations that end in a period but do not end a sentence in health writing.
_ABBREVIATIONS = (
    "al.", "approx.", "fig.", "Fig.", "no.", "No.", "vol.", "Vol.", "pp.", "p.", "ed.", "eds.",
    "vs.", "cf.", "ca.", "est.", "Prof.", "Sr.", "Jr.", "St.", "Ave.", "Rd.", "Blvd.", "Ste.",
)  # fmt: skip


class BoundedTokenizer:
    """spaCy's tokenizer, linear in the length of any run of characters without whitespace.

    spaCy strips prefixes and suffixes one at a time, copying the rest of the run each time,
    so a run of punctuation is quadratic: 16 KB of "%" took 49 s, 100 KB of "[" minutes. A run
    of more than MAX_RUN characters is never prose (URLs and long words are shorter), so it is
    cut into tokens of PIECE characters as it stands, without affix rules. Pieces are odd
    fragments, which no rule matches, so nothing is found inside such a run. Text with no
    long run goes to spaCy's tokenizer untouched, and doc.text is always the input text.
    """

    MAX_RUN = 256  # below this, spaCy's cost per character is about that of ordinary prose
    PIECE = 64
    _LONG_RUN = re.compile(rf"(?<!\S)\S{{{MAX_RUN + 1},}}")

    def __init__(self, base) -> None:
        self.base = base
        self.vocab = base.vocab

    def __call__(self, text: str) -> Doc:
        if self._LONG_RUN.search(text) is None:
            return self.base(text)
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for m in self._LONG_RUN.finditer(text):
            if m.start() > pos:
                self._add(self.base(text[pos : m.start()]), words, spaces)
            run = m.group()
            for i in range(0, len(run), self.PIECE):
                words.append(run[i : i + self.PIECE])
                spaces.append(False)
            pos = m.end()
            if text.startswith(" ", pos):
                spaces[-1] = True
                pos += 1
        if pos < len(text):
            self._add(self.base(text[pos:]), words, spaces)
        return Doc(self.vocab, words=words, spaces=spaces)

    @staticmethod
    def _add(doc: Doc, words: list[str], spaces: list[bool]) -> None:
        words.extend(t.text for t in doc)
        spaces.extend(bool(t.whitespace_) for t in doc)

    def __getattr__(self, name: str):  # add_special_case, explain, rules ...: spaCy's own
        return getattr(self.base, name)


@Language.component("claims_block_starts")
def block_starts(doc: Doc) -> Doc:
    """Start a sentence after every block separator, so sentences never cross blocks.

    Inside blocks the readers collapse whitespace to single spaces, so every newline in the
    text belongs to a separator token.
    """
    import numpy as np
    from spacy.attrs import IS_SPACE, SENT_START

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
    doc.from_array([SENT_START], sent_start.reshape(-1, 1))
    return doc


_SENTENCE_END = {".", "!", "?", "\u2026", "[", "(", "\u201d", '"', "'", "\u2019"}
_MARKER_TOKEN = re.compile(r"^(?:\d{1,3}|[\[\]()\u00b9\u00b2\u00b3\u2070-\u2079,\u2013-]+)$")


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
        import numpy as np
        from spacy.pipeline import Sentencizer

        self.punct = np.array(
            sorted(vocab.strings.add(c) for c in Sentencizer.default_punct_chars), dtype=np.uint64
        )

    def __call__(self, doc: Doc) -> Doc:
        import numpy as np
        from spacy.attrs import IS_PUNCT, ORTH, SENT_START

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
        doc.from_array([SENT_START], sent_start.astype(np.uint64).reshape(-1, 1))
        return doc


@Language.component("claims_marker_sentences")
def marker_sentences(doc: Doc) -> Doc:
    """Keep a reference marker glued to the end of a sentence ("...in 2019.[1] Next") in it.

    Sentence splitters start the next sentence at the marker; the marker cites the sentence
    before it, so the boundary moves past the marker.
    """
    import numpy as np
    from spacy.attrs import SENT_START

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
        doc.from_array([SENT_START], sent_start.astype(np.uint64).reshape(-1, 1))
    return doc


class _Membership:
    """Lexeme flag getter: is this word (lower-cased) in the set? Picklable for n_process."""

    __slots__ = ("words", "lower")

    def __init__(self, words: frozenset[str], lower: bool) -> None:
        self.words = words
        self.lower = lower

    def __call__(self, string: str) -> bool:
        return (string.lower() if self.lower else string) in self.words


_SET_ATTRS = {"LOWER": True, "ORTH": False, "TEXT": False}


def _is_first(pattern: list[dict]) -> list[int]:
    """Indices of the token specs the matcher tries at every token (up to the first required)."""
    out = []
    for i, spec in enumerate(pattern):
        out.append(i)
        op = str(spec.get("OP", ""))
        if op not in ("?", "*") and not op.startswith("{0"):
            break
    return out


def _add_flags(vocab, getters: dict[int, _Membership]) -> None:
    """`vocab.add_flag` for many flags in one pass over the lexemes already in the vocab.

    add_flag walks the whole vocab once per flag (45 walks over the tokenizer's special
    cases, a fifth of the start-up cost of building the pipeline). New lexemes get their
    flags from lex_attr_getters, as with add_flag.
    """
    if not getters:
        return
    for lex in vocab:
        text = lex.orth_
        for bit, getter in getters.items():
            if getter(text):
                lex.set_flag(bit, True)
    vocab.lex_attr_getters.update(getters)


def compile_patterns(vocab, keyed: dict[str, list[list[dict]]]) -> dict[str, list[list[dict]]]:
    """Turn word-set constraints into lexeme flags, most-used-at-every-token first.

    spaCy evaluates `{"LOWER": {"IN": [...]}}` as a Python predicate for every token where the
    pattern could start; a lexeme flag is a native bit test. There are 45 free flag bits, so
    the sets tried at every token (first positions) get them first.
    """
    score: dict[tuple[str, str, frozenset], int] = {}
    for patterns in keyed.values():
        for pattern in patterns:
            first = set(_is_first(pattern))
            for i, spec in enumerate(pattern):
                for attr, value in spec.items():
                    if attr in _SET_ATTRS and isinstance(value, dict) and len(value) == 1:
                        op, words = next(iter(value.items()))
                        if op in ("IN", "NOT_IN") and isinstance(words, list):
                            key = (attr, op, frozenset(words))
                            score[key] = score.get(key, 0) + (1000 if i in first else 1)
    ranked = sorted(score.items(), key=lambda kv: (-kv[1], sorted(kv[0][2])))
    wanted = list(dict.fromkeys((attr, words) for (attr, _, words), _ in ranked))
    free = [bit for bit in range(1, 64) if bit not in vocab.lex_attr_getters]
    flags = dict(zip(wanted, free, strict=False))  # no free bits left: the rest stay predicates
    _add_flags(
        vocab, {bit: _Membership(words, _SET_ATTRS[attr]) for (attr, words), bit in flags.items()}
    )

    def rewrite(spec: dict) -> dict:
        out: dict = {}
        for attr, value in spec.items():
            if isinstance(value, dict) and "REGEX" in value:
                # spaCy would run the REGEX with Python's backtracking engine: an extension
                # attribute whose getter runs RE2 takes its place (audit.rulebook.safe_regex).
                out.setdefault("_", {})[_regex_extension(attr, value["REGEX"])] = True
                value = {k: v for k, v in value.items() if k != "REGEX"}
                if not value:
                    continue
            if attr in _SET_ATTRS and isinstance(value, dict) and len(value) == 1:
                op, words = next(iter(value.items()))
                flag = flags.get((attr, frozenset(words))) if isinstance(words, list) else None
                if flag is not None and op in ("IN", "NOT_IN"):
                    out[flag] = op == "IN"
                    continue
            out[attr] = value
        return out

    return {k: [[rewrite(spec) for spec in p] for p in pats] for k, pats in keyed.items()}


class _RegexGetter:
    """Token extension getter: does the token's attribute text match an RE2 pattern?"""

    __slots__ = ("attr", "pattern")

    def __init__(self, attr: str, pattern: str) -> None:
        self.attr = attr
        self.pattern = pattern

    def __call__(self, token) -> bool:
        from audit.rulebook.safe_regex import compile_regex

        return compile_regex(self.pattern).search(getattr(token, self.attr)) is not None


_REGEX_EXTENSIONS: dict[tuple[str, str], str] = {}


def _regex_extension(attr: str, pattern: str) -> str:
    """The name of a Token extension that is True where `attr` matches `pattern` (RE2)."""
    from spacy.tokens import Token

    from audit.rulebook.book import REGEX_ATTRS

    key = (REGEX_ATTRS[attr], pattern)
    name = _REGEX_EXTENSIONS.get(key)
    if name is None:
        name = f"claims_regex_{len(_REGEX_EXTENSIONS)}"
        Token.set_extension(name, getter=_RegexGetter(*key), force=True)
        _REGEX_EXTENSIONS[key] = name
    return name


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
        self.exceptions = None
        self.exception_reach: int | None = None  # longest exception match, if bounded
        if exceptions:
            self.exceptions = Matcher(vocab, validate=False)
            self.exceptions.add(key + "#except", exceptions)
            lengths = [max_length(p) for p in exceptions]
            if all(n is not None for n in lengths):
                self.exception_reach = max(lengths)


class ClaimMatcher:
    """Runs every rule's compiled patterns over a Doc.

    Rules are data compiled once: word sets become lexeme flags (native bit tests) where bits
    allow, phrase lists go into one PhraseMatcher. Each rule's Matcher runs only on the
    sentences where one of its patterns could match (audit.nlp.gating decides for all rules at once
    with numpy), and its exceptions only on sentences where it hit. Matches land in
    doc.user_data["claims_matches"] as (key, start, end) tuples (exceptions: "ID#except").
    """

    def __init__(self, nlp: Language, rulebook: RuleBook, select: set[str] | None = None) -> None:
        from audit.core.errors import RuleError

        rules = [r for r in rulebook.rules if not select or r.id in select]
        checker = Matcher(nlp.vocab, validate=True)
        for rule in rules:
            for key, patterns in (
                (rule.id, rule.patterns),
                (rule.id + "#except", rule.exception_patterns),
            ):
                if not patterns:
                    continue
                try:
                    checker.add(key, [list(p) for p in patterns])
                except Exception as exc:  # spaCy reports pattern errors over several lines
                    first = " ".join(str(exc).split())[:300]
                    raise RuleError(f"{rule.file}: rule {rule.id}: bad pattern: {first}") from None
        keyed = {r.id: [list(p) for p in r.patterns] for r in rules if r.patterns}
        keyed.update(
            {
                r.id + "#except": [list(p) for p in r.exception_patterns]
                for r in rules
                if r.exception_patterns
            }
        )
        compiled = compile_patterns(nlp.vocab, keyed)
        self.rules: list[_RuleMatcher] = []
        for rule in rules:
            if rule.patterns:
                self.rules.append(
                    _RuleMatcher(
                        nlp.vocab, rule.id, compiled[rule.id], compiled.get(rule.id + "#except")
                    )
                )
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

    def __call__(self, doc: Doc) -> Doc:
        import numpy as np
        from spacy.attrs import LIKE_NUM, LOWER, ORTH, SENT_START

        strings = doc.vocab.strings
        matches: list[tuple[str, int, int]] = []
        if len(doc):
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
            cache: dict = {}
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
                    sents = sorted({bisect_right(bounds, ms) - 1 for ms, _ in found})
                    runs = _runs(sents)
                    allowed = self.gate.runs_allowed(self.n_patterns + ri, dense, runs)
                    spans = [
                        (bounds[first], bounds[end])
                        for (first, end), ok in zip(runs, allowed, strict=True)
                        if ok
                    ]
                    # An exception only matters where it overlaps a match of its rule.
                    for s, e in _around(found, spans, rm.exception_reach):
                        matches += [
                            (rm.key + "#except", s + xs, s + xe)
                            for _, xs, xe in rm.exceptions(doc[s:e])
                        ]
        for k, s, e in self.phrases(doc):
            matches.append((strings[k], s, e))
        for rule_id, rm in self.phrase_exceptions.items():
            if any(key == rule_id for key, _, _ in matches):
                matches += [(rule_id + "#except", s, e) for _, s, e in rm.exceptions(doc)]
        doc.user_data["claims_matches"] = matches
        return doc


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


def build_pipeline(
    rulebook: RuleBook, model: str | None = None, select: list[str] | None = None
) -> Language:
    """Blank English (or `model`) + block-aware sentences + the claim matcher.

    `select` limits the matcher to these rule ids (used by the rule meta-test).
    """
    import spacy

    if model:
        try:
            nlp = spacy.load(model, exclude=["ner", "lemmatizer", "textcat"])
        except OSError as exc:
            raise UsageError(f"--model {model}: cannot load this spaCy pipeline ({exc})") from None
    else:
        nlp = spacy.blank("en")
    for abbr in _ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbr, [{"ORTH": abbr}])
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)
    nlp.add_pipe("claims_block_starts", first=True)
    if not ({"parser", "senter", "sentencizer"} & set(nlp.pipe_names)):
        nlp.add_pipe("claims_sentencizer")
    if not ({"parser", "ner"} & set(nlp.pipe_names)):
        # spaCy's 1,000,000-character limit protects parser memory; the blank pipeline's
        # memory is linear in the text, and the input size cap guards the rest.
        nlp.max_length = 200_000_000
    nlp.add_pipe("claims_marker_sentences")
    nlp.add_pipe(
        "claims_matcher",
        config={
            "rule_paths": [str(p) for p in rulebook.extra_paths],
            "bundled": rulebook.bundled,
            "select": list(select or []),
        },
    )
    return nlp


@Language.factory(
    "claims_matcher", default_config={"rule_paths": [], "bundled": True, "select": []}
)
def make_claim_matcher(
    nlp: Language, name: str, rule_paths: list[str], bundled: bool, select: list[str]
):
    from pathlib import Path

    from audit.rulebook.book import load_rulebook

    return ClaimMatcher(nlp, load_rulebook([Path(p) for p in rule_paths], bundled), set(select))
