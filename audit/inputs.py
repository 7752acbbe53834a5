"""Finding the files to audit and reading them as text, with one-line errors for bad input."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from audit.errors import InputError
from audit.readers import FORMAT_BY_SUFFIX

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox"}


@dataclass(frozen=True)
class Input:
    path: str  # as shown to the user
    fs_path: Path | None  # None for standard input
    format: str  # markdown | html | text | auto
    explicit: bool = True  # named on the command line (not found in a folder)
    url: str | None = None  # a page to fetch


def discover(args: list[str], input_format: str = "auto") -> tuple[list[Input], list[str]]:
    """Expand files and folders (recursively, in sorted order); report paths that do not exist."""
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
            for root, dirs, files in os.walk(p):  # does not follow symlinked folders
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    fp = Path(root) / name
                    fmt = FORMAT_BY_SUFFIX.get(fp.suffix.lower())
                    if fmt and fp.as_posix() not in seen:
                        seen.add(fp.as_posix())
                        inputs.append(Input(fp.as_posix(), fp, fmt, explicit=False))
        elif p.exists() or p.is_symlink():
            fmt = input_format
            if fmt == "auto":
                fmt = FORMAT_BY_SUFFIX.get(p.suffix.lower(), "auto")
            if p.as_posix() not in seen:
                seen.add(p.as_posix())
                inputs.append(Input(p.as_posix(), p, fmt))
        else:
            errors.append(f"{arg}: no such file or directory")
    return inputs, errors


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode bytes as UTF-8 (or UTF-16 with a BOM); refuse binary; replace invalid bytes."""
    notes: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), notes
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: invalid UTF-16 text ({exc.reason})") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file (contains NUL bytes), skipped")
    try:
        return data.decode("utf-8-sig"), notes
    except UnicodeDecodeError as exc:
        notes.append(
            f"{name}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "decoded with replacement characters"
        )
        return data.decode("utf-8-sig", errors="replace"), notes


# Files larger than this are refused with a message rather than audited for minutes: a
# 20 MB page is an export or a mistake, not a draft. The CLI's --max-file-size changes it.
MAX_FILE_BYTES = 20_000_000


def read(inp: Input, max_bytes: int | None = None) -> tuple[str, str, list[str]]:
    """Return (text, format, notes) for an input."""
    cap = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if inp.fs_path is None:
        data = sys.stdin.buffer.read(cap + 1)
        if len(data) > cap:
            raise InputError(f"{inp.path}: more than {cap:,} bytes on standard input, skipped")
    else:
        try:
            if inp.fs_path.is_dir():
                raise InputError(f"{inp.path}: is a directory")
            if not inp.fs_path.is_file():
                raise InputError(f"{inp.path}: not a regular file, skipped")
            size = inp.fs_path.stat().st_size
            if size > cap:
                raise InputError(
                    f"{inp.path}: {size / 1e6:.1f} MB is over the {cap / 1e6:.0f} MB limit "
                    "(--max-file-size), skipped"
                )
            with inp.fs_path.open("rb") as fh:
                data = fh.read(cap + 1)  # the file may grow between stat and read
            if len(data) > cap:
                raise InputError(f"{inp.path}: grew past the {cap / 1e6:.0f} MB limit while read")
        except InputError:
            raise
        except OSError as exc:
            raise InputError(f"{inp.path}: cannot read ({exc.strerror or exc})") from None
    text, notes = decode(data, inp.path)
    fmt = inp.format
    if fmt == "auto":
        head = text.lstrip()[:512].lower()
        fmt = (
            "html" if head.startswith(("<!doctype html", "<html", "<head", "<body")) else "markdown"
        )
    return text, fmt, notes
