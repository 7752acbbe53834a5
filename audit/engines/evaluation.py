"""Precision, recall and F1 per category on a labelled corpus (format: tests/corpus/README.md).

Scoring is per sentence: a sentence is predicted positive for a label when a finding of one of
the label's categories at or above the chosen severity sits in it, and gold positive when
labels.yml lists it. The four core labels are what the product is judged on; absolute-claim and
safety-claim are scored too. An efficacy label is met by an absolute or disease claim as well
(the labelling guide: "efficacy -> efficacy-claim (and absolute-claim, disease-claim)").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.core.errors import UsageError
from audit.core.finding import SEVERITY_RANK, Finding
from audit.core.formats import FORMAT_BY_SUFFIX
from audit.core.labels import LABELS
from audit.inputs.discovery import Input
from audit.policy.overlaps import merge_overlapping
from audit.readers.document import Document
from audit.rulebook.book import RuleBook

# label -> the finding categories that meet it
PREDICTED_BY = {label: {label} for label in LABELS} | {
    "efficacy-claim": {"efficacy-claim", "absolute-claim", "disease-claim"}
}


@dataclass
class EvalReport:
    documents: int = 0
    sentences: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # category -> tp/fp/fn
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, cat, path, text
    per_document: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)

    def metrics(self, category: str) -> tuple[float, float, float]:
        c = self.counts.get(category, {"tp": 0, "fp": 0, "fn": 0})
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def load_labels(corpus: Path) -> dict[str, list[dict]]:
    """Document path (relative to `corpus`) -> labelled sentences, from every labels*.yml below it.

    A labels file names documents relative to its own folder, so a corpus can be a folder of
    writers' folders, each scored alone or all together.
    """
    import yaml

    files = sorted(
        (f for pattern in ("labels*.yml", "labels*.yaml") for f in corpus.rglob(pattern)),
        key=lambda f: f.relative_to(corpus).as_posix(),
    )
    if not files:
        raise UsageError(f"{corpus}: no labels.yml in this folder or below it")
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
                unknown = set(e["labels"]) - set(LABELS)
                if unknown:
                    raise UsageError(f"{f}: {path}: unknown label(s) {', '.join(sorted(unknown))}")
            key = (f.parent.relative_to(corpus) / str(path)).as_posix()
            labels.setdefault(key, []).extend(entries or [])
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
    corpus: Path,
    rulebook: RuleBook,
    min_severity: str = "warning",
    model: str | None = None,
    *,
    quote: bool = True,
    check_only: bool = False,
) -> EvalReport:
    """Score the rules on `corpus`.

    `quote=False` keeps every sentence of the corpus out of the report and its error messages,
    so a blind corpus can be scored by the person tuning the rules. `check_only=True` resolves
    the labels and counts sentences without scoring (for corpus writers, who must not tune
    their labels to the rules).
    """
    from audit.engines.local import run
    from audit.nlp.pipeline import build_pipeline

    labels = load_labels(corpus)
    nlp = build_pipeline(rulebook, model)
    results = run(_inputs(corpus, labels), nlp, rulebook, keep=True)
    floor = SEVERITY_RANK[min_severity]
    report = EvalReport(counts={c: {"tp": 0, "fp": 0, "fn": 0} for c in LABELS})
    problems: list[str] = []
    for result in results:
        if result.error:
            raise UsageError(result.error)
        kept: Any = result  # run(keep=True) leaves the document and its analysis on it
        document, analysis = kept.document, kept.analysis
        text = document.text
        sents = [
            (s, e)
            for s, e in zip(analysis.sent_starts, analysis.sent_ends, strict=True)
            if not text[s:e].isspace()
        ]
        report.documents += 1
        report.sentences += len(sents)
        gold = _gold(result.path, document.text, sents, labels[result.path], quote, problems)
        report.per_document[result.path] = (
            len(sents),
            {label: len(ids) for label, ids in gold.items()},
        )
        if not check_only:
            # Scored as reported: overlapping matches folded into the strongest finding, whose
            # related rules still predict their categories.
            pred = _predicted(merge_overlapping(result.findings), document, sents, floor)
            _count(report, result.path, document.text, sents, gold, pred, quote)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        if check_only:
            raise UsageError("\n".join(problems))
        raise UsageError(problems[0] + more)
    return report


def _inputs(corpus: Path, labels: dict[str, list[dict[str, Any]]]) -> list[Input]:
    """The labelled documents, each of which must exist."""
    inputs = []
    for rel in sorted(labels):
        p = corpus / rel
        if not p.is_file():
            raise UsageError(f"{corpus}: labels name {rel}, which does not exist")
        inputs.append(Input(rel, p, FORMAT_BY_SUFFIX.get(p.suffix.lower(), "text")))
    return inputs


def _predicted(
    findings: list[Finding], document: Document, sents: list[tuple[int, int]], floor: int
) -> dict[str, set[int]]:
    """Sentence indexes per label with a finding that meets the label at or above `floor`."""
    pred: dict[str, set[int]] = {c: set() for c in LABELS}
    plain_by_source: dict[int, int] = {}
    for f in findings:
        if f.rank < floor:  # the strongest of its related rules (audit.policy.overlaps)
            continue
        met = {f.category} | {
            r["category"] for r in f.related if SEVERITY_RANK[r["severity"]] >= floor
        }
        labels_met = [lb for lb in LABELS if met & set(PREDICTED_BY[lb])]
        if not labels_met:
            continue
        key = f.sentence_start
        if key not in plain_by_source:
            plain_by_source[key] = _sentence_for_source(document, sents, f.sentence_start)
        for label in labels_met:
            pred[label].add(plain_by_source[key])
    return pred


def _count(
    report: EvalReport,
    path: str,
    text: str,
    sents: list[tuple[int, int]],
    gold: dict[str, set[int]],
    pred: dict[str, set[int]],
    quote: bool,
) -> None:
    """Add one document's true and false positives and negatives (and, quoted, its errors)."""
    for cat in LABELS:
        c = report.counts[cat]
        c["tp"] += len(gold[cat] & pred[cat])
        c["fp"] += len(pred[cat] - gold[cat])
        c["fn"] += len(gold[cat] - pred[cat])
        if not quote:
            continue
        for kind, ids in (("FP", pred[cat] - gold[cat]), ("FN", gold[cat] - pred[cat])):
            for si in sorted(ids):
                s, e = sents[si]
                report.errors.append((kind, cat, path, text[s:e].strip()))


