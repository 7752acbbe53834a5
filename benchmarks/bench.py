#!/usr/bin/env python3
"""Throughput and start-up figures, printed (never asserted in tests).

Builds a synthetic corpus of about --words words from the project's own examples and dev-corpus
articles, audits it end to end through the CLI (read files -> JSON written), once per --jobs
value, and prints words/s, documents/s and peak memory (the main process and the largest worker)
next to the physical floor: spaCy's tokenizer alone over the same text. With proselint
installed, it times proselint and claims-audit on the same 200 files. It also times a cold
start on one small file and `--help`.

--one-file-mb N audits one N-megabyte Markdown, HTML and text file each and prints peak memory
as a multiple of the file size.

--large-mb N writes an N-megabyte JSON Lines export of the same articles and audits it with
--text-column (streamed JSON Lines out), to show that peak memory does not grow with input size.

    python benchmarks/bench.py --words 500000 --jobs 1,2
    python benchmarks/bench.py --words 0 --large-mb 1000 --jobs 2
"""

from __future__ import annotations

import argparse
import json
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


# Runs the CLI in a fresh process and reports its own peak RSS and its largest worker's.
_PROBE = """
import json, resource, sys
from audit.cli import main
code = main(sys.argv[2:])
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
with open(sys.argv[1], "w") as fh:
    json.dump({"code": code, "own_mb": own, "worker_mb": workers}, fh)
"""


def audit_cli(args: list[str], stdout=subprocess.DEVNULL) -> tuple[float, dict]:
    """Wall time and memory figures of one CLI run in a fresh interpreter."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as probe:
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", _PROBE, probe.name, *args],
            cwd=ROOT,
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        elapsed = time.perf_counter() - t
        return elapsed, json.load(probe)


def report_digest(path: Path) -> tuple[str, int]:
    """SHA-256 of a JSON report and its summary's finding count, reading it line by line."""
    import hashlib
    import re

    digest = hashlib.sha256()
    findings = 0
    with path.open("rb") as fh:
        for line in fh:
            digest.update(line)
            m = re.match(rb'^    "findings": (\d+),$', line)  # the summary's, not a document's
            if m:
                findings = int(m.group(1))
    return digest.hexdigest(), findings


def bench_corpus(words_target: int, jobs_list: list[int], tmp: Path, repeat: int = 1) -> None:
    from audit.nlp.pipeline import build_pipeline
    from audit.readers import parse
    from audit.rulebook.loader import load_rulebook

    corpus = tmp / "corpus"
    corpus.mkdir()
    words, docs = build_corpus(words_target, corpus)
    print(f"corpus: {docs} documents, {words:,} words (whitespace-separated)")

    first = None
    best_single = None
    runs = [(jobs, False) for jobs in jobs_list] + [(1, True)]  # and rules alone, one core
    for jobs, no_model in runs:
        out = tmp / f"out-{jobs}{'-rules' if no_model else ''}.json"
        args = [str(corpus), "--format", "json", "-o", str(out), "--jobs", str(jobs)]
        if no_model:
            args.append("--no-model")
        elapsed, mem = min((audit_cli(args) for _ in range(repeat)), key=lambda r: r[0])
        # Compared by hash and counted by a line scan: loading the report here would grow this
        # process, and the next CLI run would inherit its peak RSS through fork.
        digest, findings = report_digest(out)
        same = ""
        if no_model:
            added = best_single / elapsed - 1 if best_single else float("nan")
            same = f", rules alone: the model adds {added:.0%} to the run time"
        elif first is None:
            first = digest
        else:
            same = (
                ", findings identical to the first run" if digest == first else ", FINDINGS DIFFER"
            )
        if jobs == 1 and not no_model:
            best_single = elapsed
        speedup = f", {best_single / elapsed:.2f}x --jobs 1" if best_single and jobs != 1 else ""
        label = f"--jobs {jobs}" + (" --no-model" if no_model else "")
        print(
            f"end to end, {label}: {elapsed:.2f} s, {words / elapsed:,.0f} words/s, "
            f"{docs / elapsed:,.0f} documents/s, {findings:,} findings, "
            f"exit {mem['code']}, peak RSS {mem['own_mb']:.0f} MB main"
            + (f" / {mem['worker_mb']:.0f} MB largest worker" if jobs > 1 else "")
            + speedup
            + same
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
    line = f"tokenizer alone: {floor:.2f} s, {words / floor:,.0f} words/s"
    if best_single:
        line += f"; auditor (--jobs 1) reaches {floor / best_single:.0%} of the floor"
    print(line)
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    pipe = time.perf_counter() - t
    print(f"spaCy pipeline (tokenizer + sentences + matcher): {words / pipe:,.0f} words/s")

    if shutil.which("proselint"):
        bench_proselint(sorted(corpus.iterdir())[:200], tmp)
    else:
        print("proselint: not installed, skipped")


def bench_proselint(files: list[Path], tmp: Path) -> None:
    """proselint and claims-audit (--jobs 1) on the same files, each in a fresh process."""
    subset = tmp / "proselint-subset"
    subset.mkdir()
    for p in files:
        shutil.copy(p, subset / p.name)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in files)
    # proselint 0.16 takes `proselint check PATHS`; earlier versions take the paths alone.
    new_cli = subprocess.run(["proselint", "version"], capture_output=True).returncode == 0
    cmd = ["proselint", *(["check"] if new_cli else []), *map(str, sorted(subset.iterdir()))]
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False)
    theirs = time.perf_counter() - t
    ours, _ = audit_cli(
        [str(subset), "--format", "json", "-o", str(tmp / "subset.json")] + ["--jobs", "1"]
    )
    print(
        f"proselint on the first {len(files)} files ({words:,} words): {theirs:.2f} s, "
        f"{words / theirs:,.0f} words/s; claims-audit --jobs 1 on the same files: "
        f"{ours:.2f} s, {words / ours:,.0f} words/s"
    )


