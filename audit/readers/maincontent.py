"""Main content of a web page (trafilatura), without losing positions in the fetched HTML.

trafilatura decides which text is the article and which is navigation, footers or cookie
banners. Its output has no positions, so instead of auditing that output, blocks of the
page's own source-mapped document that do not appear in it are marked as not audited.
"""

from __future__ import annotations

import re

from audit.readers.document import Document

_NON_WORD = re.compile(r"[^\w]+")
# The page's own words about itself, kept whatever trafilatura decides (as for a local file):
# the <title>, the meta description and image alt text.
ALWAYS_AUDITED = frozenset({"title", "meta", "alt"})


def _words(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def restrict_to_main(document: Document, html: str) -> bool:
    """Mark blocks outside the main content as unaudited; False when extraction found nothing."""
    import trafilatura

    main = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
    )
    if not main:
        return False
    body = _words(main)
    for block in document.blocks:
        if not block.audited or block.kind in ALWAYS_AUDITED:
            continue
        words = _words(document.text[block.start : block.end]).split()
        key = " ".join(words[:12])
        if key and key not in body:
            block.audited = False
    return True
