"""Command line: audit paths (default), list and show rules, evaluate on a labelled corpus.

Exit codes follow ESLint/textlint: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage error, bad rules, or an input that could not be read. Every error is one line on
stderr; no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from audit import __version__
from audit.core.errors import AuditError, UsageError
from audit.writers import WRITERS
from audit.writers.output import same_file, write_report

PROG = "claims-audit"
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def say(message: object, warning: bool = False) -> None:
    """One line on stderr, with controls from file names and documents shown, not obeyed."""
    from audit.writers.safe_text import escape

    print(f"{PROG}: {'warning: ' if warning else ''}{escape(str(message))}", file=sys.stderr)


class OneLineParser(argparse.ArgumentParser):
    """argparse with usage errors on one line, like every other error (exit 2)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _number(kind: type, minimum: float | None = None, above: float | None = None):
    """An argparse type: a finite int or float within bounds (a usage error, exit 2, if not)."""
    import math

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum:g} or more, not {text}")
        if above is not None and value <= above:
            raise argparse.ArgumentTypeError(f"must be more than {above:g}, not {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="PATH",
        help="extra rule pack file or folder (repeatable)",
    )
    p.add_argument(
        "--no-bundled-rules", action="store_true", help="use only the packs given with --rules"
    )
    p.add_argument(
        "--no-model",
        action="store_true",
        help="rules alone: leave out the trained sentence model's findings (rules/model.yml)",
    )


def audit_parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog=PROG,
        description="Flag health claims that need a citation or an edit before publication.",
        epilog="Other commands: `%(prog)s rules [show ID]`, `%(prog)s eval CORPUS_DIR`, "
        "`%(prog)s baseline PATHS -o FILE`. "
        "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, folders, or - for stdin")
    p.add_argument(
        "--format",
        default="text",
        metavar="FORMATS",
        help="comma-separated output formats: " + ", ".join(WRITERS) + " (default: text)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the report here, not stdout")
    p.add_argument(
        "--out-dir",
        metavar="DIR",
        help="write each format to DIR/claims-audit.EXT (needed for several formats)",
    )
    p.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        help="exit 1 when a finding is at or above this severity (default: warning)",
    )
    p.add_argument(
        "--min-severity",
        choices=("info", "warning", "error"),
        help="leave out findings below this severity (default: info)",
    )
    p.add_argument(
        "--no-exit", action="store_true", help="exit 0 even when findings fail --fail-on"
    )
    p.add_argument("--config", metavar="FILE", help="config file (default: search upwards)")
    p.add_argument(
        "--show-settings",
        action="store_true",
        help="print which config file applies and the settings it resolves to, then exit",
    )
    p.add_argument("--no-config", action="store_true", help="ignore configuration files")
    p.add_argument("--baseline", metavar="FILE", help="fail only on findings not in this baseline")
    p.add_argument("--diff", metavar="REF", help="audit only lines changed since this git ref")
    web = p.add_argument_group("web pages and links")
    web.add_argument(
        "--urls", metavar="FILE", help="audit the http(s) URLs listed in FILE, one a line"
    )
    web.add_argument(
        "--sitemap", metavar="URL", help="audit the pages of a sitemap (or sitemap index)"
    )
    web.add_argument(
        "--check-links",
        action="store_true",
        help="request every cited link; report broken ones and figures the source does not state",
    )
    web.add_argument(
        "--cache-dir", metavar="DIR", help="link-check cache (default: ~/.cache/claims-audit)"
    )
    web.add_argument(
        "--cache-ttl",
        type=_number(float, minimum=0),
        default=24.0,
        metavar="HOURS",
        help="cache expiry (default 24)",
    )
    web.add_argument(
        "--no-extract", action="store_true", help="audit whole web pages, not only the main content"
    )
    web.add_argument(
        "--timeout",
        type=_number(float, above=0),
        default=30.0,
        metavar="SECONDS",
        help="time allowed for each request, from connecting to the last byte (default 30)",
    )
    web.add_argument(
        "--max-bytes",
        type=_number(int, minimum=1),
        default=5_000_000,
        metavar="N",
        help="cap on a fetched body",
    )
    p.add_argument(
        "--max-file-size",
        type=_number(int, minimum=1),
        default=20_000_000,
        metavar="BYTES",
        help="refuse files larger than this (default 20 MB)",
    )
    web.add_argument(
        "--allow-private",
        action="store_true",
        help="allow fetching loopback, private and link-local addresses (refused by default)",
    )
    scale = p.add_argument_group("scale and corpus exports")
    scale.add_argument(
        "--jobs",
        type=_number(int, minimum=1),
        metavar="N",
        help="worker processes (default: all cores; 1 audits in this process)",
    )
    scale.add_argument(
        "--text-column",
        metavar="NAME",
        help="audit CSV, JSON Lines or Parquet exports: the column holding each row's text",
    )
    scale.add_argument(
        "--id-column", metavar="NAME", help="column used as the row's path (default FILE:ROW)"
    )
    scale.add_argument(
        "--format-column",
        metavar="NAME",
        help="column holding each row's format: markdown, html or text (default --input-format)",
    )
    scale.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="dask: audit partitions on a Dask cluster (needs claims-audit[dask])",
    )
    scale.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address (default with --engine dask: a local cluster)",
    )
    scale.add_argument(
        "--partitions",
        type=_number(int, minimum=1),
        metavar="N",
        help="Dask partitions for a folder of files (default: 4 per worker)",
    )
    p.add_argument("--select", metavar="IDS", help="only these rule ids or categories (comma list)")
    p.add_argument("--ignore", metavar="IDS", help="skip these rule ids or categories (comma list)")
    p.add_argument(
        "--input-format",
        choices=("auto", "markdown", "html", "text"),
        default="auto",
        help="format for stdin and files with other suffixes (default: guess)",
    )
    p.add_argument(
        "--model",
        metavar="NAME",
        help="an installed spaCy pipeline to use instead of blank English",
    )
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    p.add_argument("--batch-size", type=_number(int, minimum=1), default=16, help=argparse.SUPPRESS)
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _common(p)
    return p


