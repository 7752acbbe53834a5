"""`claims-audit ... | head -1`: the reader leaves early, the exit code is still the verdict."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("fmt", ["json", "jsonl", "text", "sarif"])
def test_a_closed_pipe_exits_with_the_verdict_and_no_traceback(tmp_path, fmt):
    for i in range(40):  # far more output than a pipe holds
        (tmp_path / f"p{i:02d}.md").write_text(
            "Studies show that 80% of clients sleep better.\n" * 40
        )
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "run_audit.py"), ".", "--format", fmt, "--jobs", "1"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)  # what `head -c 10` reads, then it goes away
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 1, err  # findings: 1, as when the whole report is read
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err
