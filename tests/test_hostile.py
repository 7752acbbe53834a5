"""Hostile and broken inputs: each gets one clear line, and the run goes on for the others."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit.engines.local import run
from audit.inputs.discovery import discover

ROOT = Path(__file__).resolve().parent.parent


def test_oversized_file_is_refused(cli, tmp_path):
    big = tmp_path / "export.md"
    with big.open("wb") as fh:  # 50 MB, sparse: no time spent writing it
        fh.truncate(50_000_000)
    (tmp_path / "ok.md").write_text("Studies show it works.\n")
    r = cli(".", "--format", "json")
    assert r.returncode == 2
    docs = {d["path"]: d for d in json.loads(r.stdout)["documents"]}
    assert "50.0 MB is over the 20 MB limit" in docs["export.md"]["error"]
    assert docs["ok.md"]["findings"] >= 1


def test_long_single_line_is_linear(nlp, rulebook, tmp_path):
    """One 'sentence' of n repeats costs about twice what n/2 do (it was quadratic: a 2 MB
    line ran for minutes). CPU time at n and 2n is compared, not held to a bound."""
    line = "Studies show that 70% of patients improved and experts agree it relieves pain "

    def cost(repeats: int) -> tuple[float, set[str]]:
        path = tmp_path / f"line-{repeats}.md"
        path.write_text(line * repeats)
        inputs, _ = discover([str(path)])
        t = time.process_time()
        (result,) = run(inputs, nlp, rulebook)
        return time.process_time() - t, {f.category for f in result.findings}

    cost(500)  # warm-up: lazy loads are not part of the cost
    small, cats = cost(3_000)  # 240 kB
    large, _ = cost(6_000)
    assert {"unsourced-statistic", "vague-attribution", "efficacy-claim"} <= cats
    assert large < 3 * small, (small, large)  # linear gives about 2; quadratic 4


def test_file_that_disappears_before_it_is_read(nlp, rulebook, tmp_path):
    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text("Experts agree it cures colds.\n")
    inputs, _ = discover([str(tmp_path)])
    (tmp_path / "b.md").unlink()
    results = run(inputs, nlp, rulebook)
    by_name = {Path(r.path).name: r for r in results}
    assert "cannot read" in by_name["b.md"].error or "not a regular file" in by_name["b.md"].error
    assert by_name["a.md"].findings and by_name["c.md"].findings


def test_file_replaced_by_a_directory(nlp, rulebook, tmp_path):
    (tmp_path / "a.md").write_text("Experts agree it cures colds.\n")
    inputs, _ = discover([str(tmp_path / "a.md")])
    (tmp_path / "a.md").unlink()
    (tmp_path / "a.md").mkdir()
    (result,) = run(inputs, nlp, rulebook)
    assert result.error.endswith("a.md: is a directory")


def test_symlink_loop_in_folders(cli, tmp_path):
    (tmp_path / "site" / "blog").mkdir(parents=True)
    (tmp_path / "site" / "blog" / "post.md").write_text("Studies show it works.\n")
    (tmp_path / "site" / "blog" / "loop").symlink_to(tmp_path / "site", target_is_directory=True)
    r = cli("site", "--format", "json")
    paths = [d["path"] for d in json.loads(r.stdout)["documents"]]
    assert paths == ["site/blog/post.md"]


def test_malformed_yaml_reports_the_line(cli, tmp_path):
    (tmp_path / "bad.yml").write_text("rules:\n  - id: x\n    message: [unclosed\n")
    (tmp_path / "a.md").write_text("Hi.\n")
    r = cli("a.md", "--rules", "bad.yml")
    assert r.returncode == 2 and "bad.yml:" in r.stderr and "invalid YAML" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_malformed_toml_reports_the_line(cli, tmp_path):
    (tmp_path / ".claims-audit.toml").write_text('fail-on = "warning"\ndisable = [\n')
    (tmp_path / "a.md").write_text("Hi.\n")
    r = cli("a.md")
    assert r.returncode == 2 and "invalid TOML" in r.stderr and "line 3" in r.stderr


def test_interrupted_run_leaves_earlier_report_intact(tmp_path):
    """SIGTERM mid-run: exit non-zero with a message, and the previous report is untouched."""
    content = tmp_path / "content"
    content.mkdir()
    article = (ROOT / "examples" / "iv-drip-landing.md").read_text() * 30
    for i in range(200):  # about 1.4 million words: the run is still going when the signal comes
        (content / f"p{i:03d}.md").write_text(article)
    report = tmp_path / "audit.json"
    report.write_text('{"previous": true}\n')
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "run_audit.py"),
            str(content),
            "--jobs",
            "1",
            "--format",
            "json",
            "-o",
            str(report),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    # Inside the audit: the streamed report's temporary file exists (polled, not timed).
    deadline = time.monotonic() + 120
    while not [p for p in tmp_path.iterdir() if p.name.startswith(".audit.json.")]:
        assert proc.poll() is None and time.monotonic() < deadline, "the audit never started"
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "terminated" in err or "interrupted" in err
    assert "Traceback" not in err
    assert report.read_text() == '{"previous": true}\n'
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".audit.json.")]


def test_never_writes_outside_the_chosen_outputs(cli, tmp_path):
    (tmp_path / "a.md").write_text("Studies show it works.\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    cli("a.md", "--format", "json,sarif", "--out-dir", "out")
    after = sorted(p.name for p in tmp_path.iterdir())
    assert after == sorted([*before, "out"])
    assert (tmp_path / "a.md").read_text() == "Studies show it works.\n"


@pytest.mark.parametrize("payload", ["::error::pwned", "line\nbreak", "100%", "a,b:c"])
def test_github_annotations_cannot_be_injected(cli, tmp_path, payload):
    (tmp_path / "x.md").write_text(f"Studies show {payload} works.\n")
    r = cli("x.md", "--format", "github")
    for line in r.stdout.splitlines():
        # the runner reads properties up to the first "::" after the command; the payload
        # must not reach that part, and nothing may start a second command line
        head, _, message = line[2:].partition("::")
        assert payload not in head and "\n" not in message


UNTRUSTED = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '<a href="javascript:alert(3)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==">y</a>',
    '<svg onload="alert(5)"><circle r="1"/></svg>',
    '<div style="width: expression(alert(6))">z</div>',
    "<style>body{background:url(javascript:alert(7))}</style>",
    "{{ 7*7 }} {% raw %} ${7*7} <%= 7*7 %>",
    '"><iframe src="https://evil.example/"></iframe>',
]


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_untrusted_content_stays_data_in_the_html_report(cli, tmp_path, fmt):
    from html.parser import HTMLParser

    body = " ".join(f"Studies show {p} cures 90% of colds." for p in UNTRUSTED)
    name = "page.html" if fmt == "html" else "page.md"
    (tmp_path / name).write_text(f"<p>{body}</p>\n" if fmt == "html" else body + "\n")
    r = cli(name, "--format", "html", "-o", "report.html")
    assert r.returncode == 1, r.stderr
    report = (tmp_path / "report.html").read_text(encoding="utf-8")

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.bad: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("iframe", "img", "object", "embed", "circle"):
                self.bad.append(tag)
            for key, value in attrs:
                v = (value or "").replace(" ", "").lower()
                if key.startswith("on") or "expression(" in v:
                    self.bad.append(f"{tag}[{key}]")
                if key in ("href", "src", "action") and v.startswith(("javascript:", "data:")):
                    self.bad.append(f"{tag}[{key}={v[:20]}]")

    parser = Tags()
    parser.feed(report)
    assert parser.bad == []
    assert "49" not in report.split("{{ 7*7 }}")[0][-5:]  # no template evaluation
    assert "{{ 7*7 }}" in report.replace("&#123;", "{").replace("&#125;", "}")


@pytest.mark.parametrize("fmt", ["json", "text", "sarif"])
def test_reports_get_ordinary_permissions(cli, tmp_path, fmt):
    (tmp_path / "a.md").write_text("Studies show it works.\n")
    cli("a.md", "--format", fmt, "-o", "out.report")
    mode = (tmp_path / "out.report").stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    assert mode == 0o666 & ~mask


def test_max_file_size_option(cli, tmp_path):
    (tmp_path / "a.md").write_text("Studies show it works. " * 100)
    r = cli("a.md", "--max-file-size", "1000")
    assert r.returncode == 2 and "over the" in r.stderr and "--max-file-size" in r.stderr
