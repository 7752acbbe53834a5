"""Token specs of rule patterns: checked, "@lexicon" references and LEMMA expanded.

What comes out is spaCy Matcher input that works in a blank English pipeline: only attributes
such a pipeline sets, word lists spelled out, regexes that run on RE2.
"""

from __future__ import annotations

from typing import Any

from audit.core.errors import RuleError
from audit.rulebook.book import REGEX_ATTRS, Rule
from audit.rulebook.safe_regex import check_regex

Lexicons = dict[str, tuple[str, ...]]


def patterns(where: str, key: str, value: Any, lexicons: Lexicons) -> list[list[dict[str, Any]]]:
    """Matcher input for the patterns under `key` (already checked by the schema)."""
    return [
        [_token(where, f"{key} #{n}", spec, lexicons) for spec in pattern]
        for n, pattern in enumerate(value or (), 1)
    ]


def _token(where: str, label: str, spec: dict[str, Any], lexicons: Lexicons) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "LEMMA" in spec:
        spec = _lemma_as_lower(where, label, spec, lexicons)
    for attr, value in spec.items():
        if isinstance(value, str) and value.startswith("@"):
            value = {"IN": value}
        if isinstance(value, dict):
            value = dict(value)
            if "REGEX" in value:
                if attr not in REGEX_ATTRS or not isinstance(value["REGEX"], str):
                    raise RuleError(
                        f"{where}: {label}: REGEX needs a string, on one of "
                        f"{', '.join(sorted(REGEX_ATTRS))}"
                    )
                check_regex(f"{where}: {label}", value["REGEX"])
            for op in ("IN", "NOT_IN"):
                ref = value.get(op)
                if isinstance(ref, str):
                    ref = [ref]
                if isinstance(ref, list):
                    value[op] = _expand(where, label, ref, lexicons)
        out[attr] = value
    return out


def _lemma_as_lower(
    where: str, label: str, spec: dict[str, Any], lexicons: Lexicons
) -> dict[str, Any]:
    """{LEMMA: ...} as {LOWER: {IN: every form}} (audit.rulebook.lemmas)."""
    from audit.rulebook.lemmas import inflections

    spec = dict(spec)
    value = spec.pop("LEMMA")
    if "LOWER" in spec:
        raise RuleError(f"{where}: {label}: use LEMMA or LOWER in one token spec, not both")
    if isinstance(value, str):
        value = {"IN": [value]}
    if not isinstance(value, dict) or set(value) - {"IN", "NOT_IN"} or len(value) != 1:
        raise RuleError(f"{where}: {label}: LEMMA takes a word, a lexicon, or IN / NOT_IN a list")
    op, words = next(iter(value.items()))
    if isinstance(words, str):
        words = [words]
    if not isinstance(words, list):
        raise RuleError(f"{where}: {label}: LEMMA {op} needs a list of words")
    words = _expand(where, label, words, lexicons)
    spec["LOWER"] = {op: inflections([str(w) for w in words])}
    return spec


def _expand(where: str, label: str, items: list[Any], lexicons: Lexicons) -> list[Any]:
    """Replace "@name" items of an IN/NOT_IN list by the words of that lexicon."""
    out: list = []
    for item in items:
        if isinstance(item, str) and item.startswith("@"):
            if item[1:] not in lexicons:
                raise RuleError(f"{where}: {label}: unknown lexicon {item}")
            out.extend(lexicons[item[1:]])
        elif isinstance(item, int | float) and not isinstance(item, bool):
            out.append(str(item))  # YAML reads 2019 as a number; tokens are text
        else:
            out.append(item)
    return list(dict.fromkeys(out))


def check_matcher_input(rule: Rule) -> None:
    """A RuleError when spaCy's Matcher would refuse the rule's patterns or exceptions.

    Checked when the pack loads, with spaCy's own validation, so `claims-audit rules` refuses
    what an audit would, and an audit refuses it before reading any document.
    """
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    checker = Matcher(Vocab(), validate=True)
    for key, patterns in ((rule.id, rule.patterns), (rule.id + "#except", rule.exception_patterns)):
        if not patterns:
            continue
        try:
            checker.add(key, [list(p) for p in patterns])
        except Exception as exc:  # spaCy reports pattern errors over several lines
            first = " ".join(str(exc).split())[:300]
            raise RuleError(f"{rule.file}: rule {rule.id}: bad pattern: {first}") from None
