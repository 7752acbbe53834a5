"""What a finding card of the HTML report shows: its sentence around the matched words, and
the rules whose rationale the report gives once (not on every card)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit.core.finding import Finding
from audit.core.result import DocumentResult

if TYPE_CHECKING:
    from audit.rulebook.book import RuleBook


def card(n: int, f: Finding, colour: int) -> dict:
    """Template data of finding number n (f0, f1, ... across the report)."""
    return {"n": n, "id": f"f{n}", "finding": f, "colour": colour, "quote": sentence_parts(f)}


QUOTE_CHARS = 240  # of the sentence shown on a card, around the matched words


def sentence_parts(f: Finding) -> tuple[str, str, str]:
    """The card's sentence as (before, matched, after), shortened around the match, so a card
    shows the claim in its sentence rather than a word on its own."""
    sentence = " ".join(f.sentence.split())
    match = " ".join(f.match.split())
    at = sentence.lower().find(match.lower()) if match else -1
    if at < 0:
        return (sentence[:QUOTE_CHARS] + (" …" if len(sentence) > QUOTE_CHARS else ""), "", "")
    lo = max(0, min(at + len(match) // 2 - QUOTE_CHARS // 2, len(sentence) - QUOTE_CHARS))
    hi = max(lo + QUOTE_CHARS, at + len(match))
    before = ("… " if lo else "") + sentence[lo:at]
    after = sentence[at + len(match) : hi] + (" …" if hi < len(sentence) else "")
    return before, sentence[at : at + len(match)], after


def rules_fired(results: list[DocumentResult], rulebook: RuleBook, max_cards: int) -> list[dict]:
    """Each rule with a card in the report, once: its rationale is given here, not per card."""
    fired: dict[str, Finding] = {}
    for r in results:
        for f in r.findings[:max_cards]:
            for rule_id in f.rule_ids:  # a folded rule is linked from the card, so listed
                if rule_id == f.rule or rule_id in rulebook.by_id:
                    fired.setdefault(rule_id, f)
    out = []
    for rule_id in sorted(fired):
        f = fired[rule_id]
        rule = rulebook.by_id.get(rule_id)
        out.append(
            {
                "id": rule_id,
                "category": rule.category if rule else f.category,
                "message": rule.message if rule else f.message,
                "rationale": (rule.rationale if rule else f.rationale) or "(no rationale given)",
            }
        )
    return out
