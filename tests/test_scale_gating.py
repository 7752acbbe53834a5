"""The sentence gate (audit.nlp.gating) only skips sentences where no pattern can match, and its
windows around anchor tokens only skip tokens no match can reach.

Checked against the plain way: every rule's Matcher over every sentence of the dev and training
articles, keeping the matches that lie inside one sentence (the only ones that become findings).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.core.formats import FORMAT_BY_SUFFIX
from audit.nlp.gating import max_length, required_classes, required_sets
from audit.readers import parse

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).parent / "corpus"
ARTICLES = sorted(
    p
    for d in ("dev", "train/commerce", "train/seo-influencer")
    for p in (CORPUS / d).iterdir()
    if p.suffix in FORMAT_BY_SUFFIX and p.name != "README.md"
)


def test_required_sets_skip_optional_specs():
    pattern = [
        {"LOWER": {"IN": ["Is", "are"]}},
        {"LOWER": "very", "OP": "?"},
        {"IS_ALPHA": True, "OP": "{0,2}"},
        {"ORTH": "Effective"},
    ]
    assert required_sets(pattern) == [frozenset({"is", "are"}), frozenset({"effective"})]
    assert required_sets([{"IS_ALPHA": True}]) is None


def test_required_classes_include_numbers_and_regexes():
    pattern = [
        {"LIKE_NUM": True},
        {"TEXT": {"REGEX": "^\\d+x$"}, "OP": "?"},
        {"LOWER": {"REGEX": "fold$"}},
        {"LOWER": {"NOT_IN": ["a"]}},
    ]
    assert required_classes(pattern) == [("like_num",), ("regex", "lower", "fold$")]


def test_max_length_counts_quantifiers_and_refuses_unbounded_ones():
    assert (
        max_length([{"LOWER": "a"}, {"IS_ALPHA": True, "OP": "{0,3}"}, {"ORTH": "b", "OP": "?"}])
        == 5
    )
    assert max_length([{"LOWER": "a"}, {"IS_ALPHA": True, "OP": "{2}"}]) == 3
    assert max_length([{"LOWER": "a"}, {"IS_ALPHA": True, "OP": "+"}]) is None
    assert max_length([{"LOWER": "a"}, {"IS_ALPHA": True, "OP": "{1,}"}]) is None


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_gate_loses_no_match_inside_a_sentence(nlp, path):
    document = parse(path.name, path.read_text(encoding="utf-8"), FORMAT_BY_SUFFIX[path.suffix])
    doc = nlp(document.text)
    matcher = nlp.get_pipe("claims_matcher")
    gated = {
        (k, s, e)
        for k, s, e in doc.user_data["claims_matches"]
        if not k.endswith("#except") and k in {rm.key for rm in matcher.rules}
    }
    plain = set()
    for sent in doc.sents:
        for rm in matcher.rules:
            for _, s, e in rm.matcher(sent):
                plain.add((rm.key, sent.start + s, sent.start + e))
    assert plain, "the article should hold some claims"
    assert plain <= gated


def test_around_covers_every_overlapping_window():
    from audit.nlp.matcher import _around

    assert _around([(5, 7)], [(0, 20)], 3) == [(3, 9)]
    assert _around([(5, 7), (8, 9)], [(0, 20)], 3) == [(3, 11)]  # merged
    assert _around([(1, 2)], [(0, 4), (10, 20)], 5) == [(0, 4)]  # clipped, other span unused
    assert _around([(5, 7)], [(0, 20)], None) == [(0, 20)]


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_exception_windows_keep_every_exception_that_overlaps_a_match(nlp, path):
    """Exceptions are looked for only around their rule's matches; every exception match
    that overlaps a match (the only ones that count) is still found."""
    document = parse(path.name, path.read_text(encoding="utf-8"), FORMAT_BY_SUFFIX[path.suffix])
    doc = nlp(document.text)
    matcher = nlp.get_pipe("claims_matcher")
    found = doc.user_data["claims_matches"]
    hits = [(k, s, e) for k, s, e in found if not k.endswith("#except")]
    got = {(k, s, e) for k, s, e in found if k.endswith("#except")}
    for rm in matcher.rules:
        if rm.exceptions is None:
            continue
        spans = [(s, e) for k, s, e in hits if k == rm.key]
        for sent in doc.sents:
            for _, xs, xe in rm.exceptions(sent):
                x = (sent.start + xs, sent.start + xe)
                if any(s < x[1] and x[0] < e for s, e in spans):
                    assert (rm.key + "#except", *x) in got