def _rulebook(args, config=None):
    """Bundled packs (narrowed to config `packs`), config `rules`, then --rules."""
    from audit.rulebook.book import load_rulebook

    extra = [*(config.rules if config else []), *(Path(p) for p in args.rules)]
    book = load_rulebook(extra, bundled=not args.no_bundled_rules)
    if args.no_model:
        book = replace(book, rules=[r for r in book.rules if not r.model])
    packs = config.packs if config else None
    if packs is None:
        return book
    known = {r.pack for r in book.rules}
    unknown = sorted(set(packs) - known)
    if unknown:
        raise UsageError(
            f"{config.path}: key 'packs': unknown pack '{unknown[0]}' (known: {', '.join(sorted(known))})"
        )
    extra_files = {str(p) for p in extra}
    rules = [
        r for r in book.rules if r.pack in packs or any(r.file.startswith(e) for e in extra_files)
    ]
    return replace(book, rules=rules)


def _filter(rulebook, select: str | None, ignore: str | None):

    def names(value: str | None) -> set[str]:
        return {v.strip() for v in (value or "").split(",") if v.strip()}

    sel, ign = names(select), names(ignore)
    known = {r.id for r in rulebook.rules} | {r.category for r in rulebook.rules}
    unknown = (sel | ign) - known
    if unknown:
        raise UsageError(f"unknown rule id or category: {', '.join(sorted(unknown))}")
    if not sel and not ign:
        return rulebook
    rules = [
        r
        for r in rulebook.rules
        if (not sel or r.id in sel or r.category in sel)
        and r.id not in ign
        and r.category not in ign
    ]
    return replace(rulebook, rules=rules)


