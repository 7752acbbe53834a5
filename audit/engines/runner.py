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
    standard input stay in this process, and so does a handful of files, where starting
    workers would cost more than it saves. `prepare` runs on each result in the worker that
    made it (results audited here are the caller's to prepare).
    """
    jobs = jobs or default_jobs()
    serial = (
        jobs == 1
        or fetcher is not None
        or options.collect_citations
        or any(i.fs_path is None for i in files)
        or (not exports and len(files) <= CHUNK_DOCS)
    )
    if serial:
        return iter_audit(inputs, nlp, rulebook, options, fetcher)
    spec = WorkerSpec(rulebook, model, options, prepare)
    return audit_parallel(inputs, spec, jobs, nlp=nlp)
