"""Reviewers' decisions on findings, exported from the HTML report and read back by --decisions.

A decision names a finding by its fingerprint (path, rule, the flagged sentence and the
matched words), so it follows the finding when lines move and stops applying the moment the
sentence is reworded: a new wording needs a new decision. Accepted and dismissed findings stay
in every report, marked reviewed with their reason, and no longer fail the gate; "needs edit"
changes nothing but the record. A decision whose finding no longer exists is reported at info,
so a decisions file does not quietly grow stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from audit.core.errors import UsageError

SCHEMA_VERSION = 1
DECISIONS = ("accepted", "needs-edit", "dismissed")
CLEARS_GATE = frozenset({"accepted", "dismissed"})


class Decision(BaseModel):
    """One reviewer's decision on one finding."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    fingerprint: str = Field(min_length=8, max_length=64, pattern=r"^[0-9a-f]+$")
    rule: str = Field(min_length=1)
    path: str = Field(min_length=1)
    sentence: str = ""
    decision: Literal["accepted", "needs-edit", "dismissed"]
    reason: str = ""
    reference: str = ""
    reviewer: str = Field(min_length=1)
    time: str = Field(min_length=1)  # ISO 8601, as the report's script writes it
    comment: str = ""


class DecisionsFile(BaseModel):
    """What the HTML report exports (and what --decisions reads)."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1]
    tool: dict = Field(default_factory=dict)
    report_id: str | None = None
    decisions: list[Decision]


@dataclass(frozen=True)
class Review:
    """A decision as a finding carries it in the reports."""

    decision: str
    reason: str
    reference: str
    reviewer: str
    time: str
    source: str  # the decisions file it came from
    comment: str = ""

    def to_dict(self) -> dict:
        return {
            "decision": self.decision,
            "reason": self.reason,
            "reference": self.reference,
            "reviewer": self.reviewer,
            "time": self.time,
            "comment": self.comment,
            "source": self.source,
        }


def load_decisions(paths: list[Path]) -> dict[str, tuple[Decision, str]]:
    """fingerprint -> (decision, file), later files and later entries winning.

    Every problem is one line naming the file and the entry.
    """
    out: dict[str, tuple[Decision, str]] = {}
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"{path}: decisions file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: cannot read decisions ({exc})") from None
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}: not JSON: {exc.msg} at line {exc.lineno}") from None
        try:
            parsed = DecisionsFile.model_validate(data)
        except ValidationError as exc:
            raise UsageError(f"{path}: not a decisions file: {_first_error(exc)}") from None
        for d in parsed.decisions:
            out[d.fingerprint] = (d, str(path))
    return out


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def match(
    findings: list, decisions: dict[str, tuple[Decision, str]]
) -> tuple[dict[int, Review], list[Decision]]:
    """Reviews by finding index, and the decisions that match no finding (stale).

    A decision applies to the finding with its fingerprint when the rule, the path and (if the
    decision recorded one) the sentence agree: a fingerprint is a short hash, and the sentence
    check makes a collision harmless.
    """
    reviews: dict[int, Review] = {}
    used: set[str] = set()
    for i, f in enumerate(findings):
        hit = decisions.get(f.fingerprint)
        if hit is None:
            continue
        d, source = hit
        if d.rule != f.rule or d.path != f.path:
            continue
        if d.sentence and _norm(d.sentence) != _norm(f.sentence):
            continue
        used.add(f.fingerprint)
        reviews[i] = Review(
            d.decision, d.reason, d.reference, d.reviewer, d.time, source, d.comment
        )
    stale = [d for fp, (d, _) in decisions.items() if fp not in used]
    return reviews, stale


def json_schema() -> dict:
    """The decisions file's JSON Schema (for editors and for the exported files' tests)."""
    return DecisionsFile.model_json_schema()
