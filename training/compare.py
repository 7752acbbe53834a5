"""Compare candidate sentence classifiers by cross-validation on the training corpus.

Per label: precision, recall and F1 at the threshold that maximises F1 on the pooled held-out
(out-of-fold) predictions, for 5 folds grouped by document and for leave-one-writer-out; and
prediction throughput on one core. Cited sentences are left out of training and scoring for
unsourced-statistic and vague-attribution (the citation logic drops those findings anyway).

    python training/compare.py --sklearn            # the linear models (minutes)
    python training/compare.py --spacy bow ensemble # spaCy textcat via `spacy train` (longer)
    python training/compare.py --table              # print the table from saved results

Results are kept in training/results/*.json so the table can be rebuilt without re-running.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from common import (  # noqa: E402
    DEV,
    LABELS,
    TRAIN,
    LinearModel,
    LinearSpec,
    at_threshold,
    best_f1,
    group_folds,
    label_rows,
    load,
    targets,
    usable,
    writer_folds,
)

RESULTS = Path(__file__).resolve().parent / "results"

SKLEARN_SPECS = [
    LinearSpec(word=True, char=False, clf="lr", C=10),
    LinearSpec(word=False, char=True, clf="lr", C=10),
    LinearSpec(word=True, char=True, clf="lr", C=10),
    LinearSpec(word=True, char=True, kind=True, clf="lr", C=10),
    LinearSpec(word=True, char=False, kind=True, clf="lr", C=10),
    LinearSpec(word=True, char=False, clf="svm", C=0.5),
    LinearSpec(word=False, char=True, clf="svm", C=0.5),
    LinearSpec(word=True, char=True, clf="svm", C=0.5),
    LinearSpec(word=True, char=True, kind=True, clf="svm", C=0.5),
    LinearSpec(word=True, char=False, kind=True, clf="svm", C=0.5),
    # pruned to the 20,000 features with the largest coefficients (the size that ships)
    LinearSpec(word=True, char=True, kind=True, clf="svm", C=0.5, keep=20_000),
    LinearSpec(word=True, char=True, kind=True, clf="lr", C=30, keep=20_000),
    # the shipped one: char_wb 2-4, 8,000 features
    LinearSpec(word=True, char=True, kind=True, clf="lr", C=30, keep=8_000, char_max=4),
    LinearSpec(word=True, char=True, kind=True, clf="svm", C=0.5, keep=8_000, char_max=4),
]


def score_oof(y: np.ndarray, rows: np.ndarray, oof: np.ndarray) -> dict:
    out = {}
    for j, lb in enumerate(LABELS):
        m = rows[:, j]
        r = best_f1(y[m, j], oof[m, j])
        out[lb] = r.__dict__
    return out


def cv_sklearn(spec: LinearSpec, records, y, rows, folds) -> np.ndarray:
    texts = [r.text for r in records]
    kinds = [r.kind for r in records]
    oof = np.zeros(y.shape)
    for test in folds:
        train = np.setdiff1d(np.arange(len(records)), test)
        m = LinearModel(spec).fit(
            [texts[i] for i in train], [kinds[i] for i in train], y[train], rows[train]
        )
        oof[test] = m.scores([texts[i] for i in test], [kinds[i] for i in test])
    return oof


def throughput(predict, texts: list[str], kinds: list[str], repeat: int = 3) -> float:
    """Sentences per second (best of `repeat`) for predict(texts, kinds), in one process."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        predict(texts, kinds)
        best = min(best, time.perf_counter() - t0)
    return len(texts) / best


def dev_check(final_scores: np.ndarray, oof_group: dict, dev_records) -> dict:
    """On dev: F1 at the CV threshold and the best F1 (dev is not used to fit anything)."""
    yd = targets(dev_records)
    out = {}
    for j, lb in enumerate(LABELS):
        m = usable(dev_records, lb)
        if yd[m, j].sum() == 0:
            continue
        t = oof_group[lb]["threshold"]
        out[lb] = {
            "at_cv_threshold": at_threshold(yd[m, j], final_scores[m, j], t).__dict__,
            "best": best_f1(yd[m, j], final_scores[m, j]).__dict__,
        }
    return out


def run_sklearn(specs: list[LinearSpec]) -> None:
    records = load(TRAIN)
    dev = load(DEV)
    y = targets(records)
    rows = label_rows(records)
    schemes = {"group5": group_folds(records), "writer": writer_folds(records)}
    texts = [r.text for r in records]
    kinds = [r.kind for r in records]
    for spec in specs:
        t0 = time.perf_counter()
        res = {"name": spec.name, "family": "sklearn", "spec": spec.__dict__}
        for scheme, folds in schemes.items():
            res[scheme] = score_oof(y, rows, cv_sklearn(spec, records, y, rows, folds))
        final = LinearModel(spec).fit(texts, kinds, y, rows)
        dtexts = [r.text for r in dev]
        dkinds = [r.kind for r in dev]
        res["dev"] = dev_check(final.scores(dtexts, dkinds), res["group5"], dev)
        res["sentences_per_s"] = throughput(final.scores, texts, kinds)
        res["n_features"] = int(final.coef.shape[0])
        res["seconds"] = time.perf_counter() - t0
        save(res)
        print(summary_line(res), flush=True)


