"""The local engine's choice: audit in this process, or on worker processes (--jobs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from spacy.language import Language

from audit.core.result import DocumentResult
from audit.engines.local import RunOptions, iter_audit
from audit.engines.parallel import CHUNK_DOCS, WorkerSpec, audit_parallel, default_jobs
from audit.inputs.corpus import RowInput
from audit.inputs.discovery import Input
from audit.inputs.fetch import Fetcher
from audit.rulebook.book import RuleBook

# Without --jobs, workers start only for this much source text: each worker loads spaCy, the
# rules and the model (about 1.5 s), which an audit of less than about 1 MB does not win back
# on two cores (at about 45,000 words a second in one process).
AUTO_PARALLEL_BYTES = 1_000_000


def _source_bytes(files: Sequence[Input]) -> int:
    total = 0
    for i in files:
        try:
            total += i.fs_path.stat().st_size if i.fs_path is not None else 0
        except OSError:
            continue  # reading it reports the problem
        if total >= AUTO_PARALLEL_BYTES:
            break
    return total


def audit_stream(
    inputs: Iterable[Input | RowInput],
    files: Sequence[Input],
    nlp: Language,
    rulebook: RuleBook,
    options: RunOptions,
    *,
    model: str | None = None,
    jobs: int | None = None,
    exports: bool = False,
    fetcher: Fetcher | None = None,
    prepare: Callable[[DocumentResult], None] | None = None,
) -> Iterator[DocumentResult]:
    """Results in input order, from this process or from worker processes.

    `inputs` is every input (files, then export rows as they are read); `files` the files and
    pages among them, `exports` whether corpus exports follow. Web pages, link checks and
    standard input stay in this process, and so does a handful of files, or (when `jobs` was
    not given) less than AUTO_PARALLEL_BYTES of them, where starting workers would cost more
    than it saves. `prepare` runs on each result in the worker that
    made it (results audited here are the caller's to prepare).
    """
    small = not exports and (
        len(files) <= CHUNK_DOCS or (jobs is None and _source_bytes(files) < AUTO_PARALLEL_BYTES)
    )
    jobs = jobs or default_jobs()
    serial = (
        jobs == 1
        or fetcher is not None
        or options.collect_citations
        or any(i.fs_path is None for i in files)
        or small
    )
    if serial:
        return iter_audit(inputs, nlp, rulebook, options, fetcher)
    spec = WorkerSpec(rulebook, model, options, prepare)
    return audit_parallel(inputs, spec, jobs, nlp=nlp)
