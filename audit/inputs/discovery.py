"""Finding the documents to audit: files, folders (walked safely), standard input, URLs."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from audit.core.formats import FORMAT_BY_SUFFIX
from audit.inputs.ignores import Ignores, is_own_report

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox"}


@dataclass(frozen=True)
class Input:
    path: str  # as shown to the user
    fs_path: Path | None  # None for standard input
    format: str  # markdown | html | text | auto
    explicit: bool = True  # named on the command line (not found in a folder)
    url: str | None = None  # a page to fetch


def discover(
    args: list[str], input_format: str = "auto", notes: list[str] | None = None
) -> tuple[list[Input], list[str]]:
    """Expand files and folders (recursively, in sorted order); report paths that do not exist.

    A folder walk leaves out what .gitignore and .claims-audit-ignore files ignore, and the
    tool's own reports (audit.inputs.ignores).

    A folder walk audits a symlinked file only when the file it points to is one the walk
    could have found itself: inside the folder, outside hidden and skipped folders such as
    .git, with a document suffix. Otherwise a pull request adding `notes.md -> ../.git/config`
    would put the repository's credentials into the report. Such links are skipped with a
    line in `notes`; a symlink named on the command line is still read.
    """
    inputs: list[Input] = []
    errors: list[str] = []
    seen: set[str] = set()
    for arg in args:
        if arg == "-":
            inputs.append(Input("<stdin>", None, input_format))
            continue
        if _SCHEME.match(arg):
            if arg.lower().startswith(("http://", "https://")):
                inputs.append(Input(arg, None, "auto", url=arg))
            else:
                errors.append(f"{arg}: only http and https URLs can be audited")
            continue
        p = Path(arg)
        if p.is_dir():
            top = p.resolve()
            in_force = {p.as_posix(): Ignores.for_walk(p)}
            for root, dirs, files in os.walk(p):  # does not follow symlinked folders
                ignores = in_force.pop(Path(root).as_posix())
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if d not in SKIP_DIRS
                    and not d.startswith(".")
                    and not ignores.ignored(Path(root) / d, is_dir=True)
                )
                for d in dirs:
                    in_force[(Path(root) / d).as_posix()] = ignores.entering(Path(root) / d)
                for name in sorted(files):
                    fp = Path(root) / name
                    fmt = FORMAT_BY_SUFFIX.get(fp.suffix.lower())
                    if fmt and (ignores.ignored(fp) or is_own_report(fp)):
                        continue
                    if fmt and fp.is_symlink():
                        why = _unsafe_link(fp, top)
                        if why:
                            if notes is not None:
                                notes.append(f"{display_path(fp)}: symlink {why}, skipped")
                            continue
                    if fmt and fp.as_posix() not in seen:
                        seen.add(fp.as_posix())
                        inputs.append(Input(display_path(fp), fp, fmt, explicit=False))
        elif p.exists() or p.is_symlink():
            fmt = input_format
            if fmt == "auto":
                fmt = FORMAT_BY_SUFFIX.get(p.suffix.lower(), "auto")
            if p.as_posix() not in seen:
                seen.add(p.as_posix())
                inputs.append(Input(display_path(p), p, fmt))
        else:
            errors.append(f"{arg}: no such file or directory")
    return inputs, errors


def display_path(path: Path | str) -> str:
    """A path as text any report can hold: bytes that are not UTF-8 (kept by Python as lone
    surrogates, which no UTF-8 writer accepts) are shown as \\xNN escapes."""
    text = path.as_posix() if isinstance(path, Path) else path
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _unsafe_link(link: Path, top: Path) -> str | None:
    """Why a symlinked file found in a walk of `top` must not be read (None: it may be)."""
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return None  # broken or looping: reading it reports the problem
    try:
        parts = target.relative_to(top).parts
    except ValueError:
        return "to a file outside the audited folder"
    if any(part in SKIP_DIRS or part.startswith(".") for part in parts[:-1]):
        return "into a hidden or skipped folder"
    if parts[-1].startswith(".") or target.suffix.lower() not in FORMAT_BY_SUFFIX:
        return "to a file that is not a document"
    return None
