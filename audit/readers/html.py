"""HTML through justhtml, a spec-compliant HTML5 parser that records where each node starts.

HTML5 tree construction (implied end tags, misnested and unclosed tags) decides where blocks
begin and end; the node offsets plus the aligner give every character its place in the file.
Script, style, template, code and preformatted text are skipped; alt text, figure captions,
the title and the meta description are blocks of their own.
"""

from __future__ import annotations

import re
from typing import Any

from audit.readers.align import align
from audit.readers.sourcemap import TextBuilder

REFERENCE_HEADING = re.compile(
    r"(?i)^\s*(references?|sources?|bibliography|citations?|footnotes?|notes|works cited"
    r"|literature cited|reference list|further reading)\s*:?\s*$"
)
_REFERENCE_CLASS = re.compile(r"(?i)\b(references?|footnotes?|bibliography|citations)\b")
_MARKER_TEXT = re.compile(r"^[\s\[\]()\d,;\u2013\u2014*\u2020\u2021-]+$")

SKIP = frozenset(
    [
        "script",
        "style",
        "template",
        "code",
        "pre",
        "kbd",
        "samp",
        "svg",
        "math",
        "iframe",
        "object",
        "canvas",
        "textarea",
        "select",
        "noscript",
        "head",
    ]
)
BLOCK_KIND = {
    **{f"h{i}": "heading" for i in range(1, 7)},
    "p": "paragraph",
    "li": "list-item",
    "td": "table-cell",
    "th": "table-cell",
    "blockquote": "blockquote",
    "figcaption": "caption",
    "caption": "caption",
    "dt": "paragraph",
    "dd": "paragraph",
    "title": "title",
    "summary": "paragraph",
    "legend": "paragraph",
    "option": "paragraph",
    "button": "paragraph",
}
BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "body",
        "details",
        "dialog",
        "div",
        "dl",
        "fieldset",
        "figure",
        "footer",
        "form",
        "header",
        "hgroup",
        "hr",
        "html",
        "main",
        "nav",
        "ol",
        "section",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
        "menu",
        "br",
    ]
) | frozenset(BLOCK_KIND)

_ATTR = re.compile(
    r"""\s*([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""",
)


def attribute_span(source: str, tag_start: int, name: str) -> tuple[int, int] | None:
    """Source span of the value of attribute `name` in the start tag at `tag_start`."""
    m = re.compile(r"<[^\s/>]+").match(source, tag_start)
    if not m:
        return None
    pos = m.end()
    while pos < len(source):
        if source.startswith(">", pos) or source.startswith("/>", pos):
            return None
        a = _ATTR.match(source, pos)
        if not a or a.end() == pos:
            return None
        if a.group(1).lower() == name:
            for g in (2, 3, 4):
                if a.group(g) is not None:
                    return a.start(g), a.end(g)
            return None
        pos = a.end()
    return None


