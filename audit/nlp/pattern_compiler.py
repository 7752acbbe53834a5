"""Rule patterns compiled for speed: word sets become lexeme flags, regexes run on RE2."""

from __future__ import annotations

from spacy.tokens import Token

from audit.rulebook.book import REGEX_ATTRS
from audit.rulebook.safe_regex import compile_regex


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

        return compile_regex(self.pattern).search(getattr(token, self.attr)) is not None


_REGEX_EXTENSIONS: dict[tuple[str, str], str] = {}


def _regex_extension(attr: str, pattern: str) -> str:
    """The name of a Token extension that is True where `attr` matches `pattern` (RE2)."""

    key = (REGEX_ATTRS[attr], pattern)
    name = _REGEX_EXTENSIONS.get(key)
    if name is None:
        name = f"claims_regex_{len(_REGEX_EXTENSIONS)}"
        Token.set_extension(name, getter=_RegexGetter(*key), force=True)
        _REGEX_EXTENSIONS[key] = name
    return name
