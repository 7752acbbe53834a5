"""Markdown through markdown-it-py (CommonMark, GFM tables, footnotes, front matter).

markdown-it gives each block its source lines and each inline token its decoded text; the
aligner walks the inline tokens through those lines, so emphasis, links, escapes, entities,
container markers and CRLF never shift a finding's position.
"""

from __future__ import annotations

import re
from functools import lru_cache

from audit.readers.align import align, skippable
from audit.readers.html import REFERENCE_HEADING, read_html
from audit.readers.sourcemap import LineIndex, TextBuilder

_MARKER_TEXT = re.compile(r"^[\s\[\]()\d,;\u2013\u2014*\u2020\u2021-]+$")
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>", re.S)
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


# markdown-it stops parsing below this nesting depth (its CommonMark preset says 20, which a
# list 10 levels deep reaches) and silently drops the rest of the block. Each level costs a few
# Python frames in its block parser, so 100 stays well inside the recursion limit.
MAX_NESTING = 100
_CONTAINERS = frozenset(
    {"blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open", "footnote_open"}
)


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    return (
        MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
        .enable(["table", "strikethrough"])
        .use(front_matter_plugin)
        .use(footnote_plugin)
    )


_SITE_KEY = re.compile(
    r"^(?:site|url|canonical(?:_url)?|permalink|domain)\s*:\s*(.+?)\s*$", re.I | re.M
)


def front_matter_sites(front: str) -> list[str]:
    """The document's own address from its front matter (`site:`, `url:`, `canonical:`...).

    Read with a regular expression, not a YAML parser: front matter is untrusted input, and
    only these plain values are wanted.
    """
    out: list[str] = []
    for m in _SITE_KEY.finditer(front):
        for value in re.split(r"[\s,\[\]]+", m.group(1)):
            value = value.strip("'\"")
            if "." in value and not value.startswith("/"):
                out.append(value)
    return out


