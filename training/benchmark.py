"""How much the sentence model costs: load time, sentences per second, and its share of a run.

    python training/benchmark.py

One process, one core (BLAS threads off), with the garbage-collector settings of a real run
(audit.engines.local.relax_gc, as audit.cli sets them). The tool's own time is an in-process audit of the
training corpus (engine.run with the bundled rules, after one warm-up pass); the model's time is
scoring the same audited sentences one document per call, as the checks would.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from itertools import groupby  # noqa: E402

from common import ROOT, TRAIN, load  # noqa: E402

_LOAD = """
import time
t0 = time.perf_counter()
import numpy
t1 = time.perf_counter()
from audit.checks.sentence_model import SentenceModel
m = SentenceModel()
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def load_times(n: int = 7) -> tuple[float, float]:
    """Median seconds of (import numpy, import the module + load the model) in new processes."""
    runs = []
    for _ in range(n):
        out = subprocess.run(
            [sys.executable, "-c", _LOAD], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
        runs.append((float(out[0]), float(out[1])))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def tool_run() -> tuple[float, int, int]:
    """Seconds, words and sentences of an in-process audit of the training corpus (warm)."""
    from audit.core.formats import FORMAT_BY_SUFFIX
    from audit.engines.evaluation import load_labels
    from audit.engines.local import run
    from audit.inputs.discovery import Input
    from audit.nlp.pipeline import build_pipeline
    from audit.rulebook.loader import load_rulebook

    rulebook = load_rulebook()
    nlp = build_pipeline(rulebook)
    inputs = [
        Input(rel, TRAIN / rel, FORMAT_BY_SUFFIX.get((TRAIN / rel).suffix.lower(), "text"))
        for rel in sorted(load_labels(TRAIN))
    ]
    run(inputs, nlp, rulebook)  # warm-up
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        results = run(inputs, nlp, rulebook)
        best = min(best, time.perf_counter() - t0)
    return best, sum(r.words for r in results), sum(r.sentences for r in results)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from audit.checks.sentence_model import MODEL_PATH, SentenceModel
    from audit.engines.local import relax_gc

    numpy_s, load_s = load_times()
    print(f"model file: {MODEL_PATH.stat().st_size / 1e6:.2f} MB")
    print(f"load (new process, median of 7): import numpy {numpy_s:.3f} s; "
          f"import audit.checks.sentence_model + SentenceModel() {load_s:.3f} s")  # fmt: skip

    records = load(TRAIN)
    texts = [r.text for r in records]
    kinds = [r.kind for r in records]
    docs = []
    for _, group in groupby(records, key=lambda r: r.path):
        g = list(group)
        docs.append(([r.text for r in g], [r.kind for r in g]))
    model = SentenceModel()
    relax_gc()  # the garbage-collector settings of an audit run (audit.cli does this)
    t0 = time.perf_counter()
    model.scores(texts, kinds)
    cold = time.perf_counter() - t0

    def best_of(fn, n: int = 5) -> float:
        best = float("inf")
        for _ in range(n):
            t = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t)
        return best

    warm_all = best_of(lambda: model.scores(texts, kinds))

    def per_doc() -> None:
        for t, k in docs:
            model.scores(t, k)

    def per_doc_cold() -> None:
        model._word_cache.clear()
        per_doc()

    warm_doc = best_of(per_doc)
    cold_doc = best_of(per_doc_cold)
    n = len(texts)
    print(f"{n} sentences, {len(docs)} documents")
    print(
        f"throughput, one call for all, first call (empty word cache): {n / cold:,.0f} sentences/s"
    )
    print(
        f"throughput, one call for all, warm:                          {n / warm_all:,.0f} sentences/s"
    )
    print(
        f"throughput, one call per document, empty cache each pass:   {n / cold_doc:,.0f} sentences/s"
    )
    print(
        f"throughput, one call per document, warm:                    {n / warm_doc:,.0f} sentences/s"
    )

    seconds, words, sentences = tool_run()
    print(f"tool: audit of the same {len(docs)} documents: {seconds:.3f} s, {words:,} words "
          f"({words / seconds:,.0f} words/s), {sentences:,} sentences")  # fmt: skip
    print(f"model, one call per document: {cold_doc:.3f} s (empty cache) = "
          f"{100 * cold_doc / seconds:.1f}% of the run; warm {100 * warm_doc / seconds:.1f}%")  # fmt: skip
    for rate in (50_000, 150_000):
        run_s = words / rate
        print(f"  at {rate:,} words/s the run would take {run_s:.3f} s; the model adds "
              f"{100 * cold_doc / run_s:.1f}% (empty cache)")  # fmt: skip


if __name__ == "__main__":
    main()
