"""JSON written incrementally is byte for byte the report json_report renders from memory."""

from __future__ import annotations

import json

import pytest

from audit.engines.local import run
from audit.inputs.discovery import discover
from audit.policy.config import Config
from audit.policy.postprocess import Policy, finish
from audit.writers import streaming
from audit.writers.json_report import to_json
from tests.scale_helpers import make_folder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results(tmp_path_factory, nlp, rulebook):
    corpus = make_folder(tmp_path_factory.mktemp("stream"), copies=1)
    files = sorted(p.as_posix() for p in corpus.rglob("*.*"))
    # Reverse order: documents in input order, findings sorted by path across documents.
    inputs, _ = discover(files[::-1])
    out = run(inputs, nlp, rulebook)
    known = {r.id for r in rulebook.rules} | {r.category for r in rulebook.rules}
    finish(out, Policy(Config(), {r.id for r in rulebook.rules}, known))
    return out


@pytest.mark.parametrize("run_bytes", [10**9, 5_000])  # one run in memory; many runs on disk
def test_streamed_json_equals_rendered_json(results, tmp_path, monkeypatch, run_bytes):
    monkeypatch.setattr(streaming, "RUN_BYTES", run_bytes)
    target = tmp_path / "report.json"
    sink = streaming.JSONStream(target, "warning")
    for r in results:
        sink.add(r)
    sink.close()
    assert target.read_text(encoding="utf-8") == to_json(results, "warning")
    assert not list(tmp_path.glob(".report.json.*")), "temporary file left behind"


def test_streamed_json_with_no_results(tmp_path):
    sink = streaming.JSONStream(tmp_path / "empty.json", "info")
    sink.close()
    assert (tmp_path / "empty.json").read_text(encoding="utf-8") == to_json([], "info")


def test_json_lines_hold_the_report_findings(results, tmp_path):
    sink = streaming.JSONLinesStream(tmp_path / "f.jsonl", "warning")
    for r in results:
        sink.add(r)
    sink.close()
    lines = [json.loads(x) for x in (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()]
    report = json.loads(to_json(results, "warning"))
    assert (
        sorted(lines, key=lambda f: (f["path"], f["start"], f["end"], f["rule"]))
        == report["findings"]
    )
    assert [f["path"] for f in lines] == [f.path for r in results for f in r.findings]
    assert sink.totals.summary() == report["summary"]


def test_cli_json_is_unchanged_by_streaming(cli, tmp_path):
    """--format json (streamed) and --format json,text --out-dir (rendered) agree."""
    corpus = make_folder(tmp_path / "c", copies=1)
    streamed = cli(str(corpus), "--format", "json", "--jobs", "1")
    rendered = cli(str(corpus), "--format", "json,text", "--out-dir", str(tmp_path / "out"))
    assert streamed.returncode == rendered.returncode == 1
    assert streamed.stdout == (tmp_path / "out" / "claims-audit.json").read_text(encoding="utf-8")


def test_interrupted_stream_leaves_no_report(tmp_path):
    sink = streaming.JSONStream(tmp_path / "r.json", "warning")
    sink.abort()
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "value",
    [
        {"a": 'tab\t "quote" \u2014 \U0001f600 \x00', "n": -3, "t": True, "f": False, "z": None},
        {"nested": [{"x": []}, {}, [1, [2, "3"]]], "empty": {}},
        {"float": 1.5, "list": [0.1]},  # left to json.dumps
        {1: "non-string key"},  # left to json.dumps
    ],
)
def test_fast_item_rendering_matches_json_dumps(value):
    expected = "    " + json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n    ")
    assert streaming._render_item(value) == expected
