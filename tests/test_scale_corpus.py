"""CSV, JSON Lines and Parquet exports: each row is a document whose path is the row id."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from audit.inputs.corpus import CorpusSpec, iter_rows
from tests.scale_helpers import ARTICLES, rows

pytestmark = pytest.mark.slow

SAVE = {
    "csv": lambda df, p: df.to_csv(p, index=False),
    "jsonl": lambda df, p: df.to_json(p, orient="records", lines=True, force_ascii=False),
    "parquet": lambda df, p: df.to_parquet(p),
}


def _export(tmp_path, kind: str, frame=None):
    path = tmp_path / f"pages.{kind}"
    SAVE[kind](pd.DataFrame(rows()) if frame is None else frame, path)
    return path


def _strip(finding: dict) -> dict:
    return {k: v for k, v in finding.items() if k not in ("path", "fingerprint")}


@pytest.fixture(scope="module")
def file_findings(tmp_path_factory):
    """The same articles audited as files, in the same order."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = subprocess.run(
        [sys.executable, str(ROOT / "run_audit.py"), *map(str, ARTICLES), "--format", "jsonl"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet"])
def test_rows_are_audited_like_files(cli, tmp_path, kind, file_findings):
    path = _export(tmp_path, kind)
    args = ["--text-column", "body", "--id-column", "url", "--format-column", "fmt"]
    result = cli(str(path), *args, "--format", "jsonl", "--jobs", "2")
    assert result.returncode == 1, result.stderr
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert [_strip(f) for f in found] == [_strip(f) for f in file_findings]
    by_file = {p.stem: p for p in ARTICLES}
    for f in found:
        assert f["path"].startswith("https://site.example/")
        assert by_file[f["path"].rsplit("/", 1)[1]].exists()


def test_default_row_id_and_format_guess(cli, tmp_path):
    frame = pd.DataFrame(
        {
            "body": [
                "Studies show it works.",
                "<html><body><p>Studies show it works.</p></body></html>",
            ]
        }
    )
    path = _export(tmp_path, "csv", frame)
    result = cli(str(path), "--text-column", "body", "--format", "json")
    docs = json.loads(result.stdout)["documents"]
    assert [(d["path"], d["format"]) for d in docs] == [
        (f"{path}:1", "markdown"),
        (f"{path}:2", "html"),
    ]


def test_chunked_reading_gives_the_same_rows(tmp_path):
    path = _export(tmp_path, "jsonl")
    spec = CorpusSpec("body", "url", "fmt")
    assert list(iter_rows(str(path), spec, chunk_rows=2)) == list(iter_rows(str(path), spec))


def test_missing_values_are_empty_documents(cli, tmp_path):
    frame = pd.DataFrame({"id": ["a", "b"], "body": ["Studies show it works.", None]})
    path = _export(tmp_path, "parquet", frame)
    result = cli(str(path), "--text-column", "body", "--id-column", "id", "--format", "json")
    docs = json.loads(result.stdout)["documents"]
    assert [(d["path"], d["words"], d["error"]) for d in docs] == [("a", 4, None), ("b", 0, None)]


def test_unknown_row_format_is_that_rows_error(cli, tmp_path):
    frame = pd.DataFrame({"body": ["Studies show it works.", "x"], "fmt": ["markdown", "pdf"]})
    path = _export(tmp_path, "csv", frame)
    result = cli(str(path), "--text-column", "body", "--format-column", "fmt", "-q")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"claims-audit: {path}:2: unknown format 'pdf' in the format column "
        "(use markdown, html or text)"
    )


@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet"])
def test_missing_column_is_one_line(cli, tmp_path, kind):
    path = _export(tmp_path, kind)
    result = cli(str(path), "--text-column", "content")
    assert result.returncode == 2
    assert result.stderr == (
        f"claims-audit: {path}: no column 'content' (columns: url, body, fmt)\n"
    )


def test_unreadable_parquet_is_one_line(cli, tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    result = cli(str(path), "--text-column", "body")
    assert result.returncode == 2
    assert result.stderr.startswith(f"claims-audit: {path}: cannot read as parquet (")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_export_without_text_column_and_columns_without_export(cli, tmp_path):
    path = _export(tmp_path, "csv")
    assert "needs --text-column" in cli(str(path)).stderr
    lone = cli(str(ARTICLES[0]), "--text-column", "body")
    assert lone.returncode == 2 and "need a CSV" in lone.stderr
