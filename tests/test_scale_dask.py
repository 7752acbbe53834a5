"""--engine dask on a LocalCluster of two worker processes gives the local engine's findings."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from tests.scale_helpers import make_folder, rows

pytestmark = pytest.mark.slow

if not os.environ.get("CI"):
    pytest.importorskip("distributed")  # CI installs the test extra, which has it


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("dask")
    folder = make_folder(root / "site", copies=1)
    export = root / "pages.csv"
    pd.DataFrame(rows()).to_csv(export, index=False)
    return folder, export


def _partitions(out, ext: str) -> list[str]:
    return sorted(p.name for p in (out / "findings").iterdir() if p.suffix == ext)


def test_dask_findings_equal_the_local_engine(cli, tmp_path, scheduler, corpus):
    folder, export = corpus
    args = [str(folder), str(export), "--text-column", "body", "--id-column", "url"]
    local = cli(*args, "--format", "jsonl", "--jobs", "1")
    assert local.returncode == 1, local.stderr
    out = tmp_path / "out"
    dist = cli(*args, "--engine", "dask", "--scheduler", scheduler, "--out-dir", str(out))
    assert dist.returncode == 1, dist.stderr
    assert "Traceback" not in dist.stderr
    parts = _partitions(out, ".jsonl")
    assert len(parts) >= 3  # the folder in 2 x 2 workers' partitions, plus the export
    lines = "".join((out / "findings" / p).read_text(encoding="utf-8") for p in parts)
    assert lines == local.stdout

    summary = json.loads((out / "claims-audit.summary.json").read_text(encoding="utf-8"))
    report = json.loads(cli(*args, "--format", "json", "--jobs", "1").stdout)
    assert summary["summary"] == report["summary"]
    assert summary["documents"] == report["documents"]
    assert dist.stdout.splitlines()[-1].startswith(f"{report['summary']['findings']} findings")


def test_dask_parquet_partitions(cli, tmp_path, scheduler, corpus):
    folder, _ = corpus
    out = tmp_path / "out"
    result = cli(
        str(folder), "--engine", "dask", "--scheduler", scheduler,
        "--format", "parquet", "--out-dir", str(out), "--partitions", "3",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert _partitions(out, ".parquet") == [f"part-{i:05d}.parquet" for i in range(3)]
    table = pd.read_parquet(out / "findings")
    local = [json.loads(x) for x in cli(str(folder), "--format", "jsonl").stdout.splitlines()]
    assert len(table) == len(local)
    assert table["path"].tolist() == [f["path"] for f in local]
    assert [json.loads(x) for x in table["links"]] == [f["links"] for f in local]


def test_dask_needs_an_out_dir(cli, corpus):
    result = cli(str(corpus[0]), "--engine", "dask")
    assert result.returncode == 2
    assert result.stderr == (
        "claims-audit: --engine dask writes findings partitions: give --out-dir DIR\n"
    )


def test_dask_refuses_what_only_the_local_engine_does(cli, tmp_path):
    result = cli("-", "--engine", "dask", "--out-dir", str(tmp_path), stdin="Studies show.")
    assert result.returncode == 2
    assert result.stderr.startswith("claims-audit: --engine dask audits files and corpus exports")
    assert len(result.stderr.splitlines()) == 1


def test_an_export_that_breaks_partway_is_one_line(cli, tmp_path, scheduler):
    export = tmp_path / "broken.csv"
    lines = ["url,body", *(f'u{i},"Studies show {i}% improved."' for i in range(50))]
    export.write_text("\n".join(lines) + '\nu99,"never closed\n', encoding="utf-8")
    args = ["--text-column", "body", "--engine", "dask", "--scheduler", scheduler]
    result = cli(str(export), *args, "--out-dir", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith("claims-audit: --engine dask: a partition failed (")
    assert len(result.stderr.splitlines()) == 1
