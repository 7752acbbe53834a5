"""From matcher hits to findings: exceptions, context (cited, hedged, negated, question), dedupe.

Only sentences with a hit are looked at, so the cost follows the number of claims, not the
number of rules or words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from audit.checks.context import Cues, Sentence
from audit.checks.model_checks import candidates as model_candidates
from audit.checks.placement import inside, near, quoted
from audit.core.analysis import Analysis, trimmed
from audit.core.finding import SEVERITY_RANK, Finding
from audit.readers.document import Document
from audit.rulebook.book import Rule, RuleBook
from audit.rulebook.safe_regex import compile_regex

_COMPILED: dict[int, tuple[RuleBook, Cues, list[tuple[Rule, Any]]]] = {}


def compiled(rulebook: RuleBook) -> tuple[Cues, list[tuple[Rule, Any]]]:
    """Cue regexes and rule regexes, compiled once per rule book."""
    entry = _COMPILED.get(id(rulebook))
    if entry is None or entry[0] is not rulebook:
        cues = Cues.from_rulebook(rulebook)
        regex_rules = [(r, compile_regex(rx)) for r in rulebook.rules for rx in r.regex]
        entry = _COMPILED[id(rulebook)] = (rulebook, cues, regex_rules)
    return entry[1], entry[2]


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s < a[1] and a[0] < e for s, e in spans)


# A finding in the making: (severity rank, -start, length) decide which of a sentence's hits
# in one category is reported, then the rule, the span, the severity and the qualifiers.
Candidate = tuple[int, int, int, Rule, int, int, str, list[str]]


def find_claims(document: Document, analysis: Analysis, rulebook: RuleBook) -> list[Finding]:
    """The document's findings: at most one per sentence and category."""
    cues, regex_rules = compiled(rulebook)
    hits, exceptions = _hits(document, analysis, regex_rules)
    model_rules = [r for r in rulebook.rules if r.model]
    if not hits and not model_rules:
        return []
    claims = _Claims(document, analysis, rulebook, cues)
    for rule_id, start, end in sorted(hits, key=lambda h: (h[1], -h[2], h[0])):
        if not _overlaps((start, end), exceptions.get(rule_id, [])):
            claims.add_hit(rulebook.by_id[rule_id], start, end)
    if model_rules:
        claims.add_model_findings(model_rules)
    return claims.findings()


def _hits(
    document: Document, analysis: Analysis, regex_rules: list[tuple[Rule, Any]]
) -> tuple[list[tuple[str, int, int]], dict[str, list[tuple[int, int]]]]:
    """Rule hits (rule id, start, end in the plain text) and each rule's exception spans."""
    hits: list[tuple[str, int, int]] = []
    exceptions: dict[str, list[tuple[int, int]]] = {}
    for key, s, e in analysis.matches:
        if key.endswith("#except"):
            exceptions.setdefault(key[:-7], []).append((s, e))
        else:
            hits.append((key, s, e))
    for rule, rx in regex_rules:
        for m in rx.finditer(document.text):
            if m.end() > m.start():
                hits.append((rule.id, m.start(), m.end()))
    return hits, exceptions


