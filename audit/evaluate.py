"""Precision, recall and F1 per category on a labelled corpus (format: tests/corpus/README.md).

Scoring is per sentence: a sentence is predicted positive for a category when a finding of that
category at or above the chosen severity sits in it, and gold positive when labels.yml lists it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from audit.errors import UsageError
from audit.findings import SEVERITY_RANK
from audit.rulebook import RuleBook

CORE = ("unsourced-statistic", "vague-attribution", "efficacy-claim", "spam-link")


@dataclass
class EvalReport:
    documents: int = 0
    sentences: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # category -> tp/fp/fn
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, cat, path, text

    def metrics(self, category: str) -> tuple[float, float, float]:
        c = self.counts.get(category, {"tp": 0, "fp": 0, "fn": 0})
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def load_labels(corpus: Path) -> dict[str, list[dict]]:
    import yaml

    files = sorted(corpus.glob("labels*.yml")) + sorted(corpus.glob("labels*.yaml"))
    if not files:
        raise UsageError(f"{corpus}: no labels.yml in this folder")
    labels: dict[str, list[dict]] = {}
    for f in files:
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise UsageError(f"{f}: invalid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(data, dict):
            raise UsageError(f"{f}: must map document paths to lists of labelled sentences")
        for path, entries in data.items():
            for e in entries or []:
                if (
                    not isinstance(e, dict)
                    or "text" not in e
                    or not isinstance(e.get("labels"), list)
                ):
                    raise UsageError(f"{f}: {path}: each entry needs text and a labels list")
                unknown = set(e["labels"]) - set(CORE)
                if unknown:
                    raise UsageError(f"{f}: {path}: unknown label(s) {', '.join(sorted(unknown))}")
            labels.setdefault(str(path), []).extend(entries or [])
    return labels


def _squash(text: str) -> tuple[str, list[int]]:
    """Whitespace-collapsed text and, per character, its offset in the original."""
    out: list[str] = []
    index: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            space = bool(out)
            continue
        if space:
            out.append(" ")
            index.append(i - 1)
            space = False
        out.append(ch)
        index.append(i)
    return "".join(out), index


def evaluate(
    corpus: Path, rulebook: RuleBook, min_severity: str = "warning", model: str | None = None
) -> EvalReport:
    from audit.engine import run
    from audit.inputs import Input
    from audit.pipeline import build_pipeline
    from audit.readers import FORMAT_BY_SUFFIX

    labels = load_labels(corpus)
    inputs = []
    for rel in sorted(labels):
        p = corpus / rel
        if not p.is_file():
            raise UsageError(f"{corpus}: labels name {rel}, which does not exist")
        inputs.append(Input(rel, p, FORMAT_BY_SUFFIX.get(p.suffix.lower(), "text")))
    nlp = build_pipeline(rulebook, model)
    results = run(inputs, nlp, rulebook, keep=True)
    floor = SEVERITY_RANK[min_severity]
    report = EvalReport(counts={c: {"tp": 0, "fp": 0, "fn": 0} for c in CORE})
    for result in results:
        if result.error:
            raise UsageError(result.error)
        document, doc = result.document, result.doc  # type: ignore[attr-defined]
        sents = [(s.start_char, s.end_char) for s in doc.sents if not s.text.isspace()]
        report.documents += 1
        report.sentences += len(sents)
        squashed, index = _squash(document.text)
        starts = [s for s, _ in sents]

        gold: dict[str, set[int]] = {c: set() for c in CORE}
        for entry in labels[result.path]:
            needle, _ = _squash(entry["text"])
            found = [m.start() for m in re.finditer(re.escape(needle), squashed)]
            if len(found) != 1:
                raise UsageError(
                    f"{result.path}: label text {'not found' if not found else 'not unique'}: "
                    f"{entry['text'][:60]!r}"
                )
            si = bisect_right(starts, index[found[0]]) - 1
            for cat in entry["labels"]:
                gold[cat].add(si)
        pred: dict[str, set[int]] = {c: set() for c in CORE}
        plain_by_source = {}
        for f in result.findings:
            if f.category in pred and f.rank >= floor:
                key = f.sentence_start
                if key not in plain_by_source:
                    plain_by_source[key] = _sentence_for_source(document, sents, f.sentence_start)
                pred[f.category].add(plain_by_source[key])
        for cat in CORE:
            c = report.counts[cat]
            c["tp"] += len(gold[cat] & pred[cat])
            c["fp"] += len(pred[cat] - gold[cat])
            c["fn"] += len(gold[cat] - pred[cat])
            for kind, ids in (("FP", pred[cat] - gold[cat]), ("FN", gold[cat] - pred[cat])):
                for si in sorted(ids):
                    s, e = sents[si]
                    report.errors.append((kind, cat, result.path, document.text[s:e].strip()))
    return report


def _sentence_for_source(document, sents: list[tuple[int, int]], source_offset: int) -> int:
    for i, (s, e) in enumerate(sents):
        text = document.text[s:e]
        lead = len(text) - len(text.lstrip())
        if text.strip() and document.source_span(s + lead, s + lead + 1)[0] == source_offset:
            return i
    return -1


def format_report(report: EvalReport, show_errors: bool = False) -> str:
    import pandas as pd

    rows = []
    for cat in CORE:
        p, r, f = report.metrics(cat)
        c = report.counts[cat]
        rows.append({"category": cat, "precision": p, "recall": r, "f1": f, **c})
    table = pd.DataFrame(rows).set_index("category")
    text = table.to_string(float_format=lambda v: f"{v:.3f}")
    out = [f"{report.documents} documents, {report.sentences} sentences", text]
    if show_errors:
        for kind, cat, path, sentence in report.errors:
            out.append(f"{kind} {cat} {path}: {sentence}")
    return "\n".join(out) + "\n"
