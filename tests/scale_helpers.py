"""Small corpora for the scale tests, built from the project's own articles."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = [
    *sorted((ROOT / "examples").iterdir()),
    *sorted(
        p for p in (ROOT / "tests" / "corpus" / "dev").iterdir() if p.suffix in (".md", ".html")
    ),
]
FORMATS = {".md": "markdown", ".html": "html", ".txt": "text"}


def make_folder(root: Path, copies: int = 2) -> Path:
    """`copies` rounds of every article, in two sub-folders, so workers get several chunks."""
    for n in range(copies):
        for i, src in enumerate(ARTICLES):
            dest = root / f"part{i % 2}" / f"{n:02d}-{src.name}"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    return root


def rows() -> list[dict]:
    """One row per article: url, body, fmt."""
    return [
        {"url": f"https://site.example/{p.stem}", "body": p.read_bytes().decode("utf-8"),
         "fmt": FORMATS[p.suffix]}
        for p in ARTICLES
    ]  # fmt: skip