class _Claims:
    """One document's check: its sentences (trimmed when first hit), the Sentence objects made
    so far, and the best candidate per (sentence, category)."""

    def __init__(
        self, document: Document, analysis: Analysis, rulebook: RuleBook, cues: Cues
    ) -> None:
        self.document, self.rulebook, self.cues = document, rulebook, cues
        self.sent_starts = list(analysis.sent_starts)  # trimmed in place as they are hit
        self.sent_ends = list(analysis.sent_ends)
        self.trimmed_ids: set[int] = set()
        self.block_starts = [b.start for b in document.blocks]
        self.url_spans = sorted((lk.start, lk.end) for lk in document.links if lk.kind == "url")
        self.link_spans = sorted((lk.start, lk.end) for lk in document.links if lk.kind == "link")
        self.url_starts = [s for s, _ in self.url_spans]
        self.link_starts = [s for s, _ in self.link_spans]
        self.sentences: dict[int, Sentence] = {}
        self.best: dict[tuple[int, str], Candidate] = {}
        self.notes: dict[tuple[int, str], str] = {}

    def _sentence_index(self, start: int, end: int) -> int | None:
        """The sentence the hit lies in, trimmed (None: outside any, or across two)."""
        si = bisect_right(self.sent_starts, start) - 1
        if si < 0:
            return None
        text = self.document.text
        if si not in self.trimmed_ids:
            self.trimmed_ids.add(si)
            self.sent_starts[si], self.sent_ends[si] = trimmed(
                text, self.sent_starts[si], self.sent_ends[si]
            )
        if end > self.sent_ends[si] or start < self.sent_starts[si]:
            return None
        if not _HAS_LETTER.search(text, self.sent_starts[si], self.sent_ends[si]):
            return None  # a bare figure ("20%" in a table cell) states nothing about anyone
        return si

    def _placed(self, rule: Rule, start: int, end: int) -> bool:
        """Is the hit where the rule applies: an audited block of its kinds, not inside a bare
        URL, inside a link or quotation when the rule's scope says so?"""
        document = self.document
        bi = bisect_right(self.block_starts, start) - 1
        if bi < 0 or not document.blocks[bi].audited:
            return False
        if inside(self.url_spans, self.url_starts, start, end):
            return False
        scope = rule.when["scope"]
        if scope == "link" and not inside(self.link_spans, self.link_starts, start, end, 1):
            return False
        blocks = rule.when.get("blocks")
        if blocks and document.blocks[bi].kind not in blocks:
            return False
        return scope != "quote" or quoted(document, document.blocks[bi], start)

    def _sentence(self, si: int) -> Sentence:
        sentence = self.sentences.get(si)
        if sentence is None:
            sentence = Sentence(self.document, self.cues, self.sent_starts[si], self.sent_ends[si])
            self.sentences[si] = sentence
        return sentence

    def add_hit(self, rule: Rule, start: int, end: int) -> None:
        """Weigh one rule hit against the sentence's context and what it already holds."""
        si = self._sentence_index(start, end)
        if si is None or not self._placed(rule, start, end):
            return
        held = self.best.get((si, rule.category))
        if (
            held is not None
            and held[0] >= SEVERITY_RANK[rule.severity]
            and rule.category not in _SOURCE_CHECKED
        ):
            return  # the sentence is already flagged for this category at this level
        s_start, s_end = self.sent_starts[si], self.sent_ends[si]
        if rule.near and not near(self.document, rule.near, self.cues, s_start, s_end, start, end):
            return
        sentence = self._sentence(si)
        outcome = _apply_context(rule, sentence, start, end)
        if outcome is None:
            return
        severity, qualifiers = outcome
        if "cited" in qualifiers and rule.category in _SOURCE_CHECKED:
            self._cited(rule, si, sentence, start, end)
        if "suppressed-by-citation" in qualifiers:
            return
        key = (si, rule.category)
        candidate = (SEVERITY_RANK[severity], -start, end - start, rule, start, end, severity,
                     qualifiers)  # fmt: skip
        if key not in self.best or candidate[:3] > self.best[key][:3]:
            self.best[key] = candidate

    def _cited(self, rule: Rule, si: int, sentence: Sentence, start: int, end: int) -> None:
        """A cited figure is remembered for link checks; weak sources are a finding of their own."""
        document = self.document
        if rule.category == "unsourced-statistic":
            document.cited_figures.append((start, end))
        weak = self.rulebook.by_id.get("weak-source")
        if weak is not None and _weak_sources(sentence, self.rulebook, document.url):
            wkey = (si, weak.category)
            if wkey not in self.best:
                self.best[wkey] = (SEVERITY_RANK[weak.severity], -start, end - start, weak,
                                   start, end, weak.severity, ["cited"])  # fmt: skip

    def add_model_findings(self, model_rules: list[Rule]) -> None:
        """The sentence model's findings, where no rule of the category flagged the sentence."""
        document = self.document
        spans = [
            trimmed(document.text, s, e)
            for s, e in zip(self.sent_starts, self.sent_ends, strict=True)
        ]
        taken = set(self.best)
        found, doubted = model_candidates(
            document, spans, model_rules, lambda si, cat: (si, cat) in taken
        )
        for key, score in doubted.items():
            self._doubt(key, score)
        for si, rule, score, warning, start, end, words in found:
            sentence = self.sentences.get(si)
            if sentence is None:
                sentence = self.sentences[si] = Sentence(document, self.cues, *spans[si])
            outcome = _apply_context(rule, sentence, start, end)
            if outcome is None or "suppressed-by-citation" in outcome[1]:
                continue
            severity, qualifiers = outcome
            if not warning:
                severity = "info"
            key = (si, rule.category)
            self.best[key] = (SEVERITY_RANK[severity], -start, end - start, rule, start, end,
                              severity, qualifiers)  # fmt: skip
            shown = f"; words that weighed most: {', '.join(words)}" if words else ""
            self.notes[key] = f" (model score {score:.2f}{shown})"

    def _doubt(self, key: tuple[int, str], score: float) -> None:
        """A rule hit the sentence model finds very unlikely: info, saying so."""
        entry = self.best[key]
        if entry[3].model is not None or entry[6] != "warning":
            return  # the model's own finding, or already info, or an error the rule insists on
        self.best[key] = (SEVERITY_RANK["info"], *entry[1:6], "info", [*entry[7], "model-doubt"])
        self.notes[key] = f" (the sentence model doubts it: score {score:.2f})"

    def findings(self) -> list[Finding]:
        return [
            _finding(
                self.rulebook.tiers,
                self.document,
                rule,
                self.sentences[key[0]],
                start,
                end,
                severity,
                qualifiers,
                self.notes.get(key, ""),
            )  # fmt: skip
            for key, (_, _, _, rule, start, end, severity, qualifiers) in self.best.items()
        ]


