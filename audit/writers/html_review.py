"""The HTML report's review pieces: the report id, decisions already made, the printed page.

A reviewer records a decision per finding in the page (audit/templates/report.js keeps them
in the browser's localStorage under the report id) and exports them as a decisions file for
--decisions. The report id is a hash of what the report shows, so the same report opened
again finds its decisions, and a different report does not pick them up. A finding that
arrives with a review (from --decisions or --claims-library) shows it, and its controls start
from it. On paper every page carries its number and the report id (CSS @page margin boxes).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from audit.core.finding import Finding
from audit.writers.console import review_line

if TYPE_CHECKING:
    from audit.writers import Report


def report_id(report: Report) -> str:
    """16 hex digits over the creation time, the inputs and every finding's fingerprint."""
    h = hashlib.sha256()
    for part in (report.created, *report.inputs):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for r in report.results:
        h.update(r.path.encode("utf-8", "surrogateescape") + b"\0")
        for f in r.findings:
            h.update(f.fingerprint.encode() + b"\0")
    return h.hexdigest()[:16]


def page_css(rid: str) -> str:
    """Every printed page: the report id at the bottom left, the page number at the right."""
    return (
        '@page { @bottom-left { content: "claims-audit report ' + rid + '"; '
        "font-size: 8pt; color: #52606d; } "
        '@bottom-right { content: "Page " counter(page) " of " counter(pages); '
        "font-size: 8pt; color: #52606d; } }\n"
    )


def card_review(f: Finding) -> dict:
    """What a card shows of its review and the values its decision controls start from."""
    review = f.review or {}
    decided = review.get("decision") or ""
    return {
        "line": review_line(review) if review else "",
        "decision": decided,
        "reason": review.get("reason", "") if decided else "",
        "reference": review.get("reference", "") if decided else "",
        "reviewer": review.get("reviewer", "") if decided else "",
        "time": review.get("time", "") if decided else "",
        "comment": review.get("comment", "") if decided else "",
    }


def review_context(report: Report) -> dict:
    rid = report_id(report)
    return {"report_id": rid, "page_css": page_css(rid), "card_review": card_review}
