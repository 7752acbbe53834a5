"""Untrusted text made safe to print on a terminal or a CI log: controls shown, not obeyed.

Paths, sentences, matched words and messages built from audited documents can hold any
character. Printed raw, some of them act on the terminal or on whatever reads the output:

- C0 controls (U+0000-U+001F), DEL (U+007F) and C1 controls (U+0080-U+009F): ESC starts
  colour, cursor and title sequences, OSC 52 writes the clipboard, BEL rings, BS and CR
  overwrite what was printed, and LF or CR in a file name starts a new line, which GitHub
  Actions reads as a workflow command when it begins with "::";
- Unicode bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
  reorder how a line is displayed ("Trojan source");
- the line and paragraph separators U+2028 and U+2029;
- lone surrogates (U+D800-U+DFFF), which is how Python holds the bytes of a file name that
  is not valid UTF-8; they cannot be written as UTF-8 at all.

`escape` replaces each of them with a visible escape in Python's notation, `\\x1b` for a code
point below U+0100 and `\\u202e` for the others, so a reader sees that the character is there
and which one it is. Everything else, other languages, emoji and their joiners included, is
left as it is. Backslashes are not doubled: the result is for people to read, not to parse
back. Use it on every piece of document-derived text printed to a terminal (the console
report, one-line messages on stderr) or to a CI log.
"""

from __future__ import annotations

import re

__all__ = ["UNSAFE", "escape"]

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _visible(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str, unsafe: re.Pattern[str] = UNSAFE) -> str:
    """`text` with every control, bidi control, line separator and lone surrogate escaped.

    Another `unsafe` pattern escapes another set of characters the same way (the JUnit writer
    passes the characters XML 1.0 forbids).
    """
    return unsafe.sub(_visible, text) if unsafe.search(text) else text
