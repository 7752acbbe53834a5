"""Shared fixtures: one rule book and one real spaCy pipeline for the whole session."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit.core.result import DocumentResult
from audit.engines.local import audit_document
from audit.nlp.pipeline import build_pipeline
from audit.readers import parse
from audit.rulebook.loader import load_rulebook

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def rulebook():
    return load_rulebook()


@pytest.fixture(scope="session")
def nlp(rulebook):
    return build_pipeline(rulebook)


@pytest.fixture(scope="session")
def audit_text(nlp, rulebook):
    """Audit a string as a document of the given format; return (document, findings)."""

    def run(text: str, fmt: str = "markdown", path: str = "doc"):
        document = parse(path, text, fmt)
        doc = nlp(document.text)
        result = audit_document(document, doc, rulebook, DocumentResult(path))
        return document, result.findings

    return run


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run the CLI in this process, as `claims-audit ARGS` in `cwd` (default: tmp_path).

    Returns a CompletedProcess with text output. A run costs the audit, not a Python and spaCy
    start-up. Tests about the process itself (signals, start-up, exit on kill, the installed
    entry point, the bytes a terminal receives) start a real one: `cli_process`.
    """
    import gc

    from audit.cli import main

    def run(*args: str, stdin: str | None = None, cwd: Path | None = None):
        monkeypatch.chdir(cwd or tmp_path)
        monkeypatch.setenv("NO_COLOR", "1")
        # Text streams over bytes, as a process has: writers that write bytes use .buffer.
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
        err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((stdin or "").encode())))
        threshold = gc.get_threshold()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(args))
        finally:
            # An audit tunes the cycle collector for a short-lived process (relax_gc): undo it,
            # so what this run left behind can be collected.
            gc.unfreeze()
            gc.set_threshold(*threshold)
        texts = []
        for stream in (out, err):
            stream.flush()
            texts.append(stream.buffer.getvalue().decode("utf-8", "replace"))  # type: ignore[attr-defined]
        return subprocess.CompletedProcess(list(args), code, *texts)

    return run


@pytest.fixture
def cli_process(tmp_path):
    """Run the real CLI in a subprocess; returns CompletedProcess with text output."""

    def run(*args: str, stdin: str | None = None, cwd: Path | None = None):
        env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
        return subprocess.run(
            [sys.executable, str(ROOT / "run_audit.py"), *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=cwd or tmp_path,
            env=env,
            timeout=300,
        )

    return run