class _MarkdownWalker:
    def __init__(self, b: TextBuilder, source: str) -> None:
        self.b = b
        self.src = source
        self.starts = LineIndex(source).starts
        self.cursor = 0
        self.kinds: list[str] = []  # container stack: blockquote, list-item, footnote
        self.ref_level = 0  # heading level of a References section we are inside (0: none)
        self.heading_level = 0

    def line_start(self, line: int) -> int:
        return self.starts[line] if line < len(self.starts) else len(self.src)

    def audited(self) -> bool:
        return self.ref_level == 0 and "footnote" not in self.kinds

    def block_kind(self) -> str:
        for kind in reversed(self.kinds):
            if kind in ("list-item", "blockquote", "footnote"):
                return kind
        return "paragraph"

    def walk(self, tokens) -> None:
        b = self.b
        for tok in tokens:
            t = tok.type
            if t == "heading_open":
                level = int(tok.tag[1])
                if self.ref_level and level <= self.ref_level:
                    self.ref_level = 0
                self.heading_level = level
                b.start_block("heading", self.audited())
            elif t == "paragraph_open":
                b.start_block(self.block_kind(), self.audited())
            elif t in ("th_open", "td_open"):
                b.start_block("table-cell", self.audited())
            elif t in ("heading_close", "paragraph_close", "th_close", "td_close"):
                b.end_block()
            elif t == "inline":
                self.inline(tok)
                if self.heading_level:
                    if REFERENCE_HEADING.match(tok.content.strip(" #*_")):
                        self.ref_level = self.heading_level
                    self.heading_level = 0
            elif t == "blockquote_open":
                self.kinds.append("blockquote")
            elif t == "list_item_open":
                self.kinds.append("list-item")
            elif t in ("footnote_open", "footnote_block_open"):
                self.kinds.append("footnote")
            elif t in (
                "blockquote_close",
                "list_item_close",
                "footnote_close",
                "footnote_block_close",
            ):
                if self.kinds:
                    self.kinds.pop()
            elif t == "html_block" and tok.map:
                start = self.line_start(tok.map[0])
                end = self.line_start(tok.map[1])
                b.end_block()
                read_html(b, self.src, start, end, fragment=True)
                self.cursor = max(self.cursor, end)
            elif t in ("fence", "code_block", "front_matter", "hr") and tok.map:
                if t == "front_matter":
                    b.sites += front_matter_sites(tok.content)
                b.end_block()
                self.cursor = max(self.cursor, self.line_start(tok.map[1]))

    # -- inline ------------------------------------------------------------------------------
    def find(self, needle: str, pos: int, limit: int) -> int:
        """Position just after `needle` if only markup stands before it, else `pos`."""
        idx = self.src.find(needle, pos, limit)
        if idx < 0 or not skippable(self.src[pos:idx]):
            return pos
        return idx + len(needle)

    # Long because it is one pass over an inline token's children, each kind handled inline.
    def inline(self, tok) -> None:
        b, src = self.b, self.src
        pos = max(self.cursor, self.line_start(tok.map[0]) if tok.map else self.cursor)
        limit = self.line_start(tok.map[1]) if tok.map else len(src)
        kind = b.kind
        audited = b.audited
        links: list[tuple[int, str]] = []
        sup_start: int | None = None
        code_depth = 0
        for c in tok.children or ():
            t = c.type
            if t == "text":
                if code_depth:
                    pos = self.find(c.content, pos, limit)
                else:
                    pos = align(b, c.content, src, pos, limit)
            elif t in ("softbreak", "hardbreak"):
                nl = src.find("\n", pos, limit)
                cr = src.find("\r", pos, limit)
                nl = min(x for x in (nl, cr, limit) if x >= 0)
                end = nl + (2 if src.startswith("\r\n", nl) else 1)
                b.space(pos, min(end, limit))
                pos = min(end, limit)
            elif t == "code_inline":
                ticks = c.markup or "`"
                open_at = src.find(ticks, pos, limit)
                if open_at >= 0:
                    close_at = src.find(ticks, open_at + len(ticks) + len(c.content.strip()), limit)
                    if close_at >= 0:
                        b.space(open_at, close_at + len(ticks))
                        pos = close_at + len(ticks)
            elif t == "link_open":
                href = c.attrs.get("href", "") or ""
                if c.markup in ("autolink", "linkify"):
                    pos = self.find("<", pos, limit) if c.markup == "autolink" else pos
                    links.append((b.position(), str(href)))
                else:
                    pos = self.find("[", pos, limit)
                    links.append((b.position(), str(href)))
            elif t == "link_close":
                if links:
                    start, href = links.pop()
                    b.add_link(start, href, "marker" if _is_marker(b, start, href) else "link")
                if c.markup in ("autolink", "linkify"):
                    pos = self.find(">", pos, limit) if c.markup == "autolink" else pos
                else:
                    pos = _skip_link_tail(src, pos, limit)
            elif t == "image":
                b.start_block("alt", audited)
                alt_pos = self.find("![", pos, limit)
                for child in c.children or ():
                    if child.type == "text":
                        alt_pos = align(b, child.content, src, alt_pos, limit)
                b.start_block(kind, audited)
                pos = _skip_link_tail(src, alt_pos, limit)
            elif t == "footnote_ref":
                label = c.meta.get("label", "") if c.meta else ""
                pos = self.find(f"[^{label}]", pos, limit)
                b.add_link(b.length, f"#fn-{label}", "marker")
            elif t == "html_inline":
                html = c.content
                idx = src.find(html, pos, limit)
                if idx >= 0:
                    if html.startswith("<!--"):
                        b.add_comment(idx, idx + len(html), html)
                    pos = idx + len(html)
                m = _TAG.match(html)
                if not m:
                    continue
                closing, name = m.group(1) == "/", m.group(2).lower()
                if name == "sup":
                    if not closing:
                        sup_start = b.position()
                    elif sup_start is not None:
                        if b.length > sup_start and _MARKER_TEXT.match(b.tail(sup_start)):
                            b.add_link(sup_start, "#sup", "marker")
                        sup_start = None
                elif name == "a":
                    if not closing:
                        h = _HREF.search(m.group(3))
                        href = next((g for g in h.groups() if g is not None), "") if h else ""
                        links.append((b.position(), href))
                    elif links:
                        start, href = links.pop()
                        b.add_link(start, href, "marker" if _is_marker(b, start, href) else "link")
                elif name in ("code", "kbd", "samp"):
                    code_depth += -1 if closing else 1
                    code_depth = max(code_depth, 0)
                elif name == "br":
                    b.start_block(kind, audited)
            # em/strong/s open and close: their markup is skipped by the next text's alignment
        self.cursor = pos


def _is_marker(b: TextBuilder, start: int, href: str) -> bool:
    """A link whose text is a reference number ([3], 12) pointing inside the page."""
    return b.length > start and bool(_MARKER_TEXT.match(b.tail(start)))


def _skip_link_tail(src: str, pos: int, limit: int) -> int:
    """Skip `](destination "title")`, `][ref]` or `]` after link text."""
    idx = src.find("]", pos, limit)
    if idx < 0 or not skippable(src[pos:idx]):
        return pos
    pos = idx + 1
    if pos < limit and src[pos] == "(":
        depth, i, quote = 0, pos, ""
        while i < limit:
            ch = src[i]
            if quote:
                if ch == quote:
                    quote = ""
            elif ch == "\\":
                i += 1
            elif ch in "\"'" and depth == 1 and src[i - 1].isspace():
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return pos
    if pos < limit and src[pos] == "[":
        end = src.find("]", pos, limit)
        return end + 1 if end >= 0 else pos
    return pos


def read_markdown(b: TextBuilder, source: str) -> list[str]:
    """Read Markdown into `b`; returns notes on what could not be read (too deep nesting)."""
    tokens = _parser().parse(source)
    _MarkdownWalker(b, source).walk(tokens)
    # A container opened at the last level markdown-it allows has its content dropped.
    if any(tok.type in _CONTAINERS and tok.level >= MAX_NESTING - 1 for tok in tokens):
        return [
            f"Markdown nested more than {MAX_NESTING} levels deep (quotes or lists); "
            "text below that depth is not audited"
        ]
    return []
