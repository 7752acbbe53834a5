"""The spaCy pipeline, built once per run: tokenizer, block-aware sentences, the claim matcher.

The default is `spacy.blank("en")`: nothing to download, nothing but PyPI packages. A trained
pipeline can be named with --model; its parser or senter then splits sentences instead of the
rule-based sentencizer, always inside the blocks the reader found.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from audit.errors import UsageError
from audit.rulebook import RuleBook

# Abbreviations that end in a period but do not end a sentence in health writing.
_ABBREVIATIONS = (
    "al.", "approx.", "fig.", "Fig.", "no.", "No.", "vol.", "Vol.", "pp.", "p.", "ed.", "eds.",
    "vs.", "cf.", "ca.", "est.", "Prof.", "Sr.", "Jr.", "St.", "Ave.", "Rd.", "Blvd.", "Ste.",
)  # fmt: skip


@Language.component("claims_block_starts")
def block_starts(doc: Doc) -> Doc:
    """Start a sentence after every block separator, so sentences never cross blocks."""
    text = doc.text
    pos = text.find("\n", 0)
    while pos >= 0:
        span = doc.char_span(pos, pos + 1, alignment_mode="expand")
        if span is not None and span.end < len(doc):
            doc[span.end].is_sent_start = True
            if span.start > 0:
                doc[span.start].is_sent_start = True
        end = pos + 1
        while end < len(text) and text[end] == "\n":
            end += 1
        pos = text.find("\n", end)
    return doc


_SENTENCE_END = {".", "!", "?", "\u2026", "[", "(", "\u201d", '"', "'", "\u2019"}
_MARKER_TOKEN = re.compile(r"^(?:\d{1,3}|[\[\]()\u00b9\u00b2\u00b3\u2070-\u2079,\u2013-]+)$")


@Language.component("claims_marker_sentences")
def marker_sentences(doc: Doc) -> Doc:
    """Keep a reference marker glued to the end of a sentence ("...in 2019.[1] Next") in it.

    Sentence splitters start the next sentence at the marker; the marker cites the sentence
    before it, so the boundary moves past the marker.
    """
    for sent in list(doc.sents)[1:]:
        i = sent.start
        prev = doc[i - 1]
        if (
            prev.whitespace_
            or prev.is_space
            or prev.text not in _SENTENCE_END
            or not _MARKER_TOKEN.match(doc[i].text)
        ):
            continue
        j = i
        while j < sent.end and _MARKER_TOKEN.match(doc[j].text) and not doc[j].whitespace_:
            j += 1
        if j < sent.end and j - i <= 6 and _MARKER_TOKEN.match(doc[j].text):
            j += 1  # the last marker token carries the space
        if i < j < sent.end:
            doc[i].is_sent_start = False
            doc[j].is_sent_start = True
    return doc


class ClaimMatcher:
    """Runs every rule's compiled patterns over a Doc in one pass.

    All token patterns go into one Matcher and all phrase lists into one PhraseMatcher, keyed by
    rule id (exceptions under "ID#except"), so the cost does not grow with the number of
    phrases. Matches land in doc.user_data["claims_matches"] as (key, start, end) tuples.
    """

    def __init__(self, nlp: Language, rulebook: RuleBook, select: set[str] | None = None) -> None:
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        for rule in rulebook.rules:
            if select and rule.id not in select:
                continue
            self._add(nlp, rule.id, rule.patterns, rule.phrases, rule.file)
            self._add(
                nlp, rule.id + "#except", rule.exception_patterns, rule.exception_phrases, rule.file
            )

    def _add(self, nlp: Language, key: str, patterns, phrases, file: str) -> None:
        from audit.errors import RuleError

        if patterns:
            try:
                self.matcher.add(key, [list(p) for p in patterns])
            except Exception as exc:  # spaCy reports pattern errors as several lines
                first = " ".join(str(exc).split())[:300]
                raise RuleError(f"{file}: rule {key.split('#')[0]}: bad pattern: {first}") from None
        if phrases:
            self.phrases.add(key, [nlp.make_doc(p) for p in phrases])

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        matches = [(strings[k], s, e) for k, s, e in self.matcher(doc)]
        matches += [(strings[k], s, e) for k, s, e in self.phrases(doc)]
        doc.user_data["claims_matches"] = matches
        return doc


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
    nlp.add_pipe("claims_block_starts", first=True)
    if not ({"parser", "senter", "sentencizer"} & set(nlp.pipe_names)):
        nlp.add_pipe("sentencizer")
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

    from audit.rulebook import load_rulebook

    return ClaimMatcher(nlp, load_rulebook([Path(p) for p in rule_paths], bundled), set(select))
