"""The review applied to one document's findings: decisions, then the approved-claims library.

`ReviewSet` holds what --decisions and --claims-library loaded; `ReviewSet.apply` runs per document
(in a worker process with --jobs, so everything here pickles) after inline suppressions and
before --min-severity:

- a finding with a decision gets `review` (the decision, reason, reference, reviewer, time);
  accepted and dismissed ones are `cleared` and no longer fail the gate;
- a decision for this document that matched no finding becomes a `stale-decision` (info);
- a flagged sentence that states an approved claim adds an `approved-claim` (info) finding,
  and its findings without a decision are cleared, with the claim and its references;
- a flagged sentence close to an approved claim whose wording drifted adds `claim-drift`
  (warning) with the approved wording beside the draft's; an expired approval adds
  `approval-expired` (warning). Neither clears anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from audit.core.finding import Finding
from audit.review.decisions import CLEARS_GATE, Decision, match
from audit.review.library import ApprovedClaim, Outcome, assess

CATEGORY = "review"
RULES = ("approved-claim", "claim-drift", "approval-expired", "stale-decision")


@dataclass
class ReviewSet:
    decisions: dict[str, tuple[Decision, str]] = field(default_factory=dict)
    library: list[ApprovedClaim] = field(default_factory=list)
    library_path: str = ""
    today: date = field(default_factory=date.today)
    _paths: dict[str, dict[str, tuple[Decision, str]]] | None = field(default=None, repr=False)

    def __bool__(self) -> bool:
        return bool(self.decisions or self.library)

    def by_path(self, path: str) -> dict[str, tuple[Decision, str]]:
        """This document's decisions (indexed once: a corpus has many documents)."""
        if self._paths is None:
            self._paths = {}
            for fp, hit in self.decisions.items():
                self._paths.setdefault(hit[0].path, {})[fp] = hit
        return self._paths.get(path, {})

    def apply(
        self, path: str, findings: list[Finding], active: Collection[str] | None = None
    ) -> list[Finding]:
        """Mark `findings` in place; return the findings the review adds.

        `active` holds the rules the run looked for here: a decision on a rule left out by
        --select, --ignore, --no-model or the config is not stale.
        """
        reviews, stale = match(findings, self.by_path(path))
        if active is not None:
            stale = [d for d in stale if d.rule in RULES or d.rule in active]
        for i, r in reviews.items():
            cleared = r.decision in CLEARS_GATE
            findings[i].review = {**r.to_dict(), "claim": None, "cleared": cleared}
        extra = [_stale(path, d, self.decisions[d.fingerprint][1]) for d in stale]
        if self.library:
            extra += self._library(findings)
        return extra

    def _library(self, findings: list[Finding]) -> list[Finding]:
        by_sentence: dict[tuple[int, int], list[Finding]] = {}
        for f in findings:
            by_sentence.setdefault((f.sentence_start, f.sentence_end), []).append(f)
        extra = []
        for group in by_sentence.values():
            outcome = assess(group[0].sentence, self.library, self.today)
            if outcome is None:
                continue
            review = self._claim_review(outcome)
            if outcome.kind == "approved":
                for f in group:
                    if f.review is None:
                        f.review = review
            extra.append(_library_finding(group[0], outcome, review))
        return extra

    def _claim_review(self, o: Outcome) -> dict:
        c = o.claim
        claim = {
            "id": c.id,
            "wording": c.wording,
            "references": list(c.references),
            "scope": c.scope,
            "approver": c.approver,
            "approved": c.approved.isoformat(),
            "expires": c.expires.isoformat() if c.expires else None,
            "status": o.kind,
            "score": round(o.score),
            "changes": o.why,
        }
        return {
            "decision": None,
            "reason": (f"approved for {c.scope}" if c.scope else "approved wording")
            if o.kind == "approved"
            else o.why,
            "reference": "; ".join(c.references),
            "reviewer": c.approver,
            "time": c.approved.isoformat(),
            "comment": "",
            "source": self.library_path,
            "claim": claim,
            "cleared": o.kind == "approved",
        }


_LIBRARY = {
    # kind: (rule, severity, action, message, suggestion)
    "approved": (
        "approved-claim",
        "info",
        "cite",
        "States approved claim {id} ({refs})",
        "Keep the approved wording and cite its reference: {refs}.",
    ),
    "drift": (
        "claim-drift",
        "warning",
        "edit",
        "Drifted from approved claim {id} ({why}): approved \u201c{wording}\u201d",
        "Use the approved wording \u201c{wording}\u201d, or have the new wording approved.",
    ),
    "expired": (
        "approval-expired",
        "warning",
        "cite",
        "Approved claim {id} expired on {expires}",
        "Renew the approval of claim {id} before publishing, or remove the claim.",
    ),
}


def _library_finding(f: Finding, o: Outcome, review: dict) -> Finding:
    """A finding on the same words as `f`, naming the approved claim."""
    rule, severity, action, message, suggestion = _LIBRARY[o.kind]
    c = o.claim
    values = {
        "id": c.id,
        "refs": "; ".join(c.references),
        "why": o.why,
        "wording": c.wording,
        "expires": c.expires,
    }
    return dataclasses.replace(
        f,
        rule=rule,
        category=CATEGORY,
        severity=severity,
        action=action,
        message=message.format(**values),
        suggestion=suggestion.format(**values),
        rationale="The approved-claims library (--claims-library) lists this claim.",
        qualifiers=[],
        fingerprint="",
        baseline_state=None,
        suppression=None,
        review=review,
    )


def _stale(path: str, d: Decision, source: str) -> Finding:
    """A decision whose finding is gone (reworded, fixed, or moved to another rule)."""
    review = {
        "decision": d.decision,
        "reason": d.reason,
        "reference": d.reference,
        "reviewer": d.reviewer,
        "time": d.time,
        "comment": d.comment,
        "source": source,
        "claim": None,
        "cleared": False,
    }
    return Finding(
        path=path,
        line=1,
        column=1,
        end_line=1,
        end_column=1,
        start=0,
        end=0,
        match="",
        sentence=d.sentence,
        sentence_start=0,
        sentence_end=0,
        rule="stale-decision",
        category=CATEGORY,
        severity="info",
        action="remove",
        message=f"Decision '{d.decision}' by {d.reviewer} ({d.time}) on {d.rule} "
        "matches no finding: the sentence changed or the claim is gone",
        suggestion=f"Review the current wording, then record a new decision or drop this one "
        f"from {source}.",
        rationale="A decision applies only to the exact sentence it was made on.",
        review=review,
    )
