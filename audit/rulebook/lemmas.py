"""LEMMA in rule patterns: a word set that matches every inflection of its words.

Rules are easier to write and cover more copy with lemmas ("cure" for cure, cures, cured,
curing) than with hand-listed forms. A pipeline lemmatizer would cost time on every token; in
lookup mode a lemma depends on the word alone, so a LEMMA constraint is expanded, when the
pack loads, into the LOWER set of all the forms the English lookup table of
spacy-lookups-data (Explosion's own data package) maps to those lemmas. Matching, gating and
lexeme flags then work on LOWER sets as before, at no cost per token.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _forms_by_lemma() -> dict[str, frozenset[str]]:
    """lemma -> its lower-cased forms, from spacy-lookups-data's en_lemma_lookup (13 ms)."""
    import gzip
    import json
    from importlib import resources

    data = resources.files("spacy_lookups_data") / "data" / "en_lemma_lookup.json.gz"
    table: dict[str, str] = json.loads(gzip.decompress(data.read_bytes()))
    forms: dict[str, set[str]] = {}
    for form, lemma in table.items():
        forms.setdefault(lemma.lower(), set()).add(form.lower())
    return {lemma: frozenset(f) for lemma, f in forms.items()}


def inflections(words: list[str]) -> list[str]:
    """Every form of each word, the word first, in a stable order."""
    table = _forms_by_lemma()
    out: list[str] = []
    for w in words:
        w = str(w).lower()
        out.append(w)
        out.extend(sorted(table.get(w, frozenset()) - {w}))
    return list(dict.fromkeys(out))
