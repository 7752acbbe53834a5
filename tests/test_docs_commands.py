"""Every `claims-audit` command the README and the manual show is run here, as a user would.

Commands run in a sandbox holding what they name (content/, draft.md, post.html, corpus
exports, a labelled corpus); web addresses are served by the local test server. A command that
cannot run here (a remote Dask scheduler) is listed in NOT_RUN with the reason, so a new command
in the docs is either run or explicitly excused. Output shown in a console block must be what
the command prints.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.localweb import LocalWeb
from tests.scale_helpers import rows

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```(sh|console|bash|shell)\n(.*?)```", re.S)
# Addresses the docs use, and what the local server answers them with.
WEB = {
    "https://clinic.example/blog/ketamine": "/article.html",
    "https://clinic.example/sitemap.xml": "/sitemap.xml",
}
# Pages whose console output is a narrative the sandbox cannot replay; their commands still run
# (on the page's own example files) and must not fail or crash.
OUTPUT_NOT_COMPARED = {
    "review.md": "its output comes from a reviewer's browser session (decision times, a "
    "reworded draft); tests/test_review_cli.py and tests/test_review_browser.py check that loop",
}
NOT_RUN = {
    "--scheduler": "needs a running Dask scheduler; tests/test_scale_dask.py runs a local cluster",
}


def shown_commands(page: Path) -> list[tuple[list[str], str | None, list[str]]]:
    """(argv after claims-audit, file piped to stdin, output lines shown) per command."""
    out: list[tuple[list[str], str | None, list[str]]] = []
    for kind, block in BLOCK.findall(page.read_text(encoding="utf-8")):
        lines = block.replace("\\\n", " ").splitlines()
        for i, line in enumerate(lines):
            text = line.strip()
            if kind == "console":
                if not text.startswith("$ "):
                    continue
                text = text[2:]
            words = shlex.split(text, comments=True)
            stdin = None
            if words[:1] == ["cat"] and "|" in words:
                stdin, words = words[1], words[words.index("|") + 1 :]
            if words[:1] != ["claims-audit"]:
                continue
            shown: list[str] = []
            if kind == "console":
                for follow in lines[i + 1 :]:
                    if follow.startswith("$ "):
                        break
                    shown.append(follow)
            out.append((words[1:], stdin, shown))
    return out


def _sandbox(where: Path, base: str) -> Path:
    shutil.copytree(ROOT / "examples", where / "examples")
    shutil.copytree(ROOT / "examples", where / "content")
    shutil.copytree(ROOT / "tests" / "corpus" / "dev", where / "tests" / "corpus" / "dev")
    shutil.copyfile(ROOT / "examples" / "iv-drip-landing.md", where / "draft.md")
    shutil.copyfile(ROOT / "examples" / "collagen-gummies.html", where / "post.html")
    import pandas as pd

    table = pd.DataFrame(rows())
    table.to_csv(where / "pages.csv", index=False)
    table.rename(columns={"body": "html", "url": "id", "fmt": "kind"}).to_json(
        where / "export.jsonl", orient="records", lines=True
    )
    table.to_parquet(where / "warehouse.parquet")
    table.to_parquet(where / "export.parquet")
    (where / "urls.txt").write_text(f"# pages to audit\n{base}/article.html\n{base}/good\n")
    return where


def _page_examples(page: Path, where: Path) -> None:
    """review.md's example files, from its own code blocks: the draft, the library, the
    decisions file, and a decisions file with a bad value (the README shows the same loop)."""
    if page.name not in ("review.md", "README.md"):
        return
    text = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    block = {k: re.search(rf"```{k}\n(.*?)```", text, re.S) for k in ("markdown", "yaml", "json")}
    for name, kind in (
        ("draft.md", "markdown"),
        ("claims-library.yml", "yaml"),
        ("decisions.json", "json"),
    ):
        found = block[kind]
        assert found, f"review.md has no {kind} example"
        (where / name).write_text(found.group(1), encoding="utf-8")
    (where / "bad.json").write_text(
        found.group(1).replace('"decision": "accepted"', '"decision": "maybe"'), encoding="utf-8"
    )


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_command_shown_runs(page: Path, tmp_path: Path):
    commands = shown_commands(page)
    with LocalWeb() as web:
        sandbox = _sandbox(tmp_path, web.base)
        _page_examples(page, sandbox)
        compare = page.name not in OUTPUT_NOT_COMPARED
        for argv, stdin, shown in commands:
            excused = [flag for flag in NOT_RUN if flag in argv]
            if excused:
                continue
            web_args = [a for a in argv if a in WEB]
            args = [web.base + WEB[a] if a in WEB else a for a in argv]
            if web_args or "--urls" in args or "--check-links" in args or "--sitemap" in args:
                args.append("--allow-private")  # the local server is on 127.0.0.1
            if "--sitemap" in args:
                i = args.index("--sitemap") + 1
                args[i] = web.base + WEB.get(args[i], "/sitemap.xml")
            r = subprocess.run(
                [sys.executable, str(ROOT / "run_audit.py"), *args],
                cwd=sandbox,
                input=(sandbox / stdin).read_bytes() if stdin else None,
                capture_output=True,
                env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "COLUMNS": "200"},
                timeout=600,
            )
            err = r.stderr.decode("utf-8", "replace")
            where = f"{page.name}: claims-audit {shlex.join(argv)}"
            assert r.returncode in ((0, 1) if compare else (0, 1, 2)), f"{where}\n{err}"
            assert "Traceback" not in err and "internal error" not in err, where
            printed = (r.stdout.decode("utf-8") + err).splitlines()
            for line in shown if compare else []:
                if line.strip() and line.strip() != "...":
                    assert line in printed, (
                        f"{where}: the docs show a line it does not print:\n{line}"
                    )


def test_the_docs_show_commands_and_excuse_only_what_cannot_run():
    every = [argv for page in PAGES for argv, _, _ in shown_commands(page)]
    assert len(every) >= 25
    excused = [argv for argv in every if any(flag in argv for flag in NOT_RUN)]
    assert 0 < len(excused) <= 2, excused


def test_the_readme_quick_start_shows_a_real_run():
    (argv, _, shown), *_ = [c for c in shown_commands(ROOT / "README.md") if c[2]]
    assert argv == ["examples/ketamine-austin.txt"]
    assert re.match(r"\d+ findings \(\d+ error, \d+ warning, \d+ info\) in 1 document", shown[-1])
    assert sum(1 for line in shown if line.startswith("examples/ketamine-austin.txt:")) >= 2
