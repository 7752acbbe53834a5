"""Check that the shipped model scores exactly as the scikit-learn model it was exported from.

    python training/check_export.py [--model audit/models/sentence_model.npz]

Refits the scikit-learn model with training/train.py's recipe (deterministic), then asserts
that audit.checks.sentence_model gives the same scores as scikit-learn's own predict_proba on the dev
sentences (max abs difference < 1e-6), on a few awkward strings (empty, punctuation only,
non-ASCII, very long) and on 3,000 random strings; that scores do not depend on the batch,
its order or the word cache; and that the shipped coefficients and vocabulary are those of the
refit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from common import DEV, LABELS, ROOT, TRAIN, load
from train import MODEL, fit_final

TOLERANCE = 1e-6
AWKWARD = [
    ("", "paragraph"),
    ("...", "paragraph"),
    ("!!! 100% !!!", "heading"),
    ("Clinically PROVEN: 9 out of 10 doctors recommend it.", "list-item"),
    ("Ça réduit l’inflammation de 50 % — prouvé ! 研究表明", "paragraph"),
    ("Überraschend: Studien zeigen, dass es wirkt", "title"),
    ("word " * 400, "table-cell"),
    ("a b c d e f g", "unknown-kind"),
    ("Tabs\tand\nnewlines\u00a0and\u2003wide spaces", "meta"),
]


def random_sentences(n: int = 3000, seed: int = 0) -> tuple[list[str], list[str]]:
    """Deterministic junk that stresses the vectorisation: every character class the readers
    can hand over (upper-case non-ASCII whose lower case is longer, astral emoji, digits,
    punctuation, NBSP, tabs, em spaces, lone punctuation words, very short and long words)."""
    rng = np.random.default_rng(seed)
    pieces = list("abcdefghijklmnopqrstuvwxyzABCXYZ      0123456789.,;:!?%$()[]'\"-_/") + [
        "\u00a0", "\t", "\u2003", "\n", "\u0130", "\u00c9", "\u00df", "\u00e9", "\u2019",
        "\u201c", "\U0001f525", "\u6d3b", "\u0394", "\u00b2", "\u2013", "ﬁ",
        "proven ", "studies show ", "cures ", "100% ", "doctors ", "click here ", "safe ",
    ]  # fmt: skip
    kinds = ["paragraph", "heading", "list-item", "table-cell", "alt", "title", "meta", "x"]
    texts = []
    for _ in range(n):
        k = int(rng.integers(0, 40))
        texts.append("".join(pieces[int(i)] for i in rng.integers(0, len(pieces), k)))
    return texts, [kinds[int(i)] for i in rng.integers(0, len(kinds), n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=MODEL)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from audit.checks.sentence_model import SentenceModel

    shipped = SentenceModel(args.model)
    reference = fit_final(load(TRAIN))
    assert list(shipped.labels) == list(LABELS), "label order differs"
    assert shipped.names == reference.feature_names(), "vocabulary differs from the refit"
    assert np.array_equal(shipped.coef, reference.coef), "coefficients differ from the refit"
    assert np.array_equal(shipped.intercept, reference.intercept), "intercepts differ"

    dev = load(DEV)
    cases = {
        "dev sentences": ([r.text for r in dev], [r.kind for r in dev]),
        "awkward strings": ([t for t, _ in AWKWARD], [k for _, k in AWKWARD]),
        "random strings": random_sentences(),
    }
    for name, (texts, kinds) in cases.items():
        shipped._word_cache.clear()
        ours = shipped.scores(texts, kinds)
        theirs = reference.sklearn_scores(texts, kinds)  # predict_proba, per label
        diff = float(np.abs(ours - theirs).max())
        print(f"{name}: {len(texts)} sentences, max |exported - scikit-learn| = {diff:.3e}")
        assert diff < TOLERANCE, f"{name}: exported model disagrees with scikit-learn ({diff})"
        # one at a time gives the same scores as in a batch (no batch effects)
        single = np.vstack([shipped.scores([t], [k]) for t, k in zip(texts, kinds, strict=True)])
        assert np.array_equal(single, ours), f"{name}: scores depend on the batch"
        shipped._word_cache.clear()
        reverse = shipped.scores(texts[::-1], kinds[::-1])[::-1]
        assert np.array_equal(reverse, ours), f"{name}: scores depend on the order or the cache"
    print("ok")


if __name__ == "__main__":
    main()
