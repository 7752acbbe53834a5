"""The JSON report's schema: what `--format json` writes, as pydantic models.

schemas/report.schema.json is generated from `JSONReport`, and the tests validate real reports
against it, so a field added to a Finding or to the summary without a word here fails a test.
The report is written by writers.json_report and writers.streaming (same bytes), not through
these models: they only describe it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from audit import PROG
from audit.core.header import SCHEMA_VERSION

Severity = Literal["info", "warning", "error"]
Count = Annotated[int, Field(ge=0)]
Position = Annotated[int, Field(ge=1)]  # lines and columns count from 1
Offset = Annotated[int, Field(ge=0)]  # characters into the file's decoded text


class _Closed(BaseModel):
    """Every key is listed: a report with another key does not match the schema."""

    model_config = ConfigDict(extra="forbid")


class Tool(_Closed):
    name: Literal["claims-audit"]
    version: str


class DocumentEntry(_Closed):
    """One audited input, in input order."""

    path: str = Field(description="As given (folders walked), or the row id of an export.")
    format: str = Field(description="markdown, html or text; empty when it could not be read.")
    words: Count
    sentences: Count
    findings: Count
    suppressed: Count
    error: str | None = Field(description="Why the document could not be read or audited.")
    notes: list[str] = Field(description="What was read in an unusual way (encoding, markup).")


class LinkEntry(_Closed):
    """A link in the flagged sentence."""

    text: str
    href: str
    kind: Literal["link", "url", "marker"]
    tier: Annotated[int, Field(ge=1, le=4)] | None = Field(
        description="Source quality tier of the link's domain (1 best), when it is rated."
    )


class SuppressionEntry(_Closed):
    """The inline comment that suppressed a finding."""

    kind: Literal["disable", "enable", "disable-next-line", "disable-line", "disable-file"]
    reason: str
    line: Position


class ClaimEntry(_Closed):
    """The approved claim a sentence matched (--claims-library)."""

    id: str
    wording: str = Field(description="The approved wording.")
    references: list[str]
    scope: str = Field(description="Product or market the approval covers.")
    approver: str
    approved: str = Field(description="Approval date (YYYY-MM-DD).")
    expires: str | None = Field(description="Expiry date (YYYY-MM-DD), if any.")
    status: Literal["approved", "drift", "expired"] = Field(
        description="approved: same wording and figures; drift: close, but changed; expired."
    )
    score: Annotated[int, Field(ge=0, le=100)] = Field(description="Wording similarity, 0-100.")
    changes: str = Field(description="What drifted (figures, a dropped hedge), or why expired.")


class ReviewEntry(_Closed):
    """A reviewer's decision on the finding (--decisions), or the approved claim it matched."""

    decision: Literal["accepted", "needs-edit", "dismissed"] | None = Field(
        description="The reviewer's decision; null for an approved-claims library match."
    )
    reason: str
    reference: str = Field(description="The evidence the decision or approval rests on.")
    reviewer: str = Field(description="Who decided (for a library match: the approver).")
    time: str = Field(description="When (ISO 8601; for a library match: the approval date).")
    comment: str
    source: str = Field(description="The decisions file or claims library it came from.")
    claim: ClaimEntry | None = Field(
        default=None, description="The approved claim, for library matches."
    )
    cleared: bool = Field(
        description="Accepted, dismissed or an approved claim: it does not fail the gate."
    )


class RelatedEntry(_Closed):
    """A rule whose match overlaps the finding's, reported with it rather than on its own."""

    rule: str
    category: str
    severity: Severity
    message: str


class FindingEntry(_Closed):
    """One flagged sentence in one category."""

    path: str
    line: Position
    column: Position
    end_line: Position
    end_column: Position
    start: Offset = Field(description="Offset of the match, end exclusive.")
    end: Offset
    match: str = Field(description="The matched words as they are in the source.")
    sentence: str
    sentence_start: Offset
    sentence_end: Offset
    rule: str
    category: str
    severity: Severity
    action: Literal["cite", "edit", "remove", "add-disclaimer", "disclose"]
    message: str
    suggestion: str
    rationale: str
    qualifiers: list[str] = Field(
        description='Context found around the match: "cited", "hedged"...'
    )
    links: list[LinkEntry]
    fingerprint: str = Field(description="Stable across edits elsewhere in the file (baselines).")
    baseline_state: Literal["new", "unchanged"] | None = Field(
        description="With a baseline: whether the baseline holds this finding."
    )
    suppression: SuppressionEntry | None
    related: list[RelatedEntry] = Field(
        description="Rules that matched the same words: the finding is the strongest of them."
    )
    review: ReviewEntry | None = Field(
        default=None, description="Only with --decisions or --claims-library: see ReviewEntry."
    )


class BySeverity(_Closed):
    error: Count
    warning: Count
    info: Count


class Summary(_Closed):
    documents: Count
    documents_with_errors: Count
    words: Count
    sentences: Count
    findings: Count
    suppressed: Count
    new: Count
    baselined: Count
    by_severity: BySeverity
    by_category: dict[str, Count]
    fail_on: Severity
    failed: bool = Field(description="A finding at or above fail_on that the baseline lacks.")


class JSONReport(_Closed):
    """The claims-audit JSON report (`--format json`)."""

    model_config = ConfigDict(extra="forbid", title=f"{PROG} JSON report")

    schema_version: Literal[1] = Field(description="Changes when a field changes meaning or goes.")
    tool: Tool
    documents: list[DocumentEntry]
    summary: Summary
    findings: list[FindingEntry] = Field(description="Sorted by path, then offset.")
    suppressed: list[FindingEntry] = Field(description="Findings inline comments suppressed.")


assert JSONReport.model_fields["schema_version"].annotation == Literal[SCHEMA_VERSION]
