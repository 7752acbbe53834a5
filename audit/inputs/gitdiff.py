"""`--diff REF`: which files changed since a git ref, and which of their lines.

A PR reviewer wants findings on the lines the change touched, not the whole file's history.
Untracked files count as wholly changed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from audit.core.errors import UsageError

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
    """Absolute path -> changed line numbers (None: the whole file is new).

    File names come NUL-separated (`--name-only -z`), so a name with a space, a quote or a
    newline is never lost; the patch only adds line numbers to those names. Its headers quote
    such names C-style (`+++ "b/a\\"b.md"`) or end them with a tab (`+++ b/a b.md\t`), and
    are unquoted to match.
    """
    cwd = cwd or Path.cwd()
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    except UsageError:
        raise UsageError(
            f"--diff {ref}: no such commit, branch or tag here; in CI, fetch the history it "
            "needs (for example actions/checkout with fetch-depth: 0)"
        ) from None
    common = ["--no-color", "--no-ext-diff", "--diff-filter=ACMR", ref, "--"]
    names = _git(["diff", "--name-only", "-z", *common], top).split("\0")
    changed: dict[Path, set[int] | None] = {(top / n).resolve(): set() for n in names if n}
    current: set[int] | None = None
    for line in _git(["diff", "-U0", *common], top).splitlines():
        if line.startswith("+++ "):
            name = _header_name(line[4:])
            current = None if name is None else changed.get((top / name).resolve())
        elif current is not None:
            m = _HUNK.match(line)
            if m:
                start, count = int(m.group(1)), int(m.group(2) or "1")
                current.update(range(start, start + count))
    for name in _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0"):
        if name:
            changed[(top / name).resolve()] = None
    return changed


_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _header_name(raw: str) -> str | None:
    """The file name in a `+++ ` patch header (None for /dev/null)."""
    if raw.startswith('"') and raw.endswith('"'):
        out = bytearray()
        body, i = raw[1:-1], 0
        while i < len(body):
            ch = body[i]
            if ch == "\\" and i + 1 < len(body):
                nxt = body[i + 1]
                octal = body[i + 1 : i + 4]
                if len(octal) == 3 and all(c in "01234567" for c in octal):
                    out.append(int(octal, 8))
                    i += 4
                    continue
                out.append(_ESCAPES.get(nxt, ord(nxt)))
                i += 2
                continue
            out += ch.encode("utf-8")
            i += 1
        raw = out.decode("utf-8", errors="replace")
    else:
        raw = raw.removesuffix("\t")
    if raw == "/dev/null":
        return None
    return raw.removeprefix("b/")


def touches(lines: set[int] | None, start: int, end: int) -> bool:
    return lines is None or any(n in lines for n in range(start, end + 1))
