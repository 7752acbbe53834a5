"""The plain text spaCy reads, and the way back from it to the file the user wrote.

Readers append decoded text piece by piece, saying where each piece came from. Everything a
finding reports (offsets, line, column, the matched source) is computed through this map, so a
finding always points at the characters the user typed, whatever markup, entities or line endings
sat around them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# Whitespace runs collapse to one space; these invisible characters are dropped from the text
# (they split words for the matcher otherwise) but stay in the source.
_SPLIT = re.compile(r"(\s+)|([\u00ad\u200b-\u200f\u2060\ufeff]+)")
# Without invisible characters a single plain space inside a piece stays in it: one exact
# segment per piece instead of one per word.
_SPLIT_VISIBLE = re.compile(r"(\s{2,}|[^\S ]|^ | \Z)()")
_NEEDS_SPLIT = re.compile(r"[^\S ]| {2}|[\u00ad\u200b-\u200f\u2060\ufeff]")

_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2060\ufeff]")

BLOCK_SEPARATOR = "\n\n"


@dataclass(slots=True)
class Block:
    """A unit of text sentences never cross: a paragraph, heading, list item, cell, caption..."""

    start: int
    end: int
    kind: str
    audited: bool = True  # False for reference lists and footnote definitions


@dataclass(slots=True)
class Link:
    """A link, bare URL or reference marker, located in the plain text."""

    start: int
    end: int
    href: str
    kind: str  # "link" | "url" | "marker"


@dataclass(slots=True)
class Comment:
    """An HTML comment in the source (kept for inline suppressions)."""

    start: int
    end: int
    text: str


@dataclass
class SourceMap:
    """Maps plain-text offsets to source offsets through segments.

    A segment is either exact (character i of the text is character i of the source span) or
    replaced (the whole text span stands for the whole source span: an entity, a CRLF, a run of
    whitespace collapsed to one space).
    """

    doc: list[int] = field(default_factory=list)
    src: list[int] = field(default_factory=list)
    length: list[int] = field(default_factory=list)
    src_length: list[int] = field(default_factory=list)
    exact: list[bool] = field(default_factory=list)

    def _segment(self, offset: int) -> int:
        i = bisect_right(self.doc, offset) - 1
        if i < 0:
            raise ValueError(f"offset {offset} is before any mapped text")
        return i

    def char_span(self, offset: int) -> tuple[int, int]:
        """Source span of the text character at `offset`."""
        i = self._segment(offset)
        if offset >= self.doc[i] + self.length[i]:
            raise ValueError(f"offset {offset} is not mapped (block separator)")
        if self.exact[i]:
            s = self.src[i] + offset - self.doc[i]
            return s, s + 1
        return self.src[i], self.src[i] + self.src_length[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source span covering text characters start..end (end exclusive, end > start)."""
        return self.char_span(start)[0], self.char_span(end - 1)[1]


