"""Find decoded text (what a parser gives) in the raw source (what the user typed).

Parsers hand back text with entities decoded, escapes resolved and line endings normalised, and
report at best where a node starts. `align` walks the decoded text and the source side by side
from that start, so every character the matcher sees keeps the exact source span it came from.
"""

from __future__ import annotations

import html
import re

from audit.readers.sourcemap import TextBuilder

_ENTITY = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,8};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_LETTER = re.compile(r"[^\W\d_]")


def skippable(gap: str) -> bool:
    """True when the source between two pieces of text is markup, not words we would lose."""
    return _LETTER.search(gap) is None


def align(b: TextBuilder, text: str, source: str, pos: int, limit: int) -> int:
    """Append `text` to `b`, mapped onto source[pos:limit]; return the source position after it.

    Characters that cannot be placed are left out of the text rather than given a wrong place.
    """
    if not text:
        return pos
    if source.startswith(text, pos):
        b.text(text, pos)
        return pos + len(text)
    idx = source.find(text, pos, limit)
    if idx >= 0 and skippable(source[pos:idx]):
        b.text(text, idx)
        return idx + len(text)
    return _align_slow(b, text, source, pos, limit)


# Long because it is one character loop with its cases inline: it runs per source character.
def _align_slow(b: TextBuilder, text: str, source: str, pos: int, limit: int) -> int:
    i, n = 0, len(text)
    while i < n:
        if pos >= limit:
            break  # the rest cannot be placed
        ch = text[i]
        c = source[pos]
        if c == "&":
            m = _ENTITY.match(source, pos, limit)
            if m:
                decoded = html.unescape(m.group())
                if decoded != m.group() and text.startswith(decoded, i):
                    b.replaced(decoded, pos, m.end())
                    i += len(decoded)
                    pos = m.end()
                    continue
        if c == "\\" and pos + 1 < limit and source[pos + 1] == ch:
            b.replaced(ch, pos, pos + 2)
            i += 1
            pos += 2
            continue
        if c == ch:
            j, p = i + 1, pos + 1
            while j < n and p < limit and source[p] == text[j] and source[p] not in "&\\":
                j += 1
                p += 1
            b.text(text[i:j], pos)
            i, pos = j, p
            continue
        if c == "\r" and ch == "\n":
            end = pos + 2 if source.startswith("\r\n", pos) else pos + 1
            b.space(pos, end)
            i += 1
            pos = end
            continue
        if c == "\0" and ch == "\ufffd":
            b.replaced(ch, pos, pos + 1)
            i += 1
            pos += 1
            continue
        if ch.isspace():
            # Whitespace the parser produced (or normalised) with no twin here: it only
            # separates words, so it needs no source position.
            i += 1
            continue
        if c == "<":
            close = source.find("-->", pos, limit) + 3 if source.startswith("<!--", pos) else -1
            if close < 3:
                close = source.find(">", pos, limit) + 1
            if close > pos:
                pos = close
                continue
        if _LETTER.match(c):
            # A letter we cannot account for: resynchronise on the next word, or drop one
            # character of the decoded text.
            word = text[i : i + 8]
            idx = source.find(word, pos, min(limit, pos + 64)) if len(word) >= 3 else -1
            if idx >= 0:
                pos = idx
            else:
                i += 1
            continue
        pos += 1
    return pos
