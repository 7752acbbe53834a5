"""Audit documents on several cores: worker processes, results back in input order.

spaCy holds the GIL while it tokenizes and matches, so threads would not help; processes do.
Each worker builds (or, where the platform forks, inherits) the pipeline once and then audits
chunks of a few documents, so the per-document cost is the audit itself plus pickling a
result. Chunks are submitted through a bounded window: a stream of inputs of any length (a
corpus export) never piles up in queues, and results are yielded in input order, so findings
and their order are the same as with one process.

A worker that dies (out of memory, a crash in native code) breaks the pool; the chunks in flight
are sent again to a fresh pool, and the one that was waited on is re-run alone and then document
by document, so only a document that really kills a worker is reported, as that document's error.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from audit.core.result import DocumentResult
from audit.engines.local import RunOptions, iter_audit, relax_gc
from audit.rulebook.book import RuleBook

CHUNK_DOCS = 8  # documents per task: enough to amortise pickling, small enough to balance
CHUNK_CHARS = 400_000  # ... or this much text, whichever comes first
WINDOW_PER_JOB = 4  # chunks in flight per worker


def default_jobs() -> int:
    """All the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to build the same pipeline as the parent (picklable)."""

    rulebook: RuleBook
    model: str | None = None
    options: RunOptions = field(default_factory=RunOptions)
    prepare: Callable[[DocumentResult], None] | None = None  # run on each result in the worker


_WORKER: tuple[Any, Any, WorkerSpec] | None = None  # (nlp, rulebook, spec) in this process
_INHERITED: tuple[Any, WorkerSpec] | None = None  # set by the parent before forking


def _init_worker(spec: WorkerSpec) -> None:
    """Build the pipeline once per worker (or take the one inherited through fork)."""
    import signal

    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent reports Ctrl-C, once
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _exit_with_parent()
    if _INHERITED is not None and _INHERITED[1] == spec:
        nlp = _INHERITED[0]
    else:
        from audit.nlp.pipeline import build_pipeline

        nlp = build_pipeline(spec.rulebook, spec.model)
    relax_gc()
    _WORKER = (nlp, spec.rulebook, spec)


def _exit_with_parent() -> None:
    """Leave when the parent process is gone (killed with SIGKILL, say), not live on as an orphan."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.2)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="claims-audit-parent-watch", daemon=True).start()


def _audit_chunk(chunk: list) -> list[DocumentResult]:
    assert _WORKER is not None, "worker not initialised"
    nlp, rulebook, spec = _WORKER
    results = list(iter_audit(chunk, nlp, rulebook, spec.options))
    if spec.prepare is not None:
        for r in results:
            spec.prepare(r)
    return results


def chunks(inputs: Iterable, docs: int = CHUNK_DOCS, chars: int = CHUNK_CHARS) -> Iterator[list]:
    """Group inputs into tasks by count, and by text size for rows that carry their text."""
    chunk: list = []
    size = 0
    for inp in inputs:
        chunk.append(inp)
        size += len(getattr(inp, "text", "") or "")
        if len(chunk) >= docs or size >= chars:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def audit_parallel(
    inputs: Iterable,
    spec: WorkerSpec,
    jobs: int,
    nlp=None,
) -> Iterator[DocumentResult]:
    """Audit inputs on `jobs` worker processes; yield results in input order.

    `nlp`, when given, is the parent's pipeline, handed to forked workers instead of being
    built again.
    """
    import multiprocessing

    global _INHERITED
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    _INHERITED = (nlp, spec) if nlp is not None else None
    pool = _Pool(context, spec, jobs)
    pending: deque[tuple[list, Future]] = deque()
    try:
        for chunk in chunks(inputs):
            pending.append((chunk, pool.submit(chunk)))
            if len(pending) >= jobs * WINDOW_PER_JOB:
                yield from _next(pending, pool)
        while pending:
            yield from _next(pending, pool)
    finally:
        for _, future in pending:
            future.cancel()
        pool.close()
        _INHERITED = None


class _Pool:
    """A ProcessPoolExecutor that can be replaced when a worker dies and breaks it."""

    def __init__(self, context, spec: WorkerSpec, jobs: int) -> None:
        self.context, self.spec, self.jobs = context, spec, jobs
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=self.context,
            initializer=_init_worker,
            initargs=(self.spec,),
        )

    def submit(self, chunk: list) -> Future:
        return self.executor.submit(_audit_chunk, chunk)

    def restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._start()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def _next(pending: deque, pool: _Pool) -> list[DocumentResult]:
    """The oldest chunk's results.

    When a worker dies, the pool breaks and every chunk in flight fails with it, whichever one
    killed it. The oldest chunk is then run again alone, then document by document, so only the
    document that kills a worker is reported as an error; the other chunks are sent again.
    """
    chunk, future = pending.popleft()
    try:
        return future.result()
    except BrokenProcessPool:
        pool.restart()
        results = _isolate(chunk, pool)
        for i, (other, _) in enumerate(pending):
            pending[i] = (other, pool.submit(other))
        return results
    except Exception as exc:  # e.g. a result that cannot be pickled
        return _errors(chunk, f"could not be audited in a worker ({type(exc).__name__}: {exc})")


def _isolate(chunk: list, pool: _Pool) -> list[DocumentResult]:
    """Run a chunk alone; if it breaks the pool again, run its documents one at a time."""
    try:
        return pool.submit(chunk).result()
    except BrokenProcessPool:
        pool.restart()
    except Exception as exc:
        return _errors(chunk, f"could not be audited in a worker ({type(exc).__name__}: {exc})")
    if len(chunk) > 1:
        return [r for inp in chunk for r in _isolate([inp], pool)]
    return _errors(chunk, "a worker process died while auditing it (out of memory?)")


def _errors(chunk: list, message: str) -> list[DocumentResult]:
    return [DocumentResult(inp.path, error=f"{inp.path}: {message}") for inp in chunk]
