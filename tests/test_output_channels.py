"""Output channels carry untrusted text: document text and file names never act on a terminal,
a CI log, an XML parser, a URI resolver or a spreadsheet, whatever characters they hold.

Every test runs the real CLI on files written into tmp_path. Output that matters byte for byte
(a carriage return is a control character too) is read as bytes, from stdout or from the file
written with -o.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import urllib.parse
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


def assert_inert(text: str, commands: bool = False) -> None:
    """No raw control character, and (unless `commands`, for the GitHub format) no line a CI
    runner would read as a workflow command."""
    assert not RAW & set(text), sorted(RAW & set(text))
    for line in text.split("\n"):
        assert commands or not line.startswith("::"), line


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


# -- GitHub annotations ------------------------------------------------------------------

GITHUB_COMMAND = re.compile(
    r"^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)$"
)


def runner_unescape(value: str) -> str:
    """What the Actions runner makes of an escaped property or message (%25 last)."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ",")):
        value = value.replace(code, char)
    return value.replace("%25", "%")


def test_github_annotations_keep_file_names_and_controls_on_one_inert_line(tmp_path, evil):
    binary = f"bin\n::error::x{CONTROLS}.md"  # a binary file: an input error naming it
    (tmp_path / binary).write_bytes(b"\x00\x01\x02 not text")
    r = run_raw(evil, binary, "--format", "github", cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    out = r.stdout.decode("utf-8")
    assert_inert(out, commands=True)
    lines = out.rstrip("\n").split("\n")
    assert len(lines) == 4  # three findings and the input error, nothing else
    files = []
    for line in lines:
        m = GITHUB_COMMAND.match(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m.group(2).split(","))
        files.append(runner_unescape(props["file"]))
        message = runner_unescape(m.group(3))
        assert not RAW & set(message + props["title"]), line
        for part in message.split("\n"):
            assert not part.startswith("::"), line
    assert files[:3] == [files[0]] * 3 and files[3].startswith("bin\\x0a::error::x\\x1b[2J")
    assert files[0].startswith("evil\\x0a::error file=x.md::pwned\\x1b[2J\\x1b]52;c;")
    assert "\\u202e\\u2066" in files[0] and "\\x85\\x9b" in files[0]
    assert "clients\\x1b[2J" in out


# -- JUnit -------------------------------------------------------------------------------

XML_FORBIDDEN = "\x01\x1b\x0b\x7f\ufffe\uffff"  # \x7f is allowed; the others are not XML 1.0


def test_junit_is_parseable_whatever_the_documents_and_names_hold(tmp_path):
    import xml.etree.ElementTree as ET

    name = f"x{XML_FORBIDDEN}y.md"
    (tmp_path / name).write_text(
        f"Studies show that 80%{XML_FORBIDDEN} of clients sleep better.\n", encoding="utf-8"
    )
    # not valid UTF-8: Python holds the byte as a lone surrogate (\udcff); reports show the byte
    (tmp_path / os.fsdecode(b"bad\xff\x01.md")).write_text("Studies show it cures colds.\n")
    r = run_raw(".", "--format", "junit", cwd=tmp_path)
    assert r.returncode in (1, 2), r.stderr
    written = run_raw(".", "--format", "junit", "-o", "junit.log", cwd=tmp_path)
    assert written.returncode == r.returncode, written.stderr
    assert (tmp_path / "junit.log").read_bytes() == r.stdout
    root = ET.fromstring(r.stdout)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"bad\\xff\\x01.md", "x\\x01\\x1b\\x0b\x7f\\ufffe\\uffffy.md"}
    texts = [
        value for el in root.iter() for value in [el.text or "", el.tail or "", *el.attrib.values()]
    ]
    assert not any(set(XML_FORBIDDEN) - {"\x7f"} & set(t) for t in texts)
    failures = [f.text for f in suites["x\\x01\\x1b\\x0b\x7f\\ufffe\\uffffy.md"].iter("failure")]
    # the sentence is plain text: the vertical tab, whitespace, became a space
    assert failures and all("80%\\x01\\x1b \x7f\\ufffe\\uffff of clients" in t for t in failures)


# -- SARIF -------------------------------------------------------------------------------

