"""Reading a file or standard input as text, with one-line errors for bad input.

Size is checked before and while reading (the file may grow), binary files are refused, and
text that is not valid UTF-8 is decoded with replacement characters and a note.
"""

from __future__ import annotations

import sys

from audit.core.errors import InputError
from audit.core.formats import guess_format
from audit.inputs.discovery import Input


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


def read(inp: Input, cap: int) -> tuple[str, str, list[str]]:
    """Return (text, format, notes) for a file or standard input of at most `cap` bytes."""
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
    fmt = guess_format(text) if inp.format == "auto" else inp.format
    return text, fmt, notes