def bench_large(megabytes: float, jobs_list: list[int], tmp: Path) -> None:
    """Audit an export of `megabytes` MB as a stream; print time and peak memory."""
    texts = [
        (p.suffix, p.read_bytes().decode("utf-8"))
        for p in SOURCES
        if p.suffix in (".md", ".html", ".txt")
    ]
    fmt = {".md": "markdown", ".html": "html", ".txt": "text"}
    export = tmp / "export.jsonl"
    size = words = rows = 0
    with export.open("w", encoding="utf-8") as fh:
        while size < megabytes * 1_000_000:
            suffix, text = texts[rows % len(texts)]
            line = json.dumps({"id": f"row{rows}", "body": text, "fmt": fmt[suffix]}) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            words += len(text.split())
            rows += 1
    print(f"export: {size / 1e6:,.0f} MB JSON Lines, {rows:,} rows, {words:,} words")
    for jobs in jobs_list:
        args = [str(export), "--text-column", "body", "--id-column", "id"]
        args += ["--format-column", "fmt", "--format", "jsonl", "--jobs", str(jobs), "-q"]
        elapsed, mem = audit_cli(args)
        print(
            f"export, --jobs {jobs}: {elapsed:,.0f} s, {words / elapsed:,.0f} words/s, "
            f"peak RSS {mem['own_mb']:.0f} MB main"
            + (f" / {mem['worker_mb']:.0f} MB largest worker" if jobs > 1 else "")
            + f", exit {mem['code']}"
        )


def bench_one_file(megabytes: float, tmp: Path) -> None:
    """Peak memory against the size of one large document, per format (the README states it)."""
    tiny = tmp / "tiny.md"
    tiny.write_text("Studies show it works.\n", encoding="utf-8")
    _, base = audit_cli([str(tiny), "--jobs", "1", "--format", "json", "-o", str(tmp / "t.json")])
    print(f"one tiny file: peak RSS {base['own_mb']:.0f} MB (start-up and the pipeline)")
    for suffix in (".md", ".html", ".txt"):
        text = "".join(p.read_text(encoding="utf-8") for p in SOURCES if p.suffix == suffix)
        if not text:
            continue
        big = tmp / f"big{suffix}"
        copies = int(megabytes * 1_000_000 // len(text.encode("utf-8"))) + 1
        big.write_text(text * copies, encoding="utf-8")
        size_mb = big.stat().st_size / 1e6
        out = tmp / "big.json"
        elapsed, mem = audit_cli([str(big), "--jobs", "1", "--format", "json", "-o", str(out)])
        extra = mem["own_mb"] - base["own_mb"]
        print(
            f"one {size_mb:.0f} MB {suffix[1:]} file: {elapsed:.0f} s, peak RSS "
            f"{mem['own_mb']:.0f} MB = start-up + {extra / size_mb:.0f} x the file, "
            f"exit {mem['code']}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=300_000, help="0 skips the corpus benchmark")
    ap.add_argument("--jobs", default="1", help="comma list of --jobs values (default 1)")
    ap.add_argument("--large-mb", type=float, default=0, help="also audit an export this big")
    ap.add_argument(
        "--one-file-mb", type=float, default=0, help="also audit one file this big, per format"
    )
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs per --jobs value")
    args = ap.parse_args()
    jobs_list = [int(j) for j in args.jobs.split(",") if j.strip()]

    tmp = Path(tempfile.mkdtemp(prefix="claims-bench-"))
    try:
        if args.words:
            bench_corpus(args.words, jobs_list, tmp, max(1, args.repeat))
        if args.large_mb:
            bench_large(args.large_mb, jobs_list, tmp)
        if args.one_file_mb:
            bench_one_file(args.one_file_mb, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if args.words:
        py = sys.executable
        print(f"cold start, import spacy: {time_cmd([py, '-c', 'import spacy']):.2f} s")
        print(f"cold start, --help: {time_cmd([py, 'run_audit.py', '--help']):.2f} s")
        one = time_cmd([py, "run_audit.py", "examples/ketamine-austin.txt", "-q"])
        print(f"cold start, one small file: {one:.2f} s")


if __name__ == "__main__":
    main()
