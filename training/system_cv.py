"""The whole auditor (rules + model) on writers the model has not seen: leave one writer out.

For each writer of tests/corpus/train, a model is fitted on the other writers' sentences
(same features and classifier as the shipped one, the shipped thresholds), and the auditor
is scored on the held-out writer's documents with audit.engines.evaluation, as `claims-audit eval`
does. The sums over writers are the figures to tune the combination on: the blind corpus is
for measuring, never for tuning. The rules were written with the training corpus in view,
so their share of these figures is optimistic; the model's is not.

    python training/system_cv.py            # rules + model, and rules alone
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

TRAIN = ROOT / "tests" / "corpus" / "train"


def _sum(into: dict, rep, labels) -> None:
    for lb in labels:
        for k in ("tp", "fp", "fn"):
            into[lb][k] += rep.counts[lb][k]


def _line(lb: str, c: dict) -> str:
    from audit.engines.evaluation import wilson

    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    plo, phi = wilson(c["tp"], c["tp"] + c["fp"])
    rlo, rhi = wilson(c["tp"], c["tp"] + c["fn"])
    return (
        f"  {lb:<22} P {p:.3f} ({plo:.2f}-{phi:.2f})  R {r:.3f} ({rlo:.2f}-{rhi:.2f})"
        f"  F1 {f:.3f}  tp {c['tp']} fp {c['fp']} fn {c['fn']}"
    )


def main() -> None:
    import argparse
    from dataclasses import replace

    from common import load  # type: ignore[import-not-found]
    from train import export, fit_final  # type: ignore[import-not-found]

    import audit.checks.sentence_model as sm
    from audit.core.labels import LABELS
    from audit.engines.evaluation import evaluate
    from audit.rulebook.loader import load_rulebook

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--scales",
        default="1",
        help="comma list of factors for the warning thresholds (a sweep to choose them)",
    )
    ap.add_argument("--rules-only", action="store_true", help="also score the rules alone")
    args = ap.parse_args()
    scales = [float(x) for x in args.scales.split(",")]

    records = load(TRAIN)
    shipped = sm.SentenceModel(sm.MODEL_PATH)
    book = load_rulebook()
    writers = sorted({r.writer for r in records})
    empty = lambda: {lb: {"tp": 0, "fp": 0, "fn": 0} for lb in LABELS}  # noqa: E731
    totals = {scale: empty() for scale in scales}
    rules_total = empty()
    with tempfile.TemporaryDirectory() as tmp:
        for w in writers:
            path = Path(tmp) / f"model-{w}.npz"
            model = fit_final([r for r in records if r.writer != w])
            export(model, shipped.warning, shipped.info, {**shipped.meta, "held_out": w}, path)
            sm.MODEL_PATH = path
            sm.load_default.cache_clear()
            held_out = sm.load_default()
            for scale in scales:
                held_out.warning = shipped.warning * scale
                _sum(totals[scale], evaluate(TRAIN / w, book, "warning", quote=False), LABELS)
            if args.rules_only:
                rules = replace(book, rules=[r for r in book.rules if not r.model])
                _sum(rules_total, evaluate(TRAIN / w, rules, "warning", quote=False), LABELS)
            print(f"held out {w}: done", flush=True)
    for scale, counts in totals.items():
        print(f"\nrules + model, warning thresholds x {scale:g} (leave one writer out)")
        for lb in LABELS:
            print(_line(lb, counts[lb]))
    if args.rules_only:
        print("\nrules alone")
        for lb in LABELS:
            print(_line(lb, rules_total[lb]))


if __name__ == "__main__":
    main()
