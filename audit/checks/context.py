"""What the words around a match say about it: cited, hedged, negated, a question.

The cue words are data (rules/lexicons.yml); this module compiles them once into regular
expressions and answers per sentence. Citation evidence follows the README's definition: a link
to a source, a reference marker, an author-year reference, a DOI/PMID/NCT id, or a named source
with a date, inside the sentence itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from audit.readers.document import Document
from audit.rulebook.book import RuleBook

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Spring|Summer|Autumn|Fall|Winter"
)
_NAME = r"[A-Z][A-Za-z\u00C0-\u024F'\u2019-]+"
_YEAR = r"(?:19|20)\d{2}[a-z]?"
_CITATION_TEXT = re.compile(
    "|".join(
        [
            r"\[\s*\d{1,3}(?:\s*[,\u2013\u2014-]\s*\d{1,3})*\s*\]",  # [1], [1, 2], [3-5]
            r"\[\^[^\]\s]+\]",  # [^1] left as text
            r"[\u00b9\u00b2\u00b3\u2070-\u2079]+",  # superscript digits
            r"(?<=\w)\^\d{1,3}\b",  # ^3
            rf"\((?!(?:{_MONTHS})\b){_NAME}(?:\s+et\s+al\.?|(?:\s+(?:of|and|for|the|on|&|{_NAME})){{1,8}})?,?\s+{_YEAR}"
            r"(?:\s*[;,][^)]{0,120})?\)",  # (Smith et al., 2020), (CDC, 2022)
            rf"\b{_NAME}\s+et\s+al\.?,?\s*\(?{_YEAR}\b",  # Smith et al. (2020)
            rf"\b{_NAME}\s+(?:and|&)\s+{_NAME},?\s*\({_YEAR}\)",  # Smith and Jones (2019)
            r"\b10\.\d{4,9}/\S+",  # DOI
            r"\bdoi:\s*\S+",
            r"\bPMID:?\s*\d{4,9}\b",
            r"\bPMC\d{4,9}\b",
            r"\bNCT\d{8}\b",
            r"\bISRCTN\d{6,}\b",
        ]
    ),
    re.IGNORECASE,
)
# Text each _CITATION_TEXT alternative needs (a bracket, a caret, a superscript digit, a
# parenthesis, "et al", a DOI prefix or an id): most sentences have none, and this scan is
# several times cheaper than the full expression, which tries a name at every word.
_CITATION_HINT = re.compile(
    r"[\[^(\u00b9\u00b2\u00b3\u2070-\u2079]|et\s+al|10\.\d|doi|pmid|pmc\d|nct\d|isrctn", re.I
)
_YEAR_RX = re.compile(r"\b(?:19[5-9]\d|20\d{2})\b")
_PUBLISHED_IN = re.compile(r"\bpublished\s+(?:in|by)\s+(?:the\s+)?[A-Z]")
# A named, dated publication is a source (labelling guide): "the Global Asthma Report 2022",
# "the National Health Survey (2021)". A capitalised title ending in a document noun, then a year.
_NAMED_REPORT = re.compile(
    r"\b(?:[A-Z][\w'\u2019&-]*\s+){1,6}(?:Report|Survey|Atlas|Census|Review|Fact\s?[Ss]heet|"
    r"Guidelines?|Statistics|Yearbook|Bulletin|Audit|Study|Index)\s*[(,]?\s*(?:19|20)\d{2}\b"
)
_CLAUSE_BREAK = re.compile(r"[;:]|\bbut\b|\bhowever\b|\balthough\b|\bwhereas\b|\byet\b|,", re.I)
_URLISH = re.compile(r"(?:https?://|www\.)\S+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*", re.I)
# How far before a match hedges, negations and cautions are looked for, in characters. A real
# sentence is shorter; a pathological one-line "sentence" of megabytes stays linear.
_CONTEXT = 400
_WORDS = re.compile(r"[\w'\u2019-]+")
_QUESTION_END = re.compile(r"\?[\s\"'\u201d\u2019)\]*_]*$")


def _alternation(words: tuple[str, ...]) -> re.Pattern | None:
    if not words:
        return None
    parts = sorted(
        (re.escape(w).replace(r"\ ", r"\s+").replace("'", "['\u2019]") for w in words),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def _leading(words: tuple[str, ...]) -> re.Pattern | None:
    """A pattern for text that starts with one of the phrases."""
    if not words:
        return None
    parts = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return re.compile(r"^\W*(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def _host_of(site: str) -> str:
    from audit.checks.sources import host

    return host(site)


@dataclass
class Cues:
    """Compiled cue lists from the rule book's lexicons."""

    hedges: re.Pattern | None
    negations: re.Pattern | None
    reporting: re.Pattern | None
    calls_to_action: re.Pattern | None
    negation_frames: re.Pattern | None
    cautions: re.Pattern | None
    authorities: re.Pattern | None
    lexicon_sets: dict[str, frozenset[str]] = field(default_factory=dict)
    lexicon_phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    own_sites: frozenset[str] = frozenset()  # the config's `site`: hosts that are not sources
    tiers: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_rulebook(cls, rb: RuleBook) -> Cues:
        sets = {name: frozenset(w.lower() for w in words) for name, words in rb.lexicons.items()}
        return cls(
            hedges=_alternation(rb.lexicon("hedges")),
            negations=_alternation(rb.lexicon("negations")),
            reporting=_alternation(rb.lexicon("reporting_cues")),
            calls_to_action=_leading(rb.lexicon("calls_to_action")),
            negation_frames=_alternation(rb.lexicon("negation_frames")),
            cautions=_alternation(rb.lexicon("cautions")),
            authorities=_alternation(rb.lexicon("authorities")),
            lexicon_sets=sets,
            lexicon_phrases={n: tuple(w for w in ws if " " in w) for n, ws in sets.items()},
            own_sites=frozenset(_host_of(s) for s in rb.own_sites),
            tiers=rb.tiers,
        )

    # -- citations -----------------------------------------------------------------------
    def citation_in_text(self, text: str) -> str | None:
        m = _CITATION_TEXT.search(text) if _CITATION_HINT.search(text) else None
        if m:
            return m.group()
        if _YEAR_RX.search(text):
            a = self.authorities.search(text) if self.authorities else None
            if a:
                return a.group()
            p = _PUBLISHED_IN.search(text) or _NAMED_REPORT.search(text)
            if p:
                return p.group()
        return None


