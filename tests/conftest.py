"""Shared fixtures: one rule book and one real spaCy pipeline for the whole session."""

from __future__ import annotations

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
def cli(tmp_path):
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