def _apply_context(rule: Rule, s: Sentence, start: int, end: int) -> tuple[str, list[str]] | None:
    when = rule.when
    severity = rule.severity
    qualifiers: list[str] = []

    def lower(to: str) -> None:
        nonlocal severity
        if SEVERITY_RANK[to] < SEVERITY_RANK[severity]:
            severity = to

    if when["question"] != "keep" and s.question:
        if when["question"] == "suppress":
            return None
        lower("info")
        qualifiers.append("question")
    if when["scope"] != "quote" and rule.category != "spam-link" and s.reported(start, end):
        return None  # a claim quoted in order to report or criticise it
    if when["negated"] == "suppress" and s.negated(
        start, end, rule.own_words, local=rule.model is None
    ):
        return None
    if when["hedged"] != "keep" and s.hedged(start, end):
        if when["hedged"] == "suppress":
            return None
        lower("info")
        qualifiers.append("hedged")
    if when["cited"] != "ignore" and s.citation() is not None:
        if when["cited"] == "suppress":
            return severity, ["cited", "suppressed-by-citation"]
        if when["cited"] == "info":
            lower("info")
        qualifiers.append("cited")
    return severity, qualifiers


_SOURCE_CHECKED = {"unsourced-statistic", "efficacy-claim"}


def _weak_sources(s: Sentence, rulebook: RuleBook, page_url: str | None) -> bool:
    """Cited only by links, and every one of them tier 4 or the audited site itself."""
    from audit.checks.sources import same_site, tier

    hrefs, other = s.evidence()
    if other or not hrefs:
        return False
    return all(tier(h, rulebook.tiers) == 4 or same_site(h, page_url) for h in hrefs)


_HAS_LETTER = re.compile(r"[^\W\d_]")
# The fix for a claim that already cites a source: the question is whether the source says it.
CITED_SUGGESTION = (
    "Check that the cited source supports this exact claim (the same product or ingredient, "
    "dose, population and outcome). If it does, keep the claim and record the check (a review "
    "decision or an inline suppression naming the source); if not, reword the claim to what "
    "the source shows."
)


def _finding(
    tiers: dict[str, int],
    document: Document,
    rule: Rule,
    s: Sentence,
    start: int,
    end: int,
    severity: str,
    qualifiers: list[str],
    note: str = "",
) -> Finding:
    from audit.checks.sources import tier

    src_start, src_end = document.source_span(start, end)
    sent_src = document.source_span(s.start, s.end)
    line, col = document.lines.position(src_start)
    end_line, end_col = document.lines.position(src_end)
    message = rule.message + note
    suggestion = rule.suggestion
    if "cited" in qualifiers and rule.when["cited"] != "suppress":
        message += " (cited: check that the source supports this exact claim)"
        suggestion = CITED_SUGGESTION
    if "hedged" in qualifiers:
        message += " (hedged)"
    return Finding(
        path=document.path,
        line=line,
        column=col,
        end_line=end_line,
        end_column=end_col,
        start=src_start,
        end=src_end,
        match=document.source[src_start:src_end],
        sentence=s.text,
        sentence_start=sent_src[0],
        sentence_end=sent_src[1],
        rule=rule.id,
        category=rule.category,
        severity=severity,
        action=rule.action,
        message=message,
        suggestion=suggestion,
        rationale=rule.rationale,
        qualifiers=qualifiers,
        links=[
            {
                "text": document.text[lk.start : lk.end],
                "href": lk.href,
                "kind": lk.kind,
                "tier": tier(lk.href, tiers) if lk.kind != "marker" else None,
            }
            for lk in document.links_starting(s.start, s.end)
            if lk.end <= s.end + 1
        ],
    )
