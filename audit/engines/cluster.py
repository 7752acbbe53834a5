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
import sys
from dataclasses import dataclass
from typing import Any

from audit.core.errors import UsageError
from audit.writers.streaming import Totals, finding_dict

PARTITION_FORMATS = ("jsonl", "parquet")
_PIPELINES: dict[str, Any] = {}  # rule book digest -> nlp, per worker process


@dataclass(frozen=True)
class Job:
    """Everything a partition task needs besides its inputs (pickled to the workers)."""

    rulebook: Any  # the full RuleBook
    policy: Any  # audit.policy.postprocess.Policy
    model: str | None
    key: str  # digest of rulebook and model: which cached pipeline to use
    fail_on: str
    out_dir: str
    fmt: str  # jsonl | parquet
    batch_size: int = 16
    max_file_bytes: int | None = None  # --max-file-size (workers do not share our globals)


def _pipeline(job: Job):
    nlp = _PIPELINES.get(job.key)
    if nlp is None:
        from audit.nlp.pipeline import build_pipeline

        nlp = _PIPELINES[job.key] = build_pipeline(job.rulebook, job.model)
    return nlp


def audit_partition(job: Job, index: int, inputs) -> dict:
    """Audit one partition on a worker, write its findings file, return its counts.

    `inputs` is a list of Inputs / RowInputs, or a (pandas frame, path, corpus spec, first row)
    tuple for a partition of an export.
    """
    import audit.inputs.discovery
    from audit.engines.local import iter_audit
    from audit.policy.postprocess import finish

    if job.max_file_bytes is not None:
        audit.inputs.discovery.MAX_FILE_BYTES = job.max_file_bytes
    if isinstance(inputs, tuple):
        from audit.inputs.corpus import rows_of

        frame, path, spec, first_row = inputs
        inputs = list(rows_of(frame, path, spec, first_row))
    totals = Totals(job.fail_on)
    documents, problems, rows = [], [], []
    for result in iter_audit(inputs, _pipeline(job), job.rulebook, batch_size=job.batch_size):
        finish([result], job.policy)
        totals.add(result)
        documents.append(result.to_dict())
        problems += [f"warning: {n}" for n in result.notes]
        if result.error:
            problems.append(result.error)
        rows += [finding_dict(f) for f in result.findings]
    target = f"{job.out_dir.rstrip('/')}/findings/part-{index:05d}.{job.fmt}"
    _write_partition(target, rows, job.fmt)
    return {"documents": documents, "problems": problems, "totals": totals, "file": target}


# Parquet cannot hold a column that is sometimes a list and sometimes null, so the nested
# fields are JSON text, as in the CSV report.
_NESTED = ("qualifiers", "links", "suppression")


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


def run_dask(
    args, inputs, corpus_files, spec, rulebook, policy, formats, fail_on, missing, selected
) -> int:
    """The CLI's --engine dask: partitions to the cluster, counts back, summary written."""
    from audit.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, PROG

    fmt = _partition_format(formats)
    if not args.out_dir:
        raise UsageError("--engine dask writes findings partitions: give --out-dir DIR")
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError(
            "--engine dask needs dask and distributed: pip install 'claims-audit[dask]'"
        ) from None
    key = hashlib.sha256(pickle.dumps((rulebook, args.model))).hexdigest()[:16]
    job = Job(
        rulebook,
        policy,
        args.model,
        key,
        fail_on,
        str(args.out_dir),
        fmt,
        args.batch_size,
        getattr(args, "max_file_size", None),
    )

    _quiet_logs()
    cluster = None
    try:
        if args.scheduler:
            client = Client(args.scheduler, timeout="10s")
        else:
            from audit.engines.parallel import default_jobs

            cluster = LocalCluster(
                n_workers=args.jobs or default_jobs(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as exc:
        where = args.scheduler or "a local cluster"
        raise UsageError(f"--scheduler {where}: cannot connect ({_one_line(exc)})") from None
    try:
        with client:
            _clear_old_partitions(str(args.out_dir), fmt)
            n_workers = max(1, len(client.scheduler_info().get("workers", {})))
            shared = client.scatter(job, broadcast=True, hash=False)
            n_parts = args.partitions or 4 * n_workers
            try:
                tasks = _tasks(shared, inputs, corpus_files, spec, n_parts)
                parts = dask.compute(*tasks, scheduler=client) if tasks else ()
            except Exception as exc:  # raised on a worker: an export that breaks partway, ...
                raise UsageError(f"--engine dask: a partition failed ({_one_line(exc)})") from None
    finally:
        if cluster is not None:
            cluster.close()

    totals = Totals(fail_on)
    documents = []
    for part in parts:
        totals.merge(part["totals"])
        documents += part["documents"]
        for problem in part["problems"]:
            print(f"{PROG}: {problem}", file=sys.stderr)
    for message in missing:
        print(f"{PROG}: {message}", file=sys.stderr)
    summary = _write_summary(args.out_dir, documents, totals, [p["file"] for p in parts])
    from audit.writers.console import summary_line

    print(summary_line(totals.summary(), fail_on))
    print(f"{PROG}: findings in {len(parts)} partitions under {summary}", file=sys.stderr)
    if args.no_exit:
        return EXIT_CLEAN
    if missing or totals.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if totals.failed else EXIT_CLEAN


def _quiet_logs() -> None:
    """Keep distributed's log lines (and the worker tracebacks they carry) off our stderr.

    Errors reach the user once, as our one-line message. The environment variable reaches the
    worker processes a LocalCluster starts; the logger setting covers this process.
    """
    import logging
    import os

    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical")
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


def _partition_format(formats: list[str]) -> str:
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
    tasks = []
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

    from audit import __version__

    report = {
        "schema_version": 1,
        "tool": {"name": "claims-audit", "version": __version__},
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
