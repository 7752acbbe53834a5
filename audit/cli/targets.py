"""Which report formats a run writes, and where each goes: stdout, -o FILE, or --out-dir."""

from __future__ import annotations

import argparse
from pathlib import Path

from audit.cli.sources import Sources
from audit.core.errors import UsageError
from audit.core.output import same_file
from audit.writers import WRITERS


def formats(args: argparse.Namespace) -> list[str]:
    """The formats asked for, checked against each other and against the other options."""
    names = [f.strip() for f in args.format.split(",") if f.strip()]
    if args.engine != "dask" and "parquet" in names:
        raise UsageError("--format parquet (findings partitions) needs --engine dask")
    unknown = [f for f in names if f not in WRITERS and f != "parquet"]
    if unknown or not names:
        raise UsageError(
            f"--format: unknown format {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(WRITERS)}"
        )
    check_outputs(args, names)
    return names


def check_outputs(args: argparse.Namespace, names: list[str]) -> None:
    if args.output and args.out_dir:
        raise UsageError("use either -o FILE or --out-dir DIR, not both")
    if len(names) > 1 and not args.out_dir and args.engine != "dask":
        raise UsageError("several formats need --out-dir DIR")


def targets(names: list[str], args: argparse.Namespace, sources: Sources) -> dict[str, Path | None]:
    """Where each format goes: stdout (None), -o FILE, or DIR/claims-audit.EXT.

    A report never replaces one of the inputs.
    """
    if args.out_dir:
        out_dir = Path(args.out_dir)
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"--out-dir {out_dir}: not a folder")
        where: dict[str, Path | None] = {
            f: out_dir / f"claims-audit.{WRITERS.get(f, ('', f))[1]}" for f in names
        }
    else:
        output = args.output
        where = {names[0]: None if output is None or output == "-" else Path(output)}
    read = [i.fs_path for i in sources.inputs if i.fs_path is not None]
    read += [Path(c) for c in sources.corpus_files]
    for target in where.values():
        if target is not None and any(same_file(p, target) for p in read):
            raise UsageError(f"{target}: refusing to overwrite an input file with the report")
    return where
