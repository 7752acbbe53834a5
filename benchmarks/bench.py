#!/usr/bin/env python3
"""Throughput and start-up figures, printed (never asserted in tests).

Builds a synthetic corpus of about --words words from the project's own examples and dev-corpus
articles, audits it end to end through the CLI code path (read files -> JSON written), and prints
words/s, documents/s and peak memory next to the physical floor: spaCy's tokenizer alone over the
same text. It also times a cold start on one small file and `--help`.

    python benchmarks/bench.py --words 500000
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOURCES = [
    *sorted((ROOT / "examples").glob("*.*")),
    *sorted(
        p for p in (ROOT / "tests" / "corpus" / "dev").iterdir() if p.suffix in (".md", ".html")
    ),
]


def build_corpus(target_words: int, out: Path) -> tuple[int, int]:
    """Copy the source articles round-robin until the corpus holds target_words words."""
    texts = [
        (p.suffix, p.read_text(encoding="utf-8"))
        for p in SOURCES
        if p.suffix in (".md", ".html", ".txt")
    ]
    words = docs = 0
    while words < target_words:
        suffix, text = texts[docs % len(texts)]
        (out / f"doc{docs:06d}{suffix}").write_text(text, encoding="utf-8")
        words += len(text.split())
        docs += 1
    return words, docs


def time_cmd(args: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(args, capture_output=True, cwd=ROOT, check=False)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=300_000)
    args = ap.parse_args()

    from audit.cli import main as cli_main
    from audit.pipeline import build_pipeline
    from audit.readers import parse
    from audit.rulebook import load_rulebook

    tmp = Path(tempfile.mkdtemp(prefix="claims-bench-"))
    try:
        corpus = tmp / "corpus"
        corpus.mkdir()
        words, docs = build_corpus(args.words, corpus)
        print(f"corpus: {docs} documents, {words:,} words (whitespace-separated)")

        t = time.perf_counter()
        code = cli_main([str(corpus), "--format", "json", "-o", str(tmp / "out.json")])
        elapsed = time.perf_counter() - t
        report = json.loads((tmp / "out.json").read_text(encoding="utf-8"))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"end to end: {elapsed:.2f} s, {words / elapsed:,.0f} words/s, "
            f"{docs / elapsed:,.0f} documents/s, {report['summary']['findings']:,} findings, "
            f"exit {code}, peak RSS {peak_mb:.0f} MB"
        )

        # Floor: the tokenizer alone over the same plain text the auditor feeds spaCy.
        rulebook = load_rulebook()
        nlp = build_pipeline(rulebook)
        texts = [
            parse(
                p.name,
                p.read_text(encoding="utf-8"),
                "html" if p.suffix == ".html" else "markdown" if p.suffix == ".md" else "text",
            ).text
            for p in sorted(corpus.iterdir())
        ]
        t = time.perf_counter()
        for _ in nlp.tokenizer.pipe(texts, batch_size=64):
            pass
        floor = time.perf_counter() - t
        print(
            f"tokenizer alone: {floor:.2f} s, {words / floor:,.0f} words/s; "
            f"auditor reaches {floor / elapsed:.0%} of the floor"
        )
        t = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=64):
            pass
        pipe = time.perf_counter() - t
        print(f"spaCy pipeline (tokenizer + sentences + matcher): {words / pipe:,.0f} words/s")

        if shutil.which("proselint"):
            t = time.perf_counter()
            subprocess.run(
                ["proselint", *map(str, sorted(corpus.iterdir())[:200])],
                capture_output=True,
                check=False,
            )
            print(f"proselint on the first 200 files: {time.perf_counter() - t:.2f} s")
        else:
            print("proselint: not installed, skipped")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    py = sys.executable
    print(f"cold start, import spacy: {time_cmd([py, '-c', 'import spacy']):.2f} s")
    print(f"cold start, --help: {time_cmd([py, 'run_audit.py', '--help']):.2f} s")
    one = time_cmd([py, "run_audit.py", "examples/ketamine-austin.txt", "-q"])
    print(f"cold start, one small file: {one:.2f} s")


if __name__ == "__main__":
    main()
