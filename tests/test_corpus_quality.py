"""Precision and recall per category on the labelled development corpus (tests/corpus/dev)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.core.labels import CORE
from audit.engines.evaluation import evaluate

CORPUS = Path(__file__).resolve().parent / "corpus" / "dev"


@pytest.fixture(scope="module")
def report(rulebook):
    return evaluate(CORPUS, rulebook, "warning")


def test_corpus_is_big_enough(report):
    assert report.documents >= 10
    assert report.sentences >= 400
    formats = {p.suffix for p in CORPUS.iterdir() if p.suffix in (".md", ".html", ".txt")}
    assert {".md", ".html"} <= formats


@pytest.mark.parametrize("category", CORE)
def test_precision_and_recall(report, category):
    precision, recall, _ = report.metrics(category)
    counts = report.counts[category]
    assert counts["tp"] + counts["fn"] >= 10, f"too few gold {category} sentences to measure"
    assert precision >= 0.90, f"{category} precision {precision:.3f}"
    assert recall >= 0.85, f"{category} recall {recall:.3f}"
