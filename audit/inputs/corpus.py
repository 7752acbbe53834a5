"""Corpus exports as inputs: each row of a CSV, JSON Lines or Parquet file is one document.

Content teams keep pages in CMS exports and data warehouses, not in folders of files. A row's
text column is audited like a file of the row's format, and its id column becomes the path that
every finding carries. Files are read in chunks (pandas; pyarrow for Parquet), so an export of
any size streams through without being held in memory. Problems with the file itself (missing
column, unreadable file) are one-line errors raised before any row is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from audit.core.errors import UsageError
from audit.core.formats import guess_format

CORPUS_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
ROW_FORMATS = {
    "markdown": "markdown",
    "md": "markdown",
    "html": "html",
    "htm": "html",
    "text": "text",
    "txt": "text",
    "plain": "text",
}
CHUNK_ROWS = 2_000


@dataclass(frozen=True)
class RowInput:
    """One row of a corpus export, ready to audit (picklable, for worker processes)."""

    path: str  # the row id, shown in findings
    text: str
    format: str  # markdown | html | text | auto, or the raw --format-column value

    def checked_text(self, cap: int) -> str:
        """The row's text, or an InputError when it is larger than `cap` bytes as UTF-8.

        --max-file-size applies to each row as to each file: a 30 MB cell is an export
        mistake, and auditing it cost minutes and gigabytes.
        """
        from audit.core.errors import InputError

        text = self.text
        if len(text) > cap or (len(text) * 4 > cap and len(text.encode("utf-8")) > cap):
            size = len(text.encode("utf-8"))
            raise InputError(
                f"{self.path}: {size / 1e6:.1f} MB of text is over the {cap / 1e6:.0f} MB "
                "limit (--max-file-size), skipped"
            )
        return text

    def resolved_format(self) -> str:
        """The reader to use; an unknown --format-column value is this row's input error."""
        from audit.core.errors import InputError

        fmt = self.format.strip().lower()
        if fmt == "auto":
            return guess_format(self.text)
        if fmt not in ROW_FORMATS:
            raise InputError(
                f"{self.path}: unknown format {self.format!r} in the format column "
                f"(use markdown, html or text)"
            )
        return ROW_FORMATS[fmt]


@dataclass(frozen=True)
class CorpusSpec:
    """Which columns hold what (--text-column, --id-column, --format-column)."""

    text_column: str
    id_column: str | None = None
    format_column: str | None = None
    default_format: str = "auto"  # --input-format

    @property
    def columns(self) -> list[str]:
        return [c for c in (self.text_column, self.id_column, self.format_column) if c]


def is_corpus_file(path: str) -> bool:
    return Path(path).suffix.lower() in CORPUS_SUFFIXES


def kind_of(path: str) -> str:
    return CORPUS_SUFFIXES[Path(path).suffix.lower()]


def check_columns(path: str, spec: CorpusSpec) -> None:
    """Fail early, on one line, when the file cannot be read or lacks a named column."""
    present = read_columns(path)
    missing = [c for c in spec.columns if c not in present]
    if missing:
        shown = ", ".join(present[:20]) + (", ..." if len(present) > 20 else "")
        raise UsageError(f"{path}: no column {missing[0]!r} (columns: {shown or 'none'})")


def read_columns(path: str) -> list[str]:
    """The file's column names, read from its header, schema or first record."""
    kind = kind_of(path)
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            return list(pq.ParquetFile(path).schema_arrow.names)
        if kind == "jsonl":
            import json

            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        record = json.loads(line)
                        if not isinstance(record, dict):
                            raise ValueError("a line is not a JSON object")
                        return list(record)
            return []
        import pandas as pd

        return [str(c) for c in pd.read_csv(path, nrows=0, sep=_sep(kind)).columns]
    except ImportError as exc:
        raise UsageError(
            f"{path}: reading Parquet needs pyarrow (pip install 'claims-audit[parquet]'): {exc}"
        ) from None
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except Exception as exc:
        raise UsageError(f"{path}: cannot read as {kind} ({_one_line(exc)})") from None


def iter_rows(path: str, spec: CorpusSpec, chunk_rows: int = CHUNK_ROWS) -> Iterator[RowInput]:
    """The file's rows as RowInputs, read chunk by chunk."""
    row = 0
    for frame in iter_frames(path, spec, chunk_rows):
        yield from rows_of(frame, path, spec, row)
        row += len(frame)


def iter_frames(path: str, spec: CorpusSpec, chunk_rows: int = CHUNK_ROWS):
    """pandas DataFrames of at most chunk_rows rows holding only the named columns."""
    kind = kind_of(path)
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches(
                batch_size=chunk_rows, columns=spec.columns
            ):
                yield batch.to_pandas()
        elif kind == "jsonl":
            import pandas as pd

            with pd.read_json(
                path, lines=True, chunksize=chunk_rows, dtype=False, encoding="utf-8"
            ) as reader:
                for frame in reader:
                    for c in spec.columns:
                        if c not in frame.columns:
                            frame[c] = None
                    yield frame[spec.columns]
        else:
            import pandas as pd

            with pd.read_csv(
                path,
                sep=_sep(kind),
                usecols=spec.columns,
                dtype=str,
                keep_default_na=False,
                chunksize=chunk_rows,
                encoding="utf-8",
                encoding_errors="replace",
            ) as reader:
                yield from reader
    except UsageError:
        raise
    except Exception as exc:
        raise UsageError(f"{path}: cannot read as {kind} ({_one_line(exc)})") from None


def rows_of(frame, path: str, spec: CorpusSpec, first_row: int) -> Iterator[RowInput]:
    """RowInputs for a DataFrame chunk whose first row is number first_row (0-based)."""
    texts = frame[spec.text_column].tolist()
    ids = frame[spec.id_column].tolist() if spec.id_column else [None] * len(texts)
    fmts = frame[spec.format_column].tolist() if spec.format_column else [None] * len(texts)
    for i, (text, rid, fmt) in enumerate(zip(texts, ids, fmts, strict=True)):
        yield RowInput(
            path=_cell(rid) or f"{path}:{first_row + i + 1}",
            text=_cell(text),
            format=_cell(fmt) or spec.default_format,
        )


def _cell(value) -> str:
    """A cell as text: missing values (None, NaN, NA) are empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    try:
        import pandas as pd

        if value is pd.NA:
            return ""
    except ImportError:  # pragma: no cover
        pass
    return str(value)


def _sep(kind: str) -> str:
    return "\t" if kind == "tsv" else ","


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