class _HtmlWalker:
    def __init__(self, b: TextBuilder, source: str, base: int, limit: int) -> None:
        self.b = b
        self.base = base
        self.src = source
        self.limit = limit
        self.kinds: list[str] = []
        self.quotes = 0  # blockquotes among self.kinds: a count, so nesting checks are O(1)
        self.unaudited = 0  # depth of reference-list containers we are inside
        self.ref_level = 0
        self.starts: dict[int, int] = {}  # id(element) -> text offset where it began
        self.reference_lists: set[int] = set()

    def offset(self, node) -> int | None:
        off = node.origin_offset
        return None if off is None else off + self.base

    def audited(self) -> bool:
        return self.unaudited == 0 and self.ref_level == 0

    def current_kind(self) -> str:
        return self.kinds[-1] if self.kinds else "paragraph"

    def attr_block(self, node, attr: str, kind: str) -> None:
        value = node.attrs.get(attr)
        off = self.offset(node)
        if not value or off is None:
            return
        span = attribute_span(self.src, off, attr)
        if span is None:
            return
        b = self.b
        resume = b.kind
        b.start_block(kind, self.audited())
        align(b, value, self.src, span[0], span[1])
        b.start_block(resume or self.current_kind(), self.audited())

    # Long because it is the reader's one loop over the tree, each node kind handled inline.
    def walk(self, root) -> None:
        b = self.b
        stack: list[tuple[Any, bool]] = [(root, False)]  # justhtml nodes
        while stack:
            node, leaving = stack.pop()
            name = getattr(node, "name", None)
            cls = type(node).__name__
            if leaving:
                self.leave(node, name or "")  # pushed only for elements, which have a name
                continue
            if cls == "Text":
                off = self.offset(node)
                if off is not None and node.data and off < self.limit:
                    align(b, node.data, self.src, off, self.limit)
                continue
            if cls == "Comment":
                off = self.offset(node)
                if off is not None and off < self.limit:
                    end = self.src.find("-->", off, self.limit)
                    end = end + 3 if end >= 0 else self.limit
                    b.add_comment(off, end, self.src[off:end])
                continue
            if cls in ("Document", "DocumentFragment"):
                stack.extend((c, False) for c in reversed(node.children or ()))
                continue
            if cls != "Element" and cls != "Template":
                continue
            name = (name or "").lower()
            if name == "head":
                # Only the title and the meta description of the head are prose.
                prose = [
                    c
                    for c in node.children or ()
                    if (getattr(c, "name", "") or "").lower() in ("title", "meta", "link")
                ]
                stack.extend((c, False) for c in reversed(prose))
                continue
            if name == "meta":
                kind = (node.attrs.get("name") or node.attrs.get("property") or "").lower()
                if kind in ("description", "og:description", "twitter:description"):
                    self.attr_block(node, "content", "meta")
                elif kind == "og:url" and node.attrs.get("content"):
                    b.sites.append(node.attrs["content"].strip())
                continue
            if name == "link":
                rel = (node.attrs.get("rel") or "").lower().split()
                if "canonical" in rel and node.attrs.get("href"):
                    b.sites.append(node.attrs["href"].strip())
                continue
            if name in SKIP:
                off = self.offset(node)
                if name in ("code", "kbd", "samp") and off is not None:
                    b.space(off, off + 1)  # skipped code still separates the words around it
                continue
            if name == "img":
                self.attr_block(node, "alt", "alt")
                continue
            if name == "br":
                b.start_block(self.current_kind(), self.audited())
                continue
            self.enter(node, name)
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(node.children or ()))

    def enter(self, node, name: str) -> None:
        b = self.b
        classes = f"{node.attrs.get('class') or ''} {node.attrs.get('id') or ''}"
        if name in ("ol", "ul", "section", "div", "aside", "footer") and _REFERENCE_CLASS.search(
            classes
        ):
            self.unaudited += 1
            self.reference_lists.add(id(node))
        if name in BLOCK:
            kind = BLOCK_KIND.get(name, self.current_kind())
            if kind == "paragraph" and self.quotes:
                kind = "blockquote"  # <blockquote><p>: the paragraph is quoted words
            if name.startswith("h") and name[1:].isdigit():
                level = int(name[1:])
                if self.ref_level and level <= self.ref_level:
                    self.ref_level = 0
            self.kinds.append(kind)
            self.quotes += kind == "blockquote"
            b.start_block(kind, self.audited())
        elif name in ("a", "sup"):
            self.starts[id(node)] = b.position()

    def leave(self, node, name: str) -> None:
        b = self.b
        name = (name or "").lower()
        if name in BLOCK:
            if name.startswith("h") and name[1:].isdigit():
                heading = b.tail(_block_start(b)) if b.length else ""
                if REFERENCE_HEADING.match(heading):
                    self.ref_level = int(name[1:])
            if self.kinds:
                self.quotes -= self.kinds.pop() == "blockquote"
            b.start_block(self.current_kind(), self.audited())
        elif name == "a":
            start = self.starts.pop(id(node), None)
            if start is not None:
                href = (node.attrs.get("href") or "").strip()
                marker = b.length > start and bool(_MARKER_TEXT.match(b.tail(start)))
                b.add_link(start, href, "marker" if marker and href.startswith("#") else "link")
        elif name == "sup":
            start = self.starts.pop(id(node), None)
            if start is not None and b.length > start and _MARKER_TEXT.match(b.tail(start)):
                b.add_link(start, "#sup", "marker")
        if id(node) in self.reference_lists:
            self.reference_lists.discard(id(node))
            self.unaudited -= 1
            b.start_block(self.current_kind(), self.audited())


def _block_start(b: TextBuilder) -> int:
    start = b._block_start
    return start if start is not None else b.length


def read_html(b: TextBuilder, source: str, start: int, end: int, fragment: bool = False) -> None:
    """Read source[start:end] as HTML (a whole file, or an HTML block inside Markdown)."""
    from justhtml import JustHTML

    text = source[start:end]
    doc = JustHTML(text, track_node_locations=True, sanitize=False, fragment=fragment)
    _HtmlWalker(b, source, start, end).walk(doc.root)
    b.end_block()