AWKWARD = ["a b#c%d?.md", "c:notes.md", "http:x.md", "back\\slash.md", "café 日本.md", "100%.md"]
SUBFOLDER = ("sub dir#1", "x:y [z].md")
NOT_UTF8 = os.fsdecode(b"bad\xff.md")  # a name Python holds with a lone surrogate


def write_awkward(tmp_path: Path) -> tuple[list[str], set[str]]:
    """Files with awkward names; returns the arguments to pass and the absolute paths."""
    (tmp_path / SUBFOLDER[0]).mkdir()
    names = [*AWKWARD, NOT_UTF8, "/".join(SUBFOLDER)]
    for name in names:
        (tmp_path / name).write_text("Studies show it cures colds.\n", encoding="utf-8")
    return [*AWKWARD, NOT_UTF8, SUBFOLDER[0]], {str(tmp_path / n) for n in names}


def file_path(uri: str) -> str:
    """The file system path of a file:// URI (bytes that are not UTF-8 come back as such)."""
    parts = urllib.parse.urlsplit(uri)
    assert parts.scheme == "file" and parts.netloc == "" and not parts.query, uri
    return urllib.parse.unquote(parts.path, errors="surrogateescape")


def sarif_run(tmp_path: Path, *args: str, out: str) -> dict:
    """SARIF written with -o, checked against the official SARIF 2.1.0 schema."""
    import jsonschema

    r = run_raw(*args, "--format", "sarif", "-o", out, cwd=tmp_path)
    assert r.returncode == 1, r.stderr  # findings in every file, NOT_UTF8's included
    sarif = json.loads((tmp_path / out).read_bytes().decode("utf-8"))
    schema = ROOT / "tests" / "data" / "sarif-2.1.0.schema.json"
    jsonschema.validate(sarif, json.loads(schema.read_text(encoding="utf-8")))
    return sarif


def test_sarif_artifact_locations_are_uri_references_to_the_files(tmp_path):
    args, paths = write_awkward(tmp_path)
    # Known limit: a name that is not UTF-8 reaches the report as its display text (bad\xff.md),
    # so its URI names that text, not the file's bytes.
    shown = paths - {str(tmp_path / NOT_UTF8)} | {str(tmp_path / "bad\\xff.md")}

    run = sarif_run(tmp_path, *args, out="relative.sarif")["runs"][0]
    base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base.startswith("file:///") and base.endswith("/") and "uriBaseId" not in base
    assert file_path(base) == f"{tmp_path}/"
    resolved = set()
    for result in run["results"]:
        loc = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert loc["uriBaseId"] == "SRCROOT"
        ref = urllib.parse.urlsplit(loc["uri"])
        assert not ref.scheme and not loc["uri"].startswith("/"), loc  # a relative-path reference
        assert "\\" not in loc["uri"] and " " not in loc["uri"] and not ref.query, loc
        assert not ref.fragment, loc
        resolved.add(file_path(urllib.parse.urljoin(base, loc["uri"])))
    assert resolved == shown

    absolute = [str(tmp_path / a) for a in args]
    run = sarif_run(tmp_path, *absolute, out="absolute.sarif")["runs"][0]
    resolved = set()
    for result in run["results"]:
        loc = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert "uriBaseId" not in loc and loc["uri"].startswith("file:///"), loc
        resolved.add(file_path(loc["uri"]))
    assert resolved == shown


def test_sarif_locations_of_web_pages_are_their_urls(cli, tmp_path):
    from tests.localweb import LocalWeb

    with LocalWeb() as web:
        url = f"{web.base}/article.html?from=sarif"
        r = cli(url, "--format", "sarif", "--allow-private", "--cache-dir", str(tmp_path))
    assert r.returncode == 1, r.stderr
    results = json.loads(r.stdout)["runs"][0]["results"]
    assert results
    for result in results:
        assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": url}


MULTITOOL = "@microsoft/sarif-multitool-linux@5.7.0"


