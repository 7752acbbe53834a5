"""Plain text: blank lines separate blocks, and so does a line break that ends a heading or list.

Hard-wrapped prose is joined back into one block; a short line that ends without punctuation
and is followed by a capitalised line (a heading, a link line, a list without markers) starts a
new block, so such lines never merge into one run-on sentence. A line as long as the text's
wrap width that ends mid-sentence is joined to the next whatever its first letter.
"""

from __future__ import annotations

import re

from audit.readers.sourcemap import TextBuilder

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BULLET = re.compile(r"[ \t]*(?:[-*+\u2022\u2023\u25e6]|\d{1,3}[.)])[ \t]+")
_JOINS_NEXT = (",", ";", "-", "\u2013", "\u2014", "(", "/", "&")
_ENDS_SENTENCE = (".", "!", "?", ":", '"', "\u201d", "'", "\u2019", ")", "]", "*")


def read_text(b: TextBuilder, source: str) -> None:
    prev = ""  # previous non-blank line in the current block
    wrap = _wrap_width(source)
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
            if not prev or _starts_block(prev, stripped, wrap):
                b.start_block("paragraph")
            else:
                b.space(start - 1, start)
            content_start = len(line) - len(line.lstrip())
        b.text(line[content_start:].rstrip(), start + content_start)
        prev = stripped
    b.end_block()


def _wrap_width(source: str) -> int:
    """The width the text seems hard-wrapped at: the 90th percentile of its line lengths
    (0 for text with fewer than 3 lines of 40 characters or more: not hard-wrapped)."""
    lengths = sorted(n for n in (len(x.rstrip()) for x in source.splitlines()) if n >= 40)
    return lengths[(len(lengths) - 1) * 9 // 10] if len(lengths) >= 3 else 0


def _starts_block(prev: str, line: str, wrap: int = 0) -> bool:
    """Does `line` start a new block after `prev` in the same paragraph?"""
    if prev.endswith(_JOINS_NEXT):
        return False
    # A line that fills the wrap width without ending a sentence was wrapped mid-sentence,
    # whatever the next line starts with ("... (Australian / Institute of Health, 2023)."):
    # a heading or an unmarked list line is short.
    if wrap and len(prev) >= max(40, wrap * 4 // 5) and not prev.endswith(_ENDS_SENTENCE):
        return False
    # A line ending in sentence punctuation followed by a capital: a sentence boundary either
    # way, so a block boundary is harmless; without punctuation it is a heading or a list.
    return not line[0].islower()