def link_is_citation(href: str, kind: str) -> bool:
    """Could this link, by its kind and address alone, point at a source?"""
    if kind in ("marker", "url"):
        return True
    h = href.strip().lower()
    return h.startswith(("http://", "https://", "//", "doi:", "www."))


# Addresses of shops, bookings, sign-ups and affiliate redirects: where a link sells, it does
# not cite.
_SELLING_PATH = re.compile(
    r"/(?:products?|shop|store|cart|checkout|collections|buy|order|orders|subscribe|"
    r"subscription|book|booking|bookings|appointments?|schedule|pricing|offers?|go|recommends|"
    r"refer|out|dp|gp/product)(?:[/?#.]|$)",
    re.IGNORECASE,
)
_SELLING_QUERY = re.compile(
    r"[?&](?:ref|aff|affiliate|affid|aff_id|tag|coupon|discount|promo|add-to-cart|add_to_cart)=",
    re.IGNORECASE,
)


def link_is_source(
    href: str, kind: str, anchor: str, own_hosts: frozenset[str], tiers: dict[str, int], ctas
) -> bool:
    """Whether a link counts as a citation, as the labelling guide defines one.

    Not a source: a link to the audited site itself (`own_hosts`: the page's address, the
    document's canonical URL or front matter, the config's `site`), to a shop, booking or
    affiliate address, a link whose words are a call to action ("Book now", "Shop the
    formula"), or a bare brand name pointing at a home page no source list rates. Such links
    used to count as citations and silenced real findings.
    """
    if not link_is_citation(href, kind):
        return False
    if kind == "marker":
        return True
    from urllib.parse import urlsplit

    from audit.checks.sources import host, tier

    h = host(href)
    if h and any(h == o or h.endswith("." + o) for o in own_hosts):
        return False
    target = href if "//" in href else "//" + href
    parts = urlsplit(target)
    if _SELLING_PATH.search(parts.path or "") or _SELLING_QUERY.search("?" + (parts.query or "")):
        return False
    if kind == "url":
        return True
    words = anchor.strip().lower()
    if ctas is not None and ctas.match(words):
        return False
    rated = tier(href, tiers) in (1, 2, 3)
    home = (parts.path or "/") == "/" and not parts.query
    return not (home and not rated and _looks_like_a_name(anchor))  # a brand's home page


def _looks_like_a_name(anchor: str) -> bool:
    """A product or brand name: one to four capitalised words ("FlexiRoot", "Calm Co.")."""
    words = anchor.split()
    return 0 < len(words) <= 4 and all(w[0].isupper() or w[0].isdigit() for w in words)


_OPENERS = {"\u201c": "\u201d", "\u00ab": "\u00bb", '"': '"'}


_OPENER = re.compile('[\u201c\u00ab"]')


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each quoted stretch (curly, angle or straight double quotes)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while (m := _OPENER.search(text, i)) is not None:
        i = m.start()
        j = text.find(_OPENERS[text[i]], i + 1)
        if j < 0:
            spans.append((i, len(text)))
            break
        spans.append((i, j + 1))
        i = j + 1
    return spans


