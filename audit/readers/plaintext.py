"""Plain text: blank lines separate blocks, and so does a line break that ends a heading or list.

Hard-wrapped prose is joined back into one block; a line that ends without punctuation and is
followed by a capitalised line (a heading, a link line, a list without markers) starts a new
block, so such lines never merge into one run-on sentence.
"""

from __future__ import annotations

import re

from audit.readers.sourcemap import TextBuilder

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BULLET = re.compile(r"[ \t]*(?:[-*+\u2022\u2023\u25e6]|\d{1,3}[.)])[ \t]+")
_JOINS_NEXT = (",", ";", "-", "\u2013", "\u2014", "(", "/", "&")


def read_text(b: TextBuilder, source: str) -> None:
    prev = ""  # previous non-blank line in the current block
    for m in _LINE.finditer(source):
        raw = m.group()
        if not raw:
            break
        line = raw.rstrip("\r\n")
        start = m.start()
        stripped = line.strip()
        if not stripped:
            b.end_block()
            prev = ""
            continue
        bullet = _BULLET.match(line)
        if bullet:
            b.start_block("list-item")
            content_start = bullet.end()
        else:
            if not prev or _starts_block(prev, stripped):
                b.start_block("paragraph")
            else:
                b.space(start - 1, start)
            content_start = len(line) - len(line.lstrip())
        b.text(line[content_start:].rstrip(), start + content_start)
        prev = stripped
    b.end_block()


def _starts_block(prev: str, line: str) -> bool:
    """Does `line` start a new block after `prev` in the same paragraph?"""
    if prev.endswith(_JOINS_NEXT):
        return False
    # A line ending in sentence punctuation followed by a capital: a sentence boundary either
    # way, so a block boundary is harmless; without punctuation it is a heading or a list.
    return not line[0].islower()
