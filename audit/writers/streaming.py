"""JSON and JSON Lines written while documents are audited, in memory that does not grow.

The JSON report lists documents, then the summary, then every finding sorted by path and
offset. Written naively that needs every result in memory until the end. Here each result is
rendered as it arrives: document entries and suppressed findings go to temporary files in input
order, findings go through an external merge sort (sorted runs on disk, merged at the end), and
the summary is a running total. The bytes written are the same as `json_report.render`'s.

JSON Lines needs no sort: one finding per line, documents in input order, each document's
findings by offset, written straight through.
"""

from __future__ import annotations

import heapq
import json
import json.encoder
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from audit.core.finding import Finding, finding_dict, sort_key
from audit.core.header import report_header
from audit.core.output import Output, make_workdir
from audit.core.result import DocumentResult
from audit.core.totals import Totals

RUN_BYTES = 16_000_000  # rendered findings held before a sorted run is written to disk


@dataclass(frozen=True)
class Prepare:
    """Per-result work for streamed output, done where the result is produced.

    With --jobs it runs in the worker processes: project policy (postprocess.finish), then
    each streamed format's text for the findings, so the parent only adds up and writes.
    """

    policy: Any  # audit.policy.postprocess.Policy
    formats: tuple[str, ...]

    def __call__(self, r: DocumentResult) -> None:
        if r.prepared:
            return
        from audit.policy.postprocess import finish

        finish([r], self.policy)
        r.prepared = True
        if "json" in self.formats:
            r.rendered["json"] = [_render_item(finding_dict(f)) for f in r.findings]
        if "jsonl" in self.formats:
            r.rendered["jsonl"] = [json_line(f) for f in r.findings]


class JSONStream:
    """The versioned JSON report, written incrementally."""

    def __init__(self, target: Path | None, fail_on: str) -> None:
        self.out = Output(target)
        self.totals = Totals(fail_on)
        self.dir = make_workdir("json")
        # open across add() calls, closed in cleanup()
        self.documents = open(os.path.join(self.dir, "documents"), "w+", encoding="utf-8")  # noqa: SIM115
        self.suppressed = open(os.path.join(self.dir, "suppressed"), "w+", encoding="utf-8")  # noqa: SIM115
        self.n_documents = self.n_suppressed = 0
        self.buffer: list[tuple[tuple, int, str]] = []
        self.buffered = 0
        self.runs: list[str] = []
        self.seq = 0

    def add(self, r: DocumentResult) -> None:
        self.totals.add(r)
        self.n_documents = _item(self.documents, self.n_documents, r.to_dict())
        for f in r.suppressed:
            self.n_suppressed = _item(self.suppressed, self.n_suppressed, finding_dict(f))
        texts = r.rendered.get("json") or [_render_item(finding_dict(f)) for f in r.findings]
        for f, text in zip(r.findings, texts, strict=True):
            self.buffer.append((sort_key(f), self.seq, text))
            self.seq += 1
            self.buffered += len(text)
        if self.buffered >= RUN_BYTES:
            self._spill()

    def _spill(self) -> None:
        self.buffer.sort(key=lambda e: (e[0], e[1]))
        path = os.path.join(self.dir, f"run{len(self.runs):05d}")
        with open(path, "wb") as fh:
            for entry in self.buffer:
                pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.runs.append(path)
        self.buffer, self.buffered = [], 0

    def _findings(self):
        self.buffer.sort(key=lambda e: (e[0], e[1]))
        streams = [_read_run(p) for p in self.runs] + [iter(self.buffer)]
        for _, _, text in heapq.merge(*streams, key=lambda e: (e[0], e[1])):
            yield text

    def close(self) -> None:
        try:
            fh = self.out.fh
            fh.write(json.dumps(report_header(), ensure_ascii=False, indent=2)[:-2])
            fh.write(',\n  "documents": ')
            _copy_list(self.documents, self.n_documents, fh)
            fh.write(',\n  "summary": ')
            fh.write(_indent_tail(json.dumps(self.totals.summary(), ensure_ascii=False, indent=2)))
            fh.write(',\n  "findings": ')
            first = True
            for text in self._findings():
                fh.write("[\n" if first else ",\n")
                fh.write(text)
                first = False
            fh.write("[]" if first else "\n  ]")
            fh.write(',\n  "suppressed": ')
            _copy_list(self.suppressed, self.n_suppressed, fh)
            fh.write("\n}\n")
            self.out.commit()
        except BaseException:
            self.out.abort()
            raise
        finally:
            self.cleanup()

    def cleanup(self) -> None:
        self.documents.close()
        self.suppressed.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def abort(self) -> None:
        self.out.abort()
        self.cleanup()


class JSONLinesStream:
    """One finding per line, as the JSON report's finding objects, written straight through."""

    def __init__(self, target: Path | None, fail_on: str) -> None:
        self.out = Output(target)
        self.totals = Totals(fail_on)

    def add(self, r: DocumentResult) -> None:
        self.totals.add(r)
        self.out.fh.writelines(r.rendered.get("jsonl") or [json_line(f) for f in r.findings])

    def close(self) -> None:
        self.out.commit()

    def abort(self) -> None:
        self.out.abort()


# Formats written while the audit runs, so memory does not grow with the corpus.
STREAMS: dict[str, type[JSONStream] | type[JSONLinesStream]] = {
    "json": JSONStream,
    "jsonl": JSONLinesStream,
}


def json_line(f: Finding) -> str:
    return json.dumps(finding_dict(f), ensure_ascii=False) + "\n"


def _render_item(obj: dict) -> str:
    """A list item two levels deep in an indent=2 dump (as json.dumps would write it)."""
    try:
        return "    " + _indented(obj, "    ")
    except _Unsupported:
        return "    " + json.dumps(obj, ensure_ascii=False, indent=2).replace("\n", "\n    ")


class _Unsupported(Exception):
    """A value _indented leaves to json.dumps (floats, non-string keys, other types)."""


def _indented(value, indent: str) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)` for strings, ints, None, bools, lists
    and dicts, about twice as fast: with `indent` the json module uses its pure-Python encoder,
    while here only strings are encoded, by its C function. The streaming tests compare the
    two byte for byte.
    """
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is list:
        if not value:
            return "[]"
        inner = indent + "  "
        items = [inner + _indented(v, inner) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    if kind is dict:
        if not value:
            return "{}"
        inner = indent + "  "
        if any(type(k) is not str for k in value):
            raise _Unsupported
        items = [f"{inner}{_encode_str(k)}: {_indented(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    raise _Unsupported


_encode_str = json.encoder.encode_basestring  # the C encoder's, with ensure_ascii=False


def _indent_tail(text: str) -> str:
    """A value one level deep in an indent=2 dump: every line after the first moves right."""
    return text.replace("\n", "\n  ")


def _item(fh: IO[str], n: int, obj: dict) -> int:
    if n:
        fh.write(",\n")
    fh.write(_render_item(obj))
    return n + 1


def _copy_list(src: IO[str], n: int, dst: IO[str]) -> None:
    if not n:
        dst.write("[]")
        return
    dst.write("[\n")
    src.flush()
    src.seek(0)
    shutil.copyfileobj(src, dst)
    dst.write("\n  ]")


def _read_run(path: str):
    with open(path, "rb") as fh:
        while True:
            try:
                yield pickle.load(fh)
            except EOFError:
                return