@dataclass
class Sentence:
    """One sentence of a document with lazily computed evidence about it."""

    doc: Document
    cues: Cues
    start: int  # plain-text offsets
    end: int
    _cited: str | None | bool = False

    @property
    def text(self) -> str:
        return self.doc.text[self.start : self.end]

    @cached_property
    def _own_hosts(self) -> frozenset[str]:
        pages = [self.doc.url] if self.doc.url else []
        return self.cues.own_sites | {_host_of(p) for p in pages + self.doc.sites if p}

    def is_source(self, link) -> bool:
        anchor = self.doc.text[link.start : link.end]
        return link_is_source(
            link.href,
            link.kind,
            anchor,
            self._own_hosts,
            self.cues.tiers,
            self.cues.calls_to_action,
        )

    @cached_property
    def question(self) -> bool:
        tail = self.doc.text[max(self.start, self.end - 20) : self.end]
        return bool(_QUESTION_END.search(tail))

    def citation(self) -> str | None:
        """The evidence that this sentence is cited, or None.

        Only evidence inside the sentence counts, as the labelling guide defines a citation:
        "Source: CDC, 2022." after a claim is a sentence of its own and does not cite it.
        """
        if self._cited is False:
            self._cited = self._find_citation(self.start, self.end)
        return self._cited  # type: ignore[return-value]

    def evidence(self) -> tuple[list[str], bool]:
        """Citation link targets in this sentence, and whether it also has other evidence
        (markers, author-year, DOIs...)."""
        spans = [(self.start, self.end)]
        hrefs: list[str] = []
        other = False
        for start, end in spans:
            text = self.doc.text[start:end]
            for link in self.doc.links_near(start, end):
                inside = link.start < end and link.end > start
                glued = link.start == link.end and start <= link.start <= end
                if not (inside or glued) or not self.is_source(link):
                    continue
                if link.kind == "marker" or link.href.lower().startswith("doi:"):
                    other = True
                else:
                    hrefs.append(link.href)
                    text = text.replace(self.doc.text[link.start : link.end], " ")
            if self.cues.citation_in_text(_URLISH.sub(" ", text)):
                other = True
        return hrefs, other

    def _find_citation(self, start: int, end: int) -> str | None:
        for link in self.doc.links_near(start, end):
            overlaps = link.start < end and link.end > start
            glued = link.start == link.end and start <= link.start <= end  # zero-width marker
            if (overlaps or glued) and self.is_source(link):
                return link.href or "marker"
        return self.cues.citation_in_text(self.doc.text[start:end])

    def reported(self, match_start: int, match_end: int) -> bool:
        """Are the matched words quoted, in a sentence that reports them rather than says them?

        'The page stated "Cures diabetes"' or 'the claim "100% absorption" was misleading'
        quote a claim at a distance (labelling guide: journalism and rulings that report a
        claim); a customer's quoted words with nothing around them stay a testimonial.
        """
        at = match_start - self.start
        if self.cues.reporting is None or not any(s <= at < e for s, e in self._quotes):
            return False
        return self._reports_outside_quotes

    @cached_property
    def _quotes(self) -> list[tuple[int, int]]:
        return _quoted_spans(self.text)  # once per sentence: a long one has many matches

    @cached_property
    def _reports_outside_quotes(self) -> bool:
        text, pieces, last = self.text, [], 0
        for s, e in self._quotes:
            pieces += [text[last:s], " " * (e - s)]
            last = e
        pieces.append(text[last:])
        return self.cues.reporting is not None and bool(self.cues.reporting.search("".join(pieces)))

    def hedged(self, match_start: int, match_end: int) -> bool:
        rx = self.cues.hedges
        if rx is None:
            return False
        head = self.doc.text[max(self.start, match_start - _CONTEXT) : match_end]
        return rx.search(head) is not None

    def negated(
        self,
        match_start: int,
        match_end: int,
        own: frozenset[str] = frozenset(),
        local: bool = True,
    ) -> bool:
        """Is the claim at [match_start, match_end) denied, distanced or cautioned against?

        `own` holds the words the rule itself matches: a negation among them is the claim
        ("Our pills have no side effects"), not a denial of it. `local=False` leaves out the
        cautions and negation words around the match, for the sentence model: its score has
        already weighed the whole sentence ("none of the side effects" is its safety claim).
        """
        text = self.doc.text
        lo = max(self.start, match_start - _CONTEXT)
        before = text[lo:match_start]
        inside = text[match_start:match_end]
        cues = self.cues
        if cues.negation_frames and cues.negation_frames.search(text[lo:match_end]):
            return True
        if local and cues.cautions and cues.cautions.search(before):
            return True
        if cues.negations and local:
            if any(m.group().lower() not in own for m in cues.negations.finditer(inside)):
                return True
            # A negation word governs a claim only from close by ("does not cure", "is not a
            # cure", "isn't effective"): the last four words before the match.
            words = list(_WORDS.finditer(before))
            window = before[words[-4].start() :] if len(words) >= 4 else before
            last = None
            for m in cues.negations.finditer(window):
                last = m
            if last is not None and not _CLAUSE_BREAK.search(window[last.end() :]):
                return True
        return False