class TextBuilder:
    """Accumulates blocks of text with their source positions."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.map = SourceMap()
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.comments: list[Comment] = []
        self.sites: list[str] = []  # the document's own address(es): canonical URL, front matter
        self._block_start: int | None = None
        self._block_kind = ""
        self._block_audited = True
        self._pending: tuple[int, int] | None = None  # source span of a whitespace run

    # -- blocks ---------------------------------------------------------------------------
    def start_block(self, kind: str, audited: bool = True) -> None:
        self.end_block()
        self._block_start = None
        self._block_kind = kind
        self._block_audited = audited
        self._pending = None

    def end_block(self) -> None:
        if self._block_start is not None and self._len > self._block_start:
            self.blocks.append(
                Block(self._block_start, self._len, self._block_kind, self._block_audited)
            )
        self._block_start = None
        self._pending = None

    @property
    def length(self) -> int:
        return self._len

    @property
    def kind(self) -> str:
        return self._block_kind

    @property
    def audited(self) -> bool:
        return self._block_audited

    def tail(self, start: int) -> str:
        """The text from offset `start` to the end (used for short spans such as markers)."""
        out: list[str] = []
        n = self._len
        for part in reversed(self._parts):
            if n <= start:
                break
            out.append(part)
            n -= len(part)
        return "".join(reversed(out))[start - n :]

    def position(self) -> int:
        """Offset the next visible character will get (a pending space or separator counts)."""
        if self._block_start is None:
            return self._len + (len(BLOCK_SEPARATOR) if self._parts else 0)
        if self._pending is not None:
            return self._len + 1
        return self._len

    # -- text -----------------------------------------------------------------------------
    def _emit(self, text: str, src_start: int, src_len: int, exact: bool) -> None:
        if self._block_start is None:
            if self._parts:
                self._parts.append(BLOCK_SEPARATOR)
                self._len += len(BLOCK_SEPARATOR)
            self._block_start = self._len
        elif self._pending is not None:
            ps, pe = self._pending
            self._pending = None
            self._emit(" ", ps, pe - ps, False)
        m = self.map
        if (
            exact
            and m.doc
            and m.exact[-1]
            and m.doc[-1] + m.length[-1] == self._len
            and m.src[-1] + m.src_length[-1] == src_start
        ):
            m.length[-1] += len(text)
            m.src_length[-1] += len(text)
        else:
            m.doc.append(self._len)
            m.src.append(src_start)
            m.length.append(len(text))
            m.src_length.append(src_len)
            m.exact.append(exact)
        self._parts.append(text)
        self._len += len(text)

    def _space(self, src_start: int, src_end: int) -> None:
        if self._block_start is None:
            return  # leading whitespace of a block
        if self._pending is None:
            self._pending = (src_start, src_end)
        else:
            self._pending = (self._pending[0], max(self._pending[1], src_end))

    def text(self, text: str, src_start: int) -> None:
        """Append text that stands verbatim in the source at src_start."""
        if not text:
            return
        if not _NEEDS_SPLIT.search(text) and text[0] != " " and text[-1] != " ":
            self._emit(text, src_start, len(text), True)
            return
        pos = 0
        split = _SPLIT if _INVISIBLE.search(text) else _SPLIT_VISIBLE
        for m in split.finditer(text):
            if m.start() > pos:
                self._emit(text[pos : m.start()], src_start + pos, m.start() - pos, True)
            if m.group(1) is not None:
                self._space(src_start + m.start(), src_start + m.end())
            pos = m.end()
        if pos < len(text):
            self._emit(text[pos:], src_start + pos, len(text) - pos, True)

    def replaced(self, text: str, src_start: int, src_end: int) -> None:
        """Append decoded text that stands for source[src_start:src_end] as a whole."""
        if not text:
            return
        if _NEEDS_SPLIT.search(text):
            text = _INVISIBLE.sub("", text)
            if not text:
                return  # an invisible character (&shy;, zero-width space) stands for nothing
            if text.isspace():
                self._space(src_start, src_end)
                return
            text = " ".join(text.split())
        self._emit(text, src_start, src_end - src_start, False)

    def space(self, src_start: int, src_end: int) -> None:
        """A soft break (newline inside a paragraph) in the source."""
        self._space(src_start, src_end)

    # -- links and comments -----------------------------------------------------------------
    def add_link(self, start: int, href: str, kind: str = "link") -> None:
        """Record a link whose text began at `start` (from position()) and ends here."""
        end = self._len
        if end > start:
            self.links.append(Link(start, end, href, kind))
        elif kind == "marker":
            # A marker with no visible text (e.g. a footnote reference) sits at this point.
            self.links.append(Link(end, end, href, kind))

    def add_comment(self, start: int, end: int, text: str) -> None:
        self.comments.append(Comment(start, end, text))

    def build(self) -> str:
        self.end_block()
        return "".join(self._parts)


class LineIndex:
    """Offsets to 1-based line and column (columns count characters; CRLF ends one line)."""

    _NEWLINE = re.compile(r"\r\n|\r|\n")

    def __init__(self, source: str) -> None:
        self.starts = [0] + [m.end() for m in self._NEWLINE.finditer(source)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1
