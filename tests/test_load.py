"""Load test: 10,000 small files and a 2-million-word corpus through the CLI with --jobs 2.

Every file must be accounted for in the JSON `documents` list, none dropped, and the findings
must equal a serial run's, in the same order.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = [
    "Studies show that {n}% of clients sleep better.",
    "Our clinic is open {n} days a week.",
    "Experts agree our drip relieves migraines.",
    "Take {n} mg with food.",
    "Check out this valuable article.",
    "Ketamine may help some patients.",
]


def _audit(cli, cwd: Path, *args: str) -> dict:
    r = cli("corpus", "--format", "json", *args, cwd=cwd)
    assert r.returncode in (0, 1), r.stderr[-2000:]
    return json.loads(r.stdout)


def test_ten_thousand_small_files(cli, tmp_path):
    corpus = tmp_path / "corpus"
    for d in range(20):
        folder = corpus / f"section{d:02d}"
        folder.mkdir(parents=True)
        for i in range(500):
            n = d * 500 + i
            text = SNIPPETS[n % len(SNIPPETS)].format(n=n % 97)
            suffix = (".md", ".txt", ".html")[n % 3]
            if suffix == ".html":
                text = f"<p>{text}</p>"
            (folder / f"doc{n:05d}{suffix}").write_text(text + "\n")
    parallel = _audit(cli, tmp_path, "--jobs", "2")
    serial = _audit(cli, tmp_path, "--jobs", "1")
    paths = [d["path"] for d in parallel["documents"]]
    assert len(paths) == 10_000 == len(set(paths))
    assert not [d for d in parallel["documents"] if d["error"]]
    assert parallel["findings"] == serial["findings"]
    assert parallel["summary"] == serial["summary"]


def test_two_million_words(cli, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sources = sorted((ROOT / "tests" / "corpus" / "dev").glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    words = n = 0
    while words < 2_000_000:
        text = texts[n % len(texts)]
        (corpus / f"article{n:04d}.md").write_text(text)
        words += len(text.split())
        n += 1
    parallel = _audit(cli, tmp_path, "--jobs", "2")
    serial = _audit(cli, tmp_path, "--jobs", "1")
    assert len(parallel["documents"]) == n
    assert parallel["summary"]["words"] > 1_500_000
    assert parallel["findings"] == serial["findings"]
