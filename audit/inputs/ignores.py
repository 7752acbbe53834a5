"""What a folder walk leaves out: .gitignore and .claims-audit-ignore files, and own reports.

As ruff and markdownlint do, a walk honours the `.gitignore` files of the tree it walks and of
the folders above it up to the repository root, plus `.claims-audit-ignore` files (same
syntax) for content that is tracked but not to be audited. Patterns follow git's rules
(pathspec's GitIgnoreSpec): a pattern applies below the folder of its file, the last match
wins, `!` re-includes. Files named on the command line are not filtered here (see
`force-exclude`).

The tool's own reports (an HTML report, a Markdown PR comment) are never audited by a walk: a
rerun over a folder holding `reports/` would otherwise audit the quoted claims again.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pathspec import GitIgnoreSpec

IGNORE_FILES = (".gitignore", ".claims-audit-ignore")
_HTML_MARK = b'<meta name="generator" content="claims-audit'
_MD_MARK = b"## claims-audit: "


@dataclass
class Ignores:
    """The ignore files in force during a walk: (folder, spec) pairs, outermost first."""

    specs: list[tuple[Path, GitIgnoreSpec]] = field(default_factory=list)

    @classmethod
    def for_walk(cls, top: Path) -> Ignores:
        """The ignore files of `top` and of its ancestors up to the repository root (a folder
        holding .git); only `top`'s own when it is not inside a repository."""
        chain = [top.resolve(), *top.resolve().parents]
        root = next((i for i, d in enumerate(chain) if (d / ".git").exists()), 0)
        found = cls()
        for folder in reversed(chain[: root + 1]):
            found = found.entering(folder)
        return found

    def entering(self, folder: Path) -> Ignores:
        """These ignores, plus the ignore files of `folder`."""
        added = []
        for name in IGNORE_FILES:
            path = folder / name
            try:
                if path.is_file() and not path.is_symlink():
                    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
                    added.append((folder.resolve(), GitIgnoreSpec.from_lines(lines)))
            except OSError:
                continue  # unreadable: as git, go on without it
        return Ignores(self.specs + added) if added else self

    def ignored(self, path: Path, is_dir: bool = False) -> bool:
        """Is `path` left out? The deepest ignore file that has a say decides."""
        full = path.resolve() if not path.is_symlink() else path.absolute()
        for folder, spec in reversed(self.specs):
            try:
                rel = full.relative_to(folder).as_posix()
            except ValueError:
                continue
            result = spec.check_file(rel + ("/" if is_dir else ""))
            if result.include is not None:
                return bool(result.include)
        return False


def is_own_report(path: Path) -> bool:
    """Is this file a report claims-audit wrote (HTML report or Markdown PR comment)?"""
    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        return False
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False  # a FIFO or device: opening it could block; reading it reports it
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # swapped for a FIFO since: no hang
        with os.fdopen(fd, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False  # reading it reports the problem
    if suffix in (".md", ".markdown"):
        return head.startswith(_MD_MARK)
    return _HTML_MARK in head
