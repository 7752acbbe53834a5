"""Summary tables shared by the HTML and Markdown reports, computed with pandas.

Reviewers compare documents and categories at a glance, so every report shows the same counts:
by category, severity, action and document, plus claims density (findings per 1,000 words),
which makes a long article and a short landing page comparable. Keeping the arithmetic here,
in one place, means the HTML and Markdown reports can never disagree about a number.

pandas is imported only by the writers that need it (see audit.writers), never by a console run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from audit.core.severity import MOST_SEVERE_FIRST

if TYPE_CHECKING:
    from audit.core.result import DocumentResult

# Most severe first: the order every table and chart uses.
SEVERITIES: tuple[str, ...] = MOST_SEVERE_FIRST
_FINDING_COLUMNS = ["path", "category", "severity", "action", "rule"]


def findings_frame(results: list[DocumentResult]) -> pd.DataFrame:
    """One row per finding with the columns the summaries group by.

    `doc` is the position of the document in `results`, so two inputs that share a path (the
    same file given twice, or two stdin runs) are still counted apart.
    """
    rows = [
        [i, *(getattr(f, c) for c in _FINDING_COLUMNS)]
        for i, r in enumerate(results)
        for f in r.findings
    ]
    return pd.DataFrame(rows, columns=["doc", *_FINDING_COLUMNS])


def counts_by(frame: pd.DataFrame, column: str, order: list[str] | None = None) -> pd.DataFrame:
    """Findings per value of `column`, split by severity, with a total.

    Rows run from most to fewest findings, ties by name, unless `order` fixes the rows (then
    values in `order` with no findings are kept as zero rows, so a severity table always shows
    error, warning and info).
    """
    columns = [column, *SEVERITIES, "total"]
    if frame.empty:
        table = pd.DataFrame(0, index=pd.Index(order or [], name=column), columns=list(SEVERITIES))
    else:
        table = (
            frame.groupby([column, "severity"])
            .size()
            .unstack(fill_value=0)
            # reindex: a severity no finding has still gets its column
            .reindex(columns=list(SEVERITIES), fill_value=0)
        )
        if order is not None:
            table = table.reindex(order, fill_value=0)
    table["total"] = table[list(SEVERITIES)].sum(axis=1)
    table = table.reset_index()
    table.columns = columns
    if order is None:
        table = table.sort_values(["total", column], ascending=[False, True], kind="mergesort")
    return table.astype({c: "int64" for c in columns[1:]}).reset_index(drop=True)


def documents_table(results: list[DocumentResult]) -> pd.DataFrame:
    """One row per document in input order: size, findings by severity, claims density.

    Columns: path, format, words, sentences, findings, error, warning, info (finding counts by
    severity), per_1000_words, read_error (why the document could not be read, or None).

    Density is None for a document with no words (empty or unreadable), not zero: "no text"
    and "no claims" are different answers for a reviewer.
    """
    docs = pd.DataFrame(
        [
            {
                "path": r.path,
                "format": r.format,
                "words": r.words,
                "sentences": r.sentences,
                "read_error": r.error,
            }
            for r in results
        ],
        columns=["path", "format", "words", "sentences", "read_error"],
    )
    counts = counts_by(findings_frame(results), "doc").drop(columns="total").set_index("doc")
    sev_cols = list(SEVERITIES)
    docs[sev_cols] = counts.reindex(range(len(results)), fill_value=0).to_numpy()
    docs[sev_cols] = docs[sev_cols].astype("int64")
    docs["findings"] = docs[sev_cols].sum(axis=1).astype("int64")
    words = docs["words"].where(docs["words"] > 0)
    density = (docs["findings"] * 1000 / words).round(1)
    docs["per_1000_words"] = density.astype(object).where(density.notna(), None)
    docs["read_error"] = docs["read_error"].astype(object).where(docs["read_error"].notna(), None)
    return docs[
        ["path", "format", "words", "sentences", "findings", *sev_cols, "per_1000_words"]
        + ["read_error"]
    ]


def records(table: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts of Python values, for templates (no numpy scalars leak out)."""
    return [
        {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
        for row in table.to_dict(orient="records")
    ]