def save(res: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    slug = "".join(c if c.isalnum() else "_" for c in res["name"]).strip("_")
    (RESULTS / f"{slug}.json").write_text(json.dumps(res, indent=1, sort_keys=True) + "\n")


def summary_line(res: dict) -> str:
    f_g = [res["group5"][lb]["f1"] for lb in LABELS[:4]]
    f_w = [res["writer"][lb]["f1"] for lb in LABELS[:4]]
    return (
        f"{res['name']:<36} group5 F1 {' '.join(f'{f:.3f}' for f in f_g)} (mean {np.mean(f_g):.3f})"
        f" | writer F1 {' '.join(f'{f:.3f}' for f in f_w)} (mean {np.mean(f_w):.3f})"
        f" | {res['sentences_per_s']:,.0f} sent/s"
    )


SHORT = {
    "unsourced-statistic": "stat",
    "vague-attribution": "attr",
    "efficacy-claim": "efficacy",
    "spam-link": "spam",
    "absolute-claim": "absolute",
    "safety-claim": "safety",
}


def mark(res: dict) -> str:
    """The candidate's name, in bold with "(shipped)" for the one training/train.py builds."""
    from train import SPEC

    return f"**{res['name']} (shipped)**" if res["name"] == SPEC.name else res["name"]


def table(results: list[dict]) -> str:
    """Markdown tables: per scheme, one row per candidate, P/R/F1 per label; then dev."""
    out = []
    for scheme, title in (
        ("group5", "5-fold cross-validation grouped by document"),
        ("writer", "Leave one writer out (5 writers)"),
    ):
        out.append(
            f"\n#### {title}: P / R / F1 at the best-F1 threshold of the pooled held-out scores\n"
        )
        head = (
            "| candidate | "
            + " | ".join(SHORT[lb] for lb in LABELS)
            + " | mean F1 (4 core) | sent/s |"
        )
        out.append(head)
        out.append("|" + "---|" * (len(LABELS) + 3))
        for res in results:
            cells = []
            for lb in LABELS:
                r = res[scheme][lb]
                cells.append(f"{r['precision']:.2f} / {r['recall']:.2f} / **{r['f1']:.2f}**")
            mean = np.mean([res[scheme][lb]["f1"] for lb in LABELS[:4]])
            out.append(
                f"| {mark(res)} | "
                + " | ".join(cells)
                + f" | {mean:.3f} | {res['sentences_per_s']:,.0f} |"
            )
    out.append("\n#### Dev (trained on all of train; threshold from grouped CV): P / R / F1\n")
    core = [lb for lb in LABELS[:4]]
    out.append(
        "| candidate | "
        + " | ".join(SHORT[lb] for lb in core)
        + " | mean F1 | mean best-on-dev F1 |"
    )
    out.append("|" + "---|" * (len(core) + 3))
    for res in results:
        cells, fs, bs = [], [], []
        for lb in core:
            r = res["dev"][lb]["at_cv_threshold"]
            cells.append(f"{r['precision']:.2f} / {r['recall']:.2f} / **{r['f1']:.2f}**")
            fs.append(r["f1"])
            bs.append(res["dev"][lb]["best"]["f1"])
        out.append(
            f"| {mark(res)} | " + " | ".join(cells) + f" | {np.mean(fs):.3f} | {np.mean(bs):.3f} |"
        )
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sklearn", action="store_true", help="run the scikit-learn candidates")
    ap.add_argument("--only", help="run only scikit-learn candidates whose name contains this")
    ap.add_argument(
        "--spacy", nargs="*", choices=["bow1", "bow", "bow-kind", "ensemble", "ensemble-kind"]
    )
    ap.add_argument("--table", action="store_true", help="print the table of saved results")
    args = ap.parse_args()
    if args.sklearn:
        specs = [s for s in SKLEARN_SPECS if not args.only or args.only in s.name]
        run_sklearn(specs)
    if args.spacy:
        from spacy_cv import run_spacy

        for arch in args.spacy:
            res = run_spacy(arch)
            save(res)
            print(summary_line(res), flush=True)
    if args.table:
        results = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))]
        results.sort(
            key=lambda r: (r["family"], -np.mean([r["group5"][lb]["f1"] for lb in LABELS[:4]]))
        )
        print(table(results))


if __name__ == "__main__":
    main()
