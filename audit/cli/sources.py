"""What a run audits: paths, git changes, URL lists, sitemaps and corpus exports.

Everything that can be wrong with the inputs as a whole (a bad column, an unreadable URL
list, a bad git ref) is a usage error raised here, before any document is read; a path that
does not exist is reported at the end of the run, after the inputs that do.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from audit.cli.messages import say
from audit.core.errors import AuditError, UsageError
from audit.core.result import DocumentResult
from audit.inputs.corpus import CorpusSpec, RowInput
from audit.inputs.discovery import Input, discover
from audit.inputs.fetch import Fetcher
from audit.inputs.limits import Limits
from audit.policy.config import Config


@dataclass
class Sources:
    inputs: list[Input]  # files, standard input and web pages
    corpus_files: list[str] = field(default_factory=list)  # exports, read row by row later
    spec: CorpusSpec | None = None  # their columns
    missing: list[str] = field(default_factory=list)  # one message per input that is not there
    changed: dict[Path, set[int] | None] | None = None  # with --diff: changed lines per file
    fetcher: Fetcher | None = None  # for web pages and link checks

    def missing_results(self) -> list[DocumentResult]:
        """Each input that is not there as a result with its error, so every report lists it
        and no report says the run passed."""
        return [DocumentResult(m.split(": ", 1)[0], error=m) for m in self.missing]

    def all_inputs(self) -> Iterator[Input | RowInput]:
        """Files first, then each export's rows, read chunk by chunk as the audit asks."""
        yield from self.inputs
        if self.corpus_files and self.spec is not None:
            from audit.inputs.corpus import iter_rows

            for path in self.corpus_files:
                yield from iter_rows(path, self.spec)


def gather(args: argparse.Namespace, config: Config, limits: Limits) -> Sources:
    """The run's inputs, narrowed to the config's include/exclude and to --diff's files."""
    changed = None
    if args.diff:
        from audit.inputs.gitdiff import changed_lines

        changed = changed_lines(args.diff)
    fetcher, url_args, empty = _web(args, limits)
    corpus_files, spec = _exports(args)
    paths = [p for p in args.paths if p not in corpus_files]
    # The current folder only when no input of any kind was given: an empty sitemap or URL
    # list must not turn into an audit of whatever folder the command ran in.
    default_paths = [] if args.paths or args.urls or args.sitemap else ["."]
    notes: list[str] = []
    inputs, missing = discover([*(paths or default_paths), *url_args], args.input_format, notes)
    if args.stdin_filename:
        inputs = [_named_stdin(i, args.stdin_filename, args.input_format) for i in inputs]
    for note in notes:
        say(note, warning=True)
    inputs = [
        i
        for i in inputs
        if (
            (not (args.force_exclude or config.force_exclude) or not config.excludes(i.path))
            if i.explicit
            else config.selects(i.path)
        )
        and (changed is None or (i.fs_path is not None and i.fs_path.resolve() in changed))
    ]
    if changed and not inputs:
        say(
            f"--diff {args.diff}: {len(changed)} changed "
            f"{'file' if len(changed) == 1 else 'files'}, none of them a document to audit "
            "(.md, .markdown, .html, .htm, .txt) under the paths given"
        )
    return Sources(inputs, corpus_files, spec, missing + empty, changed, fetcher)


def _named_stdin(i: Input, name: str, input_format: str) -> Input:
    """Standard input under the name --stdin-filename gives (ruff's and ESLint's option)."""
    if i.fs_path is not None or i.url:
        return i
    fmt = input_format
    if fmt == "auto":
        from audit.core.formats import FORMAT_BY_SUFFIX

        fmt = FORMAT_BY_SUFFIX.get(Path(name).suffix.lower(), "auto")
    return replace(i, path=name, format=fmt)


def _web(args: argparse.Namespace, limits: Limits) -> tuple[Fetcher | None, list[str], list[str]]:
    """The fetcher (when anything is on the web), the pages of --urls and --sitemap, and a
    message for a URL list or sitemap that named nothing (an input error)."""
    if not (args.urls or args.sitemap or args.check_links or any("://" in p for p in args.paths)):
        return None, [], []
    fetcher = Fetcher(limits)
    urls: list[str] = []
    empty: list[str] = []
    if args.urls:
        from audit.inputs.sitemap import read_url_list

        listed = read_url_list(Path(args.urls))
        if not listed:
            empty.append(f"{args.urls}: the URL list holds no URLs")
        urls += listed
    if args.sitemap:
        from audit.inputs.sitemap import sitemap_urls

        try:
            listed = sitemap_urls(fetcher, args.sitemap)
        except AuditError as exc:
            raise UsageError(str(exc)) from None
        if not listed:
            empty.append(f"{args.sitemap}: the sitemap lists no pages")
        urls += listed
    return fetcher, urls, empty


def _exports(args: argparse.Namespace) -> tuple[list[str], CorpusSpec | None]:
    """Corpus exports among the paths, and the column spec (or a one-line usage error)."""
    from audit.inputs.corpus import check_columns, is_corpus_file

    corpus_files = [p for p in args.paths if is_corpus_file(p)]
    if not corpus_files:
        if args.text_column or args.id_column or args.format_column:
            raise UsageError(
                "--text-column, --id-column and --format-column need a CSV, TSV, JSON Lines "
                "(.jsonl, .ndjson) or Parquet file among the paths"
            )
        return [], None
    if not args.text_column:
        raise UsageError(
            f"{corpus_files[0]}: a corpus export needs --text-column NAME "
            "(and optionally --id-column, --format-column)"
        )
    spec = CorpusSpec(
        text_column=args.text_column,
        id_column=args.id_column,
        format_column=args.format_column,
        default_format=args.input_format,
    )
    for path in corpus_files:
        check_columns(path, spec)
    return corpus_files, spec
