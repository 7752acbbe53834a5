"""--jobs: worker processes give the same findings, in the same order, as one process."""

from __future__ import annotations

import io
import json

import pytest

from audit.cli import main
from audit.engines.parallel import chunks
from tests.scale_helpers import ARTICLES, make_folder

pytestmark = pytest.mark.slow


def test_jobs_2_output_is_identical_to_jobs_1(cli, tmp_path):
    corpus = make_folder(tmp_path / "corpus")  # two of each article: several chunks per worker
    one = cli(str(corpus), "--format", "json", "--jobs", "1")
    two = cli(str(corpus), "--format", "json", "--jobs", "2")
    assert one.returncode == two.returncode == 1, two.stderr
    assert two.stdout == one.stdout
    report = json.loads(two.stdout)
    assert (
        report["summary"]["documents"] == 2 * len(ARTICLES) and report["summary"]["findings"] > 100
    )
    for fmt in ("jsonl", "text", "sarif"):
        assert (
            cli(str(corpus), "--format", fmt, "--jobs", "2").stdout
            == cli(str(corpus), "--format", fmt, "--jobs", "1").stdout
        )


def test_per_document_errors_survive_workers(cli, tmp_path):
    corpus = make_folder(tmp_path / "corpus")
    (corpus / "part0" / "binary.md").write_bytes(b"\x00\x01 not text")
    (corpus / "part1" / "latin1.md").write_bytes(b"Studies show 70% of caf\xe9 owners agree.")
    one = cli(str(corpus), "--format", "json", "--jobs", "1")
    two = cli(str(corpus), "--format", "json", "--jobs", "2")
    assert one.returncode == two.returncode == 2
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr
    assert "binary file" in two.stderr and "not valid UTF-8" in two.stderr
    assert "Traceback" not in two.stderr
    docs = {d["path"].rsplit("/", 1)[-1]: d for d in json.loads(two.stdout)["documents"]}
    assert docs["binary.md"]["error"] and docs["latin1.md"]["findings"] >= 1


def test_progress_bar_counts_every_document(tmp_path, monkeypatch):
    import audit.cli.messages

    corpus = make_folder(tmp_path / "corpus")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    counts = []
    close = audit.cli.messages.Progress.__exit__

    def record(self, *exc):
        counts.append((self.bar.n, self.bar.total))
        close(self, *exc)

    monkeypatch.setattr(audit.cli.messages.Progress, "__exit__", record)
    monkeypatch.setattr("sys.stderr", Terminal())
    assert main([str(corpus), "--jobs", "2", "-o", str(tmp_path / "out.txt")]) == 1
    assert counts == [(2 * len(ARTICLES), 2 * len(ARTICLES))]


def test_chunks_split_by_count_and_by_text_size():
    class Row:
        def __init__(self, n: int) -> None:
            self.text = "x" * n

    assert [len(c) for c in chunks(range(20), docs=8)] == [8, 8, 4]
    sizes = [len(c) for c in chunks([Row(100), Row(100), Row(300), Row(10)], docs=8, chars=250)]
    assert sizes == [3, 1]


def test_jobs_must_be_positive(cli, tmp_path):
    result = cli("--jobs", "0", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "claims-audit: argument --jobs: must be 1 or more, not 0 (see `claims-audit --help`)"
    )


class _CrashOn:
    """A worker-side step that kills its process on one document, like an out-of-memory kill."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, result) -> None:
        import os

        if result.path.endswith(self.name):
            os._exit(1)


def test_a_worker_that_dies_costs_only_its_document(tmp_path, nlp, rulebook):
    from audit.engines.local import run
    from audit.engines.parallel import WorkerSpec, audit_parallel
    from audit.inputs.discovery import discover

    corpus = make_folder(tmp_path / "corpus")
    poison = corpus / "part1" / "00-poison.md"
    poison.write_text("Studies show it works.\n")
    inputs, _ = discover([str(corpus)])
    spec = WorkerSpec(rulebook, prepare=_CrashOn("00-poison.md"))
    results = list(audit_parallel(inputs, spec, 2, nlp=nlp))
    assert [r.path for r in results] == [i.path for i in inputs]
    failed = [r for r in results if r.error]
    assert [r.path for r in failed] == [poison.as_posix()]
    assert "worker process died" in failed[0].error
    expected = {r.path: r.findings for r in run(inputs, nlp, rulebook)}
    for r in results:
        if not r.error:
            assert r.findings == expected[r.path]


def test_spawned_workers_build_their_own_pipeline(tmp_path, monkeypatch, nlp, rulebook):
    """Where fork is missing (macOS and Windows default to spawn), workers start from scratch."""
    import multiprocessing

    from audit.engines.local import run
    from audit.engines.parallel import WorkerSpec, audit_parallel
    from audit.inputs.discovery import discover

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    inputs, _ = discover([str(make_folder(tmp_path / "corpus", copies=1))])
    spawned = list(audit_parallel(inputs, WorkerSpec(rulebook), 2))
    assert [r.findings for r in spawned] == [r.findings for r in run(inputs, nlp, rulebook)]


def test_without_jobs_workers_start_only_for_enough_text(tmp_path, monkeypatch, nlp, rulebook):
    """A small folder is audited in this process (starting workers costs more than it saves);
    a large one, or an explicit --jobs, goes to workers."""
    import audit.engines.runner as runner
    from audit.engines.local import RunOptions
    from audit.inputs.discovery import discover

    started: list[int] = []
    monkeypatch.setattr(runner, "audit_parallel", lambda *a, **k: started.append(a[2]) or iter(()))
    monkeypatch.setattr(runner, "iter_audit", lambda *a, **k: iter(()))  # here: not audited
    small = make_folder(tmp_path / "small")  # 38 files, about 300 kB
    inputs, _ = discover([str(small)])
    options = RunOptions()
    list(runner.audit_stream(inputs, inputs, nlp, rulebook, options))
    assert started == []
    list(runner.audit_stream(inputs, inputs, nlp, rulebook, options, jobs=2))
    assert started == [2]
    monkeypatch.setattr(runner, "AUTO_PARALLEL_BYTES", 100_000)
    list(runner.audit_stream(inputs, inputs, nlp, rulebook, options))
    assert len(started) == 2