@pytest.fixture(scope="session")
def multitool() -> Path:
    """Microsoft's SARIF Multitool (Linux build), installed with npm into a cache folder when
    missing. Without npm the tests using it skip, unless CI is set: then they fail."""

    def unavailable(reason: str):
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI is set: .ci/run installs Node.js and npm")
        pytest.skip(reason)

    npm = shutil.which("npm")
    if npm is None:
        unavailable("npm is not installed (apt-get install nodejs npm)")
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        unavailable("the SARIF Multitool's Linux build runs on x86-64 Linux")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache / "claims-audit-tests" / MULTITOOL.replace("/", "_")
    tool = folder / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one install at a time
        if not (folder / ".installed").exists():
            r = subprocess.run(
                [npm, "install", "--prefix", str(folder), "--no-save", "--no-package-lock"]
                + ["--ignore-scripts", "--no-audit", "--no-fund", MULTITOOL],
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert r.returncode == 0 and tool.is_file(), r.stdout + r.stderr
            (folder / ".installed").touch()
    tool.chmod(tool.stat().st_mode | 0o100)  # all its postinstall script does
    return tool


def validate(tool: Path, sarif: Path) -> list[dict]:
    """The Multitool's `validate` results for a log: errors, warnings and notes."""
    out = sarif.with_suffix(".validation.sarif")
    r = subprocess.run(
        [str(tool), "validate", str(sarif), "--output", str(out), "--level", "Error;Warning;Note"],
        capture_output=True,
        text=True,
        timeout=300,
        # a self-contained .NET program: without ICU installed it needs invariant mode
        env={**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"},
    )
    print(r.stdout, r.stderr)
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0]["results"]


@pytest.mark.parametrize("where", ["relative", "absolute"])
def test_sarif_passes_the_sarif_multitool(multitool, tmp_path, where):
    args, _ = write_awkward(tmp_path)
    if where == "absolute":
        args = [str(tmp_path / a) for a in args]
    sarif = sarif_run(tmp_path, *args, out=f"{where}.sarif")
    results = validate(multitool, tmp_path / f"{where}.sarif")
    problems = [
        f"{r['ruleId']} {r.get('level', 'warning')}: {r['message']}"
        for r in results
        if r.get("level", "warning") in ("error", "warning") or r["ruleId"] == "SARIF1004"
    ]
    assert not problems
    # The Multitool reports nothing at all when it gives up on a log (it did on a uri of
    # "c:notes.md"), so check that it looked at every result: its notes name each one.
    visited = {
        int(m.group(1))
        for r in results
        for arg in r["message"].get("arguments", [])
        if (m := re.match(r"runs\[0\]\.results\[(\d+)\]", str(arg)))
    }
    assert visited == set(range(len(sarif["runs"][0]["results"]))) != set()


# -- CSV ---------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FILES = {
    '=HYPERLINK("http:evil";"x").txt': "=SUM(1+1) Studies show that 80% of clients sleep better.\n",
    "+cmd.txt": "+80% of clients sleep better, studies show.\n",
    "-rf.txt": "-5 kg in a week: studies show it cures colds.\n",
    "@everyone.txt": "@everyone Studies show it cures colds.\n",
    "\tTab.txt": "Studies show it cures colds.\n",
    "\rCR.txt": "Studies show it cures colds.\n",
}


def test_csv_cells_never_start_a_formula(cli, tmp_path):
    import csv
    import io

    (tmp_path / "docs").mkdir()
    for name, text in FORMULA_FILES.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    # a walk of "." gives the bare names (named as arguments, "-rf.txt" would be an option)
    report = json.loads(cli(".", "--format", "json", cwd=tmp_path / "docs").stdout)
    r = run_raw(".", "--format", "csv", "-o", "../report.csv", cwd=tmp_path / "docs")
    assert r.returncode == 1, r.stderr
    text = (tmp_path / "report.csv").read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 1 + len(report["findings"])
    prefixed = set()
    for row, finding in zip(rows[1:], report["findings"], strict=True):
        for column, cell in zip(rows[0], row, strict=True):
            assert not cell.startswith(FORMULA_START), (column, cell)
            value = finding[column]
            if isinstance(value, str) and value.startswith(FORMULA_START):
                assert cell == "'" + value, (column, cell)
                prefixed.add((column, value[0]))
            elif isinstance(value, str | int):
                assert cell == str(value), (column, cell)
    assert {("path", c) for c in FORMULA_START} <= prefixed
    assert {("sentence", c) for c in "=+-@"} <= prefixed
