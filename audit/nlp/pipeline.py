"""The spaCy pipeline, built once per run: tokenizer, block-aware sentences, the claim matcher.

The default is `spacy.blank("en")`: nothing to download, nothing but PyPI packages. A trained
pipeline can be named with --model; its parser or senter then splits sentences instead of the
rule-based sentencizer, always inside the blocks the reader found. Each component is a module
of this package; importing them registers their factories with spaCy.
"""

from __future__ import annotations

from typing import Any, cast

from spacy.language import Language

import audit.nlp.block_starts
import audit.nlp.marker_sentences
import audit.nlp.matcher
import audit.nlp.sentencizer  # noqa: F401  (the imports above and this one register components)
from audit.core.errors import UsageError
from audit.nlp.matcher import ClaimMatcher
from audit.nlp.tokenizer import ABBREVIATIONS, BoundedTokenizer
from audit.rulebook.book import RuleBook


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
    tokenizer: Any = nlp.tokenizer  # spaCy's Tokenizer (typed as any callable)
    for abbr in ABBREVIATIONS:
        tokenizer.add_special_case(abbr, [{"ORTH": abbr}])
    nlp.tokenizer = BoundedTokenizer(tokenizer)
    nlp.add_pipe("claims_block_starts", first=True)
    if not ({"parser", "senter", "sentencizer"} & set(nlp.pipe_names)):
        nlp.add_pipe("claims_sentencizer")
    if not ({"parser", "ner"} & set(nlp.pipe_names)):
        # spaCy's 1,000,000-character limit protects parser memory; the blank pipeline's
        # memory is linear in the text, and the input size cap guards the rest.
        nlp.max_length = 200_000_000
    nlp.add_pipe("claims_marker_sentences")
    matcher = cast(ClaimMatcher, nlp.add_pipe("claims_matcher"))
    matcher.load(nlp, rulebook, set(select or ()))
    return nlp
