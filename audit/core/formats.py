"""Document formats: which suffix is read as which, and a guess for text without one."""

from __future__ import annotations

FORMAT_BY_SUFFIX = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
}
_HTML_STARTS = ("<!doctype html", "<html", "<head", "<body")


def guess_format(text: str) -> str:
    """HTML when the text opens like an HTML page; Markdown otherwise (plain text reads as it)."""
    head = text.lstrip()[:512].lower()
    return "html" if head.startswith(_HTML_STARTS) else "markdown"
