"""The eval command: precision, recall and F1 per label on a labelled corpus folder."""

from __future__ import annotations

import sys
from pathlib import Path

from audit import PROG
from audit.cli.exit_codes import EXIT_CLEAN
from audit.cli.options import OneLineParser, add_rule_options
from audit.cli.rule_selection import rulebook_for
from audit.core.labels import LABELS
from audit.engines.evaluation import EvalReport, evaluate, wilson


def cmd_eval(argv: list[str]) -> int:
    p = OneLineParser(
        prog=f"{PROG} eval",
        description="Precision, recall and F1 per category on a labelled corpus folder.",
    )
    p.add_argument("corpus", metavar="CORPUS_DIR")
    p.add_argument("--min-severity", choices=("info", "warning", "error"), default="warning")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument(
        "--show-errors", action="store_true", help="list false positives and negatives"
    )
    shown.add_argument(
        "--figures-only",
        action="store_true",
        help="print figures alone: no sentence of the corpus, even in error messages (blind corpora)",
    )
    shown.add_argument(
        "--check-labels",
        action="store_true",
        help="check that every label resolves to one sentence and count them; no scoring",
    )
    p.add_argument("--model", metavar="NAME")
    add_rule_options(p)
    args = p.parse_args(argv)
    report = evaluate(
        Path(args.corpus),
        rulebook_for(args),
        args.min_severity,
        args.model,
        quote=not args.figures_only,
        check_only=args.check_labels,
    )
    if args.check_labels:
        sys.stdout.write(format_label_check(report))
    else:
        sys.stdout.write(format_report(report, args.show_errors))
    return EXIT_CLEAN


def format_report(report: EvalReport, show_errors: bool = False) -> str:
    """Figures per label with 95% Wilson intervals, then (on request) every error."""
    import pandas as pd

    rows = []
    for cat in LABELS:
        p, r, f = report.metrics(cat)
        c = report.counts[cat]
        p_lo, p_hi = wilson(c["tp"], c["tp"] + c["fp"])
        r_lo, r_hi = wilson(c["tp"], c["tp"] + c["fn"])
        rows.append(
            {
                "category": cat,
                "precision": p,
                "p 95% CI": f"{p_lo:.2f}-{p_hi:.2f}",
                "recall": r,
                "r 95% CI": f"{r_lo:.2f}-{r_hi:.2f}",
                "f1": f,
                **c,
            }
        )
    table = pd.DataFrame(rows).set_index("category")
    text = table.to_string(float_format=lambda v: f"{v:.3f}")
    out = [f"{report.documents} documents, {report.sentences} sentences", text]
    if show_errors:
        for kind, cat, path, sentence in report.errors:
            out.append(f"{kind} {cat} {path}: {sentence}")
    return "\n".join(out) + "\n"


def format_label_check(report: EvalReport) -> str:
    """Per document: sentences and labelled sentences per label (no scoring)."""
    lines = []
    totals = dict.fromkeys(LABELS, 0)
    for path, (n, per_label) in sorted(report.per_document.items()):
        counts = ", ".join(f"{lb} {k}" for lb, k in per_label.items() if k)
        lines.append(f"{path}: {n} sentences; {counts or 'no labels'}")
        for lb, k in per_label.items():
            totals[lb] += k
    lines.append(
        f"{report.documents} documents, {report.sentences} sentences; "
        + ", ".join(f"{lb} {k}" for lb, k in totals.items())
    )
    return "\n".join(lines) + "\n"
