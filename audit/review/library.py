"""The approved-claims library: claim wordings approved once against their references.

Regulated teams (pharmaceutical promotional review, supplement and cosmetics marketing) keep a
list of approved claims, each with its references, scope, approver and dates, and check every
new draft against it. A flagged sentence whose wording matches an approved claim, with every
figure the same, is reported as `approved-claim` (info, with its reference) and does not fail
the gate. A sentence close to an approved claim whose wording drifted (a figure changed, a
hedge dropped: "may support" became "boosts", words added or removed) is a `claim-drift`
warning showing the approved wording beside the draft's. An approval past its expiry date no
longer approves anything: `approval-expired`, a warning.

Wording is compared with rapidfuzz (a maintained C++ implementation of edit-distance ratios)
after folding case, spacing and punctuation; figures are compared exactly.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from audit.core.errors import UsageError

APPROVED = 95.0  # wording ratio at or above which a sentence states the approved claim
CLOSE = 75.0  # ... and above which it is a drifted version of it
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[\w%]+(?:['\u2019]\w+)?")
_HEDGES = re.compile(
    r"\b(?:may|might|could|can help|helps?|supports?|supporting|contributes?|maintain|"
    r"maintains|as part of|in some|some people|for some)\b",
    re.IGNORECASE,
)
_WORDS_NUMBERS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "half": "50%",
}  # fmt: skip


class ApprovedClaim(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    wording: str = Field(min_length=5)
    references: list[str] = Field(min_length=1)
    scope: str = ""  # product or market the approval covers
    approver: str = Field(min_length=1)
    approved: date
    expires: date | None = None

    @field_validator("references", mode="before")
    @classmethod
    def _split(cls, value):
        if isinstance(value, str):
            return [v.strip() for v in value.split(";") if v.strip()]
        return value


class _Library(BaseModel):
    model_config = ConfigDict(extra="forbid")

    claims: list[ApprovedClaim]


@dataclass(frozen=True)
class Outcome:
    """How a sentence stands against the library."""

    kind: str  # "approved" | "drift" | "expired"
    claim: ApprovedClaim
    score: float
    why: str  # for drift: what changed


def load_library(path: Path) -> list[ApprovedClaim]:
    """YAML (a `claims:` list) or CSV (a header row); one-line errors naming file and row."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: claims library not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read claims library ({exc})") from None
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        data = {"claims": [{k: v for k, v in r.items() if v not in (None, "")} for r in rows]}
    else:
        data = _yaml(path, text)
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise UsageError(f"{path}: not a claims library: expected a 'claims:' list of claims")
    if not data["claims"]:
        raise UsageError(f"{path}: the claims library lists no claims")
    try:
        library = _Library.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        where = f"claim {loc[1] + 1}" if len(loc) > 1 and isinstance(loc[1], int) else "file"
        field = ".".join(str(p) for p in loc[2:]) or ".".join(str(p) for p in loc)
        raise UsageError(f"{path}: {where}: {field}: {err['msg']}") from None
    ids = [c.id for c in library.claims]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise UsageError(f"{path}: claim id {dupes[0]!r} is used twice")
    return library.claims


def _yaml(path: Path, text: str):
    import yaml

    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise UsageError(f"{path}: YAML anchors and aliases are not allowed")
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise UsageError(f"{path}{where}: invalid YAML") from None


def _fold(text: str) -> str:
    return " ".join(w.lower() for w in _WORD.findall(text))


def figures(text: str) -> list[str]:
    """The numbers a sentence states, in order ("70%", "seven" and "7" alike)."""
    words = [_WORDS_NUMBERS.get(w.lower(), w) for w in _WORD.findall(text)]
    return _FIGURE.findall(" ".join(words).replace(",", ""))


def assess(sentence: str, library: list[ApprovedClaim], today: date) -> Outcome | None:
    """The library's verdict on one sentence, or None when no approved claim is close."""
    from rapidfuzz import fuzz, process

    if not library:
        return None
    folded = [_fold(c.wording) for c in library]
    best = process.extractOne(_fold(sentence), folded, scorer=fuzz.ratio, score_cutoff=CLOSE)
    if best is None:
        return None
    _, score, index = best
    claim = library[index]
    changes = _drift(sentence, claim.wording)
    if score >= APPROVED and not changes:
        if claim.expires is not None and claim.expires < today:
            return Outcome("expired", claim, score, f"approval expired on {claim.expires}")
        return Outcome("approved", claim, score, "")
    return Outcome("drift", claim, score, "; ".join(changes) or "wording changed")


def _drift(draft: str, approved: str) -> list[str]:
    changes = []
    if figures(draft) != figures(approved):
        changes.append(f"figures {figures(approved)} became {figures(draft)}")
    if _HEDGES.search(approved) and not _HEDGES.search(draft):
        changes.append("the hedge was dropped")
    return changes