def cmd_audit(argv: list[str], baseline_mode: bool = False) -> int:
    parser = audit_parser()
    if baseline_mode:
        parser.prog = f"{PROG} baseline"
        parser.description = "Record today's findings so --baseline fails only on new ones."
    args = parser.parse_args(argv)
    from audit.inputs.discovery import discover
    from audit.nlp.pipeline import build_pipeline
    from audit.policy.config import find_config, load_config
    from audit.policy.postprocess import Policy, finish
    from audit.writers.summary import failing

    if args.config and args.no_config:
        raise UsageError("use either --config FILE or --no-config")
    config_notes: list[str] = []
    config = load_config(
        Path(args.config)
        if args.config
        else None
        if args.no_config
        else find_config(notes=config_notes)
    )
    for note in config_notes:
        say(note, warning=True)
    if args.show_settings:
        return _show_settings(args, config)
    if not args.paths and not args.diff and not args.urls and not args.sitemap:
        parser.error("give at least one PATH or URL (or --diff REF, --urls FILE, --sitemap URL)")
    formats = (
        ["json"] if baseline_mode else [f.strip() for f in args.format.split(",") if f.strip()]
    )
    if args.engine != "dask" and "parquet" in formats:
        raise UsageError("--format parquet (findings partitions) needs --engine dask")
    unknown = [f for f in formats if f not in WRITERS and f != "parquet"]
    if unknown or not formats:
        raise UsageError(
            f"--format: unknown format {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(WRITERS)}"
        )
    if args.output and args.out_dir:
        raise UsageError("use either -o FILE or --out-dir DIR, not both")
    if len(formats) > 1 and not args.out_dir and args.engine != "dask":
        raise UsageError("several formats need --out-dir DIR")
    if baseline_mode and not args.output:
        args.output = ".claims-audit-baseline.json"
    fail_on = args.fail_on or config.fail_on or "warning"
    min_severity = args.min_severity or config.min_severity or "info"

    changed = None
    if args.diff:
        from audit.inputs.gitdiff import changed_lines

        changed = changed_lines(args.diff)
    fetcher = None
    url_args: list[str] = []
    empty_sources: list[str] = []  # a URL list or sitemap that named nothing: an input error
    if args.urls or args.sitemap or args.check_links or any("://" in p for p in args.paths):
        from audit.inputs.fetch import Fetcher, Limits

        fetcher = Fetcher(
            Limits(
                deadline=args.timeout,
                max_bytes=args.max_bytes,
                allow_private=args.allow_private,
            )
        )
        if args.urls:
            from audit.inputs.sitemap import read_url_list

            listed = read_url_list(Path(args.urls))
            if not listed:
                empty_sources.append(f"{args.urls}: the URL list holds no URLs")
            url_args += listed
        if args.sitemap:
            from audit.inputs.sitemap import sitemap_urls

            try:
                listed = sitemap_urls(fetcher, args.sitemap)
            except AuditError as exc:
                raise UsageError(str(exc)) from None
            if not listed:
                empty_sources.append(f"{args.sitemap}: the sitemap lists no pages")
            url_args += listed
    corpus_files, spec = _corpus_args(args)
    paths = [p for p in args.paths if p not in corpus_files]
    # The current folder only when no input of any kind was given: an empty sitemap or URL
    # list must not turn into an audit of whatever folder the command ran in.
    default_paths = [] if args.paths or args.urls or args.sitemap else ["."]
    import audit.inputs.discovery

    audit.inputs.discovery.MAX_FILE_BYTES = (
        args.max_file_size
    )  # read by every reader, workers included
    walk_notes: list[str] = []
    inputs, missing = discover(
        [*(paths or default_paths), *url_args], args.input_format, walk_notes
    )
    for note in walk_notes:
        say(note, warning=True)
    missing += empty_sources
    inputs = [
        i
        for i in inputs
        if (i.explicit or config.selects(i.path))
        and (changed is None or (i.fs_path is not None and i.fs_path.resolve() in changed))
    ]
    if changed and not inputs:
        say(
            f"--diff {args.diff}: {len(changed)} changed "
            f"{'file' if len(changed) == 1 else 'files'}, none of them a document to audit "
            "(.md, .markdown, .html, .htm, .txt) under the paths given"
        )
    targets = _targets(formats, args)
    for target in targets.values():
        sources = [i.fs_path for i in inputs if i.fs_path is not None]
        sources += [Path(c) for c in corpus_files]
        if target is not None and any(same_file(p, target) for p in sources):
            raise UsageError(f"{target}: refusing to overwrite an input file with the report")
    baseline = None
    baseline_path = Path(args.baseline) if args.baseline else config.baseline
    if baseline_path is not None and not baseline_mode:
        from audit.policy.baseline import load_baseline

        baseline = load_baseline(baseline_path)

    full = _rulebook(args, config)
    if config.source_tiers:
        full = replace(full, tiers={**full.tiers, **config.source_tiers})
    if config.site:
        full = replace(full, own_sites=tuple(config.site))
    rulebook = _filter(full, args.select, args.ignore)
    policy = Policy(
        config=config,
        enabled={r.id for r in rulebook.rules},
        known={r.id for r in full.rules} | {r.category for r in full.rules},
        min_severity=min_severity,
        baseline=baseline,
        changed=changed,
    )
    if args.engine == "dask":
        from audit.engines.cluster import run_dask

        if baseline_mode or fetcher is not None or any(i.fs_path is None for i in inputs):
            raise UsageError(
                "--engine dask audits files and corpus exports; web pages, --check-links, "
                "stdin and baselines run with the local engine"
            )

        return run_dask(
            args, inputs, corpus_files, spec, full, policy, formats, fail_on, missing, rulebook
        )
    nlp = build_pipeline(full, args.model)
    from audit.engines.local import relax_gc
    from audit.writers import Report, needs_source, render

    relax_gc()

    all_inputs = _chain_inputs(inputs, corpus_files, spec)
    streaming = not baseline_mode and not args.check_links and all(f in STREAMING for f in formats)
    prepare = None
    if streaming:
        from audit.writers.streaming import Prepare

        prepare = Prepare(policy, tuple(formats))
    keep_source = needs_source(formats)
    stream = _results(args, inputs, all_inputs, nlp, full, keep_source, fetcher, prepare)
    total = None if corpus_files else len(inputs)
    if streaming:
        return _audit_streaming(args, stream, prepare, targets, fail_on, missing, total)
    with _progress(total, args.quiet) as tick:
        results = []
        for result in stream:
            if tick:
                tick(result)
            results.append(result)
    if args.check_links:
        _check_links(results, fetcher, full, args)
    finish(results, policy)
    for message in missing:
        say(message)
    for r in results:
        _report_problems(r)

    if baseline_mode:
        from audit.policy.baseline import render_baseline

        findings = [f for r in results for f in r.findings]
        write_report(Path(args.output), render_baseline(findings))
        say(f"recorded {len(findings)} findings in {args.output}")
        return EXIT_ERROR if missing or any(r.error for r in results) else EXIT_CLEAN

    from audit.writers.console import use_color

    for fmt, target in targets.items():
        report = Report(
            results,
            fail_on,
            rulebook,
            inputs=list(args.paths),
            color=fmt == "text" and target is None and use_color(sys.stdout, args.color),
            quiet=args.quiet,
        )
        text = render(fmt, report)
        if target is None:
            sys.stdout.write(text)
        else:
            write_report(target, text)
    if args.no_exit:
        return EXIT_CLEAN
    if missing or any(r.error for r in results):
        return EXIT_ERROR
    return EXIT_FINDINGS if failing(results, fail_on) else EXIT_CLEAN


