"""Output channels carry untrusted text: document text and file names never act on a terminal,
a CI log, an XML parser, a URI resolver or a spreadsheet, whatever characters they hold.

Every test runs the real CLI on files written into tmp_path. Output that matters byte for byte
(a carriage return is a control character too) is read as bytes, from stdout or from the file
written with -o.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Everything a document or a file name may hold that acts on a terminal: CSI (clear screen),
# OSC 52 (write the clipboard), BEL, backspace, CR, VT, FF, DEL, NEL and CSI as C1 controls,
# a bidi override and an isolate ("Trojan source"), SOH, and the Unicode line separator.
CONTROLS = "\x1b[2J\x1b]52;c;cHduZWQ=\x07\x08\r\x0b\x0c\x7f\x85\x9b\u202e\u2066\x01\u2028"
RAW = set("\x1b\x07\x08\r\x0b\x0c\x7f\x85\x9b\u202e\u2066\x01\u2028")
# A file name that tries to start a GitHub Actions workflow command on a line of its own.
EVIL_NAME = f"evil\n::error file=x.md::pwned{CONTROLS}.md"
CLAIM = f"Studies show that 80% of clients{CONTROLS} sleep better.\n"


def run_raw(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The real CLI, as the `cli` fixture runs it, with stdout and stderr kept as bytes."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(ROOT / "run_audit.py"), *args],
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


@pytest.fixture
def evil(tmp_path) -> str:
    (tmp_path / EVIL_NAME).write_text(CLAIM, encoding="utf-8")
    return EVIL_NAME


def assert_inert(text: str) -> None:
    """No raw control character, and no line a CI runner would read as a workflow command."""
    assert not RAW & set(text), sorted(RAW & set(text))
    for line in text.split("\n"):
        assert not line.startswith("::"), line


# -- console -----------------------------------------------------------------------------


def test_escape_shows_every_control_and_keeps_ordinary_text():
    from audit.writers.safe_text import escape

    assert escape("ok: caf\u00e9 \U0001f468\u200d\U0001f469 \u05e9\u05dc\u05d5\u05dd") == (
        "ok: caf\u00e9 \U0001f468\u200d\U0001f469 \u05e9\u05dc\u05d5\u05dd"
    )
    assert escape("a\x1b[31mb\x07\x00\x7f\x85\x9b\n\r\t") == (
        "a\\x1b[31mb\\x07\\x00\\x7f\\x85\\x9b\\x0a\\x0d\\x09"
    )
    bidi = "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
    assert escape(bidi) == "".join(f"\\u{ord(c):04x}" for c in bidi)
    assert escape("\u2028\u2029\udcff") == "\\u2028\\u2029\\udcff"
    assert all(ord(c) < 0x7F and c.isprintable() for c in escape(CONTROLS))


def test_console_report_escapes_paths_and_sentences(tmp_path, evil):
    r = run_raw(evil, cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    out = r.stdout.decode("utf-8")
    assert_inert(out)
    heads = [ln for ln in out.split("\n")[:-2] if not ln.startswith("    ")]
    assert heads and all(ln.startswith("evil\\x0a::error file=x.md::pwned\\x1b[2J") for ln in heads)
    assert "\\x1b]52;c;cHduZWQ=\\x07" in out  # OSC 52 shown, not sent
    assert "\\u202e\\u2066" in out and "\\x85\\x9b" in out
    assert "    | Studies show that 80% of clients\\x1b[2J" in out
    assert out.rstrip("\n").split("\n")[-1].startswith("3 findings")


def test_console_report_through_a_folder_walk_and_to_a_file(tmp_path, evil):
    r = run_raw(".", "-o", "report.log", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert_inert((tmp_path / "report.log").read_bytes().decode("utf-8"))
    quiet = run_raw(".", "-q", cwd=tmp_path)
    assert quiet.stdout.decode("utf-8").startswith("3 findings")
