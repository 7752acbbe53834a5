"""`--diff REF`: which files changed since a git ref, and which of their lines.

A PR reviewer wants findings on the lines the change touched, not the whole file's history.
Untracked files count as wholly changed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from audit.errors import UsageError

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _git(args: list[str], cwd: Path) -> str:
    try:
        out = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
    except FileNotFoundError:
        raise UsageError("--diff needs git, which is not installed") from None
    if out.returncode != 0:
        first = (out.stderr.strip().splitlines() or ["git failed"])[0]
        raise UsageError(f"--diff: git {' '.join(args[:2])}: {first}")
    return out.stdout


def changed_lines(ref: str, cwd: Path | None = None) -> dict[Path, set[int] | None]:
    """Absolute path -> changed line numbers (None: the whole file is new)."""
    cwd = cwd or Path.cwd()
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    changed: dict[Path, set[int] | None] = {}
    current: Path | None = None
    diff = _git(
        ["diff", "--no-color", "--no-ext-diff", "-U0", "--diff-filter=ACMR", ref, "--"], top
    )
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            current = None if name == "/dev/null" else (top / name.removeprefix("b/")).resolve()
            if current is not None:
                changed.setdefault(current, set())
        elif current is not None:
            m = _HUNK.match(line)
            if m:
                start, count = int(m.group(1)), int(m.group(2) or "1")
                lines = changed[current]
                if lines is not None:
                    lines.update(range(start, start + count))
    for name in _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0"):
        if name:
            changed[(top / name).resolve()] = None
    return changed


def touches(lines: set[int] | None, start: int, end: int) -> bool:
    return lines is None or any(n in lines for n in range(start, end + 1))
