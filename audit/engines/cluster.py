"""`--engine dask`: audit a corpus partitioned across a Dask cluster.

When one machine is not enough, the same audit runs on many: the inputs (a folder's files, or
the rows of CSV / JSON Lines / Parquet exports read with dask.dataframe) are cut into
partitions, each partition is audited on a worker by the local engine (`iter_audit` and the
same post-processing), and each worker writes its findings straight to
`OUT_DIR/findings/part-NNNNN.jsonl` (or `.parquet`) through fsspec, so findings never travel
through the client. Only per-document counts come back, for the summary
(`OUT_DIR/claims-audit.summary.json`) and the exit code.

Workers read the inputs and write the output themselves, so on a real cluster both must be on
storage every worker sees: a shared filesystem, or fsspec URLs such as s3://bucket/prefix.
Each worker process builds the pipeline once per rule book and reuses it for every partition.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass, field
from typing import Any

from audit.core.errors import UsageError
from audit.core.finding import finding_dict
from audit.core.header import report_header
from audit.core.totals import Totals
from audit.engines.local import RunOptions, iter_audit
from audit.engines.parallel import default_jobs
from audit.inputs.corpus import CorpusSpec
from audit.inputs.discovery import Input
from audit.policy.postprocess import Policy, finish
from audit.rulebook.book import RuleBook

PARTITION_FORMATS = ("jsonl", "parquet")
_PIPELINES: dict[str, Any] = {}  # rule book digest -> nlp, per worker process


@dataclass(frozen=True)
class Job:
    """Everything a partition task needs besides its inputs (pickled to the workers)."""

    rulebook: RuleBook  # the full rule book
    policy: Policy
    model: str | None
    key: str  # digest of rulebook and model: which cached pipeline to use
    fail_on: str
    out_dir: str
    fmt: str  # jsonl | parquet
    options: RunOptions


@dataclass(frozen=True)
class ClusterOptions:
    """What the Dask engine needs from the command line."""

    out_dir: str
    fmt: str  # jsonl | parquet (see partition_format)
    model: str | None = None
    scheduler: str | None = None  # None: start a local cluster
    workers: int | None = None  # local cluster size (default: all cores)
    partitions: int | None = None  # default: 4 per worker
    run: RunOptions = field(default_factory=RunOptions)


@dataclass
class ClusterRun:
    """What came back from the cluster: counts, per-document entries, messages, files."""

    totals: Totals
    documents: list[dict[str, Any]]
    problems: list[tuple[str, bool]]  # (message, is a warning), in input order
    partitions: list[str]  # the findings files
    summary: str  # where the summary was written


def _pipeline(job: Job) -> Any:
    nlp = _PIPELINES.get(job.key)
    if nlp is None:
        from audit.nlp.pipeline import build_pipeline

        nlp = _PIPELINES[job.key] = build_pipeline(job.rulebook, job.model)
    return nlp


def audit_partition(job: Job, index: int, inputs: Any) -> dict[str, Any]:
    """Audit one partition on a worker, write its findings file, return its counts.

    `inputs` is a list of Inputs / RowInputs, or a (pandas frame, path, corpus spec, first row)
    tuple for a partition of an export.
    """
    if isinstance(inputs, tuple):
        from audit.inputs.corpus import rows_of

        frame, path, spec, first_row = inputs
        inputs = list(rows_of(frame, path, spec, first_row))
    totals = Totals(job.fail_on)
    documents: list[dict[str, Any]] = []
    problems: list[tuple[str, bool]] = []
    rows: list[dict[str, Any]] = []
    for result in iter_audit(inputs, _pipeline(job), job.rulebook, job.options):
        finish([result], job.policy)
        totals.add(result)
        documents.append(result.to_dict())
        problems += [(n, True) for n in result.notes]
        if result.error:
            problems.append((result.error, False))
        rows += [finding_dict(f) for f in result.findings]
    target = f"{job.out_dir.rstrip('/')}/findings/part-{index:05d}.{job.fmt}"
    _write_partition(target, rows, job.fmt)
    return {"documents": documents, "problems": problems, "totals": totals, "file": target}


# Parquet cannot hold a column that is sometimes a list and sometimes null, so the nested
# fields are JSON text, as in the CSV report.
_NESTED = ("qualifiers", "links", "suppression", "related")


def _write_partition(target: str, rows: list[dict], fmt: str) -> None:
    import fsspec

    if fmt == "jsonl":
        with fsspec.open(target, "w", encoding="utf-8", auto_mkdir=True) as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    flat = [
        {k: (json.dumps(v, ensure_ascii=False) if k in _NESTED else v) for k, v in row.items()}
        for row in rows
    ]
    table = pa.Table.from_pylist(flat, schema=parquet_schema())
    with fsspec.open(target, "wb", auto_mkdir=True) as fh:
        pq.write_table(table, fh)


def parquet_schema():
    """One fixed schema, so every partition (empty ones too) reads back as one table."""
    import dataclasses

    import pyarrow as pa

    from audit.core.finding import Finding

    ints = {"line", "column", "end_line", "end_column", "start", "end"}
    ints |= {"sentence_start", "sentence_end"}
    return pa.schema(
        [
            (f.name, pa.int64() if f.name in ints else pa.string())
            for f in dataclasses.fields(Finding)
        ]
    )


def run_cluster(
    inputs: list[Input],
    corpus_files: list[str],
    spec: CorpusSpec | None,
    rulebook: RuleBook,
    policy: Policy,
    fail_on: str,
    options: ClusterOptions,
) -> ClusterRun:
    """Partitions to the cluster, counts back, the summary file written."""
    key = hashlib.sha256(pickle.dumps((rulebook, options.model))).hexdigest()[:16]
    job = Job(
        rulebook, policy, options.model, key, fail_on, options.out_dir, options.fmt, options.run
    )
    parts = _compute(job, inputs, corpus_files, spec, options)
    totals = Totals(fail_on)
    documents: list[dict[str, Any]] = []
    problems: list[tuple[str, bool]] = []
    for part in parts:
        totals.merge(part["totals"])
        documents += part["documents"]
        problems += part["problems"]
    files = [p["file"] for p in parts]
    summary = _write_summary(options.out_dir, documents, totals, files)
    return ClusterRun(totals, documents, problems, files, summary)


def _compute(
    job: Job,
    inputs: list[Input],
    corpus_files: list[str],
    spec: CorpusSpec | None,
    options: ClusterOptions,
) -> tuple[dict[str, Any], ...]:
    """Start or reach the cluster, run one task per partition, and return their results."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError(
            "--engine dask needs dask and distributed: pip install 'claims-audit[dask]'"
        ) from None
    _quiet_logs()
    cluster = None
    try:
        if options.scheduler:
            client = Client(options.scheduler, timeout="10s")
        else:
            cluster = LocalCluster(
                n_workers=options.workers or default_jobs(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as exc:
        where = options.scheduler or "a local cluster"
        raise UsageError(f"--scheduler {where}: cannot connect ({_one_line(exc)})") from None
    try:
        with client:
            _clear_old_partitions(options.out_dir, options.fmt)
            n_workers = max(1, len(client.scheduler_info().get("workers", {})))
            shared = client.scatter(job, broadcast=True, hash=False)
            n_parts = options.partitions or 4 * n_workers
            try:
                tasks = _tasks(shared, inputs, corpus_files, spec, n_parts)
                return dask.compute(*tasks, scheduler=client) if tasks else ()
            except Exception as exc:  # raised on a worker: an export that breaks partway, ...
                raise UsageError(f"--engine dask: a partition failed ({_one_line(exc)})") from None
    finally:
        if cluster is not None:
            cluster.close()


def _quiet_logs() -> None:
    """Keep distributed's log lines (and the worker tracebacks they carry) off our stderr.

    Errors reach the user once, as our one-line message. The environment variable reaches the
    worker processes a LocalCluster starts; the logger setting covers this process.
    """
    import logging
    import os

    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical")
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


def partition_format(formats: list[str]) -> str:
    """The findings file format for the formats asked for (a usage error for any other)."""
    if formats == ["text"]:  # the CLI default: no format asked for
        return "jsonl"
    if len(formats) == 1 and formats[0] in PARTITION_FORMATS:
        return formats[0]
    raise UsageError("--engine dask writes findings as --format jsonl or --format parquet")


def _tasks(job, inputs, corpus_files, spec, n_parts: int) -> list:
    """One dask.delayed task per partition: slices of the file list, then export partitions.

    `job` is the Job scattered to every worker once (a future), not pickled per task.
    """
    from dask import delayed

    audit = delayed(audit_partition, pure=False)
    tasks: list[Any] = []  # dask.delayed objects
    if inputs:
        n = min(n_parts, len(inputs))
        bounds = [round(i * len(inputs) / n) for i in range(n + 1)]
        for a, b in zip(bounds, bounds[1:], strict=False):
            tasks.append(audit(job, len(tasks), list(inputs[a:b])))
    for path in corpus_files:
        frames = _frames(path, spec)
        offsets = _row_offsets(frames) if not spec.id_column else [0] * len(frames)
        for frame, first_row in zip(frames, offsets, strict=True):
            tasks.append(audit(job, len(tasks), (frame, path, spec, first_row)))
    return tasks


def _frames(path: str, spec) -> list:
    """The export as delayed pandas partitions (dask.dataframe reads them on the workers)."""
    import dask.dataframe as dd

    from audit.inputs.corpus import kind_of

    kind = kind_of(path)
    if kind == "parquet":
        ddf = dd.read_parquet(path, columns=spec.columns)
    elif kind == "jsonl":
        ddf = dd.read_json(path, lines=True, blocksize=32_000_000, dtype=False)
        ddf = ddf[spec.columns]
    else:
        ddf = dd.read_csv(
            path,
            sep="\t" if kind == "tsv" else ",",
            usecols=spec.columns,
            dtype=str,
            keep_default_na=False,
            blocksize=32_000_000,
        )
    return list(ddf.to_delayed())


def _row_offsets(frames: list) -> list[int]:
    """Each partition's first row number, for FILE:ROW ids (one extra counting pass)."""
    import dask

    lengths = dask.compute(*[dask.delayed(len)(f) for f in frames])
    offsets, total = [], 0
    for n in lengths:
        offsets.append(total)
        total += n
    return offsets


def _clear_old_partitions(out_dir: str, fmt: str) -> None:
    """Partitions left by an earlier, larger run would be read as part of this one."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(out_dir.rstrip("/") + "/findings")
    if fs.exists(root):
        for path in fs.glob(root + "/part-*.*"):
            fs.rm(path)


def _write_summary(out_dir, documents: list[dict], totals: Totals, files: list[str]) -> str:
    import fsspec

    report = {
        **report_header(),
        "engine": "dask",
        "documents": documents,
        "summary": totals.summary(),
        "partitions": files,
    }
    target = f"{str(out_dir).rstrip('/')}/claims-audit.summary.json"
    with fsspec.open(target, "w", encoding="utf-8", auto_mkdir=True) as fh:
        fh.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    return target


def _one_line(exc: BaseException) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:300]