def _show_settings(args, config) -> int:
    """The config file in use and every setting after the command line is applied (TOML)."""
    import json

    def value(v) -> str:
        if isinstance(v, Path):
            v = str(v)
        if isinstance(v, set):
            v = sorted(v)
        return json.dumps(v, ensure_ascii=False)

    where = str(config.path) if config.path else f"none (searched from {Path.cwd()} upwards)"
    if args.no_config:
        where = "none (--no-config)"
    lines = [
        f"# config file: {where}",
        f"fail-on = {value(args.fail_on or config.fail_on or 'warning')}",
        f"min-severity = {value(args.min_severity or config.min_severity or 'info')}",
        f"packs = {value(config.packs if config.packs is not None else 'all')}",
        f"rules = {value([str(p) for p in config.rules] + list(args.rules))}",
        f"disable = {value(config.disable)}",
        f"include = {value(config.include)}",
        f"exclude = {value(config.exclude)}",
        f"baseline = {value(args.baseline or (str(config.baseline) if config.baseline else ''))}",
        f"require-suppression-reason = {value(config.require_suppression_reason)}",
        f"site = {value(config.site)}",
        "",
        "[severity]",
        *(f"{value(k)} = {value(v)}" for k, v in sorted(config.severity.items())),
        "",
        "[source-tiers]",
        *(f"{value(k)} = {v}" for k, v in sorted(config.source_tiers.items())),
    ]
    for o in config.overrides:
        lines += [
            "",
            "[[overrides]]",
            f"files = {value(o.files)}",
            f"disable = {value(o.disable)}",
            f"severity = {{ {', '.join(f'{value(k)} = {value(v)}' for k, v in o.severity.items())} }}",
        ]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_CLEAN


