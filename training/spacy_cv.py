"""Cross-validation of spaCy textcat_multilabel, trained with `python -m spacy train`.

Each fold writes DocBin files (blank English tokenizer), trains from a config in
training/configs/ with a fixed seed and a fixed number of epochs, and scores the held-out fold
with model-last (the held-out fold is spaCy's "dev" corpus for its log only; no model is picked
on it). Cited sentences carry no unsourced-statistic / vague-attribution value at all: a missing
category, which textcat_multilabel leaves out of the loss.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from common import (
    CITED_EXCLUDED,
    DEV,
    LABELS,
    TRAIN,
    group_folds,
    kind_token,
    label_rows,
    load,
    targets,
    writer_folds,
)

CONFIGS = Path(__file__).resolve().parent / "configs"
ARCHS = {
    # name: (config, overrides, kind prefix)
    "bow1": ("textcat_bow.cfg", ["--components.textcat_multilabel.model.ngram_size", "1"], False),
    "bow": ("textcat_bow.cfg", ["--components.textcat_multilabel.model.ngram_size", "2"], False),
    "bow-kind": (
        "textcat_bow.cfg",
        ["--components.textcat_multilabel.model.ngram_size", "2"],
        True,
    ),
    "ensemble": ("textcat_ensemble.cfg", [], False),
    "ensemble-kind": ("textcat_ensemble.cfg", [], True),
}
NAMES = {
    "bow1": "spacy TextCatBOW ngram 1",
    "bow": "spacy TextCatBOW ngram 1-2",
    "bow-kind": "spacy TextCatBOW ngram 1-2 +kind",
    "ensemble": "spacy TextCatEnsemble",
    "ensemble-kind": "spacy TextCatEnsemble +kind",
}


def _texts(records, kind: bool) -> list[str]:
    return [kind_token(r.kind) + " " + r.text if kind else r.text for r in records]


def write_docbin(records, texts: list[str], path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    db = DocBin(store_user_data=False)
    for r, t in zip(records, texts, strict=True):
        doc = nlp.make_doc(t)
        cats = {lb: float(lb in r.labels) for lb in LABELS}
        if r.cited:
            for lb in CITED_EXCLUDED:
                del cats[lb]  # missing, not negative
        doc.cats = cats
        db.add(doc)
    db.to_disk(path)


def train_one(arch: str, train_recs, test_recs, workdir: Path) -> Path:
    config, overrides, kind = ARCHS[arch]
    workdir.mkdir(parents=True, exist_ok=True)
    write_docbin(train_recs, _texts(train_recs, kind), workdir / "train.spacy")
    write_docbin(test_recs, _texts(test_recs, kind), workdir / "heldout.spacy")
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [
        sys.executable, "-m", "spacy", "train", str(CONFIGS / config),
        "--output", str(workdir / "out"),
        "--paths.train", str(workdir / "train.spacy"),
        "--paths.dev", str(workdir / "heldout.spacy"),
        "--system.seed", "0",
        *overrides,
    ]  # fmt: skip
    with open(workdir / "train.log", "w") as log:
        subprocess.run(cmd, check=True, stdout=log, stderr=subprocess.STDOUT, env=env)
    return workdir / "out" / "model-last"


def predict(model_dir: Path, texts: list[str]) -> np.ndarray:
    import spacy

    nlp = spacy.load(model_dir)
    out = np.zeros((len(texts), len(LABELS)))
    for i, doc in enumerate(nlp.pipe(texts, batch_size=256)):
        out[i] = [doc.cats.get(lb, 0.0) for lb in LABELS]
    return out


def run_spacy(arch: str, workers: int = 2) -> dict:
    from compare import dev_check, score_oof, throughput

    t0 = time.perf_counter()
    _, _, kind = ARCHS[arch]
    records = load(TRAIN)
    dev = load(DEV)
    y = targets(records)
    rows = label_rows(records)
    res = {"name": NAMES[arch], "family": "spacy", "spec": {"arch": arch, "config": ARCHS[arch][0]}}
    root = Path(tempfile.mkdtemp(prefix=f"spacy-cv-{arch}-"))
    jobs = []
    for scheme, folds in (("group5", group_folds(records)), ("writer", writer_folds(records))):
        for k, test in enumerate(folds):
            train = np.setdiff1d(np.arange(len(records)), test)
            jobs.append((scheme, test, train, root / f"{scheme}-{k}"))
    jobs.append(("final", None, np.arange(len(records)), root / "final"))

    def job(item):
        scheme, test, train, wd = item
        test_recs = [records[i] for i in test] if test is not None else dev
        model = train_one(arch, [records[i] for i in train], test_recs, wd)
        return scheme, test, predict(model, _texts(test_recs, kind)), model

    oof = {"group5": np.zeros(y.shape), "writer": np.zeros(y.shape)}
    final_model = final_scores = None
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for scheme, test, scores, model in pool.map(job, jobs):
            if scheme == "final":
                final_scores, final_model = scores, model
            else:
                oof[scheme][test] = scores
            print(f"  {arch} {scheme} fold done ({time.perf_counter() - t0:.0f} s)", flush=True)
    for scheme in oof:
        res[scheme] = score_oof(y, rows, oof[scheme])
    res["dev"] = dev_check(final_scores, res["group5"], dev)
    import spacy

    nlp = spacy.load(final_model)
    texts = _texts(records, kind)

    def run(ts, _kinds):
        for _ in nlp.pipe(ts, batch_size=256):
            pass

    res["sentences_per_s"] = throughput(run, texts, [r.kind for r in records], repeat=2)
    res["seconds"] = time.perf_counter() - t0
    return res