def _gold(
    path: str,
    text: str,
    sents: list[tuple[int, int]],
    entries: list[dict],
    quote: bool,
    problems: list[str],
) -> dict[str, set[int]]:
    """Sentence indexes per label: each entry's excerpt found once in the whitespace-squashed text."""
    squashed, index = _squash(text)
    starts = [s for s, _ in sents]
    gold: dict[str, set[int]] = {c: set() for c in LABELS}
    for n, entry in enumerate(entries, 1):
        needle, _ = _squash(entry["text"])
        found = [m.start() for m in re.finditer(re.escape(needle), squashed)]
        if len(found) != 1:
            what = "not found" if not found else "not unique"
            shown = repr(entry["text"][:60]) if quote else f"entry {n}"
            problems.append(f"{path}: label text {what}: {shown}")
            continue
        si = bisect_right(starts, index[found[0]]) - 1
        end_si = bisect_right(starts, index[found[0] + len(needle) - 1]) - 1
        if end_si != si:
            shown = repr(entry["text"][:60]) if quote else f"entry {n}"
            problems.append(f"{path}: label text spans {end_si - si + 1} sentences: {shown}")
        for cat in entry["labels"]:
            gold[cat].add(si)
    return gold


def _sentence_for_source(document, sents: list[tuple[int, int]], source_offset: int) -> int:
    for i, (s, e) in enumerate(sents):
        text = document.text[s:e]
        lead = len(text) - len(text.lstrip())
        if text.strip() and document.source_span(s + lead, s + lead + 1)[0] == source_offset:
            return i
    return -1


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a proportion; (0, 1) when there is nothing to measure."""
    if n == 0:
        return 0.0, 1.0
    phat = successes / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * ((phat * (1 - phat) / n + z * z / (4 * n * n)) ** 0.5) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
