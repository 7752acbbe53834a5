"""One audit run: read -> document with source map -> spaCy pipeline -> checks -> findings.

Documents stream through `nlp.pipe` in batches; a document that cannot be read becomes an
entry with an error and the run goes on.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, MutableSequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

import audit.inputs.discovery
from audit.checks.claims import find_claims
from audit.core.analysis import Analysis, sections
from audit.core.errors import InputError
from audit.core.finding import Finding, assign_fingerprints, sort_key
from audit.inputs.corpus import RowInput
from audit.inputs.discovery import Input, read
from audit.policy.suppressions import parse_directives
from audit.readers import parse
from audit.readers.document import Document
from audit.rulebook.book import RuleBook

# Characters of text per trip through the spaCy pipeline: a larger document goes through in
# sections cut between blocks, so the pipeline's memory (a Doc costs some 300 bytes a token)
# follows the section, not the file.
SECTION = 500_000


@dataclass
class DocumentResult:
    path: str
    format: str = ""
    words: int = 0
    sentences: int = 0
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    source: str | None = None  # kept only when a writer shows whole documents
    suppressed: list[Finding] = field(default_factory=list)
    directives: list = field(default_factory=list)  # inline suppression comments
    citations: list = field(default_factory=list)  # CitedLink, with --check-links
    prepared: bool = False  # project policy already applied (in a worker, for streaming)
    rendered: dict = field(default_factory=dict)  # format -> findings pre-rendered as text

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "format": self.format,
            "words": self.words,
            "sentences": self.sentences,
            "findings": len(self.findings),
            "suppressed": len(self.suppressed),
            "error": self.error,
            "notes": self.notes,
        }


def relax_gc() -> None:
    """Run Python's cycle collector less often during an audit.

    An audit allocates millions of short-lived objects (parser nodes, tokens, matches); with
    the default threshold (a young-generation pass every 700 net allocations) collection took
    about 5% of a run. What is alive now (spaCy, the rules, the pipeline) is frozen out of
    future passes; parser trees with cycles are still collected, every 100,000 allocations.
    """
    import gc

    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def documents(
    inputs: Iterable[Input],
    results: MutableSequence[DocumentResult],
    fetcher=None,
    extract_main: bool = True,
) -> Iterator[tuple[str, tuple]]:
    """Read and parse inputs, yielding (text, context) for nlp.pipe; failures go to results.

    Every input gets a DocumentResult appended to `results` in input order, before it is read.
    Web pages are fetched ahead, concurrently, while earlier documents are audited; other
    inputs are read one at a time, so a long stream of inputs is never held in memory.
    """
    if fetcher is not None:
        inputs = list(inputs)
    ahead = None
    if fetcher is not None and any(getattr(i, "url", None) for i in inputs):
        ahead = _FetchAhead(fetcher, [i for i in inputs if getattr(i, "url", None)])
    try:
        for inp in inputs:
            result = DocumentResult(inp.path)
            results.append(result)
            url = getattr(inp, "url", None)
            try:
                if isinstance(inp, RowInput):
                    text = inp.checked_text(audit.inputs.discovery.MAX_FILE_BYTES)
                    fmt, notes = inp.resolved_format(), []
                elif url:
                    if fetcher is None:
                        raise InputError(f"{url}: web pages need a fetcher")
                    page = ahead.next(inp)
                    fmt = "html" if "html" in page.content_type else "markdown"
                    if page.content_type == "text/plain":
                        fmt = "text"
                    text, notes = page.text, page.notes
                else:
                    text, fmt, notes = read(inp)
                result.format = fmt
                result.notes = notes
                document = parse(inp.path, text, fmt)
                result.notes += [f"{inp.path}: {note}" for note in document.notes]
                if url:
                    document.url = page.final_url
                    if fmt == "html" and extract_main:
                        from audit.readers.maincontent import restrict_to_main

                        restrict_to_main(document, text)
            except InputError as exc:
                result.error = str(exc)
                continue
            except Exception as exc:  # a reader bug must not stop the other files
                result.error = f"{inp.path}: could not be parsed ({type(exc).__name__}: {exc})"
                continue
            spans = sections([b.start for b in document.blocks], len(document.text), SECTION)
            for i, (start, end) in enumerate(spans):
                yield document.text[start:end], (document, result, start, i == len(spans) - 1)
    finally:
        if ahead is not None:
            ahead.close()


class _FetchAhead:
    """Pages fetched concurrently ahead of the audit, at most WINDOW at a time.

    Each fetched page is held until its turn comes, so the window bounds memory: WINDOW pages
    of at most --max-bytes each, however long the list of URLs (an unbounded window held
    1.1 GB for a large sitemap).
    """

    WORKERS = 8
    WINDOW = 16

    def __init__(self, fetcher, inputs: list) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.fetcher = fetcher
        self.todo = deque(inputs)
        self.pool = ThreadPoolExecutor(max_workers=self.WORKERS)
        self.pending: dict[int, object] = {}
        self._fill()

    def _fill(self) -> None:
        while self.todo and len(self.pending) < self.WINDOW:
            inp = self.todo.popleft()
            self.pending[id(inp)] = self.pool.submit(self.fetcher.get_page, inp.url)

    def next(self, inp):
        future = self.pending.pop(id(inp))
        self._fill()
        return future.result()  # type: ignore[attr-defined]

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def audit_document(
    document: Document,
    analysis: Analysis | Doc,
    rulebook: RuleBook,
    result: DocumentResult,
    collect_citations: bool = False,
) -> DocumentResult:
    """Findings, counts and suppression comments of one document (`analysis`: a Doc of its
    whole text, or the joined Analysis of its sections)."""
    if isinstance(analysis, Doc):
        analysis = Analysis.from_doc(analysis)
    result.format = result.format or document.format
    result.words = analysis.words
    result.sentences = analysis.sentences
    findings = find_claims(document, analysis, rulebook)
    findings.sort(key=sort_key)
    assign_fingerprints(findings)
    result.findings = findings
    result.directives = parse_directives(document)
    if collect_citations:
        from bisect import bisect_right

        from audit.checks.citations import collect
        from audit.checks.claims import _trim

        starts, ends = analysis.sent_starts, analysis.sent_ends

        def sentence_of(offset: int) -> tuple[int, int]:
            i = bisect_right(starts, offset) - 1
            if i < 0:
                return 0, 0
            return _trim(document.text, starts[i], ends[i])

        result.citations = collect(document, sentence_of)
    return result


def iter_audit(
    inputs: Iterable[Input | RowInput],
    nlp: Language,
    rulebook: RuleBook,
    batch_size: int = 16,
    keep: bool = False,
    keep_source: bool = False,
    fetcher=None,
    extract_main: bool = True,
    collect_citations: bool = False,
) -> Iterator[DocumentResult]:
    """Audit inputs as a stream: each result is yielded, in input order, once it is complete.

    Only the documents inside spaCy's current batch are held, so memory does not grow with
    the number of inputs. `keep` holds Documents and Docs on the results (for eval).
    """
    pending: deque[DocumentResult] = deque()  # appended by documents() in input order
    done: set[int] = set()
    stream = documents(inputs, pending, fetcher, extract_main)
    joined: Analysis | None = None  # the sections so far of a document cut into sections
    for doc, (document, result, offset, last) in nlp.pipe(
        stream, as_tuples=True, batch_size=batch_size
    ):
        part = Analysis.from_doc(doc, offset)
        del doc  # a section's Doc is not kept: memory follows the section, not the file
        if joined is None:
            joined = part
        else:
            joined.extend(part)
        if not last:
            continue
        analysis, joined = joined, None
        try:
            audit_document(document, analysis, rulebook, result, collect_citations)
        except Exception as exc:  # a check bug must not stop the other files
            result.error = f"{document.path}: could not be audited ({type(exc).__name__}: {exc})"
        if keep_source:
            result.source = document.source
        if keep:
            result.document = document  # type: ignore[attr-defined]
            result.analysis = analysis  # type: ignore[attr-defined]
        done.add(id(result))
        while pending and (pending[0].error is not None or id(pending[0]) in done):
            done.discard(id(pending[0]))
            yield pending.popleft()
    yield from pending  # inputs after the last parsed document that could not be read


def run(
    inputs: Iterable[Input | RowInput], nlp: Language, rulebook: RuleBook, **options
) -> list[DocumentResult]:
    """Audit every input; results come back in input order. `options` are iter_audit's."""
    return list(iter_audit(inputs, nlp, rulebook, **options))


def all_findings(results: list[DocumentResult]) -> list[Finding]:
    out = [f for r in results for f in r.findings]
    out.sort(key=sort_key)
    return out