# Formats written while the audit runs, so memory does not grow with the corpus.
STREAMING = {"json": "JSONStream", "jsonl": "JSONLinesStream"}


def _corpus_args(args):
    """Corpus exports among the paths, and the column spec (or a one-line usage error)."""
    from audit.inputs.corpus import CorpusSpec, check_columns, is_corpus_file

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


def _chain_inputs(inputs, corpus_files, spec):
    """Files first, then each export's rows, read chunk by chunk as the audit asks for them."""
    yield from inputs
    if corpus_files:
        from audit.inputs.corpus import iter_rows

        for path in corpus_files:
            yield from iter_rows(path, spec)


def _results(args, files, inputs, nlp, rulebook, keep_source, fetcher, prepare=None):
    """Results in input order, from this process or from worker processes (--jobs).

    Web pages, link checks and standard input stay in this process, and so does a handful of
    files, where starting workers would cost more than it saves.
    """
    from audit.engines.local import iter_audit
    from audit.engines.parallel import CHUNK_DOCS, WorkerSpec, audit_parallel, default_jobs

    jobs = args.jobs or default_jobs()
    serial = (
        jobs == 1
        or fetcher is not None
        or args.check_links
        or any(i.fs_path is None for i in files)
        or (not args.text_column and len(files) <= CHUNK_DOCS)
    )
    batch = max(1, args.batch_size)
    if serial:
        return iter_audit(
            inputs,
            nlp,
            rulebook,
            batch_size=batch,
            keep_source=keep_source,
            fetcher=fetcher,
            extract_main=not args.no_extract,
            collect_citations=args.check_links,
        )
    spec = WorkerSpec(rulebook, args.model, batch, keep_source, prepare, args.max_file_size)
    return audit_parallel(inputs, spec, jobs, nlp=nlp)


def _report_problems(r) -> None:
    for note in r.notes:
        say(note, warning=True)
    if r.error:
        say(r.error)


def _audit_streaming(args, stream, prepare, targets, fail_on, missing, total) -> int:
    """JSON / JSON Lines: each result is finished, written and dropped as it arrives.

    `prepare` (policy, then rendering) has already run in a worker with --jobs; here it only
    runs for results audited in this process.
    """
    from audit.writers import streaming

    sinks = [getattr(streaming, STREAMING[fmt])(target, fail_on) for fmt, target in targets.items()]
    had_error = False
    try:
        with _progress(total, args.quiet) as tick:
            for result in stream:
                if tick:
                    tick(result)
                prepare(result)
                _report_problems(result)
                had_error = had_error or bool(result.error)
                for sink in sinks:
                    sink.add(result)
        for message in missing:
            say(message)
        for sink in sinks:
            sink.close()
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    totals = sinks[0].totals
    if "jsonl" in targets and not args.quiet:
        from audit.writers.console import summary_line

        say(summary_line(totals.summary(), fail_on))
    if args.no_exit:
        return EXIT_CLEAN
    if missing or had_error:
        return EXIT_ERROR
    return EXIT_FINDINGS if totals.failed else EXIT_CLEAN


class _progress:
    """A tqdm bar on stderr for runs of more than a handful of documents, only on a terminal.

    `total` is None for corpus exports, whose row count is not known until they are read.
    """

    def __init__(self, total: int | None, quiet: bool) -> None:
        self.bar = None
        if not quiet and (total is None or total > 5) and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, leave=False)

    def __enter__(self):
        return (lambda _result: self.bar.update(1)) if self.bar else None

    def __exit__(self, *exc) -> None:
        if self.bar:
            self.bar.close()


