"""One audit run: read -> document with source map -> spaCy pipeline -> checks -> findings.

Documents stream through `nlp.pipe` in batches; a document that cannot be read becomes an
entry with an error and the run goes on.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Iterator, MutableSequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from audit.checks.citations import collect
from audit.checks.claims import find_claims
from audit.core.analysis import Analysis, sections, trimmed
from audit.core.errors import InputError
from audit.core.finding import assign_fingerprints, sort_key
from audit.core.result import DocumentResult
from audit.engines.fetch_ahead import FetchAhead
from audit.inputs.corpus import RowInput
from audit.inputs.discovery import Input
from audit.inputs.fetch import Fetcher
from audit.inputs.files import read
from audit.inputs.limits import Limits
from audit.nlp.analysis import analyse
from audit.policy.suppressions import parse_directives
from audit.readers import parse
from audit.readers.document import Document
from audit.rulebook.book import RuleBook

# Characters of text per trip through the spaCy pipeline: a larger document goes through in
# sections cut between blocks, so the pipeline's memory (a Doc costs some 300 bytes a token)
# follows the section, not the file.
SECTION = 500_000


@dataclass(frozen=True)
class RunOptions:
    """How documents are read and what results keep: the same in this process and in workers."""

    batch_size: int = 16  # documents per nlp.pipe batch
    limits: Limits = field(default_factory=Limits)
    keep_source: bool = False  # for writers that show whole documents
    extract_main: bool = True  # web pages: audit only the main content
    collect_citations: bool = False  # for --check-links
    section_chars: int = SECTION


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
    inputs: Iterable[Input | RowInput],
    results: MutableSequence[DocumentResult],
    options: RunOptions,
    fetcher: Fetcher | None = None,
) -> Iterator[tuple[str, tuple[Document, DocumentResult, int, bool]]]:
    """Read and parse inputs, yielding (text, context) for nlp.pipe; failures go to results.

    Every input gets a DocumentResult appended to `results` in input order, before it is read.
    Web pages are fetched ahead, concurrently, while earlier documents are audited; other
    inputs are read one at a time, so a long stream of inputs is never held in memory.
    """
    ahead = None
    if fetcher is not None:
        inputs = list(inputs)
        pages = [i for i in inputs if getattr(i, "url", None)]
        ahead = FetchAhead(fetcher, pages) if pages else None
    try:
        for inp in inputs:
            result = DocumentResult(inp.path)
            results.append(result)
            try:
                document = _load(inp, result, options, ahead)
            except InputError as exc:
                result.error = str(exc)
                continue
            except Exception as exc:  # a reader bug must not stop the other files
                result.error = f"{inp.path}: could not be parsed ({type(exc).__name__}: {exc})"
                continue
            starts = [b.start for b in document.blocks]
            spans = sections(starts, len(document.text), options.section_chars)
            for i, (start, end) in enumerate(spans):
                yield document.text[start:end], (document, result, start, i == len(spans) - 1)
    finally:
        if ahead is not None:
            ahead.close()


def _load(
    inp: Input | RowInput, result: DocumentResult, options: RunOptions, ahead: FetchAhead | None
) -> Document:
    """Read one input (a file, stdin, an export row or a web page) and parse it."""
    url = getattr(inp, "url", None)
    page = None
    if isinstance(inp, RowInput):
        text = inp.checked_text(options.limits.max_file_bytes)
        fmt, notes = inp.resolved_format(), []
    elif url:
        if ahead is None:
            raise InputError(f"{url}: web pages need a fetcher")
        page = ahead.next(inp)
        fmt = "html" if "html" in page.content_type else "markdown"
        if page.content_type == "text/plain":
            fmt = "text"
        text, notes = page.text, page.notes
    else:
        text, fmt, notes = read(inp, options.limits.max_file_bytes)
    result.format = fmt
    result.notes = notes
    document = parse(inp.path, text, fmt)
    result.notes += [f"{inp.path}: {note}" for note in document.notes]
    if page is not None:
        document.url = page.final_url
        if fmt == "html" and options.extract_main:
            from audit.readers.maincontent import restrict_to_main

            restrict_to_main(document, text)
    return document


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
        analysis = analyse(analysis)
    result.format = result.format or document.format
    result.words = analysis.words
    result.sentences = analysis.sentences
    findings = find_claims(document, analysis, rulebook)
    findings.sort(key=sort_key)
    assign_fingerprints(findings)
    result.findings = findings
    result.directives = parse_directives(document)
    if collect_citations:
        starts, ends = analysis.sent_starts, analysis.sent_ends

        def sentence_of(offset: int) -> tuple[int, int]:
            i = bisect_right(starts, offset) - 1
            if i < 0:
                return 0, 0
            return trimmed(document.text, starts[i], ends[i])

        result.citations = collect(document, sentence_of)
    return result


def iter_audit(
    inputs: Iterable[Input | RowInput],
    nlp: Language,
    rulebook: RuleBook,
    options: RunOptions | None = None,
    fetcher: Fetcher | None = None,
    keep: bool = False,
) -> Iterator[DocumentResult]:
    """Audit inputs as a stream: each result is yielded, in input order, once it is complete.

    Only the documents inside spaCy's current batch are held, so memory does not grow with
    the number of inputs. `keep` holds Documents and Analyses on the results (for eval).
    """
    options = options or RunOptions()
    pending: deque[DocumentResult] = deque()  # appended by documents() in input order
    done: set[int] = set()
    stream = documents(inputs, pending, options, fetcher)
    joined: Analysis | None = None  # the sections so far of a document cut into sections
    for doc, (document, result, offset, last) in nlp.pipe(
        stream, as_tuples=True, batch_size=options.batch_size
    ):
        part = analyse(doc, offset)
        del doc  # a section's Doc is not kept: memory follows the section, not the file
        if joined is None:
            joined = part
        else:
            joined.extend(part)
        if not last:
            continue
        analysis, joined = joined, None
        _finish_document(document, analysis, rulebook, result, options, keep)
        done.add(id(result))
        while pending and (pending[0].error is not None or id(pending[0]) in done):
            done.discard(id(pending[0]))
            yield pending.popleft()
    yield from pending  # inputs after the last parsed document that could not be read


def _finish_document(
    document: Document,
    analysis: Analysis,
    rulebook: RuleBook,
    result: DocumentResult,
    options: RunOptions,
    keep: bool,
) -> None:
    try:
        audit_document(document, analysis, rulebook, result, options.collect_citations)
    except Exception as exc:  # a check bug must not stop the other files
        result.error = f"{document.path}: could not be audited ({type(exc).__name__}: {exc})"
    if options.keep_source:
        result.source = document.source
        if document.format == "html":
            result.readable = (document.text, document.map)
    if keep:
        kept: Any = result
        kept.document = document
        kept.analysis = analysis


def run(
    inputs: Iterable[Input | RowInput],
    nlp: Language,
    rulebook: RuleBook,
    options: RunOptions | None = None,
    keep: bool = False,
) -> list[DocumentResult]:
    """Audit every input; results come back in input order."""
    return list(iter_audit(inputs, nlp, rulebook, options, keep=keep))