def _check_links(results, fetcher, rulebook, args) -> None:
    """Check every cited link once (cached), and add broken-citation / citation-mismatch findings."""
    from audit.checks.linkcheck import LinkCache, check_all, default_cache_dir, findings_for
    from audit.core.finding import sort_key

    urls: dict[str, bool] = {}
    for r in results:
        for c in r.citations:
            urls[c.href] = urls.get(c.href, False) or bool(c.figures)
    cache = LinkCache(
        Path(args.cache_dir) if args.cache_dir else default_cache_dir(), args.cache_ttl * 3600
    )
    before = fetcher.requests
    statuses = check_all(fetcher, urls, cache)
    for r in results:
        if r.citations:
            r.findings = sorted(
                r.findings + findings_for(r.path, r.citations, statuses, rulebook), key=sort_key
            )
    broken = sum(1 for s in statuses.values() if not s.ok)
    say(
        f"links: {len(urls)} checked, {cache.hits} from cache, "
        f"{fetcher.requests - before} HTTP requests, {broken} broken"
    )


def _targets(formats: list[str], args) -> dict[str, Path | None]:
    """Where each format goes: stdout (None), -o FILE, or DIR/claims-audit.EXT."""
    if args.out_dir:
        out_dir = Path(args.out_dir)
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"--out-dir {out_dir}: not a folder")
        return {
            f: Path(args.out_dir) / f"claims-audit.{WRITERS.get(f, ('', f))[1]}" for f in formats
        }
    output = args.output
    return {formats[0]: None if output is None or output == "-" else Path(output)}


def cmd_rules(argv: list[str]) -> int:
    p = OneLineParser(prog=f"{PROG} rules", description="List rules, or show one.")
    p.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    p.add_argument("rule_id", nargs="?", metavar="ID")
    _common(p)
    args = p.parse_args(argv)
    from audit.rulebook.docs import describe, listing

    rulebook = _rulebook(args)
    if args.action == "show":
        if not args.rule_id:
            raise UsageError("rules show needs a rule id (see `claims-audit rules`)")
        rule = rulebook.by_id.get(args.rule_id)
        if rule is None:
            raise UsageError(f"no rule with id {args.rule_id!r} (see `claims-audit rules`)")
        sys.stdout.write(describe(rule))
    else:
        sys.stdout.write(listing(rulebook))
    return EXIT_CLEAN


def cmd_eval(argv: list[str]) -> int:
    p = OneLineParser(
        prog=f"{PROG} eval",
        description="Precision, recall and F1 per category on a labelled corpus folder.",
    )
    p.add_argument("corpus", metavar="CORPUS_DIR")
    p.add_argument("--min-severity", choices=("info", "warning", "error"), default="warning")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument(
        "--show-errors", action="store_true", help="list false positives and negatives"
    )
    shown.add_argument(
        "--figures-only",
        action="store_true",
        help="print figures alone: no sentence of the corpus, even in error messages (blind corpora)",
    )
    shown.add_argument(
        "--check-labels",
        action="store_true",
        help="check that every label resolves to one sentence and count them; no scoring",
    )
    p.add_argument("--model", metavar="NAME")
    _common(p)
    args = p.parse_args(argv)
    from audit.engines.evaluation import evaluate, format_label_check, format_report

    rulebook = _rulebook(args)
    report = evaluate(
        Path(args.corpus),
        rulebook,
        args.min_severity,
        args.model,
        quote=not args.figures_only,
        check_only=args.check_labels,
    )
    if args.check_labels:
        sys.stdout.write(format_label_check(report))
    else:
        sys.stdout.write(format_report(report, args.show_errors))
    return EXIT_CLEAN


COMMANDS = {
    "rules": cmd_rules,
    "eval": cmd_eval,
    "baseline": lambda argv: cmd_audit(argv, baseline_mode=True),
}


def main(argv: list[str] | None = None) -> int:
    """Run a command; Ctrl-C and SIGTERM are audit.launch's to report (it wraps this)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:])
        return cmd_audit(argv)
    except AuditError as exc:
        say(exc)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_CLEAN
    except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_ERROR
    except Exception as exc:  # last resort: one line, never a traceback
        say(f"internal error: {type(exc).__name__}: {exc}")
        return EXIT_ERROR
